// Evaluates a filter AST against a resource in memory: the reference semantics the SQL compiler must agree with.
// Unknown attributes never match; multi-valued attributes match when any element does; `ne` is the negation of `eq`,
// and "" counts as absent, as it does for `pr` and in the store's indexed columns.
import { findAttr, type AttributeDef, type ResourceTypeDef } from '../schemas.js';
import { resolveFilterPath } from './attributes.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './ast.js';
import { compareOne, isPresent, isTypedValue } from './values.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a key as written, else case-insensitively (stored keys are canonical, but clients' keys may not be). */
export function getKey(obj: unknown, name: string): unknown {
  if (!isObj(obj)) return undefined;
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const l = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === l) return obj[k];
  return undefined;
}

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The values an attribute (or sub-attribute) holds, flattened over multi-valued parents, and the definition that types them. */
interface Values {
  def: AttributeDef;
  items: unknown[];
}

function valuesOf(container: unknown, def: AttributeDef, sub: AttributeDef | undefined): Values {
  const items = asList(getKey(container, def.name));
  if (!sub) return { def, items };
  return { def: sub, items: items.flatMap((it) => asList(getKey(it, sub.name))) };
}

/** `emails eq "x"` and `manager eq "x"` compare the `value` sub-attribute (RFC 7644 §3.4.2.2). */
function viaValueSub(v: Values): Values {
  if (v.def.type !== 'complex') return v;
  const value = findAttr(v.def.subAttributes, 'value');
  if (!value) return { def: v.def, items: [] };
  return { def: value, items: v.items.flatMap((it) => asList(getKey(it, value.name))) };
}

function compareValues(v: Values, op: CompareOp, expected: CompValue): boolean {
  if (op === 'ne') return !compareValues(v, 'eq', expected);
  if (expected === null) return op === 'eq' && !present(v);
  const { def, items } = viaValueSub(v);
  return items.some((it) => isTypedValue(def, it) && compareOne(def, op, it, expected));
}

function present(v: Values): boolean {
  return v.items.some((it) => isTypedValue(v.def, it) && isPresent(it));
}

function leaf(f: Filter & { kind: 'compare' | 'present' }, v: Values | undefined): boolean {
  if (!v) return false;
  return f.kind === 'present' ? present(v) : compareValues(v, f.op, f.value);
}

/** Finds an attribute of the resource: core ones at the top level, extension ones under their schema URN. */
function locate(resource: Obj, rt: ResourceTypeDef, path: AttrPath): Values | undefined {
  const r = resolveFilterPath(rt, path);
  if (!r) return undefined;
  const container = r.core ? resource : getKey(resource, r.schemaId);
  return valuesOf(container, r.def, r.sub);
}

/** Finds a sub-attribute of one element of a multi-valued attribute; a simple multi-valued element is its own `value`. */
function locateInElement(element: unknown, parent: AttributeDef, path: AttrPath): Values | undefined {
  if (path.sub) return undefined;
  if (!parent.subAttributes) {
    return path.attr.toLowerCase() === 'value' ? { def: { ...parent, multiValued: false }, items: asList(element) } : undefined;
  }
  const def = findAttr(parent.subAttributes, path.attr);
  return def ? valuesOf(element, def, undefined) : undefined;
}

function evaluate(f: Filter, find: (p: AttrPath) => Values | undefined, nested: boolean): boolean {
  switch (f.kind) {
    case 'and':
      return evaluate(f.left, find, nested) && evaluate(f.right, find, nested);
    case 'or':
      return evaluate(f.left, find, nested) || evaluate(f.right, find, nested);
    case 'not':
      return !evaluate(f.filter, find, nested);
    case 'valuePath': {
      if (nested) return false;
      const v = find(f.path);
      if (!v) return false;
      return v.items.some((el) => (v.def.type !== 'complex' || isObj(el)) && matchesElement(f.filter, el, v.def));
    }
    default:
      return leaf(f, find(f.path));
  }
}

/**
 * Whether a resource (full JSON, with id and meta) matches the filter.
 * @example matchesFilter(parsed, { userName: 'bjensen', emails: [{ value: 'b@x.com', type: 'work' }] }, userResourceType)
 */
export function matchesFilter(filter: Filter, resource: Record<string, unknown>, rt: ResourceTypeDef): boolean {
  return evaluate(filter, (p) => locate(resource, rt, p), false);
}

/** Whether one element of a multi-valued attribute matches a value filter, e.g. PATCH `emails[type eq "work"]`. */
export function matchesElement(filter: Filter, element: unknown, parent: AttributeDef): boolean {
  return evaluate(filter, (p) => locateInElement(element, parent, p), true);
}
