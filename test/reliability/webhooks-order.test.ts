// Shopify's webhooks as they really arrive, counted over several users: duplicated and reordered, delayed by hours
// (delivered after a newer state, with a triggered-at hours old), or never delivered (reconcile repairs). Each user
// ends at Shopify's newest state, each webhook id is stored at most once, and a late delivery changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signShopifyWebhook } from '../../src/shopify/webhook-signature.js';
import { reconcileTenant } from '../../src/sync/reconcile.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from '../twoway/harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(() => s?.close());

async function provision(prefix: string, n: number): Promise<{ id: string; customerId: string; userName: string }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const userName = `${prefix}.u${i}@example.com`;
    const r = await s.req('POST', '/Users', scimUser(userName));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'synced', r.dump);
    out.push({ id: r.body.id as string, customerId: r.body[SHOPIFY_EXT].customerId as string, userName });
  }
  await s.settled();
  return out;
}

const givenNames = async (users: { id: string }[]) =>
  Promise.all(users.map(async (u) => (await s.req('GET', `/Users/${u.id}`)).body.name.givenName as string));

test(
  'duplicated and reordered deliveries of many quick edits: every user ends at its last Shopify state',
  { timeout: 60_000 },
  async () => {
    const users = await provision('dup', 8);
    s.emu.control.setFaults({ duplicateWebhookRate: 1, reorderWebhooks: true });
    try {
      for (const step of ['Ann', 'Bea', 'Cid', 'Dot'])
        for (const u of users) s.emu.control.updateCustomer(u.customerId, { firstName: `${step}${u.userName.slice(5, 7)}` });
      await s.settled();
    } finally {
      s.emu.control.clearFaults();
    }
    assert.deepEqual(
      await givenNames(users),
      users.map((u) => `Dot${u.userName.slice(5, 7)}`),
      'every user at its last state',
    );
    const deliveries = s.emu.control
      .deliveries({ topic: 'customers/update' })
      .filter((d) => users.some((u) => d.body.includes(`"${u.customerId}"`)));
    assert.ok(deliveries.filter((d) => d.duplicate).length >= users.length * 4, 'every delivery was sent twice');
    const ids = [...new Set(deliveries.map((d) => d.webhookId))];
    const stored = await s.store.db.selectFrom('webhook_events').select('webhook_id').where('webhook_id', 'in', ids).execute();
    assert.equal(stored.length, ids.length, 'each webhook id stored once');
    // Nothing went back to Shopify for edits that came from it.
    for (const u of users) assert.equal(s.emu.control.customer(u.customerId)?.firstName, `Dot${u.userName.slice(5, 7)}`);
  },
);

test('deliveries delayed by hours, arriving after a newer state, change nothing', { timeout: 60_000 }, async () => {
  const users = await provision('late', 5);
  // The first edit's deliveries are held back (dropped here, sent by hand later); the second arrives at once.
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  for (const u of users) s.emu.control.updateCustomer(u.customerId, { firstName: 'Old' });
  await s.settled();
  s.emu.control.clearFaults();
  const held = s.emu.control
    .deliveries({ topic: 'customers/update', status: 'dropped' })
    .filter((d) => users.some((u) => d.body.includes(`"${u.customerId}"`)));
  assert.equal(held.length, users.length);
  for (const u of users) s.emu.control.updateCustomer(u.customerId, { firstName: 'New' });
  await s.settled();
  assert.deepEqual(
    await givenNames(users),
    users.map(() => 'New'),
  );
  const versions = await Promise.all(users.map(async (u) => (await s.req('GET', `/Users/${u.id}`)).body.meta.version));

  // Three hours later, the held deliveries arrive, as Shopify sent them then.
  const hoursAgo = new Date(Date.now() - 3 * 3600_000).toISOString();
  for (const d of held) {
    const r = await fetch(`${s.url}/webhooks/shopify/acme`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': d.topic,
        'x-shopify-webhook-id': d.webhookId,
        'x-shopify-triggered-at': hoursAgo,
        'x-shopify-shop-domain': s.emu.shop,
        'x-shopify-hmac-sha256': signShopifyWebhook(d.body, s.emu.clientSecret),
      },
      body: d.body,
    });
    // Stored and found stale, or refused as too old: either way acknowledged without a server error.
    assert.ok(r.status < 500, `a late delivery answered ${r.status}`);
  }
  await s.settled();
  assert.deepEqual(
    await givenNames(users),
    users.map(() => 'New'),
    'no user went back to the older state',
  );
  const after = await Promise.all(users.map(async (u) => (await s.req('GET', `/Users/${u.id}`)).body.meta.version));
  assert.deepEqual(after, versions, 'no new version');
  for (const u of users) assert.equal(s.emu.control.customer(u.customerId)?.firstName, 'New', 'Shopify keeps the newer state');
});

test('deliveries that never arrive: reconcile finds every missed edit and deletion and repairs them', { timeout: 60_000 }, async () => {
  const users = await provision('lost', 10);
  s.emu.control.setFaults({ dropWebhookRate: 1 });
  try {
    for (const u of users.slice(0, 8)) s.emu.control.updateCustomer(u.customerId, { lastName: 'Missed' });
    for (const u of users.slice(8)) s.emu.control.deleteCustomer(u.customerId);
    await s.settled();
  } finally {
    s.emu.control.clearFaults();
  }
  const family = async (id: string) => (await s.req('GET', `/Users/${id}`)).body;
  for (const u of users.slice(0, 8)) assert.notEqual((await family(u.id)).name.familyName, 'Missed', 'nothing arrived');

  const deps = { ...s.twoWay.deps, pollIntervalMs: 20 };
  const report = await reconcileTenant(deps, await s.tenant(), { full: true, repair: true });
  await s.settled();
  const mine = (ids: (string | undefined)[]) => ids.filter((id) => users.some((u) => u.id === id));
  assert.equal(mine(report.missedUpdates.map((m) => m.userId)).length, 8, JSON.stringify(report.missedUpdates));
  assert.equal(mine(report.deletedCustomers.map((m) => m.userId)).length, 2, JSON.stringify(report.deletedCustomers));
  for (const u of users.slice(0, 8)) assert.equal((await family(u.id)).name.familyName, 'Missed', `${u.userName} repaired`);
  for (const u of users.slice(8)) assert.equal((await family(u.id)).active, false, `${u.userName} deactivated`);

  const again = await reconcileTenant(deps, await s.tenant(), { full: true });
  assert.equal(again.missedUpdates.length + again.deletedCustomers.length + again.lostLinks.length, 0, JSON.stringify(again));
});
