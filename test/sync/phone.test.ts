// Phone numbers from a SCIM client to the Shopify customer: national forms read with the mapping's default country,
// international ones as written, both stored in E.164; a number in no assigned range refused by the mapping when
// it can tell (before anything is stored or sent) and by Shopify when it arrives already in E.164 form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../../src/mapping/index.js';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';

let s: Stack;
before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.close();
});

/** The sign-up preset (a phone Shopify would refuse is an error) reading national numbers as British. */
const british = () => ({ ...structuredClone(getPreset('custom')!), defaultCountry: 'GB' });

const withPhone = (userName: string, value: string) => oktaUser(userName, { phoneNumbers: [{ value, type: 'mobile' }] });

const userCount = async () =>
  Number(
    (
      await s.store.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('national numbers are read in the default country and international ones as written; the customer gets E.164', async () => {
  await s.setSettings({ mapping: british() });
  try {
    const cases: [string, string][] = [
      ['020 7946 0018', '+442079460018'],
      ['07700 900123', '+447700900123'],
      ['+49 (0)30 901820', '+4930901820'],
      ['0033 1 42 68 53 00', '+33142685300'],
      ['+81 90-1234-5678', '+819012345678'],
      ['＋１ ２１２ ５５５ ０１４３', '+12125550143'],
    ];
    for (const [i, [value, e164]] of cases.entries()) {
      const r = await s.req('POST', '/Users', withPhone(`national${i}@example.com`, value));
      assert.equal(r.status, 201, r.dump);
      assert.equal(r.body[SHOPIFY_EXT].syncState, 'synced', r.dump);
      assert.equal(s.emu.control.customer(r.body[SHOPIFY_EXT].customerId)!.phone, e164, value);
    }
  } finally {
    await s.setSettings({ mapping: null });
  }
});

test('under onShopifyRefusal reject, a number the mapping can tell is invalid is a 400 naming why; nothing is stored or sent', async () => {
  await s.setSettings({ mapping: british(), policies: { onShopifyRefusal: 'reject' } });
  try {
    const cases: [string, RegExp][] = [
      ['(212) 555-0143', /\+44/], // a New York number, but read as British
      ['+44 20', /2 digits after the country code \+44, where 7, 9 or 10 are possible/],
      ['+1 999 555 0100', /area code 999/],
      ['+55 11 1234-5678', /not a valid number of \+55/],
      ['+44 20 7946 0018 ext. 5', /extension/],
    ];
    for (const [i, [value, why]] of cases.entries()) {
      const requests = s.emu.control.counters().requests;
      const users = await userCount();
      const r = await s.req('POST', '/Users', withPhone(`refused${i}@example.com`, value));
      assert.equal(r.status, 400, r.dump);
      assert.equal(r.body.scimType, 'invalidValue', r.dump);
      assert.match(r.body.detail, why, r.dump);
      assert.equal(await userCount(), users, value);
      assert.equal(s.emu.control.counters().requests, requests, `Shopify was not called for ${value}`);
    }
  } finally {
    await s.setSettings({ mapping: null, policies: {} });
  }
});

test('by default such a user is kept, failed with PHONE_INVALID and the reason, and no customer is made', async () => {
  await s.setSettings({ mapping: british() });
  try {
    const r = await s.req('POST', '/Users', withPhone('kept@example.com', '(212) 555-0143'));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
    assert.equal(r.body[SHOPIFY_EXT].syncErrorCode, 'PHONE_INVALID', r.dump);
    assert.match(r.body[SHOPIFY_EXT].syncError, /rule "phone".*not a valid number of \+44 \(GB\)/, r.dump);
    assert.equal(s.emu.control.customers().filter((c) => c.email === 'kept@example.com').length, 0);
  } finally {
    await s.setSettings({ mapping: null });
  }
});

test('a number in E.164 form but in no assigned range reaches Shopify, which refuses it: the user is failed with PHONE_INVALID', async () => {
  const r = await s.req(
    'POST',
    '/Users',
    oktaUser('unassigned@example.com', { phoneNumbers: [{ value: '+19995550100', type: 'mobile', primary: true }] }),
  );
  assert.equal(r.status, 201, r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncState, 'failed', r.dump);
  assert.equal(r.body[SHOPIFY_EXT].syncErrorCode, 'PHONE_INVALID', r.dump);
  assert.match(r.body[SHOPIFY_EXT].syncError, /Phone is invalid/, r.dump);
  assert.equal(s.emu.control.customers().filter((c) => c.email === 'unassigned@example.com').length, 0);
});
