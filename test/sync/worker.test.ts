// The outbox and its worker against a real database: commit-bound enqueue, per-key order under concurrency,
// retries and dead letters, coalescing, lease take-over and graceful stop; on PostgreSQL also two workers at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabase } from '../helpers/db.js';
import { freshStore as store } from '../helpers/stores.js';
import { openStore } from '../../src/store/db.js';
import { enqueue, getJob, retryDead, listDead } from '../../src/store/outbox.js';
import { claimJobs } from '../../src/store/claim.js';
import { Worker } from '../../src/sync/worker.js';
import { jobBackoff, type JobHandler } from '../../src/sync/job-contract.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast = { baseDelayMs: 5, maxDelayMs: 20 };

test('a job enqueued in a rolled-back transaction never runs; a committed one runs', async () => {
  const s = await store();
  const ran: string[] = [];
  const w = new Worker({ store: s, pollMs: 20 }).register('t.note', async ({ job }) => {
    ran.push((job.payload as { n: string }).n);
    return { outcome: 'done' };
  });
  await w.start();
  try {
    await s.db
      .transaction()
      .execute(async (tx) => {
        await enqueue(tx, { tenantId: 't', key: 'k', kind: 't.note', payload: { n: 'rolled back' } });
        throw new Error('abort');
      })
      .catch(() => undefined);
    const id = await s.db.transaction().execute((tx) => enqueue(tx, { tenantId: 't', key: 'k', kind: 't.note', payload: { n: 'kept' } }));
    w.wake();
    const r = await w.waitFor(id, 5000);
    assert.equal(r?.state, 'done', JSON.stringify(r));
    assert.deepEqual(ran, ['kept']);
  } finally {
    await w.stop();
  }
});

test('jobs of one key run one at a time in id order while different keys run concurrently', async () => {
  const s = await store();
  const seen = new Map<string, number[]>();
  const busy = new Set<string>();
  let concurrent = 0;
  let maxConcurrent = 0;
  const handler: JobHandler = async ({ job }) => {
    assert.ok(!busy.has(job.key), `two jobs of ${job.key} ran at once`);
    busy.add(job.key);
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await sleep(Math.random() * 4);
    (seen.get(job.key) ?? seen.set(job.key, []).get(job.key)!).push((job.payload as { seq: number }).seq);
    busy.delete(job.key);
    concurrent--;
    return { outcome: 'done' };
  };
  const ids: number[] = [];
  for (let seq = 0; seq < 20; seq++)
    for (let k = 0; k < 8; k++) ids.push(await enqueue(s.db, { tenantId: 't', key: `k${k}`, kind: 't.step', payload: { seq } }));
  const w = new Worker({ store: s, concurrency: 6, pollMs: 20 }).register('t.step', handler);
  await w.start();
  try {
    const results = await Promise.all(ids.map((id) => w.waitFor(id, 20000)));
    assert.ok(
      results.every((r) => r?.state === 'done'),
      'every job finished',
    );
    for (const [key, list] of seen) assert.deepEqual(list, [...Array(20).keys()], `order of ${key}`);
    assert.ok(maxConcurrent > 1, `keys ran concurrently (max ${maxConcurrent})`);
  } finally {
    await w.stop();
  }
});

test('a retryable failure is retried with backoff until it succeeds, and the first-attempt waiter hears of it', async () => {
  const s = await store();
  let calls = 0;
  const w = new Worker({ store: s, pollMs: 20, retry: fast }).register('t.flaky', async () => {
    calls++;
    return calls < 3 ? { outcome: 'retry', error: { code: 'HTTP_5XX', message: 'Shopify answered HTTP 503' } } : { outcome: 'done' };
  });
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.flaky' });
  await w.start();
  try {
    const first = await w.waitFor(id, 5000, { firstAttempt: true });
    assert.equal(first?.state, 'queued', JSON.stringify(first));
    assert.equal(first?.error?.code, 'HTTP_5XX');
    const r = await w.waitFor(id, 5000);
    assert.equal(r?.state, 'done', JSON.stringify(r));
    assert.equal(r?.attempts, 3);
    const row = await getJob(s.db, id);
    assert.equal(row?.lastError, null, 'a success clears the last error');
  } finally {
    await w.stop();
  }
});

test('a job whose retries run out is dead-lettered with the reason, and retryDead runs it again', async () => {
  const s = await store();
  let healthy = false;
  const w = new Worker({ store: s, pollMs: 20, retry: { ...fast, maxAttempts: 3 } }).register('t.down', async () =>
    healthy ? { outcome: 'done' } : { outcome: 'retry', error: { code: 'TIMEOUT', message: 'Shopify did not answer within 15000 ms' } },
  );
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.down' });
  await w.start();
  try {
    const r = await w.waitFor(id, 5000);
    assert.equal(r?.state, 'dead', JSON.stringify(r));
    assert.equal(r?.attempts, 3);
    assert.match(r?.error?.message ?? '', /gave up after 3 attempts: Shopify did not answer/);
    assert.deepEqual(
      (await listDead(s.db, { tenantId: 't' })).map((j) => j.id),
      [id],
    );
    healthy = true;
    assert.equal(await retryDead(s.db, { tenantId: 't' }), 1);
    w.wake();
    assert.equal((await w.waitFor(id, 5000))?.state, 'done');
  } finally {
    await w.stop();
  }
});

test("a kind's onDead hook runs in the transaction that dead-letters its job: a failing hook leaves the job undecided until its lease runs out", async () => {
  const s = await store();
  const seen: { attempts: number; gaveUp: boolean; code: string }[] = [];
  let fail = true;
  const w = new Worker({ store: s, pollMs: 20, leaseMs: 150, retry: { ...fast, maxAttempts: 2 } }).register(
    't.doomed',
    async () => ({ outcome: 'retry', error: { code: 'HTTP_5XX', message: 'Shopify answered HTTP 503' } }),
    {
      onDead: async (tx, dead) => {
        await enqueue(tx, { tenantId: 't', key: 'marks', kind: 't.mark', payload: { of: dead.job.id } });
        seen.push({ attempts: dead.attempts, gaveUp: dead.gaveUp, code: dead.error.code });
        if (fail) {
          fail = false;
          throw new Error('the hook broke');
        }
      },
    },
  );
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.doomed' });
  const marks = async () => (await s.db.selectFrom('outbox_jobs').select('id').where('kind', '=', 't.mark').execute()).length;
  await w.start();
  try {
    const r = await w.waitFor(id, 5000);
    assert.equal(r?.state, 'dead', JSON.stringify(r));
    assert.deepEqual(
      seen,
      [
        { attempts: 2, gaveUp: true, code: 'HTTP_5XX' },
        { attempts: 3, gaveUp: true, code: 'HTTP_5XX' },
      ],
      'the broken hook left the job running; it was taken over when the lease ran out and dead-lettered again',
    );
    assert.equal(await marks(), 1, "the broken hook's write was rolled back with the dead-lettering");
    assert.equal((await getJob(s.db, id))?.state, 'dead');
  } finally {
    await w.stop();
  }
});

test('a permanent failure is dead-lettered at once and does not block later jobs of its key', async () => {
  const s = await store();
  const w = new Worker({ store: s, pollMs: 20 }).register('t.check', async ({ job }) =>
    (job.payload as { ok: boolean }).ok
      ? { outcome: 'done' }
      : { outcome: 'failed', error: { code: 'PHONE_INVALID', message: 'Phone is invalid' } },
  );
  const bad = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.check', payload: { ok: false } });
  const good = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.check', payload: { ok: true } });
  await w.start();
  try {
    const r = await w.waitFor(bad, 5000);
    assert.deepEqual([r?.state, r?.attempts, r?.error?.code], ['dead', 1, 'PHONE_INVALID']);
    assert.equal((await w.waitFor(good, 5000))?.state, 'done');
  } finally {
    await w.stop();
  }
});

test('queued jobs of a coalescing kind collapse into one run, up to a job of another kind', async () => {
  const s = await store();
  const runs: string[] = [];
  const w = new Worker({ store: s, pollMs: 20 })
    .register(
      't.sync',
      async ({ job, coalesced }) => {
        runs.push(`sync#${job.id}+${coalesced.length}`);
        return { outcome: 'done' };
      },
      { coalesce: true },
    )
    .register('t.delete', async ({ job }) => {
      runs.push(`delete#${job.id}`);
      return { outcome: 'done' };
    });
  const a = [];
  for (let i = 0; i < 4; i++) a.push(await enqueue(s.db, { tenantId: 't', key: 'user:1', kind: 't.sync' }));
  const del = await enqueue(s.db, { tenantId: 't', key: 'user:1', kind: 't.delete' });
  const b = [];
  for (let i = 0; i < 2; i++) b.push(await enqueue(s.db, { tenantId: 't', key: 'user:1', kind: 't.sync' }));
  await w.start();
  try {
    const last = await w.waitFor(b[1]!, 5000);
    assert.equal(last?.ranAs, b[0], 'the last sync was covered by the first one after the delete');
    const covered = await w.waitFor(a[3]!, 5000);
    assert.deepEqual([covered?.state, covered?.ranAs], ['done', a[0]]);
    assert.deepEqual(runs, [`sync#${a[0]}+3`, `delete#${del}`, `sync#${b[0]}+1`]);
    assert.equal((await getJob(s.db, a[2]!))?.state, 'coalesced');
  } finally {
    await w.stop();
  }
});

test('a job whose worker died is taken over once its lease expires', async () => {
  const s = await store();
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.once' });
  const taken = await claimJobs(s.db, s.dialect, {
    instanceId: 'gone',
    now: Date.now(),
    leaseMs: 150,
    limit: 5,
    kinds: ['t.once'],
    coalescing: new Set(),
  });
  assert.deepEqual(
    taken.map((c) => c.job.id),
    [id],
  );
  let ranBy = '';
  const w = new Worker({ store: s, pollMs: 20, recoverOnStart: false, instanceId: 'heir' }).register('t.once', async ({ job }) => {
    ranBy = `${job.attempts}`;
    return { outcome: 'done' };
  });
  await w.start();
  try {
    await sleep(60);
    assert.equal((await getJob(s.db, id))?.leasedBy, 'gone', 'a live lease is respected');
    const r = await w.waitFor(id, 5000);
    assert.equal(r?.state, 'done');
    assert.equal(ranBy, '2', 'the take-over counts as the second attempt');
  } finally {
    await w.stop();
  }
});

test('stop() gives back the lease of a job that does not finish within the grace time', async () => {
  const s = await store();
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.slow' });
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const w = new Worker({ store: s, pollMs: 20, stopGraceMs: 50 }).register('t.slow', async ({ signal }) => {
    started();
    await new Promise((r) => signal.addEventListener('abort', r));
    return { outcome: 'done' };
  });
  await w.start();
  await running;
  await w.stop();
  const row = await getJob(s.db, id);
  assert.deepEqual([row?.state, row?.attempts, row?.leasedBy], ['queued', 0, null]);
});

test('on SQLite a starting worker requeues jobs a killed process left running', { skip: testDatabase !== 'sqlite' }, async () => {
  const s = await store();
  const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.x' });
  await claimJobs(s.db, s.dialect, {
    instanceId: 'killed',
    now: Date.now(),
    leaseMs: 3600_000,
    limit: 1,
    kinds: ['t.x'],
    coalescing: new Set(),
  });
  const w = new Worker({ store: s, pollMs: 20 }).register('t.x', async () => ({ outcome: 'done' }));
  await w.start();
  try {
    assert.equal((await w.waitFor(id, 3000))?.state, 'done');
  } finally {
    await w.stop();
  }
});

test(
  'on SQLite a worker starting beside a running one leaves the jobs that one holds alone',
  { skip: testDatabase !== 'sqlite' },
  async () => {
    const s = await store();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runs: string[] = [];
    const a = new Worker({ store: s, pollMs: 20, instanceId: 'a' }).register('t.held', async () => {
      runs.push('a');
      await gate;
      return { outcome: 'done' };
    });
    const b = new Worker({ store: s, pollMs: 20, instanceId: 'b' }).register('t.held', async () => {
      runs.push('b');
      return { outcome: 'done' };
    });
    const id = await enqueue(s.db, { tenantId: 't', key: 'k', kind: 't.held' });
    await a.start();
    try {
      for (let i = 0; i < 100 && runs.length === 0; i++) await sleep(20);
      assert.deepEqual(runs, ['a']);
      await b.start();
      await sleep(150);
      const row = await getJob(s.db, id);
      assert.deepEqual([row?.state, row?.leasedBy, runs], ['running', 'a', ['a']]);
      release();
      assert.equal((await a.waitFor(id, 3000))?.state, 'done');
      assert.deepEqual(runs, ['a']);
    } finally {
      release();
      await b.stop();
      await a.stop();
    }
  },
);

test('full-jitter backoff stays within the doubling cap', () => {
  const r = { baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    jobBackoff(1, r, () => 0.999),
    99,
  );
  assert.equal(
    jobBackoff(3, r, () => 0.5),
    200,
  );
  assert.equal(
    jobBackoff(10, r, () => 0.999),
    999,
  );
  assert.equal(
    jobBackoff(4, r, () => 0),
    0,
  );
});

test(
  'two workers on one PostgreSQL database never run a job twice and keep per-key order',
  { skip: testDatabase !== 'postgres' },
  async () => {
    const s = await store();
    const other = await openStore({ url: s.url, pgSchema: s.pgSchema, poolSize: 5 });
    try {
      const runs: { id: number; key: string; seq: number; by: string }[] = [];
      const busy = new Set<string>();
      const make = (name: string, st: typeof s | typeof other) =>
        new Worker({ store: st, concurrency: 4, pollMs: 10, instanceId: name }).register('t.pg', async ({ job }) => {
          assert.ok(!busy.has(job.key), `two jobs of ${job.key} ran at once`);
          busy.add(job.key);
          await sleep(Math.random() * 3);
          runs.push({ id: job.id, key: job.key, seq: (job.payload as { seq: number }).seq, by: name });
          busy.delete(job.key);
          return { outcome: 'done' };
        });
      const ids: number[] = [];
      for (let seq = 0; seq < 25; seq++)
        for (let k = 0; k < 6; k++) ids.push(await enqueue(s.db, { tenantId: 't', key: `k${k}`, kind: 't.pg', payload: { seq } }));
      const a = make('a', s);
      const b = make('b', other);
      await Promise.all([a.start(), b.start()]);
      try {
        const results = await Promise.all(ids.map((id) => a.waitFor(id, 30000)));
        assert.ok(results.every((r) => r?.state === 'done'));
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      assert.equal(runs.length, ids.length, 'each job ran exactly once');
      assert.equal(new Set(runs.map((r) => r.id)).size, ids.length);
      for (let k = 0; k < 6; k++)
        assert.deepEqual(
          runs.filter((r) => r.key === `k${k}`).map((r) => r.seq),
          [...Array(25).keys()],
        );
      assert.ok(new Set(runs.map((r) => r.by)).size === 2, 'both workers took part');
    } finally {
      await other.close();
    }
  },
);
