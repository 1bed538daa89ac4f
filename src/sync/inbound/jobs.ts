// The outbox job kinds of the Shopify -> SCIM direction and their payloads. They run in their own queue, keyed by
// customer, so one customer's events apply one at a time in the order they were received.
import { CUSTOM_ID_JOB_KIND, INBOUND_JOB_KIND } from '../job-kinds.js';
import type { PayloadOf } from '../jobs.js';

/** Applies one stored webhook delivery. */
export const INBOUND_JOB = INBOUND_JOB_KIND.kind;
/** Writes the custom-id metafield on a customer linked from Shopify's side (import, a storefront sign-up). */
export const CUSTOM_ID_JOB = CUSTOM_ID_JOB_KIND.kind;
export const INBOUND_QUEUE = 'inbound';

export type InboundJob = PayloadOf<typeof INBOUND_JOB_KIND>;
export type CustomIdJob = PayloadOf<typeof CUSTOM_ID_JOB_KIND>;
