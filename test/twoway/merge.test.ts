// A customer merge in Shopify (customers/merge) is not a deletion: the SCIM user of the customer merged away is moved to
// the surviving customer and stays active, whichever of customers/delete and customers/merge the bridge sees first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTwoWay, scimUser, SHOPIFY_EXT, type TwoWayStack } from './harness.js';
import { createShopifyClient, listWebhookSubscriptions } from '../../src/shopify/index.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(() => s?.close());

const customId = (customerId: string) =>
  s.emu.control.customer(customerId)?.metafields.find((m) => m.namespace === 'shopify_scim' && m.key === 'scim_id')?.value;

/** Provisions `userName` through SCIM, makes a duplicate customer by hand, and merges the two keeping the duplicate. */
async function mergeAway(userName: string): Promise<{ userId: string; merged: string; kept: string }> {
  const created = await s.req('POST', '/Users', scimUser(userName));
  assert.equal(created.status, 201, created.dump);
  const merged = created.body[SHOPIFY_EXT].customerId as string;
  const kept = s.emu.control.createCustomer({ firstName: 'Dup', lastName: 'Licate', email: `checkout.${userName}` }).customer!.id;
  await s.settled();
  const r = s.emu.control.mergeCustomers(kept, merged);
  assert.deepEqual(r.userErrors, []);
  await s.settled();
  return { userId: created.body.id, merged, kept };
}

async function assertMovedTo(userId: string, kept: string, userName: string): Promise<void> {
  const u = await s.req('GET', `/Users/${userId}`);
  assert.equal(u.body.active, true, `a merge does not deactivate: ${u.dump}`);
  assert.equal(u.body[SHOPIFY_EXT].customerId, kept, u.dump);
  await s.until(
    'the engine to write the user onto the surviving customer',
    () => customId(kept) === userId && s.emu.control.customer(kept)?.email === userName,
  );
  const events = await s.store.db
    .selectFrom('webhook_events')
    .select(['topic', 'outcome'])
    .where('topic', '=', 'customers/merge')
    .execute();
  assert.ok(
    events.some((e) => e.outcome === 'applied'),
    JSON.stringify(events),
  );
}

test('the tenant subscribes customers/merge with the other customer topics', async () => {
  const client = createShopifyClient({ shop: s.emu.shop, baseUrl: s.emu.url, auth: { kind: 'token', accessToken: s.emu.accessToken } });
  const topics = (await listWebhookSubscriptions(client)).filter((x) => x.uri === `${s.url}/webhooks/shopify/acme`).map((x) => x.topic);
  assert.ok(topics.includes('CUSTOMERS_MERGE'), JSON.stringify(topics));
});

test('a merge whose customers/delete arrives first moves the user to the surviving customer and reactivates it', async () => {
  const { userId, kept } = await mergeAway('merged.first@example.com');
  await assertMovedTo(userId, kept, 'merged.first@example.com');
});

test('a merge delivered before its customers/delete moves the user, and the deletion then changes nothing', async () => {
  s.emu.control.setFaults({ reorderWebhooks: true });
  try {
    const { userId, kept } = await mergeAway('merged.second@example.com');
    const order = s.emu.control
      .deliveries()
      .filter((d) => d.topic === 'customers/merge' || d.topic === 'customers/delete')
      .map((d) => [d.topic, d.attempts[0]?.at]);
    assert.ok(order.length >= 2, JSON.stringify(order));
    await assertMovedTo(userId, kept, 'merged.second@example.com');
  } finally {
    s.emu.control.clearFaults();
  }
});

test('a merge into a customer linked to another SCIM user leaves that link alone', async () => {
  const a = await s.req('POST', '/Users', scimUser('first.person@example.com'));
  const b = await s.req('POST', '/Users', scimUser('second.person@example.com'));
  const keptId = b.body[SHOPIFY_EXT].customerId as string;
  await s.settled();
  s.emu.control.mergeCustomers(keptId, a.body[SHOPIFY_EXT].customerId);
  await s.settled();
  assert.equal(customId(keptId), b.body.id);
  const other = await s.req('GET', `/Users/${b.body.id}`);
  assert.equal(other.body[SHOPIFY_EXT].customerId, keptId, other.dump);
  const events = await s.store.db.selectFrom('webhook_events').select('outcome').where('topic', '=', 'customers/merge').execute();
  assert.ok(
    events.some((e) => e.outcome === `skipped: the surviving customer is linked to SCIM user ${b.body.id}`),
    JSON.stringify(events),
  );
});
