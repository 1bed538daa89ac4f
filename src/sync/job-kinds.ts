// Every kind of outbox job the engine runs, with the schema of its payload: the one place to see what is queued,
// and what to extend when adding a job kind (declare it here, register its handler, queue it with enqueueJob).
import { z } from 'zod';
import { jobKind } from './jobs.js';
import { USER_EVENTS } from './targets/settings.js';

const id = z.string().min(1);

/** Makes a user's Shopify customer match the user as stored now (state-based: queued runs coalesce). */
export const USER_SYNC_JOB = jobKind(
  'user.sync',
  z.object({
    userId: id,
    /** what caused the run (create, patch, group, mapping, …), for the activity log */
    op: z.string().optional(),
    version: z.number().int().optional(),
    groupId: z.string().optional(),
    runId: z.string().optional(),
  }),
);
/** Applies a SCIM DELETE to the customer the user had (the tenant's delete policy). */
export const USER_DELETE_JOB = jobKind('user.delete', z.object({ userId: id, customerId: z.string().nullable().optional() }));
/** The erase policy's GDPR erasure request, after its grace period. */
export const USER_ERASE_JOB = jobKind('user.erase', z.object({ userId: id, customerId: id }));
/** Creates a tenant's backlog of new customers with one Shopify bulk mutation. */
export const TENANT_BULK_CREATE_JOB = jobKind('tenant.bulkCreate', z.object({}));
/** Applies one stored Shopify webhook delivery. */
export const INBOUND_JOB_KIND = jobKind('shopify.inbound', z.object({ webhookId: id }));
/** Writes the custom-id metafield on a customer linked from Shopify's side (import, a storefront sign-up). */
export const CUSTOM_ID_JOB_KIND = jobKind('shopify.custom-id', z.object({ userId: id, customerId: id }));
/** A tenant's scheduled comparison with its shop. */
export const RECONCILE_JOB_KIND = jobKind('shopify.reconcile', z.object({}));

const eventType = z.enum(USER_EVENTS);
/** Sends one change of a user to another application's SCIM server. */
export const SCIM_TARGET_JOB_KIND = jobKind('target.scim', z.object({ targetId: id, userId: id, userName: z.string(), event: eventType }));
/** Sends one signed event to a webhook target. */
export const WEBHOOK_TARGET_JOB_KIND = jobKind(
  'target.webhook',
  z.object({
    targetId: id,
    eventId: id,
    userId: id,
    version: z.number().int(),
    event: z.object({
      type: eventType,
      timestamp: z.string(),
      data: z.object({
        tenant: z.string(),
        source: z.enum(['scim', 'shopify', 'admin']),
        changedAttributes: z.array(z.string()),
        user: z.record(z.string(), z.unknown()),
        shopifyCustomerId: z.string().nullable(),
      }),
    }),
  }),
);
