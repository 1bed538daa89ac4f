import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { withReceiver, type ReceivedWebhook, type TestEmulator } from './helpers.js';

const SECRET = 'shpss_test_secret';

/** An independent check of X-Shopify-Hmac-Sha256 over the raw body. */
function verify(w: ReceivedWebhook, secret = SECRET): boolean {
  const expected = createHmac('sha256', secret).update(Buffer.from(w.raw, 'utf8')).digest();
  const given = Buffer.from(String(w.headers['x-shopify-hmac-sha256']), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function subscribe(t: TestEmulator, topic: string, uri: string, extra: Record<string, unknown> = {}) {
  const d = await t.data(
    `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id topic uri format includeFields filter } userErrors { field message } } }`,
    { topic, sub: { uri, format: 'JSON', ...extra } },
  );
  assert.deepEqual(d.webhookSubscriptionCreate.userErrors, []);
  return d.webhookSubscriptionCreate.webhookSubscription;
}

test('a customer created through the API is announced by a signed customers/create webhook', () =>
  withReceiver({ clientSecret: SECRET, webhookRetry: { attempts: 3, baseDelayMs: 10 } }, async (t, rx) => {
    await subscribe(t, 'CUSTOMERS_CREATE', rx.url);
    const c = (
      await t.data(
        'mutation { customerCreate(input: { email: "hook@example.com", firstName: "Hook", tags: ["a"] }) { customer { id legacyResourceId } } }',
      )
    ).customerCreate.customer;
    const [w] = await rx.waitFor(1);
    assert.ok(verify(w), 'HMAC of the raw body with the client secret');
    assert.ok(!verify(w, 'another secret'), 'and not with another secret');
    assert.equal(w.headers['x-shopify-topic'], 'customers/create');
    assert.equal(w.headers['x-shopify-shop-domain'], 'demo-shop.myshopify.com');
    assert.equal(w.headers['x-shopify-api-version'], '2026-10');
    assert.match(String(w.headers['x-shopify-webhook-id']), /^[0-9a-f-]{36}$/);
    assert.match(String(w.headers['x-shopify-event-id']), /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(String(w.headers['x-shopify-triggered-at']))));
    assert.equal(w.json.id, Number(c.legacyResourceId));
    assert.equal(w.json.admin_graphql_api_id, c.id);
    assert.equal(w.json.email, 'hook@example.com');
    assert.equal(w.json.first_name, 'Hook');
    assert.equal(w.json.state, 'disabled');
    assert.equal('tags' in w.json, false, 'no tags in customer payloads since 2025-01');
    assert.equal('email_marketing_consent' in w.json, false);
    await t.em.control.webhooksIdle();
    assert.equal(t.em.control.deliveries({ topic: 'customers/create' })[0].status, 'delivered');
  }));

test('tag changes fire the tag topics with only the changed tags', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    await subscribe(t, 'CUSTOMER_TAGS_ADDED', rx.url);
    await subscribe(t, 'CUSTOMER_TAGS_REMOVED', rx.url);
    await subscribe(t, 'CUSTOMERS_UPDATE', rx.url);
    const c = t.em.control.createCustomer({ email: 'tagged@example.com', tags: ['old'] }).customer!;
    await rx.waitFor(1);
    rx.received.length = 0;
    await t.data('mutation($id: ID!) { customerUpdate(input: { id: $id, tags: ["new", "other"] }) { userErrors { message } } }', {
      id: c.id,
    });
    const got = await rx.waitFor(3);
    const byTopic = Object.fromEntries(got.map((w) => [w.headers['x-shopify-topic'], w.json]));
    assert.deepEqual(byTopic['customer_tags/added'].tags, ['new', 'other']);
    assert.deepEqual(byTopic['customer_tags/removed'].tags, ['old']);
    assert.equal(byTopic['customer_tags/added'].customerId, c.id);
    assert.ok(byTopic['customer_tags/added'].occurredAt);
    assert.equal(byTopic['customers/update'].admin_graphql_api_id, c.id);
  }));

test('merchant actions fire the same topics: staff edit, delete, sign-in and disable', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    for (const topic of ['CUSTOMERS_UPDATE', 'CUSTOMERS_DELETE', 'CUSTOMERS_ENABLE', 'CUSTOMERS_DISABLE'])
      await subscribe(t, topic, rx.url);
    const c = t.em.control.createCustomer({ email: 'staff@example.com' }).customer!;
    const r = await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ firstName: 'Edited' }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal((await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}/sign-in`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}/disable`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}`, { method: 'DELETE' })).status, 200);
    await t.em.control.webhooksIdle();
    const topics = rx.received.map((w) => w.headers['x-shopify-topic']).sort();
    assert.deepEqual(topics, [
      'customers/delete',
      'customers/disable',
      'customers/enable',
      'customers/update',
      'customers/update',
      'customers/update',
    ]);
    const enable = rx.received.find((w) => w.headers['x-shopify-topic'] === 'customers/enable')!;
    assert.equal(enable.json.state, 'enabled');
    const del = rx.received.find((w) => w.headers['x-shopify-topic'] === 'customers/delete')!;
    assert.deepEqual([del.json.id, del.json.admin_graphql_api_id], [c.legacyResourceId, c.id]);
  }));

test('an order placed through the control API fires a signed customers/update, after which customerDelete is refused', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    await subscribe(t, 'CUSTOMERS_UPDATE', rx.url);
    await subscribe(t, 'CUSTOMERS_DELETE', rx.url);
    const c = t.em.control.createCustomer({ email: 'buyer@example.com', firstName: 'Buyer' }).customer!;
    await t.em.control.webhooksIdle();
    rx.received.length = 0;
    const placed = await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ totalPrice: '42.50' }),
    });
    const out = (await placed.json()) as { orderId: string; customer: { numberOfOrders: number; canDelete: boolean } };
    assert.equal(placed.status, 201, JSON.stringify(out));
    assert.match(out.orderId, /^gid:\/\/shopify\/Order\/\d+$/);
    assert.deepEqual([out.customer.numberOfOrders, out.customer.canDelete], [1, false]);
    const [w] = await rx.waitFor(1);
    assert.ok(verify(w), 'HMAC of the raw body with the client secret');
    assert.equal(w.headers['x-shopify-topic'], 'customers/update');
    assert.deepEqual([w.json.id, w.json.admin_graphql_api_id], [c.legacyResourceId, c.id]);
    const read = await t.data('query($id: ID!) { customer(id: $id) { updatedAt numberOfOrders canDelete amountSpent { amount } } }', {
      id: c.id,
    });
    assert.equal(w.json.updated_at, read.customer.updatedAt, 'the payload carries the update the order made');
    assert.deepEqual([read.customer.numberOfOrders, read.customer.canDelete, Number(read.customer.amountSpent.amount)], ['1', false, 42.5]);

    const del = await t.data(
      'mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId userErrors { field message } } }',
      { id: c.id },
    );
    assert.equal(del.customerDelete.deletedCustomerId, null);
    assert.deepEqual(
      del.customerDelete.userErrors.map((e: { field: string[] }) => e.field),
      [['id']],
    );
    assert.match(del.customerDelete.userErrors[0].message, /associated orders/);
    const staff = await fetch(`${t.em.url}/_emulator/customers/${c.legacyResourceId}`, { method: 'DELETE' });
    assert.equal(staff.status, 422, await staff.clone().text());
    assert.ok((await t.data('query($id: ID!) { customer(id: $id) { id } }', { id: c.id })).customer, 'the customer is still there');
    await t.em.control.webhooksIdle();
    assert.deepEqual(
      rx.received.map((x) => x.headers['x-shopify-topic']),
      ['customers/update'],
      'no customers/delete',
    );
  }));

test('a failing receiver is retried with backoff under the same webhook id until it answers 2xx', () =>
  withReceiver({ clientSecret: SECRET, webhookRetry: { attempts: 4, baseDelayMs: 20 } }, async (t, rx) => {
    rx.script = [500, 503];
    await subscribe(t, 'CUSTOMERS_CREATE', rx.url);
    t.em.control.createCustomer({ email: 'retry@example.com' });
    const got = await rx.waitFor(3);
    assert.equal(new Set(got.map((w) => w.headers['x-shopify-webhook-id'])).size, 1, 'same webhook id on every attempt');
    assert.ok(got[2].at - got[1].at >= got[1].at - got[0].at, 'delays grow');
    await t.em.control.webhooksIdle();
    const [d] = t.em.control.deliveries();
    assert.equal(d.status, 'delivered');
    assert.deepEqual(
      d.attempts.map((a) => a.status),
      [500, 503, 200],
    );
  }));

test('a delivery that keeps failing or timing out is marked failed after the last attempt', () =>
  withReceiver({ clientSecret: SECRET, webhookRetry: { attempts: 2, baseDelayMs: 10, timeoutMs: 100 } }, async (t, rx) => {
    rx.delayMs = 300;
    await subscribe(t, 'CUSTOMERS_CREATE', rx.url);
    t.em.control.createCustomer({ email: 'slow@example.com' });
    await t.em.control.webhooksIdle();
    const [d] = t.em.control.deliveries();
    assert.equal(d.status, 'failed');
    assert.deepEqual(
      d.attempts.map((a) => a.error),
      ['timeout', 'timeout'],
    );
    assert.equal(t.em.control.counters().webhooksFailed, 1);
  }));

test('faults drop or duplicate deliveries, and reorder them', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    await subscribe(t, 'CUSTOMERS_CREATE', rx.url);
    t.em.control.setFaults({ dropWebhookRate: 1 });
    t.em.control.createCustomer({ email: 'dropped@example.com' });
    await t.em.control.webhooksIdle();
    assert.equal(rx.received.length, 0);
    assert.equal(t.em.control.deliveries({ status: 'dropped' }).length, 1);

    t.em.control.setFaults({ dropWebhookRate: 0, duplicateWebhookRate: 1 });
    t.em.control.createCustomer({ email: 'twice@example.com' });
    const twice = await rx.waitFor(2);
    assert.equal(twice[0].headers['x-shopify-webhook-id'], twice[1].headers['x-shopify-webhook-id']);
    assert.equal(twice[0].raw, twice[1].raw);

    rx.received.length = 0;
    t.em.control.setFaults({ duplicateWebhookRate: 0, reorderWebhooks: true });
    for (const n of [1, 2, 3]) t.em.control.createCustomer({ email: `order${n}@example.com` });
    const got = await rx.waitFor(3);
    assert.deepEqual(
      got.map((w) => w.json.email),
      ['order3@example.com', 'order2@example.com', 'order1@example.com'],
    );
  }));

test('subscriptions honour includeFields and filter, and can be listed and deleted', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    const sub = await subscribe(t, 'CUSTOMERS_CREATE', rx.url, { includeFields: ['id', 'email'], filter: 'email:*@keep.example' });
    assert.deepEqual(sub.includeFields, ['id', 'email']);
    t.em.control.createCustomer({ email: 'no@other.example' });
    t.em.control.createCustomer({ email: 'yes@keep.example' });
    await t.em.control.webhooksIdle();
    assert.equal(rx.received.length, 0, 'the prefix filter does not match a suffix');
    const list = await t.data('{ webhookSubscriptions(first: 10, topics: [CUSTOMERS_CREATE]) { nodes { id uri } } }');
    assert.deepEqual(list.webhookSubscriptions.nodes, [{ id: sub.id, uri: rx.url }]);
    const dup = await t.gql(
      'mutation($u: String!) { webhookSubscriptionCreate(topic: CUSTOMERS_CREATE, webhookSubscription: { uri: $u }) { userErrors { field message } } }',
      { u: rx.url },
    );
    assert.deepEqual(dup.body.data!.webhookSubscriptionCreate.userErrors, [
      { field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' },
    ]);
    const del = await t.data(
      'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }',
      { id: sub.id },
    );
    assert.equal(del.webhookSubscriptionDelete.deletedWebhookSubscriptionId, sub.id);

    const exact = await subscribe(t, 'CUSTOMERS_CREATE', `${rx.url}?f=1`, {
      includeFields: ['id', 'email'],
      filter: 'email:yes2@keep.example',
    });
    assert.ok(exact.id);
    t.em.control.createCustomer({ email: 'yes2@keep.example', firstName: 'Kept' });
    const [w] = await rx.waitFor(1);
    assert.deepEqual(Object.keys(w.json).sort(), ['email', 'id']);
  }));

test('an email consent change fires customers/email_marketing_consent_update', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    await subscribe(t, 'CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE', rx.url);
    const c = t.em.control.createCustomer({ email: 'consent@example.com' }).customer!;
    await t.data(
      `mutation($id: ID!) { customerEmailMarketingConsentUpdate(input: { customerId: $id, emailMarketingConsent: { marketingState: SUBSCRIBED, marketingOptInLevel: CONFIRMED_OPT_IN } }) { userErrors { message } } }`,
      { id: c.id },
    );
    const [w] = await rx.waitFor(1);
    assert.ok(verify(w));
    assert.equal(w.headers['x-shopify-topic'], 'customers/email_marketing_consent_update');
    assert.equal(w.json.customer_id, c.legacyResourceId);
    assert.equal(w.json.email_address, 'consent@example.com');
    assert.deepEqual(
      [w.json.email_marketing_consent.state, w.json.email_marketing_consent.opt_in_level],
      ['subscribed', 'confirmed_opt_in'],
    );
  }));

test('an SMS consent change fires customers/marketing_consent_update, and reads back under the phone number', () =>
  withReceiver({ clientSecret: SECRET }, async (t, rx) => {
    await subscribe(t, 'CUSTOMERS_MARKETING_CONSENT_UPDATE', rx.url);
    const c = t.em.control.createCustomer({ email: 'sms@example.com' }).customer!;
    const read = async () =>
      (
        await t.data(
          'query($id: ID!) { customer(id: $id) { defaultPhoneNumber { phoneNumber smsMarketingConsent { state optInLevel updatedAt } } } }',
          { id: c.id },
        )
      ).customer.defaultPhoneNumber;
    t.em.control.updateCustomer(c.id, { phone: '+14155550161' });
    const [added] = await rx.waitFor(1);
    assert.deepEqual(
      added.json.sms_marketing_consent,
      { state: 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: null, consent_collected_from: 'OTHER' },
      'a phone added later has a consent record, as on create',
    );
    assert.deepEqual((await read()).smsMarketingConsent, { state: 'NEVER_SUBSCRIBED', optInLevel: 'SINGLE_OPT_IN', updatedAt: null });
    rx.received.length = 0;
    await t.data(
      `mutation($id: ID!) { customerSmsMarketingConsentUpdate(input: { customerId: $id, smsMarketingConsent: { marketingState: SUBSCRIBED, marketingOptInLevel: CONFIRMED_OPT_IN } }) { userErrors { message } } }`,
      { id: c.id },
    );
    const [w] = await rx.waitFor(1);
    assert.ok(verify(w));
    assert.equal(w.headers['x-shopify-topic'], 'customers/marketing_consent_update');
    assert.deepEqual(Object.keys(w.json).sort(), ['id', 'phone', 'sms_marketing_consent']);
    assert.equal(w.json.id, c.legacyResourceId);
    assert.equal(w.json.phone, '+14155550161');
    assert.deepEqual([w.json.sms_marketing_consent.state, w.json.sms_marketing_consent.opt_in_level], ['subscribed', 'confirmed_opt_in']);
    assert.ok(!Number.isNaN(Date.parse(w.json.sms_marketing_consent.consent_updated_at)));
    const now = await read();
    assert.deepEqual([now.smsMarketingConsent.state, now.smsMarketingConsent.optInLevel], ['SUBSCRIBED', 'CONFIRMED_OPT_IN']);
  }));
