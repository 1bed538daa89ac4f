// The Shopify webhook receiver, POST /webhooks/shopify/:tenant: checks the HMAC of the raw body with the tenant's
// app secret, stores the delivery once per webhook id with its queued job (a seen id is answered 200 and not applied
// again), ignores replays older than the window, and answers at once (Shopify waits 5 s).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Store } from '../store/db.js';
import { TenantRepository } from '../store/tenants.js';
import { verifyShopifyWebhook } from '../shopify/webhook-signature.js';
import { DELIVERY_CHECK_TOPIC, storeWebhook } from '../sync/inbound/events.js';
import type { WebhookReceiver } from '../sync/inbound/attach.js';

export interface WebhookRouteOptions extends WebhookReceiver {
  store: Pick<Store, 'db'>;
  /**
   * Deliveries whose X-Shopify-Triggered-At is older than this are answered 200 and not applied (0: no age check).
   * Default 48 hours: as long as Shopify goes on retrying a failed delivery, so no genuine retry is ever dropped.
   */
  maxAgeMs?: number;
  now?: () => number;
}

/** Shopify retries a failed delivery for up to 48 hours; an older delivery can only be a replay. */
export const DEFAULT_WEBHOOK_MAX_AGE_MS = 48 * 3600_000;

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

/** Shopify's webhook ids are UUIDs; anything this long or with other characters is not one of its deliveries. */
const WEBHOOK_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// One answer for every refusal: an unknown tenant, a missing secret and a wrong signature look the same from outside.
const refuse = (reply: FastifyReply) =>
  reply.code(401).send({ error: 'UNAUTHORIZED', message: 'the webhook signature is missing or invalid', status: 401 });

/**
 * The receiver as a Fastify plugin for buildApp's `plugins`.
 * @example buildApp({ store, plugins: [shopifyWebhookRoutes({ store, webhookSecret: (t) => secretOf(t) })] })
 */
export function shopifyWebhookRoutes(opts: WebhookRouteOptions): (app: FastifyInstance) => Promise<void> {
  const tenants = new TenantRepository(opts.store.db);
  const maxAge = opts.maxAgeMs ?? DEFAULT_WEBHOOK_MAX_AGE_MS;
  const now = opts.now ?? Date.now;
  return async (app) => {
    app.post<{ Params: { tenant: string } }>('/webhooks/shopify/:tenant', async (req, reply) => {
      const raw = req.rawBody ?? Buffer.alloc(0);
      const tenant = await tenants.byName(req.params.tenant);
      const secret = tenant ? await opts.webhookSecret(tenant) : undefined;
      if (!tenant || !secret || !verifyShopifyWebhook(raw, header(req.headers['x-shopify-hmac-sha256']), secret)) return refuse(reply);
      const shop = opts.shopDomain?.(tenant);
      const from = header(req.headers['x-shopify-shop-domain'])?.toLowerCase();
      if (shop && from && from !== shop.toLowerCase()) return refuse(reply);
      const webhookId = header(req.headers['x-shopify-webhook-id']);
      const topic = header(req.headers['x-shopify-topic']);
      if (!webhookId || !WEBHOOK_ID.test(webhookId) || !topic) {
        return reply
          .code(400)
          .send({ error: 'BAD_REQUEST', message: 'X-Shopify-Webhook-Id and X-Shopify-Topic are required', status: 400 });
      }
      // The bridge's own test delivery: verified like any other, never stored.
      if (topic.toLowerCase() === DELIVERY_CHECK_TOPIC) return reply.code(200).send({ received: true, check: true });
      // A replay of an old delivery (its signature is still good): acknowledged so the sender stops, never applied.
      const triggeredAt = header(req.headers['x-shopify-triggered-at']);
      const age = triggeredAt ? now() - Date.parse(triggeredAt) : NaN;
      if (maxAge > 0 && age > maxAge) {
        req.log.warn({ tenant: tenant.name, topic, webhookId, triggeredAt }, 'webhook older than the replay window ignored');
        return reply.code(200).send({ received: true, ignored: 'older than the replay window' });
      }
      const result = await storeWebhook(opts.store.db, {
        tenantId: tenant.id,
        webhookId,
        topic: topic.toLowerCase(),
        triggeredAt: triggeredAt ?? null,
        payload: raw.toString('utf8'),
      });
      if (result === 'stored') opts.onStored?.(tenant, topic);
      return reply.code(200).send({ received: true, duplicate: result === 'duplicate' });
    });
  };
}
