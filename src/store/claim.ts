// The outbox's claim protocol: which jobs may run now (the head of each key, ready, unleased or with an expired
// lease), leasing them atomically (FOR UPDATE SKIP LOCKED on PostgreSQL), coalescing, and recording each outcome.
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Dialect } from './db.js';
import type { Database, OutboxJobsTable } from './types.js';
import { iso, toJob, type OutboxJob } from './outbox.js';

export interface ClaimOptions {
  instanceId: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** only these kinds (the ones this worker can run); a head of another kind blocks its key, as it should */
  kinds: string[];
  /** kinds whose queued jobs of one key collapse into one run */
  coalescing: Set<string>;
}

export interface Claimed {
  job: OutboxJob;
  /** ids of later jobs of the same key and kind that this run covers */
  coalesced: number[];
}

/** Jobs read as `outbox_jobs as j`, the alias the head-of-key check refers to. */
type JobsAsJ = Database & { j: OutboxJobsTable };

/** Job `j` heads its key: no earlier job of the same tenant, queue and key is still queued or running. */
export function headsItsKey({ not, exists, selectFrom }: ExpressionBuilder<JobsAsJ, 'j'>) {
  return not(
    exists(
      selectFrom('outbox_jobs as e')
        .select('e.id')
        .whereRef('e.tenant_id', '=', 'j.tenant_id')
        .whereRef('e.key', '=', 'j.key')
        .whereRef('e.queue', '=', 'j.queue')
        .whereRef('e.id', '<', 'j.id')
        .where('e.state', 'in', ['queued', 'running']),
    ),
  );
}

/** The columns a lease sets: running for `instanceId` until `now + leaseMs`, one more attempt counted. */
export function leaseColumns(o: { instanceId: string; now: number; leaseMs: number }) {
  return (eb: ExpressionBuilder<Database, 'outbox_jobs'>) => ({
    state: 'running' as const,
    attempts: eb('attempts', '+', 1),
    lease_until: iso(o.now + o.leaseMs),
    leased_by: o.instanceId,
    updated_at: iso(o.now),
  });
}

/**
 * Leases up to `limit` runnable jobs: each the oldest unfinished job of its (tenant, queue, key), due, and either
 * queued or running under an expired lease (its worker died). Attempts count claims.
 */
export async function claimJobs(db: Kysely<Database>, dialect: Dialect, o: ClaimOptions): Promise<Claimed[]> {
  if (o.limit <= 0 || o.kinds.length === 0) return [];
  const now = iso(o.now);
  let heads = db
    .selectFrom('outbox_jobs as j')
    .select('j.id')
    .where('j.kind', 'in', o.kinds)
    // Implied by the next condition, but spelled out so the partial index of open jobs (outbox_open) serves the
    // scan in id order: finished jobs, which pile up with every write, are never read.
    .where('j.state', 'in', ['queued', 'running'])
    .where((eb) =>
      eb.or([
        eb.and([eb('j.state', '=', 'queued'), eb('j.run_after', '<=', now)]),
        eb.and([eb('j.state', '=', 'running'), eb('j.lease_until', '<', now)]),
      ]),
    )
    .where(headsItsKey)
    .orderBy('j.id')
    .limit(o.limit);
  if (dialect === 'postgres') heads = heads.forUpdate().skipLocked();
  const rows = await db.updateTable('outbox_jobs').set(leaseColumns(o)).where('id', 'in', heads).returningAll().execute();
  const claimed: Claimed[] = [];
  for (const r of rows.map(toJob).sort((a, b) => a.id - b.id)) {
    const coalesced = o.coalescing.has(r.kind) ? await coalesceAfter(db, r, now) : [];
    claimed.push({ job: r, coalesced });
  }
  return claimed;
}

/**
 * Marks the queued jobs right behind `head` (same key and kind, due, nothing else between) as covered by its run.
 * Safe without a lock: while the head runs no other worker may claim anything behind it.
 */
async function coalesceAfter(db: Kysely<Database>, head: OutboxJob, now: string): Promise<number[]> {
  const later = await db
    .selectFrom('outbox_jobs')
    .select(['id', 'kind', 'state', 'run_after'])
    .where('tenant_id', '=', head.tenantId)
    .where('queue', '=', head.queue)
    .where('key', '=', head.key)
    .where('id', '>', head.id)
    .where('state', 'in', ['queued', 'running'])
    .orderBy('id')
    .limit(1000)
    .execute();
  const ids: number[] = [];
  for (const r of later) {
    if (r.kind !== head.kind || r.state !== 'queued' || r.run_after > now) break;
    ids.push(Number(r.id));
  }
  for (let i = 0; i < ids.length; i += 500) {
    await db
      .updateTable('outbox_jobs')
      .set({ state: 'coalesced', coalesced_into: head.id, finished_at: now, updated_at: now })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('state', '=', 'queued')
      .execute();
  }
  return ids;
}

export interface JobErrorInfo {
  code: string;
  message: string;
}

/** Which of the worker's leases still hold; the rest were taken over (its heartbeat came too late). */
export async function renewLeases(db: Kysely<Database>, instanceId: string, ids: number[], now: number, leaseMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_jobs')
    .set({ lease_until: iso(now + leaseMs), updated_at: iso(now) })
    .where('id', 'in', ids)
    .where('leased_by', '=', instanceId)
    .where('state', '=', 'running')
    .execute();
}

type Finish =
  | { state: 'done'; /** a refusal the job ended with */ error?: JobErrorInfo }
  | { state: 'queued'; runAfter: number; error: JobErrorInfo; keepAttempt?: boolean }
  | { state: 'dead'; error: JobErrorInfo };

/** Records a run's outcome, only if this worker still holds the lease; returns whether it did. */
export async function finishJob(db: Kysely<Database>, instanceId: string, id: number, f: Finish, now: number): Promise<boolean> {
  const at = iso(now);
  // A finished job keeps leased_by: it tells which instance ran it last.
  const base = { lease_until: null, updated_at: at };
  const set =
    f.state === 'done'
      ? { ...base, state: 'done' as const, finished_at: at, last_error: f.error?.message ?? null, last_error_code: f.error?.code ?? null }
      : f.state === 'dead'
        ? { ...base, state: 'dead' as const, finished_at: at, last_error: f.error.message, last_error_code: f.error.code }
        : {
            ...base,
            leased_by: null,
            state: 'queued' as const,
            run_after: iso(f.runAfter),
            last_error: f.error.message,
            last_error_code: f.error.code,
          };
  const q = db.updateTable('outbox_jobs').where('id', '=', id).where('leased_by', '=', instanceId).where('state', '=', 'running');
  // A run that was cut short before it could try (e.g. the shop is not connected yet) does not use up an attempt.
  const r = await (
    f.state === 'queued' && f.keepAttempt ? q.set((eb) => ({ ...set, attempts: eb('attempts', '-', 1) })) : q.set(set)
  ).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives back every lease this worker holds (graceful stop): the jobs are queued again for whoever comes next. */
export async function releaseLeases(db: Kysely<Database>, instanceId: string, ids: number[], now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('outbox_jobs')
    .set((eb) => ({
      state: 'queued',
      lease_until: null,
      leased_by: null,
      run_after: iso(now),
      updated_at: iso(now),
      attempts: eb('attempts', '-', 1),
    }))
    .where('id', 'in', ids)
    .where('leased_by', '=', instanceId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Requeues every running job at once, except those leased by `live` (the workers of this process that still run).
 * Only for SQLite, where a single process runs the workers: anything else still marked running when a worker starts
 * belongs to a process that died, so waiting for its lease to expire would only delay.
 */
export async function recoverOrphans(db: Kysely<Database>, now: number, live: readonly string[] = []): Promise<number> {
  let q = db
    .updateTable('outbox_jobs')
    .set({ state: 'queued', lease_until: null, leased_by: null, run_after: iso(now), updated_at: iso(now) })
    .where('state', '=', 'running');
  if (live.length) q = q.where((eb) => eb.or([eb('leased_by', 'is', null), eb('leased_by', 'not in', [...live])]));
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
