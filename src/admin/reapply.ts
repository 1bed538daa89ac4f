// Re-applies the mapping to every user the bridge has linked (or tried to): one user.sync job each through the
// outbox, queued in batches so no tenant is ever loaded whole; the worker's throttle keeps it within the shop budget.
import { randomUUID } from 'node:crypto';
import type { Tenant } from '../store/tenants.js';
import { LinkRepository } from '../store/links.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';
import { mappingVersionOf } from './mapping.js';
import { audit } from '../store/resources.js';
import { ReapplyRunRepository, type ReapplyRunRow } from '../store/reapply-runs.js';
import { USER_SYNC_JOB } from '../sync/job-kinds.js';
import { enqueueJob } from '../sync/jobs.js';

/** Users queued per transaction. */
export const REAPPLY_BATCH = 500;
/** A run still "enqueuing" that no process has advanced for this long was interrupted (e.g. by a restart). */
const STALL_MS = 60_000;

const links = new LinkRepository();
const runs = new ReapplyRunRepository();
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
  await runs.insert(deps.db, { id: runId, tenantId: tenant.id, mappingVersion, now });
  await audit(deps.db, {
    tenantId: tenant.id,
    actor: deps.actor,
    action: 'mapping.reapply',
    resourceType: 'Mapping',
    resourceId: String(mappingVersion),
    detail: { runId, mappingVersion },
  });
  const work = queueAll(deps, tenant.id, runId).finally(() => active.delete(runId));
  active.set(runId, work);
  return { runId, mappingVersion };
}

async function queueAll(deps: AdminDeps, tenantId: string, runId: string): Promise<void> {
  let cursor: string | null = null;
  let total = 0;
  try {
    for (;;) {
      const ids = await links.userIdsAfter(deps.db, tenantId, cursor, REAPPLY_BATCH);
      if (ids.length === 0) break;
      const last: string = ids[ids.length - 1]!;
      total += ids.length;
      await deps.db.transaction().execute(async (tx) => {
        const jobIds: number[] = [];
        for (const userId of ids) {
          jobIds.push(await enqueueJob(tx, USER_SYNC_JOB, { tenantId, key: `user:${userId}`, payload: { userId, op: 'reapply', runId } }));
        }
        await links.markPending(tx, tenantId, ids, new Date().toISOString());
        await runs.addJobs(tx, runId, jobIds, { total, cursor: last, now: new Date().toISOString() });
      });
      cursor = last;
      deps.wake?.();
      if (ids.length < REAPPLY_BATCH) break;
    }
    await runs.finish(deps.db, runId, 'enqueued', new Date().toISOString());
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await runs.finish(deps.db, runId, 'failed', new Date().toISOString(), error).catch(() => undefined);
  }
}

type RunRow = ReapplyRunRow;

function runState(r: RunRow, now: number): ReapplyProgress['state'] {
  if (r.state === 'enqueuing' && !active.has(r.id) && now - Date.parse(r.updated_at) > STALL_MS) return 'interrupted';
  return r.state as ReapplyProgress['state'];
}

/** How far a run has come: its jobs counted by outcome (a job merged into another run of the user counts as that run). */
export async function reapplyProgress(deps: Pick<AdminDeps, 'db'>, tenant: Tenant, runId: string): Promise<ReapplyProgress> {
  const run = await runs.get(deps.db, tenant.id, runId);
  if (!run) throw adminErrors.notFound(`tenant "${tenant.name}" has no re-apply run ${runId}`);
  const { done, failed, pending } = await runs.counts(deps.db, runId);
  const failures = failed ? await runs.failures(deps.db, runId, 20) : [];
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
        userId = USER_SYNC_JOB.payload.safeParse(JSON.parse(f.payload)).data?.userId ?? null;
      } catch {
        // a payload that is not JSON names no user
      }
      return { userId, code: f.code, message: f.message };
    }),
  };
}

/** The tenant's runs, newest first. */
export async function listReapplyRuns(
  deps: Pick<AdminDeps, 'db'>,
  tenant: Tenant,
  limit = 20,
): Promise<{ runId: string; mappingVersion: number; state: string; total: number; createdAt: string }[]> {
  const rows = await runs.list(deps.db, tenant.id, limit);
  const now = Date.now();
  return rows.map((r) => ({
    runId: r.id,
    mappingVersion: Number(r.mapping_version),
    state: runState(r, now),
    total: Number(r.total),
    createdAt: r.created_at,
  }));
}
