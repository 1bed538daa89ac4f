// The emulator's HTTP face: Shopify's GraphQL endpoint per API version, the client-credentials token endpoint and
// the staged-upload targets, with run-time faults applied in front; the control routes are registered beside them.
import Fastify, { type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { loadAdminSchema } from '../shopify/schema.js';
import { INVALID_TOKEN_BODY, SCOPES, type AppAuth } from './auth.js';
import type { BulkRunner } from './bulk.js';
import type { BulkMutationRunner } from './bulk-mutation.js';
import type { CostBucket } from './bucket.js';
import type { EmulatorCounters } from './control.js';
import { ERROR_BODIES, losesResponse, retryAfterHeader, type Faults } from './faults.js';
import { runGraphQL, type GraphQLBody } from './graphql/run.js';
import type { Shop } from './shop.js';
import { registerUploadRoutes, type StagedUploads } from './staged-uploads.js';

export interface ServerDeps {
  shop: Shop;
  auth: AppAuth;
  bucket: CostBucket;
  bulk: BulkRunner;
  bulkMutations: BulkMutationRunner;
  uploads: StagedUploads;
  counters: EmulatorCounters;
  faults: { current: Faults };
  baseUrl: () => string;
}

const schemas = new Map<string, GraphQLSchema | null>();

/** The real schema of an API version, or null when the emulator has no schema file for it. */
export function schemaFor(version: string): GraphQLSchema | null {
  if (!/^(\d{4}-\d{2}|unstable)$/.test(version)) return null;
  if (!schemas.has(version)) {
    try {
      schemas.set(version, loadAdminSchema(version));
    } catch {
      schemas.set(version, null);
    }
  }
  return schemas.get(version) ?? null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Fastify app serving the Admin API routes (not listening yet). */
export function buildServer(d: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 20 * 1024 * 1024 });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('application/graphql', { parseAs: 'string' }, (_req, body, done) => done(null, { query: body }));

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ errors: 'Not Found' }));

  app.post<{ Params: { version: string }; Body: GraphQLBody }>('/admin/api/:version/graphql.json', async (req, reply) => {
    const faults = d.faults.current;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.timeoutRate > 0 && Math.random() < faults.timeoutRate) {
      d.counters.faultTimeouts++;
      reply.hijack(); // never answered; the socket is closed by the client's timeout or by close()
      return;
    }
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
      d.counters.faultErrors++;
      if (faults.status === 429) reply.header('Retry-After', retryAfterHeader(faults.retryAfterSeconds));
      return reply.code(faults.status).send(ERROR_BODIES[faults.status]);
    }
    const schema = schemaFor(req.params.version);
    if (!schema) return reply.code(404).send({ errors: 'Not Found' });
    if (!d.auth.check(req.headers['x-shopify-access-token'] as string | undefined)) {
      d.counters.unauthorized++;
      return reply.code(401).send(INVALID_TOKEN_BODY);
    }
    const ctx = {
      shop: d.shop,
      apiVersion: req.params.version,
      scopes: SCOPES,
      baseUrl: d.baseUrl(),
      bulk: d.bulk,
      bulkMutations: d.bulkMutations,
      uploads: d.uploads,
      unbounded: false,
      searchWarnings: [],
    };
    const lose = losesResponse(faults, req.body);
    const r = await runGraphQL(schema, d.bucket, d.counters, ctx, req.body ?? {});
    if (lose && !('errors' in r.body) && d.faults.current.lostResponses > 0) {
      // The write is done; its answer is lost on the way back, so the client times out not knowing it landed.
      d.faults.current = { ...d.faults.current, lostResponses: d.faults.current.lostResponses - 1 };
      d.counters.faultTimeouts++;
      reply.hijack();
      return;
    }
    return reply.code(r.status).header('X-Shopify-API-Version', req.params.version).send(r.body);
  });

  app.post<{ Body: Record<string, unknown> | undefined; Querystring: Record<string, unknown> }>(
    '/admin/oauth/access_token',
    async (req, reply) => {
      const r = d.auth.grant({ ...(req.query ?? {}), ...(req.body ?? {}) });
      if (r.status === 200) d.shop.changed(); // issued tokens are persisted with the shop
      return reply.code(r.status).send(r.body);
    },
  );

  // Where stagedUploadsCreate's targets point: the stand-in for Shopify's staged-upload storage.
  registerUploadRoutes(app, d.uploads);

  return app;
}
