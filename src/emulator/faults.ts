// Faults injected at run time through the control API: slow, failing or rate-limited GraphQL responses, hangs, another
// app draining the bucket, and webhooks dropped, duplicated or reordered.
import { getOperationAST, Kind, parse } from 'graphql';

export interface Faults {
  /** extra delay before every GraphQL response, ms */
  latencyMs: number;
  /** fraction (0..1) of GraphQL requests answered with `status` */
  errorRate: number;
  /** the status used by errorRate: a 5xx, or 429 (Too Many Requests, with Retry-After) as under REST-style limits */
  status: 500 | 502 | 503 | 429;
  /** the Retry-After a 429 answer carries, in seconds */
  retryAfterSeconds: number;
  /** fraction of GraphQL requests that never answer (the client must time out) */
  timeoutRate: number;
  /** fraction (0..1): drains that share of the bucket now and takes that share of its restore rate */
  throttlePressure: number;
  /** fraction of webhook deliveries silently dropped */
  dropWebhookRate: number;
  /** fraction of webhook deliveries sent twice (same X-Shopify-Webhook-Id) */
  duplicateWebhookRate: number;
  /** hold deliveries briefly and send them in reverse order */
  reorderWebhooks: boolean;
  /**
   * how many of the next mutations (of `lostResponseOf`, when set) are applied and their answers never sent: the
   * client times out although the write landed, as when a connection drops on the way back
   */
  lostResponses: number;
  /** root mutation field whose answers `lostResponses` loses (e.g. "customerCreate"); empty = any mutation */
  lostResponseOf: string;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  status: 500,
  retryAfterSeconds: 2,
  timeoutRate: 0,
  throttlePressure: 0,
  dropWebhookRate: 0,
  duplicateWebhookRate: 0,
  reorderWebhooks: false,
  lostResponses: 0,
  lostResponseOf: '',
};

const RATES = ['errorRate', 'timeoutRate', 'throttlePressure', 'dropWebhookRate', 'duplicateWebhookRate'] as const;

/** Merges a partial fault setting into the current one; throws a readable Error on a bad value. */
export function mergeFaults(current: Faults, patch: Record<string, unknown>): Faults {
  const next: Faults = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if ((RATES as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`${k} must be a number between 0 and 1`);
      (next as unknown as Record<string, number>)[k] = v;
    } else if (k === 'latencyMs') {
      if (typeof v !== 'number' || v < 0) throw new Error('latencyMs must be a number ≥ 0');
      next.latencyMs = v;
    } else if (k === 'status') {
      if (v !== 500 && v !== 502 && v !== 503 && v !== 429) throw new Error('status must be 500, 502, 503 or 429');
      next.status = v;
    } else if (k === 'retryAfterSeconds') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 3600)
        throw new Error('retryAfterSeconds must be a number of seconds between 0 and 3600');
      next.retryAfterSeconds = v;
    } else if (k === 'lostResponses') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error('lostResponses must be a whole number ≥ 0');
      next.lostResponses = v;
    } else if (k === 'lostResponseOf') {
      if (typeof v !== 'string' || !/^\w*$/.test(v))
        throw new Error('lostResponseOf must be a mutation field name such as "customerCreate", or ""');
      next.lostResponseOf = v;
    } else if (k === 'reorderWebhooks') {
      if (typeof v !== 'boolean') throw new Error('reorderWebhooks must be true or false');
      next.reorderWebhooks = v;
    } else {
      throw new Error(`unknown fault "${k}"; known: ${Object.keys(NO_FAULTS).join(', ')}`);
    }
  }
  return next;
}

/** Bodies Shopify answers with for the fault statuses (5xx from its edge, 429 from a REST-style rate limit). */
export const ERROR_BODIES: Record<number, Record<string, string>> = {
  429: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' },
  500: { errors: 'Internal Server Error' },
  502: { errors: 'Bad Gateway' },
  503: { errors: 'Service Unavailable' },
};

/** The Retry-After header of a 429 fault, written as Shopify writes it ("2.0"). */
export function retryAfterHeader(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

/** True when a GraphQL request body is a mutation whose answer the `lostResponses` fault should lose. */
export function losesResponse(faults: Faults, body: { query?: unknown; operationName?: unknown } | undefined): boolean {
  if (faults.lostResponses <= 0 || typeof body?.query !== 'string') return false;
  try {
    const op = getOperationAST(parse(body.query), typeof body.operationName === 'string' ? body.operationName : undefined);
    if (op?.operation !== 'mutation') return false;
    return (
      !faults.lostResponseOf || op.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === faults.lostResponseOf)
    );
  } catch {
    return false; // not a document: answered as Shopify would
  }
}
