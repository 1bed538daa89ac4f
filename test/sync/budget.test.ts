// What a new user costs on the shop's API budget, through the real SCIM API, database and emulator (webhooks coming
// back to the bridge as from a real shop): one request and 10 points per created customer, asked for as charged, its
// echo recognised without a read; and a SCIM write that cannot reach Shopify within the sync wait is answered at once.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startBridgeStack, connectedTenant, type BridgeStack } from '../helpers/stack.js';
import { call, SHOPIFY_EXT, type Res } from '../helpers/http.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { ensureTenantWebhooks } from '../../src/sync/inbound/subscriptions.js';

const user = (userName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: userName, type: 'work', primary: true }],
  active: true,
});

async function stackWith(
  emulator: { restoreRate: number; bucketSize: number },
  syncWaitMs: number,
  importShopifyCreated: boolean,
  subscribe = true,
) {
  const s = await startBridgeStack({
    emulator: { ...emulator, webhookRetry: { attempts: 3, baseDelayMs: 100, timeoutMs: 3000 } },
    env: { SYNC_WAIT_MS: String(syncWaitMs), BULK_CREATE_THRESHOLD: '0' },
    worker: { concurrency: 4 },
  });
  const { tenant, token } = await connectedTenant(s, 'acme', { webhookSecret: true, settings: { policies: { importShopifyCreated } } });
  const t = (await new TenantRepository(s.store.db).byId(tenant.id))!;
  if (subscribe) await ensureTenantWebhooks({ ...s.bridge.twoWay!.deps, publicUrl: s.bridge.url }, t);
  const req = (method: string, path: string, body?: unknown): Promise<Res> =>
    call(method, `${s.bridge.url}/scim/v2/acme${path}`, {
      headers: { authorization: `Bearer ${token}` },
      body,
      contentType: 'application/scim+json',
      label: path,
    });
  return { s, tenantId: tenant.id, req };
}

async function idle(s: BridgeStack, tenantId: string): Promise<void> {
  await s.emu.control.webhooksIdle();
  for (let quiet = 0; quiet < 3;) {
    const open = await s.store.db
      .selectFrom('outbox_jobs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('state', 'in', ['queued', 'running'])
      .execute();
    quiet = open.length === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let stacks: BridgeStack[] = [];
before(() => {
  stacks = [];
});
after(async () => {
  for (const s of stacks) await s.close();
});

test('a new user costs one customerCreate of 10 points, asked for as charged; its webhooks come back and cost nothing', async () => {
  for (const importShopifyCreated of [false, true]) {
    const { s, tenantId, req } = await stackWith({ restoreRate: 1000, bucketSize: 4000 }, 5000, importShopifyCreated);
    stacks.push(s);
    // The shop's one-time set-up (the custom id definition) is made by the first user.
    const first = await req('POST', '/Users', user('first@example.com'));
    assert.equal(first.status, 201, first.dump);
    await idle(s, tenantId);
    const before = s.emu.control.counters();
    const n = 12;
    for (let i = 0; i < n; i++) {
      const r = await req('POST', '/Users', user(`u${i}@example.com`));
      assert.equal(r.status, 201, r.dump);
      assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'synced', r.dump);
    }
    await idle(s, tenantId);
    const c = s.emu.control.counters();
    assert.ok(c.webhooksDelivered - before.webhooksDelivered >= n, 'the creates came back as webhooks');
    assert.equal(s.emu.control.customers().length, n + 1, 'one customer per user');
    const what = `importShopifyCreated ${importShopifyCreated}`;
    assert.equal(c.requests - before.requests, n, `one request per created customer (${what})`);
    assert.equal(c.mutations - before.mutations, n, `one mutation per created customer (${what})`);
    assert.equal(c.costSpent - before.costSpent, 10 * n, `10 points charged per created customer (${what})`);
    assert.equal(c.costRequested - before.costRequested, 10 * n, `10 points asked for per created customer (${what})`);
    const users = await s.store.db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).execute();
    assert.equal(users.length, n + 1, 'no SCIM user made from the echoes');
  }
});

test('a user whose email a customer already has is adopted, with one refused create and one look-up, not duplicated', async () => {
  const { s, tenantId, req } = await stackWith({ restoreRate: 1000, bucketSize: 4000 }, 5000, false);
  stacks.push(s);
  await req('POST', '/Users', user('first@example.com'));
  await idle(s, tenantId);
  const existing = s.emu.control.createCustomer({ email: 'shopper@example.com', firstName: 'Existing' }).customer!;
  await idle(s, tenantId);
  const before = s.emu.control.counters();
  const r = await req('POST', '/Users', user('shopper@example.com'));
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'synced', r.dump);
  assert.equal(r.body[SHOPIFY_EXT]?.customerId, existing.id, 'linked to the customer already there');
  assert.equal(s.emu.control.customers().filter((c) => c.email === 'shopper@example.com').length, 1);
  const c = s.emu.control.counters();
  // the refused create, the one look-up (custom id and email together), the update of the adopted customer
  assert.ok(c.requests - before.requests <= 4, `few requests to adopt (${c.requests - before.requests})`);
});

test('once the bucket cannot hold the writes queued ahead within the wait, a POST answers pending at once', async () => {
  // 10 points/s, one user's create a second: a burst queues up seconds of writes behind a 2-second wait.
  const { s, req } = await stackWith({ restoreRate: 10, bucketSize: 30 }, 2000, false, false);
  stacks.push(s);
  const first = await req('POST', '/Users', user('first@example.com'));
  assert.equal(first.status, 201, first.dump);
  const answers = await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const t = Date.now();
      const r = await req('POST', '/Users', user(`q${i}@example.com`));
      assert.equal(r.status, 201, r.dump);
      return { ms: Date.now() - t, state: r.body[SHOPIFY_EXT]?.syncState as string };
    }),
  );
  const late = Date.now();
  const r = await req('POST', '/Users', user('last@example.com'));
  const ms = Date.now() - late;
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'pending', r.dump);
  assert.ok(ms < 1000, `the POST behind a queue the bucket cannot serve in 2 s answered in ${ms} ms`);
  assert.ok(
    answers.some((a) => a.state === 'pending'),
    `the burst is more than the bucket serves in the wait: ${JSON.stringify(answers)}`,
  );
});
