// How a failed sync run is classified and recorded: Shopify's verdict decides between retrying later (throttling,
// timeouts, 5xx, credentials) and failing for good (a value Shopify refuses), and the user's link says which; once the
// retries run out and the job is dead-lettered, the link says failed too.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import { audit } from '../store/resources.js';
import { errors, type ScimError } from '../scim/errors.js';
import { ShopifyError } from '../shopify/index.js';
import { LinkRepository } from '../store/links.js';
import type { ShopConnections } from './shops.js';
import { iso } from '../store/outbox.js';
import type { DeadLetter, JobOutcome, Logger } from './job-contract.js';

/** What the job handlers need from the engine. */
export interface ProvisionDeps {
  db: Kysely<Database>;
  shops: ShopConnections;
  now: () => number;
  log: Logger;
}

/** A failure already classified, e.g. a mapping problem found before anything was sent. */
export interface KnownFailure {
  code: string;
  message: string;
  permanent: boolean;
}

/** Shopify's refusals that no retry can change: the input must change first. */
const PERMANENT_KINDS = new Set(['conflict', 'invalid', 'unsupported']);

/** Classifies what a run threw (or a known failure). */
export function classify(e: unknown): KnownFailure {
  if (e instanceof ShopifyError) return { code: e.code, message: e.message, permanent: PERMANENT_KINDS.has(e.kind) };
  const k = e as Partial<KnownFailure> | undefined;
  if (k && typeof k.code === 'string' && typeof k.permanent === 'boolean') return { code: k.code, message: String(k.message ?? ''), permanent: k.permanent };
  const err = e as { name?: string; message?: string };
  if (err?.name === 'SettingsError') return { code: 'SETTINGS_INVALID', message: String(err.message), permanent: true };
  return { code: 'INTERNAL', message: String(err?.message ?? e), permanent: false };
}

const links = new LinkRepository();

/** Records a failed run on the user's link (failed for good, or pending with the reason) and says what the job does. */
export async function failure(d: ProvisionDeps, tenantId: string, userId: string, e: unknown, at: string): Promise<JobOutcome> {
  const f = classify(e);
  if (f.code === 'INTERNAL') d.log.error({ err: e, tenantId, userId }, 'a Shopify sync run failed unexpectedly');
  const error = { code: f.code, message: f.message };
  try {
    await d.db.transaction().execute(async (tx) => {
      await links.update(tx, tenantId, userId, { syncState: f.permanent ? 'failed' : 'pending', error, lastAttemptAt: at }, at);
      if (f.permanent)
        await audit(tx, { tenantId, actor: 'system', action: 'shopify.customer.failed', resourceType: 'User', resourceId: userId, detail: { code: f.code, reason: f.message } });
    });
  } catch (dbErr) {
    d.log.warn({ err: dbErr, tenantId, userId }, 'cannot record a sync failure');
  }
  // A refusal is the user's state, not a dead letter: the next change of the user, the mapping or the policies runs it again.
  if (f.permanent) return { outcome: 'refused', error };
  const retryAfter = e instanceof ShopifyError ? e.retryAfterMs : undefined;
  return { outcome: 'retry', error, ...(retryAfter !== undefined ? { delayMs: retryAfter } : {}) };
}

/**
 * The onDead hook of user.sync: when its retries run out, the user's link turns `failed` with a reason naming the
 * attempts and the last error's code (never its message, which may quote personal data), in the transaction that
 * dead-letters the job. A refusal needs nothing here: its run already recorded it. A user with a later sync still to
 * run stays pending (that run decides), and a user without a link (deleted since) gets none.
 */
export async function userSyncDead(tx: Transaction<Database>, dead: DeadLetter): Promise<void> {
  const { job, attempts, error } = dead;
  const userId = (job.payload as { userId?: unknown } | null)?.userId;
  if (!dead.gaveUp || typeof userId !== 'string') return;
  const at = iso(dead.now);
  const reason = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}; the last error was ${error.code}`;
  if (!(await links.markGaveUp(tx, job, userId, { code: error.code, message: reason }, at))) return;
  await audit(tx, { tenantId: job.tenantId, actor: 'system', action: 'shopify.customer.failed', resourceType: 'User', resourceId: userId, detail: { code: error.code, reason, attempts } });
}

const UNIQUE = new Set(['EMAIL_TAKEN', 'PHONE_TAKEN', 'TAKEN', 'CUSTOM_ID_TAKEN']);

/** The SCIM error a client sees for a permanent Shopify refusal (409 uniqueness, else 400 invalidValue). */
export function scimErrorFor(code: string, message: string, opts: { adoption?: string } = {}): ScimError {
  if (UNIQUE.has(code)) {
    const hint = code === 'EMAIL_TAKEN' && opts.adoption === 'off' ? ' (this tenant does not adopt existing customers)' : '';
    return errors.uniqueness(`Shopify refused the customer: ${message}${hint}`);
  }
  return errors.invalidValue(`Shopify refused the customer: ${message}`);
}
