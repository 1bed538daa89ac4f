import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryThrottleStore, msUntilAvailable, type Reservation } from './throttle.js';

/** A fake clock whose timers run when the test advances time. */
function fakeTime(start = 1_000_000) {
  let t = start;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => t,
    schedule: (fn: () => void, ms: number) => {
      const timer = { at: t + ms, fn };
      timers.push(timer);
      return () => (timers = timers.filter((x) => x !== timer));
    },
    /** Moves time forward, running due timers in order. */
    async advance(ms: number) {
      await flush();
      const end = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = due.at;
        due.fn();
        await flush();
      }
      t = end;
      await flush();
    },
  };
}
const flush = () => new Promise((r) => setImmediate(r));
const status = (currentlyAvailable: number, maximumAvailable = 100, restoreRate = 50) => ({
  currentlyAvailable,
  maximumAvailable,
  restoreRate,
});

/** Records when (on the fake clock) each reservation was granted. */
function track(store: MemoryThrottleStore, clock: { now: () => number }, cost: number, granted: { at: number; r: Reservation }[]) {
  return store.reserve('s', cost).then((r) => (granted.push({ at: clock.now(), r }), r));
}

async function primed(available: number, max = 100, rate = 50) {
  const clock = fakeTime();
  const store = new MemoryThrottleStore(clock);
  const probe = await store.reserve('s', 1);
  await store.settle('s', probe, { status: status(available, max, rate), actualCost: 1 });
  return { clock, store };
}

test('the first call goes at once and the others wait for what its answer says about the bucket', async () => {
  const clock = fakeTime();
  const store = new MemoryThrottleStore(clock);
  const first = await store.reserve('s', 10);
  const granted: { at: number; r: Reservation }[] = [];
  track(store, clock, 10, granted);
  await clock.advance(100);
  assert.equal(granted.length, 0, 'the second caller waits for the probe');
  await store.settle('s', first, { status: status(5), actualCost: 10 });
  await clock.advance(1000);
  // 5 points left at the answer, 10 + 1 needed at 50/s: 120 ms after it
  assert.equal(granted[0].at - 1_000_100, 120);
});

test('a probe that learns nothing hands the probe to the next caller', async () => {
  const clock = fakeTime();
  const store = new MemoryThrottleStore(clock);
  const first = await store.reserve('s', 10);
  const second = store.reserve('s', 10);
  await store.settle('s', first, {});
  await second;
  assert.equal(await store.snapshot('s'), undefined, 'still nothing known');
});

test('callers queue in order and each goes exactly when the bucket holds its cost', async () => {
  const { clock, store } = await primed(30);
  const start = clock.now();
  const granted: { at: number; r: Reservation }[] = [];
  for (let i = 0; i < 5; i++) track(store, clock, 10, granted);
  await clock.advance(2000);
  // 30 points: two go now (20 used, 10 left), the third needs 11: 20 ms; then 10 points (200 ms) each
  assert.deepEqual(
    granted.map((g) => g.at - start),
    [0, 0, 20, 220, 420],
  );
  assert.deepEqual(
    granted.map((g) => g.r.id),
    [...granted.map((g) => g.r.id)].sort((a, b) => a - b),
    'in order',
  );
});

test('a refund in an answer lets the queue move at once', async () => {
  const { clock, store } = await primed(100);
  const big = await store.reserve('s', 95);
  const granted: { at: number; r: Reservation }[] = [];
  track(store, clock, 50, granted);
  await clock.advance(10);
  assert.equal(granted.length, 0);
  // the big call cost only 5: Shopify reports 95 back in the bucket
  await store.settle('s', big, { status: status(95), actualCost: 5 });
  await flush();
  assert.equal(granted.length, 1);
});

test('time refills the model at the restore rate up to the maximum', async () => {
  const { clock, store } = await primed(0);
  await clock.advance(1000);
  assert.equal((await store.snapshot('s'))!.level, 50);
  await clock.advance(10_000);
  assert.equal((await store.snapshot('s'))!.level, 100);
});

test('an answer to a call sent before the last applied one only refunds what Shopify did not charge', async () => {
  const { store } = await primed(100);
  const a = await store.reserve('s', 40);
  const b = await store.reserve('s', 40);
  // the later-sent call answers first: Shopify saw both (20 left), but a is unanswered, so we count it as unseen
  await store.settle('s', b, { status: status(20), actualCost: 40 });
  assert.equal((await store.snapshot('s'))!.level, 21 - 40);
  // a's figure is older than b's: only its refund counts (it cost 12 of the 40 held)
  await store.settle('s', a, { status: status(90), actualCost: 12 });
  assert.equal((await store.snapshot('s'))!.level, 21 - 40 + 28);
});

test("Shopify's figure is lowered by the calls it has not seen yet", async () => {
  const { store } = await primed(100);
  const a = await store.reserve('s', 10);
  await store.reserve('s', 10);
  await store.reserve('s', 10);
  await store.settle('s', a, { status: status(80), actualCost: 10 });
  const snap = (await store.snapshot('s'))!;
  // Shopify saw a, and something else took 10 more: it reports 80 (whole points, so at most 81 in truth);
  // the two later calls are not in its figure yet
  assert.equal(snap.level, 81 - 20);
  assert.equal(snap.outstanding, 20);
});

test("within Shopify's rounding our finer model is kept; a THROTTLED answer is taken as it is", async () => {
  const { clock, store } = await primed(0);
  await clock.advance(30); // model: 1.5 points
  const a = await store.reserve('s', 0);
  await store.settle('s', a, { status: status(1), actualCost: 0 }); // Shopify floors to 1
  assert.equal((await store.snapshot('s'))!.level, 1.5);
  const b = await store.reserve('s', 0);
  await store.settle('s', b, { status: status(0), actualCost: 0, throttled: true });
  assert.equal((await store.snapshot('s'))!.level, 0);
});

test('shops have separate buckets', async () => {
  const { store } = await primed(0);
  const other = await store.reserve('other', 10);
  assert.ok(other.id > 0, 'the other shop is probed at once');
});

test('a call costing more than the whole bucket waits for a full bucket, not forever', async () => {
  const { clock, store } = await primed(0, 100, 50);
  const granted: { at: number; r: Reservation }[] = [];
  const start = clock.now();
  track(store, clock, 250, granted);
  await clock.advance(5000);
  assert.equal(granted[0].at - start, 2000);
  assert.equal(granted[0].r.cost, 100);
});

test('msUntilAvailable answers how long the bucket needs for a cost', () => {
  assert.equal(msUntilAvailable(status(0, 100, 50), 10), 200);
  assert.equal(msUntilAvailable(status(20, 100, 50), 10), 0);
  assert.equal(msUntilAvailable(status(5, 1000, 100), 10), 50);
});
