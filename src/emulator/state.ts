// The emulated shop's data: customers (with addresses, metafields, orders), metafield definitions, webhook
// subscriptions and bulk operations, as plain JSON-able records so the whole shop can be persisted and reset.
import type { CustomerState } from '../shopify/types.js';

export type { CustomerState };

export interface AddressRecord {
  id: number;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}

export interface MetafieldRecord {
  id: number;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentRecord {
  marketingState: string;
  marketingOptInLevel: string | null;
  consentUpdatedAt: string | null;
}

export interface OrderRecord {
  id: number;
  totalPrice: string;
  currencyCode: string;
  createdAt: string;
}

export interface CustomerRecord {
  id: number;
  firstName: string | null;
  lastName: string | null;
  /** stored as given (trimmed); uniqueness is case-insensitive */
  email: string | null;
  /** E.164 */
  phone: string | null;
  note: string | null;
  locale: string;
  tags: string[];
  state: CustomerState;
  verifiedEmail: boolean;
  taxExempt: boolean;
  taxExemptions: string[];
  multipassIdentifier: string | null;
  createdAt: string;
  updatedAt: string;
  addresses: AddressRecord[];
  defaultAddressId: number | null;
  emailMarketingConsent: ConsentRecord | null;
  smsMarketingConsent: ConsentRecord | null;
  metafields: MetafieldRecord[];
  orders: OrderRecord[];
  dataSaleOptOut: boolean;
  /** set by customerRequestDataErasure, cleared by customerCancelDataErasure */
  erasureRequestedAt: string | null;
}

export interface MetafieldDefinitionRecord {
  id: number;
  name: string;
  namespace: string;
  key: string;
  type: string;
  ownerType: string;
  description: string | null;
  uniqueValues: boolean;
  createdAt: string;
}

export interface WebhookSubscriptionRecord {
  id: number;
  topic: string;
  uri: string;
  format: string;
  includeFields: string[];
  filter: string | null;
  name: string | null;
  createdAt: string;
  updatedAt: string;
}

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELING' | 'CANCELED' | 'EXPIRED';

export interface BulkOperationRecord {
  id: number;
  query: string;
  status: BulkStatus;
  type: 'QUERY' | 'MUTATION';
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** JSONL result, served at /_emulator/bulk/<id>.jsonl once COMPLETED */
  result: string | null;
}

export interface ShopData {
  nextId: number;
  customers: CustomerRecord[];
  definitions: MetafieldDefinitionRecord[];
  subscriptions: WebhookSubscriptionRecord[];
  bulkOperations: BulkOperationRecord[];
}

/** An empty shop. Ids are shared across kinds and start high enough to look like Shopify's. */
export function emptyShop(): ShopData {
  return { nextId: 1001, customers: [], definitions: [], subscriptions: [], bulkOperations: [] };
}

/** Shopify's DateTime format: UTC, second precision. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `gid://shopify/<type>/<id>` */
export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** The numeric id of a GID of the given type, or null when it is not one. */
export function parseGid(value: unknown, type: string): number | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!m || m[1] !== type) return null;
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? n : null;
}
