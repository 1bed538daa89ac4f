// The cost bucket shared through the database: what one instance reserves, another sees, so together they plan
// within one shop's budget; Shopify's own figures reset the model.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, testDatabase, type TestStore } from '../helpers/db.js';
import { DbThrottleStore } from '../../src/sync/throttle-store.js';

const stores: TestStore[] = [];
after(async () => {
  for (const s of stores) await s.close();
});

test('two instances reserving from one shop queue behind each other in the shared bucket', { skip: testDatabase !== 'postgres' }, async () => {
  const s = await openTestStore();
  stores.push(s);
  let now = 1_000_000;
  const a = new DbThrottleStore(s.db, { now: () => now });
  const b = new DbThrottleStore(s.db, { now: () => now });
  const shop = 'acme.myshopify.com';

  const probe = await a.reserve(shop, 10);
  assert.equal(probe.sendAt, now, 'nothing known yet: go at once');
  assert.equal(await a.snapshot(shop), undefined);
  await a.settle(shop, probe, { status: { maximumAvailable: 100, currentlyAvailable: 50, restoreRate: 10 }, actualCost: 10 });

  const first = await a.reserve(shop, 40);
  assert.equal(first.sendAt, now, '50 points are there for 40');
  const second = await b.reserve(shop, 40);
  assert.equal(second.sendAt - now, Math.ceil(((40 + 0.5 - 10) / 10) * 1000), 'the other instance waits for what the first one took');
  const snap = await b.snapshot(shop);
  assert.equal(snap?.outstanding, 80);
  assert.ok(snap!.level < 0, `the bucket is in debt until the restore: ${snap!.level}`);

  now += 10_000;
  await a.settle(shop, first, { status: { maximumAvailable: 100, currentlyAvailable: 70, restoreRate: 10 }, actualCost: 40 });
  const after1 = await a.snapshot(shop);
  assert.equal(after1?.level, 70 - 40, "Shopify's figure, less the call it has not seen yet");
  await b.settle(shop, second, { actualCost: 10 });
  assert.equal((await a.snapshot(shop))?.level, 60, 'what Shopify did not charge comes back');
});
