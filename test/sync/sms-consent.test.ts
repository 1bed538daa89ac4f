// SMS marketing consent follows the mapping into Shopify: set with the phone on create, changed through Shopify's
// own consent mutation afterwards, and the address's region name carried as Shopify's `province`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { smsConsentRule, withExtensionRule } from '../helpers/settings.js';
import { PATCH_OP } from '../helpers/http.js';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

const MKT = 'urn:example:params:scim:schemas:extension:marketing:2.0:User';

let s: Stack;
before(async () => {
  s = await startStack({ settings: withExtensionRule(MKT, [{ name: 'smsOptIn', type: 'boolean' }], smsConsentRule(MKT, 'toShopify')) });
});
after(async () => {
  await s?.close();
});

test('SMS consent the mapping produces is written with the phone on create, and changed later when the user changes', async () => {
  const body = oktaUser('sms.user@example.com', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', MKT],
    phoneNumbers: [{ value: '+14155550142', type: 'mobile', primary: true }],
    [MKT]: { smsOptIn: true },
  });
  const r = await s.req('POST', '/Users', body);
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  const created = s.emu.control.customer(r.body[SHOPIFY_EXT].customerId)!;
  assert.equal(created.phone, '+14155550142');
  assert.deepEqual(
    [created.smsMarketingConsent?.marketingState, created.smsMarketingConsent?.marketingOptInLevel],
    ['SUBSCRIBED', 'SINGLE_OPT_IN'],
    JSON.stringify(created.smsMarketingConsent),
  );

  const p = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: `${MKT}:smsOptIn`, value: false }],
  });
  assert.equal(p.status, 200, p.dump);
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  const after = s.emu.control.customer(created.id)!;
  assert.equal(after.smsMarketingConsent?.marketingState, 'UNSUBSCRIBED', JSON.stringify(after.smsMarketingConsent));
  const audit = await s.store.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('resource_id', '=', r.body.id)
    .where('action', '=', 'shopify.customer.updated')
    .execute();
  assert.ok(
    audit.some((a) => String(a.detail).includes('smsMarketingConsent')),
    JSON.stringify(audit),
  );

  const again = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'title', value: 'Clerk' }],
  });
  assert.equal(again.status, 200, again.dump);
  assert.equal(
    s.emu.control.customer(created.id)!.smsMarketingConsent?.marketingState,
    'UNSUBSCRIBED',
    'an unrelated change leaves the consent alone',
  );
});

test('a "no" to SMS marketing leaves a customer who never subscribed as never subscribed, on create and on later syncs', async () => {
  const body = oktaUser('sms.never@example.com', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', MKT],
    phoneNumbers: [{ value: '+14155550143', type: 'mobile', primary: true }],
    [MKT]: { smsOptIn: false },
  });
  const r = await s.req('POST', '/Users', body);
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
  const id = r.body[SHOPIFY_EXT].customerId;
  // Shopify records an unsubscription as an event of its own; a customer who never subscribed has nothing to undo.
  assert.equal(s.emu.control.customer(id)!.smsMarketingConsent?.marketingState, 'NOT_SUBSCRIBED');
  const p = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'title', value: 'Clerk' }],
  });
  assert.equal(p.body[SHOPIFY_EXT].syncState, 'synced', p.dump);
  assert.equal(s.emu.control.customer(id)!.smsMarketingConsent?.marketingState, 'NOT_SUBSCRIBED', 'a later sync leaves it too');
  const yes = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: `${MKT}:smsOptIn`, value: true }],
  });
  assert.equal(yes.body[SHOPIFY_EXT].syncState, 'synced', yes.dump);
  assert.equal(s.emu.control.customer(id)!.smsMarketingConsent?.marketingState, 'SUBSCRIBED');
  const no = await s.req('PATCH', `/Users/${r.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: `${MKT}:smsOptIn`, value: false }],
  });
  assert.equal(no.body[SHOPIFY_EXT].syncState, 'synced', no.dump);
  assert.equal(s.emu.control.customer(id)!.smsMarketingConsent?.marketingState, 'UNSUBSCRIBED', 'a subscriber who says no is unsubscribed');
});

test("a work address's region reaches Shopify as the province name", async () => {
  const r = await s.req(
    'POST',
    '/Users',
    oktaUser('region.user@example.com', {
      addresses: [
        {
          type: 'work',
          primary: true,
          streetAddress: '1 Front St',
          locality: 'Toronto',
          region: 'Ontario',
          postalCode: 'M5J 2N1',
          country: 'CA',
        },
      ],
    }),
  );
  assert.equal(r.status, 201, r.dump);
  const c = s.emu.control.customer(r.body[SHOPIFY_EXT].customerId)!;
  const addr = c.addresses.find((a) => a.id === c.defaultAddressId);
  assert.deepEqual([addr?.province, addr?.countryCode, addr?.city], ['Ontario', 'CA', 'Toronto'], JSON.stringify(c.addresses));
});
