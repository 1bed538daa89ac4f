import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MappingDocument } from './document.js';
import { mapFromShopify } from './from-shopify.js';
import { ENTERPRISE as ENT, getPreset, PRESET_NAMES, presets } from './presets.js';
import type { DesiredCustomer, ShopifyCustomerView } from './targets.js';
import { mapToShopify } from './to-shopify.js';
import { validateMapping } from './validate.js';

const SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:User', ENT];

/** The preset with a default country, as a merchant sets one for national phone numbers. */
const withCountry = (name: string, country: string): MappingDocument => ({ ...getPreset(name)!, defaultCountry: country });

const map = (mapping: MappingDocument, user: Record<string, unknown>, groups: { id: string; displayName: string }[] = []) => {
  const r = mapToShopify(user, groups, mapping);
  assert.ok(r.ok, `should map: ${JSON.stringify(r.problems)}`);
  return r;
};
const mf = (c: DesiredCustomer, key: string) => c.metafields.find((m) => m.key === key)?.value;

/** What Shopify would report back after the write: the customer as written. */
const asShopify = (c: DesiredCustomer): ShopifyCustomerView => ({
  firstName: c.firstName ?? null,
  lastName: c.lastName ?? null,
  email: c.email ?? null,
  phone: c.phone ?? null,
  locale: c.locale ?? null,
  defaultAddress: c.defaultAddress ?? null,
  metafields: c.metafields.map(({ namespace, key, value }) => ({ namespace, key, value })),
  tags: c.tags,
});

test('every preset is a valid mapping document', () => {
  for (const name of PRESET_NAMES) {
    const v = validateMapping(presets[name]);
    assert.ok(v.ok, `${name}: ${JSON.stringify(v)}`);
    assert.equal(v.value.preset, name);
  }
});

test('getPreset hands out a copy, so editing it leaves the preset alone', () => {
  const p = getPreset('okta')!;
  p.rules.pop();
  assert.notEqual(p.rules.length, presets.okta.rules.length);
  assert.equal(getPreset('nope'), undefined);
});

test('Okta: a user as Okta provisions it becomes a complete customer', () => {
  const user = {
    schemas: SCHEMAS,
    id: 'scim-okta-1',
    externalId: '00ujl29u0le5T6Aj10h7',
    userName: 'isaac.brock@example.com',
    name: { givenName: 'Isaac', familyName: 'Brock' },
    emails: [{ primary: true, value: 'isaac.brock@example.com', type: 'work' }],
    displayName: 'Isaac Brock',
    locale: 'en-US',
    active: true,
    title: 'Engineer',
    phoneNumbers: [
      { type: 'mobile', value: '+1-415-555-1234' },
      { type: 'work', value: '+1 415 555 9999' },
    ],
    addresses: [
      {
        type: 'work',
        streetAddress: '100 Main St',
        locality: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        country: 'US',
        primary: true,
      },
    ],
    [ENT]: { employeeNumber: '1234', department: 'Engineering', costCenter: 'R&D' },
  };
  const { customer } = map(presets.okta, user, [{ id: 'g1', displayName: 'Everyone' }]);
  assert.equal(customer.firstName, 'Isaac');
  assert.equal(customer.lastName, 'Brock');
  assert.equal(customer.email, 'isaac.brock@example.com');
  assert.equal(customer.phone, '+14155551234', 'mobile before work');
  assert.equal(customer.locale, 'en-US');
  assert.deepEqual(customer.defaultAddress, {
    address1: '100 Main St',
    city: 'San Francisco',
    province: 'CA',
    zip: '94105',
    countryCode: 'US',
  });
  assert.deepEqual(customer.tags, ['scim-provisioned', 'group:Everyone']);
  assert.equal(mf(customer, 'department'), 'Engineering');
  assert.equal(mf(customer, 'employee_number'), '1234');
  assert.equal(mf(customer, 'cost_center'), 'R&D');
  assert.equal(mf(customer, 'job_title'), 'Engineer');
  assert.equal(mf(customer, 'scim_id'), 'scim-okta-1');
});

test('Okta: a deactivated user keeps its data and gains the deactivation tag', () => {
  const { customer } = map(presets.okta, {
    id: 'x',
    userName: 'a@example.com',
    name: { givenName: 'A' },
    emails: [{ value: 'a@example.com', primary: true }],
    active: false,
  });
  assert.deepEqual(customer.tags, ['scim-provisioned', 'scim-deactivated']);
});

const entraUser = {
  schemas: SCHEMAS,
  id: 'scim-entra-1',
  externalId: 'jdoe',
  userName: 'jdoe@contoso.onmicrosoft.com',
  active: true,
  displayName: 'Jane Doe',
  title: 'Sales Manager',
  preferredLanguage: 'en-GB',
  name: { formatted: 'Jane Doe', familyName: 'Doe', givenName: 'Jane' },
  emails: [{ primary: true, type: 'work', value: 'jane.doe@contoso.com' }],
  phoneNumbers: [
    { type: 'work', value: '+44 20 7946 0018' },
    { type: 'mobile', value: '07700 900123' },
  ],
  addresses: [{ type: 'work', streetAddress: '2 Kingdom St', locality: 'London', postalCode: 'W2 6BD', country: 'United Kingdom' }],
  [ENT]: { employeeNumber: 'E-77', department: 'Sales', manager: 'f2b2c3d4' },
};

test('Entra ID: work email, mobile phone in E.164, preferredLanguage as locale, country as a name', () => {
  const { customer } = map(withCountry('entra', 'GB'), entraUser, [{ id: 'g1', displayName: 'UK Sales' }]);
  assert.equal(customer.email, 'jane.doe@contoso.com');
  assert.equal(customer.phone, '+447700900123', 'the mobile number, read as a UK number');
  assert.equal(customer.locale, 'en-GB');
  assert.deepEqual(customer.defaultAddress, { address1: '2 Kingdom St', city: 'London', zip: 'W2 6BD', countryCode: 'GB' });
  assert.equal(mf(customer, 'department'), 'Sales');
  assert.equal(mf(customer, 'employee_number'), 'E-77');
  assert.deepEqual(customer.tags, ['scim-provisioned', 'group:UK Sales']);
});

test('Entra ID: the UPN is never used as the email', () => {
  const { customer } = map(withCountry('entra', 'GB'), { ...entraUser, emails: [] });
  assert.equal(customer.email, undefined);
  assert.equal(customer.firstName, 'Jane');
});

test('OneLogin: untyped address and the enterprise division', () => {
  const user = {
    schemas: SCHEMAS,
    id: 'scim-ol-1',
    userName: 'sam@acme.example',
    name: { familyName: 'Smith', givenName: 'Sam' },
    emails: [{ value: 'sam@acme.example', type: 'work', primary: true }],
    title: 'Buyer',
    addresses: [{ locality: 'Austin', region: 'TX', country: 'us' }],
    [ENT]: { organization: 'Acme', division: 'Retail', department: 'Purchasing', manager: { value: 'm-1', displayName: 'Max Boss' } },
  };
  const { customer } = map(presets.onelogin, user);
  assert.equal(customer.email, 'sam@acme.example');
  assert.equal(customer.phone, undefined);
  assert.deepEqual(customer.defaultAddress, { city: 'Austin', province: 'TX', countryCode: 'US' });
  assert.equal(mf(customer, 'division'), 'Retail');
  assert.equal(mf(customer, 'department'), 'Purchasing');
});

test('JumpCloud: two-line street address and an Australian mobile', () => {
  const user = {
    schemas: SCHEMAS,
    id: 'scim-jc-1',
    userName: 'lee@corp.example',
    displayName: 'Lee Chan',
    name: { givenName: 'Lee', familyName: 'Chan' },
    emails: [{ value: 'lee@corp.example', type: 'work', primary: true }],
    phoneNumbers: [
      { value: '+61 2 9374 4000', type: 'work' },
      { value: '0412 345 678', type: 'mobile' },
    ],
    addresses: [
      { type: 'work', streetAddress: 'Level 5\n1 George St', locality: 'Sydney', region: 'NSW', postalCode: '2000', country: 'AU' },
    ],
    title: 'Store Lead',
    [ENT]: { employeeNumber: 'JC-9', department: 'Retail', costCenter: '400' },
  };
  const { customer } = map(withCountry('jumpcloud', 'AU'), user, [{ id: 'g9', displayName: 'Retail Leads' }]);
  assert.equal(customer.phone, '+61412345678');
  assert.deepEqual(customer.defaultAddress, {
    address1: 'Level 5',
    address2: '1 George St',
    city: 'Sydney',
    province: 'NSW',
    zip: '2000',
    countryCode: 'AU',
  });
  assert.equal(mf(customer, 'cost_center'), '400');
  assert.deepEqual(customer.tags, ['scim-provisioned', 'group:Retail Leads']);
});

test('Google Workspace: the minimal profile Google sends is enough, and suspension tags the customer', () => {
  const user = {
    schemas: SCHEMAS,
    id: 'scim-g-1',
    userName: 'mia@school.example',
    name: { givenName: 'Mia', familyName: 'Rossi' },
    emails: [{ value: 'mia@school.example', type: 'work', primary: true }],
    displayName: 'Mia Rossi',
    active: true,
  };
  const r = map(presets.google, user);
  assert.deepEqual(
    {
      first: r.customer.firstName,
      last: r.customer.lastName,
      email: r.customer.email,
      phone: r.customer.phone,
      address: r.customer.defaultAddress,
    },
    { first: 'Mia', last: 'Rossi', email: 'mia@school.example', phone: undefined, address: undefined },
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(map(presets.google, { ...user, active: false }).customer.tags, ['scim-provisioned', 'scim-deactivated']);
  assert.equal(
    map(presets.google, { ...user, emails: undefined }).customer.email,
    'mia@school.example',
    'userName stands in for a missing email',
  );
});

test('custom app: a sign-up with a national phone is refused so the site can tell the person', () => {
  const signup = {
    id: 'scim-app-1',
    userName: 'noor@mail.example',
    name: { givenName: 'Noor', familyName: 'Haddad' },
    emails: [{ value: 'noor@mail.example', primary: true }],
    phoneNumbers: [{ value: '+971 50 123 4567' }],
    locale: 'ar_AE',
    addresses: [{ streetAddress: 'Sheikh Zayed Rd', locality: 'Dubai', country: 'AE' }],
  };
  const { customer } = map(presets.custom, signup);
  assert.equal(customer.phone, '+971501234567');
  assert.equal(customer.locale, 'ar-AE');
  assert.deepEqual(customer.tags, ['scim-app']);
  const bad = mapToShopify({ ...signup, phoneNumbers: [{ value: '050 123' }] }, [], presets.custom);
  assert.ok(!bad.ok && bad.problems[0].ruleId === 'phone' && bad.problems[0].code === 'invalidPhone', JSON.stringify(bad));
});

test('every preset reads back its own write as unchanged (no echo), and maps a real edit back', () => {
  for (const name of PRESET_NAMES) {
    const mapping = withCountry(name, 'GB');
    const { customer } = map(mapping, entraUser);
    const echo = mapFromShopify(asShopify(customer), mapping, { user: entraUser });
    assert.deepEqual(echo.patch, {}, `${name}: ${JSON.stringify(echo.trace.filter((t) => t.outcome === 'applied'))}`);
    const edited = mapFromShopify({ ...asShopify(customer), firstName: 'Janet' }, mapping, { user: entraUser });
    assert.deepEqual(edited.patch, { 'name.givenName': 'Janet' }, name);
  }
});
