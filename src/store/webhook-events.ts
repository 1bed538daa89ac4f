// Shopify webhook deliveries as received (verified bytes), one row per webhook id and tenant, so a delivery Shopify
// retries is stored once; processing records when and how each was applied.
import type { Db } from './resources.js';

export interface WebhookEventRow {
  tenantId: string;
  webhookId: string;
  topic: string;
  receivedAt: string;
  triggeredAt: string | null;
  /** the body as received, as text */
  payload: string;
  processedAt: string | null;
  outcome: string | null;
}

/** Stores a delivery unless its webhook id was stored before; returns whether it was new. */
export async function insertWebhookEvent(
  db: Db,
  e: Pick<WebhookEventRow, 'tenantId' | 'webhookId' | 'topic' | 'receivedAt' | 'triggeredAt' | 'payload'>,
): Promise<boolean> {
  const r = await db
    .insertInto('webhook_events')
    .values({
      tenant_id: e.tenantId,
      webhook_id: e.webhookId,
      topic: e.topic,
      received_at: e.receivedAt,
      triggered_at: e.triggeredAt,
      payload: e.payload,
      processed_at: null,
      outcome: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'webhook_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getWebhookEvent(db: Db, tenantId: string, webhookId: string): Promise<WebhookEventRow | undefined> {
  const r = await db
    .selectFrom('webhook_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst();
  return (
    r && {
      tenantId: r.tenant_id,
      webhookId: r.webhook_id,
      topic: r.topic,
      receivedAt: r.received_at,
      triggeredAt: r.triggered_at,
      payload: r.payload,
      processedAt: r.processed_at,
      outcome: r.outcome,
    }
  );
}

/** Records that a delivery has been dealt with and how. */
export async function markWebhookProcessed(db: Db, tenantId: string, webhookId: string, outcome: string, at: string): Promise<void> {
  await db
    .updateTable('webhook_events')
    .set({ processed_at: at, outcome })
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId)
    .execute();
}
