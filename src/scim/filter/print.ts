// Prints a filter AST back to RFC 7644 filter text, with the fewest parentheses that keep its shape, so that
// parse(print(ast)) gives the same AST; used in logs, in the admin UI and to forward filters to other SCIM servers.
import type { AttrPath, CompValue, Filter } from './ast.js';

/** The text of an attribute path: `urn:…:User:manager.value`. */
export function printAttrPath(p: AttrPath): string {
  return `${p.uri !== undefined ? `${p.uri}:` : ''}${p.attr}${p.sub !== undefined ? `.${p.sub}` : ''}`;
}

function printValue(v: CompValue): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(v);
}

/**
 * Prints a filter; and/or chains parse from the left, so a right operand of the same kind needs parentheses.
 * @example printFilter({ kind: 'present', path: { attr: 'title' } }) // 'title pr'
 */
export function printFilter(f: Filter): string {
  switch (f.kind) {
    case 'compare':
      return `${printAttrPath(f.path)} ${f.op} ${printValue(f.value)}`;
    case 'present':
      return `${printAttrPath(f.path)} pr`;
    case 'not':
      return `not (${printFilter(f.filter)})`;
    case 'valuePath':
      return `${printAttrPath(f.path)}[${printFilter(f.filter)}]`;
    case 'and': {
      const left = f.left.kind === 'or' ? `(${printFilter(f.left)})` : printFilter(f.left);
      const right = f.right.kind === 'or' || f.right.kind === 'and' ? `(${printFilter(f.right)})` : printFilter(f.right);
      return `${left} and ${right}`;
    }
    case 'or': {
      const right = f.right.kind === 'or' ? `(${printFilter(f.right)})` : printFilter(f.right);
      return `${printFilter(f.left)} or ${right}`;
    }
  }
}
