// The whole two-way stack for end-to-end tests: a fresh database, the Shopify emulator delivering webhooks over HTTP
// to the bridge (engine + two-way handlers + receiver) on a real port, one tenant connected with its app secret.
import type { FastifyInstance } from 'fastify';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { call, until, freePort, type Check, type Res } from '../helpers/http.js';
import { connectedTenant, mergeSettings, newSecretBox } from '../helpers/stack.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { buildApp } from '../../src/http/app.js';
import { shopifyWebhookRoutes } from '../../src/http/webhooks.js';
import { TenantRepository, type Tenant } from '../../src/store/tenants.js';
import type { SecretBox } from '../../src/security/secrets.js';
import { AddressPolicy } from '../../src/security/ssrf.js';
import { SUITE_SCIM_SECURITY } from '../helpers/security.js';
import { createEngine, type Engine } from '../../src/sync/engine.js';
import { attachTwoWay, type TwoWay } from '../../src/sync/inbound/attach.js';
import { ensureTenantWebhooks } from '../../src/sync/inbound/subscriptions.js';

export { SHOPIFY_EXT, PATCH_OP } from '../helpers/http.js';
export type { Res } from '../helpers/http.js';

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
  until<T>(what: string, check: Check<T>, ms?: number): Promise<T>;
  /** resolves when the emulator has delivered everything and the bridge has processed every stored event */
  settled(): Promise<void>;
  close(): Promise<void>;
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
  const emu = await startEmulator({
    bucketSize: 4000,
    restoreRate: 1000,
    webhookRetry: { attempts: 5, baseDelayMs: 100, timeoutMs: 3000 },
    bulkStepMs: 5,
    ...o.emulator,
  });
  const { secretKey, box } = newSecretBox();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const engine = createEngine({
    store,
    box,
    syncWaitMs: 5000,
    worker: { pollMs: 50, retry: { baseDelayMs: 50, maxDelayMs: 400 } },
    shopClient: { timeoutMs: 2000, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 } },
  });
  // The tests' targets listen on loopback: they are allowed explicitly, as TARGETS_ALLOW_PRIVATE=1 allows them.
  const twoWay = attachTwoWay(engine, {
    store,
    box,
    publicUrl: url,
    pollIntervalMs: 20,
    reconcileIntervalMs: o.reconcileIntervalMs,
    addresses: new AddressPolicy('all'),
  });
  const app = await buildApp({
    store,
    hook: twoWay.hook,
    publicUrl: url,
    scimSecurity: SUITE_SCIM_SECURITY,
    plugins: [shopifyWebhookRoutes({ store, ...twoWay.receiver })],
  });
  await app.listen({ port, host: '127.0.0.1' });

  const tenants = new TenantRepository(store.db);
  const { tenant: t, token, client } = await connectedTenant({ store, emu, box }, 'acme', { settings: o.settings, webhookSecret: true });
  const tenant = async () => (await tenants.byId(t.id))!;
  if (o.subscribe !== false) await ensureTenantWebhooks(twoWay.deps, await tenant());
  await twoWay.start();
  await engine.start();

  const req: TwoWayStack['req'] = (method, path, body, tok = token) =>
    call(method, `${url}/scim/v2/acme${path}`, {
      headers: { authorization: `Bearer ${tok}` },
      body,
      contentType: 'application/scim+json',
      label: path,
    });

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
      const unprocessed = await store.db
        .selectFrom('webhook_events')
        .select('webhook_id')
        .where('processed_at', 'is', null)
        .executeTakeFirst();
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
    setSettings: (patch) => mergeSettings(store, t.id, patch),
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
