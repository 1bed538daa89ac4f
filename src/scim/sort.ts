// Sorting (RFC 7644 §3.4.2.3): what a sortBy names, the value a resource sorts by (the primary element of a
// multi-valued attribute, else the first), and the order of missing values (last ascending, first descending).
import { errors, type ScimError } from './errors.js';
import { resolveAttribute, splitUrnPath, type ResourceTypeDef } from './schemas.js';
import type { Json } from './resource/values.js';

export interface SortKey {
  /** `attr` or `attr.sub`, lower-case, for core attributes; '' for extension attributes */
  key: string;
  /** the extension schema URN, for an extension attribute */
  uri?: string;
  attr: string;
  sub?: string;
}

/** What `sortBy` names on a resource type, or the 400 invalidValue a client gets for it. */
export function parseSortKey(rt: ResourceTypeDef, sortBy: string): { ok: true; value: SortKey } | { ok: false; error: ScimError } {
  const { uri, rest } = splitUrnPath(rt, sortBy);
  const [attr, sub, extra] = rest.split('.');
  if (!attr || extra !== undefined) return { ok: false, error: errors.invalidValue(`sortBy "${sortBy}" is not an attribute path`) };
  const resolved = resolveAttribute(rt, uri, attr, sub);
  if (!resolved) return { ok: false, error: errors.invalidValue(`sortBy "${sortBy}" is not an attribute of ${rt.name}`) };
  if (resolved.def.type === 'complex' && !resolved.sub && !resolved.def.multiValued)
    return { ok: false, error: errors.invalidValue(`sortBy "${sortBy}" names a complex attribute; name one of its sub-attributes`) };
  const key = resolved.core ? [resolved.def.name, resolved.sub?.name].filter(Boolean).join('.').toLowerCase() : '';
  return { ok: true, value: { key, uri: resolved.core ? undefined : resolved.schemaId, attr: resolved.def.name, sub: resolved.sub?.name } };
}

/** The value a resource sorts by: for multi-valued attributes the primary element's value, else the first. */
export function sortValue(res: Json, s: Pick<SortKey, 'uri' | 'attr' | 'sub'>): string | number | boolean | null {
  const base = (s.uri ? (res[s.uri] as Json | undefined) : res) ?? {};
  let v = base[s.attr];
  if (Array.isArray(v)) {
    const el = (v.find((e) => (e as Json)?.primary === true) ?? v[0]) as Json | string | undefined;
    v = el && typeof el === 'object' ? (s.sub ? el[s.sub] : el.value) : el;
  } else if (s.sub && v && typeof v === 'object') v = (v as Json)[s.sub];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** Orders two sort values, a missing one (null) after any other. */
export function compareNullsLast(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}
