import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lockout } from './lockout.js';

test('an address is locked out after maxFailures in the window, for lockMs, then may try again', () => {
  let now = 1_000;
  const l = new Lockout({ maxFailures: 3, windowMs: 10_000, lockMs: 60_000, now: () => now });
  assert.equal(l.fail('a'), 0);
  assert.equal(l.fail('a'), 0);
  assert.equal(l.lockedFor('a'), 0);
  assert.equal(l.fail('a'), 60_000);
  assert.equal(l.lockedFor('a'), 60_000);
  assert.equal(l.lockedFor('b'), 0, 'another address is not affected');
  l.succeed('a');
  assert.equal(l.lockedFor('a'), 60_000, 'a valid token does not lift a lock in force');
  now += 60_000;
  assert.equal(l.lockedFor('a'), 0);
});

test('failures spread wider than the window never lock out, and a success resets the count', () => {
  let now = 0;
  const l = new Lockout({ maxFailures: 2, windowMs: 1_000, lockMs: 5_000, now: () => now });
  l.fail('a');
  now += 1_500;
  assert.equal(l.fail('a'), 0);
  l.succeed('a');
  assert.equal(l.fail('a'), 0);
  assert.equal(l.fail('a'), 5_000);
});

test('the number of addresses followed is bounded', () => {
  const l = new Lockout({ maxFailures: 1, windowMs: 1_000, lockMs: 5_000, maxTracked: 2 });
  l.fail('a');
  l.fail('b');
  l.fail('c');
  assert.equal(l.lockedFor('a'), 0, 'the oldest is forgotten');
  assert.ok(l.lockedFor('c') > 0);
});
