// Re-applies the mapping to every user the bridge has linked (or tried to): one user.sync job each through the
// outbox, queued in batches so no tenant is ever loaded whole; the worker's throttle keeps it within the shop budget.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Tenant } from '../store/tenants.js';
import type { MappingReapplyRunsTable } from '../store/types.js';
import { enqueue } from '../sync/outbox.js';
import { LinkRepository } from '../sync/links.js';
import { USER_SYNC } from '../sync/provision.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';
import { mappingVersionOf } from './mapping.js';
import { audit } from '../store/resources.js';

/** Users queued per transaction. */
export const REAPPLY_BATCH = 500;
/** A run still "enqueuing" that no process has advanced for this long was interrupted (e.g. by a restart). */
const STALL_MS = 60_000;

const links = new LinkRepository();
/** Runs this process is queueing right now. */
const active = new Map<string, Promise<void>>();

export interface ReapplyFailure {
  userId: string | null;
  code: string | null;
  message: string | null;
}

export interface ReapplyProgress {
  runId: string;
  mappingVersion: number;
  /** enqueuing: jobs are still being queued; enqueued: all are queued; failed or interrupted: queueing stopped early */
  state: 'enqueuing' | 'enqueued' | 'failed' | 'interrupted';
  /** jobs queued so far (the number of users once state is enqueued) */
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** true once every job is queued and none is pending */
  finished: boolean;
  createdAt: string;
  updatedAt: string;
  error?: string;
  /** the first failures, so the cause can be seen without opening the activity log */
  failures: ReapplyFailure[];
}

/** Starts a re-apply run and returns at once; the jobs are queued in the background, batch by batch. */
export async function startReapply(deps: AdminDeps, tenant: Tenant): Promise<{ runId: string; mappingVersion: number }> {
  const now = new Date().toISOString();
  const runId = randomUUID();
  const mappingVersion = mappingVersionOf(tenant.settings);
  await deps.db
    .insertInto('mapping_reapply_runs')
    .values({ id: runId, tenant_id: tenant.id, mapping_version: mappingVersion, state: 'enqueuing', total: 0, cursor: null, error: null, created_at: now, updated_at: now })
    .execute();
  await audit(deps.db, { tenantId: tenant.id, actor: deps.actor, action: 'mapping.reapply', resourceType: 'Mapping', resourceId: String(mappingVersion), detail: { runId, mappingVersion } });
  const work = queueAll(deps, tenant.id, runId).finally(() => active.delete(runId));
  active.set(runId, work);
  return { runId, mappingVersion };
}

async function queueAll(deps: AdminDeps, tenantId: string, runId: string): Promise<void> {
  let cursor: string | null = null;
  let total = 0;
  try {
    for (;;) {
      let q = deps.db.selectFrom('customer_links').select('user_id').where('tenant_id', '=', tenantId);
      if (cursor !== null) q = q.where('user_id', '>', cursor);
      const ids = (await q.orderBy('user_id').limit(REAPPLY_BATCH).execute()).map((r) => r.user_id);
      if (ids.length === 0) break;
      const last: string = ids[ids.length - 1]!;
      total += ids.length;
      await deps.db.transaction().execute(async (tx) => {
        const jobIds: number[] = [];
        for (const userId of ids) {
          jobIds.push(await enqueue(tx, { tenantId, key: `user:${userId}`, kind: USER_SYNC, payload: { userId, op: 'reapply', runId } }));
        }
        await tx.insertInto('mapping_reapply_jobs').values(jobIds.map((job_id) => ({ run_id: runId, job_id }))).execute();
        await links.markPending(tx, tenantId, ids, new Date().toISOString());
        await tx.updateTable('mapping_reapply_runs').set({ total, cursor: last, updated_at: new Date().toISOString() }).where('id', '=', runId).execute();
      });
      cursor = last;
      deps.wake?.();
      if (ids.length < REAPPLY_BATCH) break;
    }
    await deps.db.updateTable('mapping_reapply_runs').set({ state: 'enqueued', updated_at: new Date().toISOString() }).where('id', '=', runId).execute();
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await deps.db
      .updateTable('mapping_reapply_runs')
      .set({ state: 'failed', error, updated_at: new Date().toISOString() })
      .where('id', '=', runId)
      .execute()
      .catch(() => undefined);
  }
}

type RunRow = Selectable<MappingReapplyRunsTable>;

function runState(r: RunRow, now: number): ReapplyProgress['state'] {
  if (r.state === 'enqueuing' && !active.has(r.id) && now - Date.parse(r.updated_at) > STALL_MS) return 'interrupted';
  return r.state as ReapplyProgress['state'];
}

/** How far a run has come: its jobs counted by outcome (a job merged into another run of the user counts as that run). */
export async function reapplyProgress(deps: Pick<AdminDeps, 'db'>, tenant: Tenant, runId: string): Promise<ReapplyProgress> {
  const run = await deps.db.selectFrom('mapping_reapply_runs').selectAll().where('id', '=', runId).where('tenant_id', '=', tenant.id).executeTakeFirst();
  if (!run) throw adminErrors.notFound(`tenant "${tenant.name}" has no re-apply run ${runId}`);
  const rows = await deps.db
    .selectFrom('mapping_reapply_jobs as r')
    .leftJoin('outbox_jobs as j', 'j.id', 'r.job_id')
    .leftJoin('outbox_jobs as c', 'c.id', 'j.coalesced_into')
    .select(['j.state as state', 'c.state as covered', (eb) => eb.fn.countAll().as('n')])
    .where('r.run_id', '=', runId)
    .groupBy(['j.state', 'c.state'])
    .execute();
  let done = 0;
  let failed = 0;
  let pending = 0;
  for (const r of rows) {
    const n = Number(r.n);
    const state = r.state === 'coalesced' ? r.covered : r.state;
    // A job row gone from the outbox was finished and cleaned up: only finished jobs are ever removed.
    if (state === null || state === 'done') done += n;
    else if (state === 'dead') failed += n;
    else pending += n;
  }
  const failures = failed
    ? await deps.db
        .selectFrom('mapping_reapply_jobs as r')
        .innerJoin('outbox_jobs as j', 'j.id', 'r.job_id')
        .leftJoin('outbox_jobs as c', 'c.id', 'j.coalesced_into')
        .select(['j.payload as payload', 'j.last_error_code as code', 'j.last_error as message', 'c.last_error_code as cCode', 'c.last_error as cMessage'])
        .where('r.run_id', '=', runId)
        .where((eb) => eb.or([eb('j.state', '=', 'dead'), eb.and([eb('j.state', '=', 'coalesced'), eb('c.state', '=', 'dead')])]))
        .orderBy('r.job_id')
        .limit(20)
        .execute()
    : [];
  const state = runState(run, Date.now());
  return {
    runId,
    mappingVersion: Number(run.mapping_version),
    state,
    total: Number(run.total),
    done,
    failed,
    pending,
    finished: state === 'enqueued' && pending === 0,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
    ...(run.error ? { error: run.error } : {}),
    failures: failures.map((f) => {
      let userId: string | null = null;
      try {
        userId = (JSON.parse(f.payload) as { userId?: string }).userId ?? null;
      } catch {
        // a payload that is not JSON names no user
      }
      return { userId, code: f.cCode ?? f.code, message: f.cMessage ?? f.message };
    }),
  };
}

/** The tenant's runs, newest first. */
export async function listReapplyRuns(deps: Pick<AdminDeps, 'db'>, tenant: Tenant, limit = 20): Promise<{ runId: string; mappingVersion: number; state: string; total: number; createdAt: string }[]> {
  const rows = await deps.db.selectFrom('mapping_reapply_runs').selectAll().where('tenant_id', '=', tenant.id).orderBy('created_at', 'desc').limit(limit).execute();
  const now = Date.now();
  return rows.map((r) => ({ runId: r.id, mappingVersion: Number(r.mapping_version), state: runState(r, now), total: Number(r.total), createdAt: r.created_at }));
}
