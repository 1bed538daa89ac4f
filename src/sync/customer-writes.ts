// What to send Shopify to turn a customer into the one the mapping wants: the create input, and for an existing
// customer only the fields, address, metafields and consent that differ (tags go through diffTags, in provision.ts).
import type { DesiredAddress, DesiredCustomer, DesiredMetafield } from '../mapping/index.js';
import type { AddressInput, CustomerInput, MetafieldInput, ShopifyCustomer, ShopifyDocument } from '../shopify/index.js';
import { planAddress, type AddressChange } from './default-address.js';

const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'note', 'locale'] as const;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const same = (a: unknown, b: unknown, caseless = false) => {
  if (blank(a) && blank(b)) return true;
  if (blank(a) || blank(b)) return false;
  const x = String(a).trim();
  const y = String(b).trim();
  return caseless ? x.toLowerCase() === y.toLowerCase() : x === y;
};

/** Shopify's address input from the mapping's default address: its set fields as they are. */
function addressInput(a: DesiredAddress): AddressInput {
  const out: AddressInput = {};
  for (const [k, v] of Object.entries(a) as [keyof AddressInput, string | null | undefined][]) if (!blank(v)) out[k] = v;
  return out;
}

/** The metafields to write: those with a value (a null value means delete, see metafieldChanges). */
export function metafieldInputs(list: readonly DesiredMetafield[]): MetafieldInput[] {
  return list.filter((m) => m.value !== null).map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value as string }));
}

/**
 * The customerCreate input for a desired customer with its managed tags and extra metafields (link, deactivation).
 * The default address goes in the same call, through CustomerInput.addresses (deprecated, still accepted): the
 * create stays one atomic call, so an address Shopify refuses leaves no customer behind, and customers/create (and
 * Shopify Flow's "customer created") already carries the address. docs/shopify.md weighs this against
 * customerAddressCreate; every later change goes through the address mutations (default-address.ts).
 */
export function createInput(d: DesiredCustomer, tags: string[], extraMetafields: MetafieldInput[]): CustomerInput {
  const input: CustomerInput = {};
  for (const f of FIELDS) if (!blank(d[f])) input[f] = d[f] as string;
  if (tags.length) input.tags = tags;
  const metafields = [...metafieldInputs(d.metafields), ...extraMetafields];
  if (metafields.length) input.metafields = dedupeMetafields(metafields);
  if (d.defaultAddress && Object.values(d.defaultAddress).some((v) => !blank(v))) input.addresses = [addressInput(d.defaultAddress)];
  // A new customer starts not subscribed: "no" needs no write, which would record an opt-out that never happened.
  if (d.emailMarketingConsent && input.email && !consentHeld(d.emailMarketingConsent.marketingState, 'NOT_SUBSCRIBED'))
    input.emailMarketingConsent = { ...d.emailMarketingConsent };
  // Shopify takes SMS consent on a create only together with the phone it applies to.
  if (d.smsMarketingConsent && input.phone && !consentHeld(d.smsMarketingConsent.marketingState, 'NOT_SUBSCRIBED'))
    input.smsMarketingConsent = { ...d.smsMarketingConsent };
  return input;
}

/** Shopify's states in which a customer gets no marketing: what a mapped "no" (UNSUBSCRIBED) already is. */
const NOT_MARKETED = new Set(['UNSUBSCRIBED', 'NOT_SUBSCRIBED', 'NEVER_SUBSCRIBED', 'REDACTED', 'INVALID']);

/**
 * Whether Shopify's consent state already says what the mapping wants. A "no" is held by every state without
 * marketing, so a customer who never subscribed is not given an unsubscription (a consent record of its own) by a sync.
 */
function consentHeld(want: string, current: string | null | undefined): boolean {
  const cur = (current ?? '').toUpperCase();
  return want === cur || (want === 'UNSUBSCRIBED' && NOT_MARKETED.has(cur));
}

function dedupeMetafields(list: MetafieldInput[]): MetafieldInput[] {
  const m = new Map<string, MetafieldInput>();
  for (const x of list) m.set(`${x.namespace}.${x.key}`, x);
  return [...m.values()];
}

export interface UpdatePlan {
  /** customerUpdate input with only what changed (metafields to write included), or undefined */
  input?: CustomerInput;
  /** the default-address change, made with the address mutations before `input` (see default-address.ts) */
  address?: AddressChange;
  /** the mapped address once `address` is made: its id, null for none, undefined until a create makes it */
  addressId: string | null | undefined;
  /** names of what changed, for the audit log (never values) */
  changed: string[];
  /** metafields to delete */
  removeMetafields: { namespace: string; key: string }[];
  /** email consent to set separately (customerEmailMarketingConsentUpdate) */
  emailConsent?: DesiredCustomer['emailMarketingConsent'];
  /** SMS consent to set separately (customerSmsMarketingConsentUpdate), once the phone is written */
  smsConsent?: DesiredCustomer['smsMarketingConsent'];
}

/**
 * The changes that make `current` match `d` (fields, default address, metafields, consent). An email change is left
 * out unless `applyEmailChanges`; the address is the one recorded as `addressId` (else the default address), and
 * the customer's other addresses are never part of the plan.
 */
export function updatePlan(
  d: DesiredCustomer,
  current: ShopifyCustomer,
  extraMetafields: MetafieldInput[],
  opts: { applyEmailChanges: boolean; addressId?: string },
): UpdatePlan {
  const input: CustomerInput = {};
  const changed: string[] = [];
  for (const f of FIELDS) {
    const want = d[f];
    if (want === undefined) continue;
    if (f === 'email' && !opts.applyEmailChanges && !blank(current.email)) continue;
    if (!same(want, current[f], f === 'email')) {
      input[f] = blank(want) ? null : (want as string);
      changed.push(f);
    }
  }

  const address = planAddress(d.defaultAddress, current, opts.addressId);
  if (address.change) changed.push('defaultAddress');

  const have = new Map(current.metafields.map((m) => [`${m.namespace}.${m.key}`, m]));
  const toSet: MetafieldInput[] = [];
  const removeMetafields: { namespace: string; key: string }[] = [];
  for (const m of [...d.metafields.map((x) => ({ ...x })), ...extraMetafields]) {
    const cur = have.get(`${m.namespace}.${m.key}`);
    if (m.value === null) {
      if (cur) removeMetafields.push({ namespace: m.namespace, key: m.key });
    } else if (!cur || cur.value !== m.value) toSet.push({ namespace: m.namespace, key: m.key, type: m.type, value: m.value });
  }
  if (toSet.length) {
    input.metafields = dedupeMetafields(toSet);
    changed.push(...input.metafields.map((m) => `metafield ${m.namespace}.${m.key}`));
  }
  changed.push(...removeMetafields.map((m) => `metafield ${m.namespace}.${m.key}`));

  let emailConsent: UpdatePlan['emailConsent'];
  const wantConsent = d.emailMarketingConsent;
  const email = input.email ?? current.email;
  if (wantConsent && email && !consentHeld(wantConsent.marketingState, current.emailMarketingState)) {
    emailConsent = wantConsent;
    changed.push('emailMarketingConsent');
  }
  let smsConsent: UpdatePlan['smsConsent'];
  const wantSms = d.smsMarketingConsent;
  const phone = input.phone === undefined ? current.phone : input.phone;
  if (wantSms && phone && !consentHeld(wantSms.marketingState, current.smsMarketingState)) {
    smsConsent = wantSms;
    changed.push('smsMarketingConsent');
  }
  return {
    ...(Object.keys(input).length ? { input } : {}),
    ...(address.change ? { address: address.change } : {}),
    addressId: address.addressId,
    changed,
    removeMetafields,
    ...(emailConsent ? { emailConsent } : {}),
    ...(smsConsent ? { smsConsent } : {}),
  };
}

/** metafieldsDelete, which the connector's registry lacks; validated against the pinned schema in this module's test. */
export const metafieldsDeleteDocument: ShopifyDocument = {
  name: 'MetafieldsDelete',
  text: `mutation MetafieldsDelete($metafields: [MetafieldIdentifierInput!]!) {
  metafieldsDelete(metafields: $metafields) { deletedMetafields { key namespace ownerId } userErrors { field message } }
}`,
};
