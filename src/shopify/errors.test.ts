import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShopifyError, fromUserErrors, redact, shopifyErrors } from './errors.js';

const cases: [string, Parameters<typeof fromUserErrors>[0], string, string][] = [
  ['customerCreate email taken', [{ field: ['email'], message: 'Email has already been taken' }], 'EMAIL_TAKEN', 'conflict'],
  ['customerCreate phone taken', [{ field: ['phone'], message: 'Phone has already been taken' }], 'PHONE_TAKEN', 'conflict'],
  ['customerCreate invalid phone', [{ field: ['phone'], message: 'Phone is invalid' }], 'PHONE_INVALID', 'invalid'],
  ['customerCreate invalid email', [{ field: ['email'], message: 'Email is invalid' }], 'EMAIL_INVALID', 'invalid'],
  [
    'customerCreate without identity',
    [{ field: null, message: 'Customer must have a name, phone number or email address' }],
    'CUSTOMER_NEEDS_IDENTITY',
    'invalid',
  ],
  [
    'customerDelete with orders',
    [{ field: ['id'], message: 'Customer can’t be deleted because they have associated orders' }],
    'CUSTOMER_HAS_ORDERS',
    'conflict',
  ],
  ['customerDelete of a gone customer', [{ field: ['id'], message: 'Customer does not exist' }], 'NOT_FOUND', 'notFound'],
  ['customerUpdate of a gone customer', [{ field: ['id'], message: "Customer can't be found" }], 'NOT_FOUND', 'notFound'],
  [
    'customerSet TAKEN on email',
    [{ code: 'TAKEN', field: ['input', 'email'], message: 'Email has already been taken' }],
    'EMAIL_TAKEN',
    'conflict',
  ],
  [
    'customerSet TAKEN on phone',
    [{ code: 'TAKEN', field: ['input', 'phone'], message: 'Phone has already been taken' }],
    'PHONE_TAKEN',
    'conflict',
  ],
  ['customerSet INVALID phone', [{ code: 'INVALID', field: ['input', 'phone'], message: 'Phone is invalid' }], 'PHONE_INVALID', 'invalid'],
  [
    'customerSet NOT_FOUND',
    [{ code: 'NOT_FOUND', field: ['identifier', 'id'], message: 'Resource matching the identifier was not found.' }],
    'NOT_FOUND',
    'notFound',
  ],
  [
    'customerSet custom id taken',
    [{ code: 'TAKEN', field: ['identifier', 'customId'], message: 'Value is taken' }],
    'CUSTOM_ID_TAKEN',
    'conflict',
  ],
  [
    'customerSet INPUT_MISMATCH',
    [{ code: 'INPUT_MISMATCH', field: ['input', 'email'], message: 'The identifier value does not match' }],
    'INVALID_INPUT',
    'invalid',
  ],
  [
    'erasure of an unknown customer',
    [{ code: 'DOES_NOT_EXIST', field: ['customerId'], message: 'Customer does not exist.' }],
    'NOT_FOUND',
    'notFound',
  ],
  ['an unknown message', [{ field: ['note'], message: 'Note is too long' }], 'INVALID_INPUT', 'invalid'],
  [
    'an address of an unknown country',
    [{ field: ['address', 'country'], message: 'Country is not a valid country' }],
    'INVALID_INPUT',
    'invalid',
  ],
  [
    'an address in no zone of its country',
    [{ field: ['addresses', '0', 'province'], message: 'Province is not a valid province in Canada' }],
    'INVALID_INPUT',
    'invalid',
  ],
  ['an address id that is gone', [{ field: ['addressId'], message: 'Address does not exist' }], 'NOT_FOUND', 'notFound'],
];

for (const [name, userErrors, code, kind] of cases) {
  test(`${name} maps to ${code} (${kind})`, () => {
    const e = fromUserErrors(userErrors);
    assert.ok(e instanceof ShopifyError);
    assert.equal(e.code, code, e.message);
    assert.equal(e.kind, kind);
    assert.equal(e.retryable, false);
    assert.deepEqual(e.field, userErrors[0].field ?? undefined);
  });
}

test('a gone address is named as an address, not as the customer', () => {
  assert.equal(fromUserErrors([{ field: ['addressId'], message: 'Address does not exist' }]).message, 'The address was not found');
  assert.equal(fromUserErrors([{ field: ['customerId'], message: 'Customer does not exist' }]).message, 'The customer was not found');
});

test('the most specific of several userErrors wins', () => {
  const e = fromUserErrors([
    { field: ['note'], message: 'Note is too long' },
    { field: ['email'], message: 'Email has already been taken' },
  ]);
  assert.equal(e.code, 'EMAIL_TAKEN');
});

test('messages of unknown userErrors lose email addresses, phone numbers and quoted values', () => {
  const e = fromUserErrors([{ field: ['x'], message: 'Value "Ada Lovelace" for ada@example.com or +44 20 7946 0958 is odd' }]);
  assert.doesNotMatch(e.message, /Ada|ada@example\.com|7946/);
  assert.equal(redact('nothing personal'), 'nothing personal');
});

test('transport failures are retryable and input failures are not', () => {
  for (const e of [
    shopifyErrors.throttled(10),
    shopifyErrors.timeout(5),
    shopifyErrors.http5xx(502),
    shopifyErrors.network('ECONNRESET'),
    shopifyErrors.rateLimited(1000),
  ]) {
    assert.equal(e.retryable, true, e.code);
    assert.equal(e.kind, 'retryable');
  }
  for (const e of [
    shopifyErrors.unauthorized(),
    shopifyErrors.missingScope('x'),
    shopifyErrors.graphqlInvalid(['x']),
    shopifyErrors.emailTaken(),
  ]) {
    assert.equal(e.retryable, false, e.code);
  }
});

test('an error serialises to its kind, code, message, field and status', () => {
  assert.deepEqual(shopifyErrors.http5xx(503).toJSON(), {
    kind: 'retryable',
    code: 'HTTP_5XX',
    message: 'Shopify answered HTTP 503',
    field: undefined,
    status: 503,
  });
});
