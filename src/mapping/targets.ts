// The Shopify side of a rule: the customer the mapping wants (DesiredCustomer), how a value is shaped and checked
// for each kind of target, and how a target is read back from a Shopify customer for the reverse direction.
import type { AddressField, CustomerField, MetafieldType, Target } from './document.js';
import { OPT_IN_LEVELS } from './document.js';
import { emailProblem, normalizeLocale } from './checks.js';
import { countryCodeOf } from './countries.js';
import { formatDate } from './dates.js';
import { isE164, normalizePhone } from './phone.js';
import type { ProblemCode } from './problems.js';
import { cleanTag } from './tags.js';
import { all, first, str, type Scalar, type Value } from './values.js';

/** Field values: a string sets the field, null clears it (a mapped attribute went away), absent leaves it alone. */
export type DesiredAddress = { [K in AddressField]?: string | null };

export interface DesiredMetafield {
  namespace: string;
  key: string;
  type: MetafieldType;
  /** the value as Shopify stores it (always a string); null deletes the metafield */
  value: string | null;
}

export type OptInLevel = (typeof OPT_IN_LEVELS)[number];

export interface MarketingConsent {
  marketingState: 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'PENDING';
  marketingOptInLevel?: OptInLevel;
}

/** The customer fields a rule can target directly (CUSTOMER_FIELDS), each a string or null. */
type CustomerFieldValues = { [K in CustomerField]?: string | null };

/** The Shopify customer a SCIM user should become, as far as the mapping decides it. */
export interface DesiredCustomer extends CustomerFieldValues {
  /** undefined: no address rule ran; null: address rules ran and found nothing */
  defaultAddress?: DesiredAddress | null;
  /** the managed tags only; other tags on the customer are not the mapping's business (see diffTags) */
  tags: string[];
  metafields: DesiredMetafield[];
  emailMarketingConsent?: MarketingConsent;
  smsMarketingConsent?: MarketingConsent;
}

/** A readable name of a target for traces and messages: `email`, `defaultAddress.city`, `metafield hr.team`. */
export function targetLabel(t: Target): string {
  switch (t.kind) {
    case 'field':
      return t.field;
    case 'address':
      return `defaultAddress.${t.field}`;
    case 'metafield':
      return `metafield ${t.namespace}.${t.key}`;
    default:
      return t.kind;
  }
}

/** A key shared by targets that hold one value (tags hold many, so they have none). */
export function singleTargetKey(t: Target): string | undefined {
  switch (t.kind) {
    case 'tag':
      return undefined;
    case 'metafield':
      return `metafield:${t.namespace.toLowerCase()}.${t.key.toLowerCase()}`;
    case 'field':
    case 'address':
      return `${t.kind}:${t.field}`;
    default:
      return t.kind;
  }
}

export type Prepared =
  { ok: true; value: string | string[] | MarketingConsent | undefined; note?: string } | { ok: false; code: ProblemCode; reason: string };

const bad = (code: ProblemCode, reason: string): Prepared => ({ ok: false, code, reason });

function text(v: Value): string | undefined {
  const s = first(v);
  if (s === undefined) return undefined;
  const t = str(s).trim();
  return t === '' ? undefined : t;
}

function phone(v: Value, defaultCountry: string | undefined): Prepared {
  const s = text(v);
  if (s === undefined || isE164(s)) return { ok: true, value: s };
  const r = normalizePhone(s, defaultCountry);
  return r.ok ? { ok: true, value: r.e164 } : bad('invalidPhone', `the value ${r.reason}`);
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'subscribed']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'unsubscribed', 'not_subscribed']);

function toBoolean(s: Scalar): boolean | undefined {
  if (typeof s === 'boolean') return s;
  const l = str(s).trim().toLowerCase();
  return TRUE.has(l) ? true : FALSE.has(l) ? false : undefined;
}

function consent(v: Value, optInLevel: OptInLevel | undefined): Prepared {
  const s = first(v);
  if (s === undefined) return { ok: true, value: undefined };
  const state = str(s).trim().toUpperCase();
  const b = state === 'PENDING' ? undefined : toBoolean(s);
  if (state !== 'PENDING' && b === undefined)
    return bad('invalidConsent', 'the value is neither a yes/no nor a marketing state (SUBSCRIBED, UNSUBSCRIBED, PENDING)');
  const c: MarketingConsent = { marketingState: state === 'PENDING' ? 'PENDING' : b ? 'SUBSCRIBED' : 'UNSUBSCRIBED' };
  if (optInLevel && c.marketingState !== 'UNSUBSCRIBED') c.marketingOptInLevel = optInLevel;
  return { ok: true, value: c };
}

const URL_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'sms:', 'tel:']);

function metafieldValue(type: MetafieldType, v: Value): Prepared {
  const invalid = (reason: string) => bad('invalidMetafieldValue', `the value ${reason} (metafield type ${type})`);
  if (v === undefined) return { ok: true, value: undefined };
  const s = first(v);
  if (s === undefined) return { ok: true, value: undefined };
  switch (type) {
    case 'single_line_text_field':
      return {
        ok: true,
        value: str(s)
          .replace(/\s*[\r\n]+\s*/g, ' ')
          .trim(),
      };
    case 'multi_line_text_field':
      return { ok: true, value: all(v).map(str).join('\n') };
    case 'number_integer': {
      const t = str(s).trim();
      if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(Number(t))) return invalid('is not a whole number');
      return { ok: true, value: String(Number(t)) };
    }
    case 'number_decimal': {
      const t = str(s).trim();
      if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return invalid('is not a decimal number');
      return { ok: true, value: t.replace(/^\+/, '') };
    }
    case 'boolean': {
      const b = toBoolean(s);
      return b === undefined ? invalid('is not true or false') : { ok: true, value: String(b) };
    }
    case 'date':
    case 'date_time': {
      const r = formatDate(str(s), type === 'date' ? 'date' : 'dateTime');
      return r.ok ? { ok: true, value: r.value } : invalid(r.reason);
    }
    case 'json':
      return { ok: true, value: JSON.stringify(Array.isArray(v) ? v : s) };
    case 'url': {
      const t = str(s).trim();
      let u: URL;
      try {
        u = new URL(t);
      } catch {
        return invalid('is not a URL');
      }
      return URL_SCHEMES.has(u.protocol)
        ? { ok: true, value: t }
        : invalid('has a URL scheme Shopify does not accept (http, https, mailto, sms, tel)');
    }
    case 'id': {
      const t = str(s).trim();
      return t.length > 2048 ? invalid('is longer than 2048 characters') : { ok: true, value: t };
    }
  }
}

function field(f: CustomerField, v: Value, defaultCountry: string | undefined): Prepared {
  if (f === 'phone') return phone(v, defaultCountry);
  const s = text(v);
  if (s === undefined) return { ok: true, value: undefined };
  if (f === 'email') {
    const why = emailProblem(s);
    return why ? bad('invalidEmail', `the value ${why}`) : { ok: true, value: s };
  }
  if (f === 'locale') {
    const l = normalizeLocale(s);
    return l ? { ok: true, value: l } : bad('invalidLocale', 'the value is not a language tag such as en or en-US');
  }
  if (f === 'note') return { ok: true, value: all(v).map(str).join('\n') };
  return { ok: true, value: s };
}

function address(f: AddressField, v: Value, defaultCountry: string | undefined): Prepared {
  if (f === 'phone') return phone(v, defaultCountry);
  const s = text(v);
  if (s === undefined) return { ok: true, value: undefined };
  if (f === 'countryCode') {
    // A code or a name ("US", "usa", "United States"): Shopify's CountryCode enum takes only the code.
    const c = countryCodeOf(s);
    return c ? { ok: true, value: c } : bad('invalidCountryCode', 'the value is neither a country code Shopify knows nor the name of one');
  }
  return { ok: true, value: s };
}

/**
 * Shapes and checks a transformed value for its target: the string (or tag list, or consent) Shopify will be sent,
 * undefined when there is nothing to send, or the problem Shopify would have with it.
 */
export function prepareTargetValue(t: Target, v: Value, defaultCountry?: string): Prepared {
  switch (t.kind) {
    case 'field':
      return field(t.field, v, defaultCountry);
    case 'address':
      return address(t.field, v, defaultCountry);
    case 'metafield':
      return metafieldValue(t.type, v);
    case 'tag': {
      const tags: string[] = [];
      const notes: string[] = [];
      for (const s of all(v)) {
        const c = cleanTag(str(s));
        if (c.ok) tags.push(c.tag);
        if (c.ok && c.note) notes.push(`a tag ${c.note}`);
      }
      return { ok: true, value: tags.length ? tags : undefined, ...(notes.length ? { note: notes.join('; ') } : {}) };
    }
    case 'emailMarketingConsent':
    case 'smsMarketingConsent':
      return consent(v, t.optInLevel);
  }
}

// ---- reverse: reading a target from a customer as Shopify reports it

/** A Shopify customer as the reverse mapping reads it (GraphQL or webhook shape, fields optional). */
export interface ShopifyCustomerView extends CustomerFieldValues {
  tags?: string[];
  defaultAddress?: Partial<Record<AddressField, string | null>> | null;
  metafields?: { namespace: string; key: string; type?: string; value: string | null }[];
  emailMarketingConsent?: { marketingState: string } | null;
  smsMarketingConsent?: { marketingState: string } | null;
}

export type TargetRead = { present: false } | { present: true; value: Value };

function parseMetafield(type: MetafieldType, raw: string): Value {
  switch (type) {
    case 'number_integer':
    case 'number_decimal': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'json': {
      try {
        const j: unknown = JSON.parse(raw);
        if (typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
        if (Array.isArray(j) && j.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return j as Scalar[];
      } catch {
        // not JSON: fall through to the raw text
      }
      return raw;
    }
    default:
      return raw;
  }
}

/** Reads a target's current value from a Shopify customer; `present: false` when the customer view lacks it. */
export function readTarget(t: Target, c: ShopifyCustomerView): TargetRead {
  const has = (o: object | null | undefined, k: string) => o !== null && o !== undefined && Object.prototype.hasOwnProperty.call(o, k);
  const scalar = (x: unknown): Value => (typeof x === 'string' && x.trim() !== '' ? x : undefined);
  switch (t.kind) {
    case 'field':
      return has(c, t.field) ? { present: true, value: scalar(c[t.field]) } : { present: false };
    case 'address':
      if (c.defaultAddress === null) return { present: true, value: undefined };
      return has(c.defaultAddress, t.field) ? { present: true, value: scalar(c.defaultAddress![t.field]) } : { present: false };
    case 'metafield': {
      if (!c.metafields) return { present: false };
      const m = c.metafields.find((x) => x.namespace === t.namespace && x.key === t.key);
      return { present: true, value: m?.value == null || m.value === '' ? undefined : parseMetafield(t.type, m.value) };
    }
    case 'emailMarketingConsent':
    case 'smsMarketingConsent': {
      if (!has(c, t.kind)) return { present: false };
      const state = c[t.kind]?.marketingState?.toUpperCase();
      if (state === 'SUBSCRIBED') return { present: true, value: true };
      // NOT_SUBSCRIBED in the email and REST enums, NEVER_SUBSCRIBED in CustomerMarketingConsentState (SMS, 2026-10)
      if (state === 'UNSUBSCRIBED' || state === 'NOT_SUBSCRIBED' || state === 'NEVER_SUBSCRIBED') return { present: true, value: false };
      return { present: false };
    }
    case 'tag':
      return { present: false };
  }
}
