// The SCIM PATCH engine (RFC 7644 §3.5.2): applies a PatchOp body to a stored resource, all or nothing, accepting the
// forms Entra ID, Okta, OneLogin and JumpCloud really send (each pinned by a test named after the behaviour).
//
// Decisions where the RFC leaves room or clients disagree with it, each pinned by a test in index.test.ts:
// - ops are case-insensitive; `schemas` may be omitted but, when present, must name the PatchOp message.
// - A path-less add/replace takes an object read like a POST body: dotted keys, URN-qualified keys, extension
//   objects, unknown names dropped. A readOnly attribute in it is ignored when it equals the stored value (Okta sends
//   the group's own `id` with a rename; Okta sends `groups: []`), and is a mutability error otherwise. A key with a
//   value filter (Entra's `emails[type eq "work"].value`) is applied exactly as the same op with that path.
// - JSON null as a value means "unassign" (Entra), for whole attributes and for sub-attributes inside an object.
// - add/replace through a filter that selects nothing creates the element when the filter is made of `eq` and `and`
//   (Entra's `emails[type eq "work"].value`); any other filter gives noTarget. remove through such a filter gives
//   noTarget, as RFC 7644 §3.12 says, except for group members: removing an absent member (by filter, or listed in
//   `value` as Entra/JumpCloud do) is a no-op, so a retried membership removal succeeds.
// - Removing (or nulling) a required attribute or touching a readOnly one is mutability (RFC 7644 §3.5.2.2);
//   writeOnly ones (password) are accepted and never stored.
import type { ResourceTypeDef } from '../schemas.js';
import { errors, fail, ok, ScimError, type Result } from '../errors.js';
import type { BodyEntry } from '../resource/keys.js';
import { allAttributes, canonicalize, checkRequired, getAttr, setAttr, type StoredResource } from '../resource/shape.js';
import { coerceAttribute, countPrimaries, isObject, sameValue, tidyList, type Json } from '../resource/values.js';
import { applyAdd } from './add.js';
import { readPatchBody, type PatchOpName, type PatchOperation } from './body.js';
import { changedPaths } from './diff.js';
import { readValueParts } from './pathless.js';
import { applyRemove } from './remove.js';
import { applyReplace } from './replace.js';
import { describeTarget, guardReadOnly, isWriteOnly, ok0 } from './shared.js';
import { resolveTarget, type AttrTarget } from './target.js';

export { changedPaths } from './diff.js';
export type { PatchOperation } from './body.js';

export interface PatchResult {
  resource: StoredResource;
  /** false when every operation left the resource as it was (the caller need not write or bump the version) */
  changed: boolean;
  /** canonical paths of the attributes that changed, e.g. `active`, `name.givenName`, `urn:…:User:department` */
  changedPaths: string[];
}

/** Runs one operation at an attribute target: mutability first, then the op; null values unassign. */
function atTarget(work: Json, op: PatchOpName, t: AttrTarget, value: unknown): Result<void> {
  const guard = guardReadOnly(t);
  if (!guard.ok) return guard;
  if (isWriteOnly(t)) return ok0;
  const before = getAttr(work, t.at);
  const snapshot = before === undefined ? undefined : structuredClone(before);
  const r =
    op === 'remove'
      ? applyRemove(work, t, value)
      : value === null
        ? applyRemove(work, t, undefined, { lenient: true })
        : op === 'add'
          ? applyAdd(work, t, value)
          : applyReplace(work, t, value);
  if (!r.ok) return r;
  if (t.at.def.mutability === 'immutable' && snapshot !== undefined && !sameValue(t.at.def, snapshot, getAttr(work, t.at))) {
    return fail(errors.mutability(`Attribute '${describeTarget(t)}' is immutable and cannot be changed once set.`));
  }
  return ok0;
}

/** One attribute of a path-less value: readOnly echoes of the stored value are ignored, anything else applied. */
function entry(work: Json, op: PatchOpName, e: BodyEntry): Result<void> {
  const { def, sub } = e.at;
  if (def.mutability === 'readOnly') {
    const attr = sub ?? def;
    const stored = getAttr(work, e.at);
    const current = sub ? (isObject(stored) ? stored[sub.name] : undefined) : stored;
    // Without the resource's id we cannot compare; the URL already named the resource, so the echo is harmless.
    if (!sub && def.name === 'id' && e.at.core && current === undefined) return ok0;
    const given = coerceAttribute(attr, e.value, e.key, { keepReadOnly: true });
    if (given.ok && sameValue(attr, current, given.value)) return ok0;
    return fail(errors.mutability(`Attribute '${e.key}' is readOnly and cannot be modified.`));
  }
  if (sub && (sub.mutability === 'readOnly' || sub.mutability === 'writeOnly')) return ok0;
  return atTarget(work, op, { kind: 'attr', at: e.at, label: e.key }, e.value);
}

/** remove of a whole extension (`path` = its URN): unassigns its writable attributes. */
function removeExtension(work: Json, rt: ResourceTypeDef, schemaId: string, value: unknown): Result<void> {
  const ext = rt.extensions.find((x) => x.schema.id === schemaId);
  if (!ext) return fail(errors.invalidPath(`The core schema cannot be removed; name an attribute instead.`));
  const writable = ext.schema.attributes.filter((d) => d.mutability !== 'readOnly');
  if (writable.length === 0)
    return fail(errors.mutability(`The extension '${schemaId}' is maintained by the server and cannot be modified.`));
  for (const def of writable) {
    const r = atTarget(work, 'remove', { kind: 'attr', at: { schemaId, core: false, def }, label: `${schemaId}:${def.name}` }, value);
    if (!r.ok) return r;
  }
  return ok0;
}

function applyOperation(work: Json, o: PatchOperation, rt: ResourceTypeDef): Result<void> {
  const target = resolveTarget(o.path, rt);
  if (!target.ok) return target;
  const t = target.value;
  if (t.kind === 'attr') return atTarget(work, o.op, t, o.value);
  if (o.op === 'remove' && t.kind === 'resource') return fail(errors.noTarget('A remove operation needs a path naming what to remove.'));
  if (t.kind === 'schema' && (o.op === 'remove' || o.value === null)) return removeExtension(work, rt, t.schemaId, undefined);
  if (!isObject(o.value)) {
    return fail(
      errors.invalidValue(
        `An "${o.op}" ${t.kind === 'resource' ? 'without a path' : `of '${t.schemaId}'`} needs an object of attributes as its value.`,
      ),
    );
  }
  const parts = readValueParts(o.value, rt, t.kind === 'schema' ? t.schemaId : undefined);
  if (!parts.ok) return parts;
  for (const part of parts.value) {
    // A filtered key (Entra) is the same operation with that path: it may create the element it describes.
    const r =
      part.kind === 'entry' ? entry(work, o.op, part.entry) : applyOperation(work, { op: o.op, path: part.path, value: part.value }, rt);
    if (!r.ok) return r;
  }
  return ok0;
}

/** Re-checks the whole result with the rules a PUT would meet: lists tidy, one primary, required present. */
function finish(work: Json, rt: ResourceTypeDef): Result<StoredResource> {
  for (const at of allAttributes(rt)) {
    const v = getAttr(work, at);
    if (!at.def.multiValued || !Array.isArray(v)) continue;
    const tidy = tidyList(
      at.def,
      v.filter((el) => !isObject(el) || Object.keys(el).length > 0),
      at.def.name,
    );
    if (!tidy.ok) return tidy;
    if (countPrimaries(tidy.value) > 1) return fail(errors.invalidValue(`At most one entry of '${at.def.name}' may be primary.`));
    setAttr(work, at, tidy.value.length ? tidy.value : undefined);
  }
  const res = canonicalize(work, rt);
  const req = checkRequired(res, rt);
  return req.ok ? ok(res) : req;
}

/** Names the failing operation in the error detail, keeping its status, scimType and code. */
function inOperation(e: ScimError, i: number, o: PatchOperation): ScimError {
  const where = `Operations[${i}] (${o.op}${o.path ? ` ${o.path}` : ''})`;
  return new ScimError(e.status, e.scimType, `${where}: ${e.detail}`, e.code, e.headers);
}

/**
 * Applies a PatchOp body to a resource atomically: on any failing operation nothing is applied and the error names
 * it. Pass the resource with its `id` so an echoed id can be recognised; the input is never modified.
 * @example applyPatch(user, { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, userResourceType)
 */
export function applyPatch(resource: Record<string, unknown>, body: unknown, rt: ResourceTypeDef): Result<PatchResult> {
  const ops = readPatchBody(body);
  if (!ops.ok) return ops;
  const before = canonicalize(resource, rt);
  const work: Json = structuredClone(before);
  for (let i = 0; i < ops.value.length; i++) {
    const r = applyOperation(work, ops.value[i], rt);
    if (!r.ok) return fail(inOperation(r.error, i, ops.value[i]));
  }
  const after = finish(work, rt);
  if (!after.ok) return after;
  const paths = changedPaths(before, after.value, rt);
  return ok({ resource: after.value, changed: paths.length > 0, changedPaths: paths });
}
