// Callers waiting for a job's end (a SCIM request waiting for its Shopify write, a delivery waiting for the engine):
// told at once when this process finishes the job, and by polling its row when another process runs it.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import { getJob } from '../store/outbox.js';
import type { JobResult, Logger } from './job-contract.js';

export class JobWaiters {
  private readonly listeners = new Map<number, Set<(r: JobResult) => void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves with the job's end (following a coalesced job to the run that covered it), or undefined after
   * `timeoutMs`. With `firstAttempt`, also resolves when the first attempt failed and the job was requeued.
   */
  wait(jobId: number, timeoutMs: number, opts: { firstAttempt?: boolean } = {}): Promise<JobResult | undefined> {
    return new Promise((resolve) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const listeners = this.listeners.get(jobId) ?? new Set();
      this.listeners.set(jobId, listeners);
      const finish = (r: JobResult | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        clearTimeout(poll);
        listeners.delete(onEvent);
        if (listeners.size === 0) this.listeners.delete(jobId);
        resolve(r);
      };
      const onEvent = (r: JobResult) => {
        if (r.state !== 'queued' || opts.firstAttempt) finish(r);
      };
      listeners.add(onEvent);
      const timeout = setTimeout(() => finish(undefined), timeoutMs);
      // Another process may run the job: look at the row too, quickly at first.
      let every = 25;
      const check = async () => {
        if (settled) return;
        try {
          const r = await this.lookup(jobId, !!opts.firstAttempt);
          if (r) return finish(r);
        } catch (e) {
          this.log.warn({ err: e, jobId }, 'cannot read a job while waiting for it');
        }
        if (settled) return;
        every = Math.min(250, every * 2);
        poll = setTimeout(() => void check(), every);
      };
      void check();
    });
  }

  /** Tells the waiters of `ids` (a run and the jobs it covered) how it ended. */
  emit(ids: number[], r: Omit<JobResult, 'id'>): void {
    for (const id of ids) for (const l of [...(this.listeners.get(id) ?? [])]) l({ ...r, id });
  }

  private async lookup(jobId: number, firstAttempt: boolean): Promise<JobResult | undefined> {
    let job = await getJob(this.db, jobId);
    for (let hops = 0; job?.state === 'coalesced' && job.coalescedInto !== null && hops < 10; hops++) {
      job = await getJob(this.db, job.coalescedInto);
    }
    if (!job) return undefined;
    const error = job.lastErrorCode ? { code: job.lastErrorCode, message: job.lastError ?? '' } : undefined;
    const base = { id: jobId, ranAs: job.id, attempts: job.attempts, ...(error ? { error } : {}) };
    if (job.state === 'done' || job.state === 'dead') return { ...base, state: job.state };
    if (firstAttempt && job.state === 'queued' && job.attempts > 0 && error) return { ...base, state: 'queued' };
    return undefined;
  }
}
