// Re-apply runs of a tenant's mapping: the run's row (state, how many users are queued, where queueing stands) and the
// jobs it queued, counted by how they ended (a refused job counts as failed, as a dead one does).
import type { Selectable } from 'kysely';
import type { MappingReapplyRunsTable } from './types.js';
import type { Db } from './resources.js';

export type ReapplyRunRow = Selectable<MappingReapplyRunsTable>;

export interface RunJobCounts {
  done: number;
  failed: number;
  pending: number;
}

export interface RunFailureRow {
  payload: string;
  code: string | null;
  message: string | null;
}

export class ReapplyRunRepository {
  async insert(db: Db, r: { id: string; tenantId: string; mappingVersion: number; now: string }): Promise<void> {
    await db
      .insertInto('mapping_reapply_runs')
      .values({
        id: r.id,
        tenant_id: r.tenantId,
        mapping_version: r.mappingVersion,
        state: 'enqueuing',
        total: 0,
        cursor: null,
        error: null,
        created_at: r.now,
        updated_at: r.now,
      })
      .execute();
  }

  /** Records the jobs one batch queued and how far queueing has come. */
  async addJobs(db: Db, runId: string, jobIds: number[], progress: { total: number; cursor: string; now: string }): Promise<void> {
    if (jobIds.length)
      await db
        .insertInto('mapping_reapply_jobs')
        .values(jobIds.map((job_id) => ({ run_id: runId, job_id })))
        .execute();
    await db
      .updateTable('mapping_reapply_runs')
      .set({ total: progress.total, cursor: progress.cursor, updated_at: progress.now })
      .where('id', '=', runId)
      .execute();
  }

  async finish(db: Db, runId: string, state: 'enqueued' | 'failed', now: string, error?: string): Promise<void> {
    await db
      .updateTable('mapping_reapply_runs')
      .set({ state, updated_at: now, ...(error !== undefined ? { error } : {}) })
      .where('id', '=', runId)
      .execute();
  }

  async get(db: Db, tenantId: string, runId: string): Promise<ReapplyRunRow | undefined> {
    return db.selectFrom('mapping_reapply_runs').selectAll().where('id', '=', runId).where('tenant_id', '=', tenantId).executeTakeFirst();
  }

  async list(db: Db, tenantId: string, limit: number): Promise<ReapplyRunRow[]> {
    return db
      .selectFrom('mapping_reapply_runs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** The run's jobs by outcome; a job merged into a later run of its user counts as that run. */
  async counts(db: Db, runId: string): Promise<RunJobCounts> {
    const rows = await db
      .selectFrom('mapping_reapply_jobs as r')
      .leftJoin('outbox_jobs as j', 'j.id', 'r.job_id')
      .leftJoin('outbox_jobs as c', 'c.id', 'j.coalesced_into')
      .select([
        'j.state as state',
        'c.state as covered',
        'j.last_error_code as code',
        'c.last_error_code as coveredCode',
        (eb) => eb.fn.countAll().as('n'),
      ])
      .where('r.run_id', '=', runId)
      .groupBy(['j.state', 'c.state', 'j.last_error_code', 'c.last_error_code'])
      .execute();
    const out: RunJobCounts = { done: 0, failed: 0, pending: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      const [state, code] = r.state === 'coalesced' ? [r.covered, r.coveredCode] : [r.state, r.code];
      // A job row gone from the outbox was finished and cleaned up: only finished jobs are ever removed.
      if (state === null || (state === 'done' && !code)) out.done += n;
      else if (state === 'dead' || state === 'done') out.failed += n;
      else out.pending += n;
    }
    return out;
  }

  /** The first failed (dead or refused) jobs of a run, with their errors. */
  async failures(db: Db, runId: string, limit: number): Promise<RunFailureRow[]> {
    const rows = await db
      .selectFrom('mapping_reapply_jobs as r')
      .innerJoin('outbox_jobs as j', 'j.id', 'r.job_id')
      .leftJoin('outbox_jobs as c', 'c.id', 'j.coalesced_into')
      .select([
        'j.payload as payload',
        'j.last_error_code as code',
        'j.last_error as message',
        'c.last_error_code as cCode',
        'c.last_error as cMessage',
      ])
      .where('r.run_id', '=', runId)
      .where((eb) =>
        eb.or([
          eb('j.state', '=', 'dead'),
          eb.and([eb('j.state', '=', 'done'), eb('j.last_error_code', 'is not', null)]),
          eb.and([
            eb('j.state', '=', 'coalesced'),
            eb.or([eb('c.state', '=', 'dead'), eb.and([eb('c.state', '=', 'done'), eb('c.last_error_code', 'is not', null)])]),
          ]),
        ]),
      )
      .orderBy('r.job_id')
      .limit(limit)
      .execute();
    return rows.map((f) => ({ payload: f.payload, code: f.cCode ?? f.code, message: f.cMessage ?? f.message }));
  }
}
