// The shape of a stored resource: where each attribute lives (top level or under its extension's URN), the canonical
// key order, the `schemas` list derived from what is present, and the required-attribute check shared by PUT and PATCH.
import { commonAttributes, type AttributeDef, type ResolvedAttribute, type ResourceTypeDef } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';
import { isObject, orderComplex, type Json } from './values.js';

/** A resource as stored: canonical attribute names, extensions under their URN, `schemas` = core + extensions present. */
export interface StoredResource {
  schemas: string[];
  [attribute: string]: unknown;
}

/** Every attribute of a resource type with where it lives: common and core attributes first, then each extension's. */
export function allAttributes(rt: ResourceTypeDef): ResolvedAttribute[] {
  const core = [...commonAttributes, ...rt.schema.attributes].map((def) => ({ schemaId: rt.schema.id, core: true, def }));
  const ext = rt.extensions.flatMap((e) => e.schema.attributes.map((def) => ({ schemaId: e.schema.id, core: false, def })));
  return [...core, ...ext];
}

/** The value an attribute has in a resource (undefined when unassigned). */
export function getAttr(res: Json, at: { schemaId: string; core: boolean; def: AttributeDef }): unknown {
  if (at.core) return res[at.def.name];
  const ext = res[at.schemaId];
  return isObject(ext) ? ext[at.def.name] : undefined;
}

/** Sets (or, with undefined, unassigns) an attribute in place; an extension object left empty is removed. */
export function setAttr(res: Json, at: { schemaId: string; core: boolean; def: AttributeDef }, value: unknown): void {
  if (at.core) {
    if (value === undefined) delete res[at.def.name];
    else res[at.def.name] = value;
    return;
  }
  const ext = isObject(res[at.schemaId]) ? (res[at.schemaId] as Json) : {};
  if (value === undefined) delete ext[at.def.name];
  else ext[at.def.name] = value;
  if (Object.keys(ext).length) res[at.schemaId] = ext;
  else delete res[at.schemaId];
}

function orderValue(def: AttributeDef, v: unknown): unknown {
  if (def.type !== 'complex') return v;
  if (def.multiValued) return Array.isArray(v) ? v.map((el) => (isObject(el) ? (orderComplex(def, el) ?? {}) : el)) : v;
  return isObject(v) ? orderComplex(def, v) : v;
}

/**
 * Rebuilds a resource in canonical order (schemas, common, core, extensions in declared order; sub-attributes in
 * schema order) with `schemas` listing the core schema and each extension that holds a value. Unknown keys go.
 */
export function canonicalize(res: Json, rt: ResourceTypeDef): StoredResource {
  const out: StoredResource = { schemas: [rt.schema.id] };
  for (const at of allAttributes(rt)) {
    const v = getAttr(res, at);
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    const ordered = orderValue(at.def, v);
    if (ordered === undefined) continue;
    setAttr(out, at, ordered);
  }
  // allAttributes lists core before extensions, so extension objects already follow the core attributes.
  for (const e of rt.extensions) if (out[e.schema.id] !== undefined) out.schemas.push(e.schema.id);
  return out;
}

const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** Checks that required attributes (userName, Group displayName, required extensions) are present and not blank. */
export function checkRequired(res: Json, rt: ResourceTypeDef): Result<void> {
  for (const e of rt.extensions) {
    if (e.required && !isObject(res[e.schema.id])) return fail(errors.invalidValue(`The extension '${e.schema.id}' is required.`));
  }
  for (const at of allAttributes(rt)) {
    if (!at.def.required || at.def.mutability === 'readOnly') continue;
    if (!at.core && !isObject(res[at.schemaId])) continue;
    if (blank(getAttr(res, at))) {
      const name = at.core ? at.def.name : `${at.schemaId}:${at.def.name}`;
      return fail(errors.invalidValue(`Attribute '${name}' is required and must not be empty.`));
    }
  }
  return ok(undefined);
}
