// Users Shopify could not take are held, not dead-lettered: their sync runs again when something that decides the
// outcome changes. A user's own change queues it already; this queues every held user after a settings change.
import type { Db } from '../store/resources.js';
import { nowIso } from '../store/resources.js';
import { LinkRepository } from '../store/links.js';
import { enqueueJobs } from './jobs.js';
import { USER_SYNC_JOB } from './job-kinds.js';

const links = new LinkRepository();
const BATCH = 500;

/**
 * Queues a sync of every user of the tenant whose state is `failed` (refused by Shopify or by the mapping, or given
 * up on), in the caller's transaction, so a mapping or policy change that fixes the cause is tried at once; each
 * user turns pending. Returns how many were queued.
 */
export async function requeueHeldUsers(db: Db, tenantId: string, cause: string): Promise<number> {
  let queued = 0;
  let after = '';
  for (;;) {
    const ids = await links.usersInState(db, tenantId, 'failed', after, BATCH);
    if (ids.length === 0) return queued;
    after = ids[ids.length - 1]!;
    await links.markPending(db, tenantId, ids, nowIso());
    queued += await enqueueJobs(
      db,
      USER_SYNC_JOB,
      ids.map((userId) => ({ tenantId, key: `user:${userId}`, payload: { userId, op: cause } })),
    );
    if (ids.length < BATCH) return queued;
  }
}
