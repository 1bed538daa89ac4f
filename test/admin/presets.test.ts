// One preset per identity provider, chosen through the admin API, then a user as that IdP really sends it provisioned
// through SCIM into the emulator: the customer must carry the expected fields, tags and metafields.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminStack, idOf, type TenantHandle } from './harness.js';
import type { CustomerSnapshot } from '../../src/emulator/index.js';

const stack = await startAdminStack();
after(() => stack.close());

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SHOPIFY = 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User';

async function withPreset(name: string, preset: string, defaultCountry?: string): Promise<TenantHandle> {
  const t = await stack.tenant(name);
  const r = await stack.admin('POST', `/tenants/${t.name}/mapping/preset`, { name: preset });
  assert.equal(r.status, 200, r.dump);
  if (defaultCountry) {
    const put = await stack.admin('PUT', `/tenants/${t.name}/mapping`, { ...r.body.document, defaultCountry });
    assert.equal(put.status, 200, put.dump);
  }
  return t;
}

/** Provisions a user and returns the customer it became, once the engine reports it synced. */
async function provision(t: TenantHandle, body: Record<string, unknown>): Promise<{ userId: string; customer: CustomerSnapshot }> {
  const r = await stack.scim(t, 'POST', '/Users', body);
  const userId = idOf(r);
  assert.equal(r.body[SHOPIFY]?.syncState, 'synced', `the request waited for Shopify: ${r.dump}`);
  const customer = await stack.customerOf(t, userId);
  assert.ok(customer, `a customer is linked to ${userId}`);
  return { userId, customer };
}

const metafields = (c: CustomerSnapshot) => Object.fromEntries(c.metafields.map((m) => [`${m.namespace}.${m.key}`, m.value]));
const address = (c: CustomerSnapshot) => {
  const a = c.addresses.find((x) => x.id === c.defaultAddressId);
  return (
    a && {
      address1: a.address1,
      address2: a.address2,
      city: a.city,
      province: a.province,
      zip: a.zip,
      countryCode: a.countryCode,
      country: a.country,
    }
  );
};

test('Okta: primary email, mobile phone, work address with both street lines, enterprise metafields and the group tag', async () => {
  const t = await withPreset('okta', 'okta');
  const group = await stack.scim(t, 'POST', '/Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'Engineering',
  });
  assert.equal(group.status, 201, group.dump);
  const { userId, customer } = await provision(t, {
    schemas: [CORE, ENT],
    userName: 'isaac.brock@example.com',
    externalId: '00u1a2b3c4d5e6f7g8h9',
    name: { givenName: 'Isaac', familyName: 'Brock' },
    displayName: 'Isaac Brock',
    locale: 'en_US',
    password: 'tempP@ss123',
    groups: [],
    emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
    phoneNumbers: [
      { value: '+1 (415) 555-0100', type: 'mobile' },
      { value: '+1 415 555 0199', type: 'work' },
    ],
    addresses: [
      {
        type: 'work',
        streetAddress: '100 Main St\nSuite 5',
        locality: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        country: 'US',
        primary: true,
      },
    ],
    title: 'Staff Engineer',
    [ENT]: { employeeNumber: '1001', department: 'Engineering', costCenter: 'CC-7', manager: { value: '00u9' } },
    active: true,
  });
  assert.deepEqual(
    [customer.firstName, customer.lastName, customer.email, customer.phone, customer.locale],
    ['Isaac', 'Brock', 'isaac.brock@example.com', '+14155550100', 'en-US'],
  );
  assert.deepEqual(address(customer), {
    address1: '100 Main St',
    address2: 'Suite 5',
    city: 'San Francisco',
    province: 'CA',
    zip: '94105',
    countryCode: 'US',
    country: 'United States',
  });
  assert.deepEqual(metafields(customer), {
    'shopify_scim.scim_id': userId,
    'scim.department': 'Engineering',
    'scim.employee_number': '1001',
    'scim.cost_center': 'CC-7',
    'scim.job_title': 'Staff Engineer',
  });
  assert.deepEqual(customer.tags.sort(), ['scim-provisioned']);
  const add = await stack.scim(t, 'PATCH', `/Groups/${group.body.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
  });
  assert.ok(add.status === 204 || add.status === 200, add.dump);
  await stack.until('the group tag', async () => (await stack.customerOf(t, userId))?.tags.includes('group:Engineering'));
});

test('Entra ID: the work mail (never the UPN), mobile phone, country as a name, and an Entra-style PATCH flows through', async () => {
  const t = await withPreset('entra', 'entra');
  const { userId, customer } = await provision(t, {
    schemas: [CORE, ENT],
    externalId: 'adelev',
    userName: 'AdeleV@contoso.onmicrosoft.com',
    active: true,
    displayName: 'Adele Vance',
    title: 'Retail Manager',
    preferredLanguage: 'en-GB',
    emails: [{ primary: true, type: 'work', value: 'adele.vance@contoso.com' }],
    name: { formatted: 'Adele Vance', familyName: 'Vance', givenName: 'Adele' },
    phoneNumbers: [
      { type: 'mobile', value: '+44 7700 900123' },
      { type: 'work', value: '+44 20 7946 0018' },
    ],
    addresses: [
      {
        type: 'work',
        formatted: '1 Station Rd',
        streetAddress: '1 Station Rd',
        locality: 'Reading',
        region: 'Berkshire',
        postalCode: 'RG1 1AA',
        country: 'United Kingdom',
      },
    ],
    [ENT]: { employeeNumber: 'E-4410', department: 'Retail' },
  });
  assert.deepEqual(
    [customer.email, customer.phone, customer.locale, customer.firstName],
    ['adele.vance@contoso.com', '+447700900123', 'en-GB', 'Adele'],
  );
  assert.deepEqual([address(customer)?.countryCode, address(customer)?.country], ['GB', 'United Kingdom'], 'the name is sent as its code');
  assert.equal(address(customer)?.city, 'Reading');
  assert.deepEqual(metafields(customer), {
    'shopify_scim.scim_id': userId,
    'scim.department': 'Retail',
    'scim.employee_number': 'E-4410',
    'scim.job_title': 'Retail Manager',
  });
  const patch = await stack.scim(t, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'Replace', path: `${ENT}:department`, value: 'Wholesale' },
      { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+44 7700 900456' },
    ],
  });
  assert.equal(patch.status, 200, patch.dump);
  const after = await stack.customerOf(t, userId);
  assert.equal(metafields(after!)['scim.department'], 'Wholesale', 'the metafield follows the IdP');
  assert.equal(after!.phone, '+447700900456');
  // Entra's country is whatever the directory holds: "USA" is the United States.
  const moved = await stack.scim(t, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'Replace', path: 'addresses[type eq "work"].country', value: 'USA' },
      { op: 'Replace', path: 'addresses[type eq "work"].region', value: 'NY' },
      { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'New York' },
    ],
  });
  assert.equal(moved.status, 200, moved.dump);
  assert.deepEqual(
    [address((await stack.customerOf(t, userId))!)?.countryCode, address((await stack.customerOf(t, userId))!)?.city],
    ['US', 'New York'],
  );
  // A country nobody knows is left out of the address rather than refusing the user's other changes.
  const odd = await stack.scim(t, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'Replace', path: 'addresses[type eq "work"].country', value: 'Atlantis' },
      { op: 'Replace', path: 'title', value: 'Regional Manager' },
    ],
  });
  assert.equal(odd.status, 200, odd.dump);
  const last = (await stack.customerOf(t, userId))!;
  assert.deepEqual([address(last)?.countryCode, metafields(last)['scim.job_title']], ['US', 'Regional Manager']);
});

test('OneLogin: the work email, a national phone read with the default country, the untyped address, division', async () => {
  const t = await withPreset('onelogin', 'onelogin', 'US');
  const { userId, customer } = await provision(t, {
    schemas: [CORE, ENT],
    userName: 'jsmith@example.com',
    externalId: '48213371',
    name: { givenName: 'Jane', familyName: 'Smith' },
    emails: [{ value: 'jsmith@example.com', type: 'work', primary: true }],
    phoneNumbers: [{ value: '(212) 555-0143', type: 'work' }],
    addresses: [{ streetAddress: '350 Fifth Avenue', locality: 'New York', region: 'NY', postalCode: '10118', country: 'US' }],
    title: 'Buyer',
    [ENT]: { department: 'Purchasing', division: 'East' },
  });
  assert.deepEqual([customer.email, customer.phone], ['jsmith@example.com', '+12125550143']);
  assert.deepEqual(address(customer), {
    address1: '350 Fifth Avenue',
    address2: null,
    city: 'New York',
    province: 'NY',
    zip: '10118',
    countryCode: 'US',
    country: 'United States',
  });
  assert.deepEqual(metafields(customer), {
    'shopify_scim.scim_id': userId,
    'scim.department': 'Purchasing',
    'scim.division': 'East',
    'scim.job_title': 'Buyer',
  });
  assert.deepEqual(customer.tags, ['scim-provisioned']);
});

test('JumpCloud: work email, mobile phone, work address, employee number and cost centre', async () => {
  const t = await withPreset('jumpcloud', 'jumpcloud', 'AU');
  const { userId, customer } = await provision(t, {
    schemas: [CORE, ENT],
    userName: 'k.nguyen',
    externalId: '5f1e2d3c4b5a69788796a5b4',
    name: { givenName: 'Kim', familyName: 'Nguyen' },
    displayName: 'Kim Nguyen',
    emails: [{ value: 'k.nguyen@example.com.au', type: 'work', primary: true }],
    phoneNumbers: [
      { value: '0412 345 678', type: 'mobile' },
      { value: '02 9876 5432', type: 'work' },
    ],
    addresses: [
      { type: 'work', streetAddress: 'Level 5\n1 George St', locality: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
    ],
    title: 'Store Lead',
    [ENT]: { employeeNumber: 'JC-9', department: 'Retail', costCenter: '400' },
    active: true,
  });
  assert.deepEqual([customer.email, customer.phone], ['k.nguyen@example.com.au', '+61412345678']);
  assert.deepEqual(address(customer)?.city, 'Sydney');
  assert.deepEqual(metafields(customer), {
    'shopify_scim.scim_id': userId,
    'scim.department': 'Retail',
    'scim.employee_number': 'JC-9',
    'scim.cost_center': '400',
    'scim.job_title': 'Store Lead',
  });
});

test('Google Workspace: the minimal profile Google sends becomes a customer; suspension tags it', async () => {
  const t = await withPreset('google', 'google');
  const { userId, customer } = await provision(t, {
    schemas: [CORE],
    userName: 'mia@school.example',
    name: { givenName: 'Mia', familyName: 'Rossi' },
    emails: [{ value: 'mia@school.example', type: 'work', primary: true }],
    displayName: 'Mia Rossi',
    active: true,
  });
  assert.deepEqual([customer.firstName, customer.lastName, customer.email, customer.phone], ['Mia', 'Rossi', 'mia@school.example', null]);
  assert.deepEqual(metafields(customer), { 'shopify_scim.scim_id': userId });
  assert.deepEqual(customer.tags, ['scim-provisioned']);
  const suspend = await stack.scim(t, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  assert.equal(suspend.status, 200, suspend.dump);
  assert.deepEqual((await stack.customerOf(t, userId))!.tags.sort(), ['scim-deactivated', 'scim-provisioned']);
});

test('Custom app: a sign-up form posts a customer with phone and locale; an impossible phone is held with the rule named, and refuses the sign-up under onShopifyRefusal reject', async () => {
  const t = await withPreset('custom', 'custom');
  const { customer } = await provision(t, {
    schemas: [CORE],
    userName: 'new.customer@shop.example',
    name: { givenName: 'Chloé', familyName: 'Martin' },
    emails: [{ value: 'new.customer@shop.example', primary: true }],
    phoneNumbers: [{ value: '+1 650 555 0199' }],
    locale: 'fr-CA',
  });
  assert.deepEqual(
    [customer.firstName, customer.email, customer.phone, customer.locale],
    ['Chloé', 'new.customer@shop.example', '+16505550199', 'fr-CA'],
  );
  assert.deepEqual(customer.tags, ['scim-app']);
  const typo = (userName: string) => ({
    schemas: [CORE],
    userName,
    name: { givenName: 'Ty', familyName: 'Po' },
    emails: [{ value: userName, primary: true }],
    phoneNumbers: [{ value: '+1 650 555' }],
  });
  const held = await stack.scim(t, 'POST', '/Users', typo('held.typo@shop.example'));
  assert.equal(held.status, 201, held.dump);
  const ext = held.body['urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User'];
  assert.equal(ext.syncState, 'failed', held.dump);
  assert.equal(ext.syncErrorCode, 'PHONE_INVALID', held.dump);
  assert.match(ext.syncError, /rule "phone"/, held.dump);
  const put = await stack.admin('PUT', `/tenants/${t.name}/policies`, { onShopifyRefusal: 'reject' });
  assert.equal(put.status, 200, put.dump);
  const refused = await stack.scim(t, 'POST', '/Users', typo('typo@shop.example'));
  assert.equal(refused.status, 400, refused.dump);
  assert.equal(refused.body.scimType, 'invalidValue');
  assert.match(refused.body.detail, /rule "phone"/, 'the site can show which field is wrong');
  assert.equal(
    (await stack.scim(t, 'GET', '/Users?filter=userName eq "typo@shop.example"')).body.totalResults,
    0,
    'nothing half-made is kept',
  );
});
