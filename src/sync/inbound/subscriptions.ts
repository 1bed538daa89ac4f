// The shop's webhook subscriptions for one tenant: every customer topic delivered to this bridge's receiver
// (`${PUBLIC_URL}/webhooks/shopify/<tenant>`), made when a tenant is connected and checked (or repaired) by reconcile.
import type { Tenant } from '../../store/tenants.js';
import type { ShopifyClient } from '../../shopify/client.js';
import {
  CUSTOMER_WEBHOOK_TOPICS,
  OPTIONAL_WEBHOOK_TOPICS,
  ensureWebhookSubscriptions,
  listWebhookSubscriptions,
  type EnsureWebhooksResult,
} from '../../shopify/webhooks.js';

export class SubscriptionError extends Error {
  constructor(
    readonly code: 'PUBLIC_URL_MISSING' | 'SHOP_NOT_CONNECTED',
    message: string,
  ) {
    super(message);
    this.name = 'SubscriptionError';
  }
}

/** Where Shopify delivers a tenant's webhooks. */
export function webhookCallbackUrl(publicUrl: string, tenantName: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/shopify/${encodeURIComponent(tenantName)}`;
}

export interface SubscriptionDeps {
  clientFor: (tenant: Tenant) => ShopifyClient | undefined;
  /** PUBLIC_URL: the address Shopify can reach this bridge at */
  publicUrl?: string;
}

function clientAndUri(deps: SubscriptionDeps, tenant: Tenant): { client: ShopifyClient; uri: string } {
  if (!deps.publicUrl)
    throw new SubscriptionError('PUBLIC_URL_MISSING', 'PUBLIC_URL must be set so that Shopify can deliver webhooks to this bridge');
  const client = deps.clientFor(tenant);
  if (!client) throw new SubscriptionError('SHOP_NOT_CONNECTED', `tenant "${tenant.name}" has no Shopify shop connected`);
  return { client, uri: webhookCallbackUrl(deps.publicUrl, tenant.name) };
}

/**
 * Subscribes the tenant's receiver to every customer topic, removing duplicates and stray topics for that address;
 * leaves other addresses alone. Safe to repeat.
 */
export async function ensureTenantWebhooks(deps: SubscriptionDeps, tenant: Tenant): Promise<EnsureWebhooksResult> {
  const { client, uri } = clientAndUri(deps, tenant);
  return ensureWebhookSubscriptions(client, { uri, topics: CUSTOMER_WEBHOOK_TOPICS, optional: OPTIONAL_WEBHOOK_TOPICS });
}

/** The customer topics the tenant's receiver is not subscribed to. */
export async function missingTenantWebhooks(deps: SubscriptionDeps, tenant: Tenant): Promise<string[]> {
  const { client, uri } = clientAndUri(deps, tenant);
  const have = new Set((await listWebhookSubscriptions(client)).filter((s) => s.uri === uri).map((s) => s.topic));
  return CUSTOMER_WEBHOOK_TOPICS.filter((t) => !have.has(t));
}
