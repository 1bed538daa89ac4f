// Starts the Shopify Admin API emulator: one shop, one app (static token + client credentials), Shopify's real
// schema, cost bucket, webhooks, bulk operations and a control API, in-process or as its own process.
import { isIP } from 'node:net';
import { SHOPIFY_API_VERSION_DEFAULT } from '../shopify/version.js';
import { AppAuth, randomHex } from './auth.js';
import { BulkRunner } from './bulk.js';
import { BulkMutationRunner } from './bulk-mutation.js';
import { CostBucket } from './bucket.js';
import { makeControl, type EmulatorControl, type EmulatorCounters } from './control.js';
import { registerControlRoutes } from './control-routes.js';
import { NO_FAULTS, type Faults } from './faults.js';
import { executePrepared, prepare } from './graphql/run.js';
import { debounced, loadState, saveState } from './persist.js';
import { buildServer, schemaFor } from './server.js';
import { Shop } from './shop.js';
import { StagedUploads } from './staged-uploads.js';
import { WebhookDispatcher, type WebhookRetry } from './webhooks.js';

export type { EmulatorControl, EmulatorCounters, CustomerSnapshot, StaffResult } from './control.js';
export type { Faults } from './faults.js';
export type { WebhookDelivery, WebhookRetry } from './webhooks.js';
export { signBody } from './webhooks.js';
export { SUPPORTED_ROOT_FIELDS } from './graphql/run.js';

export interface EmulatorOptions {
  /** 0 = random free port (default 0 in-process; the CLI defaults to 8081) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 'demo-shop.myshopify.com' */
  shop?: string;
  /** static X-Shopify-Access-Token accepted (default random 'shpat_' + hex) */
  accessToken?: string;
  /** client-credentials app; clientSecret also signs webhooks (default random) */
  clientId?: string;
  clientSecret?: string;
  /** lifetime of client-credentials tokens (default 86399) */
  tokenTtlSeconds?: number;
  /** points/s, default 100 (Standard) */
  restoreRate?: number;
  /** default 2000 */
  bucketSize?: number;
  /** shop plan display name, default 'Basic' */
  planName?: string;
  /** JSON file; state loaded at start and saved on change (debounced) and on close */
  persistFile?: string;
  /** injectable clock (ms) for tests of expiry, bucket and timestamps */
  now?: () => number;
  /** webhook retries: default 8 attempts, 60 s doubling (about 4 h in all), 5 s receiver timeout */
  webhookRetry?: WebhookRetry;
  /** delay between bulk operation status steps (CREATED -> RUNNING -> COMPLETED), default 25 ms */
  bulkStepMs?: number;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:40123 (the connector uses it as its API base URL) */
  url: string;
  /** `${url}/admin/api/<version>/graphql.json` for the pinned version */
  graphqlUrl: string;
  shop: string;
  accessToken: string;
  clientId: string;
  clientSecret: string;
  apiVersion: string;
  /** same operations as the HTTP control API, in-process */
  control: EmulatorControl;
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const clock = opts.now ?? Date.now;
  const host = opts.host ?? '127.0.0.1';
  const domain = opts.shop ?? 'demo-shop.myshopify.com';
  const apiVersion = SHOPIFY_API_VERSION_DEFAULT;
  if (!schemaFor(apiVersion)) throw new Error(`No Shopify Admin schema for the pinned API version ${apiVersion}`);
  const creds = {
    accessToken: opts.accessToken ?? `shpat_${randomHex(16)}`,
    clientId: opts.clientId ?? randomHex(16),
    clientSecret: opts.clientSecret ?? `shpss_${randomHex(16)}`,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 86399,
  };
  for (const [k, v] of [
    ['restoreRate', opts.restoreRate],
    ['bucketSize', opts.bucketSize],
  ] as const)
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`${k} must be a positive number (got ${v})`);

  const shopName = domain
    .replace(/\.myshopify\.com$/, '')
    .replace(/[-_]+/g, ' ')
    .replace(/\b\w/g, (c) => c.toUpperCase());
  const shop = new Shop({ domain, name: shopName, planName: opts.planName ?? 'Basic', currencyCode: 'USD' }, clock);
  const auth = new AppAuth(creds, clock);
  const bucket = new CostBucket(opts.bucketSize ?? 2000, opts.restoreRate ?? 100, clock);
  const faults: { current: Faults } = { current: { ...NO_FAULTS } };
  const counters: EmulatorCounters = {
    requests: 0,
    throttled: 0,
    maxCostExceeded: 0,
    costRequested: 0,
    costSpent: 0,
    mutations: 0,
    bulkMutationLines: 0,
    unauthorized: 0,
    faultErrors: 0,
    faultTimeouts: 0,
    webhooksDelivered: 0,
    webhooksFailed: 0,
    webhooksDropped: 0,
    webhooksPending: 0,
  };
  let baseUrl = '';

  const persist = opts.persistFile;
  if (persist) {
    const state = loadState(persist);
    shop.data = state.shop;
    for (const [t, exp] of state.tokens) auth.tokens.set(t, exp);
  }
  const saver = persist ? debounced(() => saveState(persist, { version: 1, shop: shop.data, tokens: [...auth.tokens] }), 100) : null;
  if (saver) shop.onChange(() => saver.schedule());

  const webhooks = new WebhookDispatcher(shop, {
    secret: creds.clientSecret,
    shopDomain: domain,
    apiVersion,
    retry: opts.webhookRetry ?? { attempts: 8, baseDelayMs: 60_000, timeoutMs: 5000 },
    faults: () => faults.current,
  });
  const schema = schemaFor(apiVersion)!;
  const scopes = ['read_customers', 'write_customers'];
  const uploads = new StagedUploads();
  const bulk: BulkRunner = new BulkRunner({
    shop,
    schema,
    stepMs: opts.bulkStepMs ?? 25,
    run: async (query) => {
      const p = prepare(schema, { query });
      if (!p.ok) return { prepareErrors: [JSON.stringify(p.result.body)] };
      return executePrepared(schema, p.doc, p.op, p.variables, {
        shop,
        apiVersion,
        scopes,
        baseUrl,
        bulk,
        bulkMutations,
        uploads,
        unbounded: true,
        searchWarnings: [],
      });
    },
  });
  const bulkMutations: BulkMutationRunner = new BulkMutationRunner({
    shop,
    schema,
    uploads,
    stepMs: opts.bulkStepMs ?? 25,
    context: (version) => ({
      shop,
      apiVersion: version,
      scopes,
      baseUrl,
      bulk,
      bulkMutations,
      uploads,
      unbounded: false,
      searchWarnings: [],
    }),
    onLine: () => counters.bulkMutationLines++,
  });
  bulk.resume();
  bulkMutations.resume();

  const onReset = () => {
    bulk.close();
    bulkMutations.close();
    uploads.clear();
  };
  const control = makeControl({ shop, auth, bucket, webhooks, counters, faults, onReset });
  const app = buildServer({ shop, auth, bucket, bulk, bulkMutations, uploads, counters, faults, baseUrl: () => baseUrl });
  const info = () => ({
    shop: domain,
    apiVersion,
    graphqlUrl: `${baseUrl}/admin/api/${apiVersion}/graphql.json`,
    clientId: creds.clientId,
  });
  registerControlRoutes(app, { control, shop, loopback: isLoopback(host), accessToken: creds.accessToken, info });

  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed = false;
  return {
    url: baseUrl,
    graphqlUrl: `${baseUrl}/admin/api/${apiVersion}/graphql.json`,
    shop: domain,
    apiVersion,
    ...creds,
    control,
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      bulk.close();
      bulkMutations.close();
      await app.close();
      if (persist) saveState(persist, { version: 1, shop: shop.data, tokens: [...auth.tokens] });
    },
  };
}
