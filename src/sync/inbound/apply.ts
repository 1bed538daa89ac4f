// Applies one Shopify customer state to its linked SCIM user, in order: older than what was seen is stale, a tie is
// settled by reading Shopify, unsynced SCIM changes win, echoes of our own writes change nothing, the rest is mapped back.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/types.js';
import type { Tenant } from '../../store/tenants.js';
import { UserRepository } from '../../store/users.js';
import type { Json } from '../../store/resources.js';
import { ScimError } from '../../scim/errors.js';
import { mapFromShopify, patchOperations } from '../../mapping/from-shopify.js';
import type { ShopifyCustomerView } from '../../mapping/targets.js';
import { getCustomer } from '../../shopify/customers.js';
import { isUniqueViolation } from '../../store/db.js';
import { LinkRepository } from '../../store/links.js';
import { asWritten } from '../../settings/policies.js';
import { customIdOf, isoNow, metafieldKeysFor, type InboundDeps } from './context.js';
import { isEcho } from './echo.js';
import { userNameFor, viewOfCustomer } from './customer-user.js';
import { readInboundPolicies } from './settings.js';
import { createUserFromShopify, patchUserFromShopify, type WriteContext } from './user-writes.js';
import { linkCustomer } from './linking.js';
import { settingsOf } from '../../settings/tenant-settings.js';

const users = new UserRepository();
const links = new LinkRepository();

export interface CustomerState {
  customerId: string;
  /** Shopify's updated_at of this state (absent: unknown, never stale) */
  updatedAt?: string;
  view: ShopifyCustomerView;
  /** the customer was just created in Shopify: it may become a SCIM user (tenant policy) */
  created?: boolean;
  /** the state was just read from Shopify, so it is the newest: no tie to settle */
  fresh?: boolean;
  /**
   * the delivery cannot be ordered against the customer's other changes (a consent topic has no updated_at): the
   * customer is read to apply its current state of the same fields, as for a tie
   */
  unordered?: boolean;
  /** for the audit log: topic and webhook id, or 'reconcile' */
  cause: Json;
}

/** What happened to a customer state, recorded on the webhook event and counted by reconcile. */
export type ApplyOutcome =
  | 'applied'
  | 'unchanged'
  | 'echo'
  | 'stale'
  | 'superseded'
  | 'unlinked'
  | 'created'
  | 'gone'
  | `skipped: ${string}`
  | `rejected: ${string}`;

const time = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);
const later = (a: string | null | undefined, b: string | undefined) =>
  b && !(time(a) >= time(b)) ? new Date(time(b)).toISOString() : undefined;

/** Applies a customer state; see the module comment for the order of the checks. */
export async function applyCustomerState(deps: InboundDeps, tenant: Tenant, state: CustomerState): Promise<ApplyOutcome> {
  const mapping = settingsOf(tenant.settings).mapping;
  const ctx: WriteContext = { tenant, fanout: deps.fanout, cause: state.cause };
  const now = isoNow(deps);
  const first = await deps.db.transaction().execute(async (tx): Promise<ApplyOutcome | 'tie'> => {
    const link = await links.byCustomer(tx, tenant.id, state.customerId);
    const user = link && (await users.get(tx, tenant.id, link.userId));
    if (!link || !user) return 'unlinked';
    const at = time(state.updatedAt);
    const seen = time(link.shopifyUpdatedAt);
    if (at < seen) return 'stale';
    const { schemas } = settingsOf(tenant.settings).userType;
    // Values held from an earlier userName (applyUserNameChanges false) are what the bridge wrote: neither a
    // difference nor something to carry back to the user.
    const written = asWritten(tenant.settings, user, link.applied?.userName);
    // Shopify's updated_at has one-second steps: two states of the same second cannot be ordered by it. A state equal
    // to what the user maps to changes nothing whichever of them is newer (a later change fires its own webhook, and
    // that one is read): the bridge's own write coming back in the second it made is dropped without a Shopify read.
    if ((at === seen || state.unordered) && !state.fresh) {
      if ((link.syncedVersion ?? 0) >= user.version && isEcho(state.view, written, mapping, link.applied, schemas)) return 'echo';
      return 'tie';
    }
    const moved = later(link.shopifyUpdatedAt, state.updatedAt);
    // A SCIM change not yet written to Shopify wins: the engine's next write replaces this state anyway.
    if ((link.syncedVersion ?? 0) < user.version) return 'superseded';
    if (isEcho(state.view, written, mapping, link.applied, schemas)) {
      if (moved) await links.update(tx, tenant.id, user.id, { shopifyUpdatedAt: moved }, now);
      return 'echo';
    }
    const reverse = mapFromShopify(state.view, mapping, { user: { id: user.id, ...written.data }, schemas });
    const after = await patchUserFromShopify(tx, ctx, user, patchOperations(reverse.patch));
    if (after instanceof ScimError) return `rejected: ${after.detail}`;
    await links.update(
      tx,
      tenant.id,
      user.id,
      { ...(moved ? { shopifyUpdatedAt: moved } : {}), ...(after ? { syncedVersion: after.version } : {}) },
      now,
    );
    return after ? 'applied' : 'unchanged';
  });
  if (first === 'tie') return settleTie(deps, tenant, state);
  if (first === 'unlinked' && state.created) return createFromCustomer(deps, tenant, state);
  return first;
}

/** Reads the customer as it is now and applies that instead; `gone` when it was deleted meanwhile. */
async function settleTie(deps: InboundDeps, tenant: Tenant, state: CustomerState): Promise<ApplyOutcome> {
  const client = deps.clientFor(tenant);
  if (!client) return applyCustomerState(deps, tenant, { ...state, fresh: true });
  const c = await getCustomer(client, state.customerId, { metafieldKeys: metafieldKeysFor(settingsOf(tenant.settings).mapping) });
  if (!c) return 'gone';
  // Only the fields the delivery carried: a read also shows values Shopify filled in itself (locale 'en').
  const full = viewOfCustomer(c) as Record<string, unknown>;
  const view = Object.fromEntries(Object.keys(state.view).map((k) => [k, full[k]])) as ShopifyCustomerView;
  return applyCustomerState(deps, tenant, { ...state, view, updatedAt: c.updatedAt, fresh: true });
}

/**
 * Makes a SCIM user for a customer created in Shopify, when the tenant asks for it. A customer that a SCIM user
 * already claims (same email, or our custom id on it: the engine's own create, not linked yet) is left alone.
 */
export async function createFromCustomer(deps: InboundDeps, tenant: Tenant, state: CustomerState): Promise<ApplyOutcome> {
  if (!readInboundPolicies(tenant.settings).importShopifyCreated) return 'unlinked';
  const mapping = settingsOf(tenant.settings).mapping;
  let view = state.view;
  const client = deps.clientFor(tenant);
  if (client && !state.fresh) {
    // A SCIM user with its email claims the customer (the engine's own create, coming back before it is linked, has
    // one): the payload says so without reading the customer from Shopify for its custom id.
    if (view.email && (await emailTaken(deps.db, tenant.id, view.email))) return 'skipped: a SCIM user has this email';
    const c = await getCustomer(client, state.customerId, { metafieldKeys: metafieldKeysFor(mapping) });
    if (!c) return 'gone';
    if (customIdOf(c.metafields, mapping)) return 'skipped: the customer carries a SCIM id already';
    view = viewOfCustomer(c);
  } else if (customIdOf(view.metafields, mapping)) return 'skipped: the customer carries a SCIM id already';
  try {
    return await deps.db.transaction().execute(async (tx) => {
      if (await links.byCustomer(tx, tenant.id, state.customerId)) return 'skipped: linked meanwhile';
      if (view.email && (await emailTaken(tx, tenant.id, view.email))) return 'skipped: a SCIM user has this email';
      let userName = userNameFor(view, state.customerId);
      if (await users.byUserName(tx, tenant.id, userName))
        userName = `shopify-${state.customerId.slice(state.customerId.lastIndexOf('/') + 1)}`;
      if (await users.byUserName(tx, tenant.id, userName)) return 'skipped: its userName is taken';
      const created = await createUserFromShopify(tx, { tenant, fanout: deps.fanout, cause: state.cause }, view, userName, mapping);
      await linkCustomer(tx, deps, tenant, {
        userId: created.id,
        version: created.version,
        customerId: state.customerId,
        updatedAt: state.updatedAt,
        inSync: true,
        needsCustomId: true,
      });
      return 'created' as const;
    });
  } catch (e) {
    if (isUniqueViolation(e)) return 'skipped: linked meanwhile';
    throw e;
  }
}

async function emailTaken(db: Kysely<Database>, tenantId: string, email: string): Promise<boolean> {
  return (await users.idsWithEmail(db, tenantId, email, 1)).length > 0;
}
