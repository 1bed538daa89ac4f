// Relay connections as Shopify serves them: one of first/last required (≤ 250), opaque base64 cursors that
// carry the last id and sort value (so a cursor stays valid when its row is deleted), pageInfo both ways.
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<N> {
  edges: Array<{ cursor: string; node: N }>;
  nodes: N[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type Key = { id: number; value: string | number };

export function encodeCursor(k: Key): string {
  return Buffer.from(JSON.stringify({ last_id: k.id, last_value: k.value })).toString('base64');
}

function decodeCursor(c: string, arg: string): Key {
  try {
    const o = JSON.parse(Buffer.from(c, 'base64').toString('utf8')) as { last_id: unknown; last_value: unknown };
    if (typeof o.last_id === 'number' && (typeof o.last_value === 'number' || typeof o.last_value === 'string'))
      return { id: o.last_id, value: o.last_value };
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST', argumentName: arg } });
}

function cmp(a: Key, b: Key): number {
  if (a.value < b.value) return -1;
  if (a.value > b.value) return 1;
  return a.id - b.id;
}

/** Checks first/last the way Shopify does before a connection is read; `unbounded` lifts it (bulk operations). */
export function checkPageArgs(args: PageArgs, unbounded = false): void {
  const { first, last } = args;
  if (first != null && last != null)
    throw new GraphQLError('providing both first and last is not supported', { extensions: { code: 'BAD_REQUEST' } });
  if (first == null && last == null) {
    if (unbounded) return;
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  const [name, n] = first != null ? ['first', first] : ['last', last as number];
  if (n < 0) throw new GraphQLError(`The ${name} argument must be ≥ 0`, { extensions: { code: 'BAD_REQUEST' } });
  if (n > MAX_PAGE_SIZE && !unbounded)
    throw new GraphQLError(`The ${name} argument must be ≤ ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_REQUEST' } });
}

/** One page of `items` ordered by `keyOf` (ascending, or descending with reverse), mapped to GraphQL nodes. */
export function paginate<T, N>(
  items: readonly T[],
  args: PageArgs,
  keyOf: (t: T) => Key,
  toNode: (t: T) => N,
  unbounded = false,
): Connection<N> {
  checkPageArgs(args, unbounded);
  const dir = args.reverse ? -1 : 1;
  const keyed = items.map((t) => ({ t, k: keyOf(t) })).sort((a, b) => dir * cmp(a.k, b.k));
  let lo = 0;
  let hi = keyed.length;
  if (args.after) {
    const c = decodeCursor(args.after, 'after');
    while (lo < hi && dir * cmp(keyed[lo].k, c) <= 0) lo++;
  }
  if (args.before) {
    const c = decodeCursor(args.before, 'before');
    while (hi > lo && dir * cmp(keyed[hi - 1].k, c) >= 0) hi--;
  }
  let start = lo;
  let end = hi;
  if (args.first != null) end = Math.min(hi, lo + args.first);
  else if (args.last != null) start = Math.max(lo, hi - args.last);
  const page = keyed.slice(start, end);
  const edges = page.map(({ t, k }) => ({ cursor: encodeCursor(k), node: toNode(t) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
