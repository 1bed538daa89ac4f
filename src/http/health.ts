// Liveness (/healthz), readiness (/readyz: the database answers) and Prometheus metrics (/metrics, with the users per
// sync state read at each scrape), plus the request metrics hook that feeds them.
import type { FastifyInstance } from 'fastify';
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

export async function healthRoutes(app: FastifyInstance, opts: { store: Store; metrics?: Metrics }): Promise<void> {
  const metrics = opts.metrics ?? new Metrics();

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
    await refreshSyncUsers(opts.store, metrics).catch((e: unknown) => req.log.warn({ err: e }, 'reading the users per sync state failed'));
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
