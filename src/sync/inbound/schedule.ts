// Reconciliation on a schedule, through the outbox so that one instance runs it at a time per tenant: each run of a
// `shopify.reconcile` job repairs what it finds (incremental, and full now and then) and queues the next run.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/types.js';
import { TenantRepository } from '../../store/tenants.js';
import type { Worker } from '../worker.js';
import type { JobOutcome, Logger } from '../job-contract.js';
import { driftCount, reconcileTenant, type ReconcileDeps } from '../reconcile.js';
import { readCursor, writeCursor } from '../../store/cursors.js';
import { registerJob, enqueueJob } from '../jobs.js';
import { RECONCILE_JOB_KIND } from '../job-kinds.js';
import { hasOpenJobOfKind } from '../../store/outbox.js';

export const RECONCILE_JOB = RECONCILE_JOB_KIND.kind;
export const RECONCILE_QUEUE = 'reconcile';
const FULL_CURSOR = 'reconcile.full';

export interface ScheduleOptions {
  /** between runs (incremental: customers changed since the previous run) */
  intervalMs: number;
  /** a full comparison (bulk export, finds deletions) at most this often; default one day */
  fullEveryMs?: number;
  log?: Logger;
}

/** Queues a reconcile run for the tenant unless one is already waiting. */
export async function scheduleReconcile(db: Kysely<Database>, tenantId: string, runAfter: Date, exceptJobId?: number): Promise<boolean> {
  if (await hasOpenJobOfKind(db, tenantId, RECONCILE_JOB, exceptJobId)) return false;
  await enqueueJob(db, RECONCILE_JOB_KIND, { tenantId, queue: RECONCILE_QUEUE, key: 'tenant', payload: {}, runAfter });
  return true;
}

/** Makes sure every tenant with a shop connected has its next reconcile run queued. */
export async function ensureReconcileSchedules(db: Kysely<Database>, intervalMs: number, now = Date.now()): Promise<number> {
  let n = 0;
  for (const t of await new TenantRepository(db).list()) {
    if (!t.settings.shopify) continue;
    if (await scheduleReconcile(db, t.id, new Date(now + intervalMs))) n++;
  }
  return n;
}

/** Registers the scheduled reconcile handler on a worker. */
export function registerReconcile(worker: Worker, deps: ReconcileDeps, opts: ScheduleOptions): void {
  const fullEvery = opts.fullEveryMs ?? 24 * 3600_000;
  registerJob(worker, RECONCILE_JOB_KIND, async ({ job, now }): Promise<JobOutcome> => {
    const tenant = await new TenantRepository(deps.db).byId(job.tenantId);
    if (!tenant || !tenant.settings.shopify) return { outcome: 'done' };
    try {
      const lastFull = await readCursor(deps.db, tenant.id, FULL_CURSOR);
      const full = !lastFull || now() - Date.parse(lastFull) >= fullEvery;
      const report = await reconcileTenant(deps, tenant, { repair: true, full });
      if (full) await writeCursor(deps.db, tenant.id, FULL_CURSOR, new Date(now()).toISOString());
      if (driftCount(report) > 0)
        opts.log?.warn({ tenant: tenant.name, mode: report.mode, drift: driftCount(report) }, 'reconcile repaired drift');
    } catch (e) {
      opts.log?.warn({ tenant: tenant.name, err: (e as Error).message }, 'scheduled reconcile failed; the next run tries again');
    }
    await scheduleReconcile(deps.db, tenant.id, new Date(now() + opts.intervalMs), job.id);
    return { outcome: 'done' };
  });
}
