// Admin routes for a tenant's dead-lettered jobs: the list (paged, newest first) and retrying one or all of them
// once the cause is fixed; a retry wakes the worker.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { listDeadJobs, positiveInt, retryDeadJobs } from '../../admin/jobs.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };

/** Registers the dead-letter routes. */
export async function jobRoutes(app: FastifyInstance, { deps, depsOf }: AdminRouteContext): Promise<void> {
  app.get<{ Params: TenantParams; Querystring: { limit?: string; before?: string; queue?: string } }>(
    '/admin/api/tenants/:t/jobs/dead',
    async (req) => {
      const t = await requireTenant(deps, req.params.t);
      const page = await listDeadJobs(deps, t, req.query);
      const q = new URLSearchParams({
        ...(req.query.limit ? { limit: req.query.limit } : {}),
        ...(req.query.queue ? { queue: req.query.queue } : {}),
      });
      if (page.nextBefore !== null) q.set('before', String(page.nextBefore));
      return { ...page, next: page.nextBefore === null ? null : `/admin/api/tenants/${t.name}/jobs/dead?${q}` };
    },
  );

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/jobs/dead/retry', async (req) =>
    retryDeadJobs(depsOf(req), await requireTenant(deps, req.params.t)),
  );

  app.post<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/jobs/dead/:id/retry', async (req) => {
    const t = await requireTenant(deps, req.params.t);
    const id = positiveInt('the job id', req.params.id)!;
    return retryDeadJobs(depsOf(req), t, [id]);
  });
}
