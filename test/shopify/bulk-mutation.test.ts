// The connector's bulk mutations against the emulator over HTTP: staged upload, bulkOperationRunMutation, polling
// and the result file, with each line behaving as a single customerCreate would (userErrors, custom id, webhooks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import {
  createShopifyClient,
  createWebhookSubscription,
  documents,
  getBulkOperation,
  ensureCustomIdDefinition,
  isShopifyError,
  runBulkMutation,
  stageBulkVariables,
  startBulkMutation,
  waitForBulkOperation,
  type BulkMutationResult,
  type CustomerInput,
} from '../../src/shopify/index.js';
import { receiver } from '../emulator/helpers.js';
import { email, harness } from './helpers.js';

type Created = {
  customerCreate: {
    customer: { id: string; updatedAt: string; tags: string[]; defaultEmailAddress: { emailAddress: string } | null } | null;
    userErrors: Array<{ field: string[] | null; message: string }>;
  };
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('a bulk customerCreate of 300 lines creates 299 customers and reports the taken email on its own line', async () => {
  const h = await harness();
  const taken = email('taken');
  h.em.control.createCustomer({ email: taken });
  const lines = Array.from({ length: 300 }, (_, i) => ({
    input: { email: i === 137 ? taken : email(`bulk${i}`), firstName: `Bulk${i}`, tags: ['scim'] } satisfies CustomerInput,
  }));
  const before = h.em.control.counters();
  let started: { id: string; lines: number } | undefined;
  const results: BulkMutationResult<Created>[] = await collect(
    runBulkMutation<Created>(h.client, {
      mutation: documents.bulkCustomerCreate,
      lines,
      pollIntervalMs: 10,
      onStarted: (op) => (started = op),
    }),
  );
  const after = h.em.control.counters();

  assert.equal(started?.lines, 300);
  assert.match(started!.id, /^gid:\/\/shopify\/BulkOperation\/\d+$/);
  assert.deepEqual(
    results.map((r) => r.lineNumber).sort((a, b) => a - b),
    [...Array(300).keys()],
    'one result per line, numbered from 0',
  );
  const failed = results.filter((r) => r.data?.customerCreate.customer === null);
  assert.equal(failed.length, 1, JSON.stringify(failed));
  assert.equal(failed[0].lineNumber, 137);
  assert.deepEqual(failed[0].data?.customerCreate.userErrors, [{ field: ['email'], message: 'Email has already been taken' }]);
  for (const r of results.filter((x) => x.lineNumber !== 137)) {
    const c = r.data!.customerCreate.customer!;
    assert.equal(c.defaultEmailAddress?.emailAddress, lines[r.lineNumber].input.email, `line ${r.lineNumber} created its own customer`);
    assert.deepEqual(c.tags, ['scim']);
    assert.equal(h.em.control.customer(c.id)?.firstName, `Bulk${r.lineNumber}`);
  }
  assert.equal(after.bulkMutationLines - before.bulkMutationLines, 300);
  assert.equal(
    after.mutations - before.mutations,
    2,
    'only stagedUploadsCreate and bulkOperationRunMutation went through the GraphQL endpoint',
  );
  assert.ok(
    after.costSpent - before.costSpent < 100,
    `the lines are not charged to the bucket (spent ${after.costSpent - before.costSpent})`,
  );
});

test('each line runs as a single customerCreate: the unique custom id is enforced and customers/create is delivered', async () => {
  const h = await harness();
  const hooks = await receiver();
  try {
    await ensureCustomIdDefinition(h.client, { namespace: 'shopify_scim', key: 'scim_id' });
    await createWebhookSubscription(h.client, 'CUSTOMERS_CREATE', hooks.url);
    const custom = (v: string) => [{ namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: v }];
    const lines = [
      { input: { email: email('a'), metafields: custom('user-a') } },
      { input: { email: email('b'), metafields: custom('user-a') } },
      { input: { email: email('c'), phone: '+1 555 0100' } },
      { input: { email: email('d'), metafields: custom('user-d') } },
    ];
    const results = await collect(
      runBulkMutation<Created>(h.client, { mutation: documents.bulkCustomerCreate, lines, pollIntervalMs: 10 }),
    );
    const byLine = new Map(results.map((r) => [r.lineNumber, r.data!.customerCreate]));
    assert.ok(byLine.get(0)?.customer, JSON.stringify(results));
    assert.deepEqual(
      byLine.get(1)?.userErrors.map((e) => e.message),
      ['Value is already assigned to another owner.'],
      JSON.stringify(byLine.get(1)),
    );
    assert.deepEqual(byLine.get(2)?.userErrors, [{ field: ['phone'], message: 'Phone is invalid' }]);
    const d = h.em.control.customer(byLine.get(3)!.customer!.id)!;
    assert.deepEqual(
      d.metafields.map((m) => [m.namespace, m.key, m.value]),
      [['shopify_scim', 'scim_id', 'user-d']],
    );
    const received = await hooks.waitFor(2);
    assert.deepEqual(
      received.map((r) => r.headers['x-shopify-topic']),
      ['customers/create', 'customers/create'],
    );
    assert.deepEqual(received.map((r) => r.json.admin_graphql_api_id).sort(), [byLine.get(0)!.customer!.id, d.id].sort());
  } finally {
    await hooks.close();
  }
});

test('the operation goes CREATED -> RUNNING -> COMPLETED as a MUTATION with one object per line', async () => {
  const h = await harness({ bulkStepMs: 80 });
  const path = await stageBulkVariables(
    h.client,
    `${JSON.stringify({ input: { email: email('s1') } })}\n${JSON.stringify({ input: { email: email('s2') } })}\n`,
  );
  const started = await startBulkMutation(h.client, documents.bulkCustomerCreate, path);
  assert.equal(started.status, 'CREATED');
  const seen = [started.status];
  const op = await waitForBulkOperation(h.client, started.id, {
    pollIntervalMs: 10,
    sleep: async (ms) => {
      await new Promise((r) => setTimeout(r, ms));
      const { data } = await h.client.request<{ bulkOperation: { status: string } }>(documents.bulkOperation, { id: started.id });
      if (seen[seen.length - 1] !== data.bulkOperation.status) seen.push(data.bulkOperation.status);
    },
  });
  // The last status may come from waitForBulkOperation's own poll rather than the one in sleep.
  if (seen[seen.length - 1] !== op.status) seen.push(op.status);
  assert.deepEqual(seen, ['CREATED', 'RUNNING', 'COMPLETED']);
  assert.equal(op.objectCount, 2);
  assert.ok(op.url?.endsWith('.jsonl'), JSON.stringify(op));
  const listed = await fetch(h.em.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': h.em.accessToken },
    body: JSON.stringify({ query: 'query($id: ID!) { bulkOperation(id: $id) { type query } }', variables: { id: started.id } }),
  });
  const body = (await listed.json()) as { data: { bulkOperation: { type: string; query: string } } };
  assert.deepEqual(body.data.bulkOperation, { type: 'MUTATION', query: documents.bulkCustomerCreate.text });
});

test('a sixth bulk mutation while five run is refused as BULK_IN_PROGRESS', async () => {
  const h = await harness({ bulkStepMs: 2000 });
  const path = await stageBulkVariables(h.client, `${JSON.stringify({ input: { email: email('limit') } })}\n`);
  for (let i = 0; i < 5; i++) await startBulkMutation(h.client, documents.bulkCustomerCreate, path);
  await assert.rejects(startBulkMutation(h.client, documents.bulkCustomerCreate, path), (e) => isShopifyError(e, 'BULK_IN_PROGRESS'));
});

test('a missing staged file or a mutation Shopify would not run is refused with the reason', async () => {
  const h = await harness();
  await assert.rejects(startBulkMutation(h.client, documents.bulkCustomerCreate, 'tmp/1/bulk/nothing-here/bulk_op_vars.jsonl'), (e) => {
    assert.ok(isShopifyError(e, 'INVALID_INPUT') && /NO_SUCH_FILE/.test(e.message), String(e));
    return true;
  });
  const path = await stageBulkVariables(h.client, `${JSON.stringify({ query: 'x' })}\n`);
  await assert.rejects(
    startBulkMutation(h.client, documents.bulkOperationRunQuery, path),
    (e) => isShopifyError(e, 'INVALID_INPUT') && /INVALID_MUTATION/.test(e.message),
  );
  await assert.rejects(
    startBulkMutation(h.client, documents.customer, path),
    (e) => isShopifyError(e, 'INVALID_INPUT') && /exactly one mutation operation/.test(e.message),
  );
  const notJson = await stageBulkVariables(h.client, 'not json\n');
  await assert.rejects(
    startBulkMutation(h.client, documents.bulkCustomerCreate, notJson),
    (e) => isShopifyError(e, 'INVALID_INPUT') && /INVALID_STAGED_UPLOAD_FILE/.test(e.message),
  );
});

test('variables a line’s mutation cannot take come back as that line’s errors; the other lines run', async () => {
  const h = await harness();
  const lines = [{ input: { email: email('ok') } }, { input: { email: 42, nosuchfield: true } }, { nothing: 1 }];
  const results = await collect(runBulkMutation<Created>(h.client, { mutation: documents.bulkCustomerCreate, lines, pollIntervalMs: 10 }));
  const byLine = new Map(results.map((r) => [r.lineNumber, r]));
  assert.ok(byLine.get(0)?.data?.customerCreate.customer, JSON.stringify(results));
  assert.equal(byLine.get(1)?.data, null);
  assert.ok(byLine.get(1)?.errors?.length, JSON.stringify(byLine.get(1)));
  assert.ok(
    byLine.get(2)?.errors?.some((e) => /input/.test(e.message)),
    JSON.stringify(byLine.get(2)),
  );
});

test('an upload whose signed fields were altered is refused, as the storage service refuses it', async () => {
  const h = await harness();
  const { data } = await h.client.request<{
    stagedUploadsCreate: { stagedTargets: Array<{ url: string; parameters: Array<{ name: string; value: string }> }> };
  }>(documents.stagedUploadsCreate, {
    input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'vars.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }],
  });
  const target = data.stagedUploadsCreate.stagedTargets[0];
  const send = (mutate: (name: string, value: string) => string, fileLast = true) => {
    const form = new FormData();
    if (!fileLast) form.append('file', new Blob(['{}\n']), 'vars.jsonl');
    for (const p of target.parameters) form.append(p.name, mutate(p.name, p.value));
    if (fileLast) form.append('file', new Blob(['{}\n']), 'vars.jsonl');
    return fetch(target.url, { method: 'POST', body: form });
  };
  const altered = await send((n, v) => (n === 'key' ? `${v}-other` : v));
  assert.equal(altered.status, 403, await altered.text());
  const fileFirst = await send((_n, v) => v, false);
  assert.equal(fileFirst.status, 400, await fileFirst.text());
  const ok = await send((_n, v) => v);
  assert.equal(ok.status, 201, await ok.text());
  await assert.rejects(
    h.client.uploadFile(target.url, { method: 'POST', body: new FormData() }),
    (e) => isShopifyError(e, 'INTERNAL') && /HTTP 400/.test(e.message),
  );
});

test('a PUT target takes the raw file with the content type it was issued for', async () => {
  const h = await harness();
  const { data } = await h.client.request<{
    stagedUploadsCreate: { stagedTargets: Array<{ url: string; parameters: Array<{ name: string; value: string }> }> };
  }>(documents.stagedUploadsCreate, { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'vars.jsonl', mimeType: 'text/jsonl' }] });
  const target = data.stagedUploadsCreate.stagedTargets[0];
  assert.deepEqual(
    target.parameters.map((p) => p.name),
    ['content_type', 'acl'],
  );
  const body = `${JSON.stringify({ input: { email: email('put') } })}\n`;
  const wrongType = await fetch(target.url, { method: 'PUT', body, headers: { 'content-type': 'application/json' } });
  assert.equal(wrongType.status, 403);
  const put = await fetch(target.url, { method: 'PUT', body, headers: { 'content-type': 'text/jsonl' } });
  assert.equal(put.status, 200, await put.text());
  const key = decodeURIComponent(new URL(target.url).pathname.split('/').pop()!);
  const started = await startBulkMutation(h.client, documents.bulkCustomerCreate, key);
  const op = await waitForBulkOperation(h.client, started.id, { pollIntervalMs: 10 });
  assert.equal(op.objectCount, 1);
});

test('no lines, no operation: nothing is sent', async () => {
  const h = await harness();
  const before = h.em.control.counters().requests;
  assert.deepEqual(await collect(runBulkMutation(h.client, { mutation: documents.bulkCustomerCreate, lines: [] })), []);
  assert.equal(h.em.control.counters().requests, before);
});

test('a bulk mutation cut off by an emulator restart ends FAILED, since its staged file is gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulk-persist-'));
  const file = join(dir, 'shop.json');
  try {
    const first = await startEmulator({ persistFile: file, bulkStepMs: 60_000 });
    const c1 = createShopifyClient({ shop: first.shop, baseUrl: first.url, auth: { kind: 'token', accessToken: first.accessToken } });
    const path = await stageBulkVariables(c1, `${JSON.stringify({ input: { email: email('restart') } })}\n`);
    const started = await startBulkMutation(c1, documents.bulkCustomerCreate, path);
    await first.close();
    const second = await startEmulator({ persistFile: file, accessToken: first.accessToken });
    try {
      const c2 = createShopifyClient({ shop: second.shop, baseUrl: second.url, auth: { kind: 'token', accessToken: second.accessToken } });
      const op = await getBulkOperation(c2, started.id);
      assert.deepEqual([op.status, op.errorCode], ['FAILED', 'INTERNAL_SERVER_ERROR']);
      await assert.rejects(waitForBulkOperation(c2, started.id, { pollIntervalMs: 5 }), (e) => isShopifyError(e, 'BULK_FAILED'));
      assert.equal(second.control.customers().length, 0, 'none of its lines ran');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
