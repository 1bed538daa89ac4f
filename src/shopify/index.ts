// The Shopify Admin GraphQL connector: one client per shop and the typed operations the sync engine calls.
// Import from here; the files behind it are split by concern (client, throttle, auth, errors, operations).
export { createShopifyClient, normalizeShop, backoff, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from './client.js';
export type {
  ShopifyClient,
  ShopifyClientOptions,
  ClientEvent,
  RetryOptions,
  RequestOptions,
  GraphQLResponse,
  CostExtension,
  ShopifyDocument,
} from './client.js';
export type { ShopifyAuth, AccessTokenSource } from './auth.js';
export { ShopifyError, shopifyErrors, fromUserErrors, isShopifyError, redact } from './errors.js';
export type { ShopifyErrorKind, ShopifyUserError } from './errors.js';
export { MemoryThrottleStore, msUntilAvailable } from './throttle.js';
export type { ThrottleStore, ThrottleStatus, ThrottleSnapshot, Reservation, Settlement } from './throttle.js';
export { estimateCost, MUTATION_COST } from './cost.js';
export { documents, bulkCustomersQuery } from './documents.js';
export * from './types.js';
export {
  createCustomer,
  createCustomerLean,
  lookupCustomers,
  updateCustomer,
  setCustomer,
  deleteCustomer,
  getCustomer,
  findCustomerByEmail,
  findCustomerByPhone,
  findCustomerByCustomId,
  addTags,
  removeTags,
  updateEmailMarketingConsent,
  updateSmsMarketingConsent,
  requestDataErasure,
  cancelDataErasure,
} from './customers.js';
export type { CustomerLookup } from './customers.js';
export { createCustomerAddress, updateCustomerAddress, deleteCustomerAddress, setDefaultAddress } from './addresses.js';
export { listCustomers, listCustomersUpdatedSince, updatedSinceQuery, MAX_PAGE_SIZE } from './customer-list.js';
export type { CustomerPage, ListCustomersOptions, UpdatedSinceOptions } from './customer-list.js';
export { setMetafields, ensureCustomIdDefinition, METAFIELDS_PER_CALL } from './metafields.js';
export type { MetafieldSet, SavedMetafield, MetafieldDefinitionInfo } from './metafields.js';
export {
  listWebhookSubscriptions,
  createWebhookSubscription,
  deleteWebhookSubscription,
  ensureWebhookSubscriptions,
  CUSTOMER_WEBHOOK_TOPICS,
  OPTIONAL_WEBHOOK_TOPICS,
} from './webhooks.js';
export type { WebhookSubscription, EnsureWebhooksResult } from './webhooks.js';
export { exportCustomers, startBulkQuery, getBulkOperation, waitForBulkOperation, readJsonl, assembleCustomers } from './bulk.js';
export type { BulkOperationInfo, ExportCustomersOptions } from './bulk.js';
export { runBulkMutation, stageBulkVariables, startBulkMutation, toJsonl, MAX_BULK_VARIABLES_BYTES } from './bulk-mutation.js';
export type { BulkMutationOptions, BulkMutationResult } from './bulk-mutation.js';
export { shopInfo, missingScopes, REQUIRED_SCOPES } from './shop.js';
export { checkShopify } from './check.js';
export type { CheckInput, CheckReport, CheckProblem } from './check.js';
export type { ShopInfo } from './shop.js';
export { signShopifyWebhook, verifyShopifyWebhook } from './webhook-signature.js';
export { SHOPIFY_API_VERSION_DEFAULT } from './version.js';
