import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTags, createCustomer, MemoryThrottleStore } from '../../src/shopify/index.js';
import { email, harness, measureBurst } from './helpers.js';

const BUCKET = 100;
const RESTORE = 50;
const h = await harness({ bucketSize: BUCKET, restoreRate: RESTORE });

test('a sustained burst of concurrent mutations uses at least 90% of the restore rate and no THROTTLED escapes', async () => {
  const { client, events, em } = h;
  const c = await createCustomer(client, { email: email('burst') });
  const n = 40; // 40 × 10 points: the full bucket, then 300 points at 50/s ≈ 6 s
  const { failures, spent, startLevel, seconds, sustained, throttled } = await measureBurst(
    em,
    { size: BUCKET, restoreRate: RESTORE },
    () => Array.from({ length: n }, (_, i) => addTags(client, c.id, [`burst-${i}`])),
  );
  assert.deepEqual(failures, [], 'every call succeeds');
  assert.equal(em.control.customer(c.id)!.tags.length, n);
  assert.ok(
    sustained >= 0.9 * RESTORE,
    `spent ${spent} points in ${seconds.toFixed(2)} s from a level of ${startLevel}: ${sustained.toFixed(1)}/s`,
  );
  assert.equal(throttled, 0, `Shopify throttled ${throttled} calls (the client retried them)`);
  assert.equal(events.filter((e) => e.type === 'throttled').length, throttled);
});

test('two clients sharing one throttle store stay within the bucket together', async () => {
  const store = new MemoryThrottleStore();
  const a = h.newClient({ throttle: store });
  const b = h.newClient({ throttle: store });
  const c = await createCustomer(a.client, { email: email('shared') });
  const throttledBefore = h.em.control.counters().throttled;
  const calls = Array.from({ length: 10 }, (_, i) => addTags(i % 2 ? a.client : b.client, c.id, [`shared-${i}`]));
  const results = await Promise.allSettled(calls);
  assert.deepEqual(
    results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    [],
  );
  assert.equal(h.em.control.counters().throttled - throttledBefore, 0);
});

test('throttle pressure from another app is absorbed: calls wait and succeed', async () => {
  const { client, em } = h;
  const c = await createCustomer(client, { email: email('pressure') });
  em.control.setFaults({ throttlePressure: 0.5 });
  try {
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => addTags(client, c.id, [`p-${i}`])));
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
  } finally {
    em.control.clearFaults();
  }
});
