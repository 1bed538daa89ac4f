// Bulk export of customers: run a bulk query (not counted against the cost bucket), poll until it finishes,
// stream the JSONL result and rebuild each customer from its line and its child lines (addresses, metafields).
import type { ShopifyClient } from './client.js';
import { toCustomer, type AddressNode, type CustomerNode } from './customer-shape.js';
import { bulkCustomersQuery, documents } from './documents.js';
import { fromUserErrors, shopifyErrors, type ShopifyUserError } from './errors.js';
import type { ShopifyCustomer, ShopifyMetafield } from './types.js';

export interface BulkOperationInfo {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  url: string | null;
  partialDataUrl: string | null;
}

/** Starts a bulk query; throws BULK_IN_PROGRESS when the shop already runs the most this app may run at once. */
export async function startBulkQuery(client: ShopifyClient, query: string): Promise<{ id: string; status: string }> {
  const { data } = await client.request<{
    bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: ShopifyUserError[] } | null;
  }>(documents.bulkOperationRunQuery, { query });
  const p = data.bulkOperationRunQuery;
  if (!p) throw shopifyErrors.internal('bulkOperationRunQuery returned no payload');
  if (p.userErrors.some((e) => e.code === 'OPERATION_IN_PROGRESS' || e.code === 'LIMIT_REACHED')) throw shopifyErrors.bulkInProgress();
  if (p.userErrors.length) throw fromUserErrors(p.userErrors);
  if (!p.bulkOperation) throw shopifyErrors.internal('bulkOperationRunQuery returned no operation');
  return p.bulkOperation;
}

/** The current state of bulk operation `id`. */
export async function getBulkOperation(client: ShopifyClient, id: string): Promise<BulkOperationInfo> {
  const { data } = await client.request<{
    bulkOperation: (Omit<BulkOperationInfo, 'objectCount' | 'rootObjectCount'> & { objectCount: string; rootObjectCount: string }) | null;
  }>(documents.bulkOperation, { id });
  const op = data.bulkOperation;
  if (!op) throw shopifyErrors.notFound('The bulk operation');
  return { ...op, objectCount: Number(op.objectCount), rootObjectCount: Number(op.rootObjectCount) };
}

export interface WaitOptions {
  /** Between polls; default 1 s (each poll costs a point). */
  pollIntervalMs?: number;
  /** Give up after this long; default 1 h. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Polls until the operation is COMPLETED; throws BULK_FAILED when it fails, is canceled or expires. */
export async function waitForBulkOperation(client: ShopifyClient, id: string, opts: WaitOptions = {}): Promise<BulkOperationInfo> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.timeoutMs ?? 3_600_000);
  for (;;) {
    const op = await getBulkOperation(client, id);
    if (op.status === 'COMPLETED') return op;
    if (op.status === 'FAILED' || op.status === 'CANCELED' || op.status === 'EXPIRED')
      throw shopifyErrors.bulkFailed(op.status, op.errorCode);
    if (now() >= deadline) throw shopifyErrors.timeout(opts.timeoutMs ?? 3_600_000);
    await sleep(opts.pollIntervalMs ?? 1000);
  }
}

/** The JSON objects of a JSONL file, one per non-empty line, streamed. */
export async function* readJsonl(client: ShopifyClient, url: string): AsyncGenerator<Record<string, unknown>> {
  const res = await client.fetchFile(url);
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let lineNo = 0;
  const parse = (line: string) => {
    lineNo++;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw shopifyErrors.internal(`bulk result line ${lineNo} is not JSON`);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).trim();
      rest = rest.slice(nl + 1);
      if (line) yield parse(line);
    }
  }
  if (rest.trim()) yield parse(rest.trim());
}

const gidType = (id: unknown) => (typeof id === 'string' ? /^gid:\/\/shopify\/([^/]+)\//.exec(id)?.[1] : undefined);

/**
 * Rebuilds customers from bulk lines: a customer line, then its children (MailingAddress, Metafield) carrying
 * `__parentId`. Lines are grouped (children follow their parent), so each customer is yielded once the next
 * customer starts; a child seen before its parent waits for it.
 */
export async function* assembleCustomers(lines: AsyncIterable<Record<string, unknown>>): AsyncGenerator<ShopifyCustomer> {
  let current: { node: CustomerNode; addresses: AddressNode[]; metafields: ShopifyMetafield[] } | undefined;
  const early = new Map<string, Record<string, unknown>[]>();
  const attach = (child: Record<string, unknown>) => {
    if (!current) return;
    const type = gidType(child.id);
    if (type === 'MailingAddress') current.addresses.push(child as AddressNode);
    else if (type === 'Metafield') current.metafields.push(child as unknown as ShopifyMetafield);
  };
  const finish = () =>
    current
      ? toCustomer({ ...current.node, addressesV2: { nodes: current.addresses }, metafields: { nodes: current.metafields } })
      : undefined;
  for await (const line of lines) {
    const parent = line.__parentId;
    if (typeof parent === 'string') {
      if (current && current.node.id === parent) attach(line);
      else early.set(parent, [...(early.get(parent) ?? []), line]);
      continue;
    }
    if (gidType(line.id) !== 'Customer') continue;
    const done = finish();
    if (done) yield done;
    current = { node: line as unknown as CustomerNode, addresses: [], metafields: [] };
    for (const child of early.get(current.node.id) ?? []) attach(child);
    early.delete(current.node.id);
  }
  const last = finish();
  if (last) yield last;
}

export interface ExportCustomersOptions extends WaitOptions {
  /** Shopify search syntax limiting the export. */
  query?: string;
  /** `namespace.key` of metafields to export with each customer. */
  metafieldKeys?: string[];
}

/** Every customer of the shop (or those matching `query`) through one bulk operation, streamed. */
export async function* exportCustomers(client: ShopifyClient, opts: ExportCustomersOptions = {}): AsyncGenerator<ShopifyCustomer> {
  const started = await startBulkQuery(client, bulkCustomersQuery({ query: opts.query, metafieldKeys: opts.metafieldKeys }));
  const op = await waitForBulkOperation(client, started.id, opts);
  if (!op.url) return; // Shopify gives no file when nothing matched
  yield* assembleCustomers(readJsonl(client, op.url));
}
