import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isE164, normalizePhone } from './phone.js';

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
