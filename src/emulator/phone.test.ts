import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePhone } from './phone.js';

// What Shopify stores for a customer's phone (E.164), or null where it answers "Phone is invalid".
const cases: [input: string, stored: string | null][] = [
  // written with a country code, in any punctuation
  ['+1 (212) 555-0143', '+12125550143'],
  ['+1.212.555.0143', '+12125550143'],
  ['+44 20 7946 0018', '+442079460018'],
  ['+44 (0)20 7946 0018', '+442079460018'],
  ['+49 30 901820', '+4930901820'],
  ['+49 151 23456789', '+4915123456789'],
  ['+33 1 42 68 53 00', '+33142685300'],
  ['+33 6 12 34 56 78', '+33612345678'],
  ['+91 98765 43210', '+919876543210'],
  ['+55 11 91234-5678', '+5511912345678'],
  ['+81 3-1234-5678', '+81312345678'],
  ['+81 90-1234-5678', '+819012345678'],
  ['+61 412 345 678', '+61412345678'],
  ['  +1 613 555 0101  ', '+16135550101'],
  // 00 for +
  ['0044 20 7946 0018', '+442079460018'],
  ['0049 30 901820', '+4930901820'],
  // the drama range kept for fiction
  ['+44 7700 900123', '+447700900123'],
  // national forms: no country to place them in
  ['(212) 555-0143', null],
  ['020 7946 0018', null],
  ['2125550143', null],
  // a possible length but no assigned range: invalid area codes and mobile prefixes
  ['+1 212 055 0143', null],
  ['+1 999 555 0100', null],
  ['+1 000 555 0100', null],
  ['+44 1000 123456', null],
  ['+44 7700 901000', null],
  ['+55 11 1234-5678', null],
  ['+91 22 1234 5678', null],
  // too short, too long, no such country code
  ['+1 212 555 014', null],
  ['+1 212 555 01430', null],
  ['+44 12', null],
  ['+49 30 9018201234567', null],
  ['+999 1234 5678', null],
  ['+0 123 4567', null],
  ['00', null],
  // letters, extensions, other characters
  ['+1 800 FLOWERS', null],
  ['+1 212 555 0143 x123', null],
  ['+1 212 555 0143 ext. 5', null],
  ['+1 212 555 0143 #5', null],
  ['+44 20 7946 0018;', null],
  ['+١ ٢١٢ ٥٥٥ ٠١٤٣', null],
  ['44+20 7946 0018', null],
  ['', null],
];

test('phones are stored as E.164 when valid for their region, as Shopify does, and refused otherwise', () => {
  for (const [input, stored] of cases) assert.equal(normalizePhone(input), stored, JSON.stringify(input));
});

test('a number is judged by the region its country code names, not by the shop', () => {
  // the same ten digits are a New York number under +1 and nothing under +44
  assert.equal(normalizePhone('+1 212 555 0143'), '+12125550143');
  assert.equal(normalizePhone('+44 212 555 0143'), null);
});
