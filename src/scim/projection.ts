// Chooses which attributes of a resource a response shows (RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes`,
// RFC 7643 §7 `returned`): always ones always, never ones never, request ones only when asked, default otherwise.
//
// `schemas` is always shown. Names are case-insensitive and may be URN-qualified, dotted (`name.givenName`,
// `emails.value`) or a whole extension URN. Unknown names are ignored. When both parameters are given, the
// attributes list is applied first and the exclusions then remove from it. The resource's own key order is kept.
import type { AttributeDef, ResourceTypeDef } from './schemas.js';
import { resolveKey } from './resource/keys.js';
import { allAttributes } from './resource/shape.js';
import { isObject, type Json } from './resource/values.js';

export interface ProjectionOptions {
  attributes?: string[];
  excludedAttributes?: string[];
}

/**
 * Splits the comma-separated `attributes` / `excludedAttributes` query parameter into names (trimmed, no empties).
 * @example parseAttributeList('userName, name.givenName') // ['userName', 'name.givenName']
 */
export function parseAttributeList(param: string | string[] | undefined): string[] {
  if (param === undefined) return [];
  const parts = (Array.isArray(param) ? param : [param]).flatMap((p) => p.split(','));
  const out: string[] = [];
  for (const p of parts.map((s) => s.trim())) if (p && !out.some((o) => o.toLowerCase() === p.toLowerCase())) out.push(p);
  return out;
}

/** What a parameter says about one attribute: the whole of it, and/or some of its sub-attributes. */
interface Mention {
  whole: boolean;
  subs: Set<string>;
}

type Mentions = Map<string, Mention>;
const keyOf = (schemaId: string, name: string) => `${schemaId}\u0000${name}`;

function mentions(names: string[] | undefined, rt: ResourceTypeDef): Mentions {
  if (!names?.length) return NO_MENTIONS;
  const out: Mentions = new Map();
  const mention = (schemaId: string, name: string): Mention => {
    const k = keyOf(schemaId, name);
    let m = out.get(k);
    if (!m) out.set(k, (m = { whole: false, subs: new Set() }));
    return m;
  };
  for (const name of names ?? []) {
    const t = resolveKey(rt, name);
    if (t.kind === 'schema') {
      for (const at of allAttributes(rt)) if (at.schemaId === t.schemaId) mention(at.schemaId, at.def.name).whole = true;
    } else if (t.kind === 'attribute') {
      const m = mention(t.at.schemaId, t.at.def.name);
      if (t.at.sub) m.subs.add(t.at.sub.name);
      else m.whole = true;
    }
  }
  return out;
}

interface Ctx {
  asked: Mentions;
  askedAny: boolean;
  excluded: Mentions;
}

const subMaps = new WeakMap<AttributeDef, Map<string, AttributeDef>>();
/** A complex attribute's sub-attributes by name, as written and lower-cased. */
function subsOf(def: AttributeDef): Map<string, AttributeDef> {
  let m = subMaps.get(def);
  if (!m) {
    m = new Map();
    for (const s of def.subAttributes ?? []) m.set(s.name, s).set(s.name.toLowerCase(), s);
    subMaps.set(def, m);
  }
  return m;
}

const NO_MENTIONS: Mentions = new Map();

const showsAllByDefault = new WeakMap<AttributeDef, boolean>();
/** Whether a default projection keeps every sub-attribute of `def` (none is returned `never` or `request`). */
function keepsAllSubs(def: AttributeDef): boolean {
  let all = showsAllByDefault.get(def);
  if (all === undefined) {
    all = (def.subAttributes ?? []).every((s) => s.returned !== 'never' && s.returned !== 'request');
    showsAllByDefault.set(def, all);
  }
  return all;
}

const isEmptyObject = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;

/** Whether a complex value holds nothing a projection would drop: no empty list, no empty element. */
const nothingToDrop = (value: unknown): boolean =>
  Array.isArray(value) ? value.length > 0 && !value.some(isEmptyObject) : !isEmptyObject(value);

/** The projected value of one attribute, or undefined when the response must not show it. */
function projectAttr(schemaId: string, def: AttributeDef, value: unknown, ctx: Ctx): unknown {
  if (def.returned === 'never' || value === undefined) return undefined;
  const asked = ctx.asked.size ? ctx.asked.get(keyOf(schemaId, def.name)) : undefined;
  const excluded = ctx.excluded.size ? ctx.excluded.get(keyOf(schemaId, def.name)) : undefined;
  if (def.returned !== 'always') {
    if (ctx.askedAny ? !asked : def.returned === 'request') return undefined;
    if (excluded?.whole) return undefined;
  }
  if (def.type !== 'complex' || !def.subAttributes) return value;
  // The common answer (no attributes asked for or excluded): a value all of whose sub-attributes show is shown as it
  // is, without copying each element.
  if (!ctx.askedAny && !excluded && keepsAllSubs(def) && nothingToDrop(value)) return value;
  const onlySubs = asked && !asked.whole && asked.subs.size > 0 && def.returned !== 'always';
  const keep = (sub: AttributeDef): boolean => {
    if (sub.returned === 'never') return false;
    if (sub.returned === 'always') return true;
    const named = asked?.subs.has(sub.name) ?? false;
    if (onlySubs && !named) return false;
    if (sub.returned === 'request' && !named) return false;
    return !excluded?.subs.has(sub.name);
  };
  const subs = subsOf(def);
  const pick = (el: unknown): unknown => {
    if (!isObject(el)) return el;
    const out: Json = {};
    for (const [k, v] of Object.entries(el)) {
      const sub = subs.get(k) ?? subs.get(k.toLowerCase());
      if (sub ? keep(sub) : !ctx.askedAny) out[k] = v;
    }
    return Object.keys(out).length ? out : undefined;
  };
  if (Array.isArray(value)) {
    const list = value.map(pick).filter((el) => el !== undefined);
    return list.length ? list : undefined;
  }
  return pick(value);
}

/**
 * The representation a client asked for. `id` and `schemas` always stay; `password` never appears.
 * @example projectResource(user, userResourceType, { attributes: ['userName', 'emails.value'] })
 */
export function projectResource(resource: Record<string, unknown>, rt: ResourceTypeDef, opts: ProjectionOptions): Record<string, unknown> {
  const ctx: Ctx = {
    asked: mentions(opts.attributes, rt),
    askedAny: (opts.attributes ?? []).length > 0,
    excluded: mentions(opts.excludedAttributes, rt),
  };
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') {
      out.schemas = value;
      continue;
    }
    const t = resolveKey(rt, key);
    if (t.kind === 'schema' && !t.core && isObject(value)) {
      const ext: Json = {};
      for (const [k, v] of Object.entries(value)) {
        const inner = resolveKey(rt, k, t.schemaId);
        if (inner.kind !== 'attribute' || inner.at.sub) continue;
        const p = projectAttr(t.schemaId, inner.at.def, v, ctx);
        if (p !== undefined) ext[inner.at.def.name] = p;
      }
      if (Object.keys(ext).length) out[key] = ext;
    } else if (t.kind === 'attribute' && t.at.core && !t.at.sub) {
      const p = projectAttr(t.at.schemaId, t.at.def, value, ctx);
      if (p !== undefined) out[key] = p;
    } else if (!ctx.askedAny && t.kind === 'unknown' && key !== '__proto__') {
      out[key] = value; // something the renderer added that no schema describes: shown by default only
    }
  }
  return out;
}
