// What a job handler is given and reports back, and how the worker turns a report into the job's next state:
// retries with exponential backoff and full jitter, dead letters once the attempts or the age run out.
import type { Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import type { Claimed, JobErrorInfo } from '../store/claim.js';
import type { OutboxJob } from '../store/outbox.js';
import { backoff } from '../shopify/client.js';
import { classify } from './errors.js';

/**
 * What a handler reports: done; refused (done, but what the job is about cannot be carried out as it stands, e.g.
 * Shopify refuses the customer: the subject records why, the job keeps the error, nothing is dead-lettered, and a
 * later change runs it again); try again later (a transient failure); or failed for good (dead-lettered).
 */
export type JobOutcome =
  | { outcome: 'done' }
  | { outcome: 'refused'; error: JobErrorInfo }
  | {
      outcome: 'retry';
      error: JobErrorInfo;
      /** at least this long (e.g. Retry-After) */ delayMs?: number;
      /** not a real attempt */ keepAttempt?: boolean;
    }
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

/** A job being dead-lettered, as its kind's `onDead` hook sees it. */
export interface DeadLetter {
  job: OutboxJob;
  /** attempts used, this one included */
  attempts: number;
  /** the error recorded on the job (when `gaveUp`, its message starts with "gave up after …") */
  error: JobErrorInfo;
  /** its retries or its age ran out (a transient failure), rather than the handler failing it for good */
  gaveUp: boolean;
  now: number;
}

export interface HandlerOptions {
  /** state-based jobs: queued jobs of the same key and kind collapse into one run */
  coalesce?: boolean;
  /**
   * Runs in the transaction that dead-letters a job of this kind, to record what that means for what the job is
   * about (e.g. a user's sync state): both commit or neither does. Throwing leaves the job running under its lease,
   * so it is taken over and decided again once the lease runs out.
   */
  onDead?: (tx: Transaction<Database>, dead: DeadLetter) => Promise<void>;
}

/**
 * The end of a job as a waiter sees it; `queued` only when waiting for the first attempt (it will be retried). A
 * `done` job with an `error` was refused.
 */
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
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * A retryable failure (Shopify down, timing out, throttled) is retried for up to a day: the age bound decides, the
 * attempt bound only stops a job failing in a tight loop (with the 5-minute cap, 1,000 attempts outlast 24 hours).
 */
export const DEFAULT_JOB_RETRY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 5 * 60_000, maxAttempts: 1000, maxAgeMs: 24 * 3600_000 };

/** The backoff between attempts of a job: the same full-jitter backoff the Shopify client uses between calls. */
export const jobBackoff = backoff;

/**
 * Turns what a handler threw into an outcome, as the catalogue classifies it: a retryable failure is retried, anything
 * else is dead-lettered (a handler that wants a refusal held reports it as its outcome instead of throwing).
 */
export function fromThrown(e: unknown): JobOutcome {
  const f = classify(e);
  const error = { code: f.code, message: f.message };
  if (f.kind !== 'retryable') return { outcome: 'failed', error };
  return { outcome: 'retry', error, ...(f.retryAfterMs !== undefined ? { delayMs: f.retryAfterMs } : {}) };
}

/** Where a run leaves its job, decided from the handler's outcome and the retry policy. */
export type NextState =
  | { state: 'done'; error?: JobErrorInfo }
  | { state: 'queued'; delayMs: number; attempts: number; error: JobErrorInfo; keepAttempt?: boolean }
  | { state: 'dead'; attempts: number; error: JobErrorInfo; gaveUp: boolean };

/** The state a claimed job moves to after `out`, at `now`. */
export function nextState(c: Claimed, out: JobOutcome, retry: RetryPolicy, now: number, random: () => number): NextState {
  const { job } = c;
  if (out.outcome === 'done') return { state: 'done' };
  if (out.outcome === 'refused') return { state: 'done', error: out.error };
  if (out.outcome === 'failed') return { state: 'dead', attempts: job.attempts, error: out.error, gaveUp: false };
  const age = now - Date.parse(job.createdAt);
  const attempts = out.keepAttempt ? job.attempts - 1 : job.attempts;
  if (attempts < retry.maxAttempts && age < retry.maxAgeMs) {
    const delayMs = Math.max(out.delayMs ?? 0, jobBackoff(Math.max(1, attempts), retry, random));
    return { state: 'queued', delayMs, attempts, error: out.error, keepAttempt: out.keepAttempt };
  }
  const why = attempts >= retry.maxAttempts ? `${attempts} attempts` : `${Math.round(age / 1000)} s`;
  return { state: 'dead', attempts, error: { code: out.error.code, message: `gave up after ${why}: ${out.error.message}` }, gaveUp: true };
}
