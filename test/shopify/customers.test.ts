import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ShopifyError,
  addTags,
  cancelDataErasure,
  createCustomer,
  deleteCustomer,
  ensureCustomIdDefinition,
  findCustomerByCustomId,
  findCustomerByEmail,
  findCustomerByPhone,
  getCustomer,
  removeTags,
  requestDataErasure,
  setCustomer,
  updateCustomer,
  updateEmailMarketingConsent,
} from '../../src/shopify/index.js';
import { email, harness } from './helpers.js';

const h = await harness();
const { client, em } = h;
const code = (c: string, kind: string) => (e: unknown) => {
  assert.ok(e instanceof ShopifyError, String(e));
  assert.equal(e.code, c, e.message);
  assert.equal(e.kind, kind);
  return true;
};

test('createCustomer makes a customer with its fields, tags, address and metafield, as Shopify stores them', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const mail = email('ada');
  const c = await createCustomer(
    client,
    {
      email: mail,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+14155550101',
      note: 'from okta',
      locale: 'fr',
      tags: ['staff', 'scim'],
      addresses: [{ address1: '1 Main St', city: 'San Francisco', provinceCode: 'CA', countryCode: 'US', zip: '94107' }],
      metafields: [{ namespace: 'scim', key: 'id', type: 'id', value: 'user-ada' }],
    },
    { metafieldKeys: ['scim.id'] },
  );
  assert.match(c.id, /^gid:\/\/shopify\/Customer\/\d+$/);
  assert.equal(c.email, mail);
  assert.equal(c.phone, '+14155550101');
  assert.deepEqual([c.firstName, c.lastName, c.note, c.locale], ['Ada', 'Lovelace', 'from okta', 'fr']);
  assert.deepEqual([...c.tags].sort(), ['scim', 'staff']);
  assert.equal(c.canDelete, true);
  assert.equal(c.numberOfOrders, 0);
  assert.equal(c.defaultAddress?.city, 'San Francisco');
  assert.equal(c.defaultAddress?.countryCode, 'US');
  assert.equal(c.addresses.length, 1);
  assert.deepEqual(c.metafields, [{ namespace: 'scim', key: 'id', type: 'id', value: 'user-ada' }]);
  assert.equal(em.control.customer(c.id)?.email, mail, 'the emulator holds the same customer');
});

test('updateCustomer changes only the given fields and a tags list replaces all tags', async () => {
  const c = await createCustomer(client, { email: email(), firstName: 'Old', lastName: 'Name', tags: ['a', 'b'] });
  const u = await updateCustomer(client, c.id, { firstName: 'New', tags: ['c'] });
  assert.equal(u.firstName, 'New');
  assert.equal(u.lastName, 'Name');
  assert.deepEqual(u.tags, ['c']);
});

test('updateCustomer with null clears a field', async () => {
  const c = await createCustomer(client, { email: email(), firstName: 'A', note: 'temp' });
  const u = await updateCustomer(client, c.id, { note: null });
  assert.equal(u.note, null);
});

test('setCustomer creates without identifier, then upserts by email and by id', async () => {
  const mail = email('set');
  const created = await setCustomer(client, undefined, { email: mail, firstName: 'Grace' });
  const byEmail = await setCustomer(client, { email: mail }, { email: mail, lastName: 'Hopper' });
  assert.equal(byEmail.id, created.id, 'the same customer');
  assert.equal(byEmail.lastName, 'Hopper');
  const byId = await setCustomer(client, { id: created.id }, { note: 'n' });
  assert.equal(byId.note, 'n');
  assert.equal(byId.firstName, 'Grace');
});

test('setCustomer by custom id finds the linked customer', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const c = await createCustomer(client, {
    email: email(),
    metafields: [{ namespace: 'scim', key: 'id', type: 'id', value: 'user-set-cid' }],
  });
  const s = await setCustomer(client, { customId: { namespace: 'scim', key: 'id', value: 'user-set-cid' } }, { firstName: 'Linked' });
  assert.equal(s.id, c.id);
  assert.equal(s.firstName, 'Linked');
});

test('getCustomer reads a customer by GID and answers null for an unknown one', async () => {
  const c = await createCustomer(client, { email: email(), firstName: 'Get' });
  assert.equal((await getCustomer(client, c.id))?.firstName, 'Get');
  assert.equal(await getCustomer(client, 'gid://shopify/Customer/999999999'), null);
});

test('customers are found by email (any case), phone and custom id, and null when absent', async () => {
  await ensureCustomIdDefinition(client, { namespace: 'scim', key: 'id' });
  const mail = email('find');
  const c = await createCustomer(client, {
    email: mail,
    phone: '+14155550177',
    metafields: [{ namespace: 'scim', key: 'id', type: 'id', value: 'user-find' }],
  });
  assert.equal((await findCustomerByEmail(client, mail.toUpperCase()))?.id, c.id);
  assert.equal((await findCustomerByPhone(client, '+14155550177'))?.id, c.id);
  assert.equal((await findCustomerByCustomId(client, { namespace: 'scim', key: 'id', value: 'user-find' }))?.id, c.id);
  assert.equal(await findCustomerByEmail(client, email('nobody')), null);
  assert.equal(await findCustomerByPhone(client, '+14155550999'), null);
  assert.equal(await findCustomerByCustomId(client, { namespace: 'scim', key: 'id', value: 'nobody' }), null);
});

test('addTags and removeTags change only the named tags', async () => {
  const c = await createCustomer(client, { email: email(), tags: ['merchant-tag'] });
  await addTags(client, c.id, ['scim-deactivated', 'group-sales']);
  assert.deepEqual([...em.control.customer(c.id)!.tags].sort(), ['group-sales', 'merchant-tag', 'scim-deactivated']);
  await removeTags(client, c.id, ['scim-deactivated']);
  assert.deepEqual([...em.control.customer(c.id)!.tags].sort(), ['group-sales', 'merchant-tag']);
});

test('deleteCustomer removes a customer without orders', async () => {
  const c = await createCustomer(client, { email: email() });
  await deleteCustomer(client, c.id);
  assert.equal(em.control.customer(c.id), null);
  await assert.rejects(deleteCustomer(client, c.id), code('NOT_FOUND', 'notFound'));
});

test('updateEmailMarketingConsent records the new state', async () => {
  const c = await createCustomer(client, {
    email: email(),
    emailMarketingConsent: { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN' },
  });
  const r = await updateEmailMarketingConsent(client, c.id, { marketingState: 'UNSUBSCRIBED' });
  assert.equal(r.marketingState, 'UNSUBSCRIBED');
  assert.equal(em.control.customer(c.id)?.emailMarketingConsent?.marketingState, 'UNSUBSCRIBED');
});

test('a data erasure can be requested and cancelled', async () => {
  const c = await createCustomer(client, { email: email() });
  await requestDataErasure(client, c.id);
  assert.ok(em.control.customer(c.id)?.erasureRequestedAt, 'erasure recorded');
  await cancelDataErasure(client, c.id);
  assert.equal(em.control.customer(c.id)?.erasureRequestedAt, null);
  await assert.rejects(requestDataErasure(client, 'gid://shopify/Customer/999999999'), code('NOT_FOUND', 'notFound'));
});

// Error classes, as the sync engine and the SCIM layer act on them.

test('a taken email is a conflict EMAIL_TAKEN naming the field, from customerCreate and from customerSet', async () => {
  const mail = email('taken');
  await createCustomer(client, { email: mail });
  await assert.rejects(
    createCustomer(client, { email: mail }),
    (e: ShopifyError) => code('EMAIL_TAKEN', 'conflict')(e) && e.field?.at(-1) === 'email',
  );
  const other = await createCustomer(client, { email: email() });
  await assert.rejects(setCustomer(client, { id: other.id }, { email: mail }), code('EMAIL_TAKEN', 'conflict'));
});

test('a taken phone is a conflict PHONE_TAKEN', async () => {
  await createCustomer(client, { email: email(), phone: '+14155550142' });
  await assert.rejects(createCustomer(client, { email: email(), phone: '+14155550142' }), code('PHONE_TAKEN', 'conflict'));
});

test('an invalid phone is invalid PHONE_INVALID and an invalid email EMAIL_INVALID', async () => {
  await assert.rejects(createCustomer(client, { email: email(), phone: '12' }), code('PHONE_INVALID', 'invalid'));
  await assert.rejects(createCustomer(client, { email: 'not-an-email' }), code('EMAIL_INVALID', 'invalid'));
});

test('a customer with no name, email or phone is invalid CUSTOMER_NEEDS_IDENTITY', async () => {
  await assert.rejects(createCustomer(client, { note: 'nobody' }), code('CUSTOMER_NEEDS_IDENTITY', 'invalid'));
});

test('deleting a customer with orders is a conflict CUSTOMER_HAS_ORDERS and the customer stays', async () => {
  const c = await createCustomer(client, { email: email() });
  em.control.placeOrder(c.id);
  assert.equal((await getCustomer(client, c.id))?.canDelete, false);
  await assert.rejects(deleteCustomer(client, c.id), code('CUSTOMER_HAS_ORDERS', 'conflict'));
  assert.ok(em.control.customer(c.id));
});

test('userErrors are never retried', async () => {
  const mail = email();
  await createCustomer(client, { email: mail });
  const before = em.control.counters().requests;
  await assert.rejects(createCustomer(client, { email: mail }));
  assert.equal(em.control.counters().requests - before, 1);
});

test('error messages carry no personal data', async () => {
  const mail = email('private');
  await createCustomer(client, { email: mail, phone: '+14155550155' });
  const err = await createCustomer(client, { email: mail }).catch((e: Error) => e);
  assert.ok(err instanceof ShopifyError);
  assert.doesNotMatch(`${err.message} ${JSON.stringify(err.toJSON())}`, /private|4155550155/);
});
