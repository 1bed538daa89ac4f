// Shopify's search syntax (the `query` argument and webhook filters): field:value terms with comparators,
// quoted values, bare terms, implicit AND, explicit AND/OR/NOT, `-` negation and parentheses.

export type Comparator = ':' | '>' | '>=' | '<' | '<=';

export type SearchNode =
  | { kind: 'and'; items: SearchNode[] }
  | { kind: 'or'; items: SearchNode[] }
  | { kind: 'not'; item: SearchNode }
  | { kind: 'term'; field: string | null; op: Comparator; value: string; quoted: boolean };

/** Splits on whitespace and parentheses, keeping quoted runs ("a b" or 'a b') inside one token. */
function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
      continue;
    }
    let tok = '';
    while (i < input.length && !/\s/.test(input[i]) && input[i] !== '(' && input[i] !== ')') {
      const c = input[i];
      if (c === '"' || c === "'") {
        const end = input.indexOf(c, i + 1);
        const stop = end === -1 ? input.length : end + 1;
        tok += input.slice(i, stop);
        i = stop;
      } else if (c === '\\' && i + 1 < input.length) {
        tok += input.slice(i, i + 2);
        i += 2;
      } else {
        tok += c;
        i++;
      }
    }
    tokens.push(tok);
  }
  return tokens;
}

function unquote(v: string): { value: string; quoted: boolean } {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    return { value: v.slice(1, -1).replace(/\\(.)/g, '$1'), quoted: true };
  }
  return { value: v.replace(/\\(.)/g, '$1'), quoted: false };
}

function parseTerm(tok: string): SearchNode {
  // the field part never contains quotes; a colon inside a quoted bare term is not a separator
  const colon = tok[0] === '"' || tok[0] === "'" ? -1 : tok.indexOf(':');
  if (colon <= 0) return { kind: 'term', field: null, op: ':', ...unquote(tok) };
  const field = tok.slice(0, colon).toLowerCase();
  let rest = tok.slice(colon + 1);
  let op: Comparator = ':';
  for (const c of ['>=', '<=', '>', '<'] as const) {
    if (rest.startsWith(c)) {
      op = c;
      rest = rest.slice(c.length);
      break;
    }
  }
  return { kind: 'term', field, op, ...unquote(rest) };
}

/** Parses a search query; an empty query is an empty AND (matches everything). */
export function parseSearch(query: string): SearchNode {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = () => tokens[pos];

  function parseOr(): SearchNode {
    const items = [parseAnd()];
    while (peek() === 'OR') {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }
  function parseAnd(): SearchNode {
    const items: SearchNode[] = [];
    while (pos < tokens.length && peek() !== ')' && peek() !== 'OR') {
      if (peek() === 'AND') {
        pos++;
        continue;
      }
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }
  function parseUnary(): SearchNode {
    const tok = tokens[pos++];
    if (tok === 'NOT') return pos < tokens.length ? { kind: 'not', item: parseUnary() } : { kind: 'and', items: [] };
    if (tok === '(') {
      const inner = parseOr();
      if (peek() === ')') pos++;
      return inner;
    }
    if (tok.length > 1 && tok.startsWith('-')) return { kind: 'not', item: parseTerm(tok.slice(1)) };
    return parseTerm(tok);
  }

  // stray closing parentheses are skipped and what follows is kept, as a lenient search box does
  const parts: SearchNode[] = [];
  while (pos < tokens.length) {
    if (peek() === ')') {
      pos++;
      continue;
    }
    parts.push(parseOr());
  }
  return parts.length === 1 ? parts[0] : { kind: 'and', items: parts };
}

/** Answers one term: true/false, or undefined when the field is not searchable (the term is then ignored). */
export type TermMatcher = (term: Extract<SearchNode, { kind: 'term' }>) => boolean | undefined;

/** Evaluates a parsed query with a matcher; unknown fields are reported through `onUnknown` and ignored. */
export function evaluate(node: SearchNode, match: TermMatcher, onUnknown?: (field: string) => void): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => evaluate(n, match, onUnknown));
    case 'or':
      return node.items.length === 0 || node.items.some((n) => evaluate(n, match, onUnknown));
    case 'not':
      return !evaluate(node.item, match, onUnknown);
    case 'term': {
      const r = match(node);
      if (r === undefined) {
        onUnknown?.(node.field ?? '');
        return true;
      }
      return r;
    }
  }
}

/** Every field name a query uses (to report invalid ones once, before matching). */
export function fieldsOf(node: SearchNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.items.flatMap(fieldsOf);
    case 'not':
      return fieldsOf(node.item);
    case 'term':
      return node.field ? [node.field] : [];
  }
}

/** String comparison for a term value: `*` alone means "has a value", a trailing `*` means prefix. */
export function matchText(actual: string | null | undefined, value: string): boolean {
  if (value === '*') return actual !== null && actual !== undefined && actual !== '';
  if (actual === null || actual === undefined) return false;
  const a = actual.toLowerCase();
  const v = value.toLowerCase();
  return v.endsWith('*') ? a.startsWith(v.slice(0, -1)) : a === v;
}

/** Ordered comparison for numbers and timestamps. */
export function compare(actual: number, op: Comparator, expected: number): boolean {
  switch (op) {
    case ':':
      return actual === expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
  }
}

/** A search date value in ms: ISO date (midnight UTC), ISO date-time, or `now`; NaN when unreadable. */
export function parseSearchDate(value: string, now: number): number {
  if (value === 'now') return now;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  const ms = Date.parse(value);
  return ms;
}
