import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CUSTOMER_WEBHOOK_TOPICS,
  ShopifyError,
  createCustomer,
  createWebhookSubscription,
  deleteWebhookSubscription,
  ensureCustomIdDefinition,
  ensureWebhookSubscriptions,
  exportCustomers,
  listCustomers,
  listCustomersUpdatedSince,
  listWebhookSubscriptions,
  setMetafields,
  shopInfo,
  updateCustomer,
  type ShopifyCustomer,
} from '../../src/shopify/index.js';
import { email, harness } from './helpers.js';

let t = Date.parse('2026-03-01T00:00:00Z');
const h = await harness({ now: () => t, shop: 'catalog-test.myshopify.com' }, { now: () => t });
const { client, em } = h;
const tick = (ms = 1000) => (t += ms);

test('shopInfo reports name, domain, plan, granted scopes, the answering version and the bucket', async () => {
  const info = await shopInfo(client);
  assert.equal(info.myshopifyDomain, 'catalog-test.myshopify.com');
  assert.equal(info.name, 'Catalog Test');
  assert.equal(info.plan.displayName, 'Basic');
  assert.deepEqual(info.scopes, ['read_customers', 'write_customers']);
  assert.deepEqual(info.missingScopes, []);
  assert.equal(info.apiVersion, '2026-10');
  assert.equal(info.bucket?.maximumAvailable, 2000);
  assert.equal(info.bucket?.restoreRate, 100);
});

test('listCustomersUpdatedSince pages through changes oldest first from a watermark, resumable by cursor', async () => {
  const tag = `page-${process.pid}`;
  const made: ShopifyCustomer[] = [];
  for (let i = 0; i < 5; i++) {
    tick();
    made.push(await createCustomer(client, { email: email(`p${i}`), tags: [tag] }));
  }
  tick();
  await updateCustomer(client, made[1].id, { firstName: 'Touched' });
  const since = made[2].updatedAt;
  const pages = [];
  for await (const p of listCustomersUpdatedSince(client, { since, pageSize: 2, query: `tag:${tag}` })) pages.push(p);
  const ids = pages.flatMap((p) => p.customers.map((c) => c.id));
  // made[2], made[3], made[4] (in creation order), then made[1] which changed last
  assert.deepEqual(ids, [made[2].id, made[3].id, made[4].id, made[1].id]);
  assert.deepEqual(
    pages.map((p) => p.customers.length),
    [2, 2],
  );
  assert.equal(pages.at(-1)!.hasNextPage, false);
  const resumed = [];
  for await (const p of listCustomersUpdatedSince(client, { since, pageSize: 2, query: `tag:${tag}`, after: pages[0].endCursor }))
    resumed.push(...p.customers.map((c) => c.id));
  assert.deepEqual(resumed, ids.slice(2));
});

test('listCustomers takes Shopify search syntax and reads asked-for metafields', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const mail = email('search');
  await createCustomer(client, {
    email: mail,
    tags: ['findme'],
    metafields: [{ namespace: 'scim', key: 'id', type: 'id', value: 'u-search' }],
  });
  const page = await listCustomers(client, { query: `email:${mail}`, metafieldKeys: ['scim.id'] });
  assert.equal(page.customers.length, 1);
  assert.deepEqual(
    page.customers[0].metafields.map((m) => m.value),
    ['u-search'],
  );
});

test('setMetafields writes more than 25 metafields in batches of 25', async () => {
  const c = await createCustomer(client, { email: email('mf') });
  const before = em.control.counters().requests;
  const saved = await setMetafields(
    client,
    Array.from({ length: 30 }, (_, i) => ({
      ownerId: c.id,
      namespace: 'custom',
      key: `k${i}`,
      type: 'single_line_text_field',
      value: `v${i}`,
    })),
  );
  assert.equal(saved.length, 30);
  assert.equal(em.control.counters().requests - before, 2, 'two calls: 25 + 5');
  assert.equal(em.control.customer(c.id)!.metafields.filter((m) => m.namespace === 'custom').length, 30);
  assert.ok(saved.every((m) => m.ownerId === c.id));
});

test('a metafield error names the element in the whole list, even in a later batch', async () => {
  const c = await createCustomer(client, { email: email('mf-bad') });
  const list = Array.from({ length: 27 }, (_, i) => ({
    ownerId: c.id,
    namespace: 'custom',
    key: `b${i}`,
    type: 'number_integer',
    value: String(i),
  }));
  list[26] = { ...list[26], value: 'not a number' };
  await assert.rejects(setMetafields(client, list), (e: ShopifyError) => {
    assert.equal(e.kind, 'invalid', e.message);
    assert.equal(e.field?.[1], '26', JSON.stringify(e.field));
    return true;
  });
});

test('ensureCustomIdDefinition creates the unique id definition once and reuses it', async () => {
  const first = await ensureCustomIdDefinition(client, { namespace: 'link', key: 'scim_user' });
  assert.equal(first.created, true);
  assert.equal(first.type, 'id');
  assert.equal(first.unique, true);
  const again = await ensureCustomIdDefinition(client, { namespace: 'link', key: 'scim_user' });
  assert.equal(again.created, false);
  assert.equal(again.id, first.id);
});

test('ensureCustomIdDefinition refuses an existing definition of another type', async () => {
  // a merchant's text definition already sits where the custom id should go
  await client.request(
    {
      name: 'Def',
      text: 'mutation Def { metafieldDefinitionCreate(definition: {ownerType: CUSTOMER, namespace: "clash", key: "text", name: "t", type: "single_line_text_field"}) { userErrors { message } } }',
    },
    {},
  );
  await assert.rejects(
    ensureCustomIdDefinition(client, { namespace: 'clash', key: 'text' }),
    (e: ShopifyError) => e.code === 'DEFINITION_MISMATCH',
  );
});

test('unique custom ids are enforced: a second customer cannot take the same value', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const a = await createCustomer(client, { email: email('u1') });
  const b = await createCustomer(client, { email: email('u2') });
  await setMetafields(client, [{ ownerId: a.id, namespace: 'scim', key: 'id', type: 'id', value: 'same' }]);
  await assert.rejects(
    setMetafields(client, [{ ownerId: b.id, namespace: 'scim', key: 'id', type: 'id', value: 'same' }]),
    (e: ShopifyError) => e.kind === 'conflict',
  );
});

test('webhook subscriptions are created, listed and deleted', async () => {
  const uri = 'https://bridge.example.com/webhooks/one';
  const s = await createWebhookSubscription(client, 'CUSTOMERS_UPDATE', uri);
  assert.equal(s.topic, 'CUSTOMERS_UPDATE');
  assert.equal(s.uri, uri);
  assert.ok((await listWebhookSubscriptions(client)).some((x) => x.id === s.id));
  await deleteWebhookSubscription(client, s.id);
  assert.ok(!(await listWebhookSubscriptions(client)).some((x) => x.id === s.id));
});

test('ensureWebhookSubscriptions makes one URL receive exactly the wanted topics and leaves other URLs alone', async () => {
  const uri = 'https://bridge.example.com/webhooks/ensure';
  const foreign = await createWebhookSubscription(client, 'CUSTOMERS_CREATE', 'https://someone-else.example.com/hook');
  const stray = await createWebhookSubscription(client, 'CUSTOMERS_MERGE', uri);
  const first = await ensureWebhookSubscriptions(client, { uri });
  assert.deepEqual(first.created.map((s) => s.topic).sort(), [...CUSTOMER_WEBHOOK_TOPICS].sort());
  assert.deepEqual(
    first.deleted.map((s) => s.id),
    [stray.id],
  );
  const second = await ensureWebhookSubscriptions(client, { uri });
  assert.equal(second.created.length, 0, 'repeating changes nothing');
  assert.equal(second.kept.length, CUSTOMER_WEBHOOK_TOPICS.length);
  const all = await listWebhookSubscriptions(client);
  assert.ok(
    all.some((s) => s.id === foreign.id),
    'the other URL keeps its subscription',
  );
  assert.deepEqual(
    all
      .filter((s) => s.uri === uri)
      .map((s) => s.topic)
      .sort(),
    [...CUSTOMER_WEBHOOK_TOPICS].sort(),
  );
});

test('a bulk export returns every matching customer with its addresses and asked-for metafields', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const tag = `bulk-${process.pid}`;
  const made: ShopifyCustomer[] = [];
  for (let i = 0; i < 4; i++) {
    made.push(
      await createCustomer(client, {
        email: email(`bulk${i}`),
        firstName: `Bulk${i}`,
        tags: [tag],
        addresses:
          i % 2
            ? [
                { address1: `${i} A St`, city: 'X', countryCode: 'US' },
                { address1: `${i} B St`, city: 'Y', countryCode: 'CA' },
              ]
            : [],
        metafields: [{ namespace: 'scim', key: 'id', type: 'id', value: `bulk-user-${i}` }],
      }),
    );
  }
  const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const exported: ShopifyCustomer[] = [];
  for await (const c of exportCustomers(client, {
    query: `tag:${tag}`,
    metafieldKeys: ['scim.id'],
    pollIntervalMs: 10,
    sleep: realSleep,
    now: Date.now,
  }))
    exported.push(c);
  assert.deepEqual(exported.map((c) => c.id).sort(), made.map((c) => c.id).sort());
  const one = exported.find((c) => c.id === made[1].id)!;
  assert.equal(one.firstName, 'Bulk1');
  assert.deepEqual(one.addresses.map((a) => a.address1).sort(), ['1 A St', '1 B St']);
  assert.deepEqual(
    one.metafields.map((m) => m.value),
    ['bulk-user-1'],
  );
  assert.deepEqual(exported.find((c) => c.id === made[0].id)!.addresses, []);
});
