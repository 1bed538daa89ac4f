// An initial load is judged by how fast first creates arrive, not only by the queued backlog. On a Standard shop
// (100 points a second: 10 customerCreates) an IdP with 16 connections whose POSTs each wait for their outcome is held
// to the budget's pace, so its backlog never reaches a bulk create's threshold. Once its creates have arrived at that
// pace for a while, the bridge answers them at once (`pending`), the backlog builds at the IdP's speed and goes to
// Shopify as a bulk mutation; a trickle keeps waiting for, and answering with, its synced outcome.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, oktaUser, SHOPIFY_EXT, type Stack } from './harness.js';
import { call, type Res } from '../helpers/http.js';
import { testDatabase } from '../helpers/db.js';
import { SUITE_SCIM_ENV } from '../helpers/security.js';
import { loadConfig } from '../../src/config.js';
import { startBridge, type Bridge } from '../../src/server.js';

const STANDARD = { restoreRate: 100, bucketSize: 1000 };
// The window and the 50 arrivals of the defaults; a wide margin on the pace (40% of the per-call rate rather than
// 75%), so a loaded machine that lags the budget still shows the load.
const JUDGED = { initialLoad: { rateFraction: 0.4 } };

const stacks: Stack[] = [];
const others: Bridge[] = [];
after(async () => {
  for (const b of others) await b.close();
  for (const s of stacks) await s.close();
});

async function pool(n: number, width: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await each(next++);
    }),
  );
}

async function syncedCount(s: Stack): Promise<number> {
  const rows = await s.store.db
    .selectFrom('customer_links')
    .select('user_id')
    .where('tenant_id', '=', s.tenantId)
    .where('sync_state', '=', 'synced')
    .execute();
  return rows.length;
}

/** Every user of the tenant linked to a customer of its own, holding its email: exactly one customer per user. */
async function assertOneCustomerEach(s: Stack, prefix: string, n: number): Promise<void> {
  const customers = s.emu.control.customers().filter((c) => c.email?.startsWith(prefix));
  assert.equal(customers.length, n, 'one customer per user, no duplicate');
  assert.equal(new Set(customers.map((c) => c.email)).size, n);
  const links = await s.store.db
    .selectFrom('customer_links as l')
    .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'l.tenant_id').onRef('u.id', '=', 'l.user_id'))
    .select(['l.customer_id', 'u.user_name'])
    .where('l.tenant_id', '=', s.tenantId)
    .where('u.user_name', 'like', `${prefix}%`)
    .execute();
  assert.equal(links.length, n);
  assert.equal(new Set(links.map((l) => l.customer_id)).size, n, 'no two users share a customer');
  for (const l of links) assert.equal(s.emu.control.customer(l.customer_id!)?.email, l.user_name, `${l.user_name}'s customer`);
}

test(
  'an IdP held to a Standard shop’s pace: its POSTs stop waiting and the backlog goes through a bulk mutation',
  { timeout: 300_000 },
  async () => {
    const s = await startStack({ syncWaitMs: 3000, emulator: STANDARD, worker: { concurrency: 8 }, bulk: JUDGED });
    stacks.push(s);
    // The shop's one-time set-up (the custom id definition) is made by a first user, as in any bridge's life.
    const first = await s.req('POST', '/Users', oktaUser('first@example.com'));
    assert.equal(first.body[SHOPIFY_EXT]?.syncState, 'synced', first.dump);

    const n = 500;
    const states: string[] = [];
    let sawLoad = false;
    await pool(n, 16, async (i) => {
      const r = await s.req('POST', '/Users', oktaUser(`load${i}@example.com`));
      assert.equal(r.status, 201, r.dump);
      states.push(r.body[SHOPIFY_EXT]?.syncState);
      sawLoad ||= s.bridge.engine!.loads.inLoad(s.tenantId);
    });
    assert.ok(sawLoad, 'the tenant was judged to be in an initial load');
    const pending = states.filter((x) => x === 'pending').length;
    // Held to the budget's pace, a POST answers `synced` (its write reached Shopify within the wait); in the load, at once.
    assert.ok(pending >= 100, `POSTs answered pending: ${pending} of ${n}`);

    await s.until('every user synced', async () => (await syncedCount(s)) === n + 1, 240_000);
    const lines = s.emu.control.counters().bulkMutationLines;
    assert.ok(lines >= 100, `customers created by bulk mutation: ${lines}`);
    await assertOneCustomerEach(s, 'load', n);

    // Arrivals stopped: the load is over within the window, and a new user waits for its outcome again, one by one.
    await s.until('the load over', () => !s.bridge.engine!.loads.inLoad(s.tenantId), 60_000);
    const later = await s.req('POST', '/Users', oktaUser('after.load@example.com'));
    assert.equal(later.status, 201, later.dump);
    assert.equal(later.body[SHOPIFY_EXT]?.syncState, 'synced', later.dump);
    assert.equal(s.emu.control.counters().bulkMutationLines, lines, 'no bulk mutation for it');
  },
);

test('a trickle of new users stays on the per-call path and each POST answers with its synced customer', { timeout: 120_000 }, async () => {
  // Fewer arrivals count as a load here (10), so only the pace tells the trickle from a load.
  const s = await startStack({
    syncWaitMs: 3000,
    emulator: STANDARD,
    worker: { concurrency: 8 },
    bulk: { initialLoad: { ...JUDGED.initialLoad, minArrivals: 10 } },
  });
  stacks.push(s);
  // 40 users, one at a time with 400 ms between them: at most 2.5 a second (12 in half a window), for 16 s and more.
  // The bar is 40% of the 10 a second the budget serves: 20 in each half.
  const n = 40;
  for (let i = 0; i < n; i++) {
    const r = await s.req('POST', '/Users', oktaUser(`trickle${i}@example.com`));
    assert.equal(r.status, 201, r.dump);
    assert.equal(r.body[SHOPIFY_EXT]?.syncState, 'synced', r.dump);
    assert.ok(r.body[SHOPIFY_EXT]?.customerId, r.dump);
    assert.equal(s.bridge.engine!.loads.inLoad(s.tenantId), false, `judged a load after ${i + 1} users`);
    await new Promise((res) => setTimeout(res, 400));
  }
  assert.equal(s.emu.control.counters().bulkMutationLines, 0, 'no bulk mutation');
  await assertOneCustomerEach(s, 'trickle', n);
});

test(
  'two instances on one PostgreSQL: the one receiving a quarter of the creates judges the load by all of them',
  { timeout: 300_000, skip: testDatabase !== 'postgres' && 'several instances share a PostgreSQL database, not a SQLite file' },
  async () => {
    const s = await startStack({ syncWaitMs: 3000, emulator: STANDARD, worker: { concurrency: 4 }, bulk: JUDGED });
    stacks.push(s);
    const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-b-'));
    const b = await startBridge({
      config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', SYNC_WAIT_MS: '3000', ...SUITE_SCIM_ENV }),
      store: s.store,
      bulk: JUDGED,
      engine: { box: s.box, worker: { pollMs: 50, concurrency: 4, retry: { baseDelayMs: 50, maxDelayMs: 400 } } },
    });
    others.push(b);
    const reqB = (body: unknown): Promise<Res> =>
      call('POST', `${b.url}/scim/v2/acme/Users`, {
        headers: { authorization: `Bearer ${s.token}` },
        body,
        contentType: 'application/scim+json',
        label: '/Users (b)',
      });
    rmSync(dir, { recursive: true, force: true });
    const first = await s.req('POST', '/Users', oktaUser('first@example.com'));
    assert.equal(first.body[SHOPIFY_EXT]?.syncState, 'synced', first.dump);

    // Every fourth user goes to the second instance: held to the budget's 10 creates a second, it receives some 2.5 a
    // second itself, below the 4 a second (40%) that make a load; all of them together are above.
    const n = 500;
    let sawLoadB = false;
    await pool(n, 16, async (i) => {
      const r =
        i % 4 === 3 ? await reqB(oktaUser(`pair${i}@example.com`)) : await s.req('POST', '/Users', oktaUser(`pair${i}@example.com`));
      assert.equal(r.status, 201, r.dump);
      sawLoadB ||= b.engine!.loads.inLoad(s.tenantId);
    });
    assert.ok(sawLoadB, 'the second instance judged the tenant to be in an initial load');
    await s.until('every user synced', async () => (await syncedCount(s)) === n + 1, 240_000);
    const lines = s.emu.control.counters().bulkMutationLines;
    assert.ok(lines >= 100, `customers created by bulk mutation: ${lines}`);
    await assertOneCustomerEach(s, 'pair', n);
  },
);

test(
  'during an initial load a tenant whose policy is onShopifyRefusal reject still waits for each outcome',
  { timeout: 120_000 },
  async () => {
    // the scan that judges loads runs once an hour here: the verdict set below is the only one
    const s = await startStack({
      syncWaitMs: 3000,
      emulator: STANDARD,
      worker: { concurrency: 8 },
      bulk: { ...JUDGED, scanMs: 3_600_000 },
    });
    stacks.push(s);
    const loads = s.bridge.engine!.loads;
    // the scan's verdict, held for a minute: the tenant is in a load whatever its arrivals
    loads.set(s.tenantId, true, 60_000);
    const held = await s.req('POST', '/Users', oktaUser('held@example.com'));
    assert.equal(held.status, 201, held.dump);
    assert.equal(held.body[SHOPIFY_EXT]?.syncState, 'pending', 'under hold a first create answers at once during a load');

    await s.setSettings({ policies: { onShopifyRefusal: 'reject' } });
    loads.set(s.tenantId, true, 60_000);
    const ok = await s.req('POST', '/Users', oktaUser('checked@example.com'));
    assert.equal(ok.status, 201, ok.dump);
    assert.equal(ok.body[SHOPIFY_EXT]?.syncState, 'synced', 'under reject the answer carries Shopify’s outcome');
    // and a create Shopify refuses is undone and answered with the error, as outside a load
    const refused = await s.req(
      'POST',
      '/Users',
      oktaUser('bad@example.com', { phoneNumbers: [{ value: '+10005550100', type: 'mobile', primary: true }] }),
    );
    assert.equal(refused.status, 400, refused.dump);
    assert.equal((await s.req('GET', `/Users?filter=${encodeURIComponent('userName eq "bad@example.com"')}`)).body.totalResults, 0);
  },
);
