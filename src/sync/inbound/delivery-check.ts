// Whether Shopify's webhooks can reach a tenant's receiver and pass it: a stored signing secret, every customer topic
// subscribed at this bridge's callback URL, and a signed test delivery the receiver accepts (`shop check` reports it).
import { randomUUID } from 'node:crypto';
import type { ShopifyClient } from '../../shopify/client.js';
import type { CheckProblem } from '../../shopify/check.js';
import { CUSTOMER_WEBHOOK_TOPICS, listWebhookSubscriptions } from '../../shopify/webhooks.js';
import { signShopifyWebhook } from '../../shopify/webhook-signature.js';
import { DELIVERY_CHECK_TOPIC } from './events.js';
import { webhookCallbackUrl } from './subscriptions.js';

export interface WebhookReadiness {
  /** where Shopify must deliver this tenant's webhooks; null without a public URL */
  callbackUrl: string | null;
  /** the secret the receiver verifies signatures with */
  secret: 'set' | 'not set';
  /** customer topics subscribed at callbackUrl */
  subscribed: string[];
  /** customer topics not subscribed at callbackUrl */
  missing: string[];
  /** this app's subscriptions to a receiver of the same tenant at another address (an old PUBLIC_URL) */
  elsewhere: { topic: string; uri: string }[];
  /** the signed test delivery to callbackUrl: the receiver's status, or the reason it was not reached */
  testDelivery: { status: number | null; ok: boolean; error?: string } | null;
  /** what stops webhooks from being applied: each one fails the check */
  problems: CheckProblem[];
  /** what could not be verified from here but may still work (the bridge cannot reach its own public URL) */
  warnings: CheckProblem[];
}

export interface DeliveryCheckInput {
  tenantName: string;
  shop: string;
  /** the tenant's Shopify client; undefined when its credentials cannot be used */
  client?: ShopifyClient;
  /** the address Shopify reaches this bridge at */
  publicUrl?: string;
  /** the stored signing secret, in clear */
  secret?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Checks webhook delivery for one tenant; never throws for a Shopify-side or network problem, it reports it. */
export async function checkWebhookDelivery(input: DeliveryCheckInput): Promise<WebhookReadiness> {
  const r: WebhookReadiness = {
    callbackUrl: input.publicUrl ? webhookCallbackUrl(input.publicUrl, input.tenantName) : null,
    secret: input.secret ? 'set' : 'not set',
    subscribed: [],
    missing: [],
    elsewhere: [],
    testDelivery: null,
    problems: [],
    warnings: [],
  };
  if (!input.secret)
    r.problems.push({
      code: 'WEBHOOK_SECRET_MISSING',
      message:
        'No webhook secret is stored, so every webhook Shopify sends is refused (401) and changes made in Shopify never reach the bridge: ' +
        "connect the shop again with webhookSecret (the custom app's API secret key) or with client credentials.",
    });
  if (!r.callbackUrl) {
    r.problems.push({
      code: 'PUBLIC_URL_MISSING',
      message:
        'PUBLIC_URL is not set, so Shopify has no address to deliver webhooks to: set it to the URL Shopify can reach this bridge at.',
    });
    return r;
  }
  const uri = r.callbackUrl;
  if (input.client) {
    try {
      const subs = await listWebhookSubscriptions(input.client);
      const suffix = new URL(uri).pathname;
      const here = new Set(subs.filter((s) => s.uri === uri).map((s) => s.topic));
      r.subscribed = CUSTOMER_WEBHOOK_TOPICS.filter((t) => here.has(t));
      r.missing = CUSTOMER_WEBHOOK_TOPICS.filter((t) => !here.has(t));
      r.elsewhere = subs.filter((s) => s.uri !== uri && safePath(s.uri) === suffix).map((s) => ({ topic: s.topic, uri: s.uri }));
    } catch (e) {
      r.problems.push({
        code: 'WEBHOOKS_UNREADABLE',
        message: `The shop's webhook subscriptions could not be read: ${e instanceof Error ? e.message : String(e)}.`,
      });
    }
    if (r.missing.length) {
      const old = [...new Set(r.elsewhere.map((s) => s.uri))];
      r.problems.push({
        code: 'WEBHOOKS_NOT_SUBSCRIBED',
        message:
          `${r.missing.length} customer topic(s) are not delivered to ${uri} (${r.missing.join(', ')})` +
          (old.length ? `; subscriptions point at ${old.join(', ')} instead` : '') +
          `: run \`shopify-scim webhooks ensure --tenant ${input.tenantName}\` (a repairing reconcile does it too).`,
      });
    }
  }
  if (input.secret) r.testDelivery = await testDelivery(input, uri, r);
  return r;
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** Sends one signed delivery of the check topic to the receiver, as Shopify would send a webhook. */
async function testDelivery(
  input: DeliveryCheckInput,
  uri: string,
  r: WebhookReadiness,
): Promise<NonNullable<WebhookReadiness['testDelivery']>> {
  const body = JSON.stringify({ check: randomUUID() });
  let res: Response;
  try {
    res = await (input.fetch ?? fetch)(uri, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': DELIVERY_CHECK_TOPIC,
        'x-shopify-hmac-sha256': signShopifyWebhook(body, input.secret!),
        'x-shopify-shop-domain': input.shop,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
    });
  } catch (e) {
    const error =
      e instanceof Error
        ? e.name === 'TimeoutError'
          ? 'no answer within 5 s'
          : String((e.cause as Error | undefined)?.message ?? e.message)
        : String(e);
    r.warnings.push({
      code: 'TEST_DELIVERY_UNREACHABLE',
      message: `A signed test delivery to ${uri} did not get through from the bridge itself (${error}): make sure Shopify can reach that address (a proxy that only the internet side can use is fine).`,
    });
    return { status: null, ok: false, error };
  }
  const answer = (await res.json().catch(() => undefined)) as { check?: unknown } | undefined;
  if (res.status === 200 && answer?.check === true) return { status: 200, ok: true };
  r.problems.push({
    code: 'TEST_DELIVERY_REFUSED',
    message:
      res.status === 401
        ? `The receiver at ${uri} refused a delivery signed with the stored secret (401): PUBLIC_URL leads to another bridge (another database or secret key), or to an older one.`
        : `The receiver at ${uri} answered a signed test delivery with HTTP ${res.status}: PUBLIC_URL does not lead to this bridge's webhook receiver.`,
  });
  return { status: res.status, ok: false };
}
