// Compiles a filter AST into a WHERE condition over the indexed columns of users/groups, agreeing with the in-memory
// evaluator: `exact` means SQL alone is the answer; otherwise the condition is a superset the caller re-checks in memory.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { SCHEMA, type ResolvedAttribute, type ResourceTypeDef } from '../schemas.js';
import { resolveFilterPath } from './attributes.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './ast.js';
import { checkFilter } from './check.js';
import { filterString, isOrderOp, parseInstant, toBool } from './values.js';
import { errors } from '../errors.js';

/** The SQL engines the store runs on: where they differ (collation, JSON, LIKE), the compiled SQL differs too. */
export type Dialect = 'sqlite' | 'postgres';

type Cond = RawBuilder<SqlBool>;
type Ref = RawBuilder<unknown>;
/** `expr` undefined means "no restriction": the part cannot be expressed, so SQL keeps every row (never exact). */
interface Compiled {
  expr?: Cond;
  exact: boolean;
}

/**
 * How an attribute is stored. `lc`: the column holds the JS-lower-cased value ('' stored as NULL); `exact`: the value
 * as is; `sqlLower`: compared through SQL lower(), which folds ASCII only, so only ASCII filter values are exact.
 */
interface Column {
  column: string;
  type: 'string' | 'dateTime' | 'boolean';
  fold?: 'lc' | 'exact' | 'sqlLower';
}

/** A multi-valued attribute kept as rows of another table, one row per element, joined on (tenant_id, fk = id). */
interface Rows {
  table: 'user_emails' | 'group_members';
  fk: 'user_id' | 'group_id';
  subs: Record<string, Column>;
}

const common: Record<string, Column> = {
  id: { column: 'id', type: 'string', fold: 'exact' },
  externalid: { column: 'external_id', type: 'string', fold: 'exact' },
  'meta.created': { column: 'created_at', type: 'dateTime' },
  'meta.lastmodified': { column: 'updated_at', type: 'dateTime' },
};

// Exactness rests on how users.ts derives these columns from the resource JSON, and on two habits of stored resources:
// `active` is always a boolean (the column reads a missing one as 1), and every emails element has a value (only those
// get a user_emails row, so `emails.type` conditions see only them).
const INDEX: Record<ResourceTypeDef['id'], { table: 'users' | 'groups'; columns: Record<string, Column>; rows: Record<string, Rows> }> = {
  User: {
    table: 'users',
    columns: {
      ...common,
      username: { column: 'user_name_lc', type: 'string', fold: 'lc' },
      displayname: { column: 'display_name_lc', type: 'string', fold: 'lc' },
      'name.givenname': { column: 'given_name_lc', type: 'string', fold: 'lc' },
      'name.familyname': { column: 'family_name_lc', type: 'string', fold: 'lc' },
      active: { column: 'active', type: 'boolean' },
    },
    rows: {
      emails: {
        table: 'user_emails',
        fk: 'user_id',
        subs: { value: { column: 'value_lc', type: 'string', fold: 'lc' }, type: { column: 'type_lc', type: 'string', fold: 'lc' } },
      },
    },
  },
  Group: {
    table: 'groups',
    columns: { ...common, displayname: { column: 'display_name_lc', type: 'string', fold: 'lc' } },
    rows: {
      members: { table: 'group_members', fk: 'group_id', subs: { value: { column: 'member_id', type: 'string', fold: 'sqlLower' } } },
    },
  },
};

const TRUE: Compiled = { exact: false };
const NEVER: Compiled = { expr: sql<SqlBool>`1 = 0`, exact: true };
const ALWAYS: Compiled = { expr: sql<SqlBool>`1 = 1`, exact: true };
const exact = (expr: Cond): Compiled => ({ expr, exact: true });

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');
// The databases cannot hold NUL or lone surrogates the way JavaScript strings do, so such values are left to memory.
/** Whether both engines can hold and compare `s` as text: no NUL, no lone surrogate. */
export const storable = (s: string) => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const SQL_OP = { eq: sql`=`, gt: sql`>`, ge: sql`>=`, lt: sql`<`, le: sql`<=` } as const;

class Compiler {
  private aliases = 0;
  private readonly index: (typeof INDEX)[ResourceTypeDef['id']];

  constructor(
    private readonly dialect: Dialect,
    private readonly rt: ResourceTypeDef,
  ) {
    this.index = INDEX[rt.id];
  }

  /** A column that is not NULL and not '' (both mean "absent", as for `pr`), so every condition is two-valued. */
  private present(ref: Ref): Cond {
    return sql<SqlBool>`(${ref} is not null and ${ref} <> '')`;
  }

  private ordered(ref: Ref, op: 'gt' | 'ge' | 'lt' | 'le' | 'eq', v: string): Cond {
    const lhs = this.dialect === 'postgres' && op !== 'eq' ? sql`${ref} collate "C"` : ref;
    return sql<SqlBool>`${lhs} ${SQL_OP[op]} ${v}`;
  }

  /** One comparison on one stored value; `ne` never reaches here (it is `not eq` one level up). */
  private compareColumn(ref: Ref, col: Column, op: Exclude<CompareOp, 'ne'>, value: Exclude<CompValue, null>): Compiled {
    if (col.type === 'boolean') {
      const b = toBool(value);
      return op === 'eq' && b !== undefined ? exact(sql<SqlBool>`${ref} = ${b ? 1 : 0}`) : NEVER;
    }
    if (col.type === 'dateTime') {
      if (op === 'co' || op === 'sw' || op === 'ew') return TRUE;
      const t = parseInstant(value);
      if (Number.isNaN(t)) throw errors.invalidFilter(`${JSON.stringify(value)} is not an RFC 3339 date-time`);
      const iso = new Date(t).toISOString();
      // Stored timestamps are toISOString() text, which orders as time only for years 0000-9999.
      if (!/^\d{4}-/.test(iso)) return TRUE;
      return exact(sql<SqlBool>`(${this.present(ref)} and ${this.ordered(ref, op, iso)})`);
    }
    const v = filterString(value, col.fold === 'exact')!;
    if (!storable(v)) return TRUE;
    const lhs: Ref = col.fold === 'sqlLower' ? sql`lower(${ref})` : ref;
    const isExact = col.fold !== 'sqlLower' || /^[\x00-\x7f]*$/.test(v);
    let test: Cond;
    if (op === 'eq' || isOrderOp(op)) {
      if (col.fold === 'sqlLower' && op !== 'eq') return TRUE;
      test = this.ordered(lhs, op, v);
    } else if (col.fold !== 'exact') {
      const pattern = op === 'co' ? `%${escapeLike(v)}%` : op === 'sw' ? `${escapeLike(v)}%` : `%${escapeLike(v)}`;
      test = sql<SqlBool>`${lhs} like ${pattern} escape '\\'`;
    } else {
      // LIKE folds ASCII case in SQLite, so case-exact substring tests use functions of both engines instead.
      const len = sql`length(cast(${v} as text))`;
      if (op === 'co') test = this.dialect === 'postgres' ? sql<SqlBool>`strpos(${ref}, ${v}) > 0` : sql<SqlBool>`instr(${ref}, ${v}) > 0`;
      else if (op === 'sw') test = sql<SqlBool>`substr(${ref}, 1, ${len}) = ${v}`;
      else test = sql<SqlBool>`(length(${ref}) >= ${len} and substr(${ref}, length(${ref}) - ${len} + 1) = ${v})`;
    }
    return { expr: sql<SqlBool>`(${this.present(ref)} and ${test})`, exact: isExact };
  }

  /** compare/present on a column, with `ne` as the negation of `eq` and null meaning absent. */
  private leafOnColumn(f: Filter & { kind: 'compare' | 'present' }, ref: Ref, col: Column): Compiled {
    const isPresent = col.type === 'boolean' ? ALWAYS : exact(this.present(ref));
    if (f.kind === 'present') return isPresent;
    if (f.op === 'ne') return this.not(this.leafOnColumn({ ...f, op: 'eq' }, ref, col));
    if (f.value === null) return f.op === 'eq' ? this.not(isPresent) : NEVER;
    return this.compareColumn(ref, col, f.op, f.value);
  }

  private exists(rows: Rows, base: string, body: (alias: string) => Compiled): Compiled {
    const alias = `f${++this.aliases}`;
    const inner = body(alias);
    if (!inner.expr) return TRUE;
    const a = (c: string) => sql.ref(`${alias}.${c}`);
    const expr = sql<SqlBool>`exists (select 1 from ${sql.table(rows.table)} as ${sql.id(alias)} where ${a('tenant_id')} = ${sql.ref(`${base}.tenant_id`)} and ${a(rows.fk)} = ${sql.ref(`${base}.id`)} and ${inner.expr})`;
    return { expr, exact: inner.exact };
  }

  /** A filter over one element of a multi-valued attribute stored as rows (the inside of `emails[...]`). */
  private element(f: Filter, rows: Rows, alias: string, elementAttr: (p: AttrPath) => string | undefined): Compiled {
    return this.tree(
      f,
      (leaf) => {
        const name = elementAttr(leaf.path);
        if (name === undefined) return NEVER;
        const col = rows.subs[name];
        return col ? this.leafOnColumn(leaf, sql.ref(`${alias}.${col.column}`), col) : TRUE;
      },
      () => NEVER,
    );
  }

  /**
   * A singular string attribute kept only in the resource's JSON (`title`, the enterprise extension's `department`):
   * a condition on the stored document that keeps every row the evaluator could match (never exact), so such a
   * filter reads the few candidates rather than every resource. Both sides are folded to ASCII lower case, which
   * for an ASCII filter value loses no match: the only characters JavaScript lower-cases into ASCII are the Kelvin
   * sign (to k) and the dotted capital I (to i + U+0307), and both are replaced before the comparison.
   */
  private inDocument(f: Filter & { kind: 'compare' | 'present' }, r: ResolvedAttribute): Compiled {
    const a = r.sub ?? r.def;
    if (r.def.multiValued || a.multiValued || (a.type !== 'string' && a.type !== 'reference')) return TRUE;
    // the server-maintained Shopify extension and the computed core attributes are not in the stored document
    if (r.schemaId === SCHEMA.shopify || (r.core && ['id', 'meta', 'schemas', 'groups', 'members'].includes(r.def.name.toLowerCase())))
      return TRUE;
    const keys = [...(r.core ? [] : [r.schemaId]), r.def.name, ...(r.sub ? [r.sub.name] : [])];
    const data = sql.ref(`${this.index.table}.data`);
    const ref: Ref =
      this.dialect === 'postgres'
        ? keys.slice(1).reduce<Ref>((acc, k) => sql`(${acc} -> ${k}::text)`, sql`(${data}::jsonb -> ${keys[0]}::text)`)
        : sql`json_extract(${data}, ${'$' + keys.map((k) => `."${k}"`).join('')})`;
    if (f.kind === 'present') return { expr: sql<SqlBool>`${ref} is not null`, exact: false };
    if (f.value === null || f.op === 'ne' || isOrderOp(f.op)) return TRUE;
    const v = String(f.value).toLowerCase();
    if (!/^[\x00-\x7f]*$/.test(v) || !storable(v)) return TRUE;
    const text: Ref = this.dialect === 'postgres' ? sql`(${ref} #>> '{}')` : ref;
    const folded = sql`lower(replace(replace(${text}, ${'\u212a'}, 'k'), ${'\u0130'}, 'i')${this.dialect === 'postgres' ? sql` collate "C"` : sql``})`;
    const pattern =
      f.op === 'eq' ? escapeLike(v) : f.op === 'co' ? `%${escapeLike(v)}%` : f.op === 'sw' ? `${escapeLike(v)}%` : `%${escapeLike(v)}`;
    return { expr: sql<SqlBool>`(${folded} like ${pattern} escape '\\')`, exact: false };
  }

  private leaf(f: Filter & { kind: 'compare' | 'present' }): Compiled {
    const r = resolveFilterPath(this.rt, f.path);
    if (!r) return NEVER;
    if (!r.core) return this.inDocument(f, r);
    const key = [r.def.name, r.sub?.name].filter(Boolean).join('.').toLowerCase();
    const col = this.index.columns[key];
    if (col) return this.leafOnColumn(f, sql.ref(`${this.index.table}.${col.column}`), col);
    const rows = this.index.rows[r.def.name.toLowerCase()];
    if (!rows) return this.inDocument(f, r);
    if (f.kind === 'present' && !r.sub) return this.exists(rows, this.index.table, () => ALWAYS);
    if (f.kind === 'compare' && f.value === null) {
      // eq null: no element holds a value; ne null: some element does (as the evaluator reads the whole attribute)
      const pr = this.leaf({ kind: 'present', path: f.path });
      return f.op === 'eq' ? this.not(pr) : f.op === 'ne' ? pr : NEVER;
    }
    const sub = r.sub?.name.toLowerCase() ?? 'value';
    const scol = rows.subs[sub];
    if (!scol) return TRUE;
    // Over a multi-valued attribute, ne is "no element equals", hence not(exists(eq)) rather than exists(ne).
    if (f.kind === 'compare' && f.op === 'ne') return this.not(this.leaf({ ...f, op: 'eq' }));
    return this.exists(rows, this.index.table, (alias) => this.leafOnColumn(f, sql.ref(`${alias}.${scol.column}`), scol));
  }

  private valuePath(f: Filter & { kind: 'valuePath' }): Compiled {
    const r = resolveFilterPath(this.rt, f.path);
    if (!r) return NEVER;
    const rows = r.core && !r.sub ? this.index.rows[r.def.name.toLowerCase()] : undefined;
    if (!rows) return TRUE;
    const subs = r.def.subAttributes ?? [];
    const elementAttr = (p: AttrPath) =>
      p.sub ? undefined : subs.find((s) => s.name.toLowerCase() === p.attr.toLowerCase())?.name.toLowerCase();
    return this.exists(rows, this.index.table, (alias) => this.element(f.filter, rows, alias, elementAttr));
  }

  private not(c: Compiled): Compiled {
    return c.expr && c.exact ? exact(sql<SqlBool>`not (${c.expr})`) : TRUE;
  }

  /** and/or/not over leaves; a superset on one side of `and` still narrows, on one side of `or` it cannot. */
  tree(
    f: Filter,
    leaf: (f: Filter & { kind: 'compare' | 'present' }) => Compiled,
    valuePath: (f: Filter & { kind: 'valuePath' }) => Compiled,
  ): Compiled {
    switch (f.kind) {
      case 'and': {
        const a = this.tree(f.left, leaf, valuePath);
        const b = this.tree(f.right, leaf, valuePath);
        if (a.expr && b.expr) return { expr: sql<SqlBool>`(${a.expr} and ${b.expr})`, exact: a.exact && b.exact };
        return a.expr ? { expr: a.expr, exact: false } : b.expr ? { expr: b.expr, exact: false } : TRUE;
      }
      case 'or': {
        const a = this.tree(f.left, leaf, valuePath);
        const b = this.tree(f.right, leaf, valuePath);
        if (!a.expr || !b.expr) return TRUE;
        return { expr: sql<SqlBool>`(${a.expr} or ${b.expr})`, exact: a.exact && b.exact };
      }
      case 'not':
        return this.not(this.tree(f.filter, leaf, valuePath));
      case 'valuePath':
        return valuePath(f);
      default:
        return leaf(f);
    }
  }

  compile(f: Filter): Compiled {
    return this.tree(
      f,
      (l) => this.leaf(l),
      (v) => this.valuePath(v),
    );
  }
}

/**
 * Compiles a filter for `selectFrom('users' | 'groups')`: the condition to add to the tenant's WHERE, and whether it
 * decides alone (`exact`) or only narrows the candidates the in-memory evaluator must still check. Values are always
 * bound as parameters. Throws the invalidFilter ScimError that checkFilter reports for a meaningless filter.
 * @example compileFilter(parsed, userResourceType, 'sqlite') // { where: (…), exact: true }
 */
export function compileFilter(filter: Filter, rt: ResourceTypeDef, dialect: Dialect): { where?: Expression<SqlBool>; exact: boolean } {
  const checked = checkFilter(filter, rt);
  if (!checked.ok) throw checked.error;
  const c = new Compiler(dialect, rt).compile(filter);
  return c.expr ? { where: c.expr, exact: c.exact } : { exact: false };
}
