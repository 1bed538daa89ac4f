// Customer operations of the Admin API the sync engine needs: create, update, upsert (customerSet), delete, look up
// by id / email / phone / custom id, page by updated_at, tags, email marketing consent and GDPR erasure requests.
import type { ShopifyClient } from './client.js';
import { toCustomer, type CustomerNode } from './customer-shape.js';
import { documents } from './documents.js';
import { shopifyErrors } from './errors.js';
import { metafieldVars, runMutation } from './operation.js';
import type {
  CustomIdValue,
  CustomerInput,
  CustomerSetIdentifier,
  CustomerSetInput,
  EmailMarketingConsent,
  ReadOptions,
  ShopifyCustomer,
  SmsMarketingConsent,
} from './types.js';

type CustomerPayload = { customer: CustomerNode | null; userErrors: { field?: string[] | null; message: string; code?: string | null }[] };

function customerOf(p: CustomerPayload, op: string): ShopifyCustomer {
  if (!p.customer) throw shopifyErrors.internal(`${op} returned no customer`);
  return toCustomer(p.customer);
}

/** Creates a customer (customerCreate); throws EMAIL_TAKEN, PHONE_TAKEN, PHONE_INVALID, CUSTOMER_NEEDS_IDENTITY, … */
export async function createCustomer(client: ShopifyClient, input: CustomerInput, opts?: ReadOptions): Promise<ShopifyCustomer> {
  const p = await runMutation<CustomerPayload>(client, documents.customerCreate, 'customerCreate', { input, ...metafieldVars(opts) });
  return customerOf(p, 'customerCreate');
}

/**
 * Creates a customer and answers only its id, updatedAt, tags, email and default address id (the other fields of
 * the ShopifyCustomer are empty): 10 points, where a create answering the whole customer asks for twice as many.
 */
export async function createCustomerLean(client: ShopifyClient, input: CustomerInput): Promise<ShopifyCustomer> {
  const p = await runMutation<CustomerPayload>(client, documents.customerCreateLean, 'customerCreate', { input });
  return customerOf(p, 'customerCreate');
}

/** Updates the given fields of customer `id` (customerUpdate); `tags` replaces all tags. */
export async function updateCustomer(
  client: ShopifyClient,
  id: string,
  input: CustomerInput,
  opts?: ReadOptions,
): Promise<ShopifyCustomer> {
  const p = await runMutation<CustomerPayload>(client, documents.customerUpdate, 'customerUpdate', {
    input: { ...input, id },
    ...metafieldVars(opts),
  });
  return customerOf(p, 'customerUpdate');
}

/** Upserts a customer by id, email, phone or custom id (customerSet); without identifier it creates one. */
export async function setCustomer(
  client: ShopifyClient,
  identifier: CustomerSetIdentifier | undefined,
  input: CustomerSetInput,
  opts?: ReadOptions,
): Promise<ShopifyCustomer> {
  const p = await runMutation<CustomerPayload>(client, documents.customerSet, 'customerSet', {
    identifier: identifier ?? null,
    input,
    ...metafieldVars(opts),
  });
  return customerOf(p, 'customerSet');
}

/** Deletes customer `id`; throws CUSTOMER_HAS_ORDERS (conflict) when Shopify refuses, NOT_FOUND when it is gone. */
export async function deleteCustomer(client: ShopifyClient, id: string): Promise<void> {
  await runMutation(client, documents.customerDelete, 'customerDelete', { id });
}

/** The customer with GID `id`, or null. */
export async function getCustomer(client: ShopifyClient, id: string, opts?: ReadOptions): Promise<ShopifyCustomer | null> {
  const { data } = await client.request<{ customer: CustomerNode | null }>(documents.customer, { id, ...metafieldVars(opts) });
  return data.customer ? toCustomer(data.customer) : null;
}

async function byIdentifier(client: ShopifyClient, identifier: Record<string, unknown>, opts?: ReadOptions) {
  const { data } = await client.request<{ customerByIdentifier: CustomerNode | null }>(documents.customerByIdentifier, {
    identifier,
    ...metafieldVars(opts),
  });
  return data.customerByIdentifier ? toCustomer(data.customerByIdentifier) : null;
}

/** The customer whose default email is `email` (Shopify compares case-insensitively), or null. */
export function findCustomerByEmail(client: ShopifyClient, email: string, opts?: ReadOptions): Promise<ShopifyCustomer | null> {
  return byIdentifier(client, { emailAddress: email }, opts);
}

/** The customer whose default phone is `phone` (E.164), or null. */
export function findCustomerByPhone(client: ShopifyClient, phone: string, opts?: ReadOptions): Promise<ShopifyCustomer | null> {
  return byIdentifier(client, { phoneNumber: phone }, opts);
}

/** The customer holding unique metafield value `customId` (see ensureCustomIdDefinition), or null. */
export function findCustomerByCustomId(
  client: ShopifyClient,
  customId: CustomIdValue,
  opts?: ReadOptions,
): Promise<ShopifyCustomer | null> {
  return byIdentifier(client, { customId }, opts);
}

export interface CustomerLookup {
  byCustomId: ShopifyCustomer | null;
  byEmail: ShopifyCustomer | null;
  byPhone: ShopifyCustomer | null;
}

/** The customers holding `customId`, and (when given) the default `email` and `phone`, in one request. */
export async function lookupCustomers(
  client: ShopifyClient,
  q: { customId: CustomIdValue; email?: string | null; phone?: string | null },
  opts?: ReadOptions,
): Promise<CustomerLookup> {
  const { data } = await client.request<{ byCustomId: CustomerNode | null; byEmail?: CustomerNode | null; byPhone?: CustomerNode | null }>(
    documents.customerLookup,
    {
      customId: { customId: q.customId },
      email: { emailAddress: q.email ?? '' },
      phone: { phoneNumber: q.phone ?? '' },
      byEmail: !!q.email,
      byPhone: !!q.phone,
      ...metafieldVars(opts),
    },
  );
  const of = (n: CustomerNode | null | undefined) => (n ? toCustomer(n) : null);
  return { byCustomId: of(data.byCustomId), byEmail: of(data.byEmail), byPhone: of(data.byPhone) };
}

/** Adds tags, leaving the others as they are. */
export async function addTags(client: ShopifyClient, id: string, tags: string[]): Promise<void> {
  if (tags.length === 0) return;
  await runMutation(client, documents.tagsAdd, 'tagsAdd', { id, tags });
}

/** Removes tags, leaving the others as they are. */
export async function removeTags(client: ShopifyClient, id: string, tags: string[]): Promise<void> {
  if (tags.length === 0) return;
  await runMutation(client, documents.tagsRemove, 'tagsRemove', { id, tags });
}

/** Sets the email marketing consent of customer `id` (e.g. withdraws it when the account is deactivated). */
export async function updateEmailMarketingConsent(
  client: ShopifyClient,
  id: string,
  consent: EmailMarketingConsent,
): Promise<{ marketingState: string | null }> {
  const p = await runMutation<{
    customer: { defaultEmailAddress: { marketingState: string } | null } | null;
    userErrors: [];
  }>(client, documents.customerEmailMarketingConsentUpdate, 'customerEmailMarketingConsentUpdate', {
    input: { customerId: id, emailMarketingConsent: consent },
  });
  return { marketingState: p.customer?.defaultEmailAddress?.marketingState ?? null };
}

/** Sets the SMS marketing consent of customer `id`, who must have a phone number. */
export async function updateSmsMarketingConsent(
  client: ShopifyClient,
  id: string,
  consent: SmsMarketingConsent,
): Promise<{ marketingState: string | null }> {
  const p = await runMutation<{
    customer: { defaultPhoneNumber: { smsMarketingConsent: { state: string } | null } | null } | null;
    userErrors: [];
  }>(client, documents.customerSmsMarketingConsentUpdate, 'customerSmsMarketingConsentUpdate', {
    input: { customerId: id, smsMarketingConsent: consent },
  });
  return { marketingState: p.customer?.defaultPhoneNumber?.smsMarketingConsent?.state ?? null };
}

/** Asks Shopify to erase the customer's personal data (GDPR); Shopify does it after its own delay. */
export async function requestDataErasure(client: ShopifyClient, id: string): Promise<void> {
  await runMutation(client, documents.customerRequestDataErasure, 'customerRequestDataErasure', { customerId: id });
}

/** Withdraws a pending erasure request. */
export async function cancelDataErasure(client: ShopifyClient, id: string): Promise<void> {
  await runMutation(client, documents.customerCancelDataErasure, 'customerCancelDataErasure', { customerId: id });
}
