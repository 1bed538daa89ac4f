// Reads values out of a stored SCIM user by attribute path (core, extension URN and value-filtered paths), using the
// SCIM layer's path parser and filter evaluator, and names the path a reverse mapping writes back to.
import { parseFilter, parsePatchPath } from '../scim/filter/parser.js';
import { getKey, matchesElement, matchesFilter } from '../scim/filter/evaluate.js';
import { toBool } from '../scim/filter/values.js';
import type { Filter } from '../scim/filter/ast.js';
import {
  findAttr,
  resolveAttribute,
  userResourceType,
  userResourceTypeFor,
  type AttributeDef,
  type ResourceTypeDef,
  type SchemaDef,
} from '../scim/schemas.js';
import { toValue, type Value } from './values.js';

/** A source path resolved against the User schemas, ready to read from any user. */
export interface CompiledPath {
  text: string;
  schemaId: string;
  core: boolean;
  def: AttributeDef;
  /** the sub-attribute read: `name.givenName`, `emails[…].value`, or `value` implied for `emails` and `manager` */
  sub?: AttributeDef;
  filter?: Filter;
  /** the filter as written between the brackets, kept for the path a reverse mapping writes */
  filterText?: string;
  /** whether reading yields a list (a multi-valued attribute, filtered or not) */
  multi: boolean;
}

export type PathResult = { ok: true; path: CompiledPath } | { ok: false; reason: string };

/**
 * The User resource type with the tenant's own extension schemas added, so their attributes resolve: the SCIM
 * layer's userResourceTypeFor, so the mapping and the SCIM writes of a tenant work with one and the same type (and
 * the same array gives the same object, so compiled paths stay cached across the users of a tenant).
 */
export function userTypeWith(extraSchemas: readonly SchemaDef[] = []): ResourceTypeDef {
  return userResourceTypeFor(extraSchemas);
}

const cache = new WeakMap<ResourceTypeDef, Map<string, PathResult>>();

/**
 * Resolves a source path such as `emails[type eq "work"].value` or `urn:…:enterprise:2.0:User:manager.value`.
 * Results are cached per resource type, since every user of a tenant reads the same few paths.
 */
export function compilePath(text: string, rt: ResourceTypeDef = userResourceType): PathResult {
  let perType = cache.get(rt);
  if (!perType) cache.set(rt, (perType = new Map()));
  let r = perType.get(text);
  if (!r) {
    r = compile(text, rt);
    if (perType.size < 1000) perType.set(text, r);
  }
  return r;
}

function compile(text: string, rt: ResourceTypeDef): PathResult {
  const parsed = parsePatchPath(text);
  if (!parsed.ok) return { ok: false, reason: parsed.error.detail };
  const { path, filter, subAfterFilter } = parsed.value;
  const subName = path.sub ?? subAfterFilter;
  const base = resolveAttribute(rt, path.uri, path.attr);
  if (!base) {
    const where = path.uri ? `in schema ${path.uri}` : 'in the User schema or its extensions';
    return { ok: false, reason: `"${path.attr}" is not an attribute ${where}` };
  }
  const { def, schemaId, core } = base;
  if (filter && !(def.multiValued && def.type === 'complex')) {
    return { ok: false, reason: `"${def.name}" is not a multi-valued complex attribute, so it cannot take a [filter]` };
  }
  let sub: AttributeDef | undefined;
  if (subName !== undefined) {
    sub = findAttr(def.subAttributes, subName);
    if (!sub) return { ok: false, reason: `"${def.name}" has no sub-attribute "${subName}"` };
  } else if (def.type === 'complex') {
    // `emails` and `manager` read their `value`, as a filter comparison would (RFC 7644 §3.4.2.2).
    sub = findAttr(def.subAttributes, 'value');
    if (!sub)
      return {
        ok: false,
        reason: `"${def.name}" is complex: name one of its sub-attributes, e.g. ${def.name}.${def.subAttributes?.[0]?.name}`,
      };
  }
  if (sub?.type === 'complex') return { ok: false, reason: `"${def.name}.${sub.name}" is complex and has no single value` };
  const compiled: CompiledPath = { text, schemaId, core, def, multi: def.multiValued };
  if (sub) compiled.sub = sub;
  if (filter) {
    compiled.filter = filter;
    compiled.filterText = text.slice(text.indexOf('[') + 1, text.lastIndexOf(']')).trim();
  }
  return { ok: true, path: compiled };
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The elements of a multi-valued attribute that a path selects, the primary one first (order otherwise kept). */
export function selectElements(user: Record<string, unknown>, p: CompiledPath): unknown[] {
  const container = p.core ? user : getKey(user, p.schemaId);
  let items = asList(getKey(container, p.def.name));
  if (p.filter) {
    const f = p.filter;
    items = items.filter((el) => typeof el === 'object' && el !== null && matchesElement(f, el, p.def));
  }
  const isPrimary = (el: unknown) => toBool(getKey(el, 'primary')) === true;
  return [...items.filter(isPrimary), ...items.filter((el) => !isPrimary(el))];
}

/** Reads a path from a user: a scalar for single-valued attributes, a list for multi-valued ones, or undefined. */
export function readPath(user: Record<string, unknown>, p: CompiledPath): Value {
  if (p.multi) {
    const items = selectElements(user, p);
    return toValue(
      p.sub ? items.map((el) => (typeof el === 'object' ? getKey(el, p.sub!.name) : p.sub!.name === 'value' ? el : undefined)) : items,
    );
  }
  const container = p.core ? user : getKey(user, p.schemaId);
  const raw = getKey(container, p.def.name);
  if (!p.sub) return toValue(raw);
  // Entra sometimes sends `manager` as a plain string rather than {value}: that string is the value.
  if (typeof raw === 'string' && p.sub.name === 'value') return toValue(raw);
  return toValue(getKey(raw, p.sub.name));
}

/**
 * The PATCH path a reverse mapping writes for a source path. A multi-valued path without a filter is pinned to the
 * element it was read from (by its type, else `primary eq true`), so one value is replaced rather than every one.
 */
export function writePath(p: CompiledPath, user?: Record<string, unknown>): string {
  const attr = p.core ? p.def.name : `${p.schemaId}:${p.def.name}`;
  const sub = p.sub ? `.${p.sub.name}` : '';
  if (!p.multi) return `${attr}${sub}`;
  if (p.filterText) return `${attr}[${p.filterText}]${sub}`;
  const read = user ? selectElements(user, p)[0] : undefined;
  const type = read === undefined ? undefined : getKey(read, 'type');
  if (typeof type === 'string' && type !== '') return `${attr}[type eq ${JSON.stringify(type)}]${sub}`;
  return `${attr}[primary eq true]${sub}`;
}

export type ConditionResult = { ok: true; filter: Filter } | { ok: false; reason: string };

const conditionCache = new Map<string, ConditionResult>();

/** Parses a rule's `when` filter (cached: the same few conditions are evaluated for every user). */
export function compileCondition(text: string): ConditionResult {
  let r = conditionCache.get(text);
  if (!r) {
    const parsed = parseFilter(text);
    r = parsed.ok ? { ok: true, filter: parsed.value } : { ok: false, reason: parsed.error.detail };
    if (conditionCache.size < 1000) conditionCache.set(text, r);
  }
  return r;
}

/** Whether a user matches a parsed `when` filter. */
export function conditionHolds(filter: Filter, user: Record<string, unknown>, rt: ResourceTypeDef): boolean {
  return matchesFilter(filter, user, rt);
}
