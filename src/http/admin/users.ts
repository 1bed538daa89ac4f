// Admin routes for a tenant's users as the UI shows them: the search list, one user beside its Shopify customer with
// its history, "sync now", and the users Shopify could not take with where to fix each, and retrying them all.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { listUsers, resyncUser, userDetail } from '../../admin/users.js';
import { listSyncFailures, retrySyncFailures } from '../../admin/sync-failures.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };
type UserQuery = { q?: string; syncState?: string; errorCode?: string; limit?: string; cursor?: string };

/** Registers the user routes. */
export async function userRoutes(app: FastifyInstance, { deps, depsOf, origin }: AdminRouteContext): Promise<void> {
  app.get<{ Params: TenantParams; Querystring: UserQuery }>('/admin/api/tenants/:t/users', async (req) =>
    listUsers(deps, await requireTenant(deps, req.params.t), req.query),
  );
  app.get<{ Params: TenantParams; Querystring: UserQuery }>('/admin/api/tenants/:t/sync-failures', async (req) =>
    listSyncFailures(deps, await requireTenant(deps, req.params.t), req.query),
  );
  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/sync-failures/retry', async (req, reply) =>
    reply.code(202).send(await retrySyncFailures(depsOf(req), await requireTenant(deps, req.params.t))),
  );
  app.get<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/users/:id', async (req) =>
    userDetail(deps, await requireTenant(deps, req.params.t), req.params.id, origin(req)),
  );
  app.post<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/users/:id/sync', async (req, reply) =>
    reply.code(202).send(await resyncUser(depsOf(req), await requireTenant(deps, req.params.t), req.params.id)),
  );
}
