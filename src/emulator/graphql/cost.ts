// Shopify's calculated query cost: scalars and enums 0, objects 1, connections 2 + page size × node cost,
// mutation fields 10. Requested cost is read from the document alone; actual cost from the data returned.
import {
  getArgumentValues,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MUTATION_COST = 10;
export const CONNECTION_COST = 2;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

interface Entry {
  key: string;
  node: FieldNode;
  /** the type the field is selected on (the fragment's type condition, or the parent) */
  on: GraphQLCompositeType;
}

function included(w: Walk, node: { directives?: readonly import('graphql').DirectiveNode[] }): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, w.variables);
  if (skip?.if === true) return false;
  const inc = getDirectiveValues(GraphQLIncludeDirective, node, w.variables);
  return inc?.if !== false;
}

/** Flattens fragments; same response keys on the same type are merged (their selections concatenated). */
function collect(w: Walk, parent: GraphQLCompositeType, set: SelectionSetNode, out: Entry[] = [], seen = new Set<string>()): Entry[] {
  for (const sel of set.selections) {
    if (!included(w, sel)) continue;
    if (sel.kind === Kind.FIELD) {
      out.push({ key: sel.alias?.value ?? sel.name.value, node: sel, on: parent });
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition ? (typeFromAST(w.schema, sel.typeCondition) as GraphQLCompositeType | undefined) : parent;
      if (on) collect(w, on, sel.selectionSet, out, seen);
    } else {
      const frag = w.fragments[sel.name.value];
      if (!frag || seen.has(frag.name.value)) continue;
      const on = typeFromAST(w.schema, frag.typeCondition) as GraphQLCompositeType | undefined;
      if (on) collect(w, on, frag.selectionSet, out, new Set([...seen, frag.name.value]));
    }
  }
  return out;
}

function named(t: GraphQLOutputType): GraphQLNamedType {
  let x: GraphQLOutputType = t;
  while (isNonNullType(x) || isListType(x)) x = x.ofType as GraphQLOutputType;
  return x as GraphQLNamedType;
}

function isConnection(t: GraphQLNamedType): boolean {
  return isObjectType(t) && t.name.endsWith('Connection') && ('edges' in t.getFields() || 'nodes' in t.getFields());
}

function fieldDef(on: GraphQLCompositeType, name: string) {
  if (isObjectType(on) || isInterfaceType(on)) return on.getFields()[name];
  return undefined; // unions have only __typename
}

/** Children cost of a selection; `data` undefined means "requested" (from the document only). */
function selectionCost(w: Walk, parent: GraphQLCompositeType, set: SelectionSetNode, data: unknown, requested: boolean): number {
  const entries = collect(w, parent, set);
  if (!requested) {
    const obj = (data ?? {}) as Record<string, unknown>;
    return entries.filter((e) => e.key in obj).reduce((s, e) => s + fieldCost(w, e, obj[e.key], requested), 0);
  }
  // requested: fields on the parent itself always count; type-conditioned fields count for the costliest type
  let common = 0;
  const byType = new Map<string, number>();
  for (const e of entries) {
    const c = fieldCost(w, e, undefined, requested);
    if (e.on === parent || isAbstractType(e.on)) common += c;
    else byType.set(e.on.name, (byType.get(e.on.name) ?? 0) + c);
  }
  return common + Math.max(0, ...byType.values());
}

function fieldCost(w: Walk, e: Entry, data: unknown, requested: boolean): number {
  if (e.node.name.value.startsWith('__')) return 0;
  const def = fieldDef(e.on, e.node.name.value);
  if (!def) return 0;
  const type = named(def.type);
  if (isLeafType(type) || !e.node.selectionSet) return 0;
  if (!requested && (data === null || data === undefined)) return 0;
  const child = type as GraphQLCompositeType;
  if (isConnection(type)) {
    const args = getArgumentValues(def, e.node, w.variables) as { first?: number; last?: number };
    const size = args.first ?? args.last ?? 0;
    return CONNECTION_COST + connectionNodesCost(w, child, e.node.selectionSet, data, requested, size);
  }
  if (!requested && Array.isArray(data))
    return data.reduce((s: number, item) => s + (item === null ? 0 : 1 + selectionCost(w, child, e.node.selectionSet!, item, false)), 0);
  return 1 + selectionCost(w, child, e.node.selectionSet, data, requested);
}

/** Node cost inside a connection: requested = size × (1 + node selection); actual = sum over returned nodes. */
function connectionNodesCost(
  w: Walk,
  conn: GraphQLCompositeType,
  set: SelectionSetNode,
  data: unknown,
  requested: boolean,
  size: number,
): number {
  let best = 0;
  for (const e of collect(w, conn, set)) {
    const def = fieldDef(e.on, e.node.name.value);
    if (!def || !e.node.selectionSet) continue;
    const value = requested ? undefined : (data as Record<string, unknown>)[e.key];
    if (e.node.name.value === 'nodes') {
      const nodeType = named(def.type) as GraphQLCompositeType;
      const cost = requested
        ? size * (1 + selectionCost(w, nodeType, e.node.selectionSet, undefined, true))
        : ((value as unknown[]) ?? []).reduce((s: number, n) => s + 1 + selectionCost(w, nodeType, e.node.selectionSet!, n, false), 0);
      best = Math.max(best, cost);
    } else if (e.node.name.value === 'edges') {
      const edgeType = named(def.type) as GraphQLCompositeType;
      const cost = requested
        ? size * edgeCost(w, edgeType, e.node.selectionSet, undefined, true)
        : ((value as unknown[]) ?? []).reduce((s: number, edge) => s + edgeCost(w, edgeType, e.node.selectionSet!, edge, false), 0);
      best = Math.max(best, cost);
    }
    // pageInfo and other connection fields are free
  }
  return best;
}

function edgeCost(w: Walk, edgeType: GraphQLCompositeType, set: SelectionSetNode, edge: unknown, requested: boolean): number {
  let cost = 0;
  for (const e of collect(w, edgeType, set)) {
    if (e.node.name.value !== 'node' || !e.node.selectionSet) continue;
    const def = fieldDef(e.on, 'node');
    if (!def) continue;
    const value = requested ? undefined : (edge as Record<string, unknown>)[e.key];
    if (!requested && (value === null || value === undefined)) continue;
    cost += 1 + selectionCost(w, named(def.type) as GraphQLCompositeType, e.node.selectionSet, value, requested);
  }
  return cost;
}

/** Cost of one operation: `data` omitted gives the requested cost, given it gives the actual cost. */
export function operationCost(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: Record<string, unknown> | null,
): number {
  const w: Walk = { schema, fragments, variables };
  const requested = data === undefined;
  const root = op.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  if (op.operation === 'mutation') {
    // each mutation field costs 10; what its payload selects is covered, except connections inside it
    return collect(w, root, op.selectionSet).reduce((s, e) => {
      if (!requested && (data === null || !(e.key in data))) return s;
      return s + MUTATION_COST + nestedConnections(w, e, requested ? undefined : data![e.key], requested);
    }, 0);
  }
  if (!requested && data === null) return 0;
  return selectionCost(w, root, op.selectionSet, data ?? undefined, requested);
}

/** Cost of connections nested anywhere below a mutation field (objects themselves are free there). */
function nestedConnections(w: Walk, e: Entry, data: unknown, requested: boolean): number {
  const def = fieldDef(e.on, e.node.name.value);
  if (!def || !e.node.selectionSet) return 0;
  if (!requested && (data === null || data === undefined)) return 0;
  const type = named(def.type) as GraphQLCompositeType;
  let sum = 0;
  for (const c of collect(w, type, e.node.selectionSet)) {
    const cd = fieldDef(c.on, c.node.name.value);
    if (!cd || !c.node.selectionSet) continue;
    const value = requested ? undefined : (data as Record<string, unknown>)[c.key];
    if (!requested && !(c.key in (data as object))) continue;
    if (isConnection(named(cd.type))) sum += fieldCost(w, c, value, requested);
    else if (Array.isArray(value)) sum += value.reduce((s: number, v) => s + nestedConnections(w, c, v, requested), 0);
    else sum += nestedConnections(w, c, value, requested);
  }
  return sum;
}
