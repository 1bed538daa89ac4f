// GraphQL source objects for the emulator's records: scalar fields as properties, fields with arguments as
// functions (args, ctx). Fields not listed here resolve to null or an empty value (see defaults.ts).
import type { GraphQLResolveInfo } from 'graphql';
import { APP_NAMESPACE, jsonValue, resolveNamespace } from '../metafields.js';
import {
  gid,
  type AddressRecord,
  type BulkOperationRecord,
  type CustomerRecord,
  type MetafieldDefinitionRecord,
  type MetafieldRecord,
  type OrderRecord,
  type WebhookSubscriptionRecord,
} from '../state.js';
import { paginate, type PageArgs } from './connection.js';
import type { ExecContext } from './context.js';
import { createHash } from 'node:crypto';

export type Args = Record<string, unknown>;
export type View = Record<string, unknown> & { __typename: string };
type Fn = (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) => unknown;

const byId = <T extends { id: number }>(t: T) => ({ id: t.id, value: t.id });

export function addressView(a: AddressRecord): View {
  const name = [a.firstName, a.lastName].filter(Boolean).join(' ') || null;
  return {
    __typename: 'MailingAddress',
    id: `${gid('MailingAddress', a.id)}?model_name=CustomerAddress`,
    firstName: a.firstName,
    lastName: a.lastName,
    name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    country: a.country,
    countryCode: a.countryCode,
    countryCodeV2: a.countryCode,
    zip: a.zip,
    phone: a.phone,
    coordinatesValidated: false,
    formattedArea: [a.city, a.provinceCode ?? a.province, a.country].filter(Boolean).join(', ') || null,
    formatted: ((args: Args) =>
      [
        args.withName ? name : null,
        args.withCompany !== false ? a.company : null,
        a.address1,
        a.address2,
        [a.city, a.provinceCode ?? a.province, a.zip].filter(Boolean).join(' ') || null,
        a.country,
      ].filter((x): x is string => !!x)) as Fn,
  };
}

export function metafieldView(m: MetafieldRecord, owner: CustomerRecord | null): View {
  return {
    __typename: 'Metafield',
    id: gid('Metafield', m.id),
    legacyResourceId: String(m.id),
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    jsonValue: jsonValue(m),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ownerType: 'CUSTOMER',
    compareDigest: createHash('sha256').update(`${m.id}:${m.value}:${m.updatedAt}`).digest('hex'),
    sizeInBytes: Buffer.byteLength(m.value),
    owner: owner ? (_a: Args, ctx: ExecContext) => customerView(owner, ctx) : null,
    definition: ((_a: Args, ctx: ExecContext) => {
      const d = ctx.shop.data.definitions.find((x) => x.ownerType === 'CUSTOMER' && x.namespace === m.namespace && x.key === m.key);
      return d ? definitionView(d) : null;
    }) as Fn,
  };
}

export function definitionView(d: MetafieldDefinitionRecord): View {
  return {
    __typename: 'MetafieldDefinition',
    id: gid('MetafieldDefinition', d.id),
    name: d.name,
    namespace: d.namespace,
    key: d.key,
    ownerType: d.ownerType,
    description: d.description,
    type: { name: d.type, category: d.type === 'id' ? 'REFERENCE' : 'TEXT' },
    capabilities: {
      uniqueValues: { enabled: d.uniqueValues, eligible: true },
      adminFilterable: { enabled: false, eligible: true, status: 'NOT_FILTERABLE' },
      smartCollectionCondition: { enabled: false, eligible: false },
    },
    access: { admin: 'PUBLIC_READ_WRITE', storefront: 'NONE', customerAccount: 'NONE' },
    validations: [],
    validationStatus: 'ALL_VALID',
    useAsCollectionCondition: false,
  };
}

function consentState(c: CustomerRecord['emailMarketingConsent']) {
  if (!c) return null;
  return {
    marketingState: c.marketingState,
    marketingOptInLevel: c.marketingOptInLevel,
    consentUpdatedAt: c.consentUpdatedAt,
    sourceLocation: null,
  };
}

function orderView(o: OrderRecord, c: CustomerRecord, ctx: ExecContext): View {
  return {
    __typename: 'Order',
    id: gid('Order', o.id),
    legacyResourceId: String(o.id),
    name: `#${o.id}`,
    createdAt: o.createdAt,
    processedAt: o.createdAt,
    currencyCode: o.currencyCode,
    totalPriceSet: {
      shopMoney: { amount: o.totalPrice, currencyCode: o.currencyCode },
      presentmentMoney: { amount: o.totalPrice, currencyCode: o.currencyCode },
    },
    customer: () => customerView(c, ctx),
  };
}

/** CustomerMarketingConsentState says NEVER_SUBSCRIBED where the older enums say NOT_SUBSCRIBED. */
function consentEnum(state: string | undefined): string {
  return !state || state === 'NOT_SUBSCRIBED' ? 'NEVER_SUBSCRIBED' : state;
}

function money(amount: number, currency: string) {
  return { amount: amount.toFixed(1), currencyCode: currency };
}

/** The Customer object; `ctx` gives access to the shop for definitions and currency. */
export function customerView(c: CustomerRecord, ctx: ExecContext): View {
  const currency = ctx.shop.settings.currencyCode;
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const def = c.addresses.find((a) => a.id === c.defaultAddressId) ?? null;
  const spent = c.orders.reduce((s, o) => s + Number(o.totalPrice), 0);
  const findMetafield = (args: Args) => {
    const ns = resolveNamespace(args.namespace as string | undefined);
    const m = c.metafields.find((x) => x.namespace === ns && x.key === args.key);
    return m ? metafieldView(m, c) : null;
  };
  return {
    __typename: 'Customer',
    id: gid('Customer', c.id),
    legacyResourceId: String(c.id),
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: name || c.email || c.phone || '',
    email: c.email,
    phone: c.phone,
    defaultEmailAddress: c.email
      ? {
          emailAddress: c.email,
          marketingState:
            c.emailMarketingConsent?.marketingState === 'REDACTED'
              ? 'NOT_SUBSCRIBED'
              : (c.emailMarketingConsent?.marketingState ?? 'NOT_SUBSCRIBED'),
          marketingOptInLevel: c.emailMarketingConsent?.marketingOptInLevel ?? null,
          marketingUpdatedAt: c.emailMarketingConsent?.consentUpdatedAt ?? null,
          validFormat: true,
          marketingUnsubscribeUrl: `https://${ctx.shop.settings.domain}/unsubscribe?c=${c.id}`,
          openTrackingLevel: 'UNKNOWN',
          openTrackingUrl: `https://${ctx.shop.settings.domain}/open?c=${c.id}`,
        }
      : null,
    defaultPhoneNumber: c.phone
      ? {
          phoneNumber: c.phone,
          marketingState: c.smsMarketingConsent?.marketingState ?? 'NOT_SUBSCRIBED',
          marketingOptInLevel: c.smsMarketingConsent?.marketingOptInLevel ?? null,
          marketingUpdatedAt: c.smsMarketingConsent?.consentUpdatedAt ?? null,
          smsMarketingConsent: {
            state: consentEnum(c.smsMarketingConsent?.marketingState),
            optInLevel: c.smsMarketingConsent?.marketingOptInLevel ?? null,
            updatedAt: c.smsMarketingConsent?.consentUpdatedAt ?? null,
            collectedFrom: 'OTHER',
          },
          whatsAppMarketingConsent: { state: 'NEVER_SUBSCRIBED' },
        }
      : null,
    note: c.note,
    locale: c.locale,
    tags: c.tags,
    state: c.state,
    verifiedEmail: c.verifiedEmail,
    validEmailAddress: !!c.email,
    taxExempt: c.taxExempt,
    taxExemptions: c.taxExemptions,
    multipassIdentifier: c.multipassIdentifier,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    canDelete: c.orders.length === 0,
    numberOfOrders: String(c.orders.length),
    amountSpent: money(spent, currency),
    dataSaleOptOut: c.dataSaleOptOut,
    lifetimeDuration: 'less than a minute',
    unsubscribeUrl: `https://${ctx.shop.settings.domain}/unsubscribe?c=${c.id}`,
    hasTimelineComment: false,
    productSubscriberStatus: 'NEVER_SUBSCRIBED',
    emailMarketingConsent: consentState(c.emailMarketingConsent),
    smsMarketingConsent: c.smsMarketingConsent ? { ...consentState(c.smsMarketingConsent), consentCollectedFrom: 'OTHER' } : null,
    defaultAddress: def ? addressView(def) : null,
    addresses: ((args: Args) => c.addresses.slice(0, (args.first as number | null) ?? 250).map(addressView)) as Fn,
    addressesV2: ((args: Args, x: ExecContext) => paginate(c.addresses, args as PageArgs, byId, addressView, x.unbounded)) as Fn,
    metafield: findMetafield as Fn,
    metafields: ((args: Args, x: ExecContext) => {
      let list = c.metafields;
      if (args.namespace) list = list.filter((m) => m.namespace === resolveNamespace(args.namespace as string));
      if (Array.isArray(args.keys)) {
        const keys = (args.keys as string[]).map((k) => {
          const dot = k.lastIndexOf('.');
          return dot > 0 ? `${resolveNamespace(k.slice(0, dot))}.${k.slice(dot + 1)}` : `${APP_NAMESPACE}.${k}`;
        });
        list = list.filter((m) => keys.includes(`${m.namespace}.${m.key}`));
      }
      return paginate(list, args as PageArgs, byId, (m) => metafieldView(m, c), x.unbounded);
    }) as Fn,
    orders: ((args: Args, x: ExecContext) => paginate(c.orders, args as PageArgs, byId, (o) => orderView(o, c, x), x.unbounded)) as Fn,
    lastOrder: c.orders.length ? orderView(c.orders[c.orders.length - 1], c, ctx) : null,
    statistics: { predictedSpendTier: null, rfmGroup: null },
    image: { url: `https://cdn.shopify.com/s/images/avatar/${c.id}.png`, altText: null, id: null },
  };
}

export function subscriptionView(s: WebhookSubscriptionRecord, apiVersion: string): View {
  return {
    __typename: 'WebhookSubscription',
    id: gid('WebhookSubscription', s.id),
    legacyResourceId: String(s.id),
    topic: s.topic,
    uri: s.uri,
    callbackUrl: s.uri,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: s.uri },
    format: s.format,
    includeFields: s.includeFields,
    filter: s.filter,
    name: s.name,
    metafieldNamespaces: [],
    metafields: [],
    apiVersion: { handle: apiVersion, displayName: apiVersion, supported: true },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function bulkView(b: BulkOperationRecord, baseUrl: string): View {
  return {
    __typename: 'BulkOperation',
    id: gid('BulkOperation', b.id),
    status: b.status,
    type: b.type,
    query: b.query,
    errorCode: b.errorCode,
    createdAt: b.createdAt,
    completedAt: b.completedAt,
    objectCount: String(b.objectCount),
    rootObjectCount: String(b.rootObjectCount),
    fileSize: b.fileSize === null ? null : String(b.fileSize),
    url: b.status === 'COMPLETED' && b.objectCount > 0 ? `${baseUrl}/_emulator/bulk/${b.id}.jsonl` : null,
    partialDataUrl: null,
  };
}
