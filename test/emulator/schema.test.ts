import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { emulator, type TestEmulator } from './helpers.js';

let t: TestEmulator;
before(async () => {
  t = await emulator();
});
after(() => t.em.close());

test('a document the real schema rejects gets Shopify’s validation error and no data', async () => {
  const r = await t.gql('{ customer(id: "gid://shopify/Customer/1") { id emial } }');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.errors, [
    {
      message: "Field 'emial' doesn't exist on type 'Customer'",
      locations: [{ line: 1, column: 49 }],
      extensions: { code: 'undefinedField', typeName: 'Customer', fieldName: 'emial' },
    },
  ]);
  assert.equal('data' in r.body, false);
  const missingArg = await t.gql('{ customer { id } }');
  assert.equal(missingArg.body.errors[0].message, "Field 'customer' is missing required arguments: id");
  const deprecatedButValid = await t.gql('{ shop { name } }');
  assert.equal(deprecatedButValid.body.errors, undefined);
});

test('syntax errors and bad variables are reported, not executed', async () => {
  const syntax = await t.gql('{ shop { name }');
  assert.equal(syntax.status, 200);
  assert.ok(syntax.body.errors?.[0]?.message, JSON.stringify(syntax.body));
  const vars = await t.gql('query($id: ID!) { customer(id: $id) { id } }', {});
  assert.equal(vars.body.errors?.[0]?.message, 'Variable $id of type ID! was provided invalid value', JSON.stringify(vars.body));
  assert.equal(vars.body.errors[0].extensions.code, 'INVALID_VARIABLE');
  const noQuery = await fetch(t.em.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': t.em.accessToken },
    body: '{}',
  });
  assert.equal(noQuery.status, 400);
  assert.deepEqual(await noQuery.json(), { errors: { query: 'Required parameter missing or invalid' } });
});

test('a valid root field outside the emulated subset is named in a clear error', async () => {
  const spentBefore = t.em.control.counters().costRequested;
  const r = await t.gql('{ shop { name } products(first: 1) { nodes { id } } }');
  assert.deepEqual(r.body.errors, [
    {
      message: 'products is not supported by the shopify-scim emulator',
      locations: [{ line: 1, column: 17 }],
      path: ['query', 'products'],
      extensions: { code: 'NOT_SUPPORTED_BY_EMULATOR' },
    },
  ]);
  const m = await t.gql('mutation { productCreate(product: { title: "x" }) { userErrors { message } } }');
  assert.equal(m.body.errors?.[0]?.message, 'productCreate is not supported by the shopify-scim emulator');
  assert.equal(t.em.control.counters().costRequested, spentBefore, 'refused documents are not charged');
});

test('application/graphql bodies and named operations are accepted', async () => {
  const raw = await fetch(t.em.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/graphql', 'X-Shopify-Access-Token': t.em.accessToken },
    body: '{ shop { myshopifyDomain } }',
  });
  assert.deepEqual(((await raw.json()) as { data: unknown }).data, { shop: { myshopifyDomain: 'demo-shop.myshopify.com' } });
  const res = await fetch(t.em.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': t.em.accessToken },
    body: JSON.stringify({ query: 'query A { shop { name } } query B { shop { myshopifyDomain } }', operationName: 'B' }),
  });
  assert.deepEqual(((await res.json()) as { data: unknown }).data, { shop: { myshopifyDomain: 'demo-shop.myshopify.com' } });
});
