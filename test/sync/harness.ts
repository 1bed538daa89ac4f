// The whole stack for end-to-end sync tests: a fresh database, the Shopify emulator, the bridge listening on a real
// port with the engine, one tenant connected to the emulator and a SCIM token; requests go over HTTP with fetch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { startEmulator, type Emulator, type CustomerSnapshot } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { startBridge, type Bridge } from '../../src/server.js';
import { TenantRepository } from '../../src/store/tenants.js';
import { SecretBox } from '../../src/security/secrets.js';
import { connectTenantShop } from '../../src/sync/shops.js';
import type { EngineOptions } from '../../src/sync/engine.js';

export interface Res {
  status: number;
  body: any;
  /** for assertion messages */
  dump: string;
}

export interface Stack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  tenantId: string;
  token: string;
  base: string;
  box: SecretBox;
  req(method: string, path: string, body?: unknown): Promise<Res>;
  /** the customer linked to a SCIM user, per the emulator */
  customerOf(userId: string): Promise<CustomerSnapshot | null>;
  setSettings(settings: Record<string, unknown>): Promise<void>;
  /** resolves when `check` holds (polled), or fails with `what` after `ms` */
  until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export interface StackOptions {
  settings?: Record<string, unknown>;
  syncWaitMs?: number;
  worker?: EngineOptions['worker'];
  shopClient?: EngineOptions['shopClient'];
  store?: TestStore;
}

export const SHOPIFY_EXT = 'urn:shopify-scim:params:scim:schemas:extension:shopify:2.0:User';

/** A user body as Okta sends it, with the given userName and email. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    name: { givenName: 'Ada', familyName: 'Lovelace' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  };
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-sync-'));
  const store = o.store ?? (await openTestStore());
  const emu = await startEmulator({ bucketSize: 4000, restoreRate: 1000 });
  const key = randomBytes(32).toString('hex');
  const box = new SecretBox(Buffer.from(key, 'hex'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'silent', SECRET_KEY: key, SYNC_WAIT_MS: String(o.syncWaitMs ?? 5000) });
  const bridge = await startBridge({
    config,
    store,
    engine: {
      box,
      worker: { pollMs: 50, retry: { baseDelayMs: 50, maxDelayMs: 400 }, ...o.worker },
      shopClient: { timeoutMs: 1500, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 }, ...o.shopClient },
    },
  });
  const tenants = new TenantRepository(store.db);
  const tenant = await tenants.create('acme', 'Acme Employee Store', o.settings ?? {});
  await connectTenantShop(store.db, tenant.id, { shop: emu.shop, apiBaseUrl: emu.url, accessToken: emu.accessToken }, box);
  const { token } = await tenants.createToken(tenant.id, 'okta');
  const base = `${bridge.url}/scim/v2/acme`;

  const req: Stack['req'] = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}) },
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

  const until: Stack['until'] = async (what, check, ms = 15000) => {
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
  };

  return {
    store,
    emu,
    bridge,
    tenantId: tenant.id,
    token,
    base,
    box,
    req,
    async customerOf(userId) {
      const link = await store.db.selectFrom('customer_links').select('customer_id').where('user_id', '=', userId).executeTakeFirst();
      return link?.customer_id ? emu.control.customer(link.customer_id) : null;
    },
    async setSettings(settings) {
      const row = await store.db.selectFrom('tenants').select('settings').where('id', '=', tenant.id).executeTakeFirstOrThrow();
      const next = { ...(JSON.parse(row.settings) as Record<string, unknown>), ...settings };
      await store.db.updateTable('tenants').set({ settings: JSON.stringify(next) }).where('id', '=', tenant.id).execute();
    },
    until,
    async close() {
      await bridge.close();
      await emu.close();
      if (!o.store) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
