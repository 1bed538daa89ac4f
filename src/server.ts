// Assembles a running bridge from a Config: store (migrated), provisioning hook, HTTP app and listener.
// The CLI's serve and demo commands and the end-to-end tests all start the bridge through here.
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { openStore, type Store } from './store/db.js';
import { buildApp } from './http/app.js';
import { Metrics } from './metrics.js';
import { noProvisioning, type ProvisioningHook } from './provisioning.js';
import { createLogger } from './logger.js';
import { SecretBox, loadOrCreateKey } from './security/secrets.js';
import { AddressPolicy } from './security/ssrf.js';
import { createEngine, type Engine, type EngineOptions } from './sync/engine.js';
import { adminApi } from './http/admin/index.js';
import { adminUi } from './http/admin/ui.js';
import { attachTwoWay, type TwoWay } from './sync/inbound/attach.js';
import { shopifyWebhookRoutes } from './http/webhooks.js';
import { attachBulkCreate, type BulkCreateOptions } from './sync/bulk-schedule.js';
import { ensureTenantWebhooks } from './sync/inbound/subscriptions.js';
import type { Tenant } from './store/tenants.js';
import type { ShopSettings } from './sync/shops.js';
import { AdminAccounts } from './store/admin-accounts.js';
import { ensureEnvironmentAdmin } from './admin/accounts.js';
import { BudgetHistory } from './sync/budget.js';
import { recordBridgeAddress } from './store/deployment.js';
import { shopReadiness } from './sync/readiness.js';

export interface Bridge {
  app: FastifyInstance;
  store: Store;
  metrics: Metrics;
  /** the sync engine (outbox worker, shop connections), unless the bridge runs with a hook of its own */
  engine?: Engine;
  /** the two-way sync on the engine (webhook receiver, targets, reconcile), when the engine runs */
  twoWay?: TwoWay;
  /** the address it listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  store?: Store;
  hook?: ProvisioningHook;
  /** the sync engine is built and started unless a hook is given or this is false; the object tunes it */
  engine?: false | Partial<Omit<EngineOptions, 'store' | 'syncWaitMs' | 'metrics'>>;
  /** bulk creates (BULK_CREATE_THRESHOLD above 0): the scan's pace and the initial-load judgement (tests change them) */
  bulk?: Pick<BulkCreateOptions, 'scanMs' | 'initialLoad'>;
  listen?: boolean;
  /** where the log lines go (default stdout); tests read them */
  logDestination?: { write(line: string): void };
  /** the admin UI: the demo's emulator it may connect a tenant to, the sign-in rate limit and the live stream's pace (tests change them) */
  admin?: {
    emulatorShop?: ShopSettings;
    loginRateLimit?: { max: number; windowMs: number };
    live?: { pollMs?: number; heartbeatMs?: number };
  };
}

/** The sentence for a port another process holds (most often a bridge or demo already running). */
export function portInUse(host: string, port: number): Error {
  return new Error(
    `port ${port} on ${host} is in use: is another shopify-scim (npm start) already running? Stop it, or set PORT to a free port.`,
  );
}

/** Fails with portInUse when `port` cannot be bound on `host` right now (0: any port, always free). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? portInUse(host, port) : e));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Opens the store, builds the app and (by default) listens on config.host:config.port. */
export async function startBridge(opts: StartOptions): Promise<Bridge> {
  const { config } = opts;
  // The root logger: the engine, the two-way sync, bulk creates and the HTTP server log through children of it.
  const log = createLogger({ level: config.logLevel, ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const store =
    opts.store ??
    (await openStore({
      url: config.databaseUrl,
      preparedStatements: config.pgPreparedStatements,
      onConnectionError: (e) => log.warn({ err: e, component: 'store' }, 'a database connection was lost; the pool opens a new one'),
    }));
  const metrics = new Metrics({ defaults: true });
  // ADMIN_PASSWORD keeps the admin UI's `admin` account; without it the first visitor with a sign-in link makes one.
  if (config.adminPassword) await ensureEnvironmentAdmin(new AdminAccounts(store.db, store.dialect), config.adminPassword);
  // What the shop's API budget looked like, minute by minute, for the dashboard's chart.
  const budget = new BudgetHistory();
  // Which addresses outbound targets may reach: public ones, and the private ones TARGETS_ALLOW_PRIVATE names.
  const addresses = new AddressPolicy(config.targetsAllowPrivate);
  const withEngine = !opts.hook && opts.engine !== false;
  // One secret box for the engine and the admin API (which seals the credentials the engine opens).
  // The admin UI is always there to connect a shop, so the box is made even without the engine.
  const box = (opts.engine && opts.engine.box) || new SecretBox(loadOrCreateKey(config.dataDir, config.secretKey));
  const engine = withEngine
    ? createEngine({
        store,
        box,
        syncWaitMs: config.syncWaitMs,
        metrics,
        log: log.child({ component: 'sync' }),
        budget,
        ...(opts.engine || {}),
        // Running jobs get most of the shutdown time to finish; what is still running then gives its lease back.
        worker: { stopGraceMs: Math.floor(config.shutdownTimeoutMs * 0.6), leaseMs: config.jobLeaseMs, ...(opts.engine || {}).worker },
      })
    : undefined;
  // Shopify -> SCIM and outbound targets ride on the engine's worker; reconcile runs every RECONCILE_INTERVAL_MS per tenant.
  const twoWay = engine
    ? attachTwoWay(engine, {
        store,
        box,
        publicUrl: config.publicUrl,
        reconcileIntervalMs: config.reconcileIntervalMs,
        addresses,
        log: log.child({ component: 'twoway' }),
      })
    : undefined;
  // Large backlogs of first-time creates go to Shopify as one bulk mutation, outside the cost bucket.
  const bulk =
    engine && config.bulkCreateThreshold > 0
      ? attachBulkCreate(engine, {
          ...opts.bulk,
          store,
          metrics,
          threshold: config.bulkCreateThreshold,
          log: log.child({ component: 'bulk' }),
        })
      : undefined;
  const app = await buildApp({
    store,
    hook: opts.hook ?? twoWay?.hook ?? engine?.hook ?? noProvisioning,
    publicUrl: config.publicUrl,
    maxBodyBytes: config.maxBodyBytes,
    metricsAccess: { token: config.metricsToken, public: config.metricsPublic },
    trustProxy: config.trustProxy,
    scimSecurity: {
      rateLimit: { max: config.scimRateLimit, windowMs: 1000 },
      lockout: { maxFailures: config.lockout.maxFailures, windowMs: 60_000, lockMs: config.lockout.lockSeconds * 1000 },
    },
    logLevel: config.logLevel,
    logger: log,
    metrics,
    ...(engine ? { shopChecks: shopReadiness({ db: store.db, shops: engine.shops, cacheMs: config.readyzShopifyCacheMs }) } : {}),
    plugins: [
      adminApi({
        store,
        adminToken: config.adminToken,
        box,
        addresses,
        ...(engine ? { shops: engine.shops, wake: () => engine.worker.wake() } : {}),
        publicUrl: config.publicUrl,
        ...(twoWay ? { onShopConnected: (t: Tenant) => ensureTenantWebhooks(twoWay.deps, t) } : {}),
        passwordFromEnvironment: !!config.adminPassword,
        rateLimit: config.adminRateLimit,
        lockout: { maxFailures: config.lockout.maxFailures, windowMs: 60_000, lockMs: config.lockout.lockSeconds * 1000 },
        budget,
        ...(opts.admin?.emulatorShop ? { emulatorShop: opts.admin.emulatorShop } : {}),
        ...(opts.admin?.loginRateLimit ? { loginRateLimit: opts.admin.loginRateLimit } : {}),
        ...(opts.admin?.live ? { live: opts.admin.live } : {}),
      }),
      adminUi(),
      ...(twoWay ? [shopifyWebhookRoutes({ store, ...twoWay.receiver, maxAgeMs: config.webhookMaxAgeSeconds * 1000 })] : []),
    ],
  });
  let url = '';
  if (opts.listen !== false) {
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (e) {
      // Nothing has started yet: give the store back and say plainly what is wrong.
      await app.close();
      if (!opts.store) await store.close();
      throw (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUse(config.host, config.port) : e;
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    url = `http://${host}:${port}`;
    // Only once it serves: the commands run beside it then print the address clients really reach.
    await recordBridgeAddress(store.db, { publicUrl: config.publicUrl, listenUrl: url }).catch((e: unknown) =>
      app.log.warn({ err: e }, 'recording the bridge address failed'),
    );
  }
  await twoWay?.start();
  await engine?.start();
  // After the engine: on SQLite its start requeues jobs a previous process left running, which the bulk worker must not.
  await bulk?.start();
  return {
    app,
    store,
    metrics,
    engine,
    twoWay,
    url,
    async close() {
      // Stop listening at once (requests on open connections are answered 503) while the requests in flight finish;
      // at the same time the worker stops claiming, and its running jobs finish or give their leases back. The store
      // closes last, once both are done.
      const http = app.close();
      await bulk?.stop();
      await engine?.stop();
      await http;
      if (!opts.store) await store.close();
    },
  };
}
