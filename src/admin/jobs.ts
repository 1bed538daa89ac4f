// A tenant's dead-lettered jobs as the admin API and the CLI show them (what, whose key, how many attempts, the last
// error's code and message with personal data removed, when it died), and putting them back in the queue once the
// cause is fixed: one by id or all at once, with a fresh attempt budget.
import type { Tenant } from '../store/tenants.js';
import { countDead, deadJobsOf, listDead, retryDead, type OutboxJob } from '../store/outbox.js';
import { LinkRepository } from '../store/links.js';
import { USER_SYNC } from '../sync/provision.js';
import { redactPersonal } from '../security/redact.js';
import { adminErrors } from './errors.js';
import { audit } from '../store/resources.js';
import type { AdminDeps } from './context.js';

export const DEAD_PAGE_DEFAULT = 50;
export const DEAD_PAGE_MAX = 500;

export interface DeadJobView {
  id: number;
  /** 'shopify' for customer writes, 'target:<id>' for an outbound target */
  queue: string;
  kind: string;
  /** what the job is about, e.g. `user:<SCIM user id>` */
  key: string;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  /** when the job was (last) queued */
  createdAt: string;
  /** when it was dead-lettered */
  deadAt: string;
}

export interface DeadPage {
  jobs: DeadJobView[];
  /** dead-lettered jobs of the tenant (in the queue asked for), all pages */
  total: number;
  /** the `before` of the next page, when there is one */
  nextBefore: number | null;
}

/** A job as the dead-letter list shows it: never the payload, the error message with personal data removed. */
export function deadJobView(j: OutboxJob): DeadJobView {
  return {
    id: j.id,
    queue: j.queue,
    kind: j.kind,
    key: j.key,
    attempts: j.attempts,
    lastErrorCode: j.lastErrorCode,
    lastError: j.lastError === null ? null : redactPersonal(j.lastError),
    createdAt: j.createdAt,
    deadAt: j.finishedAt ?? j.updatedAt,
  };
}

/** A whole number ≥ 1 from a query or path parameter, or a 400 naming it. */
export function positiveInt(name: string, raw: unknown, max?: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw adminErrors.badRequest(`${name} must be a whole number of at least 1`);
  if (max !== undefined && n > max) throw adminErrors.badRequest(`${name} must be at most ${max}`);
  return n;
}

/** One page of the tenant's dead-lettered jobs, newest first. */
export async function listDeadJobs(
  deps: Pick<AdminDeps, 'db'>,
  t: Tenant,
  q: { limit?: unknown; before?: unknown; queue?: unknown } = {},
): Promise<DeadPage> {
  const limit = positiveInt('limit', q.limit, DEAD_PAGE_MAX) ?? DEAD_PAGE_DEFAULT;
  const before = positiveInt('before', q.before);
  if (q.queue !== undefined && (typeof q.queue !== 'string' || !q.queue))
    throw adminErrors.badRequest('queue must name a queue, e.g. "shopify" or "target:crm"');
  const queue = q.queue as string | undefined;
  const rows = await listDead(deps.db, {
    tenantId: t.id,
    ...(queue ? { queue } : {}),
    limit: limit + 1,
    ...(before !== undefined ? { before } : {}),
  });
  const page = rows.slice(0, limit);
  return {
    jobs: page.map(deadJobView),
    total: await countDead(deps.db, { tenantId: t.id, ...(queue ? { queue } : {}) }),
    nextBefore: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/**
 * Puts dead-lettered jobs of the tenant back in the queue (those with `ids`, or all) with a fresh attempt budget,
 * marks the users whose sync they are as pending again (audit: job.retry, one per job) and wakes the worker.
 * Returns how many were requeued.
 */
export async function retryDeadJobs(
  deps: Pick<AdminDeps, 'db' | 'wake' | 'actor'>,
  t: Tenant,
  ids?: number[],
): Promise<{ retried: number; ids: number[] }> {
  const result = await deps.db.transaction().execute(async (tx) => {
    // No lock needed: nothing but a retry moves a dead job, and retryDead only moves jobs still dead.
    const dead = await deadJobsOf(tx, t.id, ids);
    if (ids && dead.length < ids.length) {
      const missing = ids.filter((id) => !dead.some((d) => Number(d.id) === id));
      throw adminErrors.notFound(`tenant "${t.name}" has no dead-lettered job ${missing.join(', ')}`);
    }
    if (dead.length === 0) return { retried: 0, ids: [] as number[] };
    const jobIds = dead.map((d) => Number(d.id));
    const retried = await retryDead(tx, { tenantId: t.id, ids: jobIds });
    const users = [
      ...new Set(
        dead
          .filter((d) => d.kind === USER_SYNC && d.queue === 'shopify' && d.key.startsWith('user:'))
          .map((d) => d.key.slice('user:'.length)),
      ),
    ];
    // only links that exist: a user deleted since keeps no link, and its job finds nothing to do
    await new LinkRepository().markPendingIfLinked(tx, t.id, users, new Date().toISOString());
    // one entry per job, about its user when it has one, so the activity log shows the retry and what followed
    for (const d of dead) {
      const userId = d.queue === 'shopify' && d.key.startsWith('user:') ? d.key.slice('user:'.length) : null;
      await audit(tx, {
        tenantId: t.id,
        actor: deps.actor,
        action: 'job.retry',
        resourceType: userId ? 'User' : 'Job',
        resourceId: userId ?? String(d.id),
        detail: { job: Number(d.id), kind: d.kind, queue: d.queue },
      });
    }
    return { retried, ids: jobIds };
  });
  if (result.retried) deps.wake?.();
  return result;
}
