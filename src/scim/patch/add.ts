// The PATCH "add" operation (RFC 7644 §3.5.2.1): a value added to a multi-valued attribute is appended unless the
// list already holds it (then nothing changes); everywhere else add sets or merges exactly like replace.
import { ok, type Result } from '../errors.js';
import { isReferenceList, sameValue, type Json } from '../resource/values.js';
import { assignAt, coerceList } from './assign.js';
import { findSame, updateList } from './shared.js';
import type { AttrTarget } from './target.js';

/** Applies an add at a resolved attribute target (the caller has checked mutability and null values). */
export function applyAdd(work: Json, t: AttrTarget, raw: unknown): Result<void> {
  const { def } = t.at;
  if (!def.multiValued || t.filter || t.at.sub) return assignAt(work, t, raw);
  const incoming = coerceList(t, raw);
  if (!incoming.ok) return incoming;
  return updateList(work, t, (list) => {
    // Groups can hold tens of thousands of members: look member ids up in a set rather than scanning per addition.
    const ids = isReferenceList(def) ? new Set(list.map((el) => el.value)) : undefined;
    for (const el of incoming.value) {
      const already = ids
        ? ids.has(el.value)
        : def.type === 'complex'
          ? findSame(def, list, el) !== undefined
          : list.some((x) => sameValue({ ...def, multiValued: false }, x, el));
      if (already) continue;
      list.push(el);
      ids?.add(el.value);
    }
    return ok(list);
  });
}
