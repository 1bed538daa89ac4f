// Turns the Admin API's customer node (nested email/phone objects, address connections, UnsignedInt64 counts) into
// the flat ShopifyCustomer the bridge works with; used by single reads, pages and bulk export lines alike.
import { shopifyErrors } from './errors.js';
import type { CustomerState, ShopifyAddress, ShopifyCustomer, ShopifyMetafield } from './types.js';

/** An Admin API MailingAddress as read: the flat address's fields, each optional, the country code under its API name. */
export type AddressNode = Partial<Omit<ShopifyAddress, 'countryCode'>> & { countryCodeV2?: string | null };

export interface CustomerNode {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  locale?: string | null;
  tags?: string[];
  state?: string;
  createdAt?: string;
  updatedAt?: string;
  canDelete?: boolean;
  numberOfOrders?: string | number;
  defaultEmailAddress?: { emailAddress: string; marketingState?: string | null } | null;
  defaultPhoneNumber?: { phoneNumber: string; smsMarketingConsent?: { state?: string | null } | null } | null;
  defaultAddress?: AddressNode | null;
  addressesV2?: { nodes?: AddressNode[]; edges?: { node: AddressNode }[] };
  metafields?: { nodes?: ShopifyMetafield[]; edges?: { node: ShopifyMetafield }[] };
}

/** The flat address of an Admin API MailingAddress. */
export function toAddress(a: AddressNode): ShopifyAddress {
  return {
    id: a.id ?? null,
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    provinceCode: a.provinceCode ?? null,
    zip: a.zip ?? null,
    countryCode: a.countryCodeV2 ?? null,
    phone: a.phone ?? null,
  };
}

/** The flat ShopifyCustomer of an Admin API Customer node. */
export function toCustomer(n: CustomerNode): ShopifyCustomer {
  if (!n || typeof n.id !== 'string') throw shopifyErrors.internal('a customer without id');
  const addresses = n.addressesV2?.nodes ?? n.addressesV2?.edges?.map((e) => e.node) ?? [];
  const metafields = n.metafields?.nodes ?? n.metafields?.edges?.map((e) => e.node) ?? [];
  return {
    id: n.id,
    email: n.defaultEmailAddress?.emailAddress ?? null,
    phone: n.defaultPhoneNumber?.phoneNumber ?? null,
    firstName: n.firstName ?? null,
    lastName: n.lastName ?? null,
    note: n.note ?? null,
    locale: n.locale ?? null,
    tags: n.tags ?? [],
    state: (n.state ?? 'DISABLED') as CustomerState,
    createdAt: n.createdAt ?? '',
    updatedAt: n.updatedAt ?? '',
    canDelete: n.canDelete ?? false,
    numberOfOrders: Number(n.numberOfOrders ?? 0),
    emailMarketingState: n.defaultEmailAddress?.marketingState ?? null,
    smsMarketingState: n.defaultPhoneNumber?.smsMarketingConsent?.state ?? null,
    defaultAddress: n.defaultAddress ? toAddress(n.defaultAddress) : null,
    addresses: addresses.map(toAddress),
    metafields: metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
  };
}
