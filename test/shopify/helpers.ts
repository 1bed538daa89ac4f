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
