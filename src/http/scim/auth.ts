// Who a SCIM request comes from: the bearer token, checked before the body is read, names a tenant and a client;
// the request context every SCIM operation works with is built from them once.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Lockout } from '../../security/lockout.js';
import { errors } from '../../scim/errors.js';
import type { TenantRepository } from '../../store/tenants.js';
import type { TenantParams } from './reply.js';
import { policiesFor, userTypeFor, type RequestContext } from '../../scim-service/context.js';

declare module 'fastify' {
  interface FastifyRequest {
    scim?: RequestContext;
  }
}

/** Extracts the bearer token; any other scheme or a missing header is an authentication failure. */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

/** The request's SCIM context (set by the authentication hook of every SCIM route). */
export function contextOf(req: FastifyRequest): RequestContext {
  if (!req.scim) throw errors.unauthorized('an "Authorization: Bearer <token>" header is required');
  return req.scim;
}

export interface ScimSecurityOptions {
  /** requests each token may make per window (0: no limit); answered 429 with Retry-After beyond it */
  rateLimit: { max: number; windowMs: number };
  /** invalid bearer tokens from one address that lock it out (0: never), within windowMs, for lockMs */
  lockout: { maxFailures: number; windowMs: number; lockMs: number };
}

/** Generous enough for any identity provider's full sync, low enough that one client cannot starve the others. */
export const DEFAULT_SCIM_SECURITY: ScimSecurityOptions = {
  rateLimit: { max: 200, windowMs: 1000 },
  lockout: { maxFailures: 20, windowMs: 60_000, lockMs: 5 * 60_000 },
};

const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));

/**
 * Authenticates every request of the plugin it is added to, in onRequest (before the body is parsed): a missing or
 * wrong token is 401, an expired one 401 saying so. A valid token names one tenant; at the address of any other
 * tenant, existing or not, the answer is 404, so a token never tells which tenants exist. An address that sent too
 * many invalid tokens is answered 429 before its token is looked at, until its lock-out ends.
 */
export function addScimAuth(
  app: FastifyInstance,
  opts: { tenants: TenantRepository; publicUrl?: string; security?: ScimSecurityOptions },
): void {
  const security = opts.security ?? DEFAULT_SCIM_SECURITY;
  const lockout = new Lockout(security.lockout);
  app.addHook<{ Params: Partial<TenantParams> }>('onRequest', async (req) => {
    const locked = lockout.lockedFor(req.ip);
    if (locked > 0)
      throw errors.tooManyRequests('too many invalid bearer tokens from this address: try again later', {
        'retry-after': seconds(locked),
      });
    const token = bearer(req);
    if (!token) throw errors.unauthorized('an "Authorization: Bearer <token>" header is required');
    const auth = await opts.tenants.verifyToken(token);
    if ('failure' in auth) {
      // An expired token was a real one: it is not a guess, so it does not count towards the lock-out.
      if (auth.failure === 'expired') throw errors.unauthorized("the bearer token has expired: ask the bridge's admin for a new one");
      const lockedNow = lockout.fail(req.ip);
      if (lockedNow > 0) {
        req.log.warn({ ip: req.ip }, 'address locked out after repeated invalid SCIM bearer tokens');
        throw errors.tooManyRequests('too many invalid bearer tokens from this address: try again later', {
          'retry-after': seconds(lockedNow),
        });
      }
      throw errors.unauthorized('the bearer token is not valid');
    }
    lockout.succeed(req.ip);
    const tenantName = String(req.params?.tenant ?? '').toLowerCase();
    if (auth.tenant.name !== tenantName)
      throw errors.notFound('there is no SCIM endpoint for this token at this address; its base URL names another tenant');
    await opts.tenants.touch(auth.client);
    const origin = opts.publicUrl ?? `${req.protocol}://${req.host}`;
    req.scim = {
      tenant: auth.tenant,
      client: auth.client,
      userType: userTypeFor(auth.tenant),
      baseUrl: `${origin}/scim/v2/${auth.tenant.name}`,
      actor: `client:${auth.client.id}`,
      policies: policiesFor(auth.tenant),
    };
  });
}

/**
 * The per-token rate limit (@fastify/rate-limit, keyed by the token's client, counted after authentication): beyond
 * `max` requests in a window the answer is 429 in the SCIM error schema with Retry-After.
 */
export async function addScimRateLimit(app: FastifyInstance, security: ScimSecurityOptions = DEFAULT_SCIM_SECURITY): Promise<void> {
  if (security.rateLimit.max <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: security.rateLimit.max,
    timeWindow: security.rateLimit.windowMs,
    hook: 'preParsing',
    keyGenerator: (req) => (req.scim?.client ? `client:${req.scim.client.id}` : `ip:${req.ip}`),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
    errorResponseBuilder: (_req, ctx) =>
      errors.tooManyRequests(`this token sent more than ${ctx.max} requests in ${security.rateLimit.windowMs / 1000} s: slow down`, {
        'retry-after': seconds(ctx.ttl),
      }),
  });
}
