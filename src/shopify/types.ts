// The shapes the connector hands to the rest of the bridge: a Shopify customer flattened from the Admin API's
// nested fields, and the inputs of the typed operations (a subset of Shopify's own input types).

export interface ShopifyAddress {
  id: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface ShopifyMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export type CustomerState = 'DISABLED' | 'INVITED' | 'ENABLED' | 'DECLINED';

export interface ShopifyCustomer {
  /** GID, `gid://shopify/Customer/<n>`. */
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  note: string | null;
  locale: string | null;
  tags: string[];
  state: CustomerState;
  createdAt: string;
  updatedAt: string;
  canDelete: boolean;
  numberOfOrders: number;
  /** Email marketing state (SUBSCRIBED, NOT_SUBSCRIBED, …) when the customer has an email. */
  emailMarketingState: string | null;
  /** SMS marketing consent state (SUBSCRIBED, NEVER_SUBSCRIBED, UNSUBSCRIBED, …) when the customer has a phone number. */
  smsMarketingState: string | null;
  defaultAddress: ShopifyAddress | null;
  addresses: ShopifyAddress[];
  /** Only the metafields asked for with `metafieldKeys`. */
  metafields: ShopifyMetafield[];
}

export interface AddressInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  /** The region's name; deprecated by Shopify in favour of `provinceCode`, still read when no code is given. */
  province?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  /** The country's name; deprecated by Shopify in favour of `countryCode`, still read when no code is given. */
  country?: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string | null;
  phone?: string | null;
}

/** A metafield to write: the same four fields a read returns. */
export type MetafieldInput = ShopifyMetafield;

export type MarketingState = 'SUBSCRIBED' | 'NOT_SUBSCRIBED' | 'UNSUBSCRIBED' | 'PENDING' | 'REDACTED' | 'INVALID';

/** The consent fields Shopify's email and SMS consent inputs share; only the states each allows differ. */
interface ConsentInput<State extends string> {
  marketingState: State;
  marketingOptInLevel?: 'SINGLE_OPT_IN' | 'CONFIRMED_OPT_IN' | 'UNKNOWN';
  consentUpdatedAt?: string;
}

export type EmailMarketingConsent = ConsentInput<MarketingState>;

export type SmsMarketingState = 'SUBSCRIBED' | 'NOT_SUBSCRIBED' | 'UNSUBSCRIBED' | 'PENDING' | 'REDACTED';

/** CustomerSmsMarketingConsentInput: SMS consent needs a phone on the customer (given in the same create). */
export type SmsMarketingConsent = ConsentInput<SmsMarketingState>;

/** Customer fields customerCreate, customerUpdate and customerSet all take; `null` clears a value, an absent key leaves it. */
interface CustomerFields {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  locale?: string | null;
  /** replaces all tags */
  tags?: string[];
  addresses?: AddressInput[];
}

/** Fields of customerCreate/customerUpdate. */
export interface CustomerInput extends CustomerFields {
  metafields?: MetafieldInput[];
  emailMarketingConsent?: EmailMarketingConsent;
  /** On create only; an existing customer's consent changes through updateSmsMarketingConsent. */
  smsMarketingConsent?: SmsMarketingConsent;
  /**
   * Deprecated on CustomerInput from 2026-07 (still accepted): an existing customer's addresses change through the
   * address mutations (src/shopify/addresses.ts); a create and a bulk create still send the first address here.
   */
  addresses?: AddressInput[];
}

/** Fields of customerSet: no metafields, and any list given replaces the stored list. */
export type CustomerSetInput = CustomerFields;

/** A unique metafield value (a definition of type `id` with unique values) naming one customer. */
export interface CustomIdValue {
  namespace: string;
  key: string;
  value: string;
}

/** Which customer a customerSet upserts; omit to create. */
export type CustomerSetIdentifier = { id: string } | { email: string } | { phone: string } | { customId: CustomIdValue };

export interface ReadOptions {
  /** `namespace.key` of the metafields to read along with the customer. */
  metafieldKeys?: string[];
}
