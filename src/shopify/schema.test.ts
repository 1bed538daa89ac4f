import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, validate } from 'graphql';
import { loadAdminSchema } from './schema.js';

test('the pinned Admin schema loads and knows customerCreate', () => {
  const schema = loadAdminSchema();
  assert.ok(schema.getMutationType()?.getFields().customerCreate, 'customerCreate exists');
  const errs = validate(
    schema,
    parse('mutation { customerCreate(input:{email:"a@b.c"}) { customer { id } userErrors { field message } } }'),
  );
  assert.deepEqual(
    errs.map((e) => e.message),
    [],
  );
  const bad = validate(schema, parse('{ customer(id:"gid://shopify/Customer/1") { noSuchField } }'));
  assert.equal(bad.length, 1);
});
