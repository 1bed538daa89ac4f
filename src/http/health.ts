// Liveness (/healthz), readiness (/readyz: the database answers) and Prometheus metrics (/metrics, with the users per
// sync state read at each scrape; behind METRICS_TOKEN unless public, since it names tenants), plus the request metrics hook that feeds them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../scim/errors.js';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { Metrics } from '../metrics.js';
import { countSyncStates, SYNC_STATES } from '../store/links.js';

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

export async function healthRoutes(
  app: FastifyInstance,
  opts: { store: Store; metrics?: Metrics; metricsAccess?: MetricsAccess },
): Promise<void> {
  const metrics = opts.metrics ?? new Metrics();
  const access = opts.metricsAccess ?? {};

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(opts.store.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });

  app.get('/metrics', async (req, reply) => {
    checkMetricsAccess(req, access);
    await refreshSyncUsers(opts.store, metrics).catch((e: unknown) => req.log.warn({ err: e }, 'reading the users per sync state failed'));
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
