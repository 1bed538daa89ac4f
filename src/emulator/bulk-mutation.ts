// Bulk mutation operations: each line of the staged JSONL runs through the same resolvers as a single call of the
// mutation (same userErrors, webhooks, metafields), uncharged, and becomes one result line with its __lineNumber.
import { getVariableValues, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ExecContext } from './graphql/context.js';
import { mutationResolvers } from './graphql/defaults.js';
import { executePrepared } from './graphql/run.js';
import type { Shop } from './shop.js';
import type { StagedUploads } from './staged-uploads.js';
import { gid, type BulkOperationRecord } from './state.js';
import type { UserErrorOut } from './validation.js';
import { Timers } from './timers.js';

/** Root fields a bulk mutation may not run: the bulk and upload machinery itself. */
const NOT_IN_BULK = new Set(['bulkOperationRunMutation', 'bulkOperationRunQuery', 'bulkOperationCancel', 'stagedUploadsCreate']);

/** Bulk mutations that may run at once per shop: five from API 2026-01, one before. */
export function bulkMutationLimit(apiVersion: string): number {
  return apiVersion === 'unstable' || apiVersion >= '2026-01' ? 5 : 1;
}

export interface BulkMutationDeps {
  shop: Shop;
  schema: GraphQLSchema;
  uploads: StagedUploads;
  /** delay between status steps (CREATED -> RUNNING, and between batches of lines), ms */
  stepMs: number;
  /** a fresh execution context for the operation's lines */
  context(apiVersion: string): ExecContext;
  /** counts every line run (for the control API's counters) */
  onLine?: () => void;
  /** lines run per step; the rest wait for the next step so the emulator keeps answering */
  linesPerStep?: number;
}

interface Running {
  op: BulkOperationRecord;
  doc: DocumentNode;
  operation: OperationDefinitionNode;
  lines: Array<{ lineNumber: number; variables: Record<string, unknown> }>;
  results: string[];
  apiVersion: string;
}

type Start = { op: BulkOperationRecord } | { error: UserErrorOut };

const fail = (code: string, message: string, field: string[] | null = null): { error: UserErrorOut } => ({
  error: { field, message, code },
});

export class BulkMutationRunner {
  private readonly timers = new Timers();

  constructor(private readonly deps: BulkMutationDeps) {}

  /** bulkOperationRunMutation: checks the limit, the mutation and the staged file, records the operation, schedules its run. */
  start(args: { mutation: string; stagedUploadPath: string }, apiVersion: string): Start {
    const { shop } = this.deps;
    const running = shop.data.bulkOperations.filter((b) => b.type === 'MUTATION' && (b.status === 'CREATED' || b.status === 'RUNNING'));
    const limit = bulkMutationLimit(apiVersion);
    if (running.length >= limit)
      return limit === 1
        ? fail(
            'OPERATION_IN_PROGRESS',
            `A bulk mutation operation for this app and shop is already in progress: ${gid('BulkOperation', running[0].id)}.`,
          )
        : fail('LIMIT_REACHED', `A maximum of ${limit} bulk mutation operations can run at the same time.`);
    const checked = this.check(args.mutation);
    if ('error' in checked) return checked;
    const text = this.deps.uploads.read(args.stagedUploadPath);
    if (text === undefined)
      return fail(
        'NO_SUCH_FILE',
        `The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.`,
        ['stagedUploadPath'],
      );
    const lines: Running['lines'] = [];
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      if (!raw[i].trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(raw[i]);
      } catch {
        v = undefined;
      }
      if (!v || typeof v !== 'object' || Array.isArray(v))
        return fail(
          'INVALID_STAGED_UPLOAD_FILE',
          `The JSONL file submitted via the stagedUploadsCreate mutation is invalid: line ${i + 1} is not a JSON object.`,
          ['stagedUploadPath'],
        );
      lines.push({ lineNumber: lines.length, variables: v as Record<string, unknown> });
    }
    const op: BulkOperationRecord = {
      id: shop.nextId(),
      query: args.mutation,
      status: 'CREATED',
      type: 'MUTATION',
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
    const run: Running = { op, doc: checked.doc, operation: checked.operation, lines, results: [], apiVersion };
    this.timers.later(this.deps.stepMs, () => {
      if (op.status !== 'CREATED') return;
      op.status = 'RUNNING';
      shop.changed();
      this.timers.later(this.deps.stepMs, () => this.step(run));
    });
    return { op };
  }

  /** Shopify's checks on the mutation: a valid document with one mutation operation and one root field. */
  private check(mutation: string): { doc: DocumentNode; operation: OperationDefinitionNode } | { error: UserErrorOut } {
    let doc: DocumentNode;
    try {
      doc = parse(mutation);
    } catch (e) {
      return fail('INVALID_MUTATION', `Invalid mutation: ${(e as Error).message}`, ['mutation']);
    }
    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (ops.length !== 1 || ops[0].operation !== 'mutation')
      return fail('INVALID_MUTATION', 'Bulk mutations must contain exactly one mutation operation.', ['mutation']);
    const invalid = validate(this.deps.schema, doc);
    if (invalid.length) return fail('INVALID_MUTATION', `Invalid mutation: ${invalid[0].message}`, ['mutation']);
    const roots = ops[0].selectionSet.selections;
    const root = roots[0];
    if (roots.length !== 1 || root.kind !== Kind.FIELD)
      return fail('INVALID_MUTATION', 'Bulk mutations must have exactly one top-level field.', ['mutation']);
    if (NOT_IN_BULK.has(root.name.value))
      return fail('INVALID_MUTATION', `${root.name.value} cannot be run as a bulk mutation.`, ['mutation']);
    if (!mutationResolvers[root.name.value])
      return fail('INVALID_MUTATION', `${root.name.value} is not supported by the shopify-scim emulator`, ['mutation']);
    return { doc, operation: ops[0] };
  }

  /** Runs the next batch of lines, then schedules the rest, or completes the operation. */
  private async step(run: Running): Promise<void> {
    const { op } = run;
    if (op.status !== 'RUNNING') return; // canceled
    const batch = run.lines.slice(run.results.length, run.results.length + (this.deps.linesPerStep ?? 50));
    for (const line of batch) {
      run.results.push(JSON.stringify({ ...(await this.runLine(run, line.variables)), __lineNumber: line.lineNumber }));
      op.objectCount++;
      op.rootObjectCount++;
      this.deps.onLine?.();
      if (op.status !== 'RUNNING') return;
    }
    if (run.results.length < run.lines.length) {
      this.timers.later(0, () => this.step(run));
      return;
    }
    op.result = run.results.length ? `${run.results.join('\n')}\n` : '';
    op.fileSize = Buffer.byteLength(op.result);
    op.status = 'COMPLETED';
    op.completedAt = this.deps.shop.nowIso();
    this.deps.shop.emit('bulk_operations/finish', {
      admin_graphql_api_id: gid('BulkOperation', op.id),
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: null,
      status: 'completed',
      type: 'mutation',
    });
    this.deps.shop.changed();
  }

  /** One line: its variables coerced as a single request's would be, then the mutation executed. */
  private async runLine(run: Running, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const coerced = getVariableValues(this.deps.schema, run.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors.map((e) => ({ message: e.message })), data: null };
    const result = await executePrepared(this.deps.schema, run.doc, run.operation, coerced.coerced, this.deps.context(run.apiVersion));
    return { ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}), data: result.data ?? null };
  }

  /**
   * Bulk mutations left CREATED or RUNNING by a previous process cannot go on: their staged file lived in memory.
   * They end FAILED, as an interrupted operation does on Shopify.
   */
  resume(): void {
    for (const op of this.deps.shop.data.bulkOperations) {
      if (op.type !== 'MUTATION' || (op.status !== 'CREATED' && op.status !== 'RUNNING')) continue;
      op.status = 'FAILED';
      op.errorCode = 'INTERNAL_SERVER_ERROR';
      op.completedAt = this.deps.shop.nowIso();
      this.deps.shop.changed();
    }
  }

  close(): void {
    this.timers.clear();
  }
}
