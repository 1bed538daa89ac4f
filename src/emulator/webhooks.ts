// Webhook delivery as Shopify does it: after the change, to every matching subscription, signed with the app
// secret over the raw body, retried with exponential backoff on non-2xx or a 5 s timeout, order not guaranteed.
import { createHmac, randomUUID } from 'node:crypto';
import type { Faults } from './faults.js';
import { evaluate, matchText, compare, parseSearch, parseSearchDate } from './search.js';
import type { Shop, ShopEvent } from './shop.js';
import { gid, type WebhookSubscriptionRecord } from './state.js';
import { restTopic } from './topics.js';
import { Timers } from './timers.js';

export interface WebhookRetry {
  /** total attempts per delivery, the first included (default 8) */
  attempts: number;
  /** delay before the second attempt; doubles each time */
  baseDelayMs: number;
  /** how long a receiver may take before the attempt counts as failed (default 5000) */
  timeoutMs?: number;
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface WebhookDelivery {
  webhookId: string;
  eventId: string;
  topic: string;
  subscriptionId: string;
  uri: string;
  body: string;
  triggeredAt: string;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: DeliveryAttempt[];
  /** true for the extra copy sent by the duplicate fault */
  duplicate: boolean;
}

export interface DispatcherOptions {
  secret: string;
  shopDomain: string;
  apiVersion: string;
  retry: WebhookRetry;
  faults: () => Faults;
}

/** Base64 HMAC-SHA256 of the raw body, as in X-Shopify-Hmac-Sha256. */
export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

function pick(body: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (!fields.length) return body;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const [head, ...rest] = f.split('.');
    if (!(head in body)) continue;
    const v = body[head];
    if (rest.length && v && typeof v === 'object' && !Array.isArray(v)) {
      out[head] = { ...((out[head] as object) ?? {}), ...pick(v as Record<string, unknown>, [rest.join('.')]) };
    } else out[head] = v;
  }
  return out;
}

/** Does a webhook body pass a subscription's filter (Shopify search syntax over the payload's fields)? */
export function passesFilter(filter: string | null, body: Record<string, unknown>): boolean {
  if (!filter) return true;
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), body);
  return evaluate(parseSearch(filter), (t) => {
    if (!t.field) return undefined;
    const v = get(t.field);
    const values = Array.isArray(v) ? v : typeof v === 'string' && t.field === 'tags' ? v.split(',').map((s) => s.trim()) : [v];
    return values.some((x) => {
      if (t.op !== ':' && typeof x === 'number') return compare(x, t.op, Number(t.value));
      if (t.op !== ':' && typeof x === 'string') return compare(parseSearchDate(x, 0), t.op, parseSearchDate(t.value, 0));
      return matchText(x === null || x === undefined ? null : String(x), t.value);
    });
  });
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Timers();
  private inFlight = 0;
  private reorderBuffer: WebhookDelivery[] = [];
  private idleWaiters: Array<() => void> = [];
  closed = false;

  constructor(
    private readonly shop: Shop,
    private readonly opts: DispatcherOptions,
  ) {
    shop.onEvent((e) => this.onEvent(e));
  }

  private onEvent(e: ShopEvent): void {
    const subs = this.shop.data.subscriptions.filter((s) => restTopic(s.topic) === e.topic && passesFilter(s.filter, e.body));
    if (!subs.length) return;
    const eventId = randomUUID();
    for (const s of subs) this.enqueue(s, e, eventId);
  }

  private enqueue(s: WebhookSubscriptionRecord, e: ShopEvent, eventId: string): void {
    const faults = this.opts.faults();
    const d: WebhookDelivery = {
      webhookId: randomUUID(),
      eventId,
      topic: e.topic,
      subscriptionId: gid('WebhookSubscription', s.id),
      uri: s.uri,
      body: JSON.stringify(pick(e.body, s.includeFields)),
      triggeredAt: e.occurredAt,
      status: 'pending',
      attempts: [],
      duplicate: false,
    };
    this.deliveries.push(d);
    if (Math.random() < faults.dropWebhookRate) {
      d.status = 'dropped';
      return;
    }
    const copies = [d];
    if (Math.random() < faults.duplicateWebhookRate) {
      const dup = { ...d, attempts: [], duplicate: true };
      this.deliveries.push(dup);
      copies.push(dup);
    }
    for (const c of copies) {
      if (faults.reorderWebhooks) this.holdForReorder(c);
      else this.later(0, () => this.attempt(c));
    }
  }

  /** The reorder fault: deliveries collected for a short window go out last-first. */
  private holdForReorder(d: WebhookDelivery): void {
    this.reorderBuffer.push(d);
    if (this.reorderBuffer.length > 1) return;
    this.later(50, () => {
      const batch = this.reorderBuffer.reverse();
      this.reorderBuffer = [];
      for (const x of batch) void this.attempt(x);
    });
  }

  private later(ms: number, fn: () => void | Promise<void>): void {
    if (!this.closed) this.timers.later(ms, fn);
  }

  private async attempt(d: WebhookDelivery): Promise<void> {
    if (this.closed) return;
    this.inFlight++;
    const started = Date.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await fetch(d.uri, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Shopify-Captain-Hook',
          'X-Shopify-Topic': d.topic,
          'X-Shopify-Hmac-Sha256': signBody(d.body, this.opts.secret),
          'X-Shopify-Shop-Domain': this.opts.shopDomain,
          'X-Shopify-API-Version': this.opts.apiVersion,
          'X-Shopify-Webhook-Id': d.webhookId,
          'X-Shopify-Event-Id': d.eventId,
          'X-Shopify-Triggered-At': d.triggeredAt,
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.retry.timeoutMs ?? 5000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message;
    }
    d.attempts.push({ at: new Date().toISOString(), status, error, durationMs: Date.now() - started });
    this.inFlight--;
    if (!this.deliveries.includes(d)) return this.checkIdle(); // forgotten by a reset meanwhile
    if (status !== null && status >= 200 && status < 300) d.status = 'delivered';
    else if (d.attempts.length >= this.opts.retry.attempts) d.status = 'failed';
    else this.later(this.opts.retry.baseDelayMs * 2 ** (d.attempts.length - 1), () => this.attempt(d));
    this.checkIdle();
  }

  /** Number of deliveries still waiting for an attempt or a retry. */
  pending(): number {
    return this.deliveries.filter((d) => d.status === 'pending').length;
  }

  private checkIdle(): void {
    if (this.pending() > 0 || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once no delivery is pending (each has been delivered, failed for good, or dropped). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /** Forgets every delivery and stops retries (reset). */
  clear(): void {
    this.timers.clear();
    this.reorderBuffer = [];
    this.deliveries.length = 0;
    this.checkIdle();
  }

  close(): void {
    this.closed = true;
    this.clear();
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
  }
}
