// Answers list and search requests: the filter runs in SQL where it compiles exactly; otherwise SQL narrows the
// candidates and the in-memory evaluator decides, reading candidates in batches so no table is ever loaded whole.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Filter } from '../scim/filter/ast.js';
import { compileFilter } from './filter-sql.js';
import { matchesFilter } from '../scim/filter/evaluate.js';
import { resolveAttribute, splitUrnPath, type ResourceTypeDef } from '../scim/schemas.js';
import { errors } from '../scim/errors.js';
import { toRecord, type Db, type Json, type ResourceRecord } from './resources.js';
import type { Dialect } from './db.js';

export interface ListQuery {
  filter?: Filter;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based */
  startIndex: number;
  count: number;
}

export interface ListPage {
  total: number;
  records: ResourceRecord[];
}

/** How many matches an in-memory evaluation may hold, by default, before the request is refused as tooMany. */
export const MAX_IN_MEMORY_MATCHES = 100_000;
const BATCH = 500;

type Table = 'users' | 'groups';

const SORT_COLUMNS: Record<Table, Record<string, string>> = {
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

/** Normalises a sortBy attribute to `attr` or `attr.sub` (lower-case), dropping a core-schema URN; undefined if unknown. */
export function sortKey(rt: ResourceTypeDef, sortBy: string): { key: string; uri?: string; attr: string; sub?: string } {
  const { uri, rest } = splitUrnPath(rt, sortBy);
  const [attr, sub, extra] = rest.split('.');
  if (!attr || extra !== undefined) throw errors.invalidValue(`sortBy "${sortBy}" is not an attribute path`);
  const resolved = resolveAttribute(rt, uri, attr, sub);
  if (!resolved) throw errors.invalidValue(`sortBy "${sortBy}" is not an attribute of ${rt.name}`);
  if (resolved.def.type === 'complex' && !resolved.sub && !resolved.def.multiValued)
    throw errors.invalidValue(`sortBy "${sortBy}" names a complex attribute; name one of its sub-attributes`);
  const key = resolved.core ? [resolved.def.name, resolved.sub?.name].filter(Boolean).join('.').toLowerCase() : '';
  return { key, uri: resolved.core ? undefined : resolved.schemaId, attr: resolved.def.name, sub: resolved.sub?.name };
}

/** The value a resource sorts by: for multi-valued attributes the primary element's value, else the first (RFC 7644 §3.4.2.3). */
function sortValue(res: Json, s: { uri?: string; attr: string; sub?: string }): string | number | boolean | null {
  const base = (s.uri ? (res[s.uri] as Json | undefined) : res) ?? {};
  let v = base[s.attr];
  if (Array.isArray(v)) {
    const el = (v.find((e) => (e as Json)?.primary === true) ?? v[0]) as Json | string | undefined;
    v = el && typeof el === 'object' ? (s.sub ? el[s.sub] : el.value) : el;
  } else if (s.sub && v && typeof v === 'object') v = (v as Json)[s.sub];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

function compareNullsLast(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

export interface QueryContext {
  db: Db;
  dialect: Dialect;
  tenantId: string;
  rt: ResourceTypeDef;
  table: Table;
  /** Builds full representations (with computed attributes) of candidates for in-memory evaluation. */
  materialize(records: ResourceRecord[]): Promise<Json[]>;
  /** How many matches the in-memory evaluation may hold before the request is refused as tooMany (default MAX_IN_MEMORY_MATCHES). */
  maxMatches?: number;
}


/** Runs one list/search query and returns the requested page with the total count. */
export async function listResources(ctx: QueryContext, q: ListQuery): Promise<ListPage> {
  const { db, dialect, tenantId, rt, table } = ctx;
  const compiled = q.filter ? compileFilter(q.filter, rt, dialect) : { where: undefined, exact: true };
  const sort = q.sortBy ? sortKey(rt, q.sortBy) : undefined;
  const sortColumn = sort ? SORT_COLUMNS[table][sort.key] : 'created_at';
  const descending = q.sortOrder === 'descending';
  const offset = Math.max(0, q.startIndex - 1);
  const limit = Math.max(0, q.count);
  const maxMatches = ctx.maxMatches ?? MAX_IN_MEMORY_MATCHES;

  const base = () => {
    let b = (db as any).selectFrom(table).where('tenant_id', '=', tenantId);
    if (compiled.where) b = b.where(compiled.where as Expression<SqlBool>);
    return b;
  };

  if (compiled.exact && sortColumn) {
    const countRow = await base().select((eb: any) => eb.fn.countAll().as('n')).executeTakeFirst();
    const total = Number(countRow?.n ?? 0);
    if (limit === 0 || offset >= total) return { total, records: [] };
    const col = sql.ref(`${table}.${sortColumn}`);
    const collated = dialect === 'postgres' && sortColumn !== 'active' ? sql`${col} collate "C"` : col;
    const dir = descending ? sql`desc` : sql`asc`;
    const rows = await base()
      .selectAll()
      .orderBy(sql`case when ${col} is null then 1 else 0 end ${descending ? sql`desc` : sql`asc`}`)
      .orderBy(sql`${collated} ${dir}`)
      .orderBy(sql`${sql.ref(`${table}.id`)} ${dir}`)
      .limit(limit)
      .offset(offset)
      .execute();
    return { total, records: rows.map(toRecord) };
  }

  // In-memory path: stream candidates by (created_at, id), keep only what is needed to sort and page the matches.
  const matches: { id: string; key: unknown; created: string }[] = [];
  let after: { created: string; id: string } | undefined;
  for (;;) {
    let b = base().selectAll();
    if (after) {
      const a = after;
      b = b.where((eb: any) => eb.or([eb('created_at', '>', a.created), eb.and([eb('created_at', '=', a.created), eb('id', '>', a.id)])]));
    }
    const rows = await b.orderBy('created_at').orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) break;
    const records: ResourceRecord[] = rows.map(toRecord);
    const full = await ctx.materialize(records);
    records.forEach((rec, i) => {
      const res = full[i]!;
      if (q.filter && !compiled.exact && !matchesFilter(q.filter, res, rt)) return;
      matches.push({ id: rec.id, key: sort ? sortValue(res, sort) : null, created: rec.createdAt });
    });
    if (matches.length > maxMatches)
      throw errors.tooMany(`the filter matches more than ${maxMatches} resources; narrow it (for example with userName, externalId or emails.value)`);
    const last = records[records.length - 1]!;
    after = { created: last.createdAt, id: last.id };
    if (rows.length < BATCH) break;
  }
  if (sort) {
    matches.sort((x, y) => {
      const c = compareNullsLast(x.key, y.key) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      return descending ? -c : c;
    });
  } else if (descending) matches.reverse();
  const pageIds = matches.slice(offset, offset + limit).map((m) => m.id);
  if (pageIds.length === 0) return { total: matches.length, records: [] };
  const rows = await (db as any).selectFrom(table).selectAll().where('tenant_id', '=', tenantId).where('id', 'in', pageIds).execute();
  const byId = new Map<string, ResourceRecord>(rows.map((r: any) => [r.id, toRecord(r)]));
  return { total: matches.length, records: pageIds.map((id) => byId.get(id)).filter((r): r is ResourceRecord => !!r) };
}
