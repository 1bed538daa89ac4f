// Coerces one client-supplied attribute value to the type its schema declares (RFC 7643 §2.3), shared by POST/PUT
// normalisation and every PATCH operation so that both paths accept and reject exactly the same values.
import type { AttributeDef } from '../schemas.js';
import { findAttr } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';

export type Json = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface CoerceOptions {
  /** Keep readOnly sub-attributes instead of dropping them (used to compare a client's echo with stored data). */
  keepReadOnly?: boolean;
}

// xsd:dateTime as RFC 7643 §2.3.5 requires; Date.parse then rejects impossible dates such as month 13.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** True when a multi-valued complex attribute holds references (members, groups): each entry must name its target. */
export function isReferenceList(def: AttributeDef): boolean {
  return def.multiValued && def.type === 'complex' && !!findAttr(def.subAttributes, '$ref') && !!findAttr(def.subAttributes, 'value');
}

const describe = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v);

function typeError(label: string, expected: string, v: unknown) {
  return fail(errors.invalidValue(`Attribute '${label}' must be ${expected}; got ${describe(v)}.`));
}

/**
 * Coerces a value for an attribute (single or multi-valued). `undefined` in the result means "unassigned":
 * JSON null, an empty array and an object with nothing left in it all mean that (RFC 7643 §2.5).
 */
export function coerceAttribute(def: AttributeDef, value: unknown, label: string, opts: CoerceOptions = {}): Result<unknown> {
  if (value === null || value === undefined) return ok(undefined);
  if (!def.multiValued) return coerceSingle(def, value, label, opts);
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (def.type !== 'complex' || isObject(value))
    items = [value]; // a lone value for a list is wrapped
  else return typeError(label, 'an array of objects', value);
  const out: unknown[] = [];
  for (const item of items) {
    const r = coerceSingle(def, item, label, opts);
    if (!r.ok) return r;
    if (r.value !== undefined) out.push(r.value);
    else if (isObject(item) && isReferenceList(def)) return fail(errors.invalidValue(`Each entry of '${label}' must have a 'value'.`));
  }
  const tidied = tidyList(def, out, label);
  if (!tidied.ok) return tidied;
  const primaries = countPrimaries(tidied.value);
  if (primaries > 1) return fail(errors.invalidValue(`At most one entry of '${label}' may be primary; ${primaries} are.`));
  return ok(tidied.value.length ? tidied.value : undefined);
}

/**
 * Drops entries a list cannot use: for lists with a `value` sub-attribute an entry without one carries nothing
 * (reference lists reject it instead, since a member with no id is a client error), and duplicate references.
 */
export function tidyList(def: AttributeDef, list: unknown[], label: string): Result<unknown[]> {
  if (def.type !== 'complex' || !findAttr(def.subAttributes, 'value')) return ok(list);
  const refs = isReferenceList(def);
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const el of list) {
    const v = (el as Json).value;
    if (v === undefined) {
      if (refs) return fail(errors.invalidValue(`Each entry of '${label}' must have a 'value'.`));
      continue;
    }
    if (refs) {
      if (seen.has(String(v))) continue;
      seen.add(String(v));
    }
    out.push(el);
  }
  return ok(out);
}

/** How many entries of a list say `primary: true`. */
export function countPrimaries(list: unknown[]): number {
  return list.filter((el) => isObject(el) && el.primary === true).length;
}

/** Coerces one value (an element of a list, or a single-valued attribute's value). */
export function coerceSingle(def: AttributeDef, value: unknown, label: string, opts: CoerceOptions = {}): Result<unknown> {
  if (value === null || value === undefined) return ok(undefined);
  switch (def.type) {
    case 'complex':
      return coerceComplex(def, value, label, opts);
    case 'boolean':
      return coerceBoolean(value, label);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? ok(value) : typeError(label, 'an integer', value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : typeError(label, 'a number', value);
    case 'dateTime':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? ok(value)
        : typeError(label, 'a dateTime such as 2025-01-31T12:00:00Z', value);
    case 'string':
    case 'reference':
    case 'binary':
      return typeof value === 'string' ? ok(value) : typeError(label, 'a string', value);
  }
}

// Entra ID sends booleans as the strings "True"/"False"; nothing else is read as a boolean.
function coerceBoolean(value: unknown, label: string): Result<unknown> {
  if (typeof value === 'boolean') return ok(value);
  if (typeof value === 'string') {
    const l = value.trim().toLowerCase();
    if (l === 'true') return ok(true);
    if (l === 'false') return ok(false);
  }
  return typeError(label, 'a boolean', value);
}

function coerceComplex(def: AttributeDef, value: unknown, label: string, opts: CoerceOptions): Result<unknown> {
  const valueSub = findAttr(def.subAttributes, 'value');
  // Entra sends manager as a bare id; a single-valued complex attribute with a `value` takes it as that value.
  if (!def.multiValued && valueSub && typeof value === 'string') value = { value };
  if (!isObject(value)) return typeError(label, 'an object', value);
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = findAttr(def.subAttributes, k);
    if (!sub) continue; // unknown sub-attributes are dropped, never fatal
    if (sub.mutability === 'writeOnly') continue;
    if (sub.mutability === 'readOnly' && !opts.keepReadOnly) continue;
    const r = coerceAttribute(sub, v, `${label}.${sub.name}`, opts);
    if (!r.ok) return r;
    if (r.value !== undefined) out[sub.name] = r.value;
  }
  return ok(orderComplex(def, out));
}

/** Rebuilds a complex value with its sub-attributes in schema order, or undefined when nothing is left. */
export function orderComplex(def: AttributeDef, value: Json): Json | undefined {
  const out: Json = {};
  for (const sub of def.subAttributes ?? []) if (value[sub.name] !== undefined) out[sub.name] = value[sub.name];
  return Object.keys(out).length ? out : undefined;
}

/** SCIM equality of two stored values: strings compare case-insensitively unless the attribute is caseExact. */
export function sameValue(def: AttributeDef, a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (def.multiValued) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const single = { ...def, multiValued: false };
    return a.every((x, i) => sameValue(single, x, b[i]));
  }
  if (def.type === 'complex') {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const sub = findAttr(def.subAttributes, k);
      if (sub ? !sameValue(sub, a[k], b[k]) : JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
    }
    return true;
  }
  if (typeof a === 'string' && typeof b === 'string' && !def.caseExact) return a.toLowerCase() === b.toLowerCase();
  return a === b;
}
