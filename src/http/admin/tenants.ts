// Admin routes for tenants and their SCIM tokens: list, create, the settings summary (secrets never shown), and
// tokens that are shown once when issued.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { createTenant, createToken, listTenants, listTokens, revokeToken, rotateToken, tenantSummary } from '../../admin/tenants.js';
import { listAudit } from '../../admin/audit.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };

/** Registers the tenant and token routes. */
export async function tenantRoutes(app: FastifyInstance, { deps, depsOf, origin }: AdminRouteContext): Promise<void> {
  app.get('/admin/api/tenants', async (req) => ({ tenants: await listTenants(deps, origin(req)) }));

  app.post('/admin/api/tenants', async (req, reply) => {
    const t = await createTenant(depsOf(req), req.body, origin(req));
    return reply.code(201).send(t);
  });

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t', async (req) =>
    tenantSummary(deps, await requireTenant(deps, req.params.t), origin(req)),
  );

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/tokens', async (req) => ({
    tokens: await listTokens(deps, await requireTenant(deps, req.params.t)),
  }));

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/tokens', async (req, reply) => {
    const t = await requireTenant(deps, req.params.t);
    const { client, token, scimBaseUrl, examples } = await createToken(depsOf(req), t, req.body, origin(req));
    return reply.code(201).send({ ...client, token, scimBaseUrl, examples });
  });

  app.post<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/tokens/:id/rotate', async (req, reply) => {
    const t = await requireTenant(deps, req.params.t);
    const { client, token, previous, scimBaseUrl, examples } = await rotateToken(depsOf(req), t, req.params.id, req.body, origin(req));
    return reply.code(201).send({ ...client, token, scimBaseUrl, examples, previous });
  });

  app.delete<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/tokens/:id', async (req, reply) => {
    await revokeToken(depsOf(req), await requireTenant(deps, req.params.t), req.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: TenantParams; Querystring: { limit?: string; before?: string; action?: string } }>(
    '/admin/api/tenants/:t/audit',
    async (req) => listAudit(deps, await requireTenant(deps, req.params.t), req.query),
  );
}
