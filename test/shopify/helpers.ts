// Starts an in-process emulator and a connector client pointed at it over real HTTP, with the client's events
// recorded, so each test file can drive the connector exactly as production would drive Shopify.
import { after } from 'node:test';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { createShopifyClient, type ClientEvent, type ShopifyClient, type ShopifyClientOptions } from '../../src/shopify/index.js';

export interface Harness {
  em: Emulator;
  client: ShopifyClient;
  events: ClientEvent[];
  /** Another client on the same emulator (e.g. with other auth or retry settings). */
  newClient(extra?: Partial<ShopifyClientOptions>): { client: ShopifyClient; events: ClientEvent[] };
}

/** An emulator for this test file (closed when the file ends) and a static-token client for it. */
export async function harness(emOpts: EmulatorOptions = {}, clientOpts: Partial<ShopifyClientOptions> = {}): Promise<Harness> {
  const em = await startEmulator({ bulkStepMs: 5, ...emOpts });
  after(() => em.close());
  const newClient = (extra: Partial<ShopifyClientOptions> = {}) => {
    const events: ClientEvent[] = [];
    const client = createShopifyClient({
      shop: em.shop,
      baseUrl: em.url,
      auth: { kind: 'token', accessToken: em.accessToken },
      retry: { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
      timeoutMs: 5000,
      ...clientOpts,
      ...extra,
      onEvent: (e) => {
        events.push(e);
        extra.onEvent?.(e);
      },
    });
    return { client, events };
  };
  const { client, events } = newClient();
  return { em, client, events, newClient };
}

let seq = 0;
/** A unique email for a test customer. */
export const email = (name = 'user') => `${name}.${process.pid}.${++seq}@example.com`;

/** What a burst of calls did to the emulator's bucket. */
export interface Burst {
  /** the reasons of the calls that failed */
  failures: string[];
  /** points charged during the burst */
  spent: number;
  /** the bucket's level when the burst started (full) */
  startLevel: number;
  seconds: number;
  /** points per second spent beyond the starting level: the rate the clients sustained */
  sustained: number;
  /** calls Shopify answered THROTTLED (the clients retried them) */
  throttled: number;
}

/** Lets the emulator's bucket fill up again, then starts every call of `calls` at once and measures the burst. */
export async function measureBurst(
  em: Emulator,
  bucket: { size: number; restoreRate: number },
  calls: () => Promise<unknown>[],
): Promise<Burst> {
  await new Promise((r) =>
    setTimeout(r, ((bucket.size - em.control.throttleStatus().currentlyAvailable) / bucket.restoreRate) * 1000 + 100),
  );
  const startLevel = em.control.throttleStatus().currentlyAvailable;
  const spentBefore = em.control.counters().costSpent;
  const throttledBefore = em.control.counters().throttled;
  const started = Date.now();
  const results = await Promise.allSettled(calls());
  const seconds = (Date.now() - started) / 1000;
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  const spent = em.control.counters().costSpent - spentBefore;
  return {
    failures,
    spent,
    startLevel,
    seconds,
    sustained: (spent - startLevel) / seconds,
    throttled: em.control.counters().throttled - throttledBefore,
  };
}
