// A tenant's users as the admin UI shows them: the search list (userName, e-mail, name; sync state), one user's SCIM
// resource beside the Shopify customer it is linked to (read through the connector), its history from the audit log
// and the jobs that carried its changes, and "sync now", which queues a fresh user.sync and wakes the worker.
import type { Tenant } from '../store/tenants.js';
import { searchUsers, type SyncStateFilter } from '../store/user-search.js';
import { UserRepository } from '../store/users.js';
import { readActivity, jobsForKeys, clientLabels, type JobRecord } from '../store/activity.js';
import { LinkRepository, SYNC_STATES } from '../store/links.js';
import { linkExtension } from '../sync/link-extension.js';
import { renderUser } from '../scim/render.js';
import { SCHEMA } from '../scim/schemas.js';
import { readTenantSchemas } from '../scim/tenant-schemas.js';
import { getCustomer, type ShopifyCustomer } from '../shopify/index.js';
import { redactPersonal } from '../security/redact.js';
import { readMapping } from '../settings/policies.js';
import { audit, type AuditRecord, type Json } from '../store/resources.js';
import { positiveInt } from './jobs.js';
import { adminErrors } from './errors.js';
import { shopsOf, type AdminDeps } from './context.js';
import { describeActor } from './activity.js';
import { enqueueJob } from '../sync/jobs.js';
import { USER_SYNC_JOB } from '../sync/job-kinds.js';

export const USER_PAGE_DEFAULT = 25;
export const USER_PAGE_MAX = 200;

export interface UserListEntry {
  id: string;
  userName: string;
  displayName: string | null;
  name: string | null;
  email: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  /** the SCIM client that made the user (its token's label) */
  createdBy: string | null;
  customerId: string | null;
  syncState: SyncStateFilter | null;
  syncErrorCode: string | null;
  syncError: string | null;
  lastSyncedAt: string | null;
  lastAttemptAt: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The primary e-mail address of a SCIM user (else the first one). */
export function primaryEmail(data: Json): string | null {
  const emails = Array.isArray(data.emails) ? (data.emails as Json[]) : [];
  const e = emails.find((x) => x?.primary === true) ?? emails[0];
  return text(e?.value);
}

function fullName(data: Json): string | null {
  const n = (data.name ?? {}) as Json;
  return text(n.formatted) ?? ([text(n.givenName), text(n.familyName)].filter(Boolean).join(' ') || null);
}

/** One page of the search; `cursor` (from the previous answer's `next`) pages on. */
export async function listUsers(
  deps: Pick<AdminDeps, 'db' | 'dialect'>,
  t: Tenant,
  q: { q?: unknown; syncState?: unknown; errorCode?: unknown; limit?: unknown; cursor?: unknown },
): Promise<{ users: UserListEntry[]; total: number; next: string | null }> {
  const limit = positiveInt('limit', q.limit, USER_PAGE_MAX) ?? USER_PAGE_DEFAULT;
  if (q.q !== undefined && (typeof q.q !== 'string' || q.q.length > 200))
    throw adminErrors.badRequest('q must be text of at most 200 characters');
  if (q.syncState !== undefined && q.syncState !== '' && !SYNC_STATES.includes(q.syncState as SyncStateFilter))
    throw adminErrors.badRequest(`syncState must be one of ${SYNC_STATES.join(', ')}`);
  if (q.errorCode !== undefined && (typeof q.errorCode !== 'string' || !/^[A-Z0-9_]{1,64}$/.test(q.errorCode)))
    throw adminErrors.badRequest('errorCode must be an error code such as EMAIL_TAKEN');
  let after: string | undefined;
  if (q.cursor !== undefined && q.cursor !== '') {
    if (typeof q.cursor !== 'string') throw adminErrors.badRequest('cursor must be the "next" of the previous page');
    // any text decodes as base64url: only one that encodes back to itself is a cursor this API made
    after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (Buffer.from(after, 'utf8').toString('base64url') !== q.cursor)
      throw adminErrors.badRequest('cursor must be the "next" of the previous page');
  }
  const { rows, total } = await searchUsers(deps.db, deps.dialect, t.id, {
    ...(typeof q.q === 'string' && q.q.trim() ? { q: q.q } : {}),
    ...(q.syncState ? { syncState: q.syncState as SyncStateFilter } : {}),
    ...(typeof q.errorCode === 'string' ? { errorCode: q.errorCode } : {}),
    limit: limit + 1,
    ...(after !== undefined ? { after } : {}),
  });
  const page = rows.slice(0, limit);
  const labels = await clientLabels(deps.db, t.id);
  return {
    total,
    next: rows.length > limit ? Buffer.from(page[page.length - 1]!.userNameLc, 'utf8').toString('base64url') : null,
    users: page.map((r) => ({
      id: r.id,
      userName: r.userName,
      displayName: text(r.data.displayName),
      name: fullName(r.data),
      email: primaryEmail(r.data),
      active: r.active,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      createdBy: r.createdBy ? (labels.get(r.createdBy) ?? r.createdBy) : null,
      customerId: r.customerId,
      syncState: r.syncState,
      syncErrorCode: r.syncErrorCode,
      syncError: r.syncError,
      lastSyncedAt: r.lastSyncedAt,
      lastAttemptAt: r.lastAttemptAt,
    })),
  };
}

const users = new UserRepository();
const links = new LinkRepository();

export interface JobView {
  id: number;
  queue: string;
  kind: string;
  state: string;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  runAfter: string;
}

export const jobView = (j: JobRecord): JobView => ({
  id: j.id,
  queue: j.queue,
  kind: j.kind,
  state: j.state,
  attempts: j.attempts,
  lastErrorCode: j.lastErrorCode,
  lastError: j.lastError === null ? null : redactPersonal(j.lastError),
  createdAt: j.createdAt,
  finishedAt: j.finishedAt,
  runAfter: j.runAfter,
});

export interface UserDetail {
  /** the user as the SCIM API shows it (with the Shopify extension) */
  resource: Json;
  link: {
    customerId: string | null;
    syncState: string;
    syncErrorCode: string | null;
    syncError: string | null;
    lastAttemptAt: string | null;
    lastSyncedAt: string | null;
    syncedVersion: number | null;
    managedTags: string[];
    deprovisioned: string | null;
  } | null;
  /** the linked customer as Shopify has it now; null when not linked or not found */
  customer: ShopifyCustomer | null;
  /** why the customer is not shown (no shop, not linked yet, not found, Shopify unreachable) */
  customerNote: string | null;
  /** audit entries about the user, newest first */
  history: (AuditRecord & { actorLabel: string })[];
  /** the jobs that carried the user's changes, newest first */
  jobs: JobView[];
}

/** Everything about one user; 404 when the tenant has no such user. */
export async function userDetail(deps: AdminDeps, t: Tenant, id: string, origin: string): Promise<UserDetail> {
  const rec = await users.get(deps.db, t.id, id);
  if (!rec) throw adminErrors.notFound(`tenant "${t.name}" has no user ${id}`);
  const [link, memberships, history, jobs, labels] = await Promise.all([
    links.get(deps.db, t.id, id),
    users.groupsOf(deps.db, t.id, [id]),
    readActivity(deps.db, t.id, { limit: 100, resourceIds: [id] }),
    jobsForKeys(deps.db, t.id, [`user:${id}`], 100),
    clientLabels(deps.db, t.id),
  ]);
  const ext: Json | undefined = link ? linkExtension(link) : undefined;
  const extensionUris = [SCHEMA.enterprise, SCHEMA.shopify, ...readTenantSchemas(t.settings).map((s) => s.id)];
  const resource = renderUser(
    { ...rec, data: ext ? { ...rec.data, [SCHEMA.shopify]: ext } : rec.data },
    memberships.get(id) ?? [],
    `${origin}/scim/v2/${t.name}/Users/${id}`,
    extensionUris,
  );
  let customer: ShopifyCustomer | null = null;
  let customerNote: string | null = null;
  if (!link?.customerId)
    customerNote = link?.syncState === 'failed' ? 'Shopify has not taken this user: no customer is linked' : 'no customer is linked yet';
  else {
    const client = shopsOf(deps)?.clientFor(t);
    if (!client) customerNote = 'no shop is connected, so the customer cannot be read';
    else {
      try {
        customer = await getCustomer(client, link.customerId, { metafieldKeys: metafieldKeysOf(t) });
        if (!customer) customerNote = `the linked customer ${link.customerId} no longer exists in Shopify`;
      } catch (e) {
        customerNote = `the customer could not be read from Shopify: ${redactPersonal(e instanceof Error ? e.message : String(e))}`;
      }
    }
  }
  return {
    resource,
    link: link
      ? {
          customerId: link.customerId,
          syncState: link.syncState,
          syncErrorCode: link.syncErrorCode,
          syncError: link.syncError,
          lastAttemptAt: link.lastAttemptAt,
          lastSyncedAt: link.lastSyncedAt,
          syncedVersion: link.syncedVersion,
          managedTags: link.managedTags,
          deprovisioned: link.deprovisioned,
        }
      : null,
    customer,
    customerNote,
    history: history.map((h) => ({ ...h, actorLabel: describeActor(h.actor, labels) })),
    jobs: jobs.reverse().map(jobView),
  };
}

function metafieldKeysOf(t: Tenant): string[] {
  try {
    const m = readMapping(t.settings);
    const keys = m.rules.flatMap((r) => (r.target.kind === 'metafield' ? [`${r.target.namespace}.${r.target.key}`] : []));
    return [...new Set([...keys, `${m.customIdMetafield.namespace}.${m.customIdMetafield.key}`])];
  } catch {
    return [];
  }
}

/**
 * Queues a fresh sync of the user to Shopify (after a fix in the mapping, the IdP or the shop), marks it pending and
 * wakes the worker. Returns the job's id.
 */
export async function resyncUser(deps: AdminDeps, t: Tenant, id: string): Promise<{ jobId: number; syncState: 'pending' }> {
  const jobId = await deps.db.transaction().execute(async (tx) => {
    const rec = await users.get(tx, t.id, id);
    if (!rec) throw adminErrors.notFound(`tenant "${t.name}" has no user ${id}`);
    const job = await enqueueJob(tx, USER_SYNC_JOB, { tenantId: t.id, key: `user:${id}`, payload: { userId: id, op: 'resync' } });
    await links.markPending(tx, t.id, [id], new Date().toISOString());
    await audit(tx, { tenantId: t.id, actor: deps.actor, action: 'user.resync', resourceType: 'User', resourceId: id, detail: { job } });
    return job;
  });
  deps.wake?.();
  return { jobId, syncState: 'pending' };
}
