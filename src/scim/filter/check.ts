// Checks a parsed filter against a resource type for what the grammar cannot see: ordering a boolean, a date that
// is not a date, comparing a complex attribute as a whole. Unknown attributes are not errors: they never match.
import { errors, fail, ok, type Result } from '../errors.js';
import { findAttr, type AttributeDef, type ResourceTypeDef } from '../schemas.js';
import { resolveFilterPath } from './attributes.js';
import type { AttrPath, Filter } from './ast.js';
import { printAttrPath } from './print.js';
import { isOrderOp, parseInstant } from './values.js';

type Resolve = (p: AttrPath) => AttributeDef | undefined;

/** The definition a comparison types its value by: a complex attribute compares its `value` sub-attribute. */
function comparedDef(def: AttributeDef): AttributeDef | undefined {
  return def.type === 'complex' ? findAttr(def.subAttributes, 'value') : def;
}

function checkCompare(f: Filter & { kind: 'compare' }, found: AttributeDef): string | undefined {
  const name = printAttrPath(f.path);
  if (f.value === null) return f.op === 'eq' || f.op === 'ne' ? undefined : `"${f.op} null" is not a comparison (use "pr" or "not (… pr)")`;
  const def = comparedDef(found);
  if (!def) return `${name} is a complex attribute: compare one of its sub-attributes`;
  if (def.type === 'boolean' && f.op !== 'eq' && f.op !== 'ne') return `${name} is a boolean; "${f.op}" is not defined for booleans`;
  if ((def.type === 'binary' || def.type === 'complex') && isOrderOp(f.op))
    return `${name} is ${def.type}; "${f.op}" is not defined for it`;
  if (def.type === 'dateTime' && (f.op === 'eq' || f.op === 'ne' || isOrderOp(f.op)) && Number.isNaN(parseInstant(f.value))) {
    return `${name} is a dateTime and ${JSON.stringify(f.value)} is not an RFC 3339 date-time`;
  }
  return undefined;
}

function walk(f: Filter, resolve: Resolve): string | undefined {
  switch (f.kind) {
    case 'and':
    case 'or':
      return walk(f.left, resolve) ?? walk(f.right, resolve);
    case 'not':
      return walk(f.filter, resolve);
    case 'present':
      return undefined;
    case 'compare': {
      const def = resolve(f.path);
      return def ? checkCompare(f, def) : undefined;
    }
    case 'valuePath': {
      const def = resolve(f.path);
      if (!def) return undefined;
      if (def.type !== 'complex' && !def.multiValued)
        return `${printAttrPath(f.path)} is neither complex nor multi-valued: a value filter cannot apply to it`;
      return walk(f.filter, (p) => elementAttr(def, p));
    }
  }
}

function elementAttr(parent: AttributeDef, p: AttrPath): AttributeDef | undefined {
  if (p.sub) return undefined;
  if (!parent.subAttributes) return p.attr.toLowerCase() === 'value' ? { ...parent, multiValued: false } : undefined;
  return findAttr(parent.subAttributes, p.attr);
}

/** Refuses (invalidFilter) a filter that is well-formed but meaningless for this resource type's attributes. */
export function checkFilter(filter: Filter, rt: ResourceTypeDef): Result<void> {
  const problem = walk(filter, (p) => {
    const r = resolveFilterPath(rt, p);
    return r && (r.sub ?? r.def);
  });
  return problem ? fail(errors.invalidFilter(problem)) : ok(undefined);
}

/** The same check for a value filter applied to elements of `parent`, as in a PATCH path. */
export function checkElementFilter(filter: Filter, parent: AttributeDef): Result<void> {
  const problem = walk(filter, (p) => elementAttr(parent, p));
  return problem ? fail(errors.invalidFilter(problem)) : ok(undefined);
}
