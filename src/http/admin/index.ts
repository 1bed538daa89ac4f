// The admin JSON API under /admin/api, as a plugin for buildApp: one bearer token (ADMIN_TOKEN) compared in constant
// time, JSON errors {error, message, details?}, and the routes for tenants, mapping, per-tenant settings and
// dead-lettered jobs.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/db.js';
import type { SecretBox } from '../../security/secrets.js';
import type { ShopConnections } from '../../sync/shops.js';
import { safeEqual } from '../../security/tokens.js';
import { ScimError } from '../../scim/errors.js';
import { AdminError, adminErrors } from '../../admin/errors.js';
import type { AdminDeps } from '../../admin/context.js';
import { tenantRoutes } from './tenants.js';
import { mappingRoutes } from './mapping.js';
import { settingsRoutes } from './settings.js';
import { jobRoutes } from './jobs.js';

export const ADMIN_PREFIX = '/admin/api';

export interface AdminApiOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  /** ADMIN_TOKEN; without one the API answers 503 */
  adminToken?: string;
  /** seals Shopify and target credentials */
  box?: SecretBox;
  /** the engine's shop connections, shared so the admin's calls count against the same budget */
  shops?: ShopConnections;
  /** wakes the worker after a re-apply or a retry queued jobs */
  wake?: () => void;
  /** the bridge's public address, for the SCIM base URLs it shows; default: the request's own origin */
  publicUrl?: string;
  /** subscribes a newly connected shop's webhooks */
  onShopConnected?: AdminDeps['onShopConnected'];
}

/** What each route file gets: the admin operations' dependencies and the origin to build URLs with. */
export interface AdminRouteContext {
  deps: AdminDeps;
  origin(req: FastifyRequest): string;
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h ? /^Bearer\s+(\S+)\s*$/i.exec(h)?.[1] : undefined;
}

/** Turns anything a route threw into the admin error a client sees. */
function toAdminError(err: FastifyError | Error): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof ScimError) {
    // the shared body parser speaks SCIM: translate its refusals
    if (err.status === 413) return new AdminError(413, 'PAYLOAD_TOO_LARGE', err.detail);
    if (err.status === 415) return new AdminError(415, 'UNSUPPORTED_MEDIA_TYPE', err.detail);
    if (err.status < 500) return new AdminError(err.status, err.scimType === 'invalidSyntax' ? 'INVALID_JSON' : 'BAD_REQUEST', err.detail);
  }
  const e = err as FastifyError;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AdminError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (e.statusCode && e.statusCode < 500) return adminErrors.badRequest(e.message);
  return new AdminError(500, 'INTERNAL', 'the server could not complete the request; it has been logged');
}

/**
 * The admin API as a buildApp plugin.
 * @example buildApp({ store, plugins: [adminApi({ store, adminToken: config.adminToken, box })] })
 */
export function adminApi(opts: AdminApiOptions): (app: FastifyInstance) => Promise<void> {
  const deps: AdminDeps = {
    db: opts.store.db,
    dialect: opts.store.dialect,
    actor: 'admin',
    ...(opts.box ? { box: opts.box } : {}),
    ...(opts.shops ? { shops: opts.shops } : {}),
    ...(opts.wake ? { wake: opts.wake } : {}),
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    ...(opts.onShopConnected ? { onShopConnected: opts.onShopConnected } : {}),
  };
  const ctx: AdminRouteContext = {
    deps,
    origin: (req) => opts.publicUrl ?? `${req.protocol}://${req.host}`,
  };
  return async (app) => {
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith(ADMIN_PREFIX)) return;
      if (!opts.adminToken) throw adminErrors.disabled('the admin API is off: set ADMIN_TOKEN (at least 16 characters) and restart the bridge');
      const token = bearer(req);
      if (!token) throw adminErrors.unauthorized('an "Authorization: Bearer <ADMIN_TOKEN>" header is required');
      if (!safeEqual(token, opts.adminToken)) throw adminErrors.unauthorized('the admin token is not valid');
    });

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const e = toAdminError(err);
      if (e.status >= 500 && e.code === 'INTERNAL') req.log.error({ err: { message: err.message, stack: err.stack } }, 'admin request failed');
      if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="shopify-scim-admin"');
      return reply.code(e.status).send(e.toJSON());
    });

    await tenantRoutes(app, ctx);
    await mappingRoutes(app, ctx);
    await settingsRoutes(app, ctx);
    await jobRoutes(app, ctx);
  };
}
