// Shared by the emulator's HTTP tests: start an emulator, call its GraphQL endpoint with fetch, and run a
// webhook receiver that records raw bodies and answers with scripted statuses.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export interface GqlResponse {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: any;
    extensions?: {
      cost?: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
      search?: any;
    };
  };
}

export interface TestEmulator {
  em: Emulator;
  gql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse>;
  /** like gql, but fails the test on GraphQL errors and returns data */
  data(query: string, variables?: Record<string, unknown>): Promise<Record<string, any>>;
}

export async function emulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const em = await startEmulator(opts);
  const gql = async (query: string, variables?: Record<string, unknown>, token = em.accessToken): Promise<GqlResponse> => {
    const res = await fetch(em.graphqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': token },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
  };
  const data = async (query: string, variables?: Record<string, unknown>) => {
    const r = await gql(query, variables);
    if (r.status !== 200 || r.body.errors || !r.body.data) throw new Error(`GraphQL failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  return { em, gql, data };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  json: any;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** statuses to answer with, in order; after the last one, 200 */
  script: number[];
  /** delay before answering, ms */
  delayMs: number;
  /** resolves once `n` requests have arrived */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function receiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: Array<() => void> = [];
  const r: Partial<Receiver> & { script: number[]; delayMs: number } = { script: [], delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, json: raw ? JSON.parse(raw) : null, at: Date.now() });
      waiters.splice(0).forEach((w) => w());
      const status = r.script.shift() ?? 200;
      setTimeout(() => res.writeHead(status).end(), r.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    async waitFor(n: number, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline)
          throw new Error(
            `expected ${n} webhooks, got ${received.length}: ${JSON.stringify(received.map((x) => x.headers['x-shopify-topic']))}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as Receiver;
}

/** Runs `fn` with a fresh emulator and a webhook receiver, closing both afterwards whatever happens. */
export async function withReceiver(opts: EmulatorOptions, fn: (t: TestEmulator, rx: Receiver) => Promise<void>): Promise<void> {
  const t = await emulator(opts);
  const rx = await receiver();
  try {
    await fn(t, rx);
  } finally {
    await t.em.close();
    await rx.close();
  }
}

export const CUSTOMER_FIELDS = 'id email phone firstName lastName tags state updatedAt createdAt';
