// customers/merge: two customers became one in Shopify. The SCIM user linked to the customer merged away moves to the
// surviving customer (reactivated when the merge's customers/delete, applied first, had deactivated it).
import type { Tenant } from '../../store/tenants.js';
import { UserRepository } from '../../store/users.js';
import type { Json } from '../../store/resources.js';
import { ScimError } from '../../scim/errors.js';
import { LinkRepository } from '../../store/links.js';
import type { InboundDeps } from './context.js';
import { linkCustomer } from './linking.js';
import { customerGid } from './payload.js';
import { patchUserFromShopify } from './user-writes.js';
import type { ApplyOutcome } from './apply.js';

const users = new UserRepository();
const links = new LinkRepository();

/** The two customers of a customers/merge payload, and whether the merge completed. */
export function mergeIds(body: unknown): { kept: string; deleted: string; completed: boolean } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const kept = customerGid({ id: b.admin_graphql_api_customer_kept_id });
  const deleted = customerGid({ id: b.admin_graphql_api_customer_deleted_id });
  return kept && deleted ? { kept, deleted, completed: b.status === 'completed' } : undefined;
}

/**
 * Moves the user of the customer merged away onto the one kept, in either order of customers/delete and
 * customers/merge. The SCIM user stays what the IdP says: the link is pending and the engine writes the user onto the
 * surviving customer (with its custom id). A surviving customer linked to another user is left alone.
 */
export async function applyCustomerMerge(deps: InboundDeps, tenant: Tenant, body: unknown, cause: Json): Promise<ApplyOutcome> {
  const m = mergeIds(body);
  if (!m) return 'skipped: the merge names no customers';
  if (!m.completed) return 'skipped: the merge did not complete';
  return deps.db.transaction().execute(async (tx): Promise<ApplyOutcome> => {
    const link = (await links.byCustomer(tx, tenant.id, m.deleted)) ?? (await links.byDeletedCustomer(tx, tenant.id, m.deleted));
    if (!link) return 'unlinked';
    const other = await links.byCustomer(tx, tenant.id, m.kept);
    if (other && other.userId !== link.userId) return `skipped: the surviving customer is linked to SCIM user ${other.userId}`;
    let user = await users.get(tx, tenant.id, link.userId);
    if (!user) return 'gone';
    if (link.customerId === null && link.deletedCustomer?.deactivated && user.data.active === false) {
      // The merge's customers/delete came first and deactivated the user: the person is still there, merged.
      const after = await patchUserFromShopify(tx, { tenant, fanout: deps.fanout, cause }, user, [
        { op: 'replace', path: 'active', value: true },
      ]);
      if (after instanceof ScimError) return `rejected: ${after.detail}`;
      if (after) user = after;
    }
    await links.update(tx, tenant.id, user.id, { deletedCustomer: null }, new Date((deps.now ?? Date.now)()).toISOString());
    await linkCustomer(tx, deps, tenant, {
      userId: user.id,
      version: user.version,
      customerId: m.kept,
      inSync: false,
      needsCustomId: true,
    });
    return 'applied';
  });
}
