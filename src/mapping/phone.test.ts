import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isE164, knownPhoneCountry, normalizePhone } from './phone.js';

const e164 = (raw: string, country?: string) => {
  const r = normalizePhone(raw, country);
  assert.ok(r.ok, `${raw} (${country}) should normalise: ${JSON.stringify(r)}`);
  return r.e164;
};
const refused = (raw: string, country?: string) => {
  const r = normalizePhone(raw, country);
  assert.ok(!r.ok, `${raw} (${country}) should be refused, got ${JSON.stringify(r)}`);
  return r.reason;
};

test('international numbers keep their country code whatever the punctuation', () => {
  assert.equal(e164('+1 (415) 555-0100'), '+14155550100');
  assert.equal(e164('+44 20 7946 0018'), '+442079460018');
  assert.equal(e164('0049 30 901820'), '+4930901820');
  assert.equal(e164('tel:+33-1-42-68-53-00'), '+33142685300');
});

test('a trunk zero written after the country code is dropped', () => {
  assert.equal(e164('+44 (0)20 7946 0018'), '+442079460018');
});

test('national numbers are read with the default country and lose their trunk prefix', () => {
  assert.equal(e164('(415) 555-0100', 'US'), '+14155550100');
  assert.equal(e164('1-415-555-0100', 'us'), '+14155550100');
  assert.equal(e164('020 7946 0018', 'GB'), '+442079460018');
  assert.equal(e164('0151 23456789', 'DE'), '+4915123456789');
  assert.equal(e164('06 12345678', 'IT'), '+390612345678', 'Italy keeps the leading 0');
  assert.equal(e164('8 (912) 345-67-89', 'RU'), '+79123456789');
});

test('numbers of impossible length are refused, saying how many digits were possible', () => {
  assert.match(refused('+1 415 555 01000'), /11 digits .* \+1, where 10 are possible/);
  assert.match(refused('12345', 'US'), /5 digits/);
  assert.match(refused('+44 20 7946 00181234'), /digits/);
  assert.match(refused('+1234567890123456'), /more digits than any phone number/);
});

test('impossible North American area codes and exchanges are refused', () => {
  assert.match(refused('+1 015 555 0100'), /North American/);
  assert.match(refused('(415) 155-0100', 'US'), /North American/);
});

test('national numbers without a default country cannot be read', () => {
  assert.match(refused('020 7946 0018'), /no default country/);
  assert.match(refused('020 7946 0018', 'ZZ'), /numbering plan of ZZ is not known/);
});

test('letters, extensions, misplaced plus signs and country code zero are refused', () => {
  assert.match(refused('call me maybe'), /letters/);
  assert.match(refused('+1 415 555 0100 ext. 12'), /extension/);
  assert.match(refused('415+5550100', 'US'), /\+/);
  assert.match(refused('+0 123 4567'), /starting with 0/);
  assert.match(refused('   '), /empty/);
  assert.match(refused('+1 415 555 0100 #5'), /characters/);
});

test('isE164 recognises the canonical form only', () => {
  assert.ok(isE164('+14155550100'));
  assert.ok(!isE164('14155550100'));
  assert.ok(!isE164('+1 415 555 0100'));
  assert.ok(!isE164('+0123456789'));
});

// Real-world inputs, each with what it must become: an E.164 string, or a refusal whose reason matches.
type Case = [raw: string, country: string | undefined, expected: string | RegExp];

const table = (name: string, cases: Case[]) =>
  test(name, () => {
    for (const [raw, country, expected] of cases) {
      if (typeof expected === 'string') assert.equal(e164(raw, country), expected, `${raw} (${country})`);
      else assert.match(refused(raw, country), expected, `${raw} (${country})`);
    }
  });

table('national formats are read with the default country, trunk prefixes dropped', [
  ['(212) 555-0143', 'US', '+12125550143'],
  ['212.555.0143', 'US', '+12125550143'],
  ['1 (212) 555-0143', 'US', '+12125550143'],
  ['020 7946 0018', 'GB', '+442079460018'],
  ['07700 900123', 'GB', '+447700900123'],
  ['(0)20 7946 0018', 'GB', '+442079460018'],
  ['030 901820', 'DE', '+4930901820'],
  ['0151 23456789', 'DE', '+4915123456789'],
  ['01 42 68 53 00', 'FR', '+33142685300'],
  ['06 12 34 56 78', 'FR', '+33612345678'],
  ['098765 43210', 'IN', '+919876543210'],
  ['98765 43210', 'IN', '+919876543210'],
  ['(11) 91234-5678', 'BR', '+5511912345678'],
  ['(21) 2345-6789', 'BR', '+552123456789'],
  ['03-1234-5678', 'JP', '+81312345678'],
  ['090-1234-5678', 'JP', '+819012345678'],
  ['0412 345 678', 'au', '+61412345678'],
]);

table('international forms stand alone, whatever the default country', [
  ['+49 30 901820', 'US', '+4930901820'],
  ['+33 (0)1 42 68 53 00', undefined, '+33142685300'],
  ['+55 11 91234-5678', 'GB', '+5511912345678'],
  ['+81 90 1234 5678', undefined, '+819012345678'],
  ['+91 98765 43210', undefined, '+919876543210'],
  ['+1-212-555-0143', 'DE', '+12125550143'],
  ['+44 020 7946 0018', undefined, '+442079460018'],
]);

table('00 and the default country’s own international prefix stand for +', [
  ['0049 30 901820', undefined, '+4930901820'],
  ['00 33 1 42 68 53 00', 'DE', '+33142685300'],
  ['0044 (0)20 7946 0018', 'FR', '+442079460018'],
  ['011 44 20 7946 0018', 'US', '+442079460018'],
]);

table('extensions are refused: E.164 has no room for them', [
  ['+1 212 555 0143 x123', undefined, /extension/],
  ['(212) 555-0143x9', 'US', /extension/],
  ['+44 20 7946 0018 ext. 5', undefined, /extension/],
  ['+44 20 7946 0018 ext 5', undefined, /extension/],
  ['+1 212 555 0143 extension 4', undefined, /extension/],
  ['+1 212 555 0143 EXT:12', undefined, /extension/],
]);

table('vanity numbers are read on the phone keypad; prose is refused', [
  ['1-800-FLOWERS', 'US', '+18003569377'],
  ['+1 800 FLOWERS', undefined, '+18003569377'],
  ['1-800-flowers', 'US', '+18003569377'],
  ['1-800-FLOWERSS', 'US', /spells letters, and read on a phone keypad it has 11 digits/],
  ['555 0100 mobile', 'US', /spells letters/],
  ['call me maybe', 'US', /contains letters/],
  ['n/a', 'US', /contains letters/],
  ['unknown', undefined, /contains letters/],
]);

table('too short and too long are refused with the lengths the country allows', [
  ['12345', 'US', /has 5 digits after the country code \+1, where 10 are possible/],
  ['+1 212 555 014', undefined, /9 digits .* where 10 are possible/],
  ['+44 12', undefined, /2 digits after the country code \+44, where 7, 9 or 10 are possible/],
  ['+49 1', undefined, /1 digit after the country code \+49, where 4-15 are possible/],
  ['0612345', 'FR', /digits after the country code \+33, where 9 are possible/],
  ['06 12 34 56 78 9', 'FR', /digits after the country code \+33/],
  ['+49 30 9018201234567', undefined, /more digits than any phone number can \(15\)/],
  ['020 7946 0018', 'US', /11 digits after the country code \+1/],
]);

table('numbers of the right length in no assigned range are refused', [
  ['+1 212 055 0143', undefined, /North American .*cannot start with 0 or 1/],
  ['+1 999 555 0100', undefined, /area code 999 is not in service/],
  ['+1 242 555 0100', undefined, /North American/],
  ['+44 1000 123456', undefined, /not a valid number of \+44 \(GB/],
  ['+44 7700 901000', undefined, /not a valid number of \+44/],
  ['+55 11 1234-5678', undefined, /not a valid number of \+55 \(BR\)/],
  ['+91 22 1234 5678', undefined, /not a valid number of \+91 \(IN\)/],
  ['+999 1234 5678', undefined, /no country code begins that way/],
]);

table('a national number valid in one country is refused in another', [
  ['020 7946 0018', 'GB', '+442079460018'],
  ['020 7946 0018', 'DE', /not a valid number of \+49 \(DE\)/],
  ['0151 23456789', 'DE', '+4915123456789'],
  ['0151 23456789', 'FR', /\+33/],
  ['(212) 555-0143', 'US', '+12125550143'],
  ['(212) 555-0143', 'GB', /\+44/],
  ['090-1234-5678', 'JP', '+819012345678'],
  ['090-1234-5678', 'US', /\+1/],
]);

table('digits of other scripts and full-width forms are read as digits', [
  ['+١ ٢١٢ ٥٥٥ ٠١٤٣', undefined, '+12125550143'],
  ['+۹۱ ۹۸۷۶۵ ۴۳۲۱۰', undefined, '+919876543210'],
  ['+९१ ९८७६५ ४३२१०', undefined, '+919876543210'],
  ['+๘๑ ๙๐ ๑๒๓๔ ๕๖๗๘', undefined, '+819012345678'],
  ['＋４４ ２０ ７９４６ ００１８', undefined, '+442079460018'],
  ['０３－１２３４－５６７８', 'JP', '+81312345678'],
]);

table('whitespace and punctuation are ignored; other characters are not', [
  ['  +44\t20\u00a07946 0018 \n', undefined, '+442079460018'],
  ['+44-20-7946-0018', undefined, '+442079460018'],
  ['+44.20.7946.0018', undefined, '+442079460018'],
  ['+44 (20) 7946/0018', undefined, '+442079460018'],
  ['tel:+44-20-7946-0018', undefined, '+442079460018'],
  ['+44 20 7946 0018;', undefined, /characters/],
  ['+44_20_7946_0018', undefined, /characters/],
  ['44+20 7946 0018', undefined, /'\+' that is not at the start/],
  ['++44 20 7946 0018', undefined, /'\+' that is not at the start/],
  ['\t', 'US', /empty/],
  ['+', undefined, /no digits/],
  ['( ) -', 'US', /no digits/],
  ['00', 'US', /no digits/],
]);

test('country names are case-insensitive and checked against the numbering plans', () => {
  assert.ok(knownPhoneCountry('gb'));
  assert.ok(knownPhoneCountry('BR'));
  assert.ok(!knownPhoneCountry('ZZ'));
  assert.ok(!knownPhoneCountry('UK'), 'the ISO code is GB');
});
