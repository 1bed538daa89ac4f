// Webhook subscriptions of the shop for this app: list, create, delete, and `ensure`, which makes the set of
// topics delivered to one callback URL exactly the wanted one (other URLs' subscriptions are left alone).
import type { ShopifyClient } from './client.js';
import { documents } from './documents.js';
import { runMutation } from './operation.js';

/**
 * The customer topics the two-way sync listens to. Since API 2025-01 customer payloads carry neither tags nor
 * marketing consent: those come on their own topics (CUSTOMERS_MARKETING_CONSENT_UPDATE is the SMS consent).
 */
export const CUSTOMER_WEBHOOK_TOPICS = [
  'CUSTOMERS_CREATE',
  'CUSTOMERS_UPDATE',
  'CUSTOMERS_DELETE',
  'CUSTOMERS_ENABLE',
  'CUSTOMERS_DISABLE',
  'CUSTOMER_TAGS_ADDED',
  'CUSTOMER_TAGS_REMOVED',
  'CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE',
  'CUSTOMERS_MARKETING_CONSENT_UPDATE',
] as const;

/**
 * Wanted as well, but optional: customers/merge needs the read_customer_merge scope, which an app may not have; a
 * refused subscription is reported, never a reason to fail the others.
 */
export const OPTIONAL_WEBHOOK_TOPICS = ['CUSTOMERS_MERGE'] as const;

export interface WebhookSubscription {
  id: string;
  topic: string;
  uri: string;
  format: string;
  includeFields: string[];
  filter: string | null;
  apiVersion: string | null;
  createdAt: string;
}

type Node = Omit<WebhookSubscription, 'apiVersion'> & { apiVersion: { handle: string } | null };
type Connection = { nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const toSubscription = (n: Node): WebhookSubscription => ({ ...n, apiVersion: n.apiVersion?.handle ?? null });

/** Every webhook subscription of this app on the shop. */
export async function listWebhookSubscriptions(client: ShopifyClient): Promise<WebhookSubscription[]> {
  const out: WebhookSubscription[] = [];
  let after: string | null = null;
  for (;;) {
    const { data }: { data: { webhookSubscriptions: Connection } } = await client.request(documents.webhookSubscriptions, {
      first: 25,
      after,
    });
    out.push(...data.webhookSubscriptions.nodes.map(toSubscription));
    if (!data.webhookSubscriptions.pageInfo.hasNextPage) return out;
    after = data.webhookSubscriptions.pageInfo.endCursor;
  }
}

export interface CreateWebhookOptions {
  format?: 'JSON' | 'XML';
  includeFields?: string[];
  /** Shopify search syntax applied to the payload before delivery. */
  filter?: string;
}

/** Subscribes `uri` (https URL, or a Pub/Sub / EventBridge address) to `topic`. */
export async function createWebhookSubscription(
  client: ShopifyClient,
  topic: string,
  uri: string,
  opts: CreateWebhookOptions = {},
): Promise<WebhookSubscription> {
  const p = await runMutation<{ webhookSubscription: Node; userErrors: [] }>(
    client,
    documents.webhookSubscriptionCreate,
    'webhookSubscriptionCreate',
    {
      topic,
      webhookSubscription: { uri, format: opts.format ?? 'JSON', includeFields: opts.includeFields, filter: opts.filter },
    },
  );
  return toSubscription(p.webhookSubscription);
}

/** Removes one subscription. */
export async function deleteWebhookSubscription(client: ShopifyClient, id: string): Promise<void> {
  await runMutation(client, documents.webhookSubscriptionDelete, 'webhookSubscriptionDelete', { id });
}

export interface EnsureWebhooksResult {
  created: WebhookSubscription[];
  kept: WebhookSubscription[];
  deleted: WebhookSubscription[];
  /** optional topics Shopify refused to subscribe, with its reason */
  failed: { topic: string; message: string }[];
}

/**
 * Makes `uri` receive exactly `topics`: creates the missing ones, deletes subscriptions of `uri` to other topics
 * and duplicates; subscriptions to other URLs are not touched. Safe to repeat (reconcile runs it).
 */
export async function ensureWebhookSubscriptions(
  client: ShopifyClient,
  opts: { uri: string; topics?: readonly string[]; optional?: readonly string[] } & CreateWebhookOptions,
): Promise<EnsureWebhooksResult> {
  const optional = new Set(opts.optional ?? []);
  const topics = new Set([...(opts.topics ?? CUSTOMER_WEBHOOK_TOPICS), ...optional]);
  const existing = (await listWebhookSubscriptions(client)).filter((s) => s.uri === opts.uri);
  const result: EnsureWebhooksResult = { created: [], kept: [], deleted: [], failed: [] };
  const seen = new Set<string>();
  for (const s of existing) {
    if (topics.has(s.topic) && !seen.has(s.topic) && (s.format ?? 'JSON') === (opts.format ?? 'JSON')) {
      seen.add(s.topic);
      result.kept.push(s);
    } else {
      await deleteWebhookSubscription(client, s.id);
      result.deleted.push(s);
    }
  }
  for (const topic of topics) {
    if (seen.has(topic)) continue;
    try {
      result.created.push(await createWebhookSubscription(client, topic, opts.uri, opts));
    } catch (e) {
      if (!optional.has(topic)) throw e;
      result.failed.push({ topic, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}
