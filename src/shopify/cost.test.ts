import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateCost } from './cost.js';
import { documents } from './documents.js';

test('a mutation costs 10 plus the objects its payload selects', () => {
  // tagsAdd { node { id } userErrors { … } }: 10 + node 1 + userErrors 1
  assert.equal(estimateCost(documents.tagsAdd.text, { id: 'x', tags: [] }), 12);
  assert.equal(
    estimateCost(
      'mutation { a: tagsAdd(id: "1", tags: []) { userErrors { field } } b: tagsRemove(id: "1", tags: []) { userErrors { field } } }',
    ),
    22,
  );
});

test('an object costs 1, a scalar nothing', () => {
  assert.equal(estimateCost('{ shop { name id } }'), 1);
  assert.equal(estimateCost('{ shop { name plan { shopifyPlus } } }'), 2);
});

test('a connection costs 2 plus its page size times one node', () => {
  assert.equal(estimateCost('query($n: Int!) { customers(first: $n) { nodes { id } } }', { n: 50 }), 2 + 50);
  assert.equal(estimateCost('{ customers(first: 3) { edges { node { id defaultAddress { id } } } } }'), 2 + 3 * 2);
});

test('fields under a false @include are not counted', () => {
  const withMf = estimateCost(documents.customer.text, { id: 'x', withMetafields: true, metafieldCount: 3 });
  const without = estimateCost(documents.customer.text, { id: 'x', withMetafields: false });
  assert.equal(withMf - without, 2 + 3);
});

test('a customer read with its fragment costs its objects and its address page', () => {
  // customer 1, defaultEmailAddress 1, defaultPhoneNumber 1 and its smsMarketingConsent 1, defaultAddress 1,
  // addressesV2(first:10) 2 + 10
  assert.equal(estimateCost(documents.customer.text, { id: 'x' }), 17);
});
