// The bridge as real processes (`shopify-scim serve`): killed with SIGKILL mid-burst and restarted, nothing is lost
// or duplicated; stopped with SIGTERM, it leaves no job running; two instances on one PostgreSQL share the work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { testDatabase, postgresUrl } from '../helpers/db.js';
import { oktaUser } from './harness.js';
import { SUITE_SCIM_ENV } from '../helpers/security.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** the jobs SCIM user writes make (the bridge runs other kinds too, e.g. webhook subscriptions at start) */
const USER_JOBS = ['user.sync', 'user.delete'];
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Serve {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `shopify-scim serve` as a child process and resolves once it listens. */
function serve(env: Record<string, string>): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...SUITE_SCIM_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 30_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}${err}`));
    });
  });
}

async function emulator(): Promise<Emulator> {
  const emu = await startEmulator({ bucketSize: 4000, restoreRate: 1000 });
  cleanups.push(() => emu.close());
  return emu;
}

function envFor(emu: Emulator, databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    SYNC_WAIT_MS: '300',
    SHOPIFY_SHOP: emu.shop,
    SHOPIFY_ACCESS_TOKEN: emu.accessToken,
    SHOPIFY_WEBHOOK_SECRET: emu.clientSecret,
    SHOPIFY_API_BASE_URL: emu.url,
  };
}

async function tokenFor(store: Store): Promise<string> {
  const tenant = await new TenantRepository(store.db).requireByName('default');
  return (await new TenantRepository(store.db).createToken(tenant.id, 'okta')).token;
}

/** Sends one SCIM request; on a connection failure (the process died) waits for `ready()` and sends it again. */
async function send(
  base: () => Promise<string>,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  for (;;) {
    try {
      const r = await fetch(`${await base()}/scim/v2/default${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Creates `user` (or finds it, when a create's answer was lost) and renames it step by step; returns its id. */
async function userScript(base: () => Promise<string>, token: string, userName: string, steps: number, onAck: () => void): Promise<string> {
  let r = await send(base, token, 'POST', '/Users', oktaUser(userName));
  if (r.status === 409) {
    // The first try was stored but its answer lost: look it up, as an IdP does.
    r = await send(base, token, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    r = { status: 201, body: r.body.Resources[0] };
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

async function converged(store: Store, prefix: string, users: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const rows = await store.db
      .selectFrom('customer_links')
      .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
      .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version'])
      .where('users.user_name', 'like', `${prefix}%`)
      .execute();
    if (rows.length === users && rows.every((r) => r.sync_state === 'synced' && Number(r.synced_version) === Number(r.version))) return;
    if (Date.now() > end)
      throw new Error(
        `not converged: ${JSON.stringify(rows.filter((r) => r.sync_state !== 'synced' || Number(r.synced_version) !== Number(r.version)).slice(0, 5))}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
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
    const emu = await emulator();
    const dir = mkdtempSync(join(tmpdir(), 'scim-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = envFor(emu, `sqlite:${join(dir, 'bridge.sqlite')}`, dir);
    let current = await serve(env);
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
          current = await serve(env);
          return current.url;
        });
      }
    };
    await Promise.all([...Array(USERS).keys()].map((u) => userScript(() => ready, token, `kill${u}@example.com`, STEPS, onAck)));
    assert.ok(killed, 'the process was killed during the burst');
    await converged(store, 'kill', USERS, 60_000);
    assertCustomers(emu, 'kill', USERS, STEPS);
    const left = await store.db
      .selectFrom('outbox_jobs')
      .select(['state', 'kind'])
      .where('kind', 'in', USER_JOBS)
      .where('state', 'in', ['queued', 'running', 'dead'])
      .execute();
    assert.deepEqual(left, [], 'every job finished');

    current.child.kill('SIGTERM');
    assert.equal(await current.exited, 0, 'a SIGTERM stops the bridge cleanly');
  },
);

test(
  'two bridge processes on one PostgreSQL database never run a job twice and keep each user in order',
  { skip: testDatabase !== 'postgres', timeout: 180_000 },
  async () => {
    const dbName = `scim_procs_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    cleanups.push(async () => {
      // Sessions of the stopped processes may take a moment to end; forcing them would hit whoever still holds one.
      for (let i = 0; ; i++) {
        try {
          await admin.query(`drop database if exists ${dbName}`);
          break;
        } catch (e) {
          if (i >= 20) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      await admin.end();
    });
    const url = new URL(postgresUrl);
    url.pathname = `/${dbName}`;
    const emu = await emulator();
    const dir = mkdtempSync(join(tmpdir(), 'scim-two-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = envFor(emu, url.toString(), dir);
    const a = await serve(env);
    const b = await serve(env);
    const store = await openStore({ url: url.toString(), poolSize: 2 });
    cleanups.push(() => store.close());
    const token = await tokenFor(store);

    const USERS = 16;
    const STEPS = 10;
    let n = 0;
    // Requests alternate between the two instances, so both enqueue and both claim.
    const base = async () => (n++ % 2 === 0 ? a.url : b.url);
    await Promise.all([...Array(USERS).keys()].map((u) => userScript(base, token, `two${u}@example.com`, STEPS, () => {})));
    await converged(store, 'two', USERS, 60_000);
    assertCustomers(emu, 'two', USERS, STEPS);

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

    // Per user, the versions Shopify received only ever increase.
    const entries = await store.db
      .selectFrom('audit_log')
      .select(['resource_id', 'detail', 'id'])
      .where('action', 'like', 'shopify.customer.%')
      .orderBy('id')
      .execute();
    const seen = new Map<string, number>();
    for (const e of entries) {
      const v = (JSON.parse(e.detail) as { version?: number }).version;
      if (v === undefined) continue;
      const prev = seen.get(e.resource_id!) ?? 0;
      assert.ok(v > prev, `user ${e.resource_id} got version ${v} after ${prev}`);
      seen.set(e.resource_id!, v);
    }
    assert.equal(seen.size, USERS);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    assert.deepEqual(await Promise.all([a.exited, b.exited]), [0, 0]);
  },
);
