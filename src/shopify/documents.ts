// Every GraphQL document the connector can send, in one registry, so one test validates them all against the
// pinned Admin schema: a typo or a field Shopify removed fails the suite here instead of a production call.
import type { ShopifyDocument } from './client.js';

// Selections several documents make; the bulk export cannot use fragments, so it spells them out from these.
const ADDRESS_FIELDS = 'id firstName lastName company address1 address2 city province provinceCode zip countryCodeV2 phone';
const CUSTOMER_SCALARS = 'id firstName lastName note locale tags state createdAt updatedAt canDelete numberOfOrders';
/** The email and phone with their marketing consent (SMS consent under the phone's smsMarketingConsent since 2026-10). */
const CUSTOMER_CONTACT =
  'defaultEmailAddress { emailAddress marketingState } defaultPhoneNumber { phoneNumber smsMarketingConsent { state } }';
const DEFINITION_FIELDS = 'id namespace key name ownerType type { name } capabilities { uniqueValues { enabled } }';
const SUBSCRIPTION_FIELDS = 'id topic uri format includeFields filter apiVersion { handle } createdAt';

const ADDRESS = /* GraphQL */ `
fragment AddressFields on MailingAddress {
  ${ADDRESS_FIELDS}
}`;

/** Uses $withMetafields, $metafieldCount and $metafieldKeys: every document that spreads it declares them. */
const CUSTOMER = /* GraphQL */ `
fragment CustomerFields on Customer {
  ${CUSTOMER_SCALARS}
  ${CUSTOMER_CONTACT}
  defaultAddress { ...AddressFields }
  addressesV2(first: 10) { nodes { ...AddressFields } }
  metafields(first: $metafieldCount, keys: $metafieldKeys) @include(if: $withMetafields) { nodes { namespace key type value } }
}
${ADDRESS}`;

const MF_VARS = '$withMetafields: Boolean! = false, $metafieldCount: Int = 0, $metafieldKeys: [String!]';

const doc = (name: string, text: string, cost?: number): ShopifyDocument => ({ name, text: text.trim(), cost });

export const documents = {
  // customers: writes
  customerCreate: doc(
    'CustomerCreate',
    `mutation CustomerCreate($input: CustomerInput!, ${MF_VARS}) {
  customerCreate(input: $input) { customer { ...CustomerFields } userErrors { field message } }
}
${CUSTOMER}`,
  ),
  /**
   * The create of the per-user path: the answer carries only what linking the new customer needs, so the mutation
   * asks for its 10 points and no more (a connection in the payload would be priced, and then refunded, every time).
   */
  customerCreateLean: doc(
    'CustomerCreateLean',
    `mutation CustomerCreateLean($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id updatedAt tags defaultEmailAddress { emailAddress } defaultAddress { id } } userErrors { field message } }
}`,
  ),
  customerUpdate: doc(
    'CustomerUpdate',
    `mutation CustomerUpdate($input: CustomerInput!, ${MF_VARS}) {
  customerUpdate(input: $input) { customer { ...CustomerFields } userErrors { field message } }
}
${CUSTOMER}`,
  ),
  customerSet: doc(
    'CustomerSet',
    `mutation CustomerSet($identifier: CustomerSetIdentifiers, $input: CustomerSetInput!, ${MF_VARS}) {
  customerSet(identifier: $identifier, input: $input) { customer { ...CustomerFields } userErrors { code field message } }
}
${CUSTOMER}`,
  ),
  customerDelete: doc(
    'CustomerDelete',
    `mutation CustomerDelete($id: ID!) {
  customerDelete(input: { id: $id }) { deletedCustomerId userErrors { field message } }
}`,
  ),
  tagsAdd: doc(
    'TagsAdd',
    `mutation TagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`,
  ),
  tagsRemove: doc(
    'TagsRemove',
    `mutation TagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } }
}`,
  ),
  customerEmailMarketingConsentUpdate: doc(
    'CustomerEmailMarketingConsentUpdate',
    `mutation CustomerEmailMarketingConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {
  customerEmailMarketingConsentUpdate(input: $input) {
    customer { id defaultEmailAddress { emailAddress marketingState marketingOptInLevel marketingUpdatedAt } }
    userErrors { code field message }
  }
}`,
  ),
  customerSmsMarketingConsentUpdate: doc(
    'CustomerSmsMarketingConsentUpdate',
    `mutation CustomerSmsMarketingConsentUpdate($input: CustomerSmsMarketingConsentUpdateInput!) {
  customerSmsMarketingConsentUpdate(input: $input) {
    customer { id defaultPhoneNumber { phoneNumber smsMarketingConsent { state optInLevel updatedAt } } }
    userErrors { code field message }
  }
}`,
  ),
  // customers: the dedicated address mutations (CustomerInput.addresses is deprecated from 2026-07)
  customerAddressCreate: doc(
    'CustomerAddressCreate',
    `mutation CustomerAddressCreate($customerId: ID!, $address: MailingAddressInput!, $setAsDefault: Boolean) {
  customerAddressCreate(customerId: $customerId, address: $address, setAsDefault: $setAsDefault) { address { ...AddressFields } userErrors { field message } }
}
${ADDRESS}`,
  ),
  customerAddressUpdate: doc(
    'CustomerAddressUpdate',
    `mutation CustomerAddressUpdate($customerId: ID!, $addressId: ID!, $address: MailingAddressInput!, $setAsDefault: Boolean) {
  customerAddressUpdate(customerId: $customerId, addressId: $addressId, address: $address, setAsDefault: $setAsDefault) {
    address { ...AddressFields }
    userErrors { field message }
  }
}
${ADDRESS}`,
  ),
  customerAddressDelete: doc(
    'CustomerAddressDelete',
    `mutation CustomerAddressDelete($customerId: ID!, $addressId: ID!) {
  customerAddressDelete(customerId: $customerId, addressId: $addressId) { deletedAddressId userErrors { field message } }
}`,
  ),
  customerUpdateDefaultAddress: doc(
    'CustomerUpdateDefaultAddress',
    `mutation CustomerUpdateDefaultAddress($customerId: ID!, $addressId: ID!) {
  customerUpdateDefaultAddress(customerId: $customerId, addressId: $addressId) { customer { id updatedAt defaultAddress { id } } userErrors { field message } }
}`,
  ),
  customerRequestDataErasure: doc(
    'CustomerRequestDataErasure',
    `mutation CustomerRequestDataErasure($customerId: ID!) {
  customerRequestDataErasure(customerId: $customerId) { customerId userErrors { code field message } }
}`,
  ),
  customerCancelDataErasure: doc(
    'CustomerCancelDataErasure',
    `mutation CustomerCancelDataErasure($customerId: ID!) {
  customerCancelDataErasure(customerId: $customerId) { customerId userErrors { code field message } }
}`,
  ),

  // customers: reads
  customer: doc(
    'Customer',
    `query Customer($id: ID!, ${MF_VARS}) {
  customer(id: $id) { ...CustomerFields }
}
${CUSTOMER}`,
  ),
  customerByIdentifier: doc(
    'CustomerByIdentifier',
    `query CustomerByIdentifier($identifier: CustomerIdentifierInput!, ${MF_VARS}) {
  customerByIdentifier(identifier: $identifier) { ...CustomerFields }
}
${CUSTOMER}`,
  ),
  /** The customer holding the user's custom id and, when asked, the ones with its email and phone: one request. */
  customerLookup: doc(
    'CustomerLookup',
    `query CustomerLookup(
  $customId: CustomerIdentifierInput!
  $email: CustomerIdentifierInput!
  $phone: CustomerIdentifierInput!
  $byEmail: Boolean!
  $byPhone: Boolean!
  ${MF_VARS}
) {
  byCustomId: customerByIdentifier(identifier: $customId) { ...CustomerFields }
  byEmail: customerByIdentifier(identifier: $email) @include(if: $byEmail) { ...CustomerFields }
  byPhone: customerByIdentifier(identifier: $phone) @include(if: $byPhone) { ...CustomerFields }
}
${CUSTOMER}`,
  ),
  customers: doc(
    'Customers',
    `query Customers($first: Int!, $after: String, $query: String, $sortKey: CustomerSortKeys = UPDATED_AT, ${MF_VARS}) {
  customers(first: $first, after: $after, query: $query, sortKey: $sortKey) {
    nodes { ...CustomerFields }
    pageInfo { hasNextPage endCursor }
  }
}
${CUSTOMER}`,
  ),

  // metafields
  metafieldsSet: doc(
    'MetafieldsSet',
    `mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value owner { ... on Customer { id } } }
    userErrors { code elementIndex field message }
  }
}`,
  ),
  metafieldDefinitions: doc(
    'MetafieldDefinitions',
    `query MetafieldDefinitions($ownerType: MetafieldOwnerType!, $namespace: String, $key: String) {
  metafieldDefinitions(first: 1, ownerType: $ownerType, namespace: $namespace, key: $key) {
    nodes { ${DEFINITION_FIELDS} }
  }
}`,
  ),
  metafieldDefinitionCreate: doc(
    'MetafieldDefinitionCreate',
    `mutation MetafieldDefinitionCreate($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { ${DEFINITION_FIELDS} }
    userErrors { code field message }
  }
}`,
  ),

  // webhooks
  webhookSubscriptions: doc(
    'WebhookSubscriptions',
    `query WebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { ${SUBSCRIPTION_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`,
  ),
  webhookSubscriptionCreate: doc(
    'WebhookSubscriptionCreate',
    `mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { ${SUBSCRIPTION_FIELDS} }
    userErrors { field message }
  }
}`,
  ),
  webhookSubscriptionDelete: doc(
    'WebhookSubscriptionDelete',
    `mutation WebhookSubscriptionDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}`,
  ),

  // bulk operations
  bulkOperationRunQuery: doc(
    'BulkOperationRunQuery',
    `mutation BulkOperationRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status createdAt }
    userErrors { code field message }
  }
}`,
  ),
  bulkOperation: doc(
    'BulkOperation',
    `query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt }
}`,
  ),
  stagedUploadsCreate: doc(
    'StagedUploadsCreate',
    `mutation StagedUploadsCreate($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } }
}`,
  ),
  bulkOperationRunMutation: doc(
    'BulkOperationRunMutation',
    `mutation BulkOperationRunMutation($mutation: String!, $stagedUploadPath: String!, $clientIdentifier: String) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath, clientIdentifier: $clientIdentifier) {
    bulkOperation { id status createdAt }
    userErrors { code field message }
  }
}`,
  ),
  /** The mutation a bulk create runs once per JSONL line (self-contained: bulk mutations take the line's variables only). */
  bulkCustomerCreate: doc(
    'BulkCustomerCreate',
    `mutation BulkCustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id updatedAt tags defaultEmailAddress { emailAddress } defaultAddress { id } } userErrors { field message } }
}`,
  ),

  // shop
  shopInfo: doc(
    'ShopInfo',
    `query ShopInfo {
  shop { name myshopifyDomain primaryDomain { host url } plan { publicDisplayName partnerDevelopment shopifyPlus } }
  currentAppInstallation { accessScopes { handle } }
}`,
  ),
  /** Reads one customer's protected fields: fails when the app lacks protected customer data access. */
  customerAccessProbe: doc(
    'CustomerAccessProbe',
    `query CustomerAccessProbe {
  customers(first: 1) { nodes { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { address1 } } }
}`,
  ),
} satisfies Record<string, ShopifyDocument>;

/**
 * The query a bulk export of customers runs (a document of its own, validated like the others). Bulk queries take
 * no variables, so the metafield keys are written into it; connections use edges/node as bulk operations require.
 */
export function bulkCustomersQuery(opts: { query?: string; metafieldKeys?: string[] } = {}): string {
  const args = opts.query ? `(query: ${JSON.stringify(opts.query)})` : '';
  const mf = opts.metafieldKeys?.length
    ? `metafields(keys: ${JSON.stringify(opts.metafieldKeys)}) { edges { node { id namespace key type value } } }`
    : '';
  return `{
  customers${args} {
    edges {
      node {
        ${CUSTOMER_SCALARS}
        ${CUSTOMER_CONTACT}
        defaultAddress { ${ADDRESS_FIELDS} }
        addressesV2 { edges { node { ${ADDRESS_FIELDS} } } }
        ${mf}
      }
    }
  }
}`;
}
