import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTRY_CODES } from '../shopify/countries.js';
import { SHOPIFY_COUNTRY_CODES, countryCodeOf, isCountryCode } from './countries.js';

test("the country codes are those of Shopify's CountryCode enum, without its unknown region", () => {
  assert.deepEqual([...SHOPIFY_COUNTRY_CODES].sort(), [...COUNTRY_CODES].filter((c) => c !== 'ZZ').sort());
  assert.equal(isCountryCode('GB'), true);
  assert.equal(isCountryCode('ZZ'), false);
  assert.equal(isCountryCode('UK'), false, 'not an ISO code');
});

test('a country reads from its code, its English name or a common other spelling', () => {
  const cases: Array<[string, string | undefined]> = [
    ['US', 'US'],
    ['us', 'US'],
    [' gb ', 'GB'],
    ['UK', 'GB'],
    ['United States', 'US'],
    ['united states of america', 'US'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['U.S.', 'US'],
    ['United Kingdom', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['the Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['Côte d’Ivoire', 'CI'],
    ["Cote d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ['Myanmar', 'MM'],
    ['Myanmar (Burma)', 'MM'],
    ['Hong Kong', 'HK'],
    ['Hong Kong SAR China', 'HK'],
    ['Congo - Kinshasa', 'CD'],
    ['Democratic Republic of the Congo', 'CD'],
    ['Bosnia & Herzegovina', 'BA'],
    ['Bosnia and Herzegovina', 'BA'],
    ['South Korea', 'KR'],
    ['Korea', 'KR'],
    ['Czech Republic', 'CZ'],
    ['Czechia', 'CZ'],
    ['UAE', 'AE'],
    ['Atlantis', undefined],
    ['ZZ', undefined],
    ['XX', undefined],
    ['', undefined],
    ['Puerto Rico', undefined],
  ];
  for (const [text, code] of cases) assert.equal(countryCodeOf(text), code, text);
});
