// The bridge as `serve` runs it (startBridge: engine, admin API, SCIM) on a fresh database, with the Shopify emulator,
// driven over real HTTP: admin calls with the admin token, SCIM calls with a tenant's token.
import { randomBytes } from 'node:crypto';
import type { TestStore } from '../helpers/db.js';
import { call, freePort, until, type Check, type Res } from '../helpers/http.js';
import { startBridgeStack, customerOf } from '../helpers/stack.js';
import type { Emulator, EmulatorOptions, CustomerSnapshot } from '../../src/emulator/index.js';
import type { Bridge } from '../../src/server.js';
import type { SecretBox } from '../../src/security/secrets.js';
import type { EngineOptions } from '../../src/sync/engine.js';

export type { Res } from '../helpers/http.js';

export interface TenantHandle {
  name: string;
  id: string;
  /** a SCIM token of the tenant */
  token: string;
}

/** A signed-in admin UI session: calls carry its cookie and, on writes, its CSRF token. */
export interface SessionHandle {
  username: string;
  cookie: string;
  csrf: string;
  /** an admin API call as the browser makes it; path below /admin/api */
  call(method: string, path: string, body?: unknown): Promise<Res>;
}

export interface AdminStack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  box: SecretBox;
  /** the hex key of `box` (SECRET_KEY) */
  secretKey: string;
  adminToken: string | undefined;
  /** an admin API call; path below /admin/api; `token: null` sends no Authorization header */
  admin(method: string, path: string, body?: unknown, opts?: { token?: string | null; headers?: Record<string, string> }): Promise<Res>;
  /** a SCIM call for a tenant; path below /scim/v2/<tenant> */
  scim(t: TenantHandle, method: string, path: string, body?: unknown): Promise<Res>;
  /** creates a tenant through the admin API, connects it to the emulator and issues a SCIM token */
  tenant(name: string, opts?: { connect?: boolean }): Promise<TenantHandle>;
  /** signs in to the admin UI as `username` (creating the first account with the admin token if there is none) */
  signIn(username: string, password?: string): Promise<SessionHandle>;
  /** the customer linked to a SCIM user, per the emulator */
  customerOf(t: TenantHandle, userId: string): Promise<CustomerSnapshot | null>;
  /** resolves when `check` holds (polled), or fails naming `what` after `ms` */
  until<T>(what: string, check: Check<T>, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export interface AdminStackOptions {
  /** default: a random token; null: none configured */
  adminToken?: string | null;
  syncWaitMs?: number;
  emulator?: EmulatorOptions;
  /** worker settings on top of the stack's quick polls and retries (concurrency, retry policy) */
  worker?: EngineOptions['worker'];
  /** listen on a known port and set PUBLIC_URL to it (webhook subscriptions need an absolute callback address) */
  publicUrl?: boolean;
  /** offer the emulator to the admin UI's one-click connect, as demo mode does */
  emulatorShop?: boolean;
  /** the admin UI's live activity stream: read and keep-alive intervals */
  live?: { pollMs?: number; heartbeatMs?: number };
  /** more configuration (environment variables) for the bridge */
  env?: Record<string, string>;
  /** where the bridge's log lines go (set LOG_LEVEL in env to have some) */
  logDestination?: { write(line: string): void };
}

export async function startAdminStack(o: AdminStackOptions = {}): Promise<AdminStack> {
  const adminToken = o.adminToken === null ? undefined : (o.adminToken ?? `adm_${randomBytes(24).toString('hex')}`);
  const port = o.publicUrl ? await freePort() : 0;
  const base = await startBridgeStack({
    emulator: { bucketSize: 4000, restoreRate: 1000, ...o.emulator },
    env: {
      PORT: String(port),
      ...(o.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
      SYNC_WAIT_MS: String(o.syncWaitMs ?? 5000),
      ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
      // the tests' targets listen on loopback: allowed explicitly (refused by default, see test/security)
      TARGETS_ALLOW_PRIVATE: '1',
      ...o.env,
    },
    worker: o.worker,
    emulatorShop: o.emulatorShop,
    live: o.live,
    ...(o.logDestination ? { logDestination: o.logDestination } : {}),
    shopClient: { timeoutMs: 3000, retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 200 } },
  });
  const { store, emu, bridge, box } = base;
  const json = (url: string, method: string, headers: Record<string, string>, body: unknown) =>
    call(method, url, { headers, body, dumpChars: 2500 });

  const stack: AdminStack = {
    store,
    emu,
    bridge,
    box,
    secretKey: base.secretKey,
    adminToken,
    admin(method, path, body, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      return json(
        `${bridge.url}/admin/api${path}`,
        method,
        { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
        body,
      );
    },
    scim(t, method, path, body) {
      return json(`${bridge.url}/scim/v2/${t.name}${path}`, method, { authorization: `Bearer ${t.token}` }, body);
    },
    async tenant(name, opts = {}) {
      const created = await stack.admin('POST', '/tenants', { name, displayName: `${name} store` });
      if (created.status !== 201) throw new Error(created.dump);
      if (opts.connect !== false) {
        const shop = await stack.admin('PUT', `/tenants/${name}/shop`, {
          shop: emu.shop,
          apiBaseUrl: emu.url,
          accessToken: emu.accessToken,
          webhookSecret: emu.clientSecret,
        });
        if (shop.status !== 200) throw new Error(shop.dump);
      }
      const tok = await stack.admin('POST', `/tenants/${name}/tokens`, { label: 'idp' });
      if (tok.status !== 201) throw new Error(tok.dump);
      const row = await store.db.selectFrom('tenants').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      return { name, id: row.id, token: tok.body.token };
    },
    async signIn(username, password = 'a long enough password') {
      const url = `${bridge.url}/admin/api`;
      const session = await call('GET', `${url}/session`, { headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {} });
      const first = session.body?.setupRequired === true;
      const r = first
        ? await call('POST', `${url}/setup`, { headers: { authorization: `Bearer ${adminToken}` }, body: { username, password } })
        : await call('POST', `${url}/session`, { body: { username, password } });
      const cookie = /scim_admin_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
      if (!cookie || !r.body?.csrfToken) throw new Error(`cannot sign in as ${username}: ${r.dump}`);
      const csrf: string = r.body.csrfToken;
      return {
        username,
        cookie,
        csrf,
        call: (method, path, body) =>
          json(
            `${url}${path}`,
            method,
            { cookie: `scim_admin_session=${cookie}`, ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }) },
            body,
          ),
      };
    },
    customerOf: (t, userId) => customerOf(base, t.id, userId),
    until,
    close: () => base.close(),
  };
  return stack;
}

/** The user's id in a SCIM create response, failing loudly with the response when it is missing. */
export function idOf(r: Res): string {
  if (r.status !== 201 || typeof r.body?.id !== 'string') throw new Error(`expected a created user: ${r.dump}`);
  return r.body.id;
}
