// The outbox worker: claims due jobs (one at a time per key, many keys at once), runs their handlers under a lease it
// keeps renewing, retries with exponential backoff and full jitter, dead-letters what keeps failing, and tells waiters.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.js';
import type { Metrics } from '../metrics.js';
import { claimJobs, finishJob, recoverOrphans, releaseLeases, renewLeases, type Claimed } from '../store/claim.js';
import { countByState } from '../store/outbox.js';
import {
  DEFAULT_JOB_RETRY,
  fromThrown,
  nextState,
  silentLogger,
  type DeadLetter,
  type HandlerOptions,
  type JobHandler,
  type JobOutcome,
  type JobResult,
  type Logger,
  type RetryPolicy,
} from './job-contract.js';
import { JobWaiters } from './job-waiters.js';
import { withRequestContext } from '../request-context.js';

export interface WorkerOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  instanceId?: string;
  /** jobs running at once (each of a different key) */
  concurrency?: number;
  leaseMs?: number;
  /** how often to look for due jobs when nobody calls wake() */
  pollMs?: number;
  /** how long stop() lets running jobs finish before it gives their leases back */
  stopGraceMs?: number;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  random?: () => number;
  metrics?: Metrics;
  logger?: Logger;
  /** requeue jobs left running by a dead process at start; default on SQLite, where one process runs the worker */
  recoverOnStart?: boolean;
}

interface Active {
  claimed: Claimed;
  abort: AbortController;
  done: Promise<void>;
}

/** Instance ids of the workers running in this process: their leases are never orphans. */
const liveInstances = new Set<string>();

export class Worker {
  readonly instanceId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly coalescing = new Set<string>();
  private readonly deadHooks = new Map<string, NonNullable<HandlerOptions['onDead']>>();
  private readonly active = new Map<number, Active>();
  private readonly waiters: JobWaiters;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly opts: Required<Omit<WorkerOptions, 'metrics' | 'logger' | 'retry' | 'instanceId' | 'recoverOnStart'>>;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private running = false;
  private loopDone?: Promise<void>;
  private nap?: { timer: NodeJS.Timeout; resolve: () => void };
  private kicked = false;
  private heartbeat?: NodeJS.Timeout;
  private gauge?: NodeJS.Timeout;

  constructor(private readonly options: WorkerOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.opts = {
      store: options.store,
      concurrency: options.concurrency ?? 8,
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 1000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.retry = { ...DEFAULT_JOB_RETRY, ...options.retry };
    this.log = options.logger ?? silentLogger;
    this.waiters = new JobWaiters(options.store.db, this.log);
  }

  /** Registers the handler of a job kind; only registered kinds are claimed by this worker. */
  register(kind: string, handler: JobHandler, opts: HandlerOptions = {}): this {
    this.handlers.set(kind, handler);
    if (opts.coalesce) this.coalescing.add(kind);
    else this.coalescing.delete(kind);
    if (opts.onDead) this.deadHooks.set(kind, opts.onDead);
    else this.deadHooks.delete(kind);
    return this;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts claiming and running jobs. */
  async start(): Promise<void> {
    if (this.running) return;
    const { db, dialect } = this.opts.store;
    if (this.options.recoverOnStart ?? dialect === 'sqlite') {
      // A worker of this process restarting (or a second one starting) must not take the jobs another still holds.
      const n = await recoverOrphans(db, this.opts.now(), [...liveInstances]);
      if (n > 0) this.log.warn({ jobs: n }, 'requeued jobs left running by a previous process');
    }
    this.running = true;
    liveInstances.add(this.instanceId);
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.opts.leaseMs / 3)));
    this.heartbeat.unref();
    if (this.options.metrics) {
      this.gauge = setInterval(() => void this.refreshQueueMetrics(), 5000);
      this.gauge.unref();
    }
    this.loopDone = this.loop();
  }

  /** Stops claiming, lets running jobs finish within the grace time, then gives the remaining leases back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    clearInterval(this.heartbeat);
    clearInterval(this.gauge);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const pending = [...this.active.values()];
    if (pending.length) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => (timer = setTimeout(r, this.opts.stopGraceMs)));
      await Promise.race([Promise.all(pending.map((a) => a.done)), grace]);
      clearTimeout(timer);
    }
    const left = [...this.active.values()];
    if (left.length) {
      for (const a of left) a.abort.abort();
      const ids = left.map((a) => a.claimed.job.id);
      const n = await releaseLeases(this.opts.store.db, this.instanceId, ids, this.opts.now());
      this.log.warn({ jobs: n }, 'gave back the leases of jobs still running at stop');
    }
    liveInstances.delete(this.instanceId);
  }

  /** Looks for due jobs now (after an enqueue was committed) instead of at the next poll. */
  wake(): void {
    this.kicked = true;
    if (this.nap) {
      clearTimeout(this.nap.timer);
      this.nap.resolve();
    }
  }

  /**
   * Resolves with the job's end (following a coalesced job to the run that covered it), or undefined after
   * `timeoutMs`. With `firstAttempt`, also resolves when the first attempt failed and the job was requeued.
   */
  waitFor(jobId: number, timeoutMs: number, opts: { firstAttempt?: boolean } = {}): Promise<JobResult | undefined> {
    return this.waiters.wait(jobId, timeoutMs, opts);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      const free = this.opts.concurrency - this.active.size;
      if (free > 0) {
        try {
          const claimed = await claimJobs(this.opts.store.db, this.opts.store.dialect, {
            instanceId: this.instanceId,
            now: this.opts.now(),
            leaseMs: this.opts.leaseMs,
            limit: free,
            kinds: [...this.handlers.keys()],
            coalescing: this.coalescing,
          });
          for (const c of claimed) this.launch(c);
          if (claimed.length > 0 && claimed.length === free) continue;
        } catch (e) {
          this.log.error({ err: e }, 'claiming outbox jobs failed');
        }
      }
      if (!this.running) break;
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.nap = { timer, resolve };
      });
      this.nap = undefined;
    }
  }

  private launch(c: Claimed): void {
    const abort = new AbortController();
    const entry = { claimed: c, abort } as Active;
    entry.done = this.run(c, abort.signal).finally(() => {
      this.active.delete(c.job.id);
      this.wake();
    });
    this.active.set(c.job.id, entry);
  }

  private async run(c: Claimed, signal: AbortSignal): Promise<void> {
    const { job } = c;
    const handler = this.handlers.get(job.kind);
    let out: JobOutcome;
    try {
      // The request that queued the job is the context of its run: its Shopify calls log that request's id.
      out = handler
        ? await withRequestContext({ ...(job.requestId ? { requestId: job.requestId } : {}), jobId: job.id }, () =>
            handler({ job, coalesced: c.coalesced, signal, now: this.opts.now }),
          )
        : { outcome: 'failed', error: { code: 'NO_HANDLER', message: `no handler for ${job.kind}` } };
    } catch (e) {
      out = fromThrown(e);
    }
    if (signal.aborted) return; // stop() gave the lease back; the next worker runs it again
    try {
      await this.finish(c, out);
    } catch (e) {
      // The lease runs out and another worker takes the job over: nothing is lost, it may run once more.
      this.log.error({ err: e, jobId: job.id }, 'recording a job outcome failed');
    }
  }

  private async finish(c: Claimed, out: JobOutcome): Promise<void> {
    const { job } = c;
    const now = this.opts.now();
    const db = this.opts.store.db;
    const ids = [job.id, ...c.coalesced];
    const count = (outcome: string, n?: number) => this.options.metrics?.syncJobs.inc({ kind: job.kind, outcome }, n);
    const next = nextState(c, out, this.retry, now, this.opts.random);
    if (next.state === 'done') {
      if (await finishJob(db, this.instanceId, job.id, { state: 'done', ...(next.error ? { error: next.error } : {}) }, now)) {
        count(next.error ? 'refused' : 'done');
        if (c.coalesced.length) count('coalesced', c.coalesced.length);
        this.waiters.emit(ids, { ranAs: job.id, state: 'done', attempts: job.attempts, ...(next.error ? { error: next.error } : {}) });
      } else this.log.warn({ jobId: job.id }, 'a job finished after its lease was taken over');
      return;
    }
    const { attempts, error } = next;
    if (next.state === 'queued') {
      if (
        await finishJob(
          db,
          this.instanceId,
          job.id,
          { state: 'queued', runAfter: now + next.delayMs, error, keepAttempt: next.keepAttempt },
          now,
        )
      ) {
        count('retry');
        this.later(next.delayMs);
        this.waiters.emit(ids, { ranAs: job.id, state: 'queued', attempts, error });
      }
      return;
    }
    if (await this.deadLetter(c, { job, attempts, error, gaveUp: next.gaveUp, now })) {
      count(next.gaveUp ? 'dead' : 'failed');
      if (next.gaveUp)
        this.log.warn({ jobId: job.id, kind: job.kind, code: error.code }, 'a job was dead-lettered after its retries ran out');
      this.waiters.emit(ids, { ranAs: job.id, state: 'dead', attempts, error });
    }
  }

  /**
   * Dead-letters the job and, in the same transaction, runs its kind's onDead hook: a crash (or a failing hook) leaves
   * neither, and the job is decided again when its lease runs out. Returns whether this worker still held the lease.
   */
  private async deadLetter(c: Claimed, dead: DeadLetter): Promise<boolean> {
    const db = this.opts.store.db;
    const finish = { state: 'dead' as const, error: dead.error };
    const onDead = this.deadHooks.get(c.job.kind);
    if (!onDead) return finishJob(db, this.instanceId, c.job.id, finish, dead.now);
    return db.transaction().execute(async (tx) => {
      if (!(await finishJob(tx, this.instanceId, c.job.id, finish, dead.now))) return false;
      await onDead(tx, dead);
      return true;
    });
  }

  /** Looks again when a retry falls due, rather than at the next poll. */
  private later(ms: number): void {
    if (!this.running || ms >= this.opts.pollMs) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake();
    }, ms + 1);
    t.unref();
    this.timers.add(t);
  }

  private async renew(): Promise<void> {
    const ids = [...this.active.keys()];
    try {
      await renewLeases(this.opts.store.db, this.instanceId, ids, this.opts.now(), this.opts.leaseMs);
    } catch (e) {
      this.log.warn({ err: e }, 'renewing job leases failed');
    }
  }

  /** Sets the queue-depth gauge from the database (also run every few seconds while started with metrics). */
  async refreshQueueMetrics(): Promise<void> {
    const m = this.options.metrics;
    if (!m) return;
    try {
      const counts = await countByState(this.opts.store.db);
      for (const state of ['queued', 'running', 'dead'] as const) m.syncQueue.set({ state }, counts[state]);
    } catch (e) {
      this.log.warn({ err: e }, 'reading the queue depth failed');
    }
  }
}
