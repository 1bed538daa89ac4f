import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { loadAdminSchema } from '../shopify/schema.js';
import { operationCost } from './graphql/cost.js';

const schema = loadAdminSchema();

function cost(query: string, variables: Record<string, unknown> = {}, data?: Record<string, unknown>): number {
  const doc = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return operationCost(schema, getOperationAST(doc)!, fragments, variables, data);
}

test('scalars cost nothing and each object costs one', () => {
  assert.equal(cost('{ shop { name myshopifyDomain } }'), 1);
  assert.equal(cost('{ shop { name plan { displayName } } }'), 2);
  assert.equal(cost('{ customer(id: "gid://shopify/Customer/1") { id defaultEmailAddress { emailAddress } } }'), 2);
});

test('a connection costs two plus first times its node cost', () => {
  assert.equal(cost('{ customers(first: 10) { nodes { id email } } }'), 12);
  assert.equal(
    cost('{ customers(first: 50) { edges { cursor node { id defaultAddress { city } } } pageInfo { hasNextPage } } }'),
    2 + 50 * 2,
  );
  assert.equal(cost('query($n: Int) { customers(last: $n) { nodes { id } } }', { n: 250 }), 252);
});

test('nested connections multiply', () => {
  assert.equal(cost('{ customers(first: 10) { nodes { id metafields(first: 5) { nodes { key value } } } } }'), 2 + 10 * (1 + 2 + 5));
});

test('a mutation field costs ten whatever its payload selects, plus connections inside it', () => {
  assert.equal(
    cost(
      'mutation { customerCreate(input: {email: "a@b.co"}) { customer { id defaultEmailAddress { emailAddress } } userErrors { field message } } }',
    ),
    10,
  );
  assert.equal(
    cost(
      'mutation { customerUpdate(input: {id: "gid://shopify/Customer/1"}) { customer { metafields(first: 3) { nodes { key } } } userErrors { message } } }',
    ),
    10 + 2 + 3,
  );
});

test('fragments count like inline selections and skipped fields do not count', () => {
  assert.equal(cost('{ customer(id: "x") { ...F } } fragment F on Customer { id defaultAddress { city } }'), 2);
  assert.equal(cost('query($s: Boolean!) { shop { name plan @skip(if: $s) { displayName } } }', { s: true }), 1);
});

test('actual cost counts the objects really returned', () => {
  const q = '{ customers(first: 10) { nodes { id defaultAddress { city } } } }';
  assert.equal(
    cost(
      q,
      {},
      {
        customers: {
          nodes: [
            { id: 'a', defaultAddress: null },
            { id: 'b', defaultAddress: { city: 'X' } },
          ],
        },
      },
    ),
    2 + 1 + 2,
  );
  assert.equal(cost('{ customer(id: "x") { id } }', {}, { customer: null }), 0);
});
