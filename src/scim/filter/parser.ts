// Parses SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2) into the AST of ast.ts, with limits on length,
// nesting and size so hostile input is refused with invalidFilter instead of exhausting the stack or the CPU.
import { errors, fail, ok, type Result, type ScimError } from '../errors.js';
import type { AttrPath, CompValue, CompareOp, Filter, PatchPath } from './ast.js';
import { SyntaxProblem, tokenize, type Token } from './lexer.js';

export interface FilterLimits {
  /** characters of filter text (default 4096) */
  maxLength: number;
  /** nesting of parentheses, `not` and value filters (default 32) */
  maxDepth: number;
  /** AST nodes (default 256) */
  maxNodes: number;
}

export const defaultFilterLimits: FilterLimits = { maxLength: 4096, maxDepth: 32, maxNodes: 256 };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const NAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Parses an attribute path as written: `userName`, `name.givenName`, `urn:…:2.0:User:manager.value`. */
export function parseAttrPath(text: string): AttrPath | undefined {
  // A schema URN may itself contain dots ("2.0"), so it ends at the last ':'; the dot of a sub-attribute comes after.
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (uri !== undefined && !/^[A-Za-z][^\s:]*(?::[^\s:]+)*$/.test(uri)) return undefined;
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) return undefined;
  const path: AttrPath = { attr: parts[0] };
  if (uri !== undefined) path.uri = uri;
  if (parts.length === 2) path.sub = parts[1];
  return path;
}

const describe = (t: Token | undefined): string =>
  !t ? 'the end of the filter' : t.type === 'word' ? `"${t.text}"` : t.type === 'string' ? JSON.stringify(t.value) : `"${t.type}"`;

class Parser {
  private i = 0;
  private nodes = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly limits: FilterLimits,
    private readonly end: number,
  ) {}

  private peek(k = 0): Token | undefined {
    return this.tokens[this.i + k];
  }

  private problem(message: string, t = this.peek()): SyntaxProblem {
    return new SyntaxProblem(message, t ? t.pos : this.end);
  }

  private isWord(t: Token | undefined, ...words: string[]): boolean {
    return t?.type === 'word' && words.includes(t.text.toLowerCase());
  }

  private node<F extends Filter>(f: F): F {
    if (++this.nodes > this.limits.maxNodes) throw this.problem(`the filter has more than ${this.limits.maxNodes} terms`);
    return f;
  }

  private enter(depth: number): number {
    if (depth > this.limits.maxDepth) throw this.problem(`the filter nests deeper than ${this.limits.maxDepth} levels`);
    return depth;
  }

  private expect(type: ')' | ']'): void {
    const t = this.peek();
    if (t?.type !== type) throw this.problem(`expected "${type}" but found ${describe(t)}`);
    this.i++;
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  /** or-expression: the loosest binding; chains are built in a loop, never by recursion. */
  parseOr(depth: number, inValuePath: boolean): Filter {
    let left = this.parseAnd(depth, inValuePath);
    while (this.isWord(this.peek(), 'or')) {
      this.i++;
      left = this.node({ kind: 'or', left, right: this.parseAnd(depth, inValuePath) });
    }
    return left;
  }

  private parseAnd(depth: number, inValuePath: boolean): Filter {
    let left = this.parseUnary(depth, inValuePath);
    while (this.isWord(this.peek(), 'and')) {
      this.i++;
      left = this.node({ kind: 'and', left, right: this.parseUnary(depth, inValuePath) });
    }
    return left;
  }

  private parseUnary(depth: number, inValuePath: boolean): Filter {
    const t = this.peek();
    if (t?.type === '(') {
      const d = this.enter(depth + 1);
      this.i++;
      const f = this.parseOr(d, inValuePath);
      this.expect(')');
      return f;
    }
    // `not` is a keyword unless an operator follows it (then it would be an attribute named "not").
    if (this.isWord(t, 'not') && this.peek(1) && !this.isWord(this.peek(1), 'pr', ...COMPARE_OPS) && this.peek(1)?.type !== '[') {
      const d = this.enter(depth + 1);
      this.i++;
      return this.node({ kind: 'not', filter: this.parseUnary(d, inValuePath) });
    }
    if (t?.type !== 'word') throw this.problem(`expected an attribute name but found ${describe(t)}`);
    const path = this.attrPath(t);
    this.i++;
    if (this.peek()?.type === '[') return this.valuePath(path, depth, inValuePath);
    return this.comparison(path, t);
  }

  attrPath(t: Token & { type: 'word' }): AttrPath {
    const path = parseAttrPath(t.text);
    if (!path) throw this.problem(`"${t.text}" is not a valid attribute path`, t);
    return path;
  }

  /** `emails[type eq "work"]`: a filter applied to each element of a multi-valued attribute. */
  private valuePath(path: AttrPath, depth: number, inValuePath: boolean): Filter {
    const open = this.peek();
    if (inValuePath) throw this.problem('value filters cannot be nested', open);
    if (path.sub) throw this.problem(`a value filter applies to an attribute, not to the sub-attribute "${path.attr}.${path.sub}"`, open);
    const inner = this.bracket(depth);
    const after = this.peek();
    if (after?.type === 'word' && after.text.startsWith('.')) {
      throw this.problem('a sub-attribute after a value filter is only allowed in PATCH paths', after);
    }
    return this.node({ kind: 'valuePath', path, filter: inner });
  }

  /** Parses `[ valFilter ]` starting at the opening bracket. */
  bracket(depth: number): Filter {
    const d = this.enter(depth + 1);
    this.i++;
    if (this.peek()?.type === ']') throw this.problem('a value filter cannot be empty');
    const inner = this.parseOr(d, true);
    this.expect(']');
    return inner;
  }

  private comparison(path: AttrPath, pathToken: Token & { type: 'word' }): Filter {
    const opToken = this.peek();
    if (opToken?.type !== 'word' || !this.isWord(opToken, 'pr', ...COMPARE_OPS)) {
      throw this.problem(`expected an operator (eq ne co sw ew gt ge lt le pr) after "${pathToken.text}" but found ${describe(opToken)}`);
    }
    this.i++;
    const op = opToken.text.toLowerCase();
    if (op === 'pr') return this.node({ kind: 'present', path });
    const v = this.peek();
    if (!v || (v.type !== 'string' && v.type !== 'word'))
      throw this.problem(`expected a value after "${opToken.text}" but found ${describe(v)}`);
    this.i++;
    return this.node({ kind: 'compare', path, op: op as CompareOp, value: v.type === 'string' ? v.value : bareValue(v.text) });
  }

  leftover(): SyntaxProblem {
    return this.problem(`unexpected ${describe(this.peek())}`);
  }

  /** attrPath, or valuePath with an optional `.sub` after the bracket. */
  patchPath(): PatchPath {
    const first = this.peek();
    if (first?.type !== 'word') throw this.problem(`expected an attribute name but found ${describe(first)}`);
    const result: PatchPath = { path: this.attrPath(first) };
    this.i++;
    if (this.atEnd()) return result;
    if (this.peek()?.type !== '[') throw this.leftover();
    if (result.path.sub) throw this.problem('a value filter applies to an attribute, not to a sub-attribute');
    result.filter = this.bracket(0);
    if (this.atEnd()) return result;
    const sub = this.peek();
    if (sub?.type !== 'word' || !sub.text.startsWith('.') || !NAME.test(sub.text.slice(1)) || this.peek(1)) {
      throw this.problem(`unexpected ${describe(sub)} after the value filter`, sub);
    }
    result.subAfterFilter = sub.text.slice(1);
    this.i++;
    return result;
  }
}

/** true/false/null and JSON numbers keep their type; any other bare word is taken as a string (Entra's `eq 1234abc`). */
function bareValue(text: string): CompValue {
  const l = text.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  if (l === 'null') return null;
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

function run<T>(text: string, limits: Partial<FilterLimits> | undefined, kind: 'filter' | 'path', body: (p: Parser) => T): Result<T> {
  const lim = { ...defaultFilterLimits, ...limits };
  const err = (detail: string): ScimError => (kind === 'filter' ? errors.invalidFilter(detail) : errors.invalidPath(detail));
  if (typeof text !== 'string' || text.trim() === '') return fail(err(`the ${kind} is empty`));
  if (text.length > lim.maxLength) return fail(err(`the ${kind} is longer than ${lim.maxLength} characters`));
  try {
    return ok(body(new Parser(tokenize(text), lim, text.length)));
  } catch (e) {
    if (e instanceof SyntaxProblem) return fail(err(`invalid ${kind} at position ${e.pos + 1}: ${e.message}`));
    throw e;
  }
}

/**
 * Parses a filter such as `userName eq "bjensen" and emails[type eq "work"]`.
 * @example parseFilter('name.givenName sw "B" or not (active eq false)')
 */
export function parseFilter(text: string, limits?: Partial<FilterLimits>): Result<Filter> {
  return run(text, limits, 'filter', (p) => {
    const f = p.parseOr(0, false);
    if (!p.atEnd()) throw p.leftover();
    return f;
  });
}

/**
 * Parses a PATCH path: `name.givenName`, `urn:…:User:manager.value`, `members[value eq "2819c"]`,
 * `emails[type eq "work"].value`. Errors are invalidPath.
 */
export function parsePatchPath(text: string): Result<PatchPath> {
  return run(text, undefined, 'path', (p) => p.patchPath());
}
