// The whole two-way stack for end-to-end tests: a fresh database, the Shopify emulator delivering webhooks over HTTP
// to the bridge (engine + two-way handlers + receiver) on a real port, one tenant connected with its app secret.
import { createServer as createNetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { buildApp } from '../../src/http/app.js';
import { TenantRepository, type Tenant } from '../../src/store/tenants.js';
import { SecretBox } from '../../src/security/secrets.js';
import { connectTenantShop } from '../../src/sync/shops.js';
import { createEngine, type Engine } from '../../src/sync/engine.js';
import { attachTwoWay, type TwoWay } from '../../src/sync/inbound/attach.js';
import { ensureTenantWebhooks } from '../../src/sync/inbound/subscriptions.js';

export interface Res {
  status: number;
  body: any;
  dump: string;
}

export interface TwoWayStack {
  store: TestStore;
  emu: Emulator;
  app: FastifyInstance;
  engine: Engine;
  twoWay: TwoWay;
  box: SecretBox;
  /** the hex key of `box`, as SECRET_KEY for a CLI run against the same database */
  secretKey: string;
  url: string;
  tenant(): Promise<Tenant>;
  tenantId: string;
  token: string;
  clientId: string;
  /** SCIM request with the tenant's "okta" token (or another) */
  req(method: string, path: string, body?: unknown, token?: string): Promise<Res>;
  setSettings(patch: Record<string, unknown>): Promise<void>;
  /** an extra SCIM client of the tenant */
  newClient(label: string): Promise<{ id: string; token: string }>;
  until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms?: number): Promise<T>;
  /** resolves when the emulator has delivered everything and the bridge has processed every stored event */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export const SHOPIFY_EXT = 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A free TCP port on the loopback interface (the receiver's URL must be known before it listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** A user body as an IdP sends it. */
export function scimUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const [given = 'Test', family = 'User'] = userName.split('@')[0]!.split('.');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: cap(given), familyName: cap(family) },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

export interface TwoWayOptions {
  settings?: Record<string, unknown>;
  emulator?: EmulatorOptions;
  /** subscribe the receiver to the shop's webhooks (default true) */
  subscribe?: boolean;
  /** run scheduled reconciliation this often (ms) */
  reconcileIntervalMs?: number;
}

export async function startTwoWay(o: TwoWayOptions = {}): Promise<TwoWayStack> {
  const store = await openTestStore();
  const emu = await startEmulator({ bucketSize: 4000, restoreRate: 1000, webhookRetry: { attempts: 5, baseDelayMs: 100, timeoutMs: 3000 }, bulkStepMs: 5, ...o.emulator });
  const secretKey = randomBytes(32).toString('hex');
  const box = new SecretBox(Buffer.from(secretKey, 'hex'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const engine = createEngine({
    store,
    box,
    syncWaitMs: 5000,
    worker: { pollMs: 50, retry: { baseDelayMs: 50, maxDelayMs: 400 } },
    shopClient: { timeoutMs: 2000, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 } },
  });
  const twoWay = attachTwoWay(engine, { store, box, publicUrl: url, pollIntervalMs: 20, reconcileIntervalMs: o.reconcileIntervalMs });
  const app = await buildApp({ store, hook: twoWay.hook, publicUrl: url, plugins: [twoWay.plugin] });
  await app.listen({ port, host: '127.0.0.1' });

  const tenants = new TenantRepository(store.db);
  const t = await tenants.create('acme', 'Acme Employee Store', o.settings ?? {});
  await connectTenantShop(store.db, t.id, { shop: emu.shop, apiBaseUrl: emu.url, accessToken: emu.accessToken, clientSecret: emu.clientSecret }, box);
  const { token, client } = await tenants.createToken(t.id, 'okta');
  const tenant = async () => (await tenants.byId(t.id))!;
  if (o.subscribe !== false) await ensureTenantWebhooks(twoWay.deps, await tenant());
  await twoWay.start();
  await engine.start();

  const req: TwoWayStack['req'] = async (method, path, body, tok = token) => {
    const r = await fetch(`${url}/scim/v2/acme${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, dump: `${method} ${path} -> ${r.status} ${text.slice(0, 1500)}` };
  };

  const settled = async () => {
    await emu.control.webhooksIdle();
    await until('every stored webhook processed and the inbound queue empty', async () => {
      const open = await store.db
        .selectFrom('outbox_jobs')
        .select('id')
        .where('tenant_id', '=', t.id)
        .where('state', 'in', ['queued', 'running'])
        .where('queue', 'in', ['inbound', 'shopify'])
        .executeTakeFirst();
      const unprocessed = await store.db.selectFrom('webhook_events').select('webhook_id').where('processed_at', 'is', null).executeTakeFirst();
      return !open && !unprocessed;
    });
    // A webhook fired by a job that just finished may still be on its way.
    await emu.control.webhooksIdle();
  };

  return {
    store,
    emu,
    app,
    engine,
    twoWay,
    box,
    secretKey,
    url,
    tenant,
    tenantId: t.id,
    token,
    clientId: client.id,
    req,
    async setSettings(patch) {
      const cur = await tenant();
      await tenants.updateSettings(t.id, { ...cur.settings, ...patch });
    },
    async newClient(label) {
      const r = await tenants.createToken(t.id, label);
      return { id: r.client.id, token: r.token };
    },
    until,
    settled,
    async close() {
      await engine.stop();
      await app.close();
      await emu.close();
      await store.close();
    },
  };
}
