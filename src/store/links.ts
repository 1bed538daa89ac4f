// Customer links: which Shopify customer each SCIM user is, and how its synchronisation stands (pending, synced,
// failed with the reason), plus what the bridge last wrote (managed tags, fingerprint, the mapping's applied state).
import type { Selectable } from 'kysely';
import type { CustomerLinksTable } from './types.js';
import type { Db } from './resources.js';
import type { AppliedState } from '../mapping/index.js';
import { compiledOnce } from './compiled.js';
import { idOfUserName } from './users.js';

export type SyncState = CustomerLinksTable['sync_state'];

export interface CustomerLink {
  tenantId: string;
  userId: string;
  customerId: string | null;
  syncState: SyncState;
  syncError: string | null;
  syncErrorCode: string | null;
  lastAttemptAt: string | null;
  lastSyncedAt: string | null;
  syncedVersion: number | null;
  fingerprint: string | null;
  managedTags: string[];
  shopifyUpdatedAt: string | null;
  deprovisioned: string | null;
  applied: AppliedState | null;
  /** the customer deleted in Shopify that this link held, and whether that deactivated the user */
  deletedCustomer: DeletedCustomer | null;
}

export interface DeletedCustomer {
  id: string;
  deactivated: boolean;
}

function parse<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const toLink = (r: Selectable<CustomerLinksTable>): CustomerLink => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  customerId: r.customer_id,
  syncState: r.sync_state,
  syncError: r.sync_error,
  syncErrorCode: r.sync_error_code,
  lastAttemptAt: r.last_attempt_at,
  lastSyncedAt: r.last_synced_at,
  syncedVersion: r.synced_version === null ? null : Number(r.synced_version),
  fingerprint: r.fingerprint,
  managedTags: parse<string[]>(r.managed_tags, []),
  shopifyUpdatedAt: r.shopify_updated_at,
  deprovisioned: r.deprovisioned,
  applied: parse<AppliedState | null>(r.applied_state, null),
  deletedCustomer: parse<DeletedCustomer | null>(r.deleted_customer, null),
});

/** The fields a sync run records; absent ones are left as they are. */
export interface LinkUpdate {
  customerId?: string | null;
  syncState?: SyncState;
  /** null clears the error */
  error?: { code: string; message: string } | null;
  lastAttemptAt?: string;
  lastSyncedAt?: string;
  syncedVersion?: number;
  fingerprint?: string | null;
  managedTags?: string[];
  shopifyUpdatedAt?: string | null;
  deprovisioned?: string | null;
  applied?: AppliedState | null;
  deletedCustomer?: DeletedCustomer | null;
}

const linkOfUser = compiledOnce(2, (db, tenantId: string, userId: string) =>
  db.selectFrom('customer_links').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId),
);

const linkOfUserName = compiledOnce(2, (db, tenantId: string, userNameLc: string) =>
  db
    .selectFrom('customer_links')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', idOfUserName(db, tenantId, userNameLc)),
);

export class LinkRepository {
  async get(db: Db, tenantId: string, userId: string): Promise<CustomerLink | undefined> {
    const [r] = await linkOfUser(db, tenantId, userId);
    return r && toLink(r);
  }

  async getMany(db: Db, tenantId: string, userIds: string[]): Promise<Map<string, CustomerLink>> {
    const out = new Map<string, CustomerLink>();
    if (userIds.length === 1) {
      for (const r of await linkOfUser(db, tenantId, userIds[0]!)) out.set(r.user_id, toLink(r));
      return out;
    }
    for (let i = 0; i < userIds.length; i += 500) {
      const rows = await db
        .selectFrom('customer_links')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', 'in', userIds.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.user_id, toLink(r));
    }
    return out;
  }

  /** The link of the user holding a userName (lower-cased), keyed by user id: read without knowing the user's id. */
  async byUserName(db: Db, tenantId: string, userNameLc: string): Promise<Map<string, CustomerLink>> {
    return new Map((await linkOfUserName(db, tenantId, userNameLc)).map((r) => [r.user_id, toLink(r)]));
  }

  /** The link holding a customer, if any (a customer belongs to one user per tenant). */
  async byCustomer(db: Db, tenantId: string, customerId: string): Promise<CustomerLink | undefined> {
    const r = await db
      .selectFrom('customer_links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    return r && toLink(r);
  }

  /** The link that lost this customer to a deletion in Shopify, if any (see DeletedCustomer). */
  async byDeletedCustomer(db: Db, tenantId: string, customerId: string): Promise<CustomerLink | undefined> {
    const r = await db
      .selectFrom('customer_links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'is', null)
      .where('deleted_customer', 'like', `{"id":${JSON.stringify(customerId)},%`)
      .executeTakeFirst();
    return r && toLink(r);
  }

  /** Marks users as waiting for a sync, creating their link rows on first sight. */
  async markPending(db: Db, tenantId: string, userIds: string[], now: string): Promise<void> {
    for (let i = 0; i < userIds.length; i += 500) {
      const chunk = userIds.slice(i, i + 500);
      await db
        .insertInto('customer_links')
        .values(
          chunk.map((user_id) => ({ tenant_id: tenantId, user_id, sync_state: 'pending' as const, managed_tags: '[]', updated_at: now })),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ sync_state: 'pending', updated_at: now }))
        .execute();
    }
  }

  /** Records the outcome of a sync run (creating the row if it went missing). */
  async update(db: Db, tenantId: string, userId: string, u: LinkUpdate, now: string): Promise<void> {
    const set: Partial<CustomerLinksTable> = { updated_at: now };
    if (u.customerId !== undefined) set.customer_id = u.customerId;
    if (u.syncState !== undefined) set.sync_state = u.syncState;
    if (u.error !== undefined) {
      set.sync_error = u.error?.message ?? null;
      set.sync_error_code = u.error?.code ?? null;
    }
    if (u.lastAttemptAt !== undefined) set.last_attempt_at = u.lastAttemptAt;
    if (u.lastSyncedAt !== undefined) set.last_synced_at = u.lastSyncedAt;
    if (u.syncedVersion !== undefined) set.synced_version = u.syncedVersion;
    if (u.fingerprint !== undefined) set.fingerprint = u.fingerprint;
    if (u.managedTags !== undefined) set.managed_tags = JSON.stringify(u.managedTags);
    if (u.shopifyUpdatedAt !== undefined) set.shopify_updated_at = u.shopifyUpdatedAt;
    if (u.deprovisioned !== undefined) set.deprovisioned = u.deprovisioned;
    if (u.applied !== undefined) set.applied_state = u.applied === null ? null : JSON.stringify(u.applied);
    if (u.deletedCustomer !== undefined) set.deleted_customer = u.deletedCustomer === null ? null : JSON.stringify(u.deletedCustomer);
    const r = await db
      .updateTable('customer_links')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) {
      await db
        .insertInto('customer_links')
        .values({ tenant_id: tenantId, user_id: userId, sync_state: 'pending', managed_tags: '[]', ...set, updated_at: now })
        .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(set))
        .execute();
    }
  }

  /** The customer linked to a user, if any (one column, for events and lookups on hot paths). */
  async customerIdOf(db: Db, tenantId: string, userId: string): Promise<string | null> {
    const r = await db
      .selectFrom('customer_links')
      .select('customer_id')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r?.customer_id ?? null;
  }

  /** Every linked customer of a tenant with its user and the Shopify updated_at last seen (reconcile's index). */
  async linkedCustomers(db: Db, tenantId: string): Promise<{ userId: string; customerId: string; shopifyUpdatedAt: string | null }[]> {
    const rows = await db
      .selectFrom('customer_links')
      .select(['user_id', 'customer_id', 'shopify_updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', 'is not', null)
      .execute();
    return rows.map((r) => ({ userId: r.user_id, customerId: r.customer_id!, shopifyUpdatedAt: r.shopify_updated_at }));
  }

  /** Up to `limit` users of a tenant with a link, in id order after `after` (for batches over all of them). */
  async userIdsAfter(db: Db, tenantId: string, after: string | null, limit: number): Promise<string[]> {
    let q = db.selectFrom('customer_links').select('user_id').where('tenant_id', '=', tenantId);
    if (after !== null) q = q.where('user_id', '>', after);
    return (await q.orderBy('user_id').limit(limit).execute()).map((r) => r.user_id);
  }

  /** Up to `limit` users of a tenant in a sync state, in id order after `after` (for batches over all of them). */
  async usersInState(db: Db, tenantId: string, state: SyncState, after: string, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('customer_links')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('sync_state', '=', state)
      .where('user_id', '>', after)
      .orderBy('user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** Marks existing links pending again (a retry was queued), leaving users without a link alone. */
  async markPendingIfLinked(db: Db, tenantId: string, userIds: string[], now: string): Promise<void> {
    for (let i = 0; i < userIds.length; i += 500) {
      await db
        .updateTable('customer_links')
        .set({ sync_state: 'pending', updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', 'in', userIds.slice(i, i + 500))
        .execute();
    }
  }

  /**
   * Marks a user's sync failed after its job `job` gave up, unless a later job of the same queue, key and kind is
   * still to run (that run decides). Returns whether the link changed.
   */
  async markGaveUp(
    db: Db,
    job: { tenantId: string; queue: string; key: string; kind: string; id: number },
    userId: string,
    error: { code: string; message: string },
    now: string,
  ): Promise<boolean> {
    const r = await db
      .updateTable('customer_links')
      .set({ sync_state: 'failed', sync_error: error.message, sync_error_code: error.code, updated_at: now })
      .where('tenant_id', '=', job.tenantId)
      .where('user_id', '=', userId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('outbox_jobs')
              .select('id')
              .where('tenant_id', '=', job.tenantId)
              .where('queue', '=', job.queue)
              .where('key', '=', job.key)
              .where('kind', '=', job.kind)
              .where('id', '>', job.id)
              .where('state', 'in', ['queued', 'running']),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(db: Db, tenantId: string, userId: string): Promise<void> {
    await db.deleteFrom('customer_links').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  }
}

export const SYNC_STATES: readonly SyncState[] = ['pending', 'synced', 'failed'];

/**
 * How many users of each tenant are in each sync state, in one grouped query (for the metrics gauge); every tenant is
 * listed, with zeros for the states none of its users is in.
 */
export async function countSyncStates(db: Db): Promise<{ tenant: string; counts: Record<SyncState, number> }[]> {
  const rows = await db
    .selectFrom('tenants as t')
    .leftJoin('customer_links as l', 'l.tenant_id', 't.id')
    .select(['t.name as tenant', 'l.sync_state as state', (eb) => eb.fn.count<number>('l.user_id').as('n')])
    .groupBy(['t.name', 'l.sync_state'])
    .execute();
  const out = new Map<string, Record<SyncState, number>>();
  for (const r of rows) {
    const counts = out.get(r.tenant) ?? { pending: 0, synced: 0, failed: 0 };
    out.set(r.tenant, counts);
    if (r.state) counts[r.state] = Number(r.n);
  }
  return [...out].map(([tenant, counts]) => ({ tenant, counts }));
}
