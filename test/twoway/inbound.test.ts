// Shopify -> SCIM end to end: staff edits in the emulator arrive as signed webhooks over HTTP, are stored once,
// and change the linked SCIM user in Shopify's order; echoes of the bridge's own writes change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { signShopifyWebhook } from '../../src/shopify/webhook-signature.js';
import { startTwoWay, scimUser, SHOPIFY_EXT, PATCH_OP, type TwoWayStack } from './harness.js';

let s: TwoWayStack;
before(async () => {
  s = await startTwoWay();
});
after(async () => {
  await s?.close();
});

async function provisioned(userName: string, extra: Record<string, unknown> = {}) {
  const r = await s.req('POST', '/Users', scimUser(userName, extra));
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'synced', r.dump);
  await s.settled();
  return { id: r.body.id as string, customerId: r.body[SHOPIFY_EXT].customerId as string };
}

const jobsFor = async (userId: string, kind: string) =>
  (await s.store.db.selectFrom('outbox_jobs').select('id').where('key', '=', `user:${userId}`).where('kind', '=', kind).execute()).length;

const outcomes = async (customerId: string) => {
  const rows = await s.store.db.selectFrom('webhook_events').select(['topic', 'payload', 'outcome']).execute();
  const n = customerId.slice(customerId.lastIndexOf('/') + 1);
  return rows.filter((r) => r.payload.includes(`/Customer/${n}"`)).map((r) => `${r.topic}:${r.outcome}`);
};

test('a staff edit in Shopify reaches the SCIM user through its webhook, with a new version and no write back', async () => {
  const u = await provisioned('ada.lovelace@example.com');
  const before = await s.req('GET', `/Users/${u.id}`);
  const syncsBefore = await jobsFor(u.id, 'user.sync');
  const edit = s.emu.control.updateCustomer(u.customerId, { firstName: 'Augusta', phone: '+14155550199' });
  assert.deepEqual(edit.userErrors, []);
  const got = await s.until('the SCIM user to show the staff edit', async () => {
    const r = await s.req('GET', `/Users/${u.id}`);
    return r.body?.name?.givenName === 'Augusta' ? r : undefined;
  });
  assert.notEqual(got.body.meta.version, before.body.meta.version, got.dump);
  assert.equal(got.body.phoneNumbers?.[0]?.value, '+14155550199', got.dump);
  await s.settled();
  assert.equal(await jobsFor(u.id, 'user.sync'), syncsBefore, 'a change that came from Shopify is not written back to Shopify');
  const audit = await s.store.db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .where('resource_id', '=', u.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(audit.at(-1), { actor: 'shopify', action: 'user.patch' }, JSON.stringify(audit));
  assert.ok((await outcomes(u.customerId)).includes('customers/update:applied'), JSON.stringify(await outcomes(u.customerId)));
});

test('a delivery with a wrong or missing signature is refused with 401 and nothing is stored', async () => {
  const body = JSON.stringify({
    id: 1,
    admin_graphql_api_id: 'gid://shopify/Customer/1',
    first_name: 'Mallory',
    updated_at: new Date().toISOString(),
  });
  const count = async () => (await s.store.db.selectFrom('webhook_events').select('webhook_id').execute()).length;
  const n = await count();
  const post = (headers: Record<string, string>, tenant = 'acme') =>
    fetch(`${s.url}/webhooks/shopify/${tenant}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/update',
        'x-shopify-webhook-id': 'wh-test-1',
        ...headers,
      },
      body,
    });
  const wrong = await post({ 'x-shopify-hmac-sha256': signShopifyWebhook(body, 'not-the-app-secret') });
  assert.equal(wrong.status, 401, await wrong.text());
  const missing = await post({});
  assert.equal(missing.status, 401);
  const otherTenant = await post({ 'x-shopify-hmac-sha256': signShopifyWebhook(body, s.emu.clientSecret) }, 'nobody');
  assert.equal(otherTenant.status, 401);
  const otherShop = await post({
    'x-shopify-hmac-sha256': signShopifyWebhook(body, s.emu.clientSecret),
    'x-shopify-shop-domain': 'another-shop.myshopify.com',
  });
  assert.equal(otherShop.status, 401, 'a delivery of another shop signed with the same app secret');
  assert.equal(await count(), n, 'a refused delivery leaves no trace');

  const good = await post({ 'x-shopify-hmac-sha256': signShopifyWebhook(body, s.emu.clientSecret), 'x-shopify-shop-domain': s.emu.shop });
  assert.equal(good.status, 200, await good.text());
  const again = await post({ 'x-shopify-hmac-sha256': signShopifyWebhook(body, s.emu.clientSecret) });
  assert.deepEqual(await again.json(), { received: true, duplicate: true });
  assert.equal(await count(), n + 1, 'the same webhook id is stored once');
  const jobs = await s.store.db
    .selectFrom('outbox_jobs')
    .select('id')
    .where('kind', '=', 'shopify.inbound')
    .where('payload', 'like', '%wh-test-1%')
    .execute();
  assert.equal(jobs.length, 1, 'and processed once');
});

test("the echo of the bridge's own write is dropped: the SCIM user keeps its version and its own spelling", async () => {
  const u = await provisioned('grace.hopper@example.com');
  const p = await s.req('PATCH', `/Users/${u.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: '+1 (415) 555-0100', type: 'mobile', primary: true }] }],
  });
  assert.equal(p.status, 200, p.dump);
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  assert.equal(s.emu.control.customer(u.customerId)?.phone, '+14155550100', 'Shopify stores the number in E.164');
  await s.settled();
  const r = await s.req('GET', `/Users/${u.id}`);
  assert.equal(r.body.meta.version, p.body.meta.version, `the echo made no new version: ${r.dump}`);
  assert.equal(r.body.phoneNumbers[0].value, '+1 (415) 555-0100', r.dump);
  const seen = await outcomes(u.customerId);
  assert.ok(
    seen.some((o) => o === 'customers/update:echo'),
    JSON.stringify(seen),
  );
  assert.ok(!seen.some((o) => o.endsWith(':applied')), JSON.stringify(seen));
});

test('a late delivery of an older state never overwrites the newer one', async () => {
  const u = await provisioned('john.backus@example.com');
  s.emu.control.updateCustomer(u.customerId, { firstName: 'Johnny' });
  await s.until('the edit to arrive', async () => (await s.req('GET', `/Users/${u.id}`)).body?.name?.givenName === 'Johnny');
  await s.settled();
  const version = (await s.req('GET', `/Users/${u.id}`)).body.meta.version;
  const n = u.customerId.slice(u.customerId.lastIndexOf('/') + 1);
  const old = JSON.stringify({
    id: Number(n),
    admin_graphql_api_id: u.customerId,
    first_name: 'Jack',
    last_name: 'Backus',
    email: 'john.backus@example.com',
    updated_at: '2020-01-01T00:00:00Z',
  });
  const r = await fetch(`${s.url}/webhooks/shopify/acme`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-webhook-id': 'late-1',
      'x-shopify-hmac-sha256': signShopifyWebhook(old, s.emu.clientSecret),
    },
    body: old,
  });
  assert.equal(r.status, 200);
  await s.settled();
  const ev = await s.store.db.selectFrom('webhook_events').select('outcome').where('webhook_id', '=', 'late-1').executeTakeFirstOrThrow();
  assert.equal(ev.outcome, 'stale');
  const g = await s.req('GET', `/Users/${u.id}`);
  assert.equal(g.body.name.givenName, 'Johnny', g.dump);
  assert.equal(g.body.meta.version, version, g.dump);
});

test("duplicated and reordered deliveries of several quick edits end in Shopify's final state", async () => {
  const u = await provisioned('alan.turing@example.com');
  s.emu.control.setFaults({ duplicateWebhookRate: 1, reorderWebhooks: true });
  try {
    for (const name of ['Alonzo', 'Kurt', 'Emil', 'Haskell']) s.emu.control.updateCustomer(u.customerId, { firstName: name });
    await s.settled();
  } finally {
    s.emu.control.clearFaults();
  }
  const deliveries = s.emu.control
    .deliveries({ topic: 'customers/update' })
    .filter((d) => d.body.includes(`"admin_graphql_api_id":"${u.customerId}"`));
  assert.ok(deliveries.filter((d) => d.duplicate).length >= 4, `every delivery was sent twice: ${deliveries.length}`);
  const r = await s.req('GET', `/Users/${u.id}`);
  assert.equal(r.body.name.givenName, 'Haskell', r.dump);
  const ids = new Set(deliveries.map((d) => d.webhookId));
  const stored = await s.store.db
    .selectFrom('webhook_events')
    .select('webhook_id')
    .where('webhook_id', 'in', [...ids])
    .execute();
  assert.equal(stored.length, ids.size, 'each webhook id stored once');
});

test('a customer deleted in Shopify deactivates its SCIM user by default and unlinks it', async () => {
  const u = await provisioned('edsger.dijkstra@example.com');
  const d = s.emu.control.deleteCustomer(u.customerId);
  assert.deepEqual(d.userErrors, []);
  const r = await s.until('the SCIM user to be deactivated', async () => {
    const g = await s.req('GET', `/Users/${u.id}`);
    return g.body?.active === false ? g : undefined;
  });
  assert.equal(r.status, 200, r.dump);
  const link = await s.store.db.selectFrom('customer_links').selectAll().where('user_id', '=', u.id).executeTakeFirstOrThrow();
  assert.equal(link.customer_id, null);
  assert.equal(link.deprovisioned, 'deleted-in-shopify');
});

test('a tag removed in Shopify changes no SCIM attribute but leaves the managed tags the bridge keeps', async () => {
  const u = await provisioned('barbara.liskov@example.com');
  const managed = async () =>
    JSON.parse(
      (await s.store.db.selectFrom('customer_links').select('managed_tags').where('user_id', '=', u.id).executeTakeFirstOrThrow())
        .managed_tags,
    ) as string[];
  assert.ok((await managed()).includes('scim-provisioned'), JSON.stringify(await managed()));
  const version = (await s.req('GET', `/Users/${u.id}`)).body.meta.version;
  s.emu.control.removeTags(u.customerId, ['scim-provisioned']);
  await s.until('the managed tags to drop the removed tag', async () => !(await managed()).includes('scim-provisioned'));
  await s.settled();
  assert.equal((await s.req('GET', `/Users/${u.id}`)).body.meta.version, version);
});

test('a customer created in Shopify becomes a SCIM user only when the tenant enables it', async () => {
  const off = s.emu.control.createCustomer({ firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com' });
  assert.deepEqual(off.userErrors, []);
  await s.settled();
  const none = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "katherine@example.com"')}`);
  assert.equal(none.body.totalResults, 0, none.dump);

  const t = await s.tenant();
  await s.setSettings({ policies: { ...(t.settings.policies as object), importShopifyCreated: true } });
  try {
    const on = s.emu.control.createCustomer({
      firstName: 'Dorothy',
      lastName: 'Vaughan',
      email: 'dorothy@example.com',
      phone: '+14155550142',
    });
    const found = await s.until('a SCIM user for the storefront customer', async () => {
      const r = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "dorothy@example.com"')}`);
      return r.body?.totalResults === 1 ? r.body.Resources[0] : undefined;
    });
    assert.equal(found.name.givenName, 'Dorothy', JSON.stringify(found));
    assert.equal(found.emails[0].value, 'dorothy@example.com', JSON.stringify(found));
    assert.equal(found[SHOPIFY_EXT]?.customerId, on.customer!.id, JSON.stringify(found));
    await s.until('the custom id on the customer', () =>
      s.emu.control.customer(on.customer!.id)?.metafields.some((m) => m.key === 'scim_id' && m.value === found.id),
    );
    await s.settled();
    const still = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "katherine@example.com"')}`);
    assert.equal(still.body.totalResults, 0, 'a customer created while it was off stays unlinked');
  } finally {
    await s.setSettings({ policies: t.settings.policies ?? {} });
  }
});
