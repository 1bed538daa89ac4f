// Reads Shopify's REST-shaped webhook bodies: which customer an event is about, when Shopify says it changed, and
// the customer as the reverse mapping sees it. Fields a payload lacks stay absent, so the mapping leaves them be.
import type { ShopifyCustomerView } from '../../mapping/targets.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** `gid://shopify/Customer/<n>` of the customer a payload is about, or undefined. */
export function customerGid(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  const candidates = [body.admin_graphql_api_id, body.customerId, body.customer_id, body.id];
  for (const c of candidates) {
    if (typeof c === 'string' && /^gid:\/\/shopify\/Customer\/\d+$/.test(c)) return c;
    if ((typeof c === 'number' && Number.isSafeInteger(c)) || (typeof c === 'string' && /^\d+$/.test(c)))
      return `gid://shopify/Customer/${c}`;
  }
  return undefined;
}

/** Shopify's updated_at of the state a payload carries, normalised to ISO-8601 UTC; undefined when it has none. */
export function payloadUpdatedAt(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  const raw = body.updated_at ?? body.updatedAt ?? body.occurredAt;
  if (typeof raw !== 'string') return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function addressView(a: unknown): ShopifyCustomerView['defaultAddress'] {
  if (!isObj(a)) return null;
  return {
    firstName: text(a.first_name),
    lastName: text(a.last_name),
    company: text(a.company),
    address1: text(a.address1),
    address2: text(a.address2),
    city: text(a.city),
    province: text(a.province),
    provinceCode: text(a.province_code),
    country: text(a.country ?? a.country_name),
    countryCode: text(a.country_code),
    zip: text(a.zip),
    phone: text(a.phone),
  };
}

/** A REST consent object (`{state: "subscribed", opt_in_level, consent_updated_at, …}`) as the mapping reads it. */
function consentOf(c: unknown): { marketingState: string } | null {
  if (!isObj(c) || typeof c.state !== 'string' || c.state === '') return null;
  return { marketingState: c.state.toUpperCase() };
}

/** The REST payload key of each consent, and the view key it is read into. */
const CONSENT_KEYS = [
  ['email_marketing_consent', 'emailMarketingConsent'],
  ['sms_marketing_consent', 'smsMarketingConsent'],
] as const;

/**
 * The customer of a customers/* payload as the mapping reads it. Only keys the payload has are set: since API
 * 2025-01 a customer payload carries no tags or marketing consent (older versions' payloads still do, and are read),
 * and none carries metafields.
 */
export function customerView(body: unknown): ShopifyCustomerView {
  if (!isObj(body)) return {};
  const view: ShopifyCustomerView = {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(body, k);
  if (has('first_name')) view.firstName = text(body.first_name);
  if (has('last_name')) view.lastName = text(body.last_name);
  if (has('email')) view.email = text(body.email);
  if (has('phone')) view.phone = text(body.phone);
  if (has('note')) view.note = text(body.note);
  if (has('locale')) view.locale = text(body.locale);
  if (has('default_address')) view.defaultAddress = addressView(body.default_address);
  if (Array.isArray(body.tags)) view.tags = body.tags.map(String);
  else if (typeof body.tags === 'string')
    view.tags = body.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  Object.assign(view, consentView(body));
  return view;
}

/**
 * Only the marketing consent a payload carries: the whole of what customers/email_marketing_consent_update
 * (`{customer_id, email_address, email_marketing_consent}`) and customers/marketing_consent_update (`{id, phone,
 * sms_marketing_consent}`, the SMS consent) say about the customer. Their email and phone are left out: these
 * payloads have no updated_at, so they cannot be ordered against the customer's other changes.
 */
export function consentView(body: unknown): ShopifyCustomerView {
  if (!isObj(body)) return {};
  const view: ShopifyCustomerView = {};
  for (const [rest, key] of CONSENT_KEYS) if (Object.prototype.hasOwnProperty.call(body, rest)) view[key] = consentOf(body[rest]);
  return view;
}

/** The tags named by a customer_tags/added or customer_tags/removed payload. */
export function tagList(body: unknown): string[] {
  if (!isObj(body)) return [];
  const t = body.tags;
  if (Array.isArray(t)) return t.map(String).filter(Boolean);
  if (typeof t === 'string')
    return t
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return [];
}
