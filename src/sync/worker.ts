// The outbox worker: claims due jobs (one at a time per key, many keys at once), runs their handlers under a lease it
// keeps renewing, retries with exponential backoff and full jitter, dead-letters what keeps failing, and tells waiters.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.js';
import type { Metrics } from '../metrics.js';
import { claimJobs, finishJob, recoverOrphans, releaseLeases, renewLeases, type Claimed, type JobErrorInfo } from './claim.js';
import { countByState, getJob, type OutboxJob } from './outbox.js';

export type { JobErrorInfo } from './claim.js';

/** What a handler reports: done, try again later (a transient failure), or failed for good (dead-lettered). */
export type JobOutcome =
  | { outcome: 'done' }
  | { outcome: 'retry'; error: JobErrorInfo; /** at least this long (e.g. Retry-After) */ delayMs?: number; /** not a real attempt */ keepAttempt?: boolean }
  | { outcome: 'failed'; error: JobErrorInfo };

export interface JobContext {
  job: OutboxJob;
  /** ids of the later jobs this run covers (coalesced kinds only) */
  coalesced: number[];
  /** aborted when the worker stops and the job's lease is given back */
  signal: AbortSignal;
  now(): number;
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;

export interface HandlerOptions {
  /** state-based jobs: queued jobs of the same key and kind collapse into one run */
  coalesce?: boolean;
}

/** The end of a job as a waiter sees it; `queued` only when waiting for the first attempt (it will be retried). */
export interface JobResult {
  id: number;
  /** the job whose run covered this one (itself, unless it was coalesced) */
  ranAs: number;
  state: 'done' | 'dead' | 'queued';
  attempts: number;
  error?: JobErrorInfo;
}

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** dead-letter after this many attempts… */
  maxAttempts: number;
  /** …or once the job is this old */
  maxAgeMs: number;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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

export const DEFAULT_JOB_RETRY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 25, maxAgeMs: 24 * 3600_000 };

/** Full-jitter exponential backoff: a random delay up to base × 2^(attempt−1), capped at maxDelayMs. */
export function jobBackoff(attempt: number, r: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** Math.max(0, attempt - 1)));
}

const silent: Logger = { info() {}, warn() {}, error() {} };

/** Turns what a handler threw into an outcome: errors that say `retryable: false` fail, anything else is retried. */
function fromThrown(e: unknown): JobOutcome {
  const err = e as { code?: unknown; message?: unknown; retryable?: unknown; retryAfterMs?: unknown };
  const error = { code: typeof err?.code === 'string' ? err.code : 'INTERNAL', message: String(err?.message ?? e) };
  if (err?.retryable === false) return { outcome: 'failed', error };
  return { outcome: 'retry', error, ...(typeof err?.retryAfterMs === 'number' ? { delayMs: err.retryAfterMs } : {}) };
}

interface Active {
  claimed: Claimed;
  abort: AbortController;
  done: Promise<void>;
}

export class Worker {
  readonly instanceId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly coalescing = new Set<string>();
  private readonly active = new Map<number, Active>();
  private readonly waiters = new Map<number, Set<(r: JobResult) => void>>();
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
    this.log = options.logger ?? silent;
  }

  /** Registers the handler of a job kind; only registered kinds are claimed by this worker. */
  register(kind: string, handler: JobHandler, opts: HandlerOptions = {}): this {
    this.handlers.set(kind, handler);
    if (opts.coalesce) this.coalescing.add(kind);
    else this.coalescing.delete(kind);
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
      const n = await recoverOrphans(db, this.opts.now());
      if (n > 0) this.log.warn({ jobs: n }, 'requeued jobs left running by a previous process');
    }
    this.running = true;
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
    return new Promise((resolve) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const listeners = this.waiters.get(jobId) ?? new Set();
      this.waiters.set(jobId, listeners);
      const finish = (r: JobResult | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        clearTimeout(poll);
        listeners.delete(onEvent);
        if (listeners.size === 0) this.waiters.delete(jobId);
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

  private async lookup(jobId: number, firstAttempt: boolean): Promise<JobResult | undefined> {
    let job = await getJob(this.opts.store.db, jobId);
    for (let hops = 0; job?.state === 'coalesced' && job.coalescedInto !== null && hops < 10; hops++) {
      job = await getJob(this.opts.store.db, job.coalescedInto);
    }
    if (!job) return undefined;
    const error = job.lastErrorCode ? { code: job.lastErrorCode, message: job.lastError ?? '' } : undefined;
    const base = { id: jobId, ranAs: job.id, attempts: job.attempts, ...(error ? { error } : {}) };
    if (job.state === 'done' || job.state === 'dead') return { ...base, state: job.state };
    if (firstAttempt && job.state === 'queued' && job.attempts > 0 && error) return { ...base, state: 'queued' };
    return undefined;
  }

  private emit(ids: number[], r: Omit<JobResult, 'id'>): void {
    for (const id of ids) for (const l of [...(this.waiters.get(id) ?? [])]) l({ ...r, id });
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
      out = handler ? await handler({ job, coalesced: c.coalesced, signal, now: this.opts.now }) : { outcome: 'failed', error: { code: 'NO_HANDLER', message: `no handler for ${job.kind}` } };
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
    const count = (outcome: string) => this.options.metrics?.syncJobs.inc({ kind: job.kind, outcome });
    if (out.outcome === 'done') {
      if (await finishJob(db, this.instanceId, job.id, { state: 'done' }, now)) {
        count('done');
        if (c.coalesced.length) this.options.metrics?.syncJobs.inc({ kind: job.kind, outcome: 'coalesced' }, c.coalesced.length);
        this.emit(ids, { ranAs: job.id, state: 'done', attempts: job.attempts });
      } else this.log.warn({ jobId: job.id }, 'a job finished after its lease was taken over');
      return;
    }
    const error = out.error;
    if (out.outcome === 'retry') {
      const age = now - Date.parse(job.createdAt);
      const attempts = out.keepAttempt ? job.attempts - 1 : job.attempts;
      if (attempts < this.retry.maxAttempts && age < this.retry.maxAgeMs) {
        const delay = Math.max(out.delayMs ?? 0, jobBackoff(Math.max(1, attempts), this.retry, this.opts.random));
        if (await finishJob(db, this.instanceId, job.id, { state: 'queued', runAfter: now + delay, error, keepAttempt: out.keepAttempt }, now)) {
          count('retry');
          this.later(delay);
          this.emit(ids, { ranAs: job.id, state: 'queued', attempts, error });
        }
        return;
      }
      const why = attempts >= this.retry.maxAttempts ? `${attempts} attempts` : `${Math.round(age / 1000)} s`;
      const dead = { code: error.code, message: `gave up after ${why}: ${error.message}` };
      if (await finishJob(db, this.instanceId, job.id, { state: 'dead', error: dead }, now)) {
        count('dead');
        this.log.warn({ jobId: job.id, kind: job.kind, code: error.code }, 'a job was dead-lettered after its retries ran out');
        this.emit(ids, { ranAs: job.id, state: 'dead', attempts, error: dead });
      }
      return;
    }
    if (await finishJob(db, this.instanceId, job.id, { state: 'dead', error }, now)) {
      count('failed');
      this.emit(ids, { ranAs: job.id, state: 'dead', attempts: job.attempts, error });
    }
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
