// Resolves a PATCH operation's path to what it designates in a resource (the resource itself, an extension, an
// attribute, a sub-attribute, elements chosen by a value filter) and builds the element Entra expects us to create.
import { findAttr, resolveAttribute, splitUrnPath, type AttributeDef, type ResolvedAttribute, type ResourceTypeDef } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { matchesElement } from '../filter/evaluate.js';
import { parsePatchPath } from '../filter/parser.js';
import { canonicalPath } from '../resource/keys.js';
import { coerceSingle, type Json } from '../resource/values.js';

/** An attribute, or a sub-attribute of it (`at.sub`), optionally narrowed to the list elements a filter selects. */
export interface AttrTarget {
  kind: 'attr';
  at: ResolvedAttribute;
  filter?: Filter;
  /** the path as the client wrote it, for messages */
  label: string;
}

export type Target = { kind: 'resource' } | { kind: 'schema'; schemaId: string; core: boolean } | AttrTarget;

/** Resolves a path against a resource type; unknown attributes and malformed paths are invalidPath. */
export function resolveTarget(path: string | undefined, rt: ResourceTypeDef): Result<Target> {
  if (path === undefined) return ok({ kind: 'resource' });
  const whole = splitUrnPath(rt, path);
  if (whole.uri && whole.rest === '') return ok({ kind: 'schema', schemaId: whole.uri, core: whole.uri === rt.schema.id });
  const parsed = parsePatchPath(path);
  if (!parsed.ok) return parsed;
  const { path: ap, filter, subAfterFilter } = parsed.value;
  // The parser ends a URN at its last ':', so `urn:…:User:name.givenName` and our own URN split agree.
  const sub = ap.sub ?? subAfterFilter;
  const at = resolveAttribute(rt, ap.uri, ap.attr, sub);
  if (!at) return fail(errors.invalidPath(`The path '${path}' does not name an attribute of a ${rt.name}.`));
  if (filter && !(at.def.multiValued && at.def.type === 'complex')) {
    return fail(
      errors.invalidPath(
        `The path '${path}' filters '${canonicalPath({ ...at, sub: undefined })}', which is not a multi-valued complex attribute.`,
      ),
    );
  }
  if (at.sub && at.def.type !== 'complex')
    return fail(errors.invalidPath(`The path '${path}' names a sub-attribute of a simple attribute.`));
  return ok({ kind: 'attr', at, ...(filter ? { filter } : {}), label: path });
}

/** The elements of a list a target's filter selects (all of them when there is no filter). */
export function selectElements(list: Json[], t: AttrTarget): Json[] {
  if (!t.filter) return list;
  const filter = t.filter;
  return list.filter((el) => matchesElement(filter, el, t.at.def));
}

/**
 * The element a filter describes, when it is made only of `eq` comparisons joined by `and`
 * (`emails[type eq "work"]` -> `{type: "work"}`); undefined for any other filter, which cannot describe one element.
 * Entra sends `emails[type eq "work"].value` for a user without a work email and expects the email to be created.
 */
export function elementFromFilter(filter: Filter, def: AttributeDef): Json | undefined {
  const out: Json = {};
  const walk = (f: Filter): boolean => {
    if (f.kind === 'and') return walk(f.left) && walk(f.right);
    if (f.kind !== 'compare' || f.op !== 'eq' || f.path.sub || f.value === null) return false;
    const sub = findAttr(def.subAttributes, f.path.attr);
    if (!sub || sub.mutability === 'readOnly') return false;
    // The parser reads Entra's unquoted `value eq 1234` as a number; a string sub-attribute takes it as text.
    const raw = typeof f.value === 'number' && sub.type === 'string' ? String(f.value) : f.value;
    const r = coerceSingle(sub, raw, sub.name);
    if (!r.ok || r.value === undefined) return false;
    if (out[sub.name] !== undefined && out[sub.name] !== r.value) return false;
    out[sub.name] = r.value;
    return true;
  };
  return walk(filter) ? out : undefined;
}
