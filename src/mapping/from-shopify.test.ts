import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, type SchemaDef } from '../scim/schemas.js';
import { mappingDocumentSchema, type MappingDocument, type RuleInput } from './document.js';
import { mapFromShopify, patchOperations } from './from-shopify.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const doc = (rules: RuleInput[], defaultCountry?: string): MappingDocument =>
  mappingDocumentSchema.parse({ version: 1, rules, ...(defaultCountry ? { defaultCountry } : {}) });

const both = (id: string, source: string, target: RuleInput['target'], transforms: RuleInput['transforms'] = []): RuleInput => ({
  id,
  source,
  target,
  transforms,
  direction: 'both',
});

const user = {
  id: 'u1',
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'Ada@Example.com', type: 'work', primary: true }],
  phoneNumbers: [{ value: '(415) 555-0100', type: 'mobile' }],
  [ENT]: { department: 'Sales' },
};

test('simple field rules map a Shopify customer back to SCIM paths', () => {
  const m = doc([
    both('first', 'name.givenName', { kind: 'field', field: 'firstName' }, [{ op: 'trim' }]),
    both('mail', 'emails[type eq "work"].value', { kind: 'field', field: 'email' }),
  ]);
  const r = mapFromShopify({ firstName: 'Ada', email: 'ada@new.example' }, m);
  assert.deepEqual(r.patch, { 'name.givenName': 'Ada', 'emails[type eq "work"].value': 'ada@new.example' });
  assert.deepEqual(
    r.fired.map((t) => t.ruleId),
    ['first', 'mail'],
  );
  assert.deepEqual(r.fired[0].steps, ['trim: passed through unchanged']);
});

test('rules that only go to Shopify, tag rules and template rules are not mapped back, and the trace says why', () => {
  const m = doc([
    { id: 'one-way', source: 'name.familyName', target: { kind: 'field', field: 'lastName' } },
    both('tags', `${ENT}:department`, { kind: 'tag' }),
    both('full', 'displayName', { kind: 'field', field: 'note' }, [{ op: 'template', template: '{name.givenName} {name.familyName}' }]),
  ]);
  const r = mapFromShopify({ lastName: 'Byron', note: 'x', tags: ['Sales'] }, m);
  assert.deepEqual(r.patch, {});
  assert.deepEqual(
    r.trace.map((t) => t.reason),
    [
      'direction is toShopify',
      'tags are not mapped back to attributes',
      'template: a template combines several attributes and cannot be undone',
    ],
  );
  assert.equal(r.problems[0].code, 'notInvertible');
});

test('fields the customer view does not carry are skipped, emptied ones remove the attribute', () => {
  const m = doc([
    both('first', 'name.givenName', { kind: 'field', field: 'firstName' }),
    both('phone', 'phoneNumbers[type eq "mobile"].value', { kind: 'field', field: 'phone' }),
  ]);
  const r = mapFromShopify({ phone: null }, m);
  assert.deepEqual(r.patch, { 'phoneNumbers[type eq "mobile"].value': null });
  assert.deepEqual(patchOperations(r.patch), [{ op: 'remove', path: 'phoneNumbers[type eq "mobile"].value' }]);
  assert.equal(r.trace[0].reason, 'the customer data does not include this field');
});

test('with the stored user, values the mapping would send anyway are not written back (no echo)', () => {
  const m = doc(
    [
      both('first', 'name.givenName', { kind: 'field', field: 'firstName' }),
      both('mail', 'emails.value', { kind: 'field', field: 'email' }),
      both('phone', 'phoneNumbers.value', { kind: 'field', field: 'phone' }),
    ],
    'US',
  );
  const r = mapFromShopify({ firstName: 'Ada', email: 'ada@example.com', phone: '+14155550100' }, m, { user });
  assert.deepEqual(r.patch, {}, 'case of the email and the phone format do not count as changes');
  assert.deepEqual(
    r.trace.map((t) => t.reason),
    ['unchanged', 'unchanged', 'unchanged'],
  );
  const changed = mapFromShopify({ firstName: 'Augusta', phone: '+14155550199' }, m, { user });
  assert.deepEqual(
    changed.patch,
    { 'name.givenName': 'Augusta', 'phoneNumbers[type eq "mobile"].value': '+14155550199' },
    'pinned to the element read',
  );
});

test('a value that came from a fallback path is written back to that path', () => {
  const m = doc([
    both('phone', 'phoneNumbers[primary eq true].value', { kind: 'field', field: 'phone' }, [
      { op: 'default', source: 'phoneNumbers[type eq "mobile"].value' },
    ]),
    both('mail', 'emails[type eq "home"].value', { kind: 'field', field: 'email' }, [
      { op: 'default', source: 'userName', format: 'email' },
    ]),
  ]);
  const r = mapFromShopify({ phone: '+14155550199', email: 'ada@new.example' }, m, { user });
  assert.deepEqual(
    r.patch,
    {
      'phoneNumbers[type eq "mobile"].value': '+14155550199',
      'emails[type eq "home"].value': 'ada@new.example',
    },
    'userName, borrowed as an email, is never rewritten',
  );
});

test('valueMap, prefix and metafield types are undone into the SCIM attribute', () => {
  const m = doc([
    both('dept', `${ENT}:department`, { kind: 'metafield', namespace: 'scim', key: 'segment', type: 'single_line_text_field' }, [
      { op: 'valueMap', map: { Sales: 'wholesale', Support: 'service' } },
      { op: 'prefix', value: 'seg-' },
    ]),
    both('cost', `${ENT}:costCenter`, { kind: 'metafield', namespace: 'scim', key: 'cost', type: 'number_integer' }),
  ]);
  const r = mapFromShopify(
    {
      metafields: [
        { namespace: 'scim', key: 'segment', value: 'seg-service' },
        { namespace: 'scim', key: 'cost', value: '12' },
      ],
    },
    m,
  );
  assert.deepEqual(r.patch, { [`${ENT}:department`]: 'Support', [`${ENT}:costCenter`]: '12' }, 'costCenter is a string attribute');
});

test('conditional rules map back only when the stored user meets the condition', () => {
  const m = doc([{ ...both('note', 'title', { kind: 'field', field: 'note' }), when: `${ENT}:department eq "Sales"` }]);
  assert.deepEqual(mapFromShopify({ note: 'Lead' }, m).patch, {}, 'no user: the condition cannot be evaluated');
  assert.deepEqual(mapFromShopify({ note: 'Lead' }, m, { user }).patch, { title: 'Lead' });
  assert.deepEqual(mapFromShopify({ note: 'Lead' }, m, { user: { ...user, [ENT]: { department: 'Legal' } } }).patch, {});
});

test('two rules that write the same attribute: the first wins', () => {
  const m = doc([
    both('a', 'name.givenName', { kind: 'field', field: 'firstName' }),
    both('b', 'name.givenName', { kind: 'address', field: 'firstName' }),
  ]);
  const r = mapFromShopify({ firstName: 'Ada', defaultAddress: { firstName: 'Other' } }, m);
  assert.deepEqual(r.patch, { 'name.givenName': 'Ada' });
  assert.match(r.trace[1].reason ?? '', /already written by rule "a"/);
});

test('consent maps back as the boolean of a tenant extension attribute', () => {
  const acme: SchemaDef = {
    id: 'urn:acme:params:scim:schemas:extension:acme:2.0:User',
    name: 'Acme',
    description: '',
    attributes: [attr('newsletter', 'boolean')],
  };
  const m = doc([both('news', `${acme.id}:newsletter`, { kind: 'emailMarketingConsent' })]);
  const view = (marketingState: string) => ({ emailMarketingConsent: { marketingState } });
  assert.deepEqual(mapFromShopify(view('SUBSCRIBED'), m, { schemas: [acme] }).patch, { [`${acme.id}:newsletter`]: true });
  assert.deepEqual(mapFromShopify(view('UNSUBSCRIBED'), m, { schemas: [acme] }).patch, { [`${acme.id}:newsletter`]: false });
  const stored = { ...user, [acme.id]: { newsletter: true } };
  assert.deepEqual(mapFromShopify(view('SUBSCRIBED'), m, { schemas: [acme], user: stored }).patch, {}, 'unchanged');
});

test("SMS consent maps back like email consent, in the GraphQL states and the webhook's", () => {
  const mkt: SchemaDef = {
    id: 'urn:acme:params:scim:schemas:extension:mkt:2.0:User',
    name: 'Mkt',
    description: '',
    attributes: [attr('smsOptIn', 'boolean')],
  };
  const m = doc([both('sms', `${mkt.id}:smsOptIn`, { kind: 'smsMarketingConsent', optInLevel: 'SINGLE_OPT_IN' })]);
  const back = (marketingState: string, stored?: Record<string, unknown>) =>
    mapFromShopify({ smsMarketingConsent: { marketingState } }, m, { schemas: [mkt], ...(stored ? { user: stored } : {}) }).patch;
  const path = `${mkt.id}:smsOptIn`;
  assert.deepEqual(back('SUBSCRIBED'), { [path]: true });
  assert.deepEqual(back('UNSUBSCRIBED'), { [path]: false });
  assert.deepEqual(back('NEVER_SUBSCRIBED'), { [path]: false }, 'CustomerMarketingConsentState of the phone number (2026-10)');
  assert.deepEqual(back('NOT_SUBSCRIBED'), { [path]: false }, 'the REST and older enums');
  assert.deepEqual(back('PENDING'), {}, 'a pending double opt-in is not a yes or a no');
  assert.deepEqual(back('SUBSCRIBED', { ...user, [mkt.id]: { smsOptIn: true } }), {}, 'the value the mapping sends anyway is unchanged');
  assert.deepEqual(back('UNSUBSCRIBED', { ...user, [mkt.id]: { smsOptIn: true } }), { [path]: false });
});
