// The admin UI's list of a tenant's users: a search over userName, e-mail addresses and names (case-insensitive
// substring), a filter on the Shopify sync state, keyset pages in userName order, each row with its customer link.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Dialect } from './db.js';
import type { Db, Json } from './resources.js';
import type { CustomerLinksTable } from './types.js';

export type SyncStateFilter = CustomerLinksTable['sync_state'];

export interface UserSearch {
  /** a part of the userName, an e-mail address, the display name or a given or family name */
  q?: string;
  syncState?: SyncStateFilter;
  /** only users whose sync failed with this code */
  errorCode?: string;
  limit: number;
  /** the lower-cased userName of the previous page's last row */
  after?: string;
}

export interface UserRow {
  id: string;
  userName: string;
  userNameLc: string;
  data: Json;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
  createdBy: string | null;
  customerId: string | null;
  syncState: SyncStateFilter | null;
  syncError: string | null;
  syncErrorCode: string | null;
  lastAttemptAt: string | null;
  lastSyncedAt: string | null;
}

/** `haystack` contains `needle` (both lower-case already), as an index-free substring test on either engine. */
function contains(dialect: Dialect, column: string, needle: string): Expression<SqlBool> {
  return dialect === 'postgres'
    ? sql<SqlBool>`strpos(${sql.ref(column)}, ${needle}) > 0`
    : sql<SqlBool>`instr(${sql.ref(column)}, ${needle}) > 0`;
}

/** One page of users matching the search, and how many match in all. */
export async function searchUsers(db: Db, dialect: Dialect, tenantId: string, s: UserSearch): Promise<{ rows: UserRow[]; total: number }> {
  const needle = s.q?.trim().toLowerCase() ?? '';
  const base = () => {
    let q = db
      .selectFrom('users as u')
      .leftJoin('customer_links as l', (j) => j.onRef('l.tenant_id', '=', 'u.tenant_id').onRef('l.user_id', '=', 'u.id'))
      .where('u.tenant_id', '=', tenantId);
    if (s.syncState) q = q.where('l.sync_state', '=', s.syncState);
    if (s.errorCode) q = q.where('l.sync_error_code', '=', s.errorCode);
    if (needle)
      q = q.where((eb) =>
        eb.or([
          contains(dialect, 'u.user_name_lc', needle),
          contains(dialect, 'u.display_name_lc', needle),
          contains(dialect, 'u.given_name_lc', needle),
          contains(dialect, 'u.family_name_lc', needle),
          eb.exists(
            eb
              .selectFrom('user_emails as e')
              .select('e.user_id')
              .whereRef('e.tenant_id', '=', 'u.tenant_id')
              .whereRef('e.user_id', '=', 'u.id')
              .where(contains(dialect, 'e.value_lc', needle)),
          ),
        ]),
      );
    return q;
  };
  let page = base()
    .select([
      'u.id',
      'u.user_name',
      'u.user_name_lc',
      'u.data',
      'u.active',
      'u.created_at',
      'u.updated_at',
      'u.version',
      'u.created_by',
      'l.customer_id',
      'l.sync_state',
      'l.sync_error',
      'l.sync_error_code',
      'l.last_attempt_at',
      'l.last_synced_at',
    ])
    .orderBy('u.user_name_lc')
    .limit(s.limit);
  if (s.after !== undefined) page = page.where('u.user_name_lc', '>', s.after);
  const [rows, count] = await Promise.all([
    page.execute(),
    base()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    rows: rows.map((r) => ({
      id: r.id,
      userName: r.user_name,
      userNameLc: r.user_name_lc,
      data: JSON.parse(r.data) as Json,
      active: Number(r.active) === 1,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: Number(r.version),
      createdBy: r.created_by,
      customerId: r.customer_id,
      syncState: r.sync_state,
      syncError: r.sync_error,
      syncErrorCode: r.sync_error_code,
      lastAttemptAt: r.last_attempt_at,
      lastSyncedAt: r.last_synced_at,
    })),
  };
}

/** userNames of users by id (for the activity log's rows). */
export async function userNamesOf(db: Db, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'user_name'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.id, r.user_name);
  }
  return out;
}

/** Ids of users whose userName or an e-mail address contains `q` (the activity log's user filter), at most `limit`. */
export async function userIdsMatching(db: Db, dialect: Dialect, tenantId: string, q: string, limit = 500): Promise<string[]> {
  const { rows } = await searchUsers(db, dialect, tenantId, { q, limit });
  return rows.map((r) => r.id);
}
