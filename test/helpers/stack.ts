// The start-up every end-to-end suite shares: a fresh database, the Shopify emulator, the bridge as `serve` runs it
// (startBridge, with quick polls and retries), and a tenant connected to the emulator with a SCIM token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openTestStore, type TestStore } from './db.js';
import { startEmulator, type Emulator, type EmulatorOptions, type CustomerSnapshot } from '../../src/emulator/index.js';
import { loadConfig } from '../../src/config.js';
import { SUITE_SCIM_ENV } from './security.js';
import { startBridge, type Bridge, type StartOptions } from '../../src/server.js';
import { TenantRepository, type Tenant, type Client } from '../../src/store/tenants.js';
import { SecretBox } from '../../src/security/secrets.js';
import { connectTenantShop } from '../../src/sync/shops.js';
import type { EngineOptions } from '../../src/sync/engine.js';

/** A fresh secret key (hex, as SECRET_KEY takes it) and the box sealing with it. */
export function newSecretBox(): { secretKey: string; box: SecretBox } {
  const secretKey = randomBytes(32).toString('hex');
  return { secretKey, box: new SecretBox(Buffer.from(secretKey, 'hex')) };
}

export interface BridgeStack {
  store: TestStore;
  emu: Emulator;
  bridge: Bridge;
  box: SecretBox;
  /** the hex key of `box` */
  secretKey: string;
  close(): Promise<void>;
}

export interface BridgeStackOptions {
  /** a store the caller opened (and closes); default a fresh one, closed with the stack */
  store?: TestStore;
  emulator?: EmulatorOptions;
  /** configuration on top of a silent bridge on 127.0.0.1, any port, a temporary data directory and the stack's key */
  env?: Record<string, string>;
  /** on top of polls every 50 ms and retries after 50–400 ms */
  worker?: EngineOptions['worker'];
  shopClient?: EngineOptions['shopClient'];
  /** bulk creates' scan pace and initial-load judgement */
  bulk?: StartOptions['bulk'];
  /** offer the emulator to the admin UI's one-click connect, as demo mode does */
  emulatorShop?: boolean;
  /** the admin UI's live activity stream: read and keep-alive intervals */
  live?: { pollMs?: number; heartbeatMs?: number };
  /** where the bridge's log lines go (with LOG_LEVEL set in env) */
  logDestination?: { write(line: string): void };
}

/** The METRICS_TOKEN every stack's bridge asks /metrics scrapers for (unless a suite's env says otherwise). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/** GET /metrics with the stack's metrics token. */
export function scrapeMetrics(bridgeUrl: string, token = TEST_METRICS_TOKEN): Promise<Response> {
  return fetch(`${bridgeUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
}

/** The bridge with its engine on a fresh database, next to a fresh emulator. */
export async function startBridgeStack(o: BridgeStackOptions = {}): Promise<BridgeStack> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-'));
  const store = o.store ?? (await openTestStore());
  const emu = await startEmulator(o.emulator);
  const { secretKey, box } = newSecretBox();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    SECRET_KEY: secretKey,
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...SUITE_SCIM_ENV,
    ...o.env,
  });
  const bridge = await startBridge({
    config,
    store,
    ...(o.logDestination ? { logDestination: o.logDestination } : {}),
    ...(o.bulk ? { bulk: o.bulk } : {}),
    engine: {
      box,
      worker: { pollMs: 50, retry: { baseDelayMs: 50, maxDelayMs: 400 }, ...o.worker },
      shopClient: o.shopClient,
    },
    admin: {
      ...(o.emulatorShop
        ? { emulatorShop: { shop: emu.shop, apiBaseUrl: emu.url, accessToken: emu.accessToken, clientSecret: emu.clientSecret } }
        : {}),
      ...(o.live ? { live: o.live } : {}),
    },
  });
  return {
    store,
    emu,
    bridge,
    box,
    secretKey,
    async close() {
      await bridge.close();
      await emu.close();
      if (!o.store) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ConnectedTenant {
  tenant: Tenant;
  client: Client;
  /** the SCIM token of `client` */
  token: string;
}

/**
 * Creates a tenant straight in the store, connects it to the emulator's shop (with the app secret that signs its
 * webhooks when `webhookSecret`) and issues a SCIM token labelled "okta".
 */
export async function connectedTenant(
  s: Pick<BridgeStack, 'store' | 'box'> & { emu: Pick<Emulator, 'shop' | 'url' | 'accessToken' | 'clientSecret'> },
  name: string,
  opts: { displayName?: string; settings?: Record<string, unknown>; webhookSecret?: boolean } = {},
): Promise<ConnectedTenant> {
  const tenants = new TenantRepository(s.store.db);
  const tenant = await tenants.create(name, opts.displayName ?? 'Acme Employee Store', opts.settings ?? {});
  const shop = {
    shop: s.emu.shop,
    apiBaseUrl: s.emu.url,
    accessToken: s.emu.accessToken,
    ...(opts.webhookSecret ? { clientSecret: s.emu.clientSecret } : {}),
  };
  await connectTenantShop(s.store.db, tenant.id, shop, s.box);
  const { token, client } = await tenants.createToken(tenant.id, 'okta');
  return { tenant, client, token };
}

/** The customer linked to a SCIM user of the tenant, per the emulator. */
export async function customerOf(
  s: Pick<BridgeStack, 'store' | 'emu'>,
  tenantId: string,
  userId: string,
): Promise<CustomerSnapshot | null> {
  const link = await s.store.db
    .selectFrom('customer_links')
    .select('customer_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return link?.customer_id ? s.emu.control.customer(link.customer_id) : null;
}

/** Merges `patch` into the tenant's stored settings (top-level keys replaced), as an admin edit would. */
export async function mergeSettings(store: TestStore, tenantId: string, patch: Record<string, unknown>): Promise<void> {
  const r = await new TenantRepository(store.db).changeSettings(tenantId, (settings) => void Object.assign(settings, patch));
  if (!r) throw new Error(`no tenant ${tenantId}`);
}
