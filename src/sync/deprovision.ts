// Deprovisioning beyond user.sync: the user.delete job (a SCIM DELETE applies the tenant's delete policy to the
// customer the user had) and the delayed user.erase job (the erase policy's GDPR request after its grace period).
import { UserRepository } from '../store/users.js';
import { audit } from '../store/resources.js';
import { TenantRepository } from '../store/tenants.js';
import type { MappingDocument } from '../mapping/index.js';
import {
  addTags,
  deleteCustomer,
  getCustomer,
  requestDataErasure,
  setMetafields,
  isShopifyError,
  fromUserErrors,
  type ShopifyClient,
} from '../shopify/index.js';
import { metafieldsDeleteDocument } from './customer-writes.js';
import { LinkRepository } from '../store/links.js';
import { deactivatedTag, deletePolicy } from '../settings/policies.js';
import { iso, type OutboxJob } from '../store/outbox.js';
import type { ProvisionDeps } from './failures.js';
import { classify } from './errors.js';
import type { JobOutcome } from './job-contract.js';
import { settingsOf } from '../settings/tenant-settings.js';
import { USER_DELETE_JOB, USER_ERASE_JOB } from './job-kinds.js';
import type { PayloadOf } from './jobs.js';
import { enqueueJob } from './jobs.js';

export const USER_DELETE = USER_DELETE_JOB.kind;
export const USER_ERASE = USER_ERASE_JOB.kind;

/** What a link records about deprovisioning: null while active. */
export type Deprovisioned = null | 'tag' | 'tag (delete refused)' | 'deleted' | 'erasure-scheduled' | 'erasure-requested' | string;

const users = new UserRepository();
const links = new LinkRepository();

/** The json metafield that tells when and why the bridge deprovisioned a customer (next to the custom id). */
export function deprovisionMarker(mapping: MappingDocument): { namespace: string; key: string; type: string } {
  return { namespace: mapping.customIdMetafield.namespace, key: 'deprovisioned', type: 'json' };
}

/** Deletes metafields of one owner (the connector has no typed operation for it yet). */
export async function deleteMetafields(client: ShopifyClient, ownerId: string, list: { namespace: string; key: string }[]): Promise<void> {
  if (list.length === 0) return;
  const { data } = await client.request<{ metafieldsDelete: { userErrors: { field?: string[] | null; message: string }[] } | null }>(
    metafieldsDeleteDocument,
    {
      metafields: list.map((m) => ({ ownerId, namespace: m.namespace, key: m.key })),
    },
  );
  const errs = data.metafieldsDelete?.userErrors ?? [];
  if (errs.length) throw fromUserErrors(errs);
}

async function run(d: ProvisionDeps, job: OutboxJob, fn: (at: string) => Promise<JobOutcome>): Promise<JobOutcome> {
  const at = iso(d.now());
  try {
    return await fn(at);
  } catch (e) {
    if (isShopifyError(e, 'NOT_FOUND')) return { outcome: 'done' }; // the customer is gone already
    const f = classify(e);
    if (f.code === 'INTERNAL') d.log.error({ err: e, jobId: job.id }, 'a deprovisioning run failed unexpectedly');
    const error = { code: f.code, message: f.message };
    // A deleted user has no sync state to hold a refusal: it is a dead letter, to look at and retry.
    return f.kind === 'retryable'
      ? { outcome: 'retry', error, ...(f.retryAfterMs !== undefined ? { delayMs: f.retryAfterMs } : {}) }
      : { outcome: 'failed', error };
  }
}

/**
 * user.delete: the SCIM user is gone; its customer gets the tenant's delete policy (delete when Shopify allows,
 * else tag; tag; or tag now and erase after the grace period). The link goes with the user.
 */
export async function deleteUserJob(
  d: ProvisionDeps,
  job: OutboxJob,
  { userId, customerId: fromPayload }: PayloadOf<typeof USER_DELETE_JOB>,
): Promise<JobOutcome> {
  const tenant = await new TenantRepository(d.db).byId(job.tenantId);
  if (!tenant) return { outcome: 'done' };
  return run(d, job, async (at) => {
    const link = await links.get(d.db, tenant.id, userId);
    const customerId = link?.customerId ?? fromPayload ?? null;
    const finish = async (action: string, detail: Record<string, unknown>) => {
      await d.db.transaction().execute(async (tx) => {
        await links.delete(tx, tenant.id, userId);
        await audit(tx, {
          tenantId: tenant.id,
          actor: 'system',
          action,
          resourceType: 'User',
          resourceId: userId,
          detail: { customerId, ...detail },
        });
      });
      return { outcome: 'done' as const };
    };
    if (!customerId) return finish('shopify.customer.unlinked', { reason: 'the user had no customer' });
    const client = d.shops.clientFor(tenant);
    if (!client)
      return {
        outcome: 'retry',
        error: { code: 'SHOP_NOT_CONNECTED', message: 'no Shopify shop is connected to this tenant' },
        delayMs: 60_000,
        keepAttempt: true,
      };
    const policies = settingsOf(tenant.settings).policies;
    const mapping = settingsOf(tenant.settings).mapping;
    const policy = deletePolicy(policies);
    const customer = await getCustomer(client, customerId);
    if (!customer) return finish('shopify.customer.unlinked', { reason: 'the customer no longer exists in Shopify' });
    if (policy === 'delete' && customer.canDelete) {
      await deleteCustomer(client, customerId);
      return finish('shopify.customer.deleted', { policy });
    }
    const marker = deprovisionMarker(mapping);
    await addTags(client, customerId, [deactivatedTag(policies, mapping)]);
    await setMetafields(client, [
      { ownerId: customerId, ...marker, value: JSON.stringify({ at, reason: 'deleted in the identity provider', policy }) },
    ]);
    if (policy === 'erase') {
      await enqueueJob(d.db, USER_ERASE_JOB, {
        tenantId: tenant.id,
        key: `erase:${userId}`,
        payload: { userId, customerId },
        runAfter: new Date(Date.parse(at) + policies.eraseGraceMs),
        now: Date.parse(at),
      });
    }
    const note = policy === 'delete' ? 'Shopify refuses to delete a customer with orders: tagged instead' : undefined;
    return finish('shopify.customer.tagged', {
      policy,
      ...(note ? { note } : {}),
      ...(policy === 'erase' ? { erasureAfterMs: policies.eraseGraceMs } : {}),
    });
  });
}

/**
 * user.erase: after the grace period, asks Shopify to erase the customer's data, unless the user came back
 * (reactivated, or re-created and linked again) in the meantime.
 */
export async function eraseJob(
  d: ProvisionDeps,
  job: OutboxJob,
  { userId, customerId }: PayloadOf<typeof USER_ERASE_JOB>,
): Promise<JobOutcome> {
  const tenant = await new TenantRepository(d.db).byId(job.tenantId);
  if (!tenant) return { outcome: 'done' };
  return run(d, job, async (at) => {
    const user = await users.get(d.db, tenant.id, userId);
    const link = await links.get(d.db, tenant.id, userId);
    if (user && user.data.active !== false) return { outcome: 'done' };
    if (link && link.deprovisioned !== 'erasure-scheduled') return { outcome: 'done' };
    const client = d.shops.clientFor(tenant);
    if (!client)
      return {
        outcome: 'retry',
        error: { code: 'SHOP_NOT_CONNECTED', message: 'no Shopify shop is connected to this tenant' },
        delayMs: 60_000,
        keepAttempt: true,
      };
    await requestDataErasure(client, customerId);
    await d.db.transaction().execute(async (tx) => {
      if (link) await links.update(tx, tenant.id, userId, { deprovisioned: 'erasure-requested' }, at);
      await audit(tx, {
        tenantId: tenant.id,
        actor: 'system',
        action: 'shopify.customer.erasure-requested',
        resourceType: 'User',
        resourceId: userId,
        detail: { customerId },
      });
    });
    return { outcome: 'done' };
  });
}
