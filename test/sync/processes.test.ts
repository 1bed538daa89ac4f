// The bridge as real processes (`shopify-scim serve`): killed with SIGKILL mid-burst and restarted, nothing is lost
// or duplicated; stopped with SIGTERM, it leaves no job running; two instances on one PostgreSQL share the work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { testDatabase } from '../helpers/db.js';
import { oktaUser } from './harness.js';
import {
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
} from '../reliability/procs.js';
import type { Emulator } from '../../src/emulator/index.js';

/** the jobs SCIM user writes make (the bridge runs other kinds too, e.g. webhook subscriptions at start) */
const USER_JOBS = ['user.sync', 'user.delete'];
const cleanups: Cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Creates `user` (or finds it, when a create's answer was lost) and renames it step by step; returns its id. */
async function userScript(base: () => Promise<string>, token: string, userName: string, steps: number, onAck: () => void): Promise<string> {
  let r = await send(base, token, 'POST', '/Users', oktaUser(userName));
  if (r.status === 409) {
    // The first try was stored but its answer lost: look it up, as an IdP does.
    r = await send(base, token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    r = { ...r, status: 201, body: r.body.Resources[0] };
  }
  assert.equal(r.status, 201, JSON.stringify(r.body));
  onAck();
  const id = r.body.id as string;
  for (let k = 1; k <= steps; k++) {
    const p = await send(base, token, 'PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'name.familyName', value: `Step-${k}` }],
    });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    onAck();
  }
  return id;
}

function assertCustomers(emu: Emulator, prefix: string, users: number, steps: number): void {
  const customers = emu.control.customers().filter((c) => c.email?.startsWith(prefix));
  assert.equal(
    customers.length,
    users,
    `one customer per user: ${customers
      .map((c) => c.email)
      .sort()
      .join(', ')}`,
  );
  for (const c of customers) assert.equal(c.lastName, `Step-${steps}`, `${c.email} ends at its last write`);
}

test(
  'a bridge killed with SIGKILL mid-burst and restarted loses and duplicates nothing; SIGTERM then stops it cleanly',
  { skip: testDatabase !== 'sqlite', timeout: 180_000 },
  async () => {
    const emu = await emulator(cleanups);
    const dir = mkdtempSync(join(tmpdir(), 'scim-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = envFor(emu, `sqlite:${join(dir, 'bridge.sqlite')}`, dir);
    let current = await serve(env, cleanups);
    const store = await openStore({ url: env.DATABASE_URL! });
    cleanups.push(() => store.close());
    const token = await tokenFor(store);

    let ready: Promise<string> = Promise.resolve(current.url);
    let acked = 0;
    let killed = false;
    const USERS = 20;
    const STEPS = 14;
    const onAck = () => {
      acked++;
      if (!killed && acked >= 100) {
        killed = true;
        current.child.kill('SIGKILL');
        ready = current.exited.then(async () => {
          current = await serve(env, cleanups);
          return current.url;
        });
      }
    };
    await Promise.all([...Array(USERS).keys()].map((u) => userScript(() => ready, token, `kill${u}@example.com`, STEPS, onAck)));
    assert.ok(killed, 'the process was killed during the burst');
    await converged(store, 'kill', USERS, 60_000);
    assertCustomers(emu, 'kill', USERS, STEPS);
    // The link is committed before the job is recorded done: wait for that record (or for the lease a killed
    // process held to run out and the job to run again).
    const left = await drained(store, USER_JOBS, 60_000);
    assert.deepEqual(left, [], 'every job finished');

    current.child.kill('SIGTERM');
    assert.equal(await current.exited, 0, 'a SIGTERM stops the bridge cleanly');
  },
);

test(
  'two bridge processes on one PostgreSQL database never run a job twice and keep each user in order',
  { skip: testDatabase !== 'postgres', timeout: 180_000 },
  async () => {
    const { url, dir } = await privateDatabase('postgres', cleanups);
    const emu = await emulator(cleanups);
    const env = envFor(emu, url, dir);
    const a = await serve(env, cleanups);
    const b = await serve(env, cleanups);
    const store = await openShared(url, cleanups);
    const token = await tokenFor(store);

    const USERS = 16;
    const STEPS = 10;
    let n = 0;
    // Requests alternate between the two instances, so both enqueue and both claim.
    const base = async () => (n++ % 2 === 0 ? a.url : b.url);
    await Promise.all([...Array(USERS).keys()].map((u) => userScript(base, token, `two${u}@example.com`, STEPS, () => {})));
    await converged(store, 'two', USERS, 60_000);
    assertCustomers(emu, 'two', USERS, STEPS);
    assert.deepEqual(await drained(store, USER_JOBS, 60_000), [], 'every job finished');

    const jobs = await store.db
      .selectFrom('outbox_jobs')
      .select(['id', 'state', 'attempts', 'leased_by'])
      .where('kind', 'in', USER_JOBS)
      .execute();
    const ran = jobs.filter((j) => j.state === 'done');
    assert.ok(
      ran.every((j) => Number(j.attempts) === 1),
      `a job ran twice: ${JSON.stringify(ran.filter((j) => Number(j.attempts) !== 1))}`,
    );
    assert.ok(
      jobs.every((j) => j.state === 'done' || j.state === 'coalesced'),
      JSON.stringify(jobs.filter((j) => j.state !== 'done' && j.state !== 'coalesced')),
    );
    assert.equal(new Set(ran.map((j) => j.leased_by)).size, 2, 'both instances ran jobs');

    // Per user, the versions Shopify received only ever increase; with no kill, every user has its writes recorded.
    assert.equal(await assertInOrder(store), USERS);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
  },
);
