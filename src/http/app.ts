// Builds the Fastify application: body parsing (scim+json and json, raw bytes kept for signature checks), the SCIM
// routes per tenant, health and metrics, and one error handler that answers SCIM routes in the SCIM error schema.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, type Store } from '../store/db.js';
import { TenantRepository } from '../store/tenants.js';
import { errors, ScimError } from '../scim/errors.js';
import { ScimService } from '../scim-service/service.js';
import { scimRoutes, SCIM_CONTENT_TYPE, type ScimSecurityOptions } from './scim/index.js';
import type { Limits } from '../scim/discovery.js';
import { noProvisioning, type ProvisioningHook } from '../provisioning.js';
import { healthRoutes, requestMetrics, type HealthOptions, type MetricsAccess } from './health.js';
import { Metrics } from '../metrics.js';
import { createLogger, redactUrl, type Logger } from '../logger.js';
import { answerClientError, parseJsonBody } from './edge.js';
import { withRequestContext } from '../request-context.js';

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
  /** who may read /metrics (default: nobody until a token is set or it is made public) */
  metricsAccess?: MetricsAccess;
  /** /readyz's check of each connected shop (the engine's) */
  shopChecks?: HealthOptions['shopChecks'];
  /** whose X-Forwarded-* headers to believe (default: a proxy on loopback or a private network; see TRUST_PROXY) */
  trustProxy?: boolean | string;
  /** the SCIM API's per-token rate limit and lock-out on invalid tokens (defaults: DEFAULT_SCIM_SECURITY) */
  scimSecurity?: ScimSecurityOptions;
  /** extra routes (webhook receiver, admin API) registered by the layers above */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

export const DEFAULT_LIMITS: Limits = { maxResults: 1000, defaultCount: 100, bulkMaxOperations: 1000, bulkMaxPayloadSize: 1048576 };

// The router ignores case, so /SCIM/v2/… reaches the SCIM routes and is answered as they are.
const isScimPath = (url: string) => /^\/scim\//i.test(url);

/** Longest path parameter (ids are UUIDs; tenant names are short): longer is 414. */
export const MAX_PARAM_LENGTH = 100;
/** Longest request URL: longer is 414 in the SCIM error schema. */
export const MAX_URL_LENGTH = 16384;
/** Node's limit on the request line and headers together (its default is 16 KiB): above it, 431. */
export const MAX_HEADER_BYTES = 65536;

/** What a request id given in X-Request-Id may look like (anything else is replaced by a new one). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The Retry-After of a 503 answered while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

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
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: MAX_PARAM_LENGTH },
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    // A request id given by a proxy or the client (X-Request-Id) is kept, so their logs and ours meet; else a new one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // What the router refuses before any route (bad percent-encoding, an over-long id) and what Node's parser refuses
    // before Fastify sees a request (conflicting lengths, oversized headers) are answered in the same error schema.
    frameworkErrors: (err, req, reply) => onError(err, req, reply),
    clientErrorHandler: (err, socket) => answerClientError(err, socket),
  });

  // Before anything else (authentication included): a URL longer than any SCIM request needs is 414, in the error
  // schema; Node itself only stops at maxHeaderSize (431, answered by clientErrorHandler).
  app.addHook('onRequest', async (req) => {
    if (req.url.length > MAX_URL_LENGTH) throw errors.uriTooLong(`the request URL is longer than ${MAX_URL_LENGTH} characters`);
    // An encoded NUL can name no resource and no filter value; PostgreSQL would refuse it in any text parameter.
    if (/%00/.test(req.url)) throw errors.invalidSyntax('the request URL may not contain an encoded NUL (%00)');
  });

  // Every route, as it is registered anywhere below the root (SCIM, admin, webhooks, health).
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.decorate('routeList', () => [...routes]);

  // Bodies: JSON under a JSON media type (scim+json, json, or none given), strict UTF-8, no prototype keys, nested at
  // most MAX_JSON_DEPTH levels; raw bytes kept for HMAC checks. Parsing runs after the onRequest hooks, so a request
  // without a valid token is 401 before its body is read.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    try {
      done(null, parseJsonBody(String(req.headers['content-type'] ?? ''), body));
    } catch (e) {
      done(e as ScimError, undefined);
    }
  });

  const onError = (err: FastifyError | ScimError, req: FastifyRequest, reply: FastifyReply) => {
    let scim: ScimError;
    if (err instanceof ScimError) scim = err;
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') scim = errors.payloadTooLarge(`the request body is larger than ${maxBody} bytes`);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      scim = errors.unsupportedMediaType('send application/scim+json or application/json');
    else if ('validation' in err && err.validation)
      scim = errors.invalidValue(`the request's ${err.validationContext ?? 'input'} is not valid: ${err.message}`);
    else if (err.code === 'FST_ERR_BAD_URL') scim = errors.invalidSyntax('the request path is not valid percent-encoded UTF-8');
    else if (err.code === 'FST_ERR_MAX_PARAM_LENGTH')
      scim = errors.uriTooLong(`a path segment (an id) is longer than ${MAX_PARAM_LENGTH} characters`);
    else if (err.statusCode && err.statusCode < 500) scim = errors.badRequest(err.message);
    else if (isDatabaseUnavailable(err)) {
      // A database restart or failover: nothing was committed, and the client is told when to try again.
      req.log.warn({ err }, 'the database is unavailable');
      scim = errors.unavailable('the database is unavailable for a moment; nothing was changed, retry later', {
        'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
      });
    } else {
      req.log.error({ err }, 'request failed');
      scim = errors.internal('the server could not complete the request; it has been logged');
    }
    for (const [k, v] of Object.entries(scim.headers)) reply.header(k, v);
    reply.code(scim.status);
    if (isScimPath(req.url)) return reply.header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(scim.toJSON()));
    return reply.send({ error: scim.code, message: scim.detail, status: scim.status });
  };
  app.setErrorHandler(onError);

  app.setNotFoundHandler((req, reply) => {
    const e = errors.notFound(`no such endpoint: ${req.method} ${redactUrl(req.url)}`);
    reply.code(404);
    if (isScimPath(req.url)) return reply.header('content-type', SCIM_CONTENT_TYPE).send(JSON.stringify(e.toJSON()));
    return reply.send({ error: e.code, message: e.detail, status: 404 });
  });

  // The request id follows the request into the jobs it queues and the Shopify calls they make.
  app.addHook('onRequest', (req, _reply, done) => withRequestContext({ requestId: req.id }, done));

  // Graceful close: from the moment close() starts, every answer still being sent (the requests in flight) ends its
  // connection, so the server is not held open by kept-alive sockets until their idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    if (closing) reply.header('connection', 'close');
    return payload;
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
  await app.register(healthRoutes, {
    store: opts.store,
    metrics,
    metricsAccess: opts.metricsAccess,
    ...(opts.shopChecks ? { shopChecks: opts.shopChecks } : {}),
  });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}
