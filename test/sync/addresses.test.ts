// The default address end to end (HTTP -> store -> worker -> emulator): a create carries it, later changes go through
// the address mutations on the same Shopify address, the merchant's own addresses are never touched, a removal deletes
// it, a refused address holds the user (or, under onShopifyRefusal reject, is a SCIM error with nothing half-made),
// and lost answers never duplicate an address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';
import type { CustomerSnapshot } from '../../src/emulator/index.js';

let s: Stack;
before(async () => {
  s = await startStack();
  // The first sync of a tenant also makes the custom-id definition: done here, so the tests count only their own calls.
  const r = await s.req('POST', '/Users', oktaUser('addr.warmup@example.com'));
  assert.equal(r.status, 201, r.dump);
});
after(async () => {
  await s?.close();
});

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const work = (over: Record<string, unknown> = {}) => ({
  type: 'work',
  streetAddress: '1 Front St',
  locality: 'Toronto',
  region: 'ON',
  postalCode: 'M5J 2N1',
  country: 'CA',
  ...over,
});
const defaultOf = (c: CustomerSnapshot) => c.addresses.find((a) => a.id === c.defaultAddressId);
const gidOf = (id: number) => `gid://shopify/MailingAddress/${id}?model_name=CustomerAddress`;
const mutations = () => s.emu.control.counters().mutations;

async function create(userName: string, extra: Record<string, unknown> = { addresses: [work()] }) {
  const r = await s.req('POST', '/Users', oktaUser(userName, extra));
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  return { id: r.body.id as string, cid: r.body[SHOPIFY_EXT].customerId as string };
}

async function patch(id: string, Operations: unknown[], status = 200) {
  const r = await s.req('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations });
  assert.equal(r.status, status, r.dump);
  if (status === 200) assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  return r;
}

async function recordedAddress(userId: string): Promise<string | undefined> {
  const row = await s.store.db.selectFrom('customer_links').select('applied_state').where('user_id', '=', userId).executeTakeFirstOrThrow();
  return row.applied_state ? (JSON.parse(row.applied_state) as { addressId?: string }).addressId : undefined;
}

test('a user created with an address becomes a customer whose default address it is, in one create call', async () => {
  const before = mutations();
  const { id, cid } = await create('addr.create@example.com');
  const c = s.emu.control.customer(cid)!;
  assert.equal(c.addresses.length, 1, JSON.stringify(c.addresses));
  const a = defaultOf(c)!;
  assert.deepEqual(
    [a.address1, a.city, a.province, a.provinceCode, a.zip, a.countryCode],
    ['1 Front St', 'Toronto', 'ON', 'ON', 'M5J 2N1', 'CA'],
  );
  assert.equal(mutations() - before, 1, 'the address came with customerCreate: no second call');
  assert.equal(await recordedAddress(id), gidOf(a.id), 'the link records which Shopify address is the mapped one');
});

test('an address change updates the same Shopify address in place; an unchanged address costs no call', async () => {
  const { id, cid } = await create('addr.change@example.com');
  const first = defaultOf(s.emu.control.customer(cid)!)!;
  let before = mutations();
  await patch(id, [{ op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Ottawa' }]);
  let c = s.emu.control.customer(cid)!;
  assert.equal(c.addresses.length, 1, JSON.stringify(c.addresses));
  assert.deepEqual(
    [defaultOf(c)?.id, defaultOf(c)?.city, defaultOf(c)?.address1],
    [first.id, 'Ottawa', '1 Front St'],
    'same id, new city, other fields kept',
  );
  assert.equal(mutations() - before, 1, 'one customerAddressUpdate');

  before = mutations();
  await patch(id, [{ op: 'replace', path: 'name.familyName', value: 'Byron' }]);
  c = s.emu.control.customer(cid)!;
  assert.equal(c.lastName, 'Byron');
  assert.deepEqual(c.addresses, [{ ...first, city: 'Ottawa' }], 'the address is untouched');
  assert.equal(mutations() - before, 1, 'only customerUpdate: the unchanged address cost nothing');
});

test('a second address the merchant added survives IdP address changes, a default switch and the removal', async () => {
  const { id, cid } = await create('addr.merchant@example.com');
  const mine = defaultOf(s.emu.control.customer(cid)!)!;
  const added = s.emu.control.addAddress(cid, { address1: '5 Warehouse Rd', city: 'Laval', provinceCode: 'QC', countryCode: 'CA' });
  assert.deepEqual(added.userErrors, []);
  const theirs = added.customer!.addresses.find((a) => a.id !== mine.id)!;

  await patch(id, [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '2 Bay St' }]);
  let c = s.emu.control.customer(cid)!;
  assert.deepEqual([defaultOf(c)?.id, defaultOf(c)?.address1], [mine.id, '2 Bay St']);
  assert.deepEqual(
    c.addresses.find((a) => a.id === theirs.id),
    theirs,
    'the merchant’s address is exactly as it was',
  );

  // The merchant makes their own address the default; the next IdP change still lands on the bridge's address.
  const gql = await fetch(s.emu.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': s.emu.accessToken },
    body: JSON.stringify({
      query: 'mutation($c: ID!, $a: ID!) { customerUpdateDefaultAddress(customerId: $c, addressId: $a) { userErrors { message } } }',
      variables: { c: cid, a: gidOf(theirs.id) },
    }),
  });
  assert.equal(gql.status, 200);
  assert.equal(s.emu.control.customer(cid)!.defaultAddressId, theirs.id);
  await patch(id, [{ op: 'replace', path: 'addresses[type eq "work"].locality', value: 'Mississauga' }]);
  c = s.emu.control.customer(cid)!;
  assert.deepEqual(
    [c.defaultAddressId, defaultOf(c)?.city],
    [mine.id, 'Mississauga'],
    'the mapped address is updated and is the default again',
  );
  assert.deepEqual(
    c.addresses.find((a) => a.id === theirs.id),
    theirs,
    'never the merchant’s',
  );

  await patch(id, [{ op: 'remove', path: 'addresses[type eq "work"]' }]);
  c = s.emu.control.customer(cid)!;
  assert.deepEqual(c.addresses, [theirs], 'the mapped address is deleted, the merchant’s kept');
  assert.equal(c.defaultAddressId, theirs.id, 'and the merchant’s is the default');
  assert.equal(await recordedAddress(id), undefined);
});

test('removing every mapped address field deletes the customer’s only address', async () => {
  const { id, cid } = await create('addr.remove@example.com');
  await patch(id, [{ op: 'remove', path: 'addresses' }]);
  const c = s.emu.control.customer(cid)!;
  assert.deepEqual([c.addresses, c.defaultAddressId], [[], null]);
  const before = mutations();
  await patch(id, [{ op: 'replace', path: 'name.givenName', value: 'Augusta' }]);
  assert.equal(mutations() - before, 1, 'no address, nothing to delete again');
  await patch(id, [{ op: 'add', path: 'addresses', value: [work({ locality: 'Hamilton' })] }]);
  const back = s.emu.control.customer(cid)!;
  assert.deepEqual([back.addresses.length, defaultOf(back)?.city], [1, 'Hamilton'], 'a new address, the default');
});

test('under onShopifyRefusal reject, an address Shopify refuses on a create is a SCIM 400 and leaves neither a user nor a customer', async () => {
  await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
  try {
    const customers = s.emu.control.customers().length;
    const r = await s.req(
      'POST',
      '/Users',
      oktaUser('addr.refused@example.com', { addresses: [work({ region: 'Narnia', country: 'US' })] }),
    );
    assert.equal(r.status, 400, r.dump);
    assert.equal(r.body.scimType, 'invalidValue', r.dump);
    assert.match(r.body.detail, /not a valid province/, r.dump);
    const list = await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "addr.refused@example.com"')}`);
    assert.equal(list.body.totalResults, 0, list.dump);
    assert.equal(s.emu.control.customers().length, customers, 'no customer without its address either');
    assert.ok(!s.emu.control.customers().some((c) => c.email === 'addr.refused@example.com'));
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('under onShopifyRefusal reject, an address Shopify refuses on an update is a SCIM 400; neither the address nor the rest of that change is written', async () => {
  const { id, cid } = await create('addr.badupdate@example.com');
  await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
  try {
    const before = s.emu.control.customer(cid)!;
    const r = await patch(
      id,
      [
        { op: 'replace', path: 'name.familyName', value: 'Refused' },
        { op: 'replace', path: 'addresses[type eq "work"].region', value: 'Texas' },
      ],
      400,
    );
    assert.equal(r.body.scimType, 'invalidValue', r.dump);
    assert.match(r.body.detail, /not a valid province in Canada/, r.dump);
    const after = s.emu.control.customer(cid)!;
    assert.deepEqual(
      [after.lastName, after.addresses, after.updatedAt],
      [before.lastName, before.addresses, before.updatedAt],
      'Shopify is as it was',
    );
    const u = await s.req('GET', `/Users/${id}`);
    assert.deepEqual([u.body.name.familyName, u.body.addresses[0].region], ['Lovelace', 'ON'], `the SCIM user is put back: ${u.dump}`);
  } finally {
    await s.setSettings({ policies: {} });
  }
});

test('an address Shopify refuses holds the user: 201 failed with the reason, no customer, and a corrected address makes one', async () => {
  const r = await s.req('POST', '/Users', oktaUser('addr.held@example.com', { addresses: [work({ region: 'Narnia', country: 'US' })] }));
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
  assert.match(r.body[SHOPIFY_EXT].syncError, /not a valid province/, r.dump);
  assert.equal(r.body.addresses[0].region, 'Narnia', 'the SCIM user is stored as sent');
  assert.ok(!s.emu.control.customers().some((c) => c.email === 'addr.held@example.com'), 'no customer without its address');
  const fixed = await patch(r.body.id, [{ op: 'replace', path: 'addresses[type eq "work"].region', value: 'NY' }]);
  const c = s.emu.control.customer(fixed.body[SHOPIFY_EXT].customerId)!;
  assert.equal(defaultOf(c)?.provinceCode, 'NY', JSON.stringify(c.addresses));
  assert.equal(s.emu.control.customers().filter((x) => x.email === 'addr.held@example.com').length, 1);
});

test('an address Shopify refuses on an update holds the user failed; Shopify keeps the customer as it was', async () => {
  const { id, cid } = await create('addr.heldupdate@example.com');
  const before = s.emu.control.customer(cid)!;
  const r = await s.req('PATCH', `/Users/${id}`, {
    schemas: [PATCH],
    Operations: [
      { op: 'replace', path: 'name.familyName', value: 'Held' },
      { op: 'replace', path: 'addresses[type eq "work"].region', value: 'Texas' },
    ],
  });
  assert.equal(r.status, 200, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
  assert.equal(r.body.name.familyName, 'Held', 'the SCIM user is changed as the client asked');
  const after = s.emu.control.customer(cid)!;
  assert.deepEqual([after.lastName, after.addresses], [before.lastName, before.addresses], 'Shopify is as it was');
});

test('an address update whose answer is lost is not made twice, nor into a new address', async () => {
  const { id, cid } = await create('addr.lost@example.com');
  const first = defaultOf(s.emu.control.customer(cid)!)!;
  s.emu.control.setFaults({ lostResponses: 1, lostResponseOf: 'customerAddressUpdate' });
  try {
    await patch(id, [{ op: 'replace', path: 'addresses[type eq "work"].postalCode', value: 'M5V 3L9' }]);
  } finally {
    s.emu.control.clearFaults();
  }
  const c = s.emu.control.customer(cid)!;
  assert.deepEqual(c.addresses, [{ ...first, zip: 'M5V 3L9' }], JSON.stringify(c.addresses));
});

test('a removal stopped after the default was handed over deletes only the bridge’s address when it runs again', async () => {
  const { id, cid } = await create('addr.stopped@example.com');
  const mine = defaultOf(s.emu.control.customer(cid)!)!;
  const theirs = s.emu.control
    .addAddress(cid, { city: 'Gatineau', provinceCode: 'QC', countryCode: 'CA' })
    .customer!.addresses.find((a) => a.id !== mine.id)!;
  // Every answer to the hand-over is lost (the client's retry too): the run ends with the default already moved.
  s.emu.control.setFaults({ lostResponses: 2, lostResponseOf: 'customerUpdateDefaultAddress' });
  try {
    const r = await s.req('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'addresses' }] });
    assert.equal(r.status, 200, r.dump);
  } finally {
    s.emu.control.clearFaults();
  }
  await s.until(
    'the retried run is synced',
    async () => {
      const u = await s.req('GET', `/Users/${id}`);
      return u.body[SHOPIFY_EXT].syncState === 'synced' && s.emu.control.customer(cid)!.addresses.length === 1;
    },
    15_000,
  );
  const c = s.emu.control.customer(cid)!;
  assert.deepEqual(c.addresses, [theirs], `the merchant’s address is the one left: ${JSON.stringify(c.addresses)}`);
  assert.equal(c.defaultAddressId, theirs.id);
});
