// Lists what a change altered, as canonical attribute paths (`active`, `name.givenName`, `emails`,
// `urn:…:enterprise:2.0:User:department`), for the audit log and for deciding what the Shopify sync must write.
import type { ResourceTypeDef } from '../schemas.js';
import { canonicalPath } from '../resource/keys.js';
import { allAttributes, getAttr } from '../resource/shape.js';
import { isObject, type Json } from '../resource/values.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The paths whose values differ between two canonical resources; exact comparison, so a change of case counts.
 * Single complex attributes are reported per sub-attribute; lists as a whole.
 */
export function changedPaths(before: Json, after: Json, rt: ResourceTypeDef): string[] {
  const out: string[] = [];
  for (const at of allAttributes(rt)) {
    const b = getAttr(before, at);
    const a = getAttr(after, at);
    if (same(b, a)) continue;
    if (at.def.type === 'complex' && !at.def.multiValued && (isObject(a) || isObject(b))) {
      const bo = isObject(b) ? b : {};
      const ao = isObject(a) ? a : {};
      for (const sub of at.def.subAttributes ?? []) {
        if (!same(bo[sub.name], ao[sub.name])) out.push(canonicalPath({ ...at, sub }));
      }
      continue;
    }
    out.push(canonicalPath(at));
  }
  return out;
}
