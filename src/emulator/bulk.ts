// Bulk query operations: the query runs without page limits or cost, its connection nodes become JSONL lines
// (nested connections as their own lines with __parentId), and the status moves CREATED -> RUNNING -> COMPLETED.
import { Kind, parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Shop } from './shop.js';
import { gid, type BulkOperationRecord } from './state.js';
import type { UserErrorOut } from './validation.js';
import { Timers } from './timers.js';

/** Up to five bulk queries may run at once per shop from API 2026-01. */
export const MAX_RUNNING_BULK = 5;

type Start = { op: BulkOperationRecord } | { error: UserErrorOut };

export interface BulkDeps {
  shop: Shop;
  schema: GraphQLSchema;
  /** runs a query document unbounded; the answer's errors make the operation FAILED */
  run(query: string): Promise<ExecutionResult | { prepareErrors: string[] }>;
  /** delay between status steps, ms */
  stepMs: number;
}

function isConnection(v: unknown): v is { edges?: Array<{ node: unknown }>; nodes?: unknown[] } {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    (Array.isArray((v as { edges?: unknown }).edges) || Array.isArray((v as { nodes?: unknown }).nodes))
  );
}

function nodesOf(conn: { edges?: Array<{ node: unknown }>; nodes?: unknown[] }): Array<Record<string, unknown>> {
  return (conn.nodes ?? conn.edges?.map((e) => e.node) ?? []).filter((n): n is Record<string, unknown> => !!n && typeof n === 'object');
}

/** JSONL lines for the nodes of a connection, children after their parent. */
export function flatten(nodes: Array<Record<string, unknown>>, parentId: string | null, lines: string[]): number {
  let count = 0;
  for (const node of nodes) {
    const line: Record<string, unknown> = {};
    const children: Array<Array<Record<string, unknown>>> = [];
    for (const [k, v] of Object.entries(node)) {
      if (isConnection(v)) children.push(nodesOf(v));
      else if (k !== 'pageInfo') line[k] = v;
    }
    if (parentId) line.__parentId = parentId;
    lines.push(JSON.stringify(line));
    count++;
    const id = typeof node.id === 'string' ? node.id : parentId;
    for (const c of children) count += flatten(c, id, lines);
  }
  return count;
}

export class BulkRunner {
  private readonly timers = new Timers();

  constructor(private readonly deps: BulkDeps) {}

  /** bulkOperationRunQuery: checks the query, records the operation and schedules its run. */
  start(query: string): Start {
    const { shop } = this.deps;
    const running = shop.data.bulkOperations.filter((b) => b.type === 'QUERY' && (b.status === 'CREATED' || b.status === 'RUNNING'));
    if (running.length >= MAX_RUNNING_BULK)
      return {
        error: {
          field: null,
          message: `A maximum of ${MAX_RUNNING_BULK} bulk query operations can run at the same time.`,
          code: 'LIMIT_REACHED',
        },
      };
    const problem = this.check(query);
    if (problem) return { error: { field: ['query'], message: problem, code: 'INVALID' } };
    const op: BulkOperationRecord = {
      id: shop.nextId(),
      query,
      status: 'CREATED',
      type: 'QUERY',
      errorCode: null,
      createdAt: shop.nowIso(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      result: null,
    };
    shop.data.bulkOperations.push(op);
    shop.changed();
    this.timers.later(this.deps.stepMs, () => {
      if (op.status !== 'CREATED') return;
      op.status = 'RUNNING';
      shop.changed();
      this.timers.later(this.deps.stepMs, () => this.finish(op));
    });
    return { op };
  }

  /** Shopify's static checks on a bulk query: one query operation whose root field is a connection. */
  private check(query: string): string | null {
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      return `Invalid bulk query: ${(e as Error).message}`;
    }
    const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (ops.length !== 1 || ops[0].kind !== Kind.OPERATION_DEFINITION || ops[0].operation !== 'query')
      return 'Bulk queries must contain exactly one query operation.';
    const roots = ops[0].selectionSet.selections.filter((s) => s.kind === Kind.FIELD);
    const root = roots[0];
    if (roots.length !== 1 || root.kind !== Kind.FIELD) return 'Bulk queries must have exactly one top-level field.';
    const field = this.deps.schema.getQueryType()!.getFields()[root.name.value];
    if (!field) return `Invalid bulk query: Field '${root.name.value}' doesn't exist on type 'QueryRoot'`;
    if (!String(field.type).replace('!', '').endsWith('Connection')) return 'Bulk queries require a connection field at the top level.';
    return null;
  }

  private async finish(op: BulkOperationRecord): Promise<void> {
    if (op.status !== 'RUNNING') return;
    const { shop } = this.deps;
    const result = await this.deps.run(op.query);
    if (op.status !== 'RUNNING') return; // canceled meanwhile
    if ('prepareErrors' in result || result.errors?.length || !result.data) {
      op.status = 'FAILED';
      op.errorCode = 'INTERNAL_SERVER_ERROR';
    } else {
      const root = Object.values(result.data)[0];
      const lines: string[] = [];
      const roots = isConnection(root) ? nodesOf(root) : [];
      op.objectCount = flatten(roots, null, lines);
      op.rootObjectCount = roots.length;
      op.result = lines.length ? `${lines.join('\n')}\n` : '';
      op.fileSize = Buffer.byteLength(op.result);
      op.status = 'COMPLETED';
    }
    op.completedAt = shop.nowIso();
    shop.emit('bulk_operations/finish', {
      admin_graphql_api_id: gid('BulkOperation', op.id),
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: op.errorCode?.toLowerCase() ?? null,
      status: op.status.toLowerCase(),
      type: op.type.toLowerCase(),
    });
    shop.changed();
  }

  /** bulkOperationCancel */
  cancel(id: number): Start {
    const op = this.deps.shop.data.bulkOperations.find((b) => b.id === id);
    if (!op) return { error: { field: ['id'], message: 'Bulk operation does not exist', code: 'INVALID' } };
    if (op.status !== 'CREATED' && op.status !== 'RUNNING')
      return {
        error: { field: null, message: `A bulk operation cannot be canceled when it is ${op.status.toLowerCase()}`, code: 'INVALID' },
      };
    op.status = 'CANCELED';
    op.completedAt = this.deps.shop.nowIso();
    this.deps.shop.changed();
    return { op };
  }

  /** Operations left RUNNING or CREATED by a previous process are finished again after a restart. */
  resume(): void {
    for (const op of this.deps.shop.data.bulkOperations) {
      if (op.type !== 'QUERY') continue; // bulk mutations resume (or not) in bulk-mutation.ts
      if (op.status === 'CREATED') op.status = 'RUNNING';
      if (op.status === 'RUNNING') this.timers.later(this.deps.stepMs, () => this.finish(op));
    }
  }

  close(): void {
    this.timers.clear();
  }
}
