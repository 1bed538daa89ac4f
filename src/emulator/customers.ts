// Customer writes as the Admin API and the merchant's admin perform them: validate everything first, then apply
// atomically, bump updatedAt only on a real change, and announce the webhook topics the change implies.
import { checkAddress, type AddressFields, type AddressInput } from './addresses.js';
import { applyMetafieldWrite, checkMetafieldWrite, type MetafieldWrite } from './metafields.js';
import { customerDeletePayload, customerPayload, emailConsentPayload, smsConsentPayload, tagsPayload } from './payloads.js';
import type { Shop } from './shop.js';
import type { AddressRecord, ConsentRecord, CustomerRecord, CustomerState } from './state.js';
import { checkTags, isValidEmail, normalizePhone, normalizeTags, sortTags, type UserErrorOut } from './validation.js';

export type { AddressInput };

export interface ConsentInput {
  marketingState: string;
  marketingOptInLevel?: string | null;
  consentUpdatedAt?: string | null;
}

/** The writable customer fields; `undefined` keeps a value, `null` clears it. */
export interface CustomerFields {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  locale?: string | null;
  tags?: string[] | null;
  taxExempt?: boolean | null;
  taxExemptions?: string[] | null;
  multipassIdentifier?: string | null;
  addresses?: AddressInput[] | null;
  emailMarketingConsent?: ConsentInput | null;
  smsMarketingConsent?: ConsentInput | null;
  metafields?: Array<{ namespace?: string | null; key?: string | null; type?: string | null; value?: string | null }> | null;
}

export interface WriteResult {
  customer: CustomerRecord | null;
  userErrors: UserErrorOut[];
}

function blankToNull(v: string | null | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** A new address record with the next id. */
export function makeAddress(shop: Shop, fields: AddressFields, id = shop.nextId()): AddressRecord {
  return { id, ...fields };
}

function consent(c: ConsentInput, now: string): ConsentRecord {
  return {
    marketingState: c.marketingState,
    marketingOptInLevel: c.marketingOptInLevel ?? 'SINGLE_OPT_IN',
    consentUpdatedAt: c.consentUpdatedAt ?? now,
  };
}

interface Plan {
  errors: UserErrorOut[];
  patch: Partial<CustomerRecord>;
  addresses?: AddressFields[];
  metafields: MetafieldWrite[];
}

/** Checks `input` against `existing` (null for a new customer) and computes the patch; nothing is written. */
function plan(shop: Shop, existing: CustomerRecord | null, input: CustomerFields, prefix: string[]): Plan {
  const errors: UserErrorOut[] = [];
  const patch: Partial<CustomerRecord> = {};
  const f = (name: string) => [...prefix, name];
  const now = shop.nowIso();

  for (const name of ['firstName', 'lastName'] as const) {
    const v = blankToNull(input[name]);
    if (v === undefined) continue;
    if (v !== null && v.length > 255)
      errors.push({
        field: f(name),
        message: `${name === 'firstName' ? 'First' : 'Last'} name is too long (maximum is 255 characters)`,
        code: 'TOO_LONG',
      });
    patch[name] = v;
  }
  const email = blankToNull(input.email);
  if (email !== undefined) {
    if (email !== null && !isValidEmail(email)) errors.push({ field: f('email'), message: 'Email is invalid', code: 'INVALID' });
    else if (email !== null) {
      const holder = shop.customerByEmail(email);
      if (holder && holder !== existing) errors.push({ field: f('email'), message: 'Email has already been taken', code: 'TAKEN' });
    }
    patch.email = email;
  }
  const phoneIn = blankToNull(input.phone);
  if (phoneIn !== undefined) {
    const phone = phoneIn === null ? null : normalizePhone(phoneIn);
    if (phoneIn !== null && phone === null) errors.push({ field: f('phone'), message: 'Phone is invalid', code: 'INVALID' });
    else if (phone !== null) {
      const holder = shop.customerByPhone(phone);
      if (holder && holder !== existing) errors.push({ field: f('phone'), message: 'Phone has already been taken', code: 'TAKEN' });
    }
    patch.phone = phone;
  }
  const merged = { ...(existing ?? {}), ...patch } as Partial<CustomerRecord>;
  if (!merged.firstName && !merged.lastName && !merged.email && !merged.phone && !errors.length)
    errors.push({ field: null, message: 'Customer must have a name, phone number or email address', code: 'BLANK' });

  if (input.note !== undefined) patch.note = input.note === null || input.note === '' ? null : input.note;
  if (input.locale !== undefined && input.locale !== null) {
    if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(input.locale))
      errors.push({ field: f('locale'), message: 'Locale is invalid', code: 'INVALID' });
    patch.locale = input.locale;
  }
  if (input.tags !== undefined) {
    const tags = normalizeTags(input.tags ?? []);
    errors.push(...checkTags(tags, f('tags')));
    patch.tags = sortTags(tags);
  }
  if (input.taxExempt !== undefined && input.taxExempt !== null) patch.taxExempt = input.taxExempt;
  if (input.taxExemptions !== undefined) patch.taxExemptions = input.taxExemptions ?? [];
  if (input.multipassIdentifier !== undefined) patch.multipassIdentifier = blankToNull(input.multipassIdentifier) ?? null;
  if (input.emailMarketingConsent) {
    if (!merged.email)
      errors.push({
        field: f('emailMarketingConsent'),
        message: 'An email address is required to set the email marketing consent state.',
        code: 'INVALID',
      });
    patch.emailMarketingConsent = consent(input.emailMarketingConsent, now);
  }
  if (input.smsMarketingConsent) {
    if (!merged.phone)
      errors.push({
        field: f('smsMarketingConsent'),
        message: 'A phone number is required to set the SMS consent state.',
        code: 'INVALID',
      });
    patch.smsMarketingConsent = consent(input.smsMarketingConsent, now);
  }
  let addresses: AddressFields[] | undefined;
  if (input.addresses) {
    addresses = [];
    for (const [i, a] of input.addresses.entries()) {
      const r = checkAddress(a, null, (name) => [...prefix, 'addresses', String(i), name]);
      if (r.ok) addresses.push(r.fields);
      else errors.push(...r.errors);
    }
  }
  const metafields: MetafieldWrite[] = [];
  (input.metafields ?? []).forEach((m, i) => {
    const r = checkMetafieldWrite(shop, existing, m, [...prefix, 'metafields', String(i)]);
    if (r.ok) metafields.push(r.write);
    else errors.push(...r.errors);
  });
  return { errors, patch, addresses, metafields };
}

const SNAPSHOT_KEYS: Array<keyof CustomerRecord> = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'note',
  'locale',
  'tags',
  'taxExempt',
  'taxExemptions',
  'multipassIdentifier',
  'addresses',
  'defaultAddressId',
  'emailMarketingConsent',
  'smsMarketingConsent',
  'state',
];
const snapshot = (c: CustomerRecord) => JSON.stringify(SNAPSHOT_KEYS.map((k) => c[k]));

/**
 * Announces what changed between `before` (a copy) and `c`, and bumps updatedAt when anything did.
 * Metafield-only changes are saved but, as on Shopify, neither fire customers/update nor move updatedAt.
 */
export function commitChange(shop: Shop, c: CustomerRecord, before: CustomerRecord): boolean {
  if (snapshot(before) === snapshot(c)) {
    shop.changed();
    return false;
  }
  c.updatedAt = shop.nowIso();
  shop.emit('customers/update', customerPayload(c, shop.settings.currencyCode));
  emitTagDiff(shop, c, before.tags, c.tags);
  if (JSON.stringify(before.emailMarketingConsent) !== JSON.stringify(c.emailMarketingConsent))
    shop.emit('customers/email_marketing_consent_update', emailConsentPayload(c));
  if (JSON.stringify(before.smsMarketingConsent) !== JSON.stringify(c.smsMarketingConsent))
    shop.emit('customers/marketing_consent_update', smsConsentPayload(c));
  if (before.state !== c.state) {
    if (c.state === 'ENABLED') shop.emit('customers/enable', customerPayload(c, shop.settings.currencyCode));
    if (c.state === 'DISABLED') shop.emit('customers/disable', customerPayload(c, shop.settings.currencyCode));
  }
  shop.changed();
  return true;
}

function emitTagDiff(shop: Shop, c: CustomerRecord, before: string[], after: string[]): void {
  const lower = (xs: string[]) => new Set(xs.map((t) => t.toLowerCase()));
  const b = lower(before);
  const a = lower(after);
  const added = after.filter((t) => !b.has(t.toLowerCase()));
  const removed = before.filter((t) => !a.has(t.toLowerCase()));
  const at = new Date(shop.clock()).toISOString();
  if (added.length) shop.emit('customer_tags/added', tagsPayload(c, added, at));
  if (removed.length) shop.emit('customer_tags/removed', tagsPayload(c, removed, at));
}

function applyPlan(shop: Shop, c: CustomerRecord, p: Plan): void {
  Object.assign(c, p.patch);
  if (p.addresses) {
    c.addresses = p.addresses.map((a) => makeAddress(shop, a));
    c.defaultAddressId = c.addresses[0]?.id ?? null;
  }
  for (const w of p.metafields) applyMetafieldWrite(shop, c, w);
}

/** customerCreate: a new customer, or the user errors that prevent it (field paths start at `prefix`). */
export function createCustomer(shop: Shop, input: CustomerFields, prefix: string[] = []): WriteResult {
  const p = plan(shop, null, input, prefix);
  if (p.errors.length) return { customer: null, userErrors: p.errors };
  const now = shop.nowIso();
  const c: CustomerRecord = {
    id: shop.nextId(),
    firstName: null,
    lastName: null,
    email: null,
    phone: null,
    note: null,
    locale: 'en',
    tags: [],
    state: 'DISABLED',
    verifiedEmail: true,
    taxExempt: false,
    taxExemptions: [],
    multipassIdentifier: null,
    createdAt: now,
    updatedAt: now,
    addresses: [],
    defaultAddressId: null,
    emailMarketingConsent: null,
    smsMarketingConsent: null,
    metafields: [],
    orders: [],
    dataSaleOptOut: false,
    erasureRequestedAt: null,
  };
  applyPlan(shop, c, p);
  if (c.email && !c.emailMarketingConsent)
    c.emailMarketingConsent = { marketingState: 'NOT_SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null };
  if (c.phone && !c.smsMarketingConsent)
    c.smsMarketingConsent = { marketingState: 'NOT_SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null };
  shop.data.customers.push(c);
  shop.emit('customers/create', customerPayload(c, shop.settings.currencyCode));
  emitTagDiff(shop, c, [], c.tags);
  shop.changed();
  return { customer: c, userErrors: [] };
}

/** customerUpdate on an existing customer. */
export function updateCustomer(shop: Shop, c: CustomerRecord, input: CustomerFields, prefix: string[] = []): WriteResult {
  const p = plan(shop, c, input, prefix);
  if (p.errors.length) return { customer: null, userErrors: p.errors };
  const before = structuredClone(c);
  applyPlan(shop, c, p);
  if (c.email === null) c.emailMarketingConsent = null;
  else if (!c.emailMarketingConsent)
    c.emailMarketingConsent = { marketingState: 'NOT_SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null };
  if (c.phone === null) c.smsMarketingConsent = null;
  else if (!c.smsMarketingConsent)
    c.smsMarketingConsent = { marketingState: 'NOT_SUBSCRIBED', marketingOptInLevel: 'SINGLE_OPT_IN', consentUpdatedAt: null };
  commitChange(shop, c, before);
  return { customer: c, userErrors: [] };
}

/** customerDelete: refused while the customer has orders. */
export function deleteCustomer(shop: Shop, c: CustomerRecord): UserErrorOut[] {
  if (c.orders.length > 0) return [{ field: ['id'], message: 'Customer can’t be deleted because they have associated orders' }];
  shop.data.customers = shop.data.customers.filter((x) => x !== c);
  shop.emit('customers/delete', customerDeletePayload(c));
  shop.changed();
  return [];
}

/**
 * A staff merge of two customers in the Shopify admin: `keep` gains the other's tags and orders, the other one is
 * deleted. Fires customers/delete for the customer merged away, customers/update (and tag topics) for the one kept,
 * then customers/merge with both ids (a receiver must expect these in any order).
 */
export function mergeCustomers(shop: Shop, keep: CustomerRecord, remove: CustomerRecord): UserErrorOut[] {
  if (keep === remove) return [{ field: ['customerTwoId'], message: 'A customer cannot be merged with itself' }];
  const before = structuredClone(keep);
  keep.tags = [...new Set([...keep.tags, ...remove.tags])];
  keep.orders.push(...remove.orders);
  shop.data.customers = shop.data.customers.filter((x) => x !== remove);
  shop.emit('customers/delete', customerDeletePayload(remove));
  commitChange(shop, keep, before);
  shop.emit('customers/merge', {
    admin_graphql_api_customer_kept_id: `gid://shopify/Customer/${keep.id}`,
    admin_graphql_api_customer_deleted_id: `gid://shopify/Customer/${remove.id}`,
    admin_graphql_api_job_id: null,
    status: 'completed',
    errors: [],
  });
  shop.changed();
  return [];
}

/** tagsAdd / tagsRemove on a customer; returns user errors or [] after applying. */
export function changeTags(shop: Shop, c: CustomerRecord, tags: string[], mode: 'add' | 'remove'): UserErrorOut[] {
  const given = normalizeTags(tags);
  const before = structuredClone(c);
  if (mode === 'add') {
    const next = normalizeTags([...c.tags, ...given]);
    const errors = checkTags(next, ['tags']);
    if (errors.length) return errors;
    c.tags = sortTags(next);
  } else {
    const drop = new Set(given.map((t) => t.toLowerCase()));
    c.tags = c.tags.filter((t) => !drop.has(t.toLowerCase()));
  }
  commitChange(shop, c, before);
  return [];
}

/** Changes the account state (merchant or customer action); fires customers/enable or customers/disable. */
export function setState(shop: Shop, c: CustomerRecord, state: CustomerState): void {
  const before = structuredClone(c);
  c.state = state;
  commitChange(shop, c, before);
}

/** Records an order for the customer, so that it can no longer be deleted. */
export function placeOrder(shop: Shop, c: CustomerRecord, totalPrice = '10.00', currencyCode = shop.settings.currencyCode) {
  const order = { id: shop.nextId(), totalPrice, currencyCode, createdAt: shop.nowIso() };
  const before = structuredClone(c);
  c.orders.push(order);
  c.updatedAt = shop.nowIso();
  if (JSON.stringify(before) !== JSON.stringify(c)) {
    shop.emit('customers/update', customerPayload(c, shop.settings.currencyCode));
    shop.changed();
  }
  return order;
}
