// The worker's handlers for outbound target queues: one job per change and target, in order per user, with the
// worker's retries and dead letters. Registered on the engine's Worker by registerTargets.
import type { Worker } from '../worker.js';
import type { JobContext, JobOutcome } from '../job-contract.js';
import { deliverScim, deliverWebhook, type Delivery, type DeliveryDeps } from './deliver.js';
import { SCIM_TARGET_JOB, WEBHOOK_TARGET_JOB, type ScimTargetJob, type WebhookTargetJob } from './fanout.js';

function toOutcome(d: Delivery): JobOutcome {
  if (d.outcome === 'done') return { outcome: 'done' };
  if (d.outcome === 'wait') return { outcome: 'retry', delayMs: 200, keepAttempt: true, error: { code: 'TARGET_WAITING', message: d.note ?? 'waiting' } };
  const error = d.error ?? { code: 'TARGET_FAILED', message: d.note ?? 'the delivery failed' };
  return d.outcome === 'retry' ? { outcome: 'retry', error } : { outcome: 'failed', error };
}

/** Registers the target handlers on a worker. Target jobs are never coalesced: each carries its own event. */
export function registerTargets(worker: Worker, deps: DeliveryDeps): void {
  worker.register(SCIM_TARGET_JOB, async ({ job }: JobContext) => toOutcome(await deliverScim(deps, job.tenantId, job.payload as ScimTargetJob, job)));
  worker.register(WEBHOOK_TARGET_JOB, async ({ job }: JobContext) => toOutcome(await deliverWebhook(deps, job.tenantId, job.payload as WebhookTargetJob, job)));
}
