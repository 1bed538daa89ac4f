// A tenant's jobs as the admin UI's Jobs page lists them (queued, running, dead, in any queue) and discarding a dead
// letter that is not worth retrying; retrying one is retryDeadJobs in jobs.ts.
import type { Tenant } from '../store/tenants.js';
import { listJobs, discardDeadJob } from '../store/activity.js';
import { userNamesOf } from '../store/user-search.js';
import { audit } from '../store/resources.js';
import { adminErrors } from './errors.js';
import { positiveInt } from './jobs.js';
import { jobView, type JobView } from './users.js';
import type { AdminDeps } from './context.js';

const STATES = ['queued', 'running', 'dead'] as const;
type ListedState = (typeof STATES)[number];

export interface JobListEntry extends JobView {
  key: string;
  /** the user the job is about, when it is a user's */
  userId: string | null;
  userName: string | null;
}

/** One page of the tenant's jobs in `state` (default queued and running), newest first. */
export async function listTenantJobs(
  deps: Pick<AdminDeps, 'db'>,
  t: Tenant,
  q: { state?: unknown; queue?: unknown; limit?: unknown; before?: unknown },
): Promise<{ jobs: JobListEntry[]; next: number | null }> {
  let states: ListedState[] = ['queued', 'running'];
  if (q.state !== undefined && q.state !== '') {
    if (!STATES.includes(q.state as ListedState)) throw adminErrors.badRequest(`state must be one of ${STATES.join(', ')}`);
    states = [q.state as ListedState];
  }
  if (q.queue !== undefined && (typeof q.queue !== 'string' || !/^[a-z][a-z0-9:_-]{0,80}$/i.test(q.queue)))
    throw adminErrors.badRequest('queue must name a queue, e.g. "shopify" or "target:crm"');
  const limit = positiveInt('limit', q.limit, 500) ?? 50;
  const before = positiveInt('before', q.before);
  const rows = await listJobs(deps.db, t.id, {
    states,
    limit: limit + 1,
    ...(typeof q.queue === 'string' ? { queue: q.queue } : {}),
    ...(before !== undefined ? { before } : {}),
  });
  const page = rows.slice(0, limit);
  const userIds = [...new Set(page.filter((j) => j.key.startsWith('user:')).map((j) => j.key.slice(5)))];
  const names = await userNamesOf(deps.db, t.id, userIds);
  return {
    jobs: page.map((j) => {
      const userId = j.key.startsWith('user:') ? j.key.slice(5) : null;
      return { ...jobView(j), key: j.key, userId, userName: userId ? (names.get(userId) ?? null) : null };
    }),
    next: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** Drops a dead-lettered job for good (audit: job.discard); the user's sync state stays as it is. */
export async function discardDead(deps: Pick<AdminDeps, 'db' | 'actor'>, t: Tenant, id: number): Promise<{ discarded: number }> {
  const job = await deps.db.transaction().execute(async (tx) => {
    const j = await discardDeadJob(tx, t.id, id);
    if (!j) throw adminErrors.notFound(`tenant "${t.name}" has no dead-lettered job ${id}`);
    await audit(tx, {
      tenantId: t.id,
      actor: deps.actor,
      action: 'job.discard',
      resourceType: 'Job',
      resourceId: String(id),
      detail: { kind: j.kind, queue: j.queue, key: j.key, lastErrorCode: j.lastErrorCode },
    });
    return j;
  });
  return { discarded: job.id };
}
