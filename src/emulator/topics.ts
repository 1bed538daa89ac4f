// Webhook topics in their two spellings: the GraphQL enum (CUSTOMER_TAGS_ADDED) and the REST topic sent in
// X-Shopify-Topic (customer_tags/added).

const EXPLICIT: Record<string, string> = {
  CUSTOMER_TAGS_ADDED: 'customer_tags/added',
  CUSTOMER_TAGS_REMOVED: 'customer_tags/removed',
  CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE: 'customers/email_marketing_consent_update',
  CUSTOMERS_MARKETING_CONSENT_UPDATE: 'customers/marketing_consent_update',
  CUSTOMER_ACCOUNT_SETTINGS_UPDATE: 'customer_account_settings/update',
  CUSTOMER_GROUPS_CREATE: 'customer_groups/create',
  CUSTOMER_GROUPS_UPDATE: 'customer_groups/update',
  CUSTOMER_GROUPS_DELETE: 'customer_groups/delete',
  CUSTOMER_PAYMENT_METHODS_CREATE: 'customer_payment_methods/create',
  CUSTOMER_PAYMENT_METHODS_UPDATE: 'customer_payment_methods/update',
  CUSTOMER_PAYMENT_METHODS_REVOKE: 'customer_payment_methods/revoke',
  BULK_OPERATIONS_FINISH: 'bulk_operations/finish',
};

/** The REST topic for a WebhookSubscriptionTopic enum value (CUSTOMERS_UPDATE -> customers/update). */
export function restTopic(topic: string): string {
  if (EXPLICIT[topic]) return EXPLICIT[topic];
  const i = topic.indexOf('_');
  return i < 0 ? topic.toLowerCase() : `${topic.slice(0, i)}/${topic.slice(i + 1)}`.toLowerCase();
}
