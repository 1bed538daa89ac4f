// The values that flow through a rule: nothing, one scalar, or a list of scalars (what a multi-valued SCIM path or
// a split gives). Complex SCIM values never reach a transform; paths must name a sub-attribute to read them.

export type Scalar = string | number | boolean;
export type Value = undefined | Scalar | Scalar[];

/** Missing means: absent, null, an empty or blank string, or a list with nothing in it. */
export function isMissing(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.every(isMissing);
  return false;
}

/** Turns anything read from a resource into a Value: objects are not scalars and are dropped. */
export function toValue(raw: unknown): Value {
  if (Array.isArray(raw)) {
    const list = raw.flatMap((x) => (isScalar(x) && !isMissing(x) ? [x] : []));
    return list.length ? list : undefined;
  }
  return isScalar(raw) && !isMissing(raw) ? raw : undefined;
}

export function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The first scalar of a value: what a single-valued target takes from a list. */
export function first(v: Value): Scalar | undefined {
  if (Array.isArray(v)) return v.find((x) => !isMissing(x));
  return isMissing(v) ? undefined : v;
}

/** Every scalar of a value, in order. */
export function all(v: Value): Scalar[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => !isMissing(x));
}

export const str = (v: Scalar): string => (typeof v === 'string' ? v : String(v));
