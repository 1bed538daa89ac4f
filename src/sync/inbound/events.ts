// Shopify webhook deliveries kept durably: stored once per X-Shopify-Webhook-Id (a redelivery changes nothing) with
// a queued job keyed by customer, in one transaction, so acknowledging never waits for the work itself.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/types.js';
import type { Db } from '../../store/resources.js';
import { getWebhookEvent, insertWebhookEvent, markWebhookProcessed } from '../../store/webhook-events.js';
import { customerGid } from './payload.js';
import { mergeIds } from './merge.js';
import { INBOUND_QUEUE, type InboundJob } from './jobs.js';
import { enqueueJob } from '../jobs.js';
import { INBOUND_JOB_KIND } from '../job-kinds.js';

/**
 * The topic of the bridge's own signed test delivery (`shop check`): the receiver verifies it like any delivery and
 * answers `check: true` without storing it, so a check proves the receiver is reachable and holds the secret.
 */
export const DELIVERY_CHECK_TOPIC = 'shopify-scim/delivery-check';

export interface IncomingWebhook {
  tenantId: string;
  webhookId: string;
  topic: string;
  /** X-Shopify-Triggered-At, when sent */
  triggeredAt?: string | null;
  /** the body as received (verified bytes, as text) */
  payload: string;
}

export interface StoredWebhook {
  tenantId: string;
  webhookId: string;
  topic: string;
  receivedAt: string;
  triggeredAt: string | null;
  body: unknown;
  processedAt: string | null;
  outcome: string | null;
}

/** The ordering key of an event's job: one customer's events apply one at a time, oldest delivery first. */
export function inboundKey(topic: string, body: unknown): string {
  // A merge is ordered with the events of the customer merged away (its customers/delete among them).
  const merged = topic === 'customers/merge' ? mergeIds(body)?.deleted : undefined;
  const gid = merged ?? customerGid(body);
  return gid ? `customer:${gid}` : `topic:${topic}`;
}

/**
 * Stores a verified delivery and queues its processing; `duplicate` when this webhook id was stored before
 * (Shopify retries and the emulator's duplicate fault both resend the same id).
 */
export async function storeWebhook(db: Kysely<Database>, w: IncomingWebhook, now = Date.now()): Promise<'stored' | 'duplicate'> {
  let body: unknown;
  try {
    body = JSON.parse(w.payload);
  } catch {
    body = null;
  }
  return db.transaction().execute(async (tx) => {
    const inserted = await insertWebhookEvent(tx, {
      tenantId: w.tenantId,
      webhookId: w.webhookId,
      topic: w.topic,
      receivedAt: new Date(now).toISOString(),
      triggeredAt: w.triggeredAt ?? null,
      payload: w.payload,
    });
    if (!inserted) return 'duplicate';
    const payload: InboundJob = { webhookId: w.webhookId };
    await enqueueJob(tx, INBOUND_JOB_KIND, { tenantId: w.tenantId, queue: INBOUND_QUEUE, key: inboundKey(w.topic, body), payload, now });
    return 'stored';
  });
}

/** One stored delivery, or undefined. */
export async function loadWebhook(db: Db, tenantId: string, webhookId: string): Promise<StoredWebhook | undefined> {
  const r = await getWebhookEvent(db, tenantId, webhookId);
  if (!r) return undefined;
  let body: unknown = null;
  try {
    body = JSON.parse(r.payload);
  } catch {
    body = null;
  }
  const { payload: _text, ...rest } = r;
  return { ...rest, body };
}

/** Records that a delivery has been dealt with and how (applied, echo, stale, unlinked, …). */
export async function markProcessed(db: Db, tenantId: string, webhookId: string, outcome: string, now = Date.now()): Promise<void> {
  await markWebhookProcessed(db, tenantId, webhookId, outcome, new Date(now).toISOString());
}
