// customers/delete and the tag topics. A customer deleted in Shopify deactivates its SCIM user by default (or deletes
// it, or only unlinks it, per tenant policy); tag events change no SCIM attribute, only what the bridge knows it manages.
import type { Tenant } from '../../store/tenants.js';
import { UserRepository } from '../../store/users.js';
import type { Json } from '../../store/resources.js';
import { ScimError } from '../../scim/errors.js';
import { tagKey } from '../../mapping/tags.js';
import { LinkRepository } from '../../store/links.js';
import { isoNow, type InboundDeps } from './context.js';
import { readInboundPolicies } from './settings.js';
import { deleteUserFromShopify, patchUserFromShopify } from './user-writes.js';
import type { ApplyOutcome } from './apply.js';

const users = new UserRepository();
const links = new LinkRepository();

/** What the link records once its customer is gone from Shopify. */
export const DELETED_IN_SHOPIFY = 'deleted-in-shopify';

/** Applies the deletion of a customer to its SCIM user, per the tenant's `shopifyDelete` policy. */
export async function applyCustomerDeletion(deps: InboundDeps, tenant: Tenant, customerId: string, cause: Json): Promise<ApplyOutcome> {
  const policy = readInboundPolicies(tenant.settings).shopifyDelete;
  const now = isoNow(deps);
  return deps.db.transaction().execute(async (tx): Promise<ApplyOutcome> => {
    const link = await links.byCustomer(tx, tenant.id, customerId);
    if (!link) return 'unlinked';
    const user = await users.get(tx, tenant.id, link.userId);
    // The deleted customer is remembered: when it was merged into another one, customers/merge moves the user there.
    const unlink = (extra: { syncedVersion?: number } = {}, deactivated = false) =>
      links.update(
        tx,
        tenant.id,
        link.userId,
        {
          customerId: null,
          deprovisioned: DELETED_IN_SHOPIFY,
          syncState: 'synced',
          error: null,
          deletedCustomer: { id: customerId, deactivated },
          ...extra,
        },
        now,
      );
    // The bridge deleted this customer itself (SCIM DELETE, or the delete policy on deactivation): an echo.
    if (!user || link.deprovisioned === 'deleted') {
      await unlink();
      return 'echo';
    }
    // An inactive user has nothing left to lose; and its customer may be going away by the bridge's own policy.
    if (user.data.active === false) {
      await unlink();
      return 'unchanged';
    }
    const ctx = { tenant, fanout: deps.fanout, cause };
    if (policy === 'delete') {
      await deleteUserFromShopify(tx, ctx, user);
      await links.delete(tx, tenant.id, user.id);
      return 'applied';
    }
    if (policy === 'ignore') {
      await unlink();
      return 'unchanged';
    }
    const after = await patchUserFromShopify(tx, ctx, user, [{ op: 'replace', path: 'active', value: false }]);
    if (after instanceof ScimError) return `rejected: ${after.detail}`;
    await unlink(after ? { syncedVersion: after.version } : {}, !!after);
    return after ? 'applied' : 'unchanged';
  });
}

/**
 * A tag removed in Shopify is no longer one the bridge set: it leaves the managed list, so the bridge will not later
 * "remove" a tag a merchant may add again by hand. Added tags change nothing (the bridge did not set them).
 */
export async function applyTagChange(deps: InboundDeps, tenant: Tenant, customerId: string, removed: string[]): Promise<ApplyOutcome> {
  if (removed.length === 0) return 'unchanged';
  return deps.db.transaction().execute(async (tx): Promise<ApplyOutcome> => {
    const link = await links.byCustomer(tx, tenant.id, customerId);
    if (!link) return 'unlinked';
    const gone = new Set(removed.map(tagKey));
    const kept = link.managedTags.filter((t) => !gone.has(tagKey(t)));
    if (kept.length === link.managedTags.length) return 'unchanged';
    await links.update(tx, tenant.id, link.userId, { managedTags: kept }, isoNow(deps));
    return 'applied';
  });
}
