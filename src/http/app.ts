// Builds the Fastify application: body parsing (scim+json and json, raw bytes kept for signature checks), the SCIM
// routes per tenant, health and metrics, and one error handler that answers SCIM routes in the SCIM error schema.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import type { Store } from '../store/db.js';
import { TenantRepository } from '../store/tenants.js';
import { errors, ScimError } from '../scim/errors.js';
import { ScimService } from '../scim-service/service.js';
import { scimRoutes, SCIM_CONTENT_TYPE, type ScimSecurityOptions } from './scim/index.js';
import type { Limits } from '../scim/discovery.js';
import { noProvisioning, type ProvisioningHook } from '../provisioning.js';
import { healthRoutes, requestMetrics } from './health.js';
import { Metrics } from '../metrics.js';
import { createLogger, redactUrl, type Logger } from '../logger.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
  interface FastifyInstance {
    /** every route registered, as method and URL pattern (what the tenant isolation test walks) */
    routeList(): { method: string; url: string }[];
  }
}

export interface AppOptions {
  store: Store;
  hook?: ProvisioningHook;
  publicUrl?: string;
  maxBodyBytes?: number;
  logLevel?: string;
  /** the process's root logger; without it, one is made at logLevel */
  logger?: Logger;
  limits?: Partial<Limits>;
  /** How many matches a filter evaluated in memory may hold before a list or search answers 400 tooMany (default 100,000). */
  maxInMemoryMatches?: number;
  metrics?: Metrics;
  /** whose X-Forwarded-* headers to believe (default: a proxy on loopback or a private network; see TRUST_PROXY) */
  trustProxy?: boolean | string;
  /** the SCIM API's per-token rate limit and lock-out on invalid tokens (defaults: DEFAULT_SCIM_SECURITY) */
  scimSecurity?: ScimSecurityOptions;
  /** extra routes (webhook receiver, admin API) registered by the layers above */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

export const DEFAULT_LIMITS: Limits = { maxResults: 1000, defaultCount: 100, bulkMaxOperations: 1000, bulkMaxPayloadSize: 1048576 };

const isScimPath = (url: string) => url.startsWith('/scim/');

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_LIMITS.bulkMaxPayloadSize;
  const limits: Limits = { ...DEFAULT_LIMITS, bulkMaxPayloadSize: maxBody, ...opts.limits };
  // One logger for the process: the bridge's root logger (a child of it), or one made at the given level.
  const root = opts.logger ?? (opts.logLevel && opts.logLevel !== 'silent' ? createLogger({ level: opts.logLevel }) : undefined);
  const loggerInstance: FastifyBaseLogger | undefined = root?.child({ component: 'http' });
  const app = Fastify({
    bodyLimit: maxBody,
    trustProxy: opts.trustProxy ?? 'loopback,linklocal,uniquelocal',
    // SCIM clients differ in how they spell endpoints: `/Users/?filter=…`, `/users`, `/serviceproviderconfig` all
    // mean the same resource (path parameters keep their case).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    genReqId: () => crypto.randomUUID(),
  });

  // Every route, as it is registered anywhere below the root (SCIM, admin, webhooks, health).
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.decorate('routeList', () => [...routes]);

  // Bodies: JSON under any JSON media type (scim+json, json, or none given); raw bytes kept for HMAC checks.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (type && !/^application\/([\w.+-]*\+)?json\b/.test(type) && !type.startsWith('text/plain')) {
      done(
        errors.unsupportedMediaType(`content type "${type.split(';')[0]}" is not accepted; send application/scim+json or application/json`),
        undefined,
      );
      return;
    }
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (e) {
      done(errors.invalidSyntax(`the request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });

  app.setErrorHandler((err: FastifyError | ScimError, req, reply) => {
    let scim: ScimError;
    if (err instanceof ScimError) scim = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') scim = errors.payloadTooLarge(`the request body is larger than ${maxBody} bytes`);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      scim = errors.unsupportedMediaType('send application/scim+json or application/json');
    else if ('validation' in err && err.validation)
      scim = errors.invalidValue(`the request's ${err.validationContext ?? 'input'} is not valid: ${err.message}`);
    else if (err.statusCode && err.statusCode < 500) scim = errors.badRequest(err.message);
    else {
      req.log.error({ err }, 'request failed');
      scim = errors.internal('the server could not complete the request; it has been logged');
    }
    for (const [k, v] of Object.entries(scim.headers)) reply.header(k, v);
    reply.code(scim.status);
    if (isScimPath(req.url)) return reply.header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(scim.toJSON()));
    return reply.send({ error: scim.code, message: scim.detail, status: scim.status });
  });

  app.setNotFoundHandler((req, reply) => {
    const e = errors.notFound(`no such endpoint: ${req.method} ${redactUrl(req.url)}`);
    reply.code(404);
    if (isScimPath(req.url)) return reply.header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(e.toJSON()));
    return reply.send({ error: e.code, message: e.detail, status: 404 });
  });

  // First, on the root: every route registered after it (SCIM, admin, webhooks, health) is counted.
  const metrics = opts.metrics ?? new Metrics();
  await app.register(requestMetrics, { metrics });
  const tenants = new TenantRepository(opts.store.db);
  const service = new ScimService(opts.store, opts.hook ?? noProvisioning, { maxInMemoryMatches: opts.maxInMemoryMatches });
  await app.register(scimRoutes, {
    prefix: '/scim/v2/:tenant',
    service,
    tenants,
    limits,
    publicUrl: opts.publicUrl,
    ...(opts.scimSecurity ? { security: opts.scimSecurity } : {}),
  });
  await app.register(healthRoutes, { store: opts.store, metrics });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
