// Links a SCIM user to a customer found on Shopify's side (import, reconcile, a storefront sign-up). When the two
// agree the link is simply recorded; when they differ the SCIM user wins and the engine is asked to write it.
import type { Tenant } from '../../store/tenants.js';
import { LinkRepository } from '../../store/links.js';
import { isoNow, type InboundDeps } from './context.js';
import { INBOUND_QUEUE, type CustomIdJob } from './jobs.js';
import type { Tx } from './user-writes.js';
import { enqueueJob } from '../jobs.js';
import { CUSTOM_ID_JOB_KIND, USER_SYNC_JOB } from '../job-kinds.js';

const links = new LinkRepository();

export interface LinkOptions {
  userId: string;
  /** the user's version the customer was compared with */
  version: number;
  customerId: string;
  /** the customer's updatedAt as read */
  updatedAt?: string;
  /** the customer already shows what the user maps to: nothing to write to Shopify */
  inSync: boolean;
  /** the customer lacks the custom-id metafield naming the user */
  needsCustomId: boolean;
  /** what the bridge already did to deprovision the customer (an inactive user imported with its tag); default none */
  deprovisioned?: string;
}

/**
 * Records the link. In sync: the link is synced at `version` and, if needed, the custom id is written by its own
 * job. Out of sync: the link is pending and the engine's user.sync job makes the customer match the user (that
 * write carries the custom id too).
 */
export async function linkCustomer(tx: Tx, deps: InboundDeps, tenant: Tenant, o: LinkOptions): Promise<void> {
  const now = isoNow(deps);
  const seen = o.updatedAt ? { shopifyUpdatedAt: new Date(Date.parse(o.updatedAt)).toISOString() } : {};
  const common = { customerId: o.customerId, error: null, deprovisioned: o.deprovisioned ?? null, ...seen };
  if (o.inSync) {
    await links.update(tx, tenant.id, o.userId, { ...common, syncState: 'synced', syncedVersion: o.version, lastSyncedAt: now }, now);
    if (o.needsCustomId) {
      const payload: CustomIdJob = { userId: o.userId, customerId: o.customerId };
      await enqueueJob(tx, CUSTOM_ID_JOB_KIND, { tenantId: tenant.id, queue: INBOUND_QUEUE, key: `customer:${o.customerId}`, payload });
    }
    return;
  }
  await links.update(tx, tenant.id, o.userId, { ...common, syncState: 'pending' }, now);
  await enqueueJob(tx, USER_SYNC_JOB, { tenantId: tenant.id, key: `user:${o.userId}`, payload: { userId: o.userId } });
}
