import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Target } from './document.js';
import { prepareTargetValue, readTarget, targetLabel } from './targets.js';
import type { Value } from './values.js';

const ok = (t: Target, v: Value, country?: string) => {
  const r = prepareTargetValue(t, v, country);
  assert.ok(r.ok, `${targetLabel(t)} should accept the value: ${JSON.stringify(r)}`);
  return r.value;
};
const refused = (t: Target, v: Value, country?: string) => {
  const r = prepareTargetValue(t, v, country);
  assert.ok(!r.ok, `${targetLabel(t)} should refuse ${JSON.stringify(v)}, got ${JSON.stringify(r)}`);
  return r;
};
const f = (field: 'firstName' | 'lastName' | 'email' | 'phone' | 'note' | 'locale'): Target => ({ kind: 'field', field });
const mf = (type: Extract<Target, { kind: 'metafield' }>['type']): Target => ({ kind: 'metafield', namespace: 'hr', key: 'x1', type });

test('name fields take the first value, trimmed; nothing stays nothing', () => {
  assert.equal(ok(f('firstName'), '  Ada '), 'Ada');
  assert.equal(ok(f('lastName'), ['Lovelace', 'Byron']), 'Lovelace');
  assert.equal(ok(f('firstName'), undefined), undefined);
});

test('email must be an address; the problem names its kind, not the address', () => {
  assert.equal(ok(f('email'), ' ada@example.com '), 'ada@example.com');
  for (const bad of ['ada', 'ada@example', 'a b@example.com', 'ada@@example.com', '.ada@example.com', 'ada@example.c0m']) {
    const r = refused(f('email'), bad);
    assert.ok(!r.ok && r.code === 'invalidEmail', JSON.stringify(r));
    assert.ok(!r.reason.includes(bad), `the reason must not quote the address: ${r.reason}`);
  }
});

test('phone becomes E.164 with the default country, and impossible numbers are refused', () => {
  assert.equal(ok(f('phone'), '+14155550100'), '+14155550100');
  assert.equal(ok(f('phone'), '(415) 555-0100', 'US'), '+14155550100');
  const r = refused(f('phone'), '555-0100', 'US');
  assert.ok(!r.ok && r.code === 'invalidPhone', JSON.stringify(r));
});

test('locale is normalised to a language tag Shopify stores', () => {
  assert.equal(ok(f('locale'), 'en_us'), 'en-US');
  assert.equal(ok(f('locale'), 'fr'), 'fr');
  assert.equal(ok(f('locale'), 'zh-hant-tw'), 'zh-Hant-TW');
  const r = refused(f('locale'), 'English');
  assert.ok(!r.ok && r.code === 'invalidLocale');
});

test('note joins a list with new lines', () => {
  assert.equal(ok(f('note'), ['line 1', 'line 2']), 'line 1\nline 2');
});

test('address fields: countryCode is a Shopify country code read from a code or a name, phone is E.164, others trimmed', () => {
  assert.equal(ok({ kind: 'address', field: 'countryCode' }, 'de'), 'DE');
  assert.equal(ok({ kind: 'address', field: 'countryCode' }, 'Germany'), 'DE');
  for (const bad of ['Atlantis', 'ZZ', 'XX']) {
    const r = refused({ kind: 'address', field: 'countryCode' }, bad);
    assert.ok(!r.ok && r.code === 'invalidCountryCode', bad);
  }
  assert.equal(ok({ kind: 'address', field: 'phone' }, '030 901820', 'DE'), '+4930901820');
  assert.equal(ok({ kind: 'address', field: 'city' }, ' Berlin '), 'Berlin');
  assert.equal(ok({ kind: 'address', field: 'country' }, 'Germany'), 'Germany');
});

test('tag targets clean every value into a tag', () => {
  assert.deepEqual(ok({ kind: 'tag' }, ['Sales', 'EMEA, North']), ['Sales', 'EMEA North']);
  assert.equal(ok({ kind: 'tag' }, undefined), undefined);
});

test('metafield values are written as Shopify stores each type', () => {
  assert.equal(ok(mf('single_line_text_field'), 'a\nb'), 'a b', 'one line');
  assert.equal(ok(mf('multi_line_text_field'), ['a', 'b']), 'a\nb');
  assert.equal(ok(mf('number_integer'), '0042'), '42');
  assert.equal(ok(mf('number_integer'), 7), '7');
  assert.equal(ok(mf('number_decimal'), '+3.50'), '3.50');
  assert.equal(ok(mf('boolean'), 'Yes'), 'true');
  assert.equal(ok(mf('boolean'), false), 'false');
  assert.equal(ok(mf('date'), '2025-07-01T10:00:00Z'), '2025-07-01');
  assert.equal(ok(mf('date_time'), '2025-07-01'), '2025-07-01T00:00:00Z');
  assert.equal(ok(mf('json'), ['a', 'b']), '["a","b"]');
  assert.equal(ok(mf('json'), 'x'), '"x"');
  assert.equal(ok(mf('url'), 'https://example.com/p/1'), 'https://example.com/p/1');
  assert.equal(ok(mf('id'), ' emp-1 '), 'emp-1');
});

test('metafield values that do not fit their type are refused with the type named', () => {
  for (const [type, v] of [
    ['number_integer', '4.2'],
    ['number_integer', '99999999999999999999'],
    ['number_decimal', 'ten'],
    ['boolean', 'maybe'],
    ['date', 'tomorrow'],
    ['url', 'example.com'],
    ['url', 'ftp://example.com'],
  ] as const) {
    const r = refused(mf(type), v);
    assert.ok(!r.ok && r.code === 'invalidMetafieldValue' && r.reason.includes(type), JSON.stringify(r));
  }
});

test('marketing consent reads yes/no and marketing states, with the opt-in level when subscribed', () => {
  const t: Target = { kind: 'emailMarketingConsent', optInLevel: 'CONFIRMED_OPT_IN' };
  assert.deepEqual(ok(t, true), { marketingState: 'SUBSCRIBED', marketingOptInLevel: 'CONFIRMED_OPT_IN' });
  assert.deepEqual(ok(t, 'no'), { marketingState: 'UNSUBSCRIBED' });
  assert.deepEqual(ok({ kind: 'smsMarketingConsent' }, 'pending'), { marketingState: 'PENDING' });
  const r = refused({ kind: 'smsMarketingConsent' }, 'perhaps');
  assert.ok(!r.ok && r.code === 'invalidConsent');
});

test('reading targets back from a customer tells absent fields from emptied ones', () => {
  const c = {
    firstName: 'Ada',
    phone: null,
    defaultAddress: { city: 'Berlin' },
    metafields: [{ namespace: 'hr', key: 'x1', value: '42' }],
    emailMarketingConsent: { marketingState: 'NOT_SUBSCRIBED' },
  };
  assert.deepEqual(readTarget(f('firstName'), c), { present: true, value: 'Ada' });
  assert.deepEqual(readTarget(f('phone'), c), { present: true, value: undefined });
  assert.deepEqual(readTarget(f('email'), c), { present: false });
  assert.deepEqual(readTarget({ kind: 'address', field: 'city' }, c), { present: true, value: 'Berlin' });
  assert.deepEqual(readTarget({ kind: 'address', field: 'zip' }, c), { present: false });
  assert.deepEqual(readTarget(mf('number_integer'), c), { present: true, value: 42 });
  assert.deepEqual(readTarget({ kind: 'emailMarketingConsent' }, c), { present: true, value: false });
  assert.deepEqual(readTarget({ kind: 'tag' }, c), { present: false });
});
