import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consentView, customerGid, customerView, payloadUpdatedAt, tagList } from './payload.js';
import { inboundKey } from './events.js';
import { readInboundPolicies } from './settings.js';

const update = {
  id: 1042,
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  phone: '+14155550123',
  note: null,
  updated_at: '2026-03-01T10:20:30-05:00',
  admin_graphql_api_id: 'gid://shopify/Customer/1042',
  default_address: {
    first_name: 'Ada',
    address1: '1 Market St',
    city: 'San Francisco',
    province_code: 'CA',
    country: 'United States',
    country_code: 'US',
    zip: '94105',
  },
};

test('the customer of every topic is found: REST ids, GIDs and the tag topics camelCase id', () => {
  assert.equal(customerGid(update), 'gid://shopify/Customer/1042');
  assert.equal(customerGid({ id: 7 }), 'gid://shopify/Customer/7');
  assert.equal(customerGid({ customerId: 'gid://shopify/Customer/9', tags: ['vip'] }), 'gid://shopify/Customer/9');
  assert.equal(customerGid({ customer_id: 11 }), 'gid://shopify/Customer/11');
  assert.equal(customerGid({ shop_id: 1 }), undefined);
  assert.equal(customerGid('nonsense'), undefined);
});

test('events of one customer share an ordering key whatever the topic', () => {
  assert.equal(inboundKey('customers/update', update), inboundKey('customer_tags/added', { customerId: 'gid://shopify/Customer/1042' }));
  assert.equal(inboundKey('shop/redact', { shop_id: 1 }), 'topic:shop/redact');
});

test('updated_at is read in any offset and compared as an instant', () => {
  assert.equal(payloadUpdatedAt(update), '2026-03-01T15:20:30.000Z');
  assert.equal(payloadUpdatedAt({ updated_at: 'yesterday' }), undefined);
  assert.equal(payloadUpdatedAt({}), undefined);
});

test('the mapping view carries only what the payload has, so absent fields are left alone', () => {
  const v = customerView(update);
  assert.deepEqual([v.firstName, v.lastName, v.email, v.phone, v.note], ['Ada', 'Lovelace', 'ada@example.com', '+14155550123', null]);
  assert.equal(v.defaultAddress?.countryCode, 'US');
  assert.equal(v.defaultAddress?.provinceCode, 'CA');
  assert.ok(!('locale' in v), 'no locale in a webhook payload');
  assert.ok(!('tags' in v), 'no tags in a customer payload since 2025-01');
  assert.deepEqual(customerView({ id: 1, default_address: null }).defaultAddress, null);
});

test('tag lists come as arrays or comma-separated text', () => {
  assert.deepEqual(tagList({ tags: ['a', 'b'] }), ['a', 'b']);
  assert.deepEqual(tagList({ tags: 'a, b ,,c' }), ['a', 'b', 'c']);
  assert.deepEqual(tagList({}), []);
});

test('inbound policies default to no import and deactivation, and a wrong value falls back alone', () => {
  assert.deepEqual(readInboundPolicies({}), { importShopifyCreated: false, shopifyDelete: 'deactivate' });
  assert.deepEqual(readInboundPolicies({ policies: { importShopifyCreated: true, shopifyDelete: 'delete' } }), {
    importShopifyCreated: true,
    shopifyDelete: 'delete',
  });
  assert.deepEqual(readInboundPolicies({ policies: { importShopifyCreated: true, shopifyDelete: 'shred' } }), {
    importShopifyCreated: true,
    shopifyDelete: 'deactivate',
  });
});

test("consent topics' payloads give only the consent, its state in Shopify's upper-case enum spelling", () => {
  const sms = {
    id: 1042,
    phone: '+14155550123',
    sms_marketing_consent: {
      state: 'unsubscribed',
      opt_in_level: 'single_opt_in',
      consent_updated_at: '2026-03-01T10:20:30-05:00',
      consent_collected_from: 'OTHER',
    },
  };
  assert.deepEqual(
    consentView(sms),
    { smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' } },
    'no phone: the payload cannot be ordered against other changes',
  );
  assert.equal(customerGid(sms), 'gid://shopify/Customer/1042');
  const email = {
    customer_id: 1042,
    email_address: 'ada@example.com',
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'confirmed_opt_in', consent_updated_at: null },
  };
  assert.deepEqual(consentView(email), { emailMarketingConsent: { marketingState: 'SUBSCRIBED' } });
  assert.equal(
    inboundKey('customers/marketing_consent_update', sms),
    inboundKey('customers/update', update),
    "one customer's consent and other events share an ordering key",
  );
  assert.deepEqual(consentView({ id: 1, sms_marketing_consent: null }), { smsMarketingConsent: null });
  assert.deepEqual(consentView({ id: 1, sms_marketing_consent: { state: null, opt_in_level: null } }), { smsMarketingConsent: null });
  assert.deepEqual(
    customerView({ ...update, sms_marketing_consent: { state: 'subscribed' } }).smsMarketingConsent,
    { marketingState: 'SUBSCRIBED' },
    'payloads of versions before 2025-01 carry the consent',
  );
  assert.ok(!('smsMarketingConsent' in customerView(update)));
});
