// Resolves the keys of a resource body (or of a path-less PATCH value) to schema attributes: any case, URN-qualified
// (`urn:…:enterprise:2.0:User:department`), dotted (`name.givenName`) or an extension's own URN holding an object.
import { resolveAttribute, splitUrnPath, type ResolvedAttribute, type ResourceTypeDef } from '../schemas.js';
import { errors, fail, ok, type Result } from '../errors.js';

export type KeyTarget =
  /** an attribute, or with `sub` one sub-attribute of a complex attribute */
  | { kind: 'attribute'; at: ResolvedAttribute }
  /** a schema URN whose value is an object of that schema's attributes */
  | { kind: 'schema'; schemaId: string; core: boolean }
  /** a URN this resource type does not know */
  | { kind: 'unknownUrn' }
  | { kind: 'unknown' };

/** True when a key names the `schemas` attribute (any case). */
export const isSchemasKey = (key: string) => key.toLowerCase() === 'schemas';

/** Splits `name.givenName` at its first dot; attribute names themselves never contain one. */
export function splitDotted(path: string): { attr: string; sub?: string } {
  const i = path.indexOf('.');
  return i < 0 ? { attr: path } : { attr: path.slice(0, i), sub: path.slice(i + 1) };
}

/**
 * Resolves one body key. Inside an extension object (`within` set) plain names refer to that schema only;
 * at the top level they refer to the core and common attributes first, then to an extension that defines them.
 */
export function resolveKey(rt: ResourceTypeDef, key: string, within?: string): KeyTarget {
  // Every response resolves each key of each resource it shows: the answers are kept per resource type, for the
  // keys stored resources have (a bounded set; the cache stops growing at MEMO_LIMIT, so odd client keys do not fill it).
  let memo = memos.get(rt);
  if (!memo) memos.set(rt, (memo = new Map()));
  const k = within === undefined ? key : `${within}\u0000${key}`;
  const hit = memo.get(k);
  if (hit) return hit;
  const t = resolveKeyOnce(rt, key, within);
  if (memo.size < MEMO_LIMIT) memo.set(k, t);
  return t;
}

const MEMO_LIMIT = 2000;
const memos = new WeakMap<ResourceTypeDef, Map<string, KeyTarget>>();

function resolveKeyOnce(rt: ResourceTypeDef, key: string, within?: string): KeyTarget {
  const { uri, rest } = splitUrnPath(rt, key);
  if (uri && rest === '') {
    return { kind: 'schema', schemaId: uri, core: uri === rt.schema.id };
  }
  if (!uri && key.toLowerCase().startsWith('urn:')) return { kind: 'unknownUrn' };
  if (uri && within && uri !== within) return { kind: 'unknown' };
  const { attr, sub } = splitDotted(rest);
  if (attr === '' || sub === '' || (sub && sub.includes('.'))) return { kind: 'unknown' };
  const at = resolveAttribute(rt, uri ?? within, attr, sub);
  return at ? { kind: 'attribute', at } : { kind: 'unknown' };
}

/** The canonical path of an attribute, as used in changedPaths and error messages: `name.givenName`, `urn:…:department`. */
export function canonicalPath(at: { schemaId: string; core: boolean; def: { name: string }; sub?: { name: string } }): string {
  const base = at.core ? at.def.name : `${at.schemaId}:${at.def.name}`;
  return at.sub ? `${base}.${at.sub.name}` : base;
}

/** One attribute assignment read from a body: where it goes, the raw client value, and the key as the client wrote it. */
export interface BodyEntry {
  at: ResolvedAttribute;
  value: unknown;
  key: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Flattens a body (a POST/PUT resource or a path-less PATCH value) into attribute assignments in the client's order.
 * Unknown names are dropped; data under an unknown URN is dropped too unless that URN is in `listedUnknown`
 * (the client declared it in `schemas`, expecting it honoured), which is an invalidValue. An extension given as
 * null unassigns each of its attributes.
 */
export function readEntries(body: Record<string, unknown>, rt: ResourceTypeDef, listedUnknown: string[] = []): Result<BodyEntry[]> {
  const out: BodyEntry[] = [];
  const walk = (obj: Record<string, unknown>, within?: string): Result<void> => {
    for (const [key, value] of Object.entries(obj)) {
      if (!within && isSchemasKey(key)) continue;
      const t = resolveKey(rt, key, within);
      if (t.kind === 'unknownUrn') {
        const l = key.toLowerCase();
        const urn = listedUnknown.find((u) => l === u.toLowerCase() || l.startsWith(u.toLowerCase() + ':'));
        if (urn)
          return fail(
            errors.invalidValue(
              `The schema '${urn}' listed in schemas is not supported by this server, so its attributes cannot be stored.`,
            ),
          );
        continue;
      }
      if (t.kind === 'unknown') continue;
      if (t.kind === 'attribute') {
        out.push({ at: t.at, value, key });
        continue;
      }
      if (within) continue; // a schema URN nested inside another schema's object means nothing
      if (value === null) {
        const schema = t.core ? undefined : rt.extensions.find((e) => e.schema.id === t.schemaId)?.schema;
        for (const def of schema?.attributes ?? []) out.push({ at: { schemaId: t.schemaId, core: false, def }, value: null, key });
        continue;
      }
      if (!isObj(value)) return fail(errors.invalidValue(`'${t.schemaId}' must be an object of that schema's attributes.`));
      const r = walk(value, t.schemaId);
      if (!r.ok) return r;
    }
    return ok(undefined);
  };
  const r = walk(body);
  return r.ok ? ok(out) : r;
}
