import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../../mapping/presets.js';
import type { ResourceRecord } from '../../store/resources.js';
import { agreesWithUser, controlledFields, isEcho } from './echo.js';
import { userDataFromCustomer, userNameFor } from './customer-user.js';

const mapping = getPreset('default')!;
const user = (data: Record<string, unknown>): ResourceRecord => ({ id: 'u1', data, createdAt: '', updatedAt: '', version: 3, createdBy: null });
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
});

test('our own write coming back is an echo, even where Shopify normalised the value', () => {
  const payload = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100', note: null, defaultAddress: null };
  assert.equal(isEcho(payload, ada, mapping), true);
});

test('a changed field, or a value Shopify has where the user has none, is not an echo', () => {
  assert.equal(isEcho({ firstName: 'Augusta', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100' }, ada, mapping), false);
  const noPhone = user({ userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: 'ada@example.com' }] });
  assert.equal(isEcho({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100' }, noPhone, mapping), false);
  assert.equal(isEcho({}, ada, mapping), false, 'nothing to compare is never taken for an echo');
});

test("a customer agrees with its user when only Shopify's own values differ (its default locale)", () => {
  const read = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+14155550100', locale: 'en', defaultAddress: null };
  assert.equal(isEcho(read, ada, mapping), false);
  assert.equal(agreesWithUser(read, ada, mapping), true);
  assert.equal(agreesWithUser({ ...read, lastName: 'Byron' }, ada, mapping), false);
});

test('a user made from a customer takes its names, email and phone through the reverse mapping', () => {
  const view = { firstName: 'Dorothy', lastName: 'Vaughan', email: 'dorothy@example.com', phone: '+14155550142', locale: 'en' };
  const data = userDataFromCustomer(view, mapping, userNameFor(view, 'gid://shopify/Customer/5'));
  assert.equal(data.userName, 'dorothy@example.com');
  assert.deepEqual(data.name, { givenName: 'Dorothy', familyName: 'Vaughan' });
  assert.equal((data.emails as { value: string }[])[0]!.value, 'dorothy@example.com');
  assert.equal((data.phoneNumbers as { value: string }[])[0]!.value, '+14155550142');
  assert.equal(data.active, true);
  assert.equal(data.displayName, 'Dorothy Vaughan');
  assert.equal(userNameFor({ phone: '+14155550142' }, 'gid://shopify/Customer/5'), '+14155550142');
  assert.equal(userNameFor({}, 'gid://shopify/Customer/5'), 'shopify-5');
});
