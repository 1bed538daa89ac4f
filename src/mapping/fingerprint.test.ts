import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customerFingerprint } from './fingerprint.js';
import type { DesiredCustomer } from './targets.js';

const desired: DesiredCustomer = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'Ada@Example.com',
  phone: null,
  defaultAddress: { city: 'London', zip: 'N1' },
  tags: ['group:Sales', 'staff'],
  metafields: [
    { namespace: 'scim', key: 'department', type: 'single_line_text_field', value: 'Sales' },
    { namespace: 'shopify_scim', key: 'scim_id', type: 'id', value: 'u1' },
  ],
};

test('equal states hash equal however they were assembled', () => {
  const shuffled: DesiredCustomer = {
    ...desired,
    email: 'ada@example.com',
    tags: ['STAFF', 'group:sales'],
    metafields: [...desired.metafields].reverse(),
    defaultAddress: { zip: 'N1', city: 'London' },
  };
  assert.equal(customerFingerprint(shuffled), customerFingerprint(desired));
  assert.equal(
    customerFingerprint({ ...desired, phone: undefined, note: '' }),
    customerFingerprint(desired),
    'absent, null and empty are alike',
  );
});

test('any change of a mapped value changes the hash', () => {
  const base = customerFingerprint(desired);
  for (const changed of [
    { ...desired, firstName: 'Ava' },
    { ...desired, tags: ['group:Sales'] },
    { ...desired, defaultAddress: { city: 'Leeds', zip: 'N1' } },
    { ...desired, metafields: [{ ...desired.metafields[0], value: 'Legal' }] },
    { ...desired, emailMarketingConsent: { marketingState: 'SUBSCRIBED' as const } },
  ]) {
    assert.notEqual(customerFingerprint(changed), base, JSON.stringify(changed));
  }
});

test("restricted to what the bridge wrote, a customer with the merchant's additions is recognised as the echo", () => {
  const observed = {
    ...desired,
    phone: '+14155550100',
    note: 'a merchant note',
    tags: ['staff', 'VIP', 'group:Sales'],
    metafields: [...desired.metafields, { namespace: 'custom', key: 'size', value: 'M' }],
  };
  const like = { ...desired, phone: undefined };
  assert.equal(customerFingerprint(observed, { like }), customerFingerprint(desired, { like }));
  assert.notEqual(customerFingerprint({ ...observed, lastName: 'Byron' }, { like }), customerFingerprint(desired, { like }));
});

test('tags can be left out for webhook payloads that carry none', () => {
  assert.equal(customerFingerprint({ ...desired, tags: [] }, { withoutTags: true }), customerFingerprint(desired, { withoutTags: true }));
});

test('a desired customer restricted to itself hashes as it does unrestricted, so a stored fingerprint can be compared', () => {
  assert.equal(customerFingerprint(desired, { like: desired }), customerFingerprint(desired));
  assert.equal(customerFingerprint(desired, { like: desired, withoutTags: true }), customerFingerprint(desired, { withoutTags: true }));
});
