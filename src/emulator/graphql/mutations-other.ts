// Mutations around customers: metafields (set, delete, definitions), webhook subscriptions, bulk operations and
// the staged uploads that carry bulk mutation variables, with Shopify's payloads and coded userErrors.
import {
  applyMetafieldWrite,
  checkMetafieldWrite,
  findDefinition,
  METAFIELD_TYPES,
  resolveNamespace,
  type MetafieldError,
  type MetafieldWrite,
} from '../metafields.js';
import { parseGid, type CustomerRecord } from '../state.js';
import { restTopic } from '../topics.js';
import type { StagedUploadInput } from '../staged-uploads.js';
import type { ExecContext } from './context.js';
import type { RootResolver } from './query.js';
import { bulkView, definitionView, metafieldView, subscriptionView, type Args } from './views.js';

export const MAX_METAFIELDS_PER_SET = 25;
const UNIQUE_ELIGIBLE = ['single_line_text_field', 'id', 'url', 'number_integer'];

function metafieldsSet(args: Args, ctx: ExecContext) {
  const inputs = args.metafields as Array<Record<string, string | null | undefined>>;
  if (inputs.length > MAX_METAFIELDS_PER_SET)
    return {
      metafields: null,
      userErrors: [
        {
          field: ['metafields'],
          message: `Exceeded the maximum metafields input limit of ${MAX_METAFIELDS_PER_SET}.`,
          code: 'LESS_THAN_OR_EQUAL_TO',
          elementIndex: null,
        },
      ],
    };
  const errors: Array<MetafieldError & { elementIndex: number }> = [];
  const writes: Array<{ owner: CustomerRecord; write: MetafieldWrite }> = [];
  const claimed = new Map<string, CustomerRecord>();
  inputs.forEach((m, i) => {
    const path = ['metafields', String(i)];
    const ownerId = parseGid(m.ownerId, 'Customer');
    const owner = ownerId === null ? undefined : ctx.shop.customer(ownerId);
    if (!owner) {
      const supported = ownerId !== null || !/^gid:\/\/shopify\//.test(String(m.ownerId));
      errors.push({
        code: 'INVALID',
        field: [...path, 'ownerId'],
        elementIndex: i,
        message: supported ? 'Owner does not exist.' : 'Only customer owners are supported by the shopify-scim emulator.',
      });
      return;
    }
    const r = checkMetafieldWrite(ctx.shop, owner, m, path);
    if (!r.ok) {
      errors.push(...r.errors.map((e) => ({ ...e, elementIndex: i })));
      return;
    }
    // two inputs of one call may not claim the same unique value for different owners
    if (findDefinition(ctx.shop, r.write.namespace, r.write.key)?.uniqueValues) {
      const k = `${r.write.namespace}.${r.write.key}=${r.write.value}`;
      const other = claimed.get(k);
      if (other && other !== owner) {
        errors.push({ code: 'TAKEN', field: [...path, 'value'], elementIndex: i, message: 'Value is already assigned to another owner.' });
        return;
      }
      claimed.set(k, owner);
    }
    writes.push({ owner, write: r.write });
  });
  if (errors.length) return { metafields: null, userErrors: errors };
  const stored = writes.map(({ owner, write }) => metafieldView(applyMetafieldWrite(ctx.shop, owner, write), owner));
  ctx.shop.changed();
  return { metafields: stored, userErrors: [] };
}

function metafieldsDelete(args: Args, ctx: ExecContext) {
  const ids = args.metafields as Array<{ ownerId: string; namespace: string; key: string }>;
  const deleted = ids.map((m) => {
    const n = parseGid(m.ownerId, 'Customer');
    const owner = n === null ? undefined : ctx.shop.customer(n);
    const ns = resolveNamespace(m.namespace);
    if (!owner || !owner.metafields.some((x) => x.namespace === ns && x.key === m.key)) return null;
    owner.metafields = owner.metafields.filter((x) => !(x.namespace === ns && x.key === m.key));
    return { ownerId: m.ownerId, namespace: ns, key: m.key };
  });
  ctx.shop.changed();
  return { deletedMetafields: deleted, userErrors: [] };
}

function metafieldDefinitionCreate(args: Args, ctx: ExecContext) {
  const d = args.definition as Record<string, unknown>;
  const fail = (field: string, code: string, message: string) => ({
    createdDefinition: null,
    userErrors: [{ field: ['definition', field], code, message }],
  });
  const namespace = resolveNamespace(d.namespace as string | undefined);
  const key = d.key as string;
  const type = d.type as string;
  if (!METAFIELD_TYPES.includes(type)) return fail('type', 'INCLUSION', `Type name ${type} is not a valid type.`);
  if (!/^[A-Za-z0-9_-]{2,64}$/.test(key)) return fail('key', 'INVALID_CHARACTER', 'Key contains one or more invalid characters.');
  if (ctx.shop.data.definitions.some((x) => x.ownerType === d.ownerType && x.namespace === namespace && x.key === key))
    return fail('key', 'TAKEN', `Key is in use for ${String(d.ownerType)} metafields on the '${namespace}' namespace.`);
  const unique = (d.capabilities as { uniqueValues?: { enabled?: boolean } } | undefined)?.uniqueValues?.enabled === true;
  if (unique && !UNIQUE_ELIGIBLE.includes(type))
    return fail('capabilities', 'INVALID_CAPABILITY', `The capability unique_values is not valid for type ${type}.`);
  if (unique) {
    const seen = new Set<string>();
    for (const c of ctx.shop.data.customers) {
      const m = c.metafields.find((x) => x.namespace === namespace && x.key === key);
      if (!m) continue;
      if (seen.has(m.value)) return fail('capabilities', 'INVALID_CAPABILITY', 'Existing metafield values are not unique.');
      seen.add(m.value);
    }
  }
  const rec = {
    id: ctx.shop.nextId(),
    name: d.name as string,
    namespace,
    key,
    type,
    ownerType: d.ownerType as string,
    description: (d.description as string | undefined) ?? null,
    uniqueValues: unique,
    createdAt: ctx.shop.nowIso(),
  };
  ctx.shop.data.definitions.push(rec);
  ctx.shop.changed();
  return { createdDefinition: definitionView(rec), userErrors: [] };
}

function subscriptionInput(ctx: ExecContext, input: Record<string, unknown>, topic: string, selfId: number | null) {
  const uri = (input.uri ?? input.callbackUrl) as string | undefined;
  if (!uri) return { error: { field: ['webhookSubscription', 'callbackUrl'], message: "Address can't be blank" } };
  if (!/^https?:\/\/[^\s]+$/.test(uri))
    return {
      error: { field: ['webhookSubscription', 'callbackUrl'], message: `Address protocol ${uri.split(':')[0]}:// is not supported` },
    };
  if ((input.format as string | undefined) === 'XML')
    return { error: { field: ['webhookSubscription', 'format'], message: 'Format XML is not supported by the shopify-scim emulator' } };
  if (ctx.shop.data.subscriptions.some((s) => s.topic === topic && s.uri === uri && s.id !== selfId))
    return { error: { field: ['webhookSubscription', 'callbackUrl'], message: 'Address for this topic has already been taken' } };
  return { uri };
}

export const otherMutations: Record<string, RootResolver> = {
  metafieldsSet: (args, ctx) => metafieldsSet(args, ctx),
  metafieldsDelete: (args, ctx) => metafieldsDelete(args, ctx),
  metafieldDefinitionCreate: (args, ctx) => metafieldDefinitionCreate(args, ctx),
  webhookSubscriptionCreate: (args, ctx) => {
    const input = args.webhookSubscription as Record<string, unknown>;
    const topic = args.topic as string;
    const r = subscriptionInput(ctx, input, topic, null);
    if (r.error) return { webhookSubscription: null, userErrors: [r.error] };
    const now = ctx.shop.nowIso();
    const rec = {
      id: ctx.shop.nextId(),
      topic,
      uri: r.uri!,
      format: 'JSON',
      includeFields: (input.includeFields as string[] | undefined) ?? [],
      filter: (input.filter as string | undefined) ?? null,
      name: (input.name as string | undefined) ?? null,
      createdAt: now,
      updatedAt: now,
    };
    restTopic(topic); // every enum value maps to a REST topic; unknown ones simply never fire
    ctx.shop.data.subscriptions.push(rec);
    ctx.shop.changed();
    return { webhookSubscription: subscriptionView(rec, ctx.apiVersion), userErrors: [] };
  },
  webhookSubscriptionUpdate: (args, ctx) => {
    const n = parseGid(args.id, 'WebhookSubscription');
    const s = ctx.shop.data.subscriptions.find((x) => x.id === n);
    if (!s) return { webhookSubscription: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    const input = args.webhookSubscription as Record<string, unknown>;
    const r = subscriptionInput(ctx, { uri: s.uri, ...input }, s.topic, s.id);
    if (r.error) return { webhookSubscription: null, userErrors: [r.error] };
    s.uri = r.uri!;
    if (input.includeFields !== undefined) s.includeFields = (input.includeFields as string[] | null) ?? [];
    if (input.filter !== undefined) s.filter = (input.filter as string | null) ?? null;
    if (input.name !== undefined) s.name = (input.name as string | null) ?? null;
    s.updatedAt = ctx.shop.nowIso();
    ctx.shop.changed();
    return { webhookSubscription: subscriptionView(s, ctx.apiVersion), userErrors: [] };
  },
  webhookSubscriptionDelete: (args, ctx) => {
    const n = parseGid(args.id, 'WebhookSubscription');
    const s = ctx.shop.data.subscriptions.find((x) => x.id === n);
    if (!s) return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    ctx.shop.data.subscriptions = ctx.shop.data.subscriptions.filter((x) => x !== s);
    ctx.shop.changed();
    return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
  },
  bulkOperationRunQuery: (args, ctx) => {
    const r = ctx.bulk.start(args.query as string);
    if ('error' in r) return { bulkOperation: null, userErrors: [r.error] };
    return { bulkOperation: bulkView(r.op, ctx.baseUrl), userErrors: [] };
  },
  stagedUploadsCreate: (args, ctx) => ctx.uploads.create(args.input as StagedUploadInput[], ctx.baseUrl),
  bulkOperationRunMutation: (args, ctx) => {
    const r = ctx.bulkMutations.start(
      { mutation: args.mutation as string, stagedUploadPath: args.stagedUploadPath as string },
      ctx.apiVersion,
    );
    if ('error' in r) return { bulkOperation: null, userErrors: [r.error] };
    return { bulkOperation: bulkView(r.op, ctx.baseUrl), userErrors: [] };
  },
  bulkOperationCancel: (args, ctx) => {
    const n = parseGid(args.id, 'BulkOperation');
    const r = ctx.bulk.cancel(n ?? -1);
    if ('error' in r) return { bulkOperation: null, userErrors: [r.error] };
    return { bulkOperation: bulkView(r.op, ctx.baseUrl), userErrors: [] };
  },
};
