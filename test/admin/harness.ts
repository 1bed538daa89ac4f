// The bridge as `serve` runs it (startBridge: engine, admin API, SCIM) on a fresh database, with the Shopify emulator,
// driven over real HTTP: admin calls with the admin token, SCIM calls with a tenant's token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { startEmulator, type Emulator, type EmulatorOptions, type CustomerSnapshot } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { startBridge, type Bridge } from '../../src/server.js';
import { SecretBox } from '../../src/security/secrets.js';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  /** for assertion messages */
  dump: string;
}

export interface TenantHandle {
  name: string;
  id: string;
  /** a SCIM token of the tenant */
  token: string;
}

export interface AdminStack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  box: SecretBox;
  adminToken: string | undefined;
  /** an admin API call; path below /admin/api; `token: null` sends no Authorization header */
  admin(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<Res>;
  /** a SCIM call for a tenant; path below /scim/v2/<tenant> */
  scim(t: TenantHandle, method: string, path: string, body?: unknown): Promise<Res>;
  /** creates a tenant through the admin API, connects it to the emulator and issues a SCIM token */
  tenant(name: string, opts?: { connect?: boolean }): Promise<TenantHandle>;
  /** the customer linked to a SCIM user, per the emulator */
  customerOf(t: TenantHandle, userId: string): Promise<CustomerSnapshot | null>;
  /** resolves when `check` holds (polled), or fails naming `what` after `ms` */
  until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export interface AdminStackOptions {
  /** default: a random token; null: none configured */
  adminToken?: string | null;
  syncWaitMs?: number;
  emulator?: EmulatorOptions;
  worker?: { concurrency?: number };
  /** listen on a known port and set PUBLIC_URL to it (webhook subscriptions need an absolute callback address) */
  publicUrl?: boolean;
}

/** A port that is free right now, for a bridge that must know its own address before it listens. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function call(url: string, method: string, headers: Record<string, string>, body: unknown): Promise<Res> {
  const r = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: r.status, headers: r.headers, body: parsed, text, dump: `${method} ${new URL(url).pathname} -> ${r.status} ${text.slice(0, 2500)}` };
}

export async function startAdminStack(o: AdminStackOptions = {}): Promise<AdminStack> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-admin-'));
  const store = await openTestStore();
  const emu = await startEmulator({ bucketSize: 4000, restoreRate: 1000, ...o.emulator });
  const key = randomBytes(32).toString('hex');
  const box = new SecretBox(Buffer.from(key, 'hex'));
  const adminToken = o.adminToken === null ? undefined : (o.adminToken ?? `adm_${randomBytes(24).toString('hex')}`);
  const port = o.publicUrl ? await freePort() : 0;
  const config = loadConfig({
    PORT: String(port),
    ...(o.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    SECRET_KEY: key,
    SYNC_WAIT_MS: String(o.syncWaitMs ?? 5000),
    ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
  });
  const bridge = await startBridge({
    config,
    store,
    engine: {
      box,
      worker: { pollMs: 50, retry: { baseDelayMs: 50, maxDelayMs: 400 }, ...o.worker },
      shopClient: { timeoutMs: 3000, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 } },
    },
  });

  const stack: AdminStack = {
    store,
    emu,
    bridge,
    box,
    adminToken,
    admin(method, path, body, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      return call(`${bridge.url}/admin/api${path}`, method, { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers }, body);
    },
    scim(t, method, path, body) {
      return call(`${bridge.url}/scim/v2/${t.name}${path}`, method, { authorization: `Bearer ${t.token}` }, body);
    },
    async tenant(name, opts = {}) {
      const created = await stack.admin('POST', '/tenants', { name, displayName: `${name} store` });
      if (created.status !== 201) throw new Error(created.dump);
      if (opts.connect !== false) {
        const shop = await stack.admin('PUT', `/tenants/${name}/shop`, { shop: emu.shop, apiBaseUrl: emu.url, accessToken: emu.accessToken });
        if (shop.status !== 200) throw new Error(shop.dump);
      }
      const tok = await stack.admin('POST', `/tenants/${name}/tokens`, { label: 'idp' });
      if (tok.status !== 201) throw new Error(tok.dump);
      const row = await store.db.selectFrom('tenants').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      return { name, id: row.id, token: tok.body.token };
    },
    async customerOf(t, userId) {
      const link = await store.db.selectFrom('customer_links').select('customer_id').where('tenant_id', '=', t.id).where('user_id', '=', userId).executeTakeFirst();
      return link?.customer_id ? emu.control.customer(link.customer_id) : null;
    },
    async until(what, check, ms = 15000) {
      const end = Date.now() + ms;
      let last: unknown;
      for (;;) {
        try {
          const v = await check();
          if (v) return v as never;
          last = v;
        } catch (e) {
          last = e;
        }
        if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await bridge.close();
      await emu.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** The user's id in a SCIM create response, failing loudly with the response when it is missing. */
export function idOf(r: Res): string {
  if (r.status !== 201 || typeof r.body?.id !== 'string') throw new Error(`expected a created user: ${r.dump}`);
  return r.body.id;
}
