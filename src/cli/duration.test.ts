import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';

test('durations are read in seconds, minutes, hours, days and weeks, or bare seconds', () => {
  assert.equal(parseDuration('3600', '--x'), 3600);
  assert.equal(parseDuration('45s', '--x'), 45);
  assert.equal(parseDuration('30m', '--x'), 1800);
  assert.equal(parseDuration('12H', '--x'), 43200);
  assert.equal(parseDuration('90d', '--x'), 90 * 86400);
  assert.equal(parseDuration('2w', '--x'), 14 * 86400);
  assert.throws(() => parseDuration('soon', '--expires-in'), /--expires-in must be a duration/);
  assert.throws(() => parseDuration('-5m', '--x'));
});
