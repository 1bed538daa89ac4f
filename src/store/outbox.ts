// The transactional outbox: jobs written in the same transaction as the change that causes them, so a change and
// its Shopify work commit (or roll back) together. The worker (worker.ts) runs them; this module writes and reads.
import { sql, type Selectable, type SqlBool } from 'kysely';
import type { OutboxJobsTable } from './types.js';
import type { Db } from './resources.js';

export type JobState = OutboxJobsTable['state'];

export interface EnqueueOptions {
  tenantId: string;
  /** 'shopify' (default) for customer writes; outbound targets use their own queue */
  queue?: string;
  /** jobs with the same tenant, queue and key run one at a time in id order, e.g. `user:<id>` */
  key: string;
  kind: string;
  payload?: unknown;
  /** the SCIM client whose change caused the job */
  originClient?: string | null;
  /** not before this moment (a delayed job, e.g. an erasure after its grace period) */
  runAfter?: Date | string;
  /** timestamps of the row; default: now */
  now?: number;
  /** the id of the HTTP request that caused the job, logged with the Shopify calls it makes */
  requestId?: string | null;
}

/** A job as the worker and its handlers see it. */
export interface OutboxJob {
  id: number;
  tenantId: string;
  queue: string;
  key: string;
  kind: string;
  payload: unknown;
  state: JobState;
  attempts: number;
  runAfter: string;
  leaseUntil: string | null;
  leasedBy: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  originClient: string | null;
  coalescedInto: number | null;
  requestId: string | null;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Maps a row of outbox_jobs to an OutboxJob (payload parsed). */
export function toJob(r: Selectable<OutboxJobsTable>): OutboxJob {
  let payload: unknown = null;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    payload = r.payload;
  }
  return {
    id: Number(r.id),
    tenantId: r.tenant_id,
    queue: r.queue,
    key: r.key,
    kind: r.kind,
    payload,
    state: r.state,
    attempts: Number(r.attempts),
    runAfter: r.run_after,
    leaseUntil: r.lease_until,
    leasedBy: r.leased_by,
    lastError: r.last_error,
    lastErrorCode: r.last_error_code,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    originClient: r.origin_client,
    coalescedInto: r.coalesced_into === null ? null : Number(r.coalesced_into),
    requestId: r.request_id ?? null,
  };
}

function toRow(job: EnqueueOptions) {
  const now = iso(job.now ?? Date.now());
  const runAfter = job.runAfter === undefined ? now : typeof job.runAfter === 'string' ? job.runAfter : job.runAfter.toISOString();
  return {
    tenant_id: job.tenantId,
    queue: job.queue ?? 'shopify',
    key: job.key,
    kind: job.kind,
    payload: JSON.stringify(job.payload ?? {}),
    state: 'queued' as const,
    attempts: 0,
    run_after: runAfter,
    created_at: now,
    updated_at: now,
    origin_client: job.originClient ?? null,
    request_id: job.requestId ?? null,
  };
}

/** Adds a job to the outbox (inside the caller's transaction when given one); returns its id. */
export async function enqueue(db: Db, job: EnqueueOptions): Promise<number> {
  const row = await db.insertInto('outbox_jobs').values(toRow(job)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Adds many jobs at once (a group change touching every member), in chunks; returns how many. */
export async function enqueueMany(db: Db, jobs: EnqueueOptions[]): Promise<number> {
  for (let i = 0; i < jobs.length; i += 200)
    await db
      .insertInto('outbox_jobs')
      .values(jobs.slice(i, i + 200).map(toRow))
      .execute();
  return jobs.length;
}

/** One job by id, or undefined. */
export async function getJob(db: Db, id: number): Promise<OutboxJob | undefined> {
  const r = await db.selectFrom('outbox_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toJob(r);
}

export interface DeadFilter {
  tenantId?: string;
  queue?: string;
  ids?: number[];
  now?: number;
}

/**
 * Puts dead-lettered jobs back in the queue with a fresh attempt budget (after the cause was fixed); returns how
 * many. Their last error stays visible until they run again.
 */
export async function retryDead(db: Db, filter: DeadFilter = {}): Promise<number> {
  if (filter.ids && filter.ids.length === 0) return 0;
  const now = iso(filter.now ?? Date.now());
  let q = db
    .updateTable('outbox_jobs')
    .set({
      state: 'queued',
      attempts: 0,
      run_after: now,
      created_at: now,
      updated_at: now,
      finished_at: null,
      lease_until: null,
      leased_by: null,
    })
    .where('state', '=', 'dead');
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
  if (filter.queue) q = q.where('queue', '=', filter.queue);
  if (filter.ids) q = q.where('id', 'in', filter.ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Dead-lettered jobs, newest first (for the admin view and the CLI); `before` pages on by id. */
export async function listDead(
  db: Db,
  filter: { tenantId?: string; queue?: string; limit?: number; before?: number } = {},
): Promise<OutboxJob[]> {
  let q = db.selectFrom('outbox_jobs').selectAll().where('state', '=', 'dead');
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
  if (filter.queue) q = q.where('queue', '=', filter.queue);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toJob);
}

/** How many jobs are dead-lettered (optionally for one tenant and queue). */
export async function countDead(db: Db, filter: { tenantId?: string; queue?: string } = {}): Promise<number> {
  let q = db
    .selectFrom('outbox_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'dead');
  if (filter.tenantId) q = q.where('tenant_id', '=', filter.tenantId);
  if (filter.queue) q = q.where('queue', '=', filter.queue);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** How many jobs are in each state (optionally for one tenant), for metrics and health. */
export async function countByState(db: Db, tenantId?: string): Promise<Record<JobState, number>> {
  let q = db
    .selectFrom('outbox_jobs')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['queued', 'running', 'dead']);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  const rows = await q.groupBy('state').execute();
  const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0, coalesced: 0 };
  for (const r of rows) out[r.state] = Number(r.n);
  return out;
}

/** Whether a key has a job still to run (queued or running), e.g. before queueing another one for it. */
export async function hasOpenJob(db: Db, tenantId: string, key: string): Promise<boolean> {
  const r = await db
    .selectFrom('outbox_jobs')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return r !== undefined;
}

/** An open (queued or running) job of a kind for the tenant, other than `exceptId`. */
export async function hasOpenJobOfKind(db: Db, tenantId: string, kind: string, exceptId?: number): Promise<boolean> {
  let q = db
    .selectFrom('outbox_jobs')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    // Literal states, not parameters: only then can SQLite tell the partial index of open jobs (outbox_open_kind)
    // applies, instead of reading the tenant's whole job history.
    .where(sql<SqlBool>`state in ('queued', 'running')`);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The jobs of one key on one queue in the given states, with when each finished. */
export async function jobsOfKey(
  db: Db,
  o: { tenantId: string; queue: string; key: string; states: JobState[] },
): Promise<{ state: JobState; finishedAt: string | null }[]> {
  const rows = await db
    .selectFrom('outbox_jobs')
    .select(['state', 'finished_at'])
    .where('tenant_id', '=', o.tenantId)
    .where('queue', '=', o.queue)
    .where('key', '=', o.key)
    .where('state', 'in', o.states)
    .execute();
  return rows.map((r) => ({ state: r.state, finishedAt: r.finished_at }));
}

/** A tenant's dead-lettered jobs, all or those with `ids`, in id order (what a retry moves). */
export async function deadJobsOf(db: Db, tenantId: string, ids?: number[]): Promise<Pick<OutboxJob, 'id' | 'kind' | 'queue' | 'key'>[]> {
  let q = db.selectFrom('outbox_jobs').select(['id', 'kind', 'queue', 'key']).where('tenant_id', '=', tenantId).where('state', '=', 'dead');
  if (ids) q = q.where('id', 'in', ids);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, queue: r.queue, key: r.key }));
}

/**
 * Closes the open jobs of one key on the queues starting with `queuePrefix` queued after job `afterId`, recording why
 * (an undone SCIM write: the outbound targets must not hear of it). A job already running is waiting for that verdict;
 * closed here, the worker drops what it reports.
 */
export async function closeOpenJobs(
  db: Db,
  o: { tenantId: string; key: string; queuePrefix: string; afterId: number; code: string; message: string; now: string },
): Promise<void> {
  await db
    .updateTable('outbox_jobs')
    .set({
      state: 'done',
      finished_at: o.now,
      updated_at: o.now,
      lease_until: null,
      leased_by: null,
      last_error_code: o.code,
      last_error: o.message,
    })
    .where('tenant_id', '=', o.tenantId)
    .where('key', '=', o.key)
    .where('queue', 'like', `${o.queuePrefix}%`)
    .where('id', '>', o.afterId)
    .where('state', 'in', ['queued', 'running'])
    .execute();
}
