// Admin routes that watch a tenant: the dashboard's figures, the activity log (JSON and CSV), the job list and
// discarding a dead letter, outbound targets' test events, the privacy choice, and in demo mode connecting the
// built-in emulator.
import type { FastifyInstance } from 'fastify';
import { requireTenant } from '../../admin/context.js';
import { adminErrors } from '../../admin/errors.js';
import { dashboard } from '../../admin/dashboard.js';
import { activityCsv, listActivity, type ActivityQuery } from '../../admin/activity.js';
import { discardDead, listTenantJobs } from '../../admin/job-queue.js';
import { positiveInt } from '../../admin/jobs.js';
import { testTarget } from '../../admin/target-test.js';
import { putPrivacy, readPrivacy } from '../../admin/privacy.js';
import { connectShop } from '../../admin/shop.js';
import type { BudgetHistory } from '../../sync/budget.js';
import type { ShopSettings } from '../../sync/shops.js';
import type { AdminRouteContext } from './index.js';

type TenantParams = { t: string };

export interface MonitorOptions {
  budget?: BudgetHistory;
  /** the demo's in-process emulator: a tenant may be connected to it in one click */
  emulatorShop?: ShopSettings;
}

/** Registers the monitoring routes. */
export async function monitorRoutes(app: FastifyInstance, { deps, depsOf }: AdminRouteContext, o: MonitorOptions): Promise<void> {
  const tenant = (t: string) => requireTenant(deps, t);

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/dashboard', async (req) =>
    dashboard(deps, await tenant(req.params.t), o.budget),
  );

  app.get<{ Params: TenantParams; Querystring: ActivityQuery }>('/admin/api/tenants/:t/activity', async (req) =>
    listActivity(deps, await tenant(req.params.t), req.query),
  );
  app.get<{ Params: TenantParams; Querystring: ActivityQuery }>('/admin/api/tenants/:t/activity.csv', async (req, reply) => {
    const t = await tenant(req.params.t);
    const csv = await activityCsv(deps, t, req.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="activity-${t.name}-${new Date().toISOString().slice(0, 10)}.csv"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });

  app.get<{ Params: TenantParams; Querystring: { state?: string; queue?: string; limit?: string; before?: string } }>(
    '/admin/api/tenants/:t/jobs',
    async (req) => listTenantJobs(deps, await tenant(req.params.t), req.query),
  );
  app.delete<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/jobs/dead/:id', async (req) =>
    discardDead(depsOf(req), await tenant(req.params.t), positiveInt('the job id', req.params.id)!),
  );

  app.post<{ Params: TenantParams & { id: string } }>('/admin/api/tenants/:t/targets/:id/test', async (req) =>
    testTarget(depsOf(req), await tenant(req.params.t), req.params.id),
  );

  app.get<{ Params: TenantParams }>('/admin/api/tenants/:t/privacy', async (req) => readPrivacy((await tenant(req.params.t)).settings));
  app.put<{ Params: TenantParams }>('/admin/api/tenants/:t/privacy', async (req) =>
    putPrivacy(depsOf(req), await tenant(req.params.t), req.body),
  );

  app.post<{ Params: TenantParams }>('/admin/api/tenants/:t/shop/emulator', async (req) => {
    const emu = o.emulatorShop;
    if (!emu) throw adminErrors.notFound('this bridge runs no built-in Shopify emulator (only demo mode does)');
    return connectShop(depsOf(req), await tenant(req.params.t), {
      shop: emu.shop,
      apiBaseUrl: emu.apiBaseUrl,
      accessToken: emu.accessToken,
      ...(emu.clientSecret ? { webhookSecret: emu.clientSecret } : {}),
    });
  });
}
