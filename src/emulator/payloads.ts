// Webhook bodies shaped like Shopify's REST resources (snake_case, numeric ids, admin_graphql_api_id), built at
// the moment of a change. Since API 2025-01 customer payloads carry neither tags nor marketing consent: those have
// topics of their own.
import { gid, type AddressRecord, type CustomerRecord } from './state.js';

function addressPayload(a: AddressRecord, customerId: number, isDefault: boolean): Record<string, unknown> {
  return {
    id: a.id,
    customer_id: customerId,
    first_name: a.firstName,
    last_name: a.lastName,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    country: a.country,
    zip: a.zip,
    phone: a.phone,
    name: [a.firstName, a.lastName].filter(Boolean).join(' '),
    province_code: a.provinceCode,
    country_code: a.countryCode,
    country_name: a.country,
    default: isDefault,
  };
}

/** The body of customers/create, customers/update, customers/enable and customers/disable. */
export function customerPayload(c: CustomerRecord, currency: string): Record<string, unknown> {
  const def = c.addresses.find((a) => a.id === c.defaultAddressId);
  return {
    id: c.id,
    email: c.email,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    first_name: c.firstName,
    last_name: c.lastName,
    state: c.state.toLowerCase(),
    note: c.note,
    verified_email: c.verifiedEmail,
    multipass_identifier: c.multipassIdentifier,
    tax_exempt: c.taxExempt,
    phone: c.phone,
    currency,
    addresses: c.addresses.map((a) => addressPayload(a, c.id, a.id === c.defaultAddressId)),
    tax_exemptions: c.taxExemptions,
    admin_graphql_api_id: gid('Customer', c.id),
    default_address: def ? addressPayload(def, c.id, true) : null,
  };
}

/** The body of customers/delete: Shopify sends only what identifies the deleted customer. */
export function customerDeletePayload(c: CustomerRecord): Record<string, unknown> {
  return {
    id: c.id,
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: null,
    sms_marketing_consent: null,
    admin_graphql_api_id: gid('Customer', c.id),
  };
}

/** The body of customer_tags/added and customer_tags/removed: only the tags that changed. */
export function tagsPayload(c: CustomerRecord, tags: string[], occurredAt: string): Record<string, unknown> {
  return { customerId: gid('Customer', c.id), tags, occurredAt };
}

/** The body of customers/marketing_consent_update (the SMS consent): `{id, phone, sms_marketing_consent}`. */
export function smsConsentPayload(c: CustomerRecord): Record<string, unknown> {
  const m = c.smsMarketingConsent;
  return {
    id: c.id,
    phone: c.phone,
    sms_marketing_consent: m
      ? {
          state: m.marketingState.toLowerCase(),
          opt_in_level: m.marketingOptInLevel?.toLowerCase() ?? null,
          consent_updated_at: m.consentUpdatedAt,
          consent_collected_from: 'OTHER',
        }
      : null,
  };
}

/** The body of customers/email_marketing_consent_update. */
export function emailConsentPayload(c: CustomerRecord): Record<string, unknown> {
  const m = c.emailMarketingConsent;
  return {
    customer_id: c.id,
    email_address: c.email,
    email_marketing_consent: m
      ? {
          state: m.marketingState.toLowerCase(),
          opt_in_level: m.marketingOptInLevel?.toLowerCase() ?? null,
          consent_updated_at: m.consentUpdatedAt,
        }
      : null,
  };
}
