// The PATCH "replace" operation (RFC 7644 §3.5.2.3): a whole multi-valued attribute is replaced by the given list;
// complex values are merged (sub-attributes not given stay); a filtered path that selects nothing creates the
// element when the filter describes one (Entra), where the RFC would answer noTarget.
import { ok, type Result } from '../errors.js';
import type { Json } from '../resource/values.js';
import { assignAt, coerceList } from './assign.js';
import { updateList } from './shared.js';
import type { AttrTarget } from './target.js';

/** Applies a replace at a resolved attribute target (the caller has checked mutability and null values). */
export function applyReplace(work: Json, t: AttrTarget, raw: unknown): Result<void> {
  if (!t.at.def.multiValued || t.filter || t.at.sub) return assignAt(work, t, raw);
  const incoming = coerceList(t, raw);
  if (!incoming.ok) return incoming;
  return updateList(work, t, () => ok(incoming.value));
}
