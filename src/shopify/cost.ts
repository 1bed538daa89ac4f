// Estimates a GraphQL document's requested cost the way Shopify calculates it (object 1, scalar 0, connection
// 2 + first × node, mutation 10 plus what its payload selects), so the throttle can plan a call before Shopify's own
// figure is known; the client then uses Shopify's figure for the same document.
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export const MUTATION_COST = 10;
const CONNECTION_BASE = 2;
const parsed = new Map<string, DocumentNode>();

/** A document parsed once and remembered (documents are a small fixed set). */
export function parseDocument(text: string): DocumentNode {
  let doc = parsed.get(text);
  if (!doc) {
    doc = parse(text);
    parsed.set(text, doc);
  }
  return doc;
}

/** Shopify's requested cost of `text` with `variables`, computed from the document alone (no schema needed). */
export function estimateCost(text: string, variables: Record<string, unknown> = {}): number {
  const doc = parseDocument(text);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return 1;
  if (op.operation === 'mutation') {
    // Counting the payload's objects too errs on the high side: a call may wait a little long, never get throttled.
    let total = 0;
    for (const s of op.selectionSet.selections) {
      if (s.kind !== Kind.FIELD) continue;
      total += MUTATION_COST + (s.selectionSet ? selectionCost(s.selectionSet, fragments, variables) : 0);
    }
    return Math.max(MUTATION_COST, total);
  }
  return Math.max(1, selectionCost(op.selectionSet, fragments, variables));
}

function selectionCost(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, vars: Record<string, unknown>): number {
  let total = 0;
  for (const s of set.selections) {
    if (skipped(s.directives ?? [], vars)) continue;
    if (s.kind === Kind.FIELD) total += fieldCost(s, fragments, vars);
    else if (s.kind === Kind.INLINE_FRAGMENT) total += selectionCost(s.selectionSet, fragments, vars);
    else {
      const f = fragments.get(s.name.value);
      if (f) total += selectionCost(f.selectionSet, fragments, vars);
    }
  }
  return total;
}

function fieldCost(field: FieldNode, fragments: Map<string, FragmentDefinitionNode>, vars: Record<string, unknown>): number {
  if (!field.selectionSet) return 0;
  const size = pageSize(field, vars);
  if (size === undefined) return 1 + selectionCost(field.selectionSet, fragments, vars);
  // A connection: its page of nodes (under `nodes` or `edges { node }`) times the page size.
  let perNode = 0;
  for (const s of field.selectionSet.selections) {
    if (s.kind !== Kind.FIELD || !s.selectionSet) continue;
    if (s.name.value === 'nodes') perNode = Math.max(perNode, 1 + selectionCost(s.selectionSet, fragments, vars));
    else if (s.name.value === 'edges') perNode = Math.max(perNode, selectionCost(s.selectionSet, fragments, vars));
  }
  if (perNode === 0) perNode = 1;
  return CONNECTION_BASE + size * perNode;
}

function pageSize(field: FieldNode, vars: Record<string, unknown>): number | undefined {
  for (const a of field.arguments ?? []) {
    if (a.name.value === 'first' || a.name.value === 'last') {
      const v = valueOf(a.value, vars);
      return typeof v === 'number' ? v : 0;
    }
  }
  return undefined;
}

function skipped(
  directives: readonly { name: { value: string }; arguments?: readonly { value: ValueNode }[] }[],
  vars: Record<string, unknown>,
) {
  for (const d of directives) {
    const arg = d.arguments?.[0];
    if (!arg) continue;
    const v = valueOf(arg.value, vars);
    if (d.name.value === 'include' && v !== true) return true;
    if (d.name.value === 'skip' && v === true) return true;
  }
  return false;
}

function valueOf(v: ValueNode, vars: Record<string, unknown>): unknown {
  if (v.kind === Kind.VARIABLE) return vars[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.BOOLEAN) return v.value;
  return undefined;
}
