// The SIGKILL scenario, shared by the test suite (small N) and bench/reliability-sigkill.ts (2,000 writes): a burst of
// SCIM creates and PATCHes of the same users (so order matters) while Shopify answers slowly, the bridge killed with
// SIGKILL `kills` times along the way and started again; then, counted over every user, each user is one Shopify
// customer whose state is the last write the bridge acknowledged, and Shopify received each user's versions in order.
import assert from 'node:assert/strict';
import { oktaUser } from '../sync/harness.js';
import {
  assertExactlyOnce,
  assertInOrder,
  converged,
  drained,
  emulator,
  envFor,
  openShared,
  privateDatabase,
  send,
  serve,
  tokenFor,
  type Cleanups,
  type Serve,
} from './procs.js';

export interface KillBurstOptions {
  database: 'sqlite' | 'postgres';
  users: number;
  /** PATCHes per user after its create */
  steps: number;
  kills: number;
  /** the emulator's latency fault, ms per GraphQL call */
  latencyMs: number;
  /** PostgreSQL: bridge processes sharing the database (one of them is killed each time) */
  instances?: number;
  convergeMs?: number;
}

export interface KillBurstResult {
  writes: number;
  kills: number;
  customers: number;
  seconds: number;
  convergeSeconds: number;
}

export async function killBurst(o: KillBurstOptions, cleanups: Cleanups): Promise<KillBurstResult> {
  const started = Date.now();
  const emu = await emulator(cleanups);
  const db = await privateDatabase(o.database, cleanups);
  // Short leases: on PostgreSQL a killed instance's jobs are taken over by another once their lease runs out.
  const env = envFor(emu, db.url, db.dir, { JOB_LEASE_MS: '3000' });
  const count = o.database === 'postgres' ? (o.instances ?? 2) : 1;
  const procs: Serve[] = [];
  for (let i = 0; i < count; i++) procs.push(await serve(env, cleanups));
  const store = await openShared(db.url, cleanups);
  const token = await tokenFor(store);
  emu.control.setFaults({ latencyMs: o.latencyMs });

  const total = o.users * (o.steps + 1);
  // Where each instance can be reached: a promise that waits while it restarts.
  const ready: Promise<string>[] = procs.map((p) => Promise.resolve(p.url));
  let n = 0;
  const base = () => ready[n++ % ready.length]!;
  let acked = 0;
  let kills = 0;
  const restarts: Promise<unknown>[] = [];
  const onAck = () => {
    acked++;
    // Kill at evenly spaced points of the burst, each time another instance on PostgreSQL.
    if (kills < o.kills && acked >= Math.floor((total * (kills + 1)) / (o.kills + 1))) {
      const i = kills % procs.length;
      kills++;
      const victim = procs[i]!;
      victim.child.kill('SIGKILL');
      const next = victim.exited.then(async () => {
        procs[i] = await serve(env, cleanups);
        return procs[i]!.url;
      });
      ready[i] = next;
      restarts.push(next);
    }
  };

  const expected = new Map<string, string>();
  const script = async (userName: string) => {
    let r = await send(base, token, 'POST', '/Users', oktaUser(userName, { name: { givenName: 'Ada', familyName: 'Step-0' } }));
    if (r.status === 409) {
      // The first try was stored but its answer lost: look it up, as an IdP does.
      r = await send(base, token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
      r = { ...r, status: 201, body: r.body.Resources[0] };
    }
    assert.equal(r.status, 201, JSON.stringify(r.body));
    expected.set(userName, 'Step-0');
    onAck();
    const id = r.body.id as string;
    for (let k = 1; k <= o.steps; k++) {
      const p = await send(base, token, 'PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'name.familyName', value: `Step-${k}` }],
      });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      expected.set(userName, `Step-${k}`);
      onAck();
    }
  };
  await Promise.all([...Array(o.users).keys()].map((u) => script(`kill${u}@example.com`)));
  await Promise.all(restarts);
  assert.equal(kills, o.kills, 'the bridge was killed during the burst');
  const burstDone = Date.now();
  await converged(store, 'kill', o.users, o.convergeMs ?? 60_000);
  // A user can be synced while its job is still marked running: the instance that did the work was killed between
  // committing the link and recording the job done. That job's lease runs out and another instance runs it again,
  // finding nothing left to do; the counts below are taken once it has.
  const left = await drained(store, ['user.sync', 'user.delete'], o.convergeMs ?? 60_000);
  assert.deepEqual(left, [], 'every job finished, none dead-lettered');
  const convergeSeconds = (Date.now() - burstDone) / 1000;
  await assertExactlyOnce(store, emu, 'kill', expected);
  // A write applied in Shopify just before a kill, then found already applied when its job ran again, is recorded
  // as unchanged (no entry): a user may have no entry at all. That each one reached Shopify exactly once, at its last
  // write, is what assertExactlyOnce counts; here only the order of what was recorded is checked.
  const recorded = await assertInOrder(store);
  assert.ok(recorded > 0 && recorded <= o.users, `${recorded} of ${o.users} users have recorded Shopify writes`);
  for (const p of procs) p.child.kill('SIGTERM');
  assert.deepEqual(
    await Promise.all(procs.map((p) => p.exited)),
    procs.map(() => 0),
    'SIGTERM stops each cleanly',
  );
  return { writes: total, kills, customers: expected.size, seconds: (Date.now() - started) / 1000, convergeSeconds };
}
