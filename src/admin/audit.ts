// A tenant's audit log as the admin API shows it: who changed what and when (SCIM writes, tokens, the shop connection,
// mapping, policies, targets, schemas), newest first, paged by entry id and filtered by an action prefix.
import type { Tenant } from '../store/tenants.js';
import { readAudit, type AuditRecord } from '../store/resources.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';

export interface AuditPage {
  entries: AuditRecord[];
  /** the `before` of the next (older) page; null on the last one */
  next: number | null;
}

const ACTION_PREFIX = /^[a-z][a-z0-9.:_-]{0,99}$/i;

/** One page of the log. Query values arrive as text: `limit` (1-500, default 50), `before` (an entry id), `action`. */
export async function listAudit(
  deps: Pick<AdminDeps, 'db'>,
  tenant: Tenant,
  query: { limit?: string; before?: string; action?: string },
): Promise<AuditPage> {
  const whole = (v: string | undefined, name: string, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw adminErrors.badRequest(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const limit = whole(query.limit, 'limit', 1, 500) ?? 50;
  const before = whole(query.before, 'before', 1, Number.MAX_SAFE_INTEGER);
  const action = query.action;
  if (action !== undefined && !ACTION_PREFIX.test(action))
    throw adminErrors.badRequest('action must be the start of an action name, e.g. "user." or "target.create"');
  const entries = await readAudit(deps.db, tenant.id, {
    limit: limit + 1,
    ...(before !== undefined ? { before } : {}),
    ...(action ? { actionPrefix: action } : {}),
  });
  const more = entries.length > limit;
  if (more) entries.length = limit;
  return { entries, next: more ? entries[entries.length - 1]!.id : null };
}
