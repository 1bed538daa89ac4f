// The dedicated address mutations as Shopify runs them: MailingAddress ids, the default address, Shopify's user
// errors and field paths, customers/update webhooks, costs; and the deprecated CustomerInput.addresses beside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator, withReceiver, type TestEmulator } from './helpers.js';

const ADDRESS = 'id address1 city province provinceCode country countryCodeV2 zip';
const CREATE = `mutation($c: ID!, $a: MailingAddressInput!, $d: Boolean) {
  customerAddressCreate(customerId: $c, address: $a, setAsDefault: $d) { address { ${ADDRESS} } userErrors { field message } } }`;
const UPDATE = `mutation($c: ID!, $id: ID!, $a: MailingAddressInput!, $d: Boolean) {
  customerAddressUpdate(customerId: $c, addressId: $id, address: $a, setAsDefault: $d) { address { ${ADDRESS} } userErrors { field message } } }`;
const DELETE = `mutation($c: ID!, $id: ID!) { customerAddressDelete(customerId: $c, addressId: $id) { deletedAddressId userErrors { field message } } }`;
const DEFAULT = `mutation($c: ID!, $id: ID!) {
  customerUpdateDefaultAddress(customerId: $c, addressId: $id) { customer { id defaultAddress { id } } userErrors { field message } } }`;
const READ = `query($c: ID!) { customer(id: $c) { updatedAt defaultAddress { ${ADDRESS} } addressesV2(first: 10) { nodes { ${ADDRESS} } } } }`;

type Address = {
  id: string;
  address1: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCodeV2: string | null;
  zip: string | null;
};

async function customer(t: TestEmulator, email: string): Promise<string> {
  return t.em.control.createCustomer({ email }).customer!.id;
}
const read = async (t: TestEmulator, c: string) =>
  (await t.data(READ, { c })).customer as { updatedAt: string; defaultAddress: Address | null; addressesV2: { nodes: Address[] } };

test('customerAddressCreate gives a MailingAddress id, fills the names from the codes and makes the first address the default', async () => {
  const t = await emulator();
  try {
    const c = await customer(t, 'first@example.com');
    const r = (
      await t.data(CREATE, { c, a: { address1: '1 Front St', city: 'Toronto', provinceCode: 'ON', countryCode: 'CA', zip: 'M5J 2N1' } })
    ).customerAddressCreate;
    assert.deepEqual(r.userErrors, []);
    assert.match(r.address.id, /^gid:\/\/shopify\/MailingAddress\/\d+\?model_name=CustomerAddress$/);
    assert.deepEqual(
      [r.address.province, r.address.provinceCode, r.address.country, r.address.countryCodeV2],
      ['Ontario', 'ON', 'Canada', 'CA'],
    );
    assert.equal((await read(t, c)).defaultAddress?.id, r.address.id, 'a first address becomes the default without asking');
    const second = (await t.data(CREATE, { c, a: { city: 'Paris', countryCode: 'FR' } })).customerAddressCreate.address;
    assert.equal((await read(t, c)).defaultAddress?.id, r.address.id, 'a second address does not take the default unless asked');
    const third = (await t.data(CREATE, { c, a: { city: 'Lyon', country: 'France' }, d: true })).customerAddressCreate.address;
    const now = await read(t, c);
    assert.equal(now.defaultAddress?.id, third.id, 'setAsDefault makes it the default');
    assert.equal(third.countryCodeV2, 'FR', 'the deprecated country name is resolved to its code');
    assert.deepEqual(
      now.addressesV2.nodes.map((a) => a.id),
      [r.address.id, second.id, third.id],
    );
  } finally {
    await t.em.close();
  }
});

test('customerAddressUpdate changes the given fields of the same address and keeps the others', async () => {
  const t = await emulator();
  try {
    const c = await customer(t, 'update@example.com');
    const a = (
      await t.data(CREATE, { c, a: { address1: '1 Market St', city: 'San Francisco', province: 'CA', countryCode: 'US', zip: '94105' } })
    ).customerAddressCreate.address;
    assert.deepEqual([a.province, a.provinceCode], ['CA', 'CA'], 'a region code given as the name is kept as given, its code filled in');
    const other = (await t.data(CREATE, { c, a: { city: 'Oslo', countryCode: 'NO' } })).customerAddressCreate.address;
    const u = (await t.data(UPDATE, { c, id: a.id, a: { city: 'Austin', province: 'Texas', zip: null } })).customerAddressUpdate;
    assert.deepEqual(u.userErrors, []);
    assert.equal(u.address.id, a.id, 'the same address, not a new one');
    assert.deepEqual(
      [u.address.address1, u.address.city, u.address.province, u.address.provinceCode, u.address.zip],
      ['1 Market St', 'Austin', 'Texas', 'TX', null],
    );
    const moved = (await t.data(UPDATE, { c, id: other.id, a: { city: 'Bergen' }, d: true })).customerAddressUpdate.address;
    const now = await read(t, c);
    assert.equal(now.defaultAddress?.id, moved.id, 'setAsDefault on an update moves the default');
    assert.deepEqual(
      now.addressesV2.nodes.map((x) => x.city),
      ['Austin', 'Bergen'],
    );
  } finally {
    await t.em.close();
  }
});

test('an unknown country or a region outside the country is refused with Shopify’s field path, and nothing changes', async () => {
  const t = await emulator();
  try {
    const c = await customer(t, 'refused@example.com');
    const bad = (await t.data(CREATE, { c, a: { city: 'Nowhere', country: 'Narnia' } })).customerAddressCreate;
    assert.equal(bad.address, null);
    assert.deepEqual(bad.userErrors, [{ field: ['address', 'country'], message: 'Country is not a valid country' }]);
    const zone = (await t.data(CREATE, { c, a: { city: 'Springfield', province: 'Narnia', countryCode: 'US' } })).customerAddressCreate;
    assert.deepEqual(zone.userErrors, [{ field: ['address', 'province'], message: 'Province is not a valid province in United States' }]);
    assert.deepEqual((await read(t, c)).addressesV2.nodes, [], 'no address was made');
    const a = (await t.data(CREATE, { c, a: { city: 'Toronto', provinceCode: 'ON', countryCode: 'CA' } })).customerAddressCreate.address;
    const before = await read(t, c);
    const u = (await t.data(UPDATE, { c, id: a.id, a: { city: 'Calgary', provinceCode: 'XX' } })).customerAddressUpdate;
    assert.deepEqual(u.userErrors, [{ field: ['address', 'provinceCode'], message: 'Province is not a valid province in Canada' }]);
    assert.deepEqual(await read(t, c), before, 'a refused update changes nothing, not even updatedAt');
    const unknownCode = await t.gql(CREATE, { c, a: { city: 'X', countryCode: 'QQ' } });
    assert.match(JSON.stringify(unknownCode.body.errors), /CountryCode/, 'an unknown country code fails the schema, as on Shopify');
    const wrongCustomer = (await t.data(CREATE, { c: 'gid://shopify/Customer/999999', a: { city: 'X' } })).customerAddressCreate;
    assert.deepEqual(wrongCustomer.userErrors, [{ field: ['customerId'], message: 'Customer does not exist' }]);
    const other = await customer(t, 'other@example.com');
    const notTheirs = (await t.data(UPDATE, { c: other, id: a.id, a: { city: 'X' } })).customerAddressUpdate;
    assert.deepEqual(
      notTheirs.userErrors,
      [{ field: ['addressId'], message: 'Address does not exist' }],
      'an address of another customer is not found',
    );
  } finally {
    await t.em.close();
  }
});

test('the default address is deleted only once another is the default; a sole address can go', async () => {
  const t = await emulator();
  try {
    const c = await customer(t, 'delete@example.com');
    const a = (await t.data(CREATE, { c, a: { city: 'Ottawa', countryCode: 'CA' } })).customerAddressCreate.address;
    const b = (await t.data(CREATE, { c, a: { city: 'Paris', countryCode: 'FR' } })).customerAddressCreate.address;
    const refused = (await t.data(DELETE, { c, id: a.id })).customerAddressDelete;
    assert.equal(refused.deletedAddressId, null);
    assert.deepEqual(refused.userErrors, [
      { field: ['addressId'], message: "The default address of the customer can't be deleted before setting another one as default." },
    ]);
    const def = (await t.data(DEFAULT, { c, id: b.id })).customerUpdateDefaultAddress;
    assert.deepEqual([def.userErrors, def.customer.defaultAddress.id], [[], b.id]);
    const gone = (await t.data(DELETE, { c, id: a.id })).customerAddressDelete;
    assert.deepEqual([gone.userErrors, gone.deletedAddressId], [[], a.id]);
    const last = (await t.data(DELETE, { c, id: b.id })).customerAddressDelete;
    assert.deepEqual([last.userErrors, last.deletedAddressId], [[], b.id], 'the sole address, default or not, can be deleted');
    const now = await read(t, c);
    assert.deepEqual([now.defaultAddress, now.addressesV2.nodes], [null, []]);
    const again = (await t.data(DELETE, { c, id: a.id })).customerAddressDelete;
    assert.deepEqual(again.userErrors, [{ field: ['addressId'], message: 'Address does not exist' }]);
  } finally {
    await t.em.close();
  }
});

test('each address mutation fires customers/update with the addresses and costs what a mutation costs', () =>
  withReceiver({}, async (t, rx) => {
    await t.data(
      `mutation($uri: String!) { webhookSubscriptionCreate(topic: CUSTOMERS_UPDATE, webhookSubscription: { uri: $uri, format: JSON }) { userErrors { message } } }`,
      { uri: rx.url },
    );
    const c = await customer(t, 'hooks@example.com');
    const created = await t.gql(CREATE, { c, a: { address1: '1 Main St', city: 'Ottawa', provinceCode: 'ON', countryCode: 'CA' } });
    assert.deepEqual(
      [created.body.extensions?.cost?.requestedQueryCost, created.body.extensions?.cost?.actualQueryCost],
      [10, 10],
      'a mutation costs 10, like customerUpdate',
    );
    const a = created.body.data!.customerAddressCreate.address as Address;
    const [w] = await rx.waitFor(1);
    assert.equal(w.headers['x-shopify-topic'], 'customers/update');
    assert.equal(w.json.admin_graphql_api_id, c);
    assert.equal(w.json.default_address.id, Number(/MailingAddress\/(\d+)/.exec(a.id)![1]));
    assert.deepEqual(
      [
        w.json.default_address.city,
        w.json.default_address.province_code,
        w.json.default_address.country_code,
        w.json.default_address.default,
      ],
      ['Ottawa', 'ON', 'CA', true],
    );
    await t.data(UPDATE, { c, id: a.id, a: { city: 'Kingston' } });
    await rx.waitFor(2);
    assert.equal(rx.received[1].json.addresses[0].city, 'Kingston');
    await t.data(UPDATE, { c, id: a.id, a: { city: 'Kingston' } });
    await t.data(DELETE, { c, id: a.id });
    const got = await rx.waitFor(3);
    assert.deepEqual(
      [got.length, got[2].json.addresses, got[2].json.default_address],
      [3, [], null],
      'an update that changes nothing fires nothing; the delete fires',
    );
  }));

test('the deprecated CustomerInput.addresses still creates and replaces addresses, checked the same way', async () => {
  const t = await emulator();
  try {
    const CUSTOMER = `mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id defaultAddress { ${ADDRESS} } } userErrors { field message } } }`;
    const ok = (
      await t.data(CUSTOMER, {
        input: { email: 'old-style@example.com', addresses: [{ city: 'Toronto', province: 'Ontario', countryCode: 'CA' }] },
      })
    ).customerCreate;
    assert.deepEqual([ok.userErrors, ok.customer.defaultAddress.provinceCode], [[], 'ON']);
    const bad = (
      await t.data(CUSTOMER, { input: { email: 'refused@example.com', addresses: [{ city: 'X', countryCode: 'CA', province: 'Texas' }] } })
    ).customerCreate;
    assert.deepEqual(bad, {
      customer: null,
      userErrors: [{ field: ['addresses', '0', 'province'], message: 'Province is not a valid province in Canada' }],
    });
    assert.equal(
      t.em.control.customers().some((x) => x.email === 'refused@example.com'),
      false,
      'a refused address refuses the whole create',
    );
    const cleared = (
      await t.data(
        `mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { defaultAddress { id } addressesV2(first: 5) { nodes { id } } } userErrors { message } } }`,
        { input: { id: ok.customer.id, addresses: [] } },
      )
    ).customerUpdate;
    assert.deepEqual([cleared.customer.defaultAddress, cleared.customer.addressesV2.nodes], [null, []]);
  } finally {
    await t.em.close();
  }
});

test('the control API adds an address as the merchant would, with the same checks', async () => {
  const t = await emulator();
  try {
    const c = await customer(t, 'staff@example.com');
    const r = t.em.control.addAddress(c, { address1: '9 Side St', city: 'Montreal', provinceCode: 'QC', countryCode: 'CA' });
    assert.deepEqual(r.userErrors, []);
    assert.equal(r.customer?.addresses[0]?.province, 'Quebec');
    assert.equal(r.customer?.defaultAddressId, r.customer?.addresses[0]?.id, 'the first address is the default');
    const second = t.em.control.addAddress(c, { city: 'Laval', countryCode: 'CA' });
    assert.notEqual(second.customer?.defaultAddressId, second.customer?.addresses[1]?.id);
    const res = await fetch(`${t.em.url}/_emulator/customers/${encodeURIComponent(c)}/addresses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: { city: 'X', country: 'Atlantis' } }),
    });
    assert.equal(res.status, 422);
    assert.deepEqual(((await res.json()) as { userErrors: unknown }).userErrors, [
      { field: ['address', 'country'], message: 'Country is not a valid country', code: 'INVALID' },
    ]);
  } finally {
    await t.em.close();
  }
});
