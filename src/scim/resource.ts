// Turns a POST or PUT body into the stored form of a resource (canonical names, typed values, extensions under their
// URN) and enforces what RFC 7643/7644 ask of a create or replace: required, readOnly, immutable, one primary.
//
// Decisions where the RFCs leave room, each pinned by a test in resource.test.ts:
// - `schemas` may be omitted (the endpoint already names the resource type); when given it must be a list of strings
//   that includes the resource type's core schema. A URN listed there that this server does not know is an
//   invalidValue only when the body also carries data under it (RFC 7643 §3 allows only the type's schemas; we honour
//   a bare mention by dropping it, and refuse to silently lose attributes the client declared). Data under an unknown
//   URN that is not listed is dropped like any unknown attribute.
// - readOnly attributes in the body are ignored (RFC 7644 §3.5.1), `id` included even when it differs from the
//   stored id: the URL names the resource. On replace the stored readOnly values (id, meta, groups, the Shopify
//   extension) are carried over so the result is the complete resource to store.
// - `password` (writeOnly, returned never) is accepted and dropped: this server never stores it.
// - On replace an immutable attribute that already has a value must be sent unchanged (else mutability) or may be
//   omitted, in which case the stored value is kept, since an immutable value cannot be cleared either.
import type { ResourceTypeDef } from './schemas.js';
import { errors, fail, ok, type Result } from './errors.js';
import { readEntries, type BodyEntry } from './resource/keys.js';
import { allAttributes, canonicalize, checkRequired, getAttr, setAttr, type StoredResource } from './resource/shape.js';
import { coerceAttribute, isObject, sameValue, type Json } from './resource/values.js';

export type { StoredResource } from './resource/shape.js';

/** Reads `schemas` from a body: checks it names the core schema and returns the URNs this type does not know. */
export function readDeclaredSchemas(input: Json, rt: ResourceTypeDef): Result<string[]> {
  const key = Object.keys(input).find((k) => k.toLowerCase() === 'schemas');
  if (key === undefined || input[key] === null) return ok([]);
  const list = input[key];
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    return fail(errors.invalidValue(`Attribute 'schemas' must be an array of schema URIs.`));
  }
  const known = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)].map((s) => s.toLowerCase());
  const lower = list.map((s) => s.toLowerCase());
  if (!lower.includes(rt.schema.id.toLowerCase())) {
    return fail(errors.invalidValue(`Attribute 'schemas' must include '${rt.schema.id}' for a ${rt.name}.`));
  }
  return ok(list.filter((_, i) => !known.includes(lower[i])));
}

/** Applies one body entry to the resource being built, dropping what a client may not set. */
function assign(out: Json, e: BodyEntry): Result<void> {
  const { at } = e;
  if (at.def.mutability === 'readOnly' || at.def.mutability === 'writeOnly') return ok(undefined);
  if (!at.sub) {
    const r = coerceAttribute(at.def, e.value, e.key);
    if (!r.ok) return r;
    const before = getAttr(out, at);
    // `name.givenName` may come before or after `name`: merge the two rather than letting one erase the other.
    const merged = isObject(before) && isObject(r.value) ? { ...before, ...r.value } : r.value;
    setAttr(out, at, merged);
    return ok(undefined);
  }
  if (at.def.multiValued) {
    return fail(errors.invalidValue(`'${e.key}' cannot be set on its own: send '${at.def.name}' as a list.`));
  }
  if (at.sub.mutability === 'readOnly' || at.sub.mutability === 'writeOnly') return ok(undefined);
  const r = coerceAttribute(at.sub, e.value, e.key);
  if (!r.ok) return r;
  const parent = { ...((isObject(getAttr(out, at)) ? getAttr(out, at) : {}) as Json) };
  if (r.value === undefined) delete parent[at.sub.name];
  else parent[at.sub.name] = r.value;
  setAttr(out, at, Object.keys(parent).length ? parent : undefined);
  return ok(undefined);
}

/** On replace: immutable values must not change (omitted ones are kept) and the stored readOnly values carry over. */
function mergeWithExisting(out: Json, existing: Json, rt: ResourceTypeDef): Result<void> {
  for (const at of allAttributes(rt)) {
    const before = getAttr(existing, at);
    if (before === undefined || before === null) continue;
    const now = getAttr(out, at);
    if (at.def.mutability === 'readOnly') {
      setAttr(out, at, structuredClone(before));
      continue;
    }
    if (at.def.mutability === 'immutable') {
      if (now === undefined) setAttr(out, at, structuredClone(before));
      else if (!sameValue(at.def, before, now))
        return fail(errors.mutability(`Attribute '${at.def.name}' is immutable and cannot be changed.`));
      continue;
    }
    // immutable sub-attributes of a single complex value (list entries are replaced whole, so theirs are not checked)
    if (at.def.type !== 'complex' || at.def.multiValued || !isObject(before)) continue;
    for (const sub of at.def.subAttributes ?? []) {
      if (sub.mutability !== 'immutable' || before[sub.name] === undefined) continue;
      const cur = isObject(now) ? now : {};
      if (cur[sub.name] === undefined) setAttr(out, at, { ...cur, [sub.name]: structuredClone(before[sub.name]) });
      else if (!sameValue(sub, before[sub.name], cur[sub.name])) {
        return fail(errors.mutability(`Attribute '${at.def.name}.${sub.name}' is immutable and cannot be changed.`));
      }
    }
  }
  return ok(undefined);
}

/**
 * Normalises and validates a POST (`create`) or PUT (`replace`) body into the resource to store.
 * @example normalizeResource({ userName: 'ann', Active: 'True' }, userResourceType, 'create')
 */
export function normalizeResource(
  input: unknown,
  rt: ResourceTypeDef,
  mode: 'create' | 'replace',
  existing?: Record<string, unknown>,
): Result<StoredResource> {
  if (!isObject(input)) return fail(errors.invalidSyntax(`The request body must be a JSON object representing a ${rt.name}.`));
  const declared = readDeclaredSchemas(input, rt);
  if (!declared.ok) return declared;
  const entries = readEntries(input, rt, declared.value);
  if (!entries.ok) return entries;
  const out: Json = {};
  for (const e of entries.value) {
    const r = assign(out, e);
    if (!r.ok) return r;
  }
  if (mode === 'replace' && existing) {
    const r = mergeWithExisting(out, existing, rt);
    if (!r.ok) return r;
  }
  const res = canonicalize(out, rt);
  const req = checkRequired(res, rt);
  return req.ok ? ok(res) : req;
}
