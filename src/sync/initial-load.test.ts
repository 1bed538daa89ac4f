import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_LOAD_DEFAULTS, InitialLoads, isSustainedLoad } from './initial-load.js';

const s = INITIAL_LOAD_DEFAULTS; // 10 s, 75% of the per-call rate, 50 arrivals

test('an IdP held to a Standard shop’s pace (10 creates a second) is a load; a trickle or a single burst is not', () => {
  // 10 s of a Standard shop's per-call path: 100 creates, 50 in each half; 75% of it is 37.5 a half.
  assert.equal(isSustainedLoad({ earlier: 46, later: 46 }, 10, s), true, 'held at 92% of the budget');
  assert.equal(isSustainedLoad({ earlier: 38, later: 38 }, 10, s), true);
  assert.equal(isSustainedLoad({ earlier: 37, later: 38 }, 10, s), false, 'the earlier half below the pace');
  assert.equal(isSustainedLoad({ earlier: 20, later: 20 }, 10, s), false, 'a trickle of 4 a second');
  assert.equal(isSustainedLoad({ earlier: 0, later: 300 }, 10, s), false, 'a burst in the last seconds only');
  assert.equal(isSustainedLoad({ earlier: 300, later: 0 }, 10, s), false, 'arrivals stopped');
  // Plus (100 a second): 375 a half; the per-call path keeps up with what Standard could not.
  assert.equal(isSustainedLoad({ earlier: 46, later: 46 }, 100, s), false);
  assert.equal(isSustainedLoad({ earlier: 400, later: 380 }, 100, s), true);
  // A slow shop (2 a second): the pace is reached by 8 a half, but fewer than 50 arrivals do not pay off a bulk create.
  assert.equal(isSustainedLoad({ earlier: 20, later: 20 }, 2, s), false);
  assert.equal(isSustainedLoad({ earlier: 25, later: 25 }, 2, s), true);
  // The per-call rate unknown (no Shopify call made yet): never a load.
  assert.equal(isSustainedLoad({ earlier: 500, later: 500 }, 0, s), false);
  assert.equal(isSustainedLoad({ earlier: 500, later: 500 }, Number.NaN, s), false);
});

test('the verdicts: tenants seen lately are watched, a load lapses unless renewed, and a change is reported once', () => {
  let t = 1_000_000;
  const loads = new InitialLoads(() => t);
  assert.deepEqual(loads.watched(10_000), []);
  loads.arrived('a');
  t += 4000;
  loads.arrived('b');
  assert.deepEqual(loads.watched(10_000).sort(), ['a', 'b']);
  t += 7000; // a's last create is 11 s old
  assert.deepEqual(loads.watched(10_000), ['b']);

  assert.equal(loads.inLoad('b'), false);
  assert.equal(loads.set('b', true, 5000), true, 'the load starts');
  assert.equal(loads.set('b', true, 5000), false, 'renewed: no change');
  assert.equal(loads.inLoad('b'), true);
  t += 20_000; // b's creates stopped reaching this process, but it stays watched while in a load...
  assert.equal(loads.inLoad('b'), false, '...until the verdict, not renewed for 5 s, lapses');
  assert.deepEqual(loads.watched(10_000), []);

  loads.set('a', true, 5000);
  assert.deepEqual(loads.watched(10_000), ['a'], 'a tenant in a load is counted even without a create here');
  assert.equal(loads.set('a', false, 5000), true, 'the load is over');
  assert.equal(loads.inLoad('a'), false);
  assert.equal(loads.set('a', false, 5000), false);
});
