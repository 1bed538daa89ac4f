// Liveness (/healthz: the process answers), readiness (/readyz: the database answers, and each connected shop's Admin
// API, with a breakdown per check) and Prometheus metrics (/metrics, with the users per sync state and the jobs per
// state read at each scrape; behind METRICS_TOKEN unless public, since it names tenants), plus the request metrics
// hook that feeds them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../scim/errors.js';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { Metrics } from '../metrics.js';
import { countSyncStates, SYNC_STATES } from '../store/links.js';
import { countByState } from '../store/outbox.js';
import type { ShopCheck } from '../sync/readiness.js';

/** The route of Shopify's webhooks: a 401 there is a delivery whose signature did not verify. */
const WEBHOOK_ROUTE = '/webhooks/shopify/:tenant';

export type { Metrics };

/** Sets the users-per-sync-state gauge from one grouped query; tenants deleted since the last scrape drop out. */
export async function refreshSyncUsers(store: Pick<Store, 'db'>, metrics: Metrics): Promise<void> {
  const rows = await countSyncStates(store.db);
  metrics.syncUsers.reset();
  for (const { tenant, counts } of rows) for (const state of SYNC_STATES) metrics.syncUsers.set({ tenant, state }, counts[state]);
}

/**
 * Counts every request of the app (SCIM, admin, webhooks, health) by route, method and status. Not encapsulated
 * (fastify-plugin), so the hook sits on the root instance: register it before the routes it should see.
 */
export const requestMetrics = fp(
  async (app: FastifyInstance, opts: { metrics: Metrics }) => {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      opts.metrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
      opts.metrics.httpDuration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
      if (route === WEBHOOK_ROUTE && reply.statusCode === 401) opts.metrics.webhookVerificationFailures.inc();
    });
  },
  { name: 'request-metrics' },
);

/** Who may read /metrics: holders of `token` (a bearer; it wins over `public`), or anyone when `public`; neither: nobody (401 saying how). */
export interface MetricsAccess {
  token?: string;
  public?: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Refuses a /metrics request the access rules do not let in; the token is compared in constant time. */
function checkMetricsAccess(req: FastifyRequest, access: MetricsAccess): void {
  if (access.public && !access.token) return;
  if (!access.token)
    throw errors.unauthorized('/metrics needs METRICS_TOKEN (scraped with "Authorization: Bearer <token>") or METRICS_PUBLIC=1');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m || !timingSafeEqual(digest(m[1]!), digest(access.token)))
    throw errors.unauthorized('/metrics needs "Authorization: Bearer <METRICS_TOKEN>"');
}

/** Sets the jobs-per-state gauge (queued, running, dead) from the outbox. */
export async function refreshJobStates(store: Pick<Store, 'db'>, metrics: Metrics): Promise<void> {
  const counts = await countByState(store.db);
  for (const state of ['queued', 'running', 'dead'] as const) metrics.syncQueue.set({ state }, counts[state]);
}

export interface HealthOptions {
  store: Store;
  metrics?: Metrics;
  /** who may read /metrics (default: nobody until a token is set or it is made public) */
  metricsAccess?: MetricsAccess;
  /** the check of each connected shop's Admin API (the engine's); without it /readyz checks the database only */
  shopChecks?: () => Promise<ShopCheck[]>;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const metrics = opts.metrics ?? new Metrics();
  const access = opts.metricsAccess ?? {};

  app.get('/healthz', async () => ({ status: 'ok' }));

  // 503 when the database does not answer (nothing can be served); a shop whose API does not answer makes the
  // bridge "degraded" but still ready (200): SCIM writes are stored and queued, and reach Shopify once it is back.
  app.get('/readyz', async (req, reply) => {
    const started = Date.now();
    let database: { ok: boolean; ms: number; error?: string };
    try {
      await sql`select 1`.execute(opts.store.db);
      database = { ok: true, ms: Date.now() - started };
    } catch (e) {
      req.log.warn({ err: e }, 'readiness: the database does not answer');
      database = { ok: false, ms: Date.now() - started, error: 'the database does not answer' };
    }
    let shops: ShopCheck[] = [];
    if (opts.shopChecks && database.ok) {
      try {
        shops = await opts.shopChecks();
      } catch (e) {
        req.log.warn({ err: e }, 'readiness: the shop checks failed');
      }
    }
    const shopify = { ok: shops.every((s) => s.ok), shops };
    const status = !database.ok ? 'unavailable' : shopify.ok ? 'ready' : 'degraded';
    return reply.code(database.ok ? 200 : 503).send({ status, checks: { database, shopify } });
  });

  app.get('/metrics', async (req, reply) => {
    checkMetricsAccess(req, access);
    await refreshSyncUsers(opts.store, metrics).catch((e: unknown) => req.log.warn({ err: e }, 'reading the users per sync state failed'));
    await refreshJobStates(opts.store, metrics).catch((e: unknown) => req.log.warn({ err: e }, 'reading the jobs per state failed'));
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
