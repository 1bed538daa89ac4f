// Graceful shutdown of a real `shopify-scim serve` process on SIGTERM, with Shopify slow: it stops taking requests at
// once, the requests in flight are answered, jobs still running when the grace time ends give their leases back
// (queued, unleased: the next instance takes them at once), and the process exits 0 within SHUTDOWN_TIMEOUT_MS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase } from '../helpers/db.js';
import { oktaUser } from '../sync/harness.js';
import { assertExactlyOnce, converged, emulator, envFor, openShared, privateDatabase, serve, tokenFor, type Cleanups } from './procs.js';

const cleanups: Cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const SHUTDOWN_TIMEOUT_MS = 4000;

test(
  'SIGTERM: no new requests, in-flight ones answered, running jobs released, exit 0 within SHUTDOWN_TIMEOUT_MS',
  { timeout: 120_000 },
  async () => {
    const emu = await emulator(cleanups);
    const db = await privateDatabase(testDatabase, cleanups);
    const env = envFor(emu, db.url, db.dir, { SYNC_WAIT_MS: '1500', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
    const first = await serve(env, cleanups);
    const store = await openShared(db.url, cleanups);
    const token = await tokenFor(store);
    // Every Shopify call now takes longer than the shutdown's grace for jobs (60% of the timeout).
    emu.control.setFaults({ latencyMs: 3500 });

    const USERS = 4;
    const inFlight = [...Array(USERS).keys()].map((u) =>
      fetch(`${first.url}/scim/v2/default/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify(oktaUser(`term${u}@example.com`, { name: { givenName: 'Ada', familyName: 'Before' } })),
      }),
    );
    // Wait until the writes are committed and their jobs are running (waiting on Shopify), then stop the process.
    for (let i = 0; ; i++) {
      const running = await store.db
        .selectFrom('outbox_jobs')
        .select('id')
        .where('kind', '=', 'user.sync')
        .where('state', '=', 'running')
        .execute();
      if (running.length >= USERS) break;
      assert.ok(i < 200, 'the jobs started');
      await new Promise((r) => setTimeout(r, 25));
    }
    const t0 = Date.now();
    first.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));

    // A new request is refused: the listener is closed (connection refused) or, on a kept-alive socket, 503.
    const late = await fetch(`${first.url}/healthz`).then(
      (r) => r.status,
      () => 'refused' as const,
    );
    assert.ok(late === 'refused' || late === 503, `a request after SIGTERM got ${late}`);

    // The requests in flight are answered (pending: Shopify had not answered within SYNC_WAIT_MS).
    const answers = await Promise.all(inFlight.map(async (p) => (await p).status));
    assert.deepEqual(answers, Array(USERS).fill(201), 'in-flight requests finish');

    const code = await first.exited;
    const took = Date.now() - t0;
    assert.equal(code, 0, `a clean exit: ${first.stderr()}\n${first.stdout().slice(-3000)}`);
    assert.ok(took < SHUTDOWN_TIMEOUT_MS + 1000, `exited after ${took} ms`);

    // Nothing is left leased: what was still running is queued again without a lease, ready for the next instance.
    const jobs = await store.db
      .selectFrom('outbox_jobs')
      .select(['id', 'state', 'lease_until', 'leased_by', 'attempts'])
      .where('kind', '=', 'user.sync')
      .execute();
    assert.deepEqual(
      jobs.filter((j) => j.state === 'running'),
      [],
      'no job is left running',
    );
    const released = jobs.filter((j) => j.state === 'queued');
    assert.ok(released.length >= 1, `the jobs Shopify had not answered were given back: ${JSON.stringify(jobs)}`);
    for (const j of released) {
      assert.equal(j.lease_until, null);
      assert.equal(j.leased_by, null);
      assert.equal(Number(j.attempts), 0, 'a released run does not use up an attempt');
    }

    // The next instance takes them over at once and every write lands exactly once.
    emu.control.clearFaults();
    const second = await serve({ ...env, LOG_LEVEL: 'info' }, cleanups);
    await converged(store, 'term', USERS, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${second.stdout().slice(-4000)}`);
    });
    await assertExactlyOnce(store, emu, 'term', new Map([...Array(USERS).keys()].map((u) => [`term${u}@example.com`, 'Before'])));
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  },
);

test(
  'SIGTERM with a request that outlasts SHUTDOWN_TIMEOUT_MS: the process still exits at the bound, with 1',
  { timeout: 60_000 },
  async () => {
    const emu = await emulator(cleanups);
    const db = await privateDatabase(testDatabase, cleanups);
    // The request waits up to 10 s for Shopify, which takes 8 s: far beyond the 800 ms bound.
    const bridge = await serve(envFor(emu, db.url, db.dir, { SYNC_WAIT_MS: '10000', SHUTDOWN_TIMEOUT_MS: '800' }), cleanups);
    const store = await openShared(db.url, cleanups);
    const token = await tokenFor(store);
    emu.control.setFaults({ latencyMs: 8000 });
    const slow = fetch(`${bridge.url}/scim/v2/default/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(oktaUser('bound@example.com')),
    }).then(
      (r) => r.status,
      () => 'reset' as const,
    );
    for (let i = 0; ; i++) {
      const running = await store.db
        .selectFrom('outbox_jobs')
        .select('id')
        .where('kind', '=', 'user.sync')
        .where('state', '=', 'running')
        .execute();
      if (running.length >= 1) break;
      assert.ok(i < 200, 'the job started');
      await new Promise((r) => setTimeout(r, 25));
    }
    const t0 = Date.now();
    bridge.child.kill('SIGTERM');
    assert.equal(await bridge.exited, 1, 'the bound was hit');
    const took = Date.now() - t0;
    assert.ok(took >= 700 && took < 3000, `exited after ${took} ms`);
    assert.match(bridge.stderr(), /SHUTDOWN_TIMEOUT_MS/);
    assert.equal(await slow, 'reset', 'the request that outlasted the bound lost its connection');
    // Its job was given back before the bound (the worker's grace is 60% of it): queued, unleased.
    const job = await store.db
      .selectFrom('outbox_jobs')
      .select(['state', 'leased_by'])
      .where('kind', '=', 'user.sync')
      .executeTakeFirstOrThrow();
    assert.deepEqual(job, { state: 'queued', leased_by: null });
    emu.control.clearFaults();
  },
);
