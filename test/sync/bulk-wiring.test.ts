// The bridge as `serve` builds it sends a large backlog of first-time creates to Shopify as a bulk mutation
// (BULK_CREATE_THRESHOLD, default 100) when the shop's bucket cannot create them one by one within seconds.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  // A shop whose bucket holds 100 points and restores 20 a second: 150 creates (1,500 points) one by one would take
  // over a minute, longer than a bulk operation; and the per-user path, which starts at once, can take only a handful
  // before the bulk scan (every second) sees the backlog.
  s = await startStack({ syncWaitMs: 0, emulator: { bucketSize: 100, restoreRate: 20 } });
});
after(async () => s.close());

test('a backlog of 150 new users reaches Shopify through a bulk mutation, each user synced once', { timeout: 90_000 }, async () => {
  // The worker is held while the backlog builds, as when an IdP pushes a whole directory at once.
  await s.bridge.engine!.worker.stop();
  const ids: string[] = [];
  for (let i = 0; i < 150; i++) {
    const r = await s.req('POST', '/Users', oktaUser(`bulk.wired${i}@example.com`));
    assert.equal(r.status, 201, r.dump);
    ids.push(r.body.id);
  }
  s.bridge.engine!.worker.start();
  await s.until(
    'every user synced',
    async () => {
      const rows = await s.store.db.selectFrom('customer_links').select(['sync_state']).where('tenant_id', '=', s.tenantId).execute();
      return rows.filter((r) => r.sync_state === 'synced').length === 150;
    },
    60_000,
  );
  assert.ok(s.emu.control.counters().bulkMutationLines >= 100, `bulk lines: ${s.emu.control.counters().bulkMutationLines}`);
  const customers = s.emu.control.customers().filter((c) => c.email?.startsWith('bulk.wired'));
  assert.equal(customers.length, 150, 'one customer per user');
  const u = await s.req('GET', `/Users/${ids[42]}`);
  assert.equal(u.body[SHOPIFY_EXT].syncState, 'synced', u.dump);
  assert.equal(s.emu.control.customer(u.body[SHOPIFY_EXT].customerId)?.email, 'bulk.wired42@example.com');
});
