// Who a SCIM request comes from: the bearer token, checked before the body is read, names a tenant and a client;
// the request context every SCIM operation works with is built from them once.
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

/**
 * Authenticates every request of the plugin it is added to, in onRequest (before the body is parsed): a missing or
 * wrong token is 401. A valid token names one tenant; at the address of any other tenant, existing or not, the answer
 * is 404, so a token never tells which tenants exist.
 */
export function addScimAuth(app: FastifyInstance, opts: { tenants: TenantRepository; publicUrl?: string }): void {
  app.addHook<{ Params: Partial<TenantParams> }>('onRequest', async (req) => {
    const token = bearer(req);
    if (!token) throw errors.unauthorized('an "Authorization: Bearer <token>" header is required');
    const auth = await opts.tenants.authenticate(token);
    if (!auth) throw errors.unauthorized('the bearer token is not valid');
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
