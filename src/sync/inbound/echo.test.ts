import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../../mapping/presets.js';
import type { ResourceRecord } from '../../store/resources.js';
import { agreesWithUser, controlledFields, isEcho } from './echo.js';
import { userDataFromCustomer, userNameFor } from './customer-user.js';
import { tenantUserType } from '../../scim/tenant-schemas.js';

const mapping = getPreset('default')!;
const user = (data: Record<string, unknown>): ResourceRecord => ({
  id: 'u1',
  data,
  createdAt: '',
  updatedAt: '',
  version: 3,
  createdBy: null,
});
const ada = user({
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'Ada@Example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '+1 (415) 555-0100', type: 'mobile', primary: true }],
});

test('the default mapping controls names, email, phone, locale and the work address', () => {
  const c = controlledFields(mapping);
  assert.deepEqual([...c.fields].sort(), ['email', 'firstName', 'lastName', 'locale', 'phone']);
  assert.ok(c.address.has('city') && c.address.has('countryCode'));
  assert.equal(c.consent.size, 0);
});

test('our own write coming back is an echo, even where Shopify normalised the value', () => {
  const payload = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+14155550100',
    note: null,
    defaultAddress: null,
  };
  assert.equal(isEcho(payload, ada, mapping), true);
});

test('a changed field, or a value Shopify has where the user has none, is not an echo', () => {
  assert.equal(
    isEcho({ firstName: 'Augusta', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100' }, ada, mapping),
    false,
  );
  const noPhone = user({
    userName: 'ada@example.com',
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: 'ada@example.com' }],
  });
  assert.equal(
    isEcho({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100' }, noPhone, mapping),
    false,
  );
  assert.equal(isEcho({}, ada, mapping), false, 'nothing to compare is never taken for an echo');
});

test("a customer agrees with its user when only Shopify's own values differ (its default locale)", () => {
  const read = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+14155550100',
    locale: 'en',
    defaultAddress: null,
  };
  assert.equal(isEcho(read, ada, mapping), false);
  assert.equal(agreesWithUser(read, ada, mapping), true);
  assert.equal(agreesWithUser({ ...read, lastName: 'Byron' }, ada, mapping), false);
});

test('a user made from a customer takes its names, email and phone through the reverse mapping', () => {
  const view = { firstName: 'Dorothy', lastName: 'Vaughan', email: 'dorothy@example.com', phone: '+14155550142', locale: 'en' };
  const data = userDataFromCustomer(view, mapping, userNameFor(view, 'gid://shopify/Customer/5'), tenantUserType({}));
  assert.equal(data.userName, 'dorothy@example.com');
  assert.deepEqual(data.name, { givenName: 'Dorothy', familyName: 'Vaughan' });
  assert.equal((data.emails as { value: string }[])[0]!.value, 'dorothy@example.com');
  assert.equal((data.phoneNumbers as { value: string }[])[0]!.value, '+14155550142');
  assert.equal(data.active, true);
  assert.equal(data.displayName, 'Dorothy Vaughan');
  assert.equal(userNameFor({ phone: '+14155550142' }, 'gid://shopify/Customer/5'), '+14155550142');
  assert.equal(userNameFor({}, 'gid://shopify/Customer/5'), 'shopify-5');
});

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const acmeSettings = {
  schemas: [
    {
      id: ACME,
      name: 'Acme',
      attributes: [
        { name: 'storeNote', type: 'string' },
        { name: 'smsOptIn', type: 'boolean' },
      ],
    },
  ],
};
const withReverse = structuredClone(mapping);
withReverse.rules.push(
  {
    id: 'store-note',
    source: `${ACME}:storeNote`,
    target: { kind: 'field', field: 'note' },
    transforms: [],
    direction: 'toScim',
    onInvalid: 'reject',
  },
  {
    id: 'sms',
    source: `${ACME}:smsOptIn`,
    target: { kind: 'smsMarketingConsent' },
    transforms: [],
    direction: 'both',
    onInvalid: 'reject',
  },
);
const schemas = tenantUserType(acmeSettings).schemas;
const echo = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100' };

test('a value in a field only mapped back, or a consent that differs, is not an echo', () => {
  assert.equal(isEcho({ ...echo, note: null }, ada, withReverse, null, schemas), true);
  assert.equal(
    isEcho({ ...echo, note: 'Prefers pickup' }, ada, withReverse, null, schemas),
    false,
    'a staff note is for the reverse mapping',
  );
  const optedIn = user({ ...ada.data, [ACME]: { smsOptIn: true } });
  assert.equal(isEcho({ ...echo, smsMarketingConsent: { marketingState: 'SUBSCRIBED' } }, optedIn, withReverse, null, schemas), true);
  assert.equal(isEcho({ ...echo, smsMarketingConsent: { marketingState: 'UNSUBSCRIBED' } }, optedIn, withReverse, null, schemas), false);
  assert.equal(
    agreesWithUser(
      { ...echo, note: 'Prefers pickup', smsMarketingConsent: { marketingState: 'NEVER_SUBSCRIBED' } },
      ada,
      withReverse,
      null,
      schemas,
    ),
    true,
    'what the user maps to nothing is left to Shopify',
  );
});

test("a user made from a customer keeps the attributes of the tenant's extension schemas", () => {
  const view = {
    firstName: 'Hedy',
    lastName: 'Lamarr',
    email: 'hedy@example.com',
    phone: '+14155550143',
    note: 'Frequency hopping',
    smsMarketingConsent: { marketingState: 'SUBSCRIBED' },
  };
  const data = userDataFromCustomer(view, withReverse, 'hedy@example.com', tenantUserType(acmeSettings));
  assert.deepEqual(data[ACME], { storeNote: 'Frequency hopping', smsOptIn: true });
  assert.ok((data.schemas as string[]).includes(ACME), JSON.stringify(data.schemas));
  const core = userDataFromCustomer(view, withReverse, 'hedy@example.com', tenantUserType({}));
  assert.equal(core[ACME], undefined, 'without the declared schema there is no such attribute');
  assert.equal(core.displayName, 'Hedy Lamarr');
});
