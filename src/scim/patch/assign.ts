// Writes a value at a PATCH target, the part of RFC 7644 §3.5.2.1 (add) and §3.5.2.3 (replace) the two share: they
// differ only for a whole multi-valued attribute (append versus replace), which add.ts and replace.ts handle.
import { errors, fail, ok, type Result } from '../errors.js';
import { getAttr, setAttr } from '../resource/shape.js';
import { coerceAttribute, isObject, type Json } from '../resource/values.js';
import { elementFromFilter, selectElements, type AttrTarget } from './target.js';
import { describeTarget, mergeInto, ok0, setSub, updateList } from './shared.js';

/** Sets a single-valued attribute, merges into a complex one, or writes into the list elements a path selects. */
export function assignAt(work: Json, t: AttrTarget, raw: unknown): Result<void> {
  const { def, sub } = t.at;
  const label = describeTarget(t);
  if (!def.multiValued) {
    if (def.type !== 'complex') {
      const r = coerceAttribute(def, raw, label);
      if (!r.ok) return r;
      setAttr(work, t.at, r.value);
      return ok0;
    }
    const current = getAttr(work, t.at);
    const el: Json = isObject(current) ? current : {};
    const r = sub ? setSub(el, sub, raw, label) : mergeInto(def, el, raw, label);
    if (!r.ok) return r;
    setAttr(work, t.at, Object.keys(el).length ? el : undefined);
    return ok0;
  }
  // Multi-valued with a filter and/or a sub-attribute: write into each selected element.
  return updateList(work, t, (list) => {
    let chosen = selectElements(list, t);
    if (chosen.length === 0) {
      const fresh = t.filter ? elementFromFilter(t.filter, def) : {};
      if (!fresh) {
        return fail(errors.noTarget(`No value of '${def.name}' matches '${t.label}', and that filter does not describe one to create.`));
      }
      list.push(fresh);
      chosen = [fresh];
    }
    for (const el of chosen) {
      const r = sub ? setSub(el, sub, raw, label) : mergeInto(def, el, raw, label);
      if (!r.ok) return r;
    }
    return ok(list.filter((el) => Object.keys(el).length > 0));
  });
}

/** Reads a list value for add or replace: a lone object is taken as a one-element list. */
export function coerceList(t: AttrTarget, raw: unknown): Result<Json[]> {
  const r = coerceAttribute(t.at.def, raw, describeTarget(t));
  if (!r.ok) return r;
  return ok((r.value as Json[] | undefined) ?? []);
}
