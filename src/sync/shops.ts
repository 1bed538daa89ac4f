// The Shopify connection of each tenant: settings.shopify with its secrets sealed at rest, one cached client per
// shop and credentials, one throttle store shared by all of them, and connector events counted in the metrics.
import { requestLogFields } from '../request-context.js';
import type { Logger } from './job-contract.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import { SecretBox } from '../security/secrets.js';
import type { Metrics } from '../metrics.js';
import type { BudgetHistory } from './budget.js';
import {
  createShopifyClient,
  ensureCustomIdDefinition,
  MemoryThrottleStore,
  normalizeShop,
  type ClientEvent,
  type ShopifyClient,
  type ShopifyClientOptions,
  type ThrottleStore,
} from '../shopify/index.js';

/** settings.shopify of a tenant, secrets in clear (as used), see sealShopSettings for the stored form. */
export interface ShopSettings {
  shop: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
}

const SECRET_KEYS = ['accessToken', 'clientSecret'] as const;

/** The stored form of a connection: the same object with the access token and client secret sealed. */
export function sealShopSettings(s: ShopSettings, box: SecretBox): Record<string, string> {
  const out: Record<string, string> = { shop: normalizeShop(s.shop) };
  if (s.apiBaseUrl) out.apiBaseUrl = s.apiBaseUrl.replace(/\/+$/, '');
  if (s.apiVersion) out.apiVersion = s.apiVersion;
  if (s.clientId) out.clientId = s.clientId;
  for (const k of SECRET_KEYS) {
    const v = s[k];
    if (v) out[k] = SecretBox.isSealed(v) ? v : box.seal(v);
  }
  return out;
}

/** Reads settings.shopify, opening sealed secrets; undefined when the tenant has no shop connected. */
export function readShopSettings(settings: Record<string, unknown>, box: SecretBox): ShopSettings | undefined {
  const raw = settings.shopify as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object' || typeof raw.shop !== 'string' || !raw.shop) return undefined;
  const text = (k: string) => (typeof raw[k] === 'string' && raw[k] !== '' ? (raw[k] as string) : undefined);
  const secret = (k: string) => {
    const v = text(k);
    return v && SecretBox.isSealed(v) ? box.open(v) : v;
  };
  const s: ShopSettings = { shop: raw.shop };
  const put = (k: keyof ShopSettings, v: string | undefined) => v !== undefined && (s[k] = v);
  put('apiBaseUrl', text('apiBaseUrl'));
  put('apiVersion', text('apiVersion'));
  put('clientId', text('clientId'));
  put('accessToken', secret('accessToken'));
  put('clientSecret', secret('clientSecret'));
  return s;
}

/** Connects a tenant to a shop (replacing any earlier connection); secrets are sealed before they are stored. */
export async function connectTenantShop(db: Kysely<Database>, tenantId: string, shop: ShopSettings, box: SecretBox): Promise<void> {
  if (!shop.accessToken && !(shop.clientId && shop.clientSecret))
    throw new Error('a shop connection needs an access token, or a client id with its client secret');
  const r = await new TenantRepository(db).changeSettings(tenantId, (settings) => {
    settings.shopify = sealShopSettings(shop, box);
  });
  if (!r) throw new Error(`no tenant with id ${tenantId}`);
}

export interface ShopConnectionsOptions {
  box: SecretBox;
  /** shared by every client; default in-memory (one process), a database-backed one lets instances share the budget */
  throttle?: ThrottleStore;
  /** defaults for the clients (timeouts, retries inside one job run), e.g. shorter in tests */
  client?: Partial<Pick<ShopifyClientOptions, 'timeoutMs' | 'retry' | 'fetch' | 'apiVersion'>>;
  metrics?: Metrics;
  /** keeps each shop's recent API budget use for the admin dashboard */
  budget?: BudgetHistory;
  /** one line per Shopify call (operation, attempt, status, duration), with the request id and job that caused it */
  log?: Logger;
}

/** One client per shop connection, made on first use and remade when the tenant's connection changes. */
export class ShopConnections {
  private readonly clients = new Map<string, ShopifyClient>();
  private readonly definitions = new Map<string, Promise<void>>();
  private readonly throttle: ThrottleStore;

  constructor(private readonly opts: ShopConnectionsOptions) {
    this.throttle = opts.throttle ?? new MemoryThrottleStore();
  }

  /** The tenant's client, or undefined when it has no shop connected. */
  clientFor(tenant: Pick<Tenant, 'settings'>): ShopifyClient | undefined {
    const s = readShopSettings(tenant.settings, this.opts.box);
    if (!s || (!s.accessToken && !(s.clientId && s.clientSecret))) return undefined;
    const key = JSON.stringify(s);
    let c = this.clients.get(key);
    if (!c) {
      c = createShopifyClient({
        shop: s.shop,
        apiVersion: s.apiVersion ?? this.opts.client?.apiVersion,
        baseUrl: s.apiBaseUrl,
        auth: s.accessToken
          ? { kind: 'token', accessToken: s.accessToken }
          : { kind: 'clientCredentials', clientId: s.clientId!, clientSecret: s.clientSecret! },
        throttle: this.throttle,
        timeoutMs: this.opts.client?.timeoutMs ?? 10_000,
        // Retries inside one job run are few and short; the outbox retries for longer with its own backoff.
        retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2000, ...this.opts.client?.retry },
        ...(this.opts.client?.fetch ? { fetch: this.opts.client.fetch } : {}),
        onEvent: (e) => this.count(s.shop, e),
      });
      this.clients.set(key, c);
    }
    return c;
  }

  /** Makes sure the shop has the custom-id metafield definition, once per process and shop (retried after a failure). */
  ensureCustomId(client: ShopifyClient, ns: { namespace: string; key: string }): Promise<void> {
    const key = `${client.graphqlUrl}|${ns.namespace}.${ns.key}`;
    let p = this.definitions.get(key);
    if (!p) {
      p = ensureCustomIdDefinition(client, ns).then(() => undefined);
      p.catch(() => this.definitions.delete(key));
      this.definitions.set(key, p);
    }
    return p;
  }

  private count(shop: string, e: ClientEvent): void {
    this.opts.budget?.record(normalizeShop(shop), e);
    if (this.opts.log && (e.type === 'request' || e.type === 'throttled' || e.type === 'retry')) {
      // Only names, numbers and codes: never variables, which hold personal data.
      const { type, ...fields } = e;
      const line = { shop: normalizeShop(shop), ...requestLogFields(), ...fields, ...(type === 'throttled' ? { status: undefined } : {}) };
      // Each call at debug (a busy shop makes many); a failed one at info.
      if (type === 'request') {
        if (e.code) this.opts.log.info(line, 'shopify call failed');
        else this.opts.log.debug?.(line, 'shopify call');
      } else this.opts.log.warn(line, type === 'retry' ? 'shopify call retried' : 'shopify call throttled');
    }
    const m = this.opts.metrics;
    if (!m) return;
    if (e.type === 'request') m.shopifyCalls.inc({ outcome: e.code ? e.code.toLowerCase() : 'ok' });
    if (e.type === 'cost') {
      m.shopifyCost.inc(e.actual);
      m.shopifyBucketAvailable.set({ shop: normalizeShop(shop) }, e.status.currentlyAvailable);
    }
    if (e.type === 'wait') {
      m.shopifyThrottleWaits.inc();
      m.shopifyThrottleWaitSeconds.inc(e.waitMs / 1000);
    }
    if (e.type === 'throttled') m.shopifyThrottled.inc();
  }
}
