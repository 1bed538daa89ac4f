import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelAt } from '../shopify/bucket.js';
import { emptyBucket, grantInOrder, parseBucket, settleCall, type BucketState } from './throttle-model.js';

const status = (currentlyAvailable: number) => ({ maximumAvailable: 100, currentlyAvailable, restoreRate: 50 });

function known(level: number, at = 0): BucketState {
  const s = emptyBucket();
  const probe = grantInOrder(s, [10], at, 60_000).ids[0];
  settleCall(s, probe, { status: status(level), actualCost: 10 }, at);
  return s;
}

test('before any answer one call goes alone and the rest wait for what it says', () => {
  const s = emptyBucket();
  const first = grantInOrder(s, [10, 10], 0, 60_000);
  assert.deepEqual(first.ids, [1]);
  assert.equal(first.waitMs, undefined, 'no rate known: the waiting call can only look again');
  assert.deepEqual(grantInOrder(s, [10], 5, 60_000).ids, [], 'the probe is still unanswered');
});

test('calls are granted in order while the bucket holds them, and the next says how long it needs', () => {
  const s = known(35);
  const r = grantInOrder(s, [10, 10, 10, 10], 0, 60_000);
  assert.equal(r.ids.length, 3, 'a fourth would leave less than the safety point');
  assert.equal(levelAt(s, 0), 5);
  assert.equal(r.waitMs, Math.ceil(((11 - 5) / 50) * 1000));
});

test('an answer counts every other unanswered call as not yet seen, whatever order they were sent in', () => {
  const s = known(100);
  const [a, b, c] = grantInOrder(s, [10, 10, 10], 0, 60_000).ids;
  // The last call sent answers first; Shopify saw only it (a slow connection holds the other two).
  settleCall(s, c, { status: status(90), actualCost: 10 }, 0);
  assert.equal(levelAt(s, 0), 70, 'both earlier calls still count as to be charged');
  settleCall(s, a, { status: status(80), actualCost: 10 }, 0);
  assert.equal(levelAt(s, 0), 70, 'an answer older than the one that set the level only refunds');
  settleCall(s, b, { actualCost: 4 }, 0);
  assert.equal(levelAt(s, 0), 76, 'what Shopify did not charge comes back');
});

test('a THROTTLED answer sets the level from Shopify less every call still in flight', () => {
  const s = known(100);
  const [a] = grantInOrder(s, [30, 30], 0, 60_000).ids;
  settleCall(s, a, { status: status(20), actualCost: 0, throttled: true }, 0);
  assert.equal(levelAt(s, 0), 20 - 30);
});

test('a stored state of another layout starts afresh', () => {
  assert.deepEqual(parseBucket('{"known":true,"level":5,"pending":[[1,10,0,0]]}'), emptyBucket());
  assert.deepEqual(parseBucket('not json'), emptyBucket());
});
