// One Admin GraphQL client per shop: token, cost-aware throttle, timeouts and retries around every call, and a
// ShopifyError for every failure, so the typed operations only describe documents and shapes.
import { createTokenSource, transportError, type AccessTokenSource, type ShopifyAuth } from './auth.js';
import { estimateCost } from './cost.js';
import { ShopifyError, shopifyErrors } from './errors.js';
import { graphqlError, httpError, parseJson } from './response-errors.js';
import { MemoryThrottleStore, type ThrottleSnapshot, type ThrottleStatus, type ThrottleStore } from './throttle.js';
import { SHOPIFY_API_VERSION_DEFAULT } from './version.js';

/** A GraphQL document of the registry: its operation name, its text and, when known, its requested cost. */
export interface ShopifyDocument {
  readonly name: string;
  readonly text: string;
  readonly cost?: number;
}

export interface RetryOptions {
  /** Attempts in all, the first included (THROTTLED answers are counted separately). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** THROTTLED answers tolerated for one call before it fails (each waits for the bucket; default 20). */
  maxThrottledAttempts: number;
}

export type ClientEvent =
  | { type: 'request'; operation: string; attempt: number; durationMs: number; status?: number; code?: string }
  | { type: 'wait'; operation: string; waitMs: number; cost: number }
  | { type: 'throttled'; operation: string; attempt: number; status?: ThrottleStatus }
  | { type: 'retry'; operation: string; attempt: number; delayMs: number; code: string }
  | { type: 'cost'; operation: string; requested: number; actual: number; status: ThrottleStatus }
  | { type: 'token'; expiresInSeconds?: number };

export interface ShopifyClientOptions {
  /** The shop's myshopify domain (`example.myshopify.com`; a bare `example` gets the suffix). */
  shop: string;
  apiVersion?: string;
  auth: ShopifyAuth;
  /** Where the Admin API lives; default `https://<shop>`. The emulator's url in development and tests. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per HTTP call. */
  timeoutMs?: number;
  throttle?: ThrottleStore;
  retry?: Partial<RetryOptions>;
  /** Metrics and logging hook; must not throw. */
  onEvent?: (e: ClientEvent) => void;
  /** Source of jitter (tests pin it). */
  random?: () => number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphQLResponse<T> {
  data: T;
  cost?: CostExtension;
  /** The version that answered (X-Shopify-API-Version); Shopify falls back to another one for an unknown version. */
  apiVersion?: string;
}

export interface RequestOptions {
  /** Requested-cost estimate; default: the cost Shopify last asked for this document, or one computed from it. */
  cost?: number;
  signal?: AbortSignal;
}

export interface ShopifyClient {
  readonly shop: string;
  readonly apiVersion: string;
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  /** Sends one document; resolves with its data or rejects with a ShopifyError after retries. */
  request<T>(doc: ShopifyDocument, variables?: Record<string, unknown>, opts?: RequestOptions): Promise<GraphQLResponse<T>>;
  /** The throttle's view of this shop's bucket, once a response has been seen. */
  throttleSnapshot(): Promise<ThrottleSnapshot | undefined>;
  /** GET of a file Shopify links to (bulk results), with the client's fetch and a timeout. */
  fetchFile(url: string, opts?: { timeoutMs?: number }): Promise<Response>;
  /** Sends a file to a staged upload target (bulk mutation variables), with the client's fetch and a timeout. */
  uploadFile(
    url: string,
    init: { method: 'POST' | 'PUT'; body: FormData | Blob; headers?: Record<string, string> },
    opts?: { timeoutMs?: number },
  ): Promise<Response>;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxThrottledAttempts: 20 };
export const DEFAULT_TIMEOUT_MS = 15_000;

/** `example` → `example.myshopify.com`; strips a scheme and a trailing slash. */
export function normalizeShop(shop: string): string {
  const s = shop
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
  if (!s) throw new Error('Shopify shop is empty');
  return s.includes('.') ? s : `${s}.myshopify.com`;
}

/** A client for one shop. */
export function createShopifyClient(opts: ShopifyClientOptions): ShopifyClient {
  const shop = normalizeShop(opts.shop);
  const apiVersion = opts.apiVersion ?? SHOPIFY_API_VERSION_DEFAULT;
  const baseUrl = (opts.baseUrl ?? `https://${shop}`).replace(/\/+$/, '');
  const graphqlUrl = `${baseUrl}/admin/api/${apiVersion}/graphql.json`;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const throttle = opts.throttle ?? new MemoryThrottleStore({ now });
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const random = opts.random ?? Math.random;
  const emit = (e: ClientEvent) => {
    try {
      opts.onEvent?.(e);
    } catch {
      // a broken metrics hook must not break a Shopify call
    }
  };
  const tokens: AccessTokenSource = createTokenSource(opts.auth, {
    baseUrl,
    fetch: doFetch,
    now,
    timeoutMs,
    onToken: (t) => emit({ type: 'token', expiresInSeconds: t.expiresInSeconds }),
  });
  // Shopify's own requested cost for a document and page size, learned from its answers.
  const learned = new Map<string, number>();
  const costKey = (doc: ShopifyDocument, vars: Record<string, unknown>) =>
    `${doc.name}|${Object.values(vars)
      .filter((v) => typeof v === 'number')
      .join(',')}`;

  async function send(doc: ShopifyDocument, variables: Record<string, unknown>, token: string, signal: AbortSignal | undefined) {
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token },
        body: JSON.stringify({ query: doc.text, variables, operationName: doc.name }),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      text = await res.text();
    } catch (e) {
      throw transportError(e, timeoutMs);
    }
    return { res, text };
  }

  async function request<T>(doc: ShopifyDocument, variables: Record<string, unknown> = {}, ro: RequestOptions = {}) {
    let refreshedAfter401 = false;
    let throttledCount = 0;
    for (let attempt = 1; ; attempt++) {
      const key = costKey(doc, variables);
      const cost = ro.cost ?? learned.get(key) ?? doc.cost ?? estimateCost(doc.text, variables);
      const queued = now();
      const reservation = await throttle.reserve(shop, cost);
      const lateMs = reservation.sendAt - now();
      if (lateMs > 0) await sleep(lateMs);
      const waitMs = now() - queued;
      if (waitMs > 0) emit({ type: 'wait', operation: doc.name, waitMs, cost });
      const started = now();
      let status: ThrottleStatus | undefined;
      let actual: number | undefined;
      let throttledNow = false;
      let httpStatus: number | undefined;
      let delayMs = 0;
      let token: string | undefined;
      try {
        token = await tokens.get();
        const { res, text } = await send(doc, variables, token, ro.signal);
        httpStatus = res.status;
        // A refused request (4xx) was not executed, so it cost nothing.
        if (res.status >= 400 && res.status < 500) actual = 0;
        if (res.status === 401) {
          // An expired or revoked grant token: get a new one once, then give up.
          if (!refreshedAfter401 && tokens.invalidate(token)) {
            refreshedAfter401 = true;
            attempt--;
            continue;
          }
          throw shopifyErrors.unauthorized();
        }
        const body = httpError(res, text, now());
        if (body) throw body;
        const json = parseJson(text);
        const ext = json.extensions?.cost;
        if (ext?.throttleStatus) {
          status = ext.throttleStatus;
          learned.set(key, ext.requestedQueryCost);
        }
        const errs = json.errors ?? [];
        if (errs.length > 0) {
          actual = ext?.actualQueryCost ?? 0;
          throw graphqlError(errs, status, cost);
        }
        if (json.data === undefined || json.data === null) throw shopifyErrors.internal('the response has no data');
        actual = ext?.actualQueryCost ?? undefined;
        if (ext)
          emit({
            type: 'cost',
            operation: doc.name,
            requested: ext.requestedQueryCost,
            actual: ext.actualQueryCost ?? 0,
            status: ext.throttleStatus,
          });
        emit({ type: 'request', operation: doc.name, attempt, durationMs: now() - started, status: res.status });
        return { data: json.data as T, cost: ext, apiVersion: res.headers.get('x-shopify-api-version') ?? undefined };
      } catch (e) {
        const err = e instanceof ShopifyError ? e : shopifyErrors.internal(String(e), e);
        // No token, no call: Shopify charged nothing.
        if (token === undefined) actual = 0;
        emit({ type: 'request', operation: doc.name, attempt, durationMs: now() - started, status: httpStatus, code: err.code });
        if (err.code === 'THROTTLED') {
          throttledNow = true;
          throttledCount++;
          emit({ type: 'throttled', operation: doc.name, attempt, status });
        }
        // THROTTLED has its own, larger budget: those retries wait for the bucket rather than guess.
        const exhausted = throttledNow ? throttledCount >= retry.maxThrottledAttempts : attempt - throttledCount >= retry.maxAttempts;
        if (!err.retryable || exhausted || ro.signal?.aborted) throw err;
        // THROTTLED waits in the next reservation, exactly as long as the bucket needs; the rest back off.
        delayMs = err.code === 'THROTTLED' ? 0 : (err.retryAfterMs ?? backoff(attempt - throttledCount, retry, random));
        emit({ type: 'retry', operation: doc.name, attempt, delayMs, code: err.code });
      } finally {
        await throttle.settle(shop, reservation, { status, actualCost: actual, throttled: throttledNow });
      }
      if (delayMs > 0) await sleep(delayMs);
    }
  }

  return {
    shop,
    apiVersion,
    baseUrl,
    graphqlUrl,
    request,
    throttleSnapshot: () => throttle.snapshot(shop),
    async fetchFile(url, fo = {}) {
      try {
        const res = await doFetch(url, { signal: AbortSignal.timeout(fo.timeoutMs ?? timeoutMs * 8) });
        if (res.status >= 500) throw shopifyErrors.http5xx(res.status);
        if (!res.ok) throw shopifyErrors.internal(`downloading a result file answered HTTP ${res.status}`);
        return res;
      } catch (e) {
        throw transportError(e, fo.timeoutMs ?? timeoutMs * 8);
      }
    },
    async uploadFile(url, init, fo = {}) {
      const limit = fo.timeoutMs ?? timeoutMs * 8;
      try {
        const res = await doFetch(url, { method: init.method, body: init.body, headers: init.headers, signal: AbortSignal.timeout(limit) });
        if (res.status >= 500) throw shopifyErrors.http5xx(res.status);
        // The storage service explains a refusal in its body (an XML error naming the bad field or signature).
        if (!res.ok)
          throw shopifyErrors.internal(`uploading a staged file answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
        return res;
      } catch (e) {
        throw transportError(e, limit);
      }
    },
  };
}

/** Full-jitter exponential backoff: a random delay up to base × 2^(attempt−1), capped. */
export function backoff(attempt: number, r: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** (attempt - 1)));
}
