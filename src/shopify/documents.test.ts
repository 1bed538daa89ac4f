import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoDeprecatedCustomRule, parse, validate } from 'graphql';
import { loadAdminSchema } from './schema.js';
import { bulkCustomersQuery, documents } from './documents.js';

const schema = loadAdminSchema();

for (const [key, doc] of Object.entries(documents)) {
  test(`the ${key} document is valid against the pinned Admin schema`, () => {
    const errors = validate(schema, parse(doc.text)).map((e) => e.message);
    assert.deepEqual(errors, [], `${doc.name}:\n${doc.text}`);
  });

  test(`the ${key} document uses no field or argument Shopify has deprecated`, () => {
    const errors = validate(schema, parse(doc.text), [NoDeprecatedCustomRule]).map((e) => e.message);
    assert.deepEqual(errors, [], doc.name);
  });

  test(`the ${key} document names its operation ${doc.name}`, () => {
    const op = parse(doc.text).definitions.find((d) => d.kind === 'OperationDefinition');
    assert.equal(op && 'name' in op ? op.name?.value : undefined, doc.name);
  });
}

test('the bulk customer export query is valid with and without metafields and a search', () => {
  for (const q of [
    bulkCustomersQuery(),
    bulkCustomersQuery({ query: 'updated_at:>2024-01-01', metafieldKeys: ['scim.id', 'custom.dept'] }),
  ]) {
    assert.deepEqual(
      validate(schema, parse(q)).map((e) => e.message),
      [],
      q,
    );
    assert.deepEqual(
      validate(schema, parse(q), [NoDeprecatedCustomRule]).map((e) => e.message),
      [],
      q,
    );
  }
});

test('a misspelt field is caught by the same validation', () => {
  const broken = documents.customer.text.replace('canDelete', 'canDeleet');
  assert.equal(validate(schema, parse(broken)).length, 1);
});
