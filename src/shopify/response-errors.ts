// How an Admin API answer becomes a ShopifyError: HTTP statuses (401, 402/423, 403, 404, 429, 5xx) and the
// GraphQL `errors` array (THROTTLED, ACCESS_DENIED, MAX_COST_EXCEEDED, validation), each with its kind and code.
import { retryAfterMs } from './auth.js';
import type { CostExtension } from './client.js';
import { ShopifyError, shopifyErrors } from './errors.js';
import { msUntilAvailable, type ThrottleStatus } from './throttle.js';

export interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; [k: string]: unknown };
}

export interface GraphQLBody {
  data?: unknown;
  errors?: GraphQLErrorBody[];
  extensions?: { cost?: CostExtension };
}

/** The JSON body of an answer; a body that is not JSON is an INTERNAL error. */
export function parseJson(text: string): GraphQLBody {
  try {
    return JSON.parse(text) as GraphQLBody;
  } catch {
    throw shopifyErrors.internal('the response is not JSON');
  }
}

/** The error an HTTP status stands for, or undefined for 2xx (401 is handled by the client: it may renew the token). */
export function httpError(res: Response, text: string, now: number): ShopifyError | undefined {
  const s = res.status;
  if (s >= 200 && s < 300) return undefined;
  if (s === 429) return shopifyErrors.rateLimited(retryAfterMs(res.headers.get('retry-after'), now));
  if (s >= 500) return shopifyErrors.http5xx(s);
  if (s === 402 || s === 423) return shopifyErrors.shopUnavailable(s);
  if (s === 403) return shopifyErrors.forbidden(s, bodyMessage(text));
  if (s === 404) return shopifyErrors.endpointNotFound(s, bodyMessage(text));
  if (s === 400) {
    // Shopify answers a malformed document with 400 and the usual errors array.
    const errors = tryJson(text)?.errors;
    const msgs = Array.isArray(errors) ? errors.map((e) => e.message ?? '') : [];
    return shopifyErrors.graphqlInvalid(msgs.length ? msgs : [bodyMessage(text)]);
  }
  return shopifyErrors.internal(`HTTP ${s}: ${bodyMessage(text)}`);
}

function tryJson(text: string): GraphQLBody | undefined {
  try {
    const j = JSON.parse(text) as GraphQLBody;
    return j && typeof j === 'object' ? j : undefined;
  } catch {
    return undefined;
  }
}

function bodyMessage(text: string): string {
  const j = tryJson(text) as { errors?: unknown } | undefined;
  if (j?.errors !== undefined) {
    if (typeof j.errors === 'string') return j.errors;
    if (Array.isArray(j.errors)) return j.errors.map((e) => (e as GraphQLErrorBody)?.message ?? String(e)).join('; ');
    if (j.errors && typeof j.errors === 'object')
      return Object.entries(j.errors as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join('; ')
        .slice(0, 200);
    return String(j.errors).slice(0, 200);
  }
  return text.slice(0, 200);
}

/** The error a non-empty GraphQL `errors` array stands for; `cost` is what the call asked for. */
export function graphqlError(errs: GraphQLErrorBody[], status: ThrottleStatus | undefined, cost: number): ShopifyError {
  const codes = errs.map((e) => e.extensions?.code ?? '');
  const messages = errs.map((e) => e.message ?? '');
  if (codes.includes('THROTTLED')) {
    return shopifyErrors.throttled(status ? msUntilAvailable(status, cost) : undefined);
  }
  if (codes.includes('ACCESS_DENIED')) return shopifyErrors.missingScope(messages.join('; '));
  if (codes.includes('MAX_COST_EXCEEDED')) return shopifyErrors.costExceeded(messages.join('; '));
  if (codes.includes('INTERNAL_SERVER_ERROR')) return shopifyErrors.serverError(messages.join('; '));
  if (codes.includes('NOT_SUPPORTED_BY_EMULATOR') || messages.some((m) => /not supported by the .*emulator/i.test(m))) {
    return shopifyErrors.unsupported(messages.join('; '));
  }
  return shopifyErrors.graphqlInvalid(messages);
}
