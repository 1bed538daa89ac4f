import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryThrottleStore, msUntilAvailable } from './throttle.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const status = (currentlyAvailable: number, maximumAvailable = 100, restoreRate = 50) => ({ currentlyAvailable, maximumAvailable, restoreRate });

test('the first call goes at once and the others wait for what its answer says about the bucket', async () => {
  const c = clock();
  const store = new MemoryThrottleStore({ now: c.now });
  const first = await store.reserve('s', 10);
  assert.equal(first.sendAt, c.now());
  let secondResolved = false;
  const second = store.reserve('s', 10).then((r) => ((secondResolved = true), r));
  await new Promise((r) => setImmediate(r));
  assert.equal(secondResolved, false, 'the second caller waits for the probe');
  c.advance(100);
  await store.settle('s', first, { status: status(5), actualCost: 10 });
  const r2 = await second;
  // 5 points available, 10 + 0.5 needed at 50/s: 110 ms
  assert.equal(r2.sendAt - c.now(), 110);
});

test('a probe that learns nothing hands the probe to the next caller', async () => {
  const c = clock();
  const store = new MemoryThrottleStore({ now: c.now });
  const first = await store.reserve('s', 10);
  const second = store.reserve('s', 10);
  await store.settle('s', first, {});
  const r2 = await second;
  assert.equal(r2.sendAt, c.now(), 'the next caller probes at once');
  assert.equal(await store.snapshot('s'), undefined, 'still nothing known');
});

async function primed(available: number, max = 100, rate = 50) {
  const c = clock();
  const store = new MemoryThrottleStore({ now: c.now });
  const probe = await store.reserve('s', 1);
  await store.settle('s', probe, { status: status(available, max, rate), actualCost: 1 });
  return { c, store };
}

test('reservations queue behind each other and each waits exactly until the bucket holds its cost', async () => {
  const { c, store } = await primed(30);
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) waits.push((await store.reserve('s', 10)).sendAt - c.now());
  // 30 points: two go now; the third needs 10.5 with 10 left (10 ms); then 20 ms more per 10 points at 50/s
  assert.deepEqual(waits, [0, 0, 10, 210, 410]);
});

test('time refills the model at the restore rate up to the maximum', async () => {
  const { c, store } = await primed(0);
  c.advance(1000);
  assert.equal((await store.snapshot('s'))!.level, 50);
  c.advance(10_000);
  assert.equal((await store.snapshot('s'))!.level, 100);
});

test('an answer without fresh status refunds what Shopify did not charge', async () => {
  const { store } = await primed(100);
  const a = await store.reserve('s', 40);
  const b = await store.reserve('s', 40);
  await store.settle('s', b, { status: status(20), actualCost: 40 }); // the later-sent call answers first
  assert.equal((await store.snapshot('s'))!.level, 20);
  await store.settle('s', a, { status: status(90), actualCost: 12 }); // stale status: only the refund counts
  assert.equal((await store.snapshot('s'))!.level, 20 + 28);
});

test("Shopify's figure is lowered by the calls it has not seen yet", async () => {
  const { store } = await primed(100);
  const a = await store.reserve('s', 10);
  const b = await store.reserve('s', 10);
  const waiting = await store.reserve('s', 10);
  assert.ok(waiting.sendAt >= b.sendAt);
  await store.settle('s', a, { status: status(90), actualCost: 10 });
  const snap = (await store.snapshot('s'))!;
  // a was seen (90 left); b and waiting were sent at the same moment or later and are not in Shopify's figure
  assert.equal(snap.level, 90 - 10 - 10);
  assert.equal(snap.outstanding, 20);
});

test('shops have separate buckets', async () => {
  const { c, store } = await primed(0);
  const other = await store.reserve('other', 10);
  assert.equal(other.sendAt, c.now(), 'the other shop is probed at once');
});

test('msUntilAvailable answers how long the bucket needs for a cost', () => {
  assert.equal(msUntilAvailable(status(0, 100, 50), 10), 200);
  assert.equal(msUntilAvailable(status(20, 100, 50), 10), 0);
  assert.equal(msUntilAvailable(status(5, 1000, 100), 10), 50);
});
