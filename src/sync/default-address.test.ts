import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ShopifyAddress, ShopifyCustomer } from '../shopify/index.js';
import { mappedAddress, planAddress } from './default-address.js';

const addr = (n: number, over: Partial<ShopifyAddress> = {}): ShopifyAddress => ({
  id: `gid://shopify/MailingAddress/${n}?model_name=CustomerAddress`,
  firstName: null,
  lastName: null,
  company: null,
  address1: `${n} Main St`,
  address2: null,
  city: 'Toronto',
  province: 'Ontario',
  provinceCode: 'ON',
  zip: null,
  countryCode: 'CA',
  phone: null,
  ...over,
});
const customer = (addresses: ShopifyAddress[], defaultAddress: ShopifyAddress | null = addresses[0] ?? null): ShopifyCustomer => ({
  id: 'gid://shopify/Customer/1',
  email: 'ada@example.com',
  phone: null,
  firstName: 'Ada',
  lastName: null,
  note: null,
  locale: 'en',
  tags: [],
  state: 'DISABLED',
  createdAt: '',
  updatedAt: '',
  canDelete: true,
  numberOfOrders: 0,
  emailMarketingState: null,
  smsMarketingState: null,
  defaultAddress,
  addresses,
  metafields: [],
});
const idOf = (n: number) => addr(n).id!;

test('without a recorded address the default address is the mapped one; with one, that address whether default or not', () => {
  const mine = addr(1);
  const merchant = addr(2, { city: 'Ottawa' });
  assert.equal(mappedAddress(customer([mine, merchant]))?.id, mine.id);
  assert.equal(
    mappedAddress(customer([merchant, mine], merchant), 'gid://shopify/MailingAddress/1')?.id,
    mine.id,
    'ids compare without their model_name suffix',
  );
  assert.equal(
    mappedAddress(customer([merchant], merchant), idOf(1)),
    null,
    'a recorded address the merchant deleted is gone, not replaced by theirs',
  );
});

test('an unchanged address costs no call; a region given by code or by name matches both', () => {
  const c = customer([addr(1)]);
  assert.deepEqual(planAddress({ address1: '1 Main St', city: 'Toronto', province: 'ON', countryCode: 'CA' }, c), { addressId: idOf(1) });
  assert.deepEqual(planAddress({ province: 'Ontario', country: 'Canada' }, c), { addressId: idOf(1) }, 'the country name is not compared');
  assert.deepEqual(planAddress(undefined, c), { addressId: null }, 'no address rules: nothing to do, nothing claimed');
  assert.deepEqual(planAddress(undefined, c, idOf(1)), { addressId: idOf(1) }, 'the record of an earlier write is kept');
});

test('a change updates the mapped address in place with the mapped fields only, nulls clearing', () => {
  const c = customer([addr(1), addr(2, { city: 'Ottawa' })]);
  assert.deepEqual(planAddress({ city: 'Kingston', zip: null, province: 'ON' }, c), {
    change: { op: 'update', addressId: idOf(1), address: { city: 'Kingston', zip: null, province: 'ON' }, setAsDefault: false },
    addressId: idOf(1),
  });
});

test('no mapped address: one is created as the default, with the empty fields left out', () => {
  assert.deepEqual(planAddress({ city: 'Toronto', zip: null, countryCode: 'CA' }, customer([])), {
    change: { op: 'create', address: { city: 'Toronto', countryCode: 'CA' } },
    addressId: undefined,
  });
  const merchantOnly = customer([addr(2)]);
  assert.deepEqual(
    planAddress({ city: 'Toronto' }, merchantOnly, idOf(1)).change?.op,
    'create',
    'the recorded one is gone: a new one, the merchant’s stays',
  );
});

test('a mapped address that is no longer the default becomes it again: with the update, or alone when unchanged', () => {
  const mine = addr(1);
  const merchant = addr(2, { city: 'Ottawa' });
  const c = customer([mine, merchant], merchant);
  assert.deepEqual(planAddress({ city: 'Kingston' }, c, idOf(1)).change, {
    op: 'update',
    addressId: idOf(1),
    address: { city: 'Kingston' },
    setAsDefault: true,
  });
  assert.deepEqual(planAddress({ city: 'Toronto' }, c, idOf(1)), { change: { op: 'makeDefault', addressId: idOf(1) }, addressId: idOf(1) });
});

test('every mapped field removed: the mapped address is deleted, another one taking the default first, and no other address is touched', () => {
  const mine = addr(1);
  const merchant = addr(2, { city: 'Ottawa' });
  assert.deepEqual(planAddress(null, customer([mine])), { change: { op: 'delete', addressId: idOf(1) }, addressId: null });
  assert.deepEqual(planAddress({ city: null, zip: '' }, customer([mine, merchant])), {
    change: { op: 'delete', addressId: idOf(1), promote: idOf(2) },
    addressId: null,
  });
  assert.deepEqual(
    planAddress(null, customer([merchant, mine], merchant), idOf(1)),
    { change: { op: 'delete', addressId: idOf(1) }, addressId: null },
    'not the default (a run stopped after handing it over): only deleted',
  );
  assert.deepEqual(
    planAddress(null, customer([merchant], merchant), idOf(1)),
    { addressId: null },
    'already gone: the merchant’s address is left',
  );
  assert.deepEqual(planAddress(null, customer([])), { addressId: null });
});
