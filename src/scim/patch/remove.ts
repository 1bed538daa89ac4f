// The PATCH "remove" operation (RFC 7644 §3.5.2.2), plus the Entra/JumpCloud form that names the members to remove in
// `value` instead of a filter. Also used for add/replace with a JSON null value, which clients send to unassign.
import { errors, fail, ok, type Result } from '../errors.js';
import { getAttr, setAttr } from '../resource/shape.js';
import { coerceAttribute, isObject, isReferenceList, type Json } from '../resource/values.js';
import { describeTarget, findSame, ok0, setSub, updateList } from './shared.js';
import { selectElements, type AttrTarget } from './target.js';

export interface RemoveOptions {
  /** a filter that selects nothing is a no-op instead of noTarget (null-valued add/replace: nothing to unassign) */
  lenient?: boolean;
}

/** Removes what a resolved attribute target designates (the caller has checked readOnly and writeOnly). */
export function applyRemove(work: Json, t: AttrTarget, value: unknown, opts: RemoveOptions = {}): Result<void> {
  const { def, sub } = t.at;
  const label = describeTarget(t);
  if (def.required && !sub && !t.filter) {
    return fail(errors.mutability(`Attribute '${label}' is required and cannot be removed.`));
  }
  if (!def.multiValued) {
    if (!sub) {
      setAttr(work, t.at, undefined);
      return ok0;
    }
    const current = getAttr(work, t.at);
    if (!isObject(current)) return ok0;
    const r = setSub(current, sub, null, label);
    if (!r.ok) return r;
    setAttr(work, t.at, Object.keys(current).length ? current : undefined);
    return ok0;
  }
  if (!t.filter && !sub) {
    if (value === undefined || value === null) {
      setAttr(work, t.at, undefined);
      return ok0;
    }
    return removeListed(work, t, value);
  }
  return updateList(work, t, (list) => {
    const chosen = selectElements(list, t);
    // A membership removal that finds nothing is a no-op, so an IdP retrying `members[value eq "x"]` succeeds.
    if (chosen.length === 0 && t.filter && !opts.lenient && !isReferenceList(def)) {
      return fail(errors.noTarget(`No value of '${def.name}' matches '${t.label}'.`));
    }
    if (!sub) return ok(list.filter((el) => !chosen.includes(el)));
    for (const el of chosen) {
      const r = setSub(el, sub, null, label);
      if (!r.ok) return r;
    }
    return ok(list.filter((el) => Object.keys(el).length > 0));
  });
}

/**
 * Entra ID and JumpCloud remove group members with `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`:
 * only the listed entries go. Entries that are not in the list are ignored, so a repeated removal succeeds.
 */
function removeListed(work: Json, t: AttrTarget, value: unknown): Result<void> {
  const given = coerceAttribute({ ...t.at.def, mutability: 'readWrite' }, value, describeTarget(t));
  if (!given.ok) return given;
  const items = (given.value as Json[] | undefined) ?? [];
  if (isReferenceList(t.at.def)) {
    const ids = new Set(items.map((item) => item.value));
    return updateList(work, t, (list) => ok(list.filter((el) => !ids.has(el.value))));
  }
  return updateList(work, t, (list) => {
    const gone = new Set<unknown>();
    for (const item of items) {
      const hit = t.at.def.type === 'complex' ? findSame(t.at.def, list, item) : list.find((x) => x === item);
      if (hit !== undefined) gone.add(hit);
    }
    return ok(list.filter((el) => !gone.has(el)));
  });
}
