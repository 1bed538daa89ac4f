import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { loadAdminSchema } from '../shopify/schema.js';
import type { AddressInput, CustomerInput, ShopifyCustomer } from '../shopify/index.js';
import type { DesiredCustomer } from '../mapping/index.js';
import { createInput, updatePlan, metafieldsDeleteDocument } from './customer-writes.js';

const customer = (over: Partial<ShopifyCustomer> = {}): ShopifyCustomer => ({
  id: 'gid://shopify/Customer/1',
  email: 'ada@example.com',
  phone: null,
  firstName: 'Ada',
  lastName: 'Lovelace',
  note: null,
  locale: 'en',
  tags: [],
  state: 'DISABLED',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  canDelete: true,
  numberOfOrders: 0,
  emailMarketingState: 'NOT_SUBSCRIBED',
  smsMarketingState: null,
  defaultAddress: null,
  addresses: [],
  metafields: [],
  ...over,
});
const address = {
  id: 'gid://shopify/MailingAddress/9',
  firstName: null,
  lastName: null,
  company: null,
  address1: '1 Old Rd',
  address2: null,
  city: 'Paris',
  province: null,
  provinceCode: null,
  zip: '75001',
  countryCode: 'FR',
  phone: null,
};

test('the create input carries the set fields, tags, metafields and address, and leaves out empty ones', () => {
  const d: DesiredCustomer = {
    firstName: 'Ada',
    lastName: null,
    email: 'ada@example.com',
    tags: ['a'],
    metafields: [
      { namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: 'u1' },
      { namespace: 'scim', key: 'gone', type: 'single_line_text_field', value: null },
    ],
    defaultAddress: { city: 'Paris', countryCode: 'FR' },
  };
  const input = createInput(d, ['a', 'scim-deactivated'], [{ namespace: 'shopify_scim', key: 'deprovisioned', type: 'json', value: '{}' }]);
  assert.deepEqual(input, {
    firstName: 'Ada',
    email: 'ada@example.com',
    tags: ['a', 'scim-deactivated'],
    metafields: [
      { namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: 'u1' },
      { namespace: 'shopify_scim', key: 'deprovisioned', type: 'json', value: '{}' },
    ],
    addresses: [{ city: 'Paris', countryCode: 'FR' }],
  });
});

test('an update sends only what differs, compares email without case, and clears a field set to null', () => {
  const d: DesiredCustomer = { firstName: 'Ada', lastName: null, email: 'ADA@example.com', note: 'vip', tags: [], metafields: [] };
  const plan = updatePlan(d, customer(), [], { applyEmailChanges: true });
  assert.deepEqual(plan.input, { lastName: null, note: 'vip' });
  assert.deepEqual(plan.changed, ['lastName', 'note']);
});

test('an email change is left out when the tenant does not apply email changes', () => {
  const d: DesiredCustomer = { email: 'new@example.com', tags: [], metafields: [] };
  assert.equal(updatePlan(d, customer(), [], { applyEmailChanges: false }).input, undefined);
  assert.deepEqual(updatePlan(d, customer(), [], { applyEmailChanges: true }).input, { email: 'new@example.com' });
});

test('a changed default address is updated in place, by its id, and the customer input carries no address list', () => {
  const other = { ...address, id: 'gid://shopify/MailingAddress/10', address1: '2 Home St', city: 'Lyon' };
  const c = customer({ defaultAddress: address, addresses: [address, other] });
  const plan = updatePlan({ tags: [], metafields: [], defaultAddress: { city: 'Nice' } }, c, [], { applyEmailChanges: true });
  assert.equal(plan.input, undefined, 'no deprecated CustomerInput.addresses');
  assert.deepEqual(
    plan.address,
    { op: 'update', addressId: address.id, address: { city: 'Nice' }, setAsDefault: false },
    'only the mapped fields: address1 stays as it is',
  );
  assert.equal(plan.addressId, address.id);
  assert.deepEqual(plan.changed, ['defaultAddress']);
  const same = updatePlan({ tags: [], metafields: [], defaultAddress: { city: 'Paris' } }, c, [], { applyEmailChanges: true });
  assert.deepEqual([same.input, same.address, same.changed], [undefined, undefined, []], 'no change, no write');
});

test('metafields are written when their value differs and deleted when the mapping empties them', () => {
  const c = customer({
    metafields: [
      { namespace: 'scim', key: 'department', type: 'single_line_text_field', value: 'Sales' },
      { namespace: 'scim', key: 'title', type: 'single_line_text_field', value: 'Rep' },
    ],
  });
  const d: DesiredCustomer = {
    tags: [],
    metafields: [
      { namespace: 'scim', key: 'department', type: 'single_line_text_field', value: 'Support' },
      { namespace: 'scim', key: 'title', type: 'single_line_text_field', value: null },
      { namespace: 'scim', key: 'absent', type: 'single_line_text_field', value: null },
    ],
  };
  const plan = updatePlan(d, c, [], { applyEmailChanges: true });
  assert.deepEqual(plan.input?.metafields, [{ namespace: 'scim', key: 'department', type: 'single_line_text_field', value: 'Support' }]);
  assert.deepEqual(plan.removeMetafields, [{ namespace: 'scim', key: 'title' }]);
});

test('a consent the mapping wants is set only when Shopify holds another one', () => {
  const want: DesiredCustomer = { tags: [], metafields: [], emailMarketingConsent: { marketingState: 'SUBSCRIBED' } };
  assert.deepEqual(updatePlan(want, customer(), [], { applyEmailChanges: true }).emailConsent, { marketingState: 'SUBSCRIBED' });
  assert.equal(updatePlan(want, customer({ emailMarketingState: 'SUBSCRIBED' }), [], { applyEmailChanges: true }).emailConsent, undefined);
});

test('SMS consent the mapping wants goes into the create with the phone it applies to, and never without one', () => {
  const d: DesiredCustomer = {
    phone: '+14155550123',
    tags: [],
    metafields: [],
    smsMarketingConsent: { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' },
  };
  const input: CustomerInput = createInput(d, [], []);
  assert.deepEqual(input, {
    phone: '+14155550123',
    smsMarketingConsent: { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' },
  });
  assert.deepEqual(createInput({ ...d, phone: null }, [], []), {}, 'Shopify refuses SMS consent on a customer without a phone');
});

test('a "no" is held by every state without marketing: no unsubscription is written for a customer who never subscribed', () => {
  const no: DesiredCustomer = {
    email: 'a@example.com',
    phone: '+14155550123',
    tags: [],
    metafields: [],
    emailMarketingConsent: { marketingState: 'UNSUBSCRIBED' },
    smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' },
  };
  assert.deepEqual(createInput(no, [], []), { email: 'a@example.com', phone: '+14155550123' }, 'a new customer starts not subscribed');
  for (const state of ['NOT_SUBSCRIBED', 'NEVER_SUBSCRIBED', 'UNSUBSCRIBED', 'REDACTED', 'INVALID']) {
    const plan = updatePlan(
      no,
      customer({ email: 'a@example.com', phone: '+14155550123', emailMarketingState: state, smsMarketingState: state }),
      [],
      { applyEmailChanges: true },
    );
    assert.deepEqual([plan.emailConsent, plan.smsConsent], [undefined, undefined], state);
  }
  const subscribed = updatePlan(
    no,
    customer({ email: 'a@example.com', phone: '+14155550123', emailMarketingState: 'SUBSCRIBED', smsMarketingState: 'PENDING' }),
    [],
    { applyEmailChanges: true },
  );
  assert.deepEqual(
    [subscribed.emailConsent, subscribed.smsConsent],
    [{ marketingState: 'UNSUBSCRIBED' }, { marketingState: 'UNSUBSCRIBED' }],
  );
});

test('SMS consent is updated only when Shopify holds another one and the customer has (or gets) a phone', () => {
  const want: DesiredCustomer = { tags: [], metafields: [], smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' } };
  const withPhone = customer({ phone: '+14155550123', smsMarketingState: 'SUBSCRIBED' });
  const plan = updatePlan(want, withPhone, [], { applyEmailChanges: true });
  assert.deepEqual(plan.smsConsent, { marketingState: 'UNSUBSCRIBED' });
  assert.deepEqual(plan.changed, ['smsMarketingConsent']);
  assert.equal(
    updatePlan(want, customer({ phone: '+14155550123', smsMarketingState: 'UNSUBSCRIBED' }), [], { applyEmailChanges: true }).smsConsent,
    undefined,
  );
  assert.equal(updatePlan(want, customer(), [], { applyEmailChanges: true }).smsConsent, undefined, 'no phone, no SMS consent');
  const gettingPhone = updatePlan({ ...want, phone: '+14155550124' }, customer(), [], { applyEmailChanges: true });
  assert.deepEqual([gettingPhone.input?.phone, gettingPhone.smsConsent], ['+14155550124', { marketingState: 'UNSUBSCRIBED' }]);
  assert.equal(
    updatePlan({ ...want, phone: null }, withPhone, [], { applyEmailChanges: true }).smsConsent,
    undefined,
    'the phone is being cleared',
  );
});

test('an address keeps the region and country names Shopify still reads (province, country) beside their codes', () => {
  const d: DesiredCustomer = { tags: [], metafields: [], defaultAddress: { city: 'Toronto', province: 'Ontario', country: 'Canada' } };
  const expected: AddressInput = { city: 'Toronto', province: 'Ontario', country: 'Canada' };
  assert.deepEqual(createInput(d, [], []).addresses, [expected]);
  const c = customer({ defaultAddress: { ...address, province: 'Île-de-France' }, addresses: [{ ...address, province: 'Île-de-France' }] });
  const moved = updatePlan({ tags: [], metafields: [], defaultAddress: { province: 'Occitanie' } }, c, [], { applyEmailChanges: true });
  assert.deepEqual(
    moved.address,
    { op: 'update', addressId: address.id, address: { province: 'Occitanie' }, setAsDefault: false },
    'the stored country code is left alone',
  );
});

test('the metafieldsDelete document is valid against the pinned Admin schema', () => {
  assert.deepEqual(
    validate(loadAdminSchema(), parse(metafieldsDeleteDocument.text)).map((e) => e.message),
    [],
  );
});
