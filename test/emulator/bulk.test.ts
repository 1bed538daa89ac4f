import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator, type TestEmulator } from './helpers.js';

const RUN = `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status url } userErrors { field message code } } }`;
const POLL = `query($id: ID!) { bulkOperation(id: $id) { id status objectCount rootObjectCount fileSize url completedAt } currentBulkOperation { id status } }`;

async function waitCompleted(t: TestEmulator, id: string, seen: string[] = []) {
  for (let i = 0; i < 100; i++) {
    const d = await t.data(POLL, { id });
    if (seen[seen.length - 1] !== d.bulkOperation.status) seen.push(d.bulkOperation.status);
    if (d.bulkOperation.status === 'COMPLETED' || d.bulkOperation.status === 'FAILED')
      return { op: d.bulkOperation, current: d.currentBulkOperation, seen };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`bulk operation ${id} did not finish: ${seen.join(' -> ')}`);
}

test('a bulk customers query goes CREATED -> RUNNING -> COMPLETED and serves JSONL with children after parents', async () => {
  const t = await emulator({ bulkStepMs: 250 });
  try {
    const a = t.em.control.createCustomer({ email: 'bulk-a@example.com', tags: ['x'] }).customer!;
    const b = t.em.control.createCustomer({ email: 'bulk-b@example.com' }).customer!;
    t.em.control.createCustomer({ email: 'other@example.com', tags: ['y'] });
    await t.data(
      'mutation($id: ID!) { customerAddressCreate(customerId: $id, address: { city: "Oslo", countryCode: NO }) { address { id } } }',
      { id: a.id },
    );
    const started = await t.data(RUN, {
      q: '{ customers(query: "email:bulk-*") { edges { node { id email addressesV2 { edges { node { city } } } } } } }',
    });
    assert.deepEqual(started.bulkOperationRunQuery.userErrors, []);
    assert.equal(started.bulkOperationRunQuery.bulkOperation.status, 'CREATED');
    const { op, current, seen } = await waitCompleted(t, started.bulkOperationRunQuery.bulkOperation.id, ['CREATED']);
    assert.deepEqual(seen, ['CREATED', 'RUNNING', 'COMPLETED']);
    assert.equal(current.id, op.id, 'currentBulkOperation is the latest');
    assert.equal(op.rootObjectCount, '2');
    assert.equal(op.objectCount, '3');
    assert.ok(op.completedAt);
    assert.equal(op.url, `${t.em.url}/_emulator/bulk/${op.id.split('/').pop()}.jsonl`);
    const res = await fetch(op.url);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(Number(op.fileSize), Buffer.byteLength(text));
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { id: a.id, email: 'bulk-a@example.com' },
      { city: 'Oslo', __parentId: a.id },
      { id: b.id, email: 'bulk-b@example.com' },
    ]);
  } finally {
    await t.em.close();
  }
});

test('bulk queries are checked and not charged to the bucket', async () => {
  const t = await emulator({ bulkStepMs: 5, now: () => 0 });
  try {
    const bad = await t.data(RUN, { q: '{ shop { name } }' });
    assert.equal(bad.bulkOperationRunQuery.bulkOperation, null);
    assert.equal(bad.bulkOperationRunQuery.userErrors[0].code, 'INVALID');
    const r = await t.gql(RUN, { q: '{ customers { nodes { id } } }' });
    assert.equal(r.body.extensions?.cost?.actualQueryCost, 10, 'only the mutation itself is charged');
    const { op } = await waitCompleted(t, r.body.data!.bulkOperationRunQuery.bulkOperation.id);
    assert.equal(op.status, 'COMPLETED');
    assert.equal(op.url, null, 'no objects, no file (as Shopify)');
  } finally {
    await t.em.close();
  }
});
