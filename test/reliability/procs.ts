// The bridge as real processes for the fault tests: `shopify-scim serve` started as a child (its stdout captured), a
// private database another process can open (a temp SQLite file, or a fresh PostgreSQL database), an emulator and a
// SCIM token, plus the checks every fault test ends with (every write in Shopify exactly once, in order).
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
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { postgresUrl } from '../helpers/db.js';
import { TEST_METRICS_TOKEN } from '../helpers/stack.js';
import { SUITE_SCIM_ENV } from '../helpers/security.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Serve {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** everything the process wrote to stdout so far (JSON log lines and the start-up lines) */
  stdout(): string;
  stderr(): string;
}

export type Cleanups = (() => Promise<void> | void)[];

/** Starts `shopify-scim serve` as a child process and resolves once it listens. */
export function serve(env: Record<string, string>, cleanups: Cleanups): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...SUITE_SCIM_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}${err}`)), 45_000);
    const look = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', look);
        resolve({ child, url: m[1]!, exited, stdout: () => out, stderr: () => err });
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}${err}`));
    });
  });
}

export async function emulator(cleanups: Cleanups, o: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ bucketSize: 4000, restoreRate: 1000, ...o });
  cleanups.push(() => emu.close());
  return emu;
}

/** A database of its own for the processes of one test: a temp SQLite file, or a new PostgreSQL database. */
export async function privateDatabase(kind: 'sqlite' | 'postgres', cleanups: Cleanups): Promise<{ url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-rel-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  if (kind === 'sqlite') return { url: `sqlite:${join(dir, 'bridge.sqlite')}`, dir };
  const dbName = `scim_rel_${randomBytes(5).toString('hex')}`;
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
  return { url: url.toString(), dir };
}

export function envFor(emu: Emulator, databaseUrl: string, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    SYNC_WAIT_MS: '300',
    SHOPIFY_SHOP: emu.shop,
    SHOPIFY_ACCESS_TOKEN: emu.accessToken,
    SHOPIFY_WEBHOOK_SECRET: emu.clientSecret,
    SHOPIFY_API_BASE_URL: emu.url,
    RECONCILE_INTERVAL_MS: '0',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...extra,
  };
}

export async function openShared(url: string, cleanups: Cleanups): Promise<Store> {
  const store = await openStore({ url, poolSize: 2 });
  cleanups.push(() => store.close());
  return store;
}

export async function tokenFor(store: Store): Promise<string> {
  const tenant = await new TenantRepository(store.db).requireByName('default');
  return (await new TenantRepository(store.db).createToken(tenant.id, 'okta')).token;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One SCIM request; on a connection failure (the process died) waits 100 ms, asks `base()` again and resends it. */
export async function send(base: () => Promise<string>, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  for (;;) {
    try {
      const r = await fetch(`${await base()}/scim/v2/default${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      // 503: the process is stopping (or the database is away): an IdP retries, and so do we.
      if (r.status === 503) {
        await new Promise((res) => setTimeout(res, 100));
        continue;
      }
      return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : undefined };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Waits until every user whose userName starts with `prefix` is synced at its current version. */
export async function converged(store: Store, prefix: string, users: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const rows = await store.db
      .selectFrom('customer_links')
      .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
      .select(['customer_links.sync_state', 'customer_links.synced_version', 'users.version', 'customer_links.sync_error_code'])
      .where('users.user_name', 'like', `${prefix}%`)
      .execute();
    if (rows.length === users && rows.every((r) => r.sync_state === 'synced' && Number(r.synced_version) === Number(r.version))) return;
    if (Date.now() > end)
      throw new Error(
        `not converged (${rows.length}/${users} links): ${JSON.stringify(rows.filter((r) => r.sync_state !== 'synced' || Number(r.synced_version) !== Number(r.version)).slice(0, 5))}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Waits until no job of the kinds is queued or running (a job a killed process held runs again once its lease runs
 * out), then returns the ones left queued, running or dead: an empty list is a drained outbox with no dead letter.
 */
export async function drained(store: Store, kinds: string[], ms: number): Promise<{ id: string; state: string; kind: string }[]> {
  const end = Date.now() + ms;
  for (;;) {
    const rows = await store.db
      .selectFrom('outbox_jobs')
      .select(['id', 'state', 'kind'])
      .where('kind', 'in', kinds)
      .where('state', 'in', ['queued', 'running', 'dead'])
      .execute();
    if (rows.every((r) => r.state === 'dead') || Date.now() > end)
      return rows.map((r) => ({ id: String(r.id), state: r.state, kind: r.kind }));
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Counts, over every user (not a sample): exactly one Shopify customer per user (by the customer id the link holds
 * and by e-mail), and its state equal to the last SCIM write the bridge acknowledged for that user.
 */
export async function assertExactlyOnce(store: Store, emu: Emulator, prefix: string, expected: Map<string, string>): Promise<void> {
  const customers = emu.control.customers().filter((c) => c.email?.startsWith(prefix));
  const byEmail = new Map<string, number>();
  for (const c of customers) byEmail.set(c.email!, (byEmail.get(c.email!) ?? 0) + 1);
  const twice = [...byEmail].filter(([, n]) => n !== 1);
  assert.deepEqual(twice, [], 'one customer per user');
  assert.equal(customers.length, expected.size, 'as many customers as users');
  const links = await store.db
    .selectFrom('customer_links')
    .innerJoin('users', (j) => j.onRef('users.id', '=', 'customer_links.user_id'))
    .select(['users.user_name', 'customer_links.customer_id'])
    .where('users.user_name', 'like', `${prefix}%`)
    .execute();
  assert.equal(new Set(links.map((l) => l.customer_id)).size, expected.size, 'every link names its own customer');
  const wrong: string[] = [];
  for (const l of links) {
    const c = emu.control.customer(l.customer_id!);
    if (!c) wrong.push(`${l.user_name}: no customer ${l.customer_id}`);
    else if (c.email !== l.user_name) wrong.push(`${l.user_name}: linked to ${c.email}`);
    else if (c.lastName !== expected.get(l.user_name))
      wrong.push(`${l.user_name}: ${c.lastName} ≠ last write ${expected.get(l.user_name)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} customers differ from their last acknowledged write`);
}

/** Per user, the versions Shopify received (per the audit log) only ever increase; returns how many users have any. */
export async function assertInOrder(store: Store): Promise<number> {
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
  return seen.size;
}
