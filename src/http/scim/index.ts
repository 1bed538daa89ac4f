// The SCIM API under /scim/v2/:tenant as one Fastify plugin: authentication first, then the resource, search, Bulk
// and discovery routes over the transport-free SCIM service.
import type { FastifyInstance } from 'fastify';
import type { Limits } from '../../scim/discovery.js';
import type { ScimService } from '../../scim-service/service.js';
import { runBulk } from '../../scim-service/bulk.js';
import type { TenantRepository } from '../../store/tenants.js';
import { addScimAuth, addScimRateLimit, contextOf, type ScimSecurityOptions } from './auth.js';
import { resourceRoutes } from './resources.js';
import { searchRoutes } from './search.js';
import { discoveryRoutes } from './discovery.js';
import { send, tenantParamsSchema, type TenantParams } from './reply.js';

export { SCIM_CONTENT_TYPE } from './reply.js';
export { DEFAULT_SCIM_SECURITY, type ScimSecurityOptions } from './auth.js';

export interface ScimRouteOptions {
  service: ScimService;
  tenants: TenantRepository;
  limits: Limits;
  publicUrl?: string;
  /** per-token rate limit and lock-out on invalid tokens (DEFAULT_SCIM_SECURITY when left out) */
  security?: ScimSecurityOptions;
}

export async function scimRoutes(app: FastifyInstance, opts: ScimRouteOptions): Promise<void> {
  addScimAuth(app, opts);
  await addScimRateLimit(app, opts.security);
  await resourceRoutes(app, opts);
  await searchRoutes(app, opts);
  app.post<{ Params: TenantParams; Body: unknown }>('/Bulk', { schema: { params: tenantParamsSchema } }, async (req, reply) =>
    send(reply, 200, await runBulk(opts.service, contextOf(req), req.body, opts.limits)),
  );
  await discoveryRoutes(app, opts);
}
