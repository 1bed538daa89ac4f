// The outbox job kinds of the Shopify -> SCIM direction and their payloads. They run in their own queue, keyed by
// customer, so one customer's events apply one at a time in the order they were received.

/** Applies one stored webhook delivery. */
export const INBOUND_JOB = 'shopify.inbound';
/** Writes the custom-id metafield on a customer linked from Shopify's side (import, a storefront sign-up). */
export const CUSTOM_ID_JOB = 'shopify.custom-id';
export const INBOUND_QUEUE = 'inbound';

export interface InboundJob {
  webhookId: string;
}

export interface CustomIdJob {
  userId: string;
  customerId: string;
}
