// The worker's handlers for outbound target queues: one job per change and target, in order per user, with the
// worker's retries and dead letters. Registered on the engine's Worker by registerTargets.
import type { Worker } from '../worker.js';
import type { JobOutcome } from '../job-contract.js';
import { deliverScim, deliverWebhook, type Delivery, type DeliveryDeps } from './deliver.js';
import { registerJob } from '../jobs.js';
import { SCIM_TARGET_JOB_KIND, WEBHOOK_TARGET_JOB_KIND } from '../job-kinds.js';

function toOutcome(d: Delivery): JobOutcome {
  if (d.outcome === 'done') return { outcome: 'done' };
  if (d.outcome === 'wait')
    return { outcome: 'retry', delayMs: 200, keepAttempt: true, error: { code: 'TARGET_WAITING', message: d.note ?? 'waiting' } };
  const error = d.error ?? { code: 'TARGET_FAILED', message: d.note ?? 'the delivery failed' };
  return d.outcome === 'retry' ? { outcome: 'retry', error } : { outcome: 'failed', error };
}

/** Registers the target handlers on a worker. Target jobs are never coalesced: each carries its own event. */
export function registerTargets(worker: Worker, deps: DeliveryDeps): void {
  registerJob(worker, SCIM_TARGET_JOB_KIND, async ({ job, payload }) => toOutcome(await deliverScim(deps, job.tenantId, payload, job)));
  registerJob(worker, WEBHOOK_TARGET_JOB_KIND, async ({ job, payload }) =>
    toOutcome(await deliverWebhook(deps, job.tenantId, payload, job)),
  );
}
