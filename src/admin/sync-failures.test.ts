import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPreset } from '../mapping/index.js';
import { fixFor } from './sync-failures.js';

const mapping = getPreset('default')!;

test('each refusal of a value points at the rules writing the field and the SCIM attributes they read', () => {
  const cases: [string, string, string[]][] = [
    ['EMAIL_INVALID', 'email', ['emails.value']],
    ['EMAIL_TAKEN', 'email', ['emails.value']],
    ['PHONE_INVALID', 'phone', ['phoneNumbers[primary eq true].value']],
    ['PHONE_TAKEN', 'phone', ['phoneNumbers[primary eq true].value']],
  ];
  for (const [code, field, attributes] of cases) {
    const f = fixFor(code, 'Shopify refused it', mapping);
    assert.equal(f.where, 'attribute', code);
    assert.equal(f.field, field, code);
    assert.deepEqual(f.attributes, attributes, code);
    assert.ok(
      f.rules.every((r) => r.target === field),
      code,
    );
    assert.ok(
      attributes.every((a) => f.hint.includes(a)),
      `${code}: the hint names the attribute: ${f.hint}`,
    );
  }
});

test('a user Shopify cannot take for want of identity is sent to the name, e-mail and phone attributes', () => {
  const f = fixFor('CUSTOMER_NEEDS_IDENTITY', 'A customer must have a name, phone number or email address', mapping);
  assert.equal(f.where, 'attribute');
  assert.deepEqual(f.rules.map((r) => r.id).sort(), ['email', 'first-name', 'last-name', 'phone']);
  assert.match(f.hint, /name, an e-mail address or a phone number/);
});

test('a mapping refusal names the rule of its reason, and a taken e-mail under adoption off points at the policies', () => {
  const f = fixFor('INVALID_VALUE', 'rule "locale" (locale -> locale): not a locale', mapping);
  assert.deepEqual([f.where, f.field, f.rules.map((r) => r.id), f.attributes], ['attribute', 'locale', ['locale'], ['locale']]);
  const email = fixFor('EMAIL_INVALID', 'rule "email" (emails.value -> email): the value has no @', mapping);
  assert.deepEqual(
    email.rules.map((r) => r.id),
    ['email'],
  );
  const adopt = fixFor('EMAIL_TAKEN', 'Email has already been taken (this tenant does not adopt existing customers)', mapping);
  assert.equal(adopt.where, 'policies');
  assert.match(adopt.hint, /adoption/);
});

test('failures that are not about a value send the admin to the mapping, the policies, the shop, or a retry', () => {
  const where = (code: string, reason = '') => fixFor(code, reason, mapping).where;
  assert.equal(where('INVALID_INPUT'), 'mapping');
  assert.equal(where('CUSTOM_ID_TAKEN'), 'mapping');
  assert.equal(where('DEFINITION_MISMATCH'), 'mapping');
  assert.equal(where('SETTINGS_INVALID', 'invalid mapping: rules.0.source must be a path'), 'mapping');
  assert.equal(where('SETTINGS_INVALID', 'invalid policies: deprovision must be one of tag, delete, erase'), 'policies');
  for (const code of ['UNAUTHORIZED', 'MISSING_SCOPE', 'FORBIDDEN', 'SHOP_UNAVAILABLE', 'TOKEN_REQUEST_FAILED'])
    assert.equal(where(code), 'shop', code);
  for (const code of ['HTTP_5XX', 'TIMEOUT', 'NETWORK', 'THROTTLED', 'INTERNAL']) assert.equal(where(code), 'retry', code);
  assert.equal(where(''), 'retry');
  for (const code of ['INVALID_INPUT', 'SETTINGS_INVALID', 'HTTP_5XX', 'UNAUTHORIZED'])
    assert.ok(fixFor(code, null, mapping).hint.length > 20, code);
});

test('without a readable mapping the refused field is still named, with a hint to map it', () => {
  const f = fixFor('EMAIL_INVALID', null, undefined);
  assert.deepEqual([f.where, f.field, f.rules], ['mapping', 'email', []]);
  assert.match(f.hint, /No rule of the mapping writes the customer's email/);
});
