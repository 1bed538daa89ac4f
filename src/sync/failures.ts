// How a failed sync run is recorded: classified by the catalogue (errors.ts) as worth retrying later (throttling,
// timeouts, 5xx, credentials) or a refusal (a value Shopify refuses), and the user's link says which; once the retries
// run out and the job is dead-lettered, the link says failed too.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import { audit } from '../store/resources.js';
import { classify } from './errors.js';
import { LinkRepository } from '../store/links.js';
import type { ShopConnections } from './shops.js';
import { iso } from '../store/outbox.js';
import type { DeadLetter, JobOutcome, Logger } from './job-contract.js';
import { USER_SYNC_JOB } from './job-kinds.js';

/** What the job handlers need from the engine. */
export interface ProvisionDeps {
  db: Kysely<Database>;
  shops: ShopConnections;
  now: () => number;
  log: Logger;
}

const links = new LinkRepository();

/** Records a failed run on the user's link (failed for good, or pending with the reason) and says what the job does. */
export async function failure(d: ProvisionDeps, tenantId: string, userId: string, e: unknown, at: string): Promise<JobOutcome> {
  const f = classify(e);
  if (f.code === 'INTERNAL') d.log.error({ err: e, tenantId, userId }, 'a Shopify sync run failed unexpectedly');
  const error = { code: f.code, message: f.message };
  const refused = f.kind !== 'retryable';
  try {
    await d.db.transaction().execute(async (tx) => {
      await links.update(tx, tenantId, userId, { syncState: refused ? 'failed' : 'pending', error, lastAttemptAt: at }, at);
      if (refused)
        await audit(tx, {
          tenantId,
          actor: 'system',
          action: 'shopify.customer.failed',
          resourceType: 'User',
          resourceId: userId,
          detail: { code: f.code, reason: f.message },
        });
    });
  } catch (dbErr) {
    d.log.warn({ err: dbErr, tenantId, userId }, 'cannot record a sync failure');
  }
  // A refusal is the user's state, not a dead letter: the next change of the user, the mapping or the policies runs it again.
  if (refused) return { outcome: 'refused', error };
  return { outcome: 'retry', error, ...(f.retryAfterMs !== undefined ? { delayMs: f.retryAfterMs } : {}) };
}

/**
 * The onDead hook of user.sync: when its retries run out, the user's link turns `failed` with a reason naming the
 * attempts and the last error's code (never its message, which may quote personal data), in the transaction that
 * dead-letters the job. A refusal needs nothing here: its run already recorded it. A user with a later sync still to
 * run stays pending (that run decides), and a user without a link (deleted since) gets none.
 */
export async function userSyncDead(tx: Transaction<Database>, dead: DeadLetter, payload?: { userId: string }): Promise<void> {
  const { job, attempts, error } = dead;
  const userId = payload?.userId ?? USER_SYNC_JOB.payload.safeParse(job.payload).data?.userId;
  if (!dead.gaveUp || userId === undefined) return;
  const at = iso(dead.now);
  const reason = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}; the last error was ${error.code}`;
  if (!(await links.markGaveUp(tx, job, userId, { code: error.code, message: reason }, at))) return;
  await audit(tx, {
    tenantId: job.tenantId,
    actor: 'system',
    action: 'shopify.customer.failed',
    resourceType: 'User',
    resourceId: userId,
    detail: { code: error.code, reason, attempts },
  });
}
