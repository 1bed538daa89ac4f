import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CostBucket } from './bucket.js';
import { normalizePhone } from './phone.js';
import { normalizeTags, isValidEmail } from './validation.js';

test('the bucket refuses a cost larger than what is left and refills at the restore rate', () => {
  let now = 0;
  const b = new CostBucket(1000, 50, () => now);
  assert.equal(b.take(900), true);
  assert.equal(b.take(200), false, 'only 100 left');
  assert.equal(b.status().currentlyAvailable, 100, 'a refused take costs nothing');
  now += 2000;
  assert.equal(b.status().currentlyAvailable, 200);
  b.refund(850);
  assert.equal(b.status().currentlyAvailable, 1000, 'never above the bucket size');
});

test('throttle pressure slows the refill and drain empties part of the bucket', () => {
  let now = 0;
  const b = new CostBucket(1000, 100, () => now);
  b.drain(0.5);
  assert.equal(b.status().currentlyAvailable, 500);
  b.pressure = 0.75;
  now += 1000;
  assert.equal(b.status().currentlyAvailable, 525);
});

test('phones normalise to E.164 and implausible numbers are refused', () => {
  assert.equal(normalizePhone('+1 (613) 555-0101'), '+16135550101');
  assert.equal(normalizePhone('0044 7700 900123'), '+447700900123');
  assert.equal(normalizePhone('+49 30 1234567'), '+49301234567');
  for (const bad of ['6135550101', '+1 113 555 0101', '+1 613 555 01', '+999 1234 5678', 'call me', '+44 12'])
    assert.equal(normalizePhone(bad), null, bad);
});

test('emails need a dotted domain and no spaces', () => {
  for (const good of ['a@example.com', 'first.last+tag@sub.example.co.uk']) assert.equal(isValidEmail(good), true, good);
  for (const bad of ['a@b', 'a b@example.com', 'a@@example.com', '@example.com', 'a@example.c', 'a..b@example.com'])
    assert.equal(isValidEmail(bad), false, bad);
});

test('tags are comma-split, trimmed and deduplicated case-insensitively keeping the first spelling', () => {
  assert.deepEqual(normalizeTags([' VIP ', 'vip', 'a, b,,c', 'B']), ['VIP', 'a', 'b', 'c']);
});
