// One GraphQL request end to end, in Shopify's order: parse, validate against the real schema, refuse fields
// outside the emulated subset, price the document, take the cost from the bucket, execute, refund the difference.
import {
  execute,
  getOperationAST,
  getVariableValues,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { CostBucket } from '../bucket.js';
import type { ExecContext } from './context.js';
import { operationCost } from './cost.js';
import { fieldResolver, mutationResolvers, typeResolver } from './defaults.js';
import { maxCostError, shopifyValidationError, throttledError, unsupportedError, type ShopifyGraphQLError } from './errors.js';
import { queryResolvers } from './query.js';

export const MAX_QUERY_COST = 1000;

export interface RunCounters {
  requests: number;
  throttled: number;
  maxCostExceeded: number;
  costRequested: number;
  costSpent: number;
  /** mutation documents executed (a bulk mutation's lines are counted apart, as bulkMutationLines) */
  mutations: number;
}

export interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface RunResult {
  status: number;
  body: Record<string, unknown>;
}

/** Root fields the emulator implements, by operation type. */
export const SUPPORTED_ROOT_FIELDS = {
  query: Object.keys(queryResolvers).sort(),
  mutation: Object.keys(mutationResolvers).sort(),
};

function fragmentsOf(doc: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** Root fields named in an operation (through fragments too), with where they appear. */
function rootFields(op: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>) {
  const out: Array<{ name: string; loc?: { line: number; column: number } }> = [];
  const walk = (sels: OperationDefinitionNode['selectionSet']['selections'], seen: Set<string>) => {
    for (const s of sels) {
      if (s.kind === Kind.FIELD) {
        const l = s.loc?.startToken;
        out.push({ name: s.name.value, loc: l ? { line: l.line, column: l.column } : undefined });
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet.selections, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value])
        walk(fragments[s.name.value].selectionSet.selections, new Set([...seen, s.name.value]));
    }
  };
  walk(op.selectionSet.selections, new Set());
  return out;
}

const errorsBody = (errors: ShopifyGraphQLError[], extra: Record<string, unknown> = {}): RunResult => ({
  status: 200,
  body: { errors, ...extra },
});

/** Valid documents already parsed, per schema and text: a client sends the same few documents over and over. */
const validDocuments = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

/** The parsed document, or Shopify's error body when it does not parse or is not valid against the schema. */
function checkDocument(schema: GraphQLSchema, query: string): { doc: DocumentNode } | { result: RunResult } {
  let valid = validDocuments.get(schema);
  if (!valid) validDocuments.set(schema, (valid = new Map()));
  const known = valid.get(query);
  if (known) return { doc: known };
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (e) {
    const err = e as { message: string; locations?: Array<{ line: number; column: number }> };
    return { result: errorsBody([{ message: err.message, locations: err.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]) };
  }
  const invalid = validate(schema, doc);
  if (invalid.length) return { result: errorsBody(invalid.map(shopifyValidationError)) };
  if (valid.size >= 500) valid.clear();
  valid.set(query, doc);
  return { doc };
}

/** Parses and validates a document against the schema, answering Shopify's error body when it is not valid. */
export function prepare(
  schema: GraphQLSchema,
  body: GraphQLBody,
):
  | {
      ok: true;
      doc: DocumentNode;
      op: OperationDefinitionNode;
      fragments: Record<string, FragmentDefinitionNode>;
      variables: Record<string, unknown>;
    }
  | { ok: false; result: RunResult } {
  if (typeof body.query !== 'string' || body.query.trim() === '')
    return { ok: false, result: { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } } };
  const checked = checkDocument(schema, body.query);
  if ('result' in checked) return { ok: false, result: checked.result };
  const { doc } = checked;
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const op = getOperationAST(doc, operationName);
  if (!op)
    return {
      ok: false,
      result: errorsBody([
        {
          message: operationName ? `No operation named "${operationName}"` : 'An operation name is required',
          extensions: { code: 'OPERATION_NOT_FOUND' },
        },
      ]),
    };
  if (op.operation === 'subscription')
    return {
      ok: false,
      result: errorsBody([{ message: 'Subscriptions are not supported', extensions: { code: 'SUBSCRIPTIONS_NOT_SUPPORTED' } }]),
    };
  const fragments = fragmentsOf(doc);
  const map = op.operation === 'mutation' ? mutationResolvers : queryResolvers;
  const unsupported = rootFields(op, fragments).filter((f) => !f.name.startsWith('__') && !map[f.name]);
  if (unsupported.length)
    return { ok: false, result: errorsBody(unsupported.map((f) => unsupportedError(f.name, op.operation as 'query' | 'mutation', f.loc))) };
  const rawVars = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], rawVars, { maxErrors: 50 });
  if (coerced.errors) {
    return {
      ok: false,
      result: errorsBody(
        coerced.errors.map((e) => {
          const name = /Variable "\$([^"]+)"/.exec(e.message)?.[1] ?? '';
          const def = op.variableDefinitions?.find((v) => v.variable.name.value === name);
          const typeName = def ? body.query!.toString().slice(def.type.loc!.start, def.type.loc!.end) : '';
          return {
            message: `Variable $${name} of type ${typeName} was provided invalid value`,
            locations: e.locations?.map((l) => ({ line: l.line, column: l.column })),
            extensions: { code: 'INVALID_VARIABLE', value: rawVars[name] ?? null, problems: [{ path: [], explanation: e.message }] },
          };
        }),
      ),
    };
  }
  return { ok: true, doc, op, fragments, variables: coerced.coerced };
}

/** Executes an already prepared document (no cost accounting): used by bulk operations. */
export async function executePrepared(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
  ctx: ExecContext,
): Promise<ExecutionResult> {
  return execute({
    schema,
    document: doc,
    operationName: op.name?.value,
    variableValues: variables,
    contextValue: ctx,
    fieldResolver,
    typeResolver,
  });
}

/** Serves one POST to graphql.json. */
export async function runGraphQL(
  schema: GraphQLSchema,
  bucket: CostBucket,
  counters: RunCounters,
  ctx: ExecContext,
  body: GraphQLBody,
): Promise<RunResult> {
  counters.requests++;
  const p = prepare(schema, body);
  if (!p.ok) return p.result;
  const requested = operationCost(schema, p.op, p.fragments, p.variables);
  const costExt = (actual: number | null) => ({
    cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status() },
  });
  if (requested > MAX_QUERY_COST) {
    counters.maxCostExceeded++;
    return errorsBody([maxCostError(requested, MAX_QUERY_COST)], { extensions: costExt(null) });
  }
  if (!bucket.take(requested)) {
    counters.throttled++;
    return errorsBody([throttledError()], { extensions: costExt(null) });
  }
  counters.costRequested += requested;
  if (p.op.operation === 'mutation') counters.mutations++;
  const result = await executePrepared(schema, p.doc, p.op, p.variables, ctx);
  const actual = Math.min(
    requested,
    result.data ? operationCost(schema, p.op, p.fragments, p.variables, result.data as Record<string, unknown>) : 0,
  );
  bucket.refund(requested - actual);
  counters.costSpent += actual;
  const out: Record<string, unknown> = {};
  if (result.errors?.length) out.errors = result.errors.map((e) => e.toJSON());
  out.data = result.data ?? null;
  const extensions: Record<string, unknown> = costExt(actual);
  if (ctx.searchWarnings.length) extensions.search = ctx.searchWarnings;
  out.extensions = extensions;
  return { status: 200, body: out };
}
