// Liveness (/healthz), readiness (/readyz: the database answers) and Prometheus metrics (/metrics),
// plus the request metrics hook that feeds them.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import { Metrics } from '../metrics.js';

export type { Metrics };

export async function healthRoutes(app: FastifyInstance, opts: { store: Store; metrics?: Metrics }): Promise<void> {
  const metrics = opts.metrics ?? new Metrics();

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, method: req.method, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(opts.store.db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database' });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
