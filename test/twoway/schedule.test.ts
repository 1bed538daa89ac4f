// Scheduled reconciliation: with an interval set, the worker repairs drift on its own, one run at a time per tenant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from './harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay({ reconcileIntervalMs: 300 });
});
after(async () => {
  await s?.close();
});

test('a scheduled reconcile applies an edit whose webhook was lost, and keeps one run queued per tenant', async () => {
  const r = await s.req('POST', '/Users', scimUser('radia.perlman@example.com'));
  assert.equal(r.status, 201, r.dump);
  await s.settled();
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    s.emu.control.updateCustomer(r.body[SHOPIFY_EXT].customerId, { lastName: 'Perlman-Spanning' });
    const got = await s.until('the scheduled run to apply the edit', async () => {
      const g = await s.req('GET', `/Users/${r.body.id}`);
      return g.body?.name?.familyName === 'Perlman-Spanning' ? g : undefined;
    });
    assert.equal(got.status, 200);
  } finally {
    s.emu.control.clearFaults();
  }
  const runs = await s.until('the run that applied it to finish', async () => {
    const all = await s.store.db.selectFrom('outbox_jobs').select(['state']).where('kind', '=', 'shopify.reconcile').execute();
    return all.some((x) => x.state === 'done') ? all : undefined;
  });
  assert.ok(
    runs.filter((x) => x.state === 'queued' || x.state === 'running').length <= 1,
    `one run waits at a time: ${JSON.stringify(runs)}`,
  );
});
