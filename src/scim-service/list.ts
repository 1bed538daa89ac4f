// Answers list and search requests: the filter runs in SQL where it compiles exactly; otherwise SQL narrows the
// candidates and the in-memory evaluator decides, reading candidates in batches so no table is ever loaded whole.
import type { ListQuery } from '../scim/list-params.js';
import { compileFilter, storable } from '../scim/filter/sql.js';
import { matchesFilter } from '../scim/filter/evaluate.js';
import { resolveFilterPath } from '../scim/filter/attributes.js';
import type { AttrPath, Filter } from '../scim/filter/ast.js';
import { parseSortKey, sortValue, compareNullsLast } from '../scim/sort.js';
import { errors } from '../scim/errors.js';
import type { ResourceTypeDef } from '../scim/schemas.js';
import type { Dialect } from '../store/db.js';
import type { Db, Json, ResourceRecord } from '../store/resources.js';
import { countMatching, pageMatching, recordsByIds, scanMatching, sortColumn, type ResourceTable } from '../store/resource-pages.js';

export type { ListQuery };

export interface ListPage {
  total: number;
  records: ResourceRecord[];
}

/** How many matches an in-memory evaluation may hold, by default, before the request is refused as tooMany. */
export const MAX_IN_MEMORY_MATCHES = 100_000;
const BATCH = 500;

export interface QueryContext {
  db: Db;
  dialect: Dialect;
  tenantId: string;
  rt: ResourceTypeDef;
  table: ResourceTable;
  /** Builds full representations (with computed attributes) of candidates for in-memory evaluation. */
  materialize(records: ResourceRecord[]): Promise<Json[]>;
  /**
   * The representations without the attributes named here, which cost reads of their own (a user's groups, the
   * Shopify extension): used when neither the filter nor the sort key names one of them.
   */
  materializeStored?: { without: string[]; build(records: ResourceRecord[]): Json[] };
  /** How many matches the in-memory evaluation may hold before the request is refused as tooMany (default MAX_IN_MEMORY_MATCHES). */
  maxMatches?: number;
}

/**
 * The userName a filter asks for when it is exactly `userName eq "…"` (the look-up every IdP makes before it creates
 * a user), and no sort is asked for: at most one user matches, found by its unique index.
 */
export function userNameLookup(q: ListQuery, rt: ResourceTypeDef): string | undefined {
  const f = q.filter;
  if (!f || f.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string' || !storable(f.value) || q.sortBy) return undefined;
  const r = resolveFilterPath(rt, f.path);
  return r?.core && !r.sub && r.def.name === 'userName' ? f.value : undefined;
}

/** The page a list of at most one match answers with. */
export function pageOfOne(record: ResourceRecord | undefined, q: ListQuery): ListPage {
  const offset = Math.max(0, q.startIndex - 1);
  return { total: record ? 1 : 0, records: record && offset === 0 && q.count > 0 ? [record] : [] };
}

/** Runs one list/search query and returns the requested page with the total count. */
export async function listResources(ctx: QueryContext, q: ListQuery): Promise<ListPage> {
  const { db, dialect, tenantId, rt, table } = ctx;
  const compiled = q.filter ? compileFilter(q.filter, rt, dialect) : { where: undefined, exact: true };
  const parsed = q.sortBy ? parseSortKey(rt, q.sortBy) : undefined;
  if (parsed && !parsed.ok) throw parsed.error;
  const sort = parsed?.value;
  const column = sort ? sortColumn(table, sort.key) : 'created_at';
  const descending = q.sortOrder === 'descending';
  const offset = Math.max(0, q.startIndex - 1);
  const limit = Math.max(0, q.count);
  const maxMatches = ctx.maxMatches ?? MAX_IN_MEMORY_MATCHES;
  const matching = { db, table, tenantId, ...(compiled.where ? { where: compiled.where } : {}) };

  if (compiled.exact && column) {
    if (limit === 0) return { total: await countMatching(matching), records: [] };
    const records = await pageMatching(matching, dialect, { column, descending, offset, limit });
    // A page that ends before `count` is the last one, so it tells the total: the last page (and every answer with
    // fewer matches than one page, such as a filter on userName) needs no count(*) of the tenant.
    if (records.length > 0 && records.length < limit) return { total: offset + records.length, records };
    return { total: await countMatching(matching), records };
  }

  // In-memory path: stream candidates by (created_at, id), keep only what is needed to sort and page the matches.
  const stored = ctx.materializeStored;
  const light =
    stored && !namesAny(q.filter, stored.without, rt) && !(sort && stored.without.includes((sort.uri ?? sort.attr).toLowerCase()));
  const materialize = light ? (recs: ResourceRecord[]) => Promise.resolve(stored.build(recs)) : ctx.materialize;
  const matches: { id: string; key: unknown }[] = [];
  let after: { created: string; id: string } | undefined;
  for (;;) {
    const records = await scanMatching(matching, after, BATCH);
    if (records.length === 0) break;
    const full = await materialize(records);
    records.forEach((rec, i) => {
      const res = full[i]!;
      if (q.filter && !compiled.exact && !matchesFilter(q.filter, res, rt)) return;
      matches.push({ id: rec.id, key: sort ? sortValue(res, sort) : null });
    });
    if (matches.length > maxMatches)
      throw errors.tooMany(
        `the filter matches more than ${maxMatches} resources; narrow it (for example with userName, externalId or emails.value)`,
      );
    const last = records[records.length - 1]!;
    after = { created: last.createdAt, id: last.id };
    if (records.length < BATCH) break;
  }
  if (sort) {
    matches.sort((x, y) => {
      const c = compareNullsLast(x.key, y.key) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      return descending ? -c : c;
    });
  } else if (descending) matches.reverse();
  const pageIds = matches.slice(offset, offset + limit).map((m) => m.id);
  return { total: matches.length, records: await recordsByIds(db, table, tenantId, pageIds) };
}

/** The lower-cased schema-qualified top attribute a path names (`groups`, `urn:…:shopify:2.0:user`), as `without` lists. */
function attrKey(p: AttrPath, rt: ResourceTypeDef): string | undefined {
  const r = resolveFilterPath(rt, p);
  if (!r) return undefined;
  return (r.core ? r.def.name : r.schemaId).toLowerCase();
}

/** Whether the filter reads one of `names` (top attributes or extension schemas, lower-cased), anywhere in it. */
function namesAny(f: Filter | undefined, names: string[], rt: ResourceTypeDef): boolean {
  if (!f) return false;
  switch (f.kind) {
    case 'and':
    case 'or':
      return namesAny(f.left, names, rt) || namesAny(f.right, names, rt);
    case 'not':
      return namesAny(f.filter, names, rt);
    default: {
      // an attribute the schemas do not know matches nothing, whatever the representation holds
      const k = attrKey(f.path, rt);
      return k !== undefined && names.includes(k);
    }
  }
}
