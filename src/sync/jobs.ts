// Typed job kinds: each kind names its payload with a zod schema, so a payload is checked when it is queued and
// validated once when its job runs; its handler and its onDead hook get it typed, never cast.
import { currentRequestId } from '../request-context.js';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../store/types.js';
import { enqueue, enqueueMany, type EnqueueOptions } from '../store/outbox.js';
import type { Db } from '../store/resources.js';
import type { DeadLetter, JobContext, JobOutcome } from './job-contract.js';
import type { Worker } from './worker.js';

/** A job kind: its name in the outbox and the schema of its payload. */
export interface JobKind<P> {
  readonly kind: string;
  readonly payload: z.ZodType<P>;
}

/**
 * Declares a job kind (src/sync/job-kinds.ts lists them all).
 * @example export const USER_ERASE_JOB = jobKind('user.erase', z.object({ userId: z.string(), customerId: z.string() }));
 */
export function jobKind<P>(kind: string, payload: z.ZodType<P>): JobKind<P> {
  return { kind, payload };
}

/** The payload type of a job kind. */
export type PayloadOf<K> = K extends JobKind<infer P> ? P : never;

/** What a typed handler is given: the job context and the job's payload, validated. */
export interface TypedJobContext<P> extends JobContext {
  payload: P;
}

export interface TypedHandlerOptions<P> {
  /** state-based jobs: queued jobs of the same key and kind collapse into one run */
  coalesce?: boolean;
  /** runs in the transaction that dead-letters a job of this kind (see HandlerOptions.onDead) */
  onDead?(tx: Transaction<Database>, dead: DeadLetter, payload: P): Promise<void>;
}

/** The outcome of a job whose payload its kind's schema refuses: failed for good, since no retry can change it. */
function payloadRefused(kind: string, error: z.ZodError): JobOutcome {
  const where = error.issues.map((i) => `${i.path.join('.') || 'payload'} ${i.message}`).join('; ');
  return { outcome: 'failed', error: { code: 'PAYLOAD_INVALID', message: `the ${kind} job's payload is not valid: ${where}` } };
}

/** Registers the handler of a typed kind on a worker: the payload is parsed before the handler runs. */
export function registerJob<P>(
  worker: Worker,
  k: JobKind<P>,
  run: (ctx: TypedJobContext<NoInfer<P>>) => Promise<JobOutcome>,
  opts: TypedHandlerOptions<NoInfer<P>> = {},
): Worker {
  const { onDead } = opts;
  return worker.register(
    k.kind,
    async (ctx) => {
      const parsed = k.payload.safeParse(ctx.job.payload);
      return parsed.success ? run({ ...ctx, payload: parsed.data }) : payloadRefused(k.kind, parsed.error);
    },
    {
      ...(opts.coalesce ? { coalesce: true } : {}),
      ...(onDead
        ? {
            onDead: async (tx, dead) => {
              const parsed = k.payload.safeParse(dead.job.payload);
              if (parsed.success) await onDead(tx, dead, parsed.data);
            },
          }
        : {}),
    },
  );
}

export type TypedEnqueue<P> = Omit<EnqueueOptions, 'kind' | 'payload'> & { payload: P };

/** Queues a job of a typed kind; its payload is checked against the kind's schema first. */
export async function enqueueJob<P>(db: Db, k: JobKind<P>, job: TypedEnqueue<P>): Promise<number> {
  return enqueue(db, { requestId: currentRequestId(), ...job, kind: k.kind, payload: k.payload.parse(job.payload) });
}

/** Queues many jobs of one typed kind. */
export async function enqueueJobs<P>(db: Db, k: JobKind<P>, jobs: TypedEnqueue<P>[]): Promise<number> {
  return enqueueMany(
    db,
    jobs.map((j) => ({ requestId: currentRequestId(), ...j, kind: k.kind, payload: k.payload.parse(j.payload) })),
  );
}
