// Recognises a Shopify state the bridge itself wrote (or one equal to it): the customer fields the mapping controls,
// as Shopify reports them, fingerprint the same as what the SCIM user maps to. Such an event changes nothing here.
import type { AddressField, CustomerField, MappingDocument } from '../../mapping/document.js';
import { customerFingerprint, type FingerprintInput } from '../../mapping/fingerprint.js';
import { mapToShopify, type AppliedState } from '../../mapping/to-shopify.js';
import type { ShopifyCustomerView } from '../../mapping/targets.js';
import type { ResourceRecord } from '../../store/resources.js';
import type { SchemaDef } from '../../scim/schemas.js';

type ConsentKind = 'emailMarketingConsent' | 'smsMarketingConsent';

/**
 * The customer fields, default-address fields and marketing consents the mapping writes or reads back (rules in
 * any direction). A field only read back (toScim) has no value the user maps to, so a Shopify value there is never
 * an echo: the reverse mapping decides what it changes.
 */
export function controlledFields(mapping: MappingDocument): {
  fields: Set<CustomerField>;
  address: Set<AddressField>;
  consent: Set<ConsentKind>;
} {
  const fields = new Set<CustomerField>();
  const address = new Set<AddressField>();
  const consent = new Set<ConsentKind>();
  for (const r of mapping.rules) {
    if (r.target.kind === 'field') fields.add(r.target.field);
    else if (r.target.kind === 'address') address.add(r.target.field);
    else if (r.target.kind === 'emailMarketingConsent' || r.target.kind === 'smsMarketingConsent') consent.add(r.target.kind);
  }
  return { fields, address, consent };
}

/**
 * The shape both sides are fingerprinted in: the controlled fields the observed view carries (a customers/update
 * payload has no locale, tags, consent or metafields, so those cannot be compared and are left out on both sides).
 */
export function echoShape(view: ShopifyCustomerView, mapping: MappingDocument): FingerprintInput {
  const { fields, address, consent } = controlledFields(mapping);
  const has = (k: string) => Object.prototype.hasOwnProperty.call(view, k);
  const like: FingerprintInput = {};
  for (const f of fields) if (has(f)) like[f] = '';
  if (address.size && has('defaultAddress')) {
    like.defaultAddress = Object.fromEntries([...address].map((k) => [k, '']));
  }
  for (const k of consent) if (has(k)) like[k] = { marketingState: 'SUBSCRIBED' };
  return like;
}

function compare(
  view: ShopifyCustomerView,
  user: ResourceRecord,
  mapping: MappingDocument,
  previous: AppliedState | null | undefined,
  schemas: SchemaDef[] | undefined,
  ignoreUnset: boolean,
): boolean {
  const desired = mapToShopify({ id: user.id, ...user.data }, [], mapping, {
    ...(previous ? { previous } : {}),
    ...(schemas ? { schemas } : {}),
  });
  if (!desired.ok) return false;
  const like = echoShape(view, mapping);
  if (ignoreUnset) {
    const d = desired.customer as unknown as Record<string, unknown>;
    for (const k of Object.keys(like)) if (k !== 'defaultAddress' && d[k] === undefined) delete (like as Record<string, unknown>)[k];
    if (like.defaultAddress) {
      const addr = desired.customer.defaultAddress ?? {};
      like.defaultAddress = Object.fromEntries(
        Object.keys(like.defaultAddress)
          .filter((k) => (addr as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, '']),
      );
      if (Object.keys(like.defaultAddress).length === 0) delete like.defaultAddress;
    }
  }
  // Nothing to compare: no echo can be recognised, and no write would be made.
  if (Object.keys(like).length === 0) return ignoreUnset;
  const opts = { like, withoutTags: true };
  return customerFingerprint(view as FingerprintInput, opts) === customerFingerprint(desired.customer, opts);
}

/**
 * True when the observed customer shows exactly what the user maps to in every field both can show: the event is
 * our own write coming back (or a change that brings nothing new), so it is dropped. A value Shopify has where the
 * user maps to nothing counts as a difference: a staff edit to flow back.
 */
export function isEcho(
  view: ShopifyCustomerView,
  user: ResourceRecord,
  mapping: MappingDocument,
  previous?: AppliedState | null,
  schemas?: SchemaDef[],
): boolean {
  return compare(view, user, mapping, previous, schemas, false);
}

/**
 * True when writing the user to this customer would change nothing: like isEcho, but fields the user maps to
 * nothing are Shopify's own (its default locale, a merchant's note), as the engine leaves them alone.
 */
export function agreesWithUser(
  view: ShopifyCustomerView,
  user: ResourceRecord,
  mapping: MappingDocument,
  previous?: AppliedState | null,
  schemas?: SchemaDef[],
): boolean {
  return compare(view, user, mapping, previous, schemas, true);
}
