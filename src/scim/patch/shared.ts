// Building blocks the add, replace and remove operations share: mutability guards, merging sub-attributes into a
// complex value, and list updates that keep "at most one primary" true the way RFC 7644 §3.5.2 prescribes.
import { findAttr, type AttributeDef } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';
import { canonicalPath } from '../resource/keys.js';
import { getAttr, setAttr } from '../resource/shape.js';
import { coerceAttribute, isObject, isReferenceList, sameValue, type Json } from '../resource/values.js';
import type { AttrTarget } from './target.js';

export const ok0: Result<void> = ok(undefined);

/** The path of a target for messages: canonical name plus the client's spelling when it had a filter. */
export const describeTarget = (t: AttrTarget) => (t.filter ? t.label : canonicalPath(t.at));

/** readOnly targets (id, meta, groups, the Shopify extension, members.display) cannot be patched. */
export function guardReadOnly(t: AttrTarget): Result<void> {
  if (t.at.def.mutability === 'readOnly' || t.at.sub?.mutability === 'readOnly') {
    return fail(errors.mutability(`Attribute '${describeTarget(t)}' is readOnly and cannot be modified.`));
  }
  return ok0;
}

/** writeOnly targets (password) are accepted and dropped: this server never stores them. */
export const isWriteOnly = (t: AttrTarget) => t.at.def.mutability === 'writeOnly' || t.at.sub?.mutability === 'writeOnly';

const immutableError = (label: string) => fail(errors.mutability(`Attribute '${label}' is immutable and cannot be changed once set.`));

/** Sets one sub-attribute of a complex value in place; null unassigns it; an immutable one may only be set once. */
export function setSub(el: Json, sub: AttributeDef, raw: unknown, label: string): Result<void> {
  if (sub.mutability === 'readOnly' || sub.mutability === 'writeOnly') return ok0;
  const r = coerceAttribute(sub, raw, label);
  if (!r.ok) return r;
  const before = el[sub.name];
  if (sub.mutability === 'immutable' && before !== undefined && !sameValue(sub, before, r.value)) return immutableError(label);
  if (r.value === undefined) delete el[sub.name];
  else el[sub.name] = r.value;
  return ok0;
}

/**
 * Merges a client's object into a complex value in place (RFC 7644 §3.5.2.3: sub-attributes not given are left
 * unchanged; null ones are unassigned). A bare string becomes `{value}` (Entra's manager) and a one-element array
 * is unwrapped, as some clients wrap every value.
 */
export function mergeInto(def: AttributeDef, el: Json, raw: unknown, label: string): Result<void> {
  if (Array.isArray(raw) && raw.length === 1) raw = raw[0];
  if (typeof raw === 'string' && !def.multiValued && findAttr(def.subAttributes, 'value')) raw = { value: raw };
  if (!isObject(raw)) return fail(errors.invalidValue(`Attribute '${label}' must be given an object of its sub-attributes.`));
  for (const [k, v] of Object.entries(raw)) {
    const sub = findAttr(def.subAttributes, k);
    if (!sub) continue; // unknown sub-attributes are dropped, as in POST bodies
    const r = setSub(el, sub, v, `${label}.${sub.name}`);
    if (!r.ok) return r;
  }
  return ok0;
}

/** The current list of a multi-valued attribute (a fresh array; the elements are the working copy's own). */
export function listOf(work: Json, t: AttrTarget): Json[] {
  const v = getAttr(work, t.at);
  return Array.isArray(v) ? [...(v as Json[])] : [];
}

/**
 * Replaces a list through `fn`, then restores "at most one primary": if exactly one element became primary, the
 * others stop being primary (RFC 7644 §3.5.2); if several did at once, the request is ambiguous (invalidValue).
 */
export function updateList(work: Json, t: AttrTarget, fn: (list: Json[]) => Result<Json[]>): Result<void> {
  const before = listOf(work, t);
  const wasPrimary = new Set(before.filter((el) => el.primary === true));
  const r = fn(before);
  if (!r.ok) return r;
  const list = r.value;
  const primaries = list.filter((el) => el.primary === true);
  if (primaries.length > 1) {
    const fresh = primaries.filter((el) => !wasPrimary.has(el));
    if (fresh.length !== 1) {
      return fail(
        errors.invalidValue(`At most one entry of '${t.at.def.name}' may be primary; this operation makes ${primaries.length} primary.`),
      );
    }
    for (const el of primaries) if (el !== fresh[0]) el.primary = false;
  }
  setAttr(work, t.at, list.length ? list : undefined);
  return ok0;
}

/**
 * Whether `candidate` is already in the list: for reference lists (members) the same `value`; otherwise an element
 * that has every sub-attribute the candidate gives, with equal values.
 */
export function findSame(def: AttributeDef, list: Json[], candidate: Json): Json | undefined {
  if (isReferenceList(def)) return list.find((el) => el.value === candidate.value);
  return list.find((el) =>
    Object.entries(candidate).every(([k, v]) => {
      const sub = findAttr(def.subAttributes, k);
      return sub ? sameValue(sub, el[k], v) : false;
    }),
  );
}
