// The admin preview: what the saved (or a draft) mapping would make of a SCIM user, given as JSON or by id, down to
// the Shopify writes it would send; and, in reverse, what a Shopify customer would change on the SCIM user.
import type { Tenant } from '../store/tenants.js';
import { UserRepository } from '../store/users.js';
import {
  previewMapping,
  previewReverse,
  type GroupRef,
  type Preview,
  type ReversePreview,
  type ShopifyCustomerView,
} from '../mapping/index.js';
import { normalizeResource } from '../scim/resource.js';
import { userResourceTypeFor } from '../scim/schemas.js';
import { readTenantSchemas } from '../scim/tenant-schemas.js';
import { getCustomer, type CustomerInput, type ShopifyCustomer } from '../shopify/index.js';
import { LinkRepository } from '../store/links.js';
import { asWritten, readPolicies } from '../settings/policies.js';
import { createInput, updatePlan } from '../sync/customer-writes.js';
import type { AddressChange } from '../sync/default-address.js';
import { adminErrors } from './errors.js';
import { shopsOf, type AdminDeps } from './context.js';
import { currentMapping } from './mapping.js';

const users = new UserRepository();
const links = new LinkRepository();

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Shopify writes a preview would lead to: a create, or the update of the linked customer as it is now. */
export interface ShopifyWrites {
  customerId: string | null;
  /** create: no customer yet; update: only what differs from the customer now; unknown: the customer could not be read */
  action: 'create' | 'update' | 'unknown';
  input?: CustomerInput;
  /** the default address's change, made with the address mutations (an update names the address it changes) */
  address?: AddressChange;
  changed?: string[];
  removeMetafields?: { namespace: string; key: string }[];
  /** why the customer could not be read (no shop connected, Shopify unreachable) */
  note?: string;
}

export interface ForwardPreview extends Preview {
  /** the mapping version previewed, or 'draft' */
  mappingVersion: number | 'draft';
  shopify?: ShopifyWrites;
}

/** Groups given with a user as JSON (`groups: [{value, display}]`), so group tags can be previewed too. */
function groupsFromJson(user: Obj): GroupRef[] {
  const list = Array.isArray(user.groups) ? user.groups : [];
  return list.filter(isObj).flatMap((g, i) => {
    const displayName = typeof g.display === 'string' ? g.display : typeof g.displayName === 'string' ? g.displayName : undefined;
    if (!displayName) return [];
    const ref: GroupRef = { id: typeof g.value === 'string' ? g.value : `group-${i + 1}`, displayName };
    if (typeof g.externalId === 'string') ref.externalId = g.externalId;
    return [ref];
  });
}

async function readCustomer(
  deps: AdminDeps,
  tenant: Tenant,
  customerId: string,
  metafieldKeys: string[],
): Promise<{ customer?: ShopifyCustomer; note?: string }> {
  const client = shopsOf(deps)?.clientFor(tenant);
  if (!client) return { note: 'no shop is connected, so the customer as it is now cannot be compared' };
  try {
    const customer = await getCustomer(client, customerId, { metafieldKeys });
    return customer
      ? { customer }
      : { note: `the linked customer ${customerId} no longer exists in Shopify: a sync would create a new one` };
  } catch (e) {
    return { note: `the customer could not be read from Shopify: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Previews the mapping on `{user}` (SCIM JSON, normalised as a POST would be) or `{userId}` (stored, with its groups,
 * what the bridge last applied and the linked customer as it is now), with an optional draft `mapping`.
 */
export async function previewUser(deps: AdminDeps, tenant: Tenant, body: unknown): Promise<ForwardPreview> {
  if (!isObj(body)) throw adminErrors.badRequest('send {"user": {…SCIM user…}} or {"userId": "…"}, optionally with a draft "mapping"');
  const hasUser = body.user !== undefined;
  const hasId = body.userId !== undefined;
  if (hasUser === hasId) throw adminErrors.badRequest('give exactly one of "user" (a SCIM user as JSON) or "userId" (a stored user)');
  const schemas = readTenantSchemas(tenant.settings);
  const saved = body.mapping === undefined ? await currentMapping(deps, tenant) : undefined;
  const mapping = saved ? saved.document : body.mapping;
  const version: number | 'draft' = saved ? saved.version : 'draft';

  if (hasUser) {
    if (!isObj(body.user)) throw adminErrors.invalidUser('"user" must be a SCIM user as a JSON object');
    const n = normalizeResource(body.user, userResourceTypeFor(schemas), 'create');
    if (!n.ok) throw adminErrors.invalidUser(`the user is not a valid SCIM user: ${n.error.detail}`);
    // the id a create would assign is not known yet; the custom id metafield shows this placeholder
    const user = { id: typeof body.user.id === 'string' ? body.user.id : '(new user id)', ...n.value };
    const p = previewMapping(user, groupsFromJson(body.user), mapping, { schemas });
    const out: ForwardPreview = { ...p, mappingVersion: version };
    if (p.ok && p.customer) out.shopify = { customerId: null, action: 'create', input: createInput(p.customer, p.customer.tags, []) };
    return out;
  }

  if (typeof body.userId !== 'string') throw adminErrors.badRequest('"userId" must be the id of a stored user');
  const rec = await users.get(deps.db, tenant.id, body.userId);
  if (!rec) throw adminErrors.notFound(`tenant "${tenant.name}" has no user ${body.userId}`);
  const groups = (await users.groupsOf(deps.db, tenant.id, [rec.id])).get(rec.id) ?? [];
  const link = await links.get(deps.db, tenant.id, rec.id);
  // as the engine maps it: with the userName Shopify's values were written from, when userName changes are not applied
  const user = { id: rec.id, ...asWritten(tenant.settings, rec, link?.applied?.userName).data };
  // A first run without the customer tells which rules fire and which metafields to read back for the comparison.
  const first = previewMapping(user, groups, mapping, { schemas, ...(link?.applied ? { previous: link.applied } : {}) });
  if (!first.ok || !first.customer) return { ...first, mappingVersion: version };
  if (!link?.customerId) {
    return {
      ...first,
      mappingVersion: version,
      shopify: { customerId: null, action: 'create', input: createInput(first.customer, first.customer.tags, []) },
    };
  }
  const keys = first.customer.metafields.map((m) => `${m.namespace}.${m.key}`);
  const { customer, note } = await readCustomer(deps, tenant, link.customerId, keys);
  if (!customer)
    return { ...first, mappingVersion: version, shopify: { customerId: link.customerId, action: 'unknown', ...(note ? { note } : {}) } };
  const p = previewMapping(user, groups, mapping, {
    schemas,
    currentTags: customer.tags,
    ...(link.applied ? { previous: link.applied } : {}),
  });
  if (!p.ok || !p.customer) return { ...p, mappingVersion: version };
  let applyEmailChanges = true;
  try {
    applyEmailChanges = readPolicies(tenant.settings).applyEmailChanges;
  } catch {
    // invalid stored policies: the engine refuses to run until they are fixed; preview as the default would
  }
  const recorded = link.applied?.addressId;
  const plan = updatePlan(p.customer, customer, [], { applyEmailChanges, ...(recorded ? { addressId: recorded } : {}) });
  const changed = [...plan.changed, ...(p.tagChanges && (p.tagChanges.add.length || p.tagChanges.remove.length) ? ['tags'] : [])];
  return {
    ...p,
    mappingVersion: version,
    shopify: {
      customerId: customer.id,
      action: 'update',
      ...(plan.input ? { input: plan.input } : {}),
      ...(plan.address ? { address: plan.address } : {}),
      changed,
      removeMetafields: plan.removeMetafields,
    },
  };
}

export interface BackwardPreview extends ReversePreview {
  mappingVersion: number | 'draft';
}

/** Previews the reverse mapping on `{customer}` (a Shopify customer as JSON), against a stored `userId` if given. */
export async function previewCustomer(deps: AdminDeps, tenant: Tenant, body: unknown): Promise<BackwardPreview> {
  if (!isObj(body) || !isObj(body.customer))
    throw adminErrors.badRequest('send {"customer": {…Shopify customer…}}, optionally with "userId" and a draft "mapping"');
  const schemas = readTenantSchemas(tenant.settings);
  const saved = body.mapping === undefined ? await currentMapping(deps, tenant) : undefined;
  let user: Obj | undefined;
  if (body.userId !== undefined) {
    if (typeof body.userId !== 'string') throw adminErrors.badRequest('"userId" must be the id of a stored user');
    const rec = await users.get(deps.db, tenant.id, body.userId);
    if (!rec) throw adminErrors.notFound(`tenant "${tenant.name}" has no user ${body.userId}`);
    user = { id: rec.id, ...rec.data };
  }
  const r = previewReverse(body.customer as ShopifyCustomerView, saved ? saved.document : body.mapping, {
    schemas,
    ...(user ? { user } : {}),
  });
  return { ...r, mappingVersion: saved ? saved.version : 'draft' };
}
