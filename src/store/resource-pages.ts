// The SQL of list and search requests over users and groups: counting and paging rows that match a compiled filter,
// scanning candidates in (created_at, id) order for in-memory evaluation, and reading a page back by id.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Dialect } from './db.js';
import { toRecord, type Db, type ResourceRecord } from './resources.js';

export type ResourceTable = 'users' | 'groups';

/** The columns a sort key (scim/sort.ts `key`) is read from, per table; a key without a column is sorted in memory. */
const SORT_COLUMNS: Record<ResourceTable, Record<string, string>> = {
  users: {
    id: 'id',
    username: 'user_name_lc',
    externalid: 'external_id',
    displayname: 'display_name_lc',
    'name.givenname': 'given_name_lc',
    'name.familyname': 'family_name_lc',
    active: 'active',
    'meta.created': 'created_at',
    'meta.lastmodified': 'updated_at',
  },
  groups: {
    id: 'id',
    displayname: 'display_name_lc',
    externalid: 'external_id',
    'meta.created': 'created_at',
    'meta.lastmodified': 'updated_at',
  },
};

/** The column holding a sort key's value, when the table has one. */
export function sortColumn(table: ResourceTable, key: string): string | undefined {
  return Object.hasOwn(SORT_COLUMNS[table], key) ? SORT_COLUMNS[table][key] : undefined;
}

export interface Matching {
  db: Db;
  table: ResourceTable;
  tenantId: string;
  /** a condition compiled from a filter (scim/filter/sql.ts); none: every row of the tenant */
  where?: Expression<SqlBool>;
}

function base(m: Matching) {
  // The two tables share the columns used here; Kysely cannot type a query over a union of table names.
  let b = m.db.selectFrom(m.table as 'users').where('tenant_id', '=', m.tenantId);
  if (m.where) b = b.where(m.where);
  return b;
}

/** How many rows match. */
export async function countMatching(m: Matching): Promise<number> {
  const row = await base(m)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The sort columns that never hold NULL: ordering by them needs no "missing values last" term. */
const NOT_NULL = new Set(['id', 'user_name_lc', 'active', 'created_at', 'updated_at']);

/**
 * One page of the matching rows ordered by `column` (missing values last ascending), then id. The default order
 * (created_at, id) is read straight from the `<table>_page_order` index; see its migration.
 */
export async function pageMatching(
  m: Matching,
  dialect: Dialect,
  o: { column: string; descending: boolean; offset: number; limit: number },
): Promise<ResourceRecord[]> {
  const collate = (ref: ReturnType<typeof sql.ref>, column: string) =>
    dialect === 'postgres' && column !== 'active' ? sql`${ref} collate "C"` : ref;
  const col = sql.ref(`${m.table}.${o.column}`);
  const dir = o.descending ? sql`desc` : sql`asc`;
  let q = base(m).selectAll();
  if (!NOT_NULL.has(o.column)) q = q.orderBy(sql`case when ${col} is null then 1 else 0 end ${dir}`);
  q = q.orderBy(sql`${collate(col, o.column)} ${dir}`);
  if (o.column !== 'id') q = q.orderBy(sql`${collate(sql.ref(`${m.table}.id`), 'id')} ${dir}`);
  const rows = await q.limit(o.limit).offset(o.offset).execute();
  return rows.map(toRecord);
}

/** The next `limit` matching rows after `after` in (created_at, id) order: candidates for in-memory evaluation. */
export async function scanMatching(
  m: Matching,
  after: { created: string; id: string } | undefined,
  limit: number,
): Promise<ResourceRecord[]> {
  let b = base(m).selectAll();
  if (after)
    b = b.where((eb) =>
      eb.or([eb('created_at', '>', after.created), eb.and([eb('created_at', '=', after.created), eb('id', '>', after.id)])]),
    );
  const rows = await b.orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map(toRecord);
}

/** The rows with these ids, in the order given (ids no longer there are left out). */
export async function recordsByIds(db: Db, table: ResourceTable, tenantId: string, ids: string[]): Promise<ResourceRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom(table as 'users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
  return ids.map((id) => byId.get(id)).filter((r): r is ResourceRecord => !!r);
}
