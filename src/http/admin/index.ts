// The admin JSON API under /admin/api, as a plugin for buildApp: the ADMIN_TOKEN bearer (compared in constant time) or
// the admin UI's session cookie with a CSRF token on writes, JSON errors {error, message, details?}, and the routes for
// sign-in, tenants, mapping, per-tenant settings, users, activity (with its live stream), the dashboard and jobs.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../store/db.js';
import type { SecretBox } from '../../security/secrets.js';
import type { ShopConnections } from '../../sync/shops.js';
import { ScimError } from '../../scim/errors.js';
import { AdminError, adminErrors } from '../../admin/errors.js';
import type { AdminDeps } from '../../admin/context.js';
import { tenantRoutes } from './tenants.js';
import { mappingRoutes } from './mapping.js';
import { settingsRoutes } from './settings.js';
import { jobRoutes } from './jobs.js';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { Lockout, type LockoutOptions } from '../../security/lockout.js';
import { AdminAccounts, type SessionTimes } from '../../store/admin-accounts.js';
import { authenticate, authRoutes, type AdminAuth } from './auth.js';
import { userRoutes } from './users.js';
import { monitorRoutes } from './monitor.js';
import { openApiRoutes } from './openapi.js';
import { eventRoutes } from './events.js';
import { ActivityFeed } from '../../admin/live.js';
import type { BudgetHistory } from '../../sync/budget.js';
import type { ShopSettings } from '../../sync/shops.js';

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
  /** which addresses outbound targets may reach (TARGETS_ALLOW_PRIVATE); default: public ones only */
  addresses?: AdminDeps['addresses'];
  /** subscribes a newly connected shop's webhooks */
  onShopConnected?: AdminDeps['onShopConnected'];
  /** ADMIN_PASSWORD is set (the `admin` account's password is managed there) */
  passwordFromEnvironment?: boolean;
  /** sign-in attempts allowed per client address and window; default 10 per 5 minutes */
  loginRateLimit?: { max: number; windowMs: number };
  /** invalid ADMIN_TOKEN bearers from one address that lock it out (default 20 a minute, for 5 minutes; 0: never) */
  lockout?: LockoutOptions;
  /** admin API requests allowed per client address and minute (0: no limit); default 600 */
  rateLimit?: number;
  sessionTimes?: SessionTimes;
  /** each shop's recent API budget use, for the dashboard */
  budget?: BudgetHistory;
  /** demo mode's in-process emulator, which the UI offers to connect a tenant to */
  emulatorShop?: ShopSettings;
  /** the live activity stream: how often the log is read (default 1 s) and a keep-alive is sent (default 15 s) */
  live?: { pollMs?: number; heartbeatMs?: number };
}

/** What each route file gets: the admin operations' dependencies and the origin to build URLs with. */
export interface AdminRouteContext {
  /** for reads: the actor is the generic `admin` */
  deps: AdminDeps;
  /** for changes: the same, with the actor the audit log records for this request (see actorOf) */
  depsOf(req: FastifyRequest): AdminDeps;
  origin(req: FastifyRequest): string;
}

/**
 * Who a change is recorded as: `admin:<username>` for a signed-in admin UI user, `admin` for the ADMIN_TOKEN bearer
 * (a script or tool, which names no person).
 */
export function actorOf(auth: AdminAuth | undefined): string {
  return auth?.kind === 'session' && auth.session.user ? `admin:${auth.session.user.username}` : 'admin';
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
    ...(opts.addresses ? { addresses: opts.addresses } : {}),
    ...(opts.onShopConnected ? { onShopConnected: opts.onShopConnected } : {}),
  };
  const ctx: AdminRouteContext = {
    deps,
    depsOf: (req) => {
      const actor = actorOf(req.adminAuth);
      return actor === deps.actor ? deps : { ...deps, actor };
    },
    origin: (req) => opts.publicUrl ?? `${req.protocol}://${req.host}`,
  };
  const accounts = new AdminAccounts(opts.store.db, opts.store.dialect, opts.sessionTimes);
  const auth = {
    accounts,
    adminToken: opts.adminToken,
    passwordFromEnvironment: opts.passwordFromEnvironment === true,
    loginRateLimit: opts.loginRateLimit ?? { max: 10, windowMs: 5 * 60_000 },
    publicUrl: opts.publicUrl,
    features: { emulator: !!opts.emulatorShop },
    lockout: new Lockout(opts.lockout ?? { maxFailures: 20, windowMs: 60_000, lockMs: 5 * 60_000 }),
  };
  return async (app) => {
    await app.register(cookie);
    // Every admin route: a generous limit per client address (one minute window); the sign-in routes have their own,
    // much lower one. Retry-After comes with each 429.
    const perMinute = opts.rateLimit ?? 600;
    await app.register(rateLimit, {
      global: perMinute > 0,
      max: perMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (req, ctx) =>
        'rateLimit' in (req.routeOptions.config ?? {})
          ? adminErrors.rateLimited(`too many sign-in attempts: try again in ${ctx.after}`)
          : adminErrors.rateLimited(`more than ${ctx.max} admin requests a minute from this address: try again in ${ctx.after}`),
    });
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith(ADMIN_PREFIX)) return;
      await authenticate(req, auth);
    });

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const e = toAdminError(err);
      if (e.status >= 500 && e.code === 'INTERNAL')
        req.log.error({ err: { message: err.message, stack: err.stack } }, 'admin request failed');
      if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="shopify-scim-admin"');
      const retry = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (e.status === 429 && typeof retry === 'number') reply.header('Retry-After', String(retry));
      return reply.code(e.status).send(e.toJSON());
    });

    await authRoutes(app, auth);
    await tenantRoutes(app, ctx);
    await mappingRoutes(app, ctx);
    await settingsRoutes(app, ctx);
    await jobRoutes(app, ctx);
    await userRoutes(app, ctx);
    await monitorRoutes(app, ctx, {
      ...(opts.budget ? { budget: opts.budget } : {}),
      ...(opts.emulatorShop ? { emulatorShop: opts.emulatorShop } : {}),
    });
    const feed = new ActivityFeed(opts.store.db, opts.live?.pollMs ?? 1000, (e) =>
      app.log.warn({ err: e }, 'the live activity feed could not read the log'),
    );
    await eventRoutes(app, ctx, { feed, accounts, heartbeatMs: opts.live?.heartbeatMs ?? 15_000 });
    await openApiRoutes(app);
  };
}
