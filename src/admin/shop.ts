// A tenant's Shopify connection as the merchant edits it: the shop domain with a static token or client credentials
// (sealed before they are stored, shown only as "set"), a check that says what works, and disconnecting.
import { z } from 'zod';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import { connectTenantShop, readShopSettings, type ShopSettings } from '../sync/shops.js';
import { checkShopify, type CheckReport } from '../shopify/check.js';
import { normalizeShop } from '../shopify/index.js';
import { adminErrors, issueLines } from './errors.js';
import { shopsOf, updateSettings, type AdminDeps } from './context.js';
import { checkWebhookDelivery, type WebhookReadiness } from '../sync/inbound/delivery-check.js';
import { audit } from '../store/resources.js';

export interface ShopView {
  connected: boolean;
  shop?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  auth?: 'token' | 'clientCredentials';
  clientId?: string;
  accessToken?: 'set' | 'not set';
  clientSecret?: 'set' | 'not set';
  /** the outcome of subscribing the shop's customer webhooks right after connecting */
  webhooks?: { ok: true; [k: string]: unknown } | { ok: false; error: string };
}

/** The connection without its secrets (read from the stored form, so no key is needed). */
export function shopView(settings: Record<string, unknown>): ShopView {
  const raw = settings.shopify as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object' || typeof raw.shop !== 'string' || !raw.shop) return { connected: false };
  const has = (k: string) => (typeof raw[k] === 'string' && raw[k] !== '' ? 'set' : 'not set');
  const text = (k: string) => (typeof raw[k] === 'string' && raw[k] !== '' ? { [k]: raw[k] as string } : {});
  return {
    connected: true,
    shop: raw.shop,
    ...text('apiBaseUrl'),
    ...text('apiVersion'),
    auth: has('accessToken') === 'set' ? 'token' : 'clientCredentials',
    ...text('clientId'),
    accessToken: has('accessToken'),
    clientSecret: has('clientSecret'),
  };
}

const input = z.strictObject({
  shop: z
    .string()
    .transform((s) =>
      s
        .trim()
        .replace(/^https?:\/\//i, '')
        .replace(/\/+$/, '')
        .toLowerCase(),
    )
    .pipe(z.string().regex(/^[a-z0-9][a-z0-9-]*(\.myshopify\.com)?$/, 'must be the shop domain, e.g. my-store.myshopify.com')),
  accessToken: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** with an accessToken (required then): the custom app's API secret key, which signs the shop's webhooks */
  webhookSecret: z.string().min(1).optional(),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}$|^unstable$/, 'must look like 2026-10')
    .optional(),
  /** another address for the Admin API, e.g. the emulator's http://127.0.0.1:8081 */
  apiBaseUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
});

/**
 * Connects the tenant to a shop (replacing the connection). Credentials left out are kept when the shop stays the
 * same, so changing the API version does not mean pasting the token again. With a static token the webhook secret is
 * required (without it no webhook would pass the receiver). The credentials are checked against the shop first: a
 * connection that fails its check is refused with the reasons (422 SHOP_CHECK_FAILED) and nothing is stored.
 */
export async function connectShop(
  deps: AdminDeps,
  tenant: Tenant,
  body: unknown,
  opts: { fetch?: typeof fetch } = {},
): Promise<ShopView & { check: CheckReport }> {
  const r = input.safeParse(body ?? {});
  if (!r.success) {
    const lines = issueLines(r.error.issues, 'shop');
    throw adminErrors.invalidShop(`the shop connection has ${lines.length} problem${lines.length === 1 ? '' : 's'}: ${lines.join('; ')}`, {
      errors: lines,
    });
  }
  const v = r.data;
  if (v.accessToken && (v.clientId || v.clientSecret))
    throw adminErrors.invalidShop('give an accessToken, or a clientId with its clientSecret, not both');
  if (v.webhookSecret && (v.clientId || v.clientSecret))
    throw adminErrors.invalidShop('webhookSecret goes with an accessToken; with client credentials the clientSecret signs webhooks');
  if (!deps.box)
    throw adminErrors.secretsUnavailable(
      'the server has no secret key, so Shopify credentials cannot be stored; set SECRET_KEY or let the server create its key file',
    );
  const shop = normalizeShop(v.shop);
  let before: ShopSettings | undefined;
  try {
    before = readShopSettings(tenant.settings, deps.box);
  } catch {
    before = undefined; // sealed with another key: the credentials must be given again
  }
  const same = before?.shop === shop ? before : undefined;
  const next: ShopSettings = { shop };
  if (v.apiBaseUrl) next.apiBaseUrl = v.apiBaseUrl;
  if (v.apiVersion) next.apiVersion = v.apiVersion;
  if (v.accessToken || (v.webhookSecret && same?.accessToken)) {
    next.accessToken = v.accessToken ?? same!.accessToken;
    // Stored where client credentials keep their secret: it is the key webhooks are verified with.
    const secret = v.webhookSecret ?? (same?.accessToken ? same.clientSecret : undefined);
    if (!secret) throw adminErrors.invalidShop(MISSING_WEBHOOK_SECRET);
    next.clientSecret = secret;
  } else if (v.webhookSecret) {
    throw adminErrors.invalidShop('webhookSecret goes with an accessToken: give the accessToken too');
  } else if (v.clientId || v.clientSecret) {
    const keepSecret = !v.clientSecret && same && same.clientId === v.clientId ? same.clientSecret : undefined;
    if (!v.clientId || !(v.clientSecret ?? keepSecret))
      throw adminErrors.invalidShop('client credentials need both clientId and clientSecret');
    next.clientId = v.clientId;
    next.clientSecret = v.clientSecret ?? keepSecret;
  } else {
    if (!same || !(same.accessToken || (same.clientId && same.clientSecret))) {
      throw adminErrors.invalidShop('give an accessToken (with its webhookSecret), or a clientId with its clientSecret');
    }
    if (same.accessToken) {
      if (!same.clientSecret) throw adminErrors.invalidShop(MISSING_WEBHOOK_SECRET);
      Object.assign(next, { accessToken: same.accessToken, clientSecret: same.clientSecret });
    } else Object.assign(next, { clientId: same.clientId, clientSecret: same.clientSecret });
  }
  // Before anything is stored: a connection Shopify refuses (or cannot be reached with) would only fail every sync.
  const check = await checkShopify({ ...checkInput(next), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  if (!check.ok) {
    const lines = check.problems.map((p) => p.message);
    throw adminErrors.shopCheckFailed(`the shop connection was not saved: ${lines.join(' ')}`, { problems: check.problems });
  }
  await connectTenantShop(deps.db, tenant.id, next, deps.box);
  const settings = (await new TenantRepository(deps.db).byId(tenant.id))?.settings ?? {};
  const view: ShopView & { check: CheckReport } = { ...shopView(settings), check };
  // which shop and how it authenticates; never the token or the secret
  await audit(deps.db, {
    tenantId: tenant.id,
    actor: deps.actor,
    action: 'shop.connect',
    resourceType: 'Shop',
    resourceId: shop,
    detail: { shop, auth: view.auth ?? null, ...(next.apiVersion ? { apiVersion: next.apiVersion } : {}) },
  });
  if (deps.onShopConnected) {
    // Changes made in Shopify come back only through webhooks: subscribe now, and say so when it cannot be done.
    try {
      view.webhooks = { ok: true, ...((await deps.onShopConnected({ ...tenant, settings })) as Record<string, unknown>) };
    } catch (e) {
      view.webhooks = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return view;
}

const MISSING_WEBHOOK_SECRET =
  "an accessToken needs its webhookSecret: the custom app's API secret key (in the app's API credentials, next to the token), " +
  'which signs the webhooks Shopify sends; without it every change made in Shopify is refused and two-way sync stops';

/** What checkShopify needs from a connection. */
function checkInput(s: ShopSettings) {
  return {
    shop: s.shop,
    accessToken: s.accessToken,
    clientId: s.clientId,
    clientSecret: s.accessToken ? undefined : s.clientSecret,
    apiVersion: s.apiVersion,
    baseUrl: s.apiBaseUrl,
  };
}

/** Forgets the shop connection; the engine stops writing to Shopify (jobs wait, retrying, until one is connected). */
export async function disconnectShop(deps: AdminDeps, tenant: Tenant): Promise<void> {
  await updateSettings(deps, tenant.id, async (s, tx) => {
    if (!s.shopify) throw adminErrors.shopNotConnected(`tenant "${tenant.name}" has no shop connected`);
    const shop = (s.shopify as { shop?: unknown }).shop;
    delete s.shopify;
    await audit(tx, {
      tenantId: tenant.id,
      actor: deps.actor,
      action: 'shop.disconnect',
      resourceType: 'Shop',
      resourceId: typeof shop === 'string' ? shop : null,
    });
  });
}

/** What the shop check says: the connection (scopes, API version, customer data) and webhook delivery to this bridge. */
export type ShopCheckReport = CheckReport & { webhooks: WebhookReadiness };

/**
 * Connects with the stored credentials and reports what works: scopes, API version, access to customer data, and
 * whether Shopify's webhooks reach this bridge and pass its receiver (secret stored, topics subscribed at the
 * callback URL, a signed test delivery accepted).
 */
export async function checkShop(deps: AdminDeps, tenant: Tenant, opts: { fetch?: typeof fetch } = {}): Promise<ShopCheckReport> {
  if (!shopView(tenant.settings).connected)
    throw adminErrors.shopNotConnected(`tenant "${tenant.name}" has no shop connected: PUT …/shop first`);
  if (!deps.box) throw adminErrors.secretsUnavailable('the server has no secret key, so the stored credentials cannot be read');
  let s: ShopSettings | undefined;
  try {
    s = readShopSettings(tenant.settings, deps.box);
  } catch {
    throw adminErrors.invalidShop('the stored credentials were sealed with another secret key: connect the shop again');
  }
  const report = await checkShopify({ ...checkInput(s!), ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const webhooks = await checkWebhookDelivery({
    tenantName: tenant.name,
    shop: s!.shop,
    // Subscriptions are read only with credentials the shop accepts; the report already says why otherwise.
    client: report.info ? shopsOf(deps)?.clientFor(tenant) : undefined,
    publicUrl: deps.publicUrl,
    secret: s!.clientSecret,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  report.problems.push(...webhooks.problems);
  report.ok = report.problems.length === 0;
  return { ...report, webhooks };
}
