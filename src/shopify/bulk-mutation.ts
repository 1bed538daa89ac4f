// Bulk mutations: the variables of many calls of one mutation go up as a staged JSONL file, Shopify runs them outside
// the cost bucket, and each call's answer comes back from the result file tagged with its line number.
import type { ShopifyClient, ShopifyDocument } from './client.js';
import { documents } from './documents.js';
import { fromUserErrors, shopifyErrors, type ShopifyUserError } from './errors.js';
import { readJsonl, waitForBulkOperation, type BulkOperationInfo, type WaitOptions } from './bulk.js';

/** The largest variables file Shopify takes for one bulk mutation (API 2026-01 and later). */
export const MAX_BULK_VARIABLES_BYTES = 100 * 1024 * 1024;

export interface BulkMutationOptions<V> extends WaitOptions {
  /** The mutation each line runs: one mutation field, variables only (no fragments needed). */
  mutation: ShopifyDocument;
  /** The variables of each call, in order; a line's number is its index here. */
  lines: Iterable<V> | AsyncIterable<V>;
  /** Told once Shopify accepted the operation (its id is worth logging: the work goes on without us). */
  onStarted?: (op: { id: string; lines: number }) => void;
}

/** One line of the result: what the mutation answered for the variables at `lineNumber` (0-based). */
export interface BulkMutationResult<T> {
  lineNumber: number;
  data: T | null;
  /** GraphQL errors of that line (e.g. variables its mutation refused), when there were any */
  errors?: Array<{ message: string }>;
}

/** The variables as one JSONL file (one JSON object a line); throws when it exceeds what Shopify accepts. */
export async function toJsonl<V>(lines: Iterable<V> | AsyncIterable<V>): Promise<{ text: string; count: number }> {
  const parts: string[] = [];
  let bytes = 0;
  for await (const v of lines as AsyncIterable<V>) {
    const line = JSON.stringify(v);
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > MAX_BULK_VARIABLES_BYTES)
      throw shopifyErrors.invalidInput(`The bulk mutation variables exceed ${MAX_BULK_VARIABLES_BYTES} bytes: split the batch`);
    parts.push(line);
  }
  return { text: parts.length ? `${parts.join('\n')}\n` : '', count: parts.length };
}

/** Uploads a JSONL file of mutation variables to a staged upload target; returns its stagedUploadPath. */
export async function stageBulkVariables(client: ShopifyClient, jsonl: string): Promise<string> {
  const { data } = await client.request<{
    stagedUploadsCreate: {
      stagedTargets: Array<{ url: string | null; parameters: Array<{ name: string; value: string }> }> | null;
      userErrors: ShopifyUserError[];
    } | null;
  }>(documents.stagedUploadsCreate, {
    input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'bulk_op_vars.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }],
  });
  const p = data.stagedUploadsCreate;
  if (!p) throw shopifyErrors.internal('stagedUploadsCreate returned no payload');
  if (p.userErrors.length) throw fromUserErrors(p.userErrors);
  const target = p.stagedTargets?.[0];
  const key = target?.parameters.find((x) => x.name === 'key')?.value;
  if (!target?.url || !key) throw shopifyErrors.internal('stagedUploadsCreate returned no upload target with a key');
  // A signed form upload: every parameter as given, the file last (the storage service refuses it otherwise).
  const form = new FormData();
  for (const { name, value } of target.parameters) form.append(name, value);
  form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), 'bulk_op_vars.jsonl');
  await client.uploadFile(target.url, { method: 'POST', body: form });
  return key;
}

/** Starts a bulk mutation over staged variables; throws BULK_IN_PROGRESS when the shop runs as many as it allows. */
export async function startBulkMutation(
  client: ShopifyClient,
  mutation: ShopifyDocument,
  stagedUploadPath: string,
): Promise<{ id: string; status: string }> {
  const { data } = await client.request<{
    bulkOperationRunMutation: { bulkOperation: { id: string; status: string } | null; userErrors: ShopifyUserError[] } | null;
  }>(documents.bulkOperationRunMutation, { mutation: mutation.text, stagedUploadPath });
  const p = data.bulkOperationRunMutation;
  if (!p) throw shopifyErrors.internal('bulkOperationRunMutation returned no payload');
  const codes = p.userErrors.map((e) => e.code);
  if (codes.includes('OPERATION_IN_PROGRESS') || codes.includes('LIMIT_REACHED')) throw shopifyErrors.bulkInProgress();
  // Shopify says reading the staged file may fail now and then: worth another try.
  if (codes.includes('INTERNAL_FILE_SERVER_ERROR')) throw shopifyErrors.serverError(p.userErrors[0].message);
  if (p.userErrors.length)
    throw shopifyErrors.invalidInput(
      `bulkOperationRunMutation refused the operation: ${p.userErrors.map((e) => `${e.code ?? ''} ${e.message}`.trim()).join('; ')}`,
    );
  if (!p.bulkOperation) throw shopifyErrors.internal('bulkOperationRunMutation returned no operation');
  return p.bulkOperation;
}

/**
 * Runs `mutation` once per line of variables as one bulk operation: uploads the variables, starts it, waits for it,
 * and yields each line's answer from the result file (in the file's order; match them by lineNumber). A line that
 * Shopify left out of the result never ran. Nothing is sent for no lines.
 */
export async function* runBulkMutation<T = Record<string, unknown>, V = Record<string, unknown>>(
  client: ShopifyClient,
  opts: BulkMutationOptions<V>,
): AsyncGenerator<BulkMutationResult<T>> {
  const { text, count } = await toJsonl(opts.lines);
  if (count === 0) return;
  const path = await stageBulkVariables(client, text);
  const started = await startBulkMutation(client, opts.mutation, path);
  opts.onStarted?.({ id: started.id, lines: count });
  const op: BulkOperationInfo = await waitForBulkOperation(client, started.id, opts);
  if (!op.url) return;
  for await (const line of readJsonl(client, op.url)) {
    const n = line.__lineNumber;
    if (typeof n !== 'number') continue;
    const errors = Array.isArray(line.errors)
      ? (line.errors as Array<{ message?: unknown }>).map((e) => ({ message: String(e?.message ?? '') }))
      : undefined;
    yield { lineNumber: n, data: (line.data ?? null) as T | null, ...(errors?.length ? { errors } : {}) };
  }
}
