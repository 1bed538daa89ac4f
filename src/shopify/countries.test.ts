import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphQLEnumType } from 'graphql';
import { loadAdminSchema } from './schema.js';
import { COUNTRY_CODES, countryCodeByName, countryName } from './countries.js';

test("the country codes are exactly the values of Shopify's CountryCode enum", () => {
  const codes = (loadAdminSchema().getType('CountryCode') as GraphQLEnumType).getValues().map((v) => v.name);
  assert.deepEqual([...COUNTRY_CODES].sort(), codes.sort());
});

test('a code or an English name reads as Shopify reads the country field; nothing else does', () => {
  assert.deepEqual([countryName('GB'), countryName(null), countryName('XX')], ['United Kingdom', null, null]);
  assert.deepEqual(['gb', 'United Kingdom', 'united states', 'USA', 'Atlantis'].map(countryCodeByName), [
    'GB',
    'GB',
    'US',
    undefined,
    undefined,
  ]);
});
