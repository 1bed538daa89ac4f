import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CUSTOMER_FIELDS, emulator, type TestEmulator } from './helpers.js';

let t: TestEmulator;
let now = Date.parse('2026-06-01T12:00:00Z');
before(async () => {
  t = await emulator({ now: () => now });
});
after(() => t.em.close());

const CREATE = `mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { ${CUSTOMER_FIELDS} } userErrors { field message } } }`;
const UPDATE = `mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { ${CUSTOMER_FIELDS} note } userErrors { field message } } }`;

async function create(input: Record<string, unknown>) {
  const d = await t.data(CREATE, { input });
  return d.customerCreate as { customer: Record<string, any> | null; userErrors: Array<{ field: string[] | null; message: string }> };
}

test('customerCreate returns a customer with a Customer GID, normalised phone and sorted tags', async () => {
  const r = await create({
    email: 'grace@example.com',
    firstName: 'Grace',
    lastName: 'Hopper',
    phone: '+1 (613) 555-0199',
    tags: ['navy', ' Admiral ', 'NAVY'],
  });
  assert.deepEqual(r.userErrors, []);
  assert.match(r.customer!.id, /^gid:\/\/shopify\/Customer\/\d+$/);
  assert.equal(r.customer!.phone, '+16135550199');
  assert.deepEqual(r.customer!.tags, ['Admiral', 'navy']);
  assert.equal(r.customer!.state, 'DISABLED');
  assert.equal(r.customer!.createdAt, '2026-06-01T12:00:00Z');
});

test('customerCreate reports Shopify’s user errors with field paths', async () => {
  await create({ email: 'taken@example.com', phone: '+16135550111' });
  assert.deepEqual((await create({ email: 'TAKEN@example.com' })).userErrors, [
    { field: ['email'], message: 'Email has already been taken' },
  ]);
  assert.deepEqual((await create({ email: 'x@example.com', phone: '+1 613 555 0111' })).userErrors, [
    { field: ['phone'], message: 'Phone has already been taken' },
  ]);
  assert.deepEqual((await create({ phone: '555-0100' })).userErrors, [{ field: ['phone'], message: 'Phone is invalid' }]);
  assert.deepEqual((await create({ email: 'not-an-email' })).userErrors, [{ field: ['email'], message: 'Email is invalid' }]);
  assert.deepEqual((await create({ note: 'nobody' })).userErrors, [
    { field: null, message: 'Customer must have a name, phone number or email address' },
  ]);
  const r = await create({ email: 'nobody@example.com', tags: ['x'.repeat(256)] });
  assert.equal(r.customer, null);
  assert.deepEqual(
    r.userErrors.map((e) => e.field),
    [['tags']],
  );
});

test('customerUpdate replaces tags, moves updatedAt and keeps what it was not given', async () => {
  const c = (await create({ email: 'upd@example.com', firstName: 'Up', tags: ['a', 'b'] })).customer!;
  now += 5000;
  const d = await t.data(UPDATE, { input: { id: c.id, tags: ['c'], note: 'hello' } });
  const u = d.customerUpdate.customer;
  assert.deepEqual(u.tags, ['c']);
  assert.equal(u.firstName, 'Up');
  assert.equal(u.note, 'hello');
  assert.equal(u.updatedAt, '2026-06-01T12:00:05Z');
  assert.notEqual(u.updatedAt, c.updatedAt);
  const missing = await t.data(UPDATE, { input: { id: 'gid://shopify/Customer/999999', firstName: 'X' } });
  assert.deepEqual(missing.customerUpdate, { customer: null, userErrors: [{ field: ['id'], message: 'Customer does not exist' }] });
});

test('customerUpdate refuses an email another customer already has, case-insensitively', async () => {
  await create({ email: 'first@example.com' });
  const c = (await create({ email: 'second@example.com' })).customer!;
  const d = await t.data(UPDATE, { input: { id: c.id, email: 'First@Example.com' } });
  assert.deepEqual(d.customerUpdate.userErrors, [{ field: ['email'], message: 'Email has already been taken' }]);
});

test('customer, customerByIdentifier and node find a customer by id, email and phone', async () => {
  const c = (await create({ email: 'find.me@example.com', phone: '+442079460958', firstName: 'Find' })).customer!;
  const d = await t.data(
    `query($id: ID!) {
    byId: customer(id: $id) { id displayName legacyResourceId canDelete numberOfOrders amountSpent { amount currencyCode } }
    byEmail: customerByIdentifier(identifier: { emailAddress: "FIND.ME@example.com" }) { id }
    byPhone: customerByIdentifier(identifier: { phoneNumber: "+44 20 7946 0958" }) { id }
    none: customerByIdentifier(identifier: { emailAddress: "nobody@example.com" }) { id }
    node(id: $id) { ... on Customer { defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } }
  }`,
    { id: c.id },
  );
  assert.equal(d.byId.displayName, 'Find');
  assert.equal(d.byId.legacyResourceId, c.id.split('/').pop());
  assert.equal(d.byId.canDelete, true);
  assert.equal(d.byId.numberOfOrders, '0');
  assert.deepEqual(d.byId.amountSpent, { amount: '0.0', currencyCode: 'USD' });
  assert.equal(d.byEmail.id, c.id);
  assert.equal(d.byPhone.id, c.id);
  assert.equal(d.none, null);
  assert.deepEqual(d.node, {
    defaultEmailAddress: { emailAddress: 'find.me@example.com' },
    defaultPhoneNumber: { phoneNumber: '+442079460958' },
  });
});

test('customerDelete deletes, and refuses while the customer has orders', async () => {
  const a = (await create({ email: 'del@example.com' })).customer!;
  const b = (await create({ email: 'buyer@example.com' })).customer!;
  t.em.control.placeOrder(b.id, { totalPrice: '25.50' });
  const DEL = 'mutation($id: ID!) { customerDelete(input: { id: $id }) { deletedCustomerId userErrors { field message } } }';
  assert.deepEqual((await t.data(DEL, { id: a.id })).customerDelete, { deletedCustomerId: a.id, userErrors: [] });
  assert.equal((await t.data('query($id: ID!) { customer(id: $id) { id } }', { id: a.id })).customer, null);
  const refused = (await t.data(DEL, { id: b.id })).customerDelete;
  assert.equal(refused.deletedCustomerId, null);
  assert.equal(refused.userErrors.length, 1, JSON.stringify(refused));
  const d = await t.data('query($id: ID!) { customer(id: $id) { canDelete numberOfOrders amountSpent { amount } } }', { id: b.id });
  assert.deepEqual(d.customer, { canDelete: false, numberOfOrders: '1', amountSpent: { amount: '25.5' } });
});

test('tagsAdd and tagsRemove change only the named tags', async () => {
  const c = (await create({ email: 'tags@example.com', tags: ['keep', 'drop'] })).customer!;
  const add = await t.data(
    'mutation($id: ID!) { tagsAdd(id: $id, tags: ["new", "KEEP"]) { node { ... on Customer { tags } } userErrors { message } } }',
    { id: c.id },
  );
  assert.deepEqual(add.tagsAdd.node.tags, ['drop', 'keep', 'new']);
  const rm = await t.data(
    'mutation($id: ID!) { tagsRemove(id: $id, tags: ["DROP"]) { node { ... on Customer { tags } } userErrors { message } } }',
    { id: c.id },
  );
  assert.deepEqual(rm.tagsRemove.node.tags, ['keep', 'new']);
});

test('customerSet upserts by email and reports coded errors', async () => {
  const SET = `mutation($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!) {
    customerSet(identifier: $identifier, input: $input) { customer { id email firstName tags } userErrors { field message code } } }`;
  const created = (await t.data(SET, { identifier: { email: 'set@example.com' }, input: { firstName: 'Set', tags: ['one'] } })).customerSet;
  assert.deepEqual(created.userErrors, []);
  assert.equal(created.customer.email, 'set@example.com');
  const updated = (await t.data(SET, { identifier: { email: 'SET@example.com' }, input: { tags: ['two'] } })).customerSet;
  assert.equal(updated.customer.id, created.customer.id, 'same customer');
  assert.deepEqual(updated.customer.tags, ['two'], 'list fields replace');
  assert.equal(updated.customer.firstName, 'Set');
  const mismatch = (await t.data(SET, { identifier: { email: 'set@example.com' }, input: { email: 'other@example.com' } })).customerSet;
  assert.equal(mismatch.userErrors[0].code, 'INPUT_MISMATCH');
  const notFound = (await t.data(SET, { identifier: { id: 'gid://shopify/Customer/424242' }, input: { firstName: 'X' } })).customerSet;
  assert.deepEqual(
    notFound.userErrors.map((e: { code: string }) => e.code),
    ['NOT_FOUND'],
  );
  await create({ email: 'owner@example.com' });
  const taken = (await t.data(SET, { input: { email: 'owner@example.com' } })).customerSet;
  assert.deepEqual(taken.userErrors, [{ field: ['input', 'email'], message: 'Email has already been taken', code: 'TAKEN' }]);
});

test('address mutations add, update, make default and delete addresses', async () => {
  const c = (await create({ email: 'addr@example.com' })).customer!;
  const add = await t.data(
    `mutation($c: ID!) { customerAddressCreate(customerId: $c, address: { address1: "1 Main St", city: "Ottawa", countryCode: CA, zip: "K1A 0A1" }, setAsDefault: true) {
    address { id country city } userErrors { message } } }`,
    { c: c.id },
  );
  const addr = add.customerAddressCreate.address;
  assert.deepEqual([addr.country, addr.city], ['Canada', 'Ottawa']);
  const second = (
    await t.data(
      'mutation($c: ID!) { customerAddressCreate(customerId: $c, address: { city: "Paris", countryCode: FR }) { address { id } } }',
      { c: c.id },
    )
  ).customerAddressCreate.address;
  await t.data(
    'mutation($c: ID!, $a: ID!) { customerAddressUpdate(customerId: $c, addressId: $a, address: { city: "Lyon" }) { address { city } } }',
    { c: c.id, a: second.id },
  );
  const def = await t.data(
    'mutation($c: ID!, $a: ID!) { customerUpdateDefaultAddress(customerId: $c, addressId: $a) { customer { defaultAddress { city } addressesV2(first: 5) { nodes { city } } } } }',
    { c: c.id, a: second.id },
  );
  assert.equal(def.customerUpdateDefaultAddress.customer.defaultAddress.city, 'Lyon');
  assert.deepEqual(
    def.customerUpdateDefaultAddress.customer.addressesV2.nodes.map((n: { city: string }) => n.city),
    ['Ottawa', 'Lyon'],
  );
  const del = await t.data('mutation($c: ID!, $a: ID!) { customerAddressDelete(customerId: $c, addressId: $a) { deletedAddressId } }', {
    c: c.id,
    a: addr.id,
  });
  assert.equal(del.customerAddressDelete.deletedAddressId, addr.id);
});

test('marketing consent updates and data erasure requests', async () => {
  const c = (await create({ email: 'consent@example.com', phone: '+16135550177' })).customer!;
  const e = await t.data(
    `mutation($id: ID!) { customerEmailMarketingConsentUpdate(input: { customerId: $id, emailMarketingConsent: { marketingState: UNSUBSCRIBED, marketingOptInLevel: SINGLE_OPT_IN } }) {
    customer { emailMarketingConsent { marketingState } defaultEmailAddress { marketingState } } userErrors { message } } }`,
    { id: c.id },
  );
  assert.deepEqual(e.customerEmailMarketingConsentUpdate.customer, {
    emailMarketingConsent: { marketingState: 'UNSUBSCRIBED' },
    defaultEmailAddress: { marketingState: 'UNSUBSCRIBED' },
  });
  const s = await t.data(
    `mutation($id: ID!) { customerSmsMarketingConsentUpdate(input: { customerId: $id, smsMarketingConsent: { marketingState: SUBSCRIBED, marketingOptInLevel: CONFIRMED_OPT_IN } }) {
    customer { smsMarketingConsent { marketingState } } userErrors { message } } }`,
    { id: c.id },
  );
  assert.equal(s.customerSmsMarketingConsentUpdate.customer.smsMarketingConsent.marketingState, 'SUBSCRIBED');
  const cancelEarly = await t.data('mutation($id: ID!) { customerCancelDataErasure(customerId: $id) { customerId userErrors { code } } }', {
    id: c.id,
  });
  assert.deepEqual(cancelEarly.customerCancelDataErasure.userErrors, [{ code: 'NOT_BEING_ERASED' }]);
  const req = await t.data('mutation($id: ID!) { customerRequestDataErasure(customerId: $id) { customerId userErrors { code } } }', {
    id: c.id,
  });
  assert.deepEqual(req.customerRequestDataErasure, { customerId: c.id, userErrors: [] });
  assert.ok(t.em.control.customer(c.id)!.erasureRequestedAt, 'erasure recorded');
  const cancel = await t.data('mutation($id: ID!) { customerCancelDataErasure(customerId: $id) { customerId userErrors { code } } }', {
    id: c.id,
  });
  assert.deepEqual(cancel.customerCancelDataErasure, { customerId: c.id, userErrors: [] });
});

test('shop and currentAppInstallation tell the connector the plan and granted scopes', async () => {
  const d = await t.data(
    '{ shop { name myshopifyDomain plan { displayName publicDisplayName shopifyPlus } } currentAppInstallation { accessScopes { handle } } }',
  );
  assert.deepEqual(d.shop, {
    name: 'Demo Shop',
    myshopifyDomain: 'demo-shop.myshopify.com',
    plan: { displayName: 'Basic', publicDisplayName: 'Basic', shopifyPlus: false },
  });
  assert.deepEqual(
    d.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle),
    ['read_customers', 'write_customers'],
  );
});

test('fields the emulator does not model resolve to null or an empty value instead of failing', async () => {
  const c = (await create({ email: 'unmodelled@example.com' })).customer!;
  const r = await t.gql(
    'query($id: ID!) { customer(id: $id) { id market { id } companyContactProfiles { id } paymentMethods(first: 2) { nodes { id } } } }',
    { id: c.id },
  );
  assert.equal(r.body.errors, undefined, JSON.stringify(r.body));
  assert.deepEqual(r.body.data!.customer, { id: c.id, market: null, companyContactProfiles: [], paymentMethods: { nodes: [] } });
});
