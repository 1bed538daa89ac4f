import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate } from './dates.js';

const out = (input: string, format: 'date' | 'dateTime') => {
  const r = formatDate(input, format);
  assert.ok(r.ok, `${input} should be read: ${JSON.stringify(r)}`);
  return r.value;
};

test('ISO dates and date-times become Shopify date values as written, not shifted to UTC', () => {
  assert.equal(out('2025-07-01', 'date'), '2025-07-01');
  assert.equal(out('2025-07-01T23:30:00-05:00', 'date'), '2025-07-01');
  assert.equal(out('20250701', 'date'), '2025-07-01');
});

test('date-times are written in UTC without milliseconds, dates as midnight UTC', () => {
  assert.equal(out('2025-07-01T23:30:00-05:00', 'dateTime'), '2025-07-02T04:30:00Z');
  assert.equal(out('2025-07-01T10:00:00.123Z', 'dateTime'), '2025-07-01T10:00:00Z');
  assert.equal(out('2025-07-01 10:00', 'dateTime'), '2025-07-01T10:00:00Z');
  assert.equal(out('2025-07-01T10:00:00+0200', 'dateTime'), '2025-07-01T08:00:00Z');
  assert.equal(out('2025-07-01', 'dateTime'), '2025-07-01T00:00:00Z');
});

test('RFC 2822 dates are read, with or without a time and zone', () => {
  assert.equal(out('Tue, 1 Jul 2025 10:00:00 +0200', 'dateTime'), '2025-07-01T08:00:00Z');
  assert.equal(out('01 Jul 2025 10:00 GMT', 'dateTime'), '2025-07-01T10:00:00Z');
  assert.equal(out('1 July 2025', 'date'), '2025-07-01');
});

test('days that do not exist and ambiguous formats are refused', () => {
  for (const bad of ['2025-02-30', '2023-02-29', '2025-13-01', '03/04/2025', 'yesterday', '2025-07-01T25:00:00Z', '31 Jun 2025']) {
    const r = formatDate(bad, 'date');
    assert.ok(!r.ok, `${bad} should be refused, got ${JSON.stringify(r)}`);
  }
  assert.ok(formatDate('2024-02-29', 'date').ok, 'a leap day exists in 2024');
});
