// Root query fields the emulator answers: customers and their lookups, nodes, the shop and app installation,
// metafield definitions, webhook subscriptions and bulk operations.
import type { GraphQLResolveInfo } from 'graphql';
import { customerSearch, sortValue } from '../customer-search.js';
import { customerByMetafield, findDefinition, resolveNamespace } from '../metafields.js';
import { parseGid, type CustomerRecord } from '../state.js';
import { normalizePhone } from '../phone.js';
import { paginate, type PageArgs } from './connection.js';
import type { ExecContext } from './context.js';
import { bulkView, customerView, definitionView, metafieldView, subscriptionView, addressView, type Args, type View } from './views.js';
import { search as runSearch, parseSearch } from './search-args.js';

export type RootResolver = (args: Args, ctx: ExecContext, info: GraphQLResolveInfo) => unknown;

/** The customer a `customerByIdentifier` / `customerSet` identifier points at. */
export function customerByIdentifier(ctx: ExecContext, id: Record<string, unknown>): CustomerRecord | undefined {
  const shop = ctx.shop;
  if (id.id !== undefined && id.id !== null) {
    const n = parseGid(id.id, 'Customer');
    return n === null ? undefined : shop.customer(n);
  }
  const email = id.emailAddress ?? id.email;
  if (typeof email === 'string') return shop.customerByEmail(email);
  const phone = id.phoneNumber ?? id.phone;
  if (typeof phone === 'string') {
    const p = normalizePhone(phone);
    return p ? shop.customerByPhone(p) : undefined;
  }
  const custom = id.customId as { namespace?: string; key: string; value: string } | undefined;
  if (custom) {
    const ns = resolveNamespace(custom.namespace);
    if (!findDefinition(shop, ns, custom.key)?.uniqueValues) return undefined;
    return customerByMetafield(shop, ns, custom.key, custom.value);
  }
  return undefined;
}

/** Any node the emulator stores, by GID. */
export function nodeById(ctx: ExecContext, id: unknown): View | null {
  if (typeof id !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)/.exec(id);
  if (!m) return null;
  const n = Number(m[2]);
  const d = ctx.shop.data;
  switch (m[1]) {
    case 'Customer': {
      const c = ctx.shop.customer(n);
      return c ? customerView(c, ctx) : null;
    }
    case 'MailingAddress': {
      for (const c of d.customers) {
        const a = c.addresses.find((x) => x.id === n);
        if (a) return addressView(a);
      }
      return null;
    }
    case 'Metafield': {
      for (const c of d.customers) {
        const mf = c.metafields.find((x) => x.id === n);
        if (mf) return metafieldView(mf, c);
      }
      return null;
    }
    case 'MetafieldDefinition': {
      const def = d.definitions.find((x) => x.id === n);
      return def ? definitionView(def) : null;
    }
    case 'WebhookSubscription': {
      const s = d.subscriptions.find((x) => x.id === n);
      return s ? subscriptionView(s, ctx.apiVersion) : null;
    }
    case 'BulkOperation': {
      const b = d.bulkOperations.find((x) => x.id === n);
      return b ? bulkView(b, ctx.baseUrl) : null;
    }
    default:
      return null;
  }
}

function shopView(ctx: ExecContext): View {
  const s = ctx.shop.settings;
  return {
    __typename: 'Shop',
    id: 'gid://shopify/Shop/1',
    name: s.name,
    myshopifyDomain: s.domain,
    email: `owner@${s.domain}`,
    contactEmail: `owner@${s.domain}`,
    currencyCode: s.currencyCode,
    ianaTimezone: 'Etc/UTC',
    timezoneAbbreviation: 'UTC',
    url: `https://${s.domain}`,
    plan: { displayName: s.planName, publicDisplayName: s.planName, partnerDevelopment: false, shopifyPlus: /plus/i.test(s.planName) },
    primaryDomain: { host: s.domain, url: `https://${s.domain}`, sslEnabled: true },
    customers: (args: Args, c: ExecContext, info: GraphQLResolveInfo) => customers(args, c, info),
  };
}

function customers(args: Args, ctx: ExecContext, info: GraphQLResolveInfo) {
  const { list, sortKey } = runSearch(ctx, args, info);
  return paginate(
    list,
    args as PageArgs,
    (c) => ({ id: c.id, value: sortValue(c, sortKey) }),
    (c) => customerView(c, ctx),
    ctx.unbounded,
  );
}

export const queryResolvers: Record<string, RootResolver> = {
  customer: (args, ctx) => {
    const n = parseGid(args.id, 'Customer');
    const c = n === null ? undefined : ctx.shop.customer(n);
    return c ? customerView(c, ctx) : null;
  },
  customerByIdentifier: (args, ctx) => {
    const c = customerByIdentifier(ctx, args.identifier as Record<string, unknown>);
    return c ? customerView(c, ctx) : null;
  },
  customers,
  customersCount: (args, ctx) => {
    const s = customerSearch(args.query as string | undefined, ctx.shop.clock());
    const count = ctx.shop.data.customers.filter((c) => s.matches(c)).length;
    const limit = (args.limit as number | null) ?? null;
    return limit !== null && count > limit ? { count: limit, precision: 'AT_LEAST' } : { count, precision: 'EXACT' };
  },
  node: (args, ctx) => nodeById(ctx, args.id),
  nodes: (args, ctx) => (args.ids as string[]).map((id) => nodeById(ctx, id)),
  shop: (_args, ctx) => shopView(ctx),
  currentAppInstallation: (_args, ctx) => ({
    __typename: 'AppInstallation',
    id: 'gid://shopify/AppInstallation/1',
    accessScopes: ctx.scopes.map((handle) => ({ handle, description: handle.replace('_', ' ') })),
    app: { __typename: 'App', id: 'gid://shopify/App/7010001', title: 'shopify-scim', handle: 'shopify-scim', apiKey: 'emulator' },
    launchUrl: `https://${ctx.shop.settings.domain}/admin/apps/shopify-scim`,
  }),
  metafieldDefinitions: (args, ctx) => {
    let defs = ctx.shop.data.definitions.filter((d) => d.ownerType === args.ownerType);
    if (args.namespace) defs = defs.filter((d) => d.namespace === resolveNamespace(args.namespace as string));
    if (args.key) defs = defs.filter((d) => d.key === args.key);
    return paginate(defs, args as PageArgs, (d) => ({ id: d.id, value: d.id }), definitionView, ctx.unbounded);
  },
  webhookSubscriptions: (args, ctx) => {
    let subs = ctx.shop.data.subscriptions;
    const topics = args.topics as string[] | undefined;
    if (topics?.length) subs = subs.filter((s) => topics.includes(s.topic));
    const uri = (args.uri ?? args.callbackUrl) as string | undefined;
    if (uri) subs = subs.filter((s) => s.uri === uri);
    const sortByCreated = args.sortKey !== 'ID';
    return paginate(
      subs,
      args as PageArgs,
      (s) => ({ id: s.id, value: sortByCreated ? s.createdAt : s.id }),
      (s) => subscriptionView(s, ctx.apiVersion),
      ctx.unbounded,
    );
  },
  webhookSubscription: (args, ctx) => {
    const n = parseGid(args.id, 'WebhookSubscription');
    const s = ctx.shop.data.subscriptions.find((x) => x.id === n);
    return s ? subscriptionView(s, ctx.apiVersion) : null;
  },
  bulkOperation: (args, ctx) => {
    const n = parseGid(args.id, 'BulkOperation');
    const b = ctx.shop.data.bulkOperations.find((x) => x.id === n);
    return b ? bulkView(b, ctx.baseUrl) : null;
  },
  currentBulkOperation: (args, ctx) => {
    const type = (args.type as string | undefined) ?? 'QUERY';
    const ops = ctx.shop.data.bulkOperations.filter((b) => b.type === type);
    const b = ops[ops.length - 1];
    return b ? bulkView(b, ctx.baseUrl) : null;
  },
  bulkOperations: (args, ctx) => {
    const q = parseSearch(args.query as string | undefined);
    const ops = ctx.shop.data.bulkOperations.filter(
      (b) => (!q.status || b.status.toLowerCase() === q.status) && (!q.type || b.type.toLowerCase() === q.type),
    );
    return paginate(
      ops,
      args as PageArgs,
      (b) => ({ id: b.id, value: b.createdAt }),
      (b) => bulkView(b, ctx.baseUrl),
      ctx.unbounded,
    );
  },
};
