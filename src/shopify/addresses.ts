// A customer's addresses one at a time, through the dedicated address mutations that replace the deprecated
// CustomerInput.addresses: add one, change one in place (its id stays), delete one, choose the default.
import type { ShopifyClient } from './client.js';
import { toAddress, type AddressNode } from './customer-shape.js';
import { documents } from './documents.js';
import { shopifyErrors } from './errors.js';
import { runMutation } from './operation.js';
import type { AddressInput, ShopifyAddress } from './types.js';

type AddressPayload = { address: AddressNode | null; userErrors: [] };

function addressOf(p: AddressPayload, op: string): ShopifyAddress {
  if (!p.address) throw shopifyErrors.internal(`${op} returned no address`);
  return toAddress(p.address);
}

/** Adds an address to customer `customerId` (customerAddressCreate), its default one when `setAsDefault`. */
export async function createCustomerAddress(
  client: ShopifyClient,
  customerId: string,
  address: AddressInput,
  opts: { setAsDefault?: boolean } = {},
): Promise<ShopifyAddress> {
  const p = await runMutation<AddressPayload>(client, documents.customerAddressCreate, 'customerAddressCreate', {
    customerId,
    address,
    setAsDefault: opts.setAsDefault ?? false,
  });
  return addressOf(p, 'customerAddressCreate');
}

/** Changes the given fields of one address in place (customerAddressUpdate); a null clears a field, the id stays. */
export async function updateCustomerAddress(
  client: ShopifyClient,
  customerId: string,
  addressId: string,
  address: AddressInput,
  opts: { setAsDefault?: boolean } = {},
): Promise<ShopifyAddress> {
  const p = await runMutation<AddressPayload>(client, documents.customerAddressUpdate, 'customerAddressUpdate', {
    customerId,
    addressId,
    address,
    ...(opts.setAsDefault ? { setAsDefault: true } : {}),
  });
  return addressOf(p, 'customerAddressUpdate');
}

/** Deletes one address (customerAddressDelete); a default address with others beside it must stop being the default first. */
export async function deleteCustomerAddress(client: ShopifyClient, customerId: string, addressId: string): Promise<void> {
  await runMutation(client, documents.customerAddressDelete, 'customerAddressDelete', { customerId, addressId });
}

/** Makes one of the customer's addresses its default address (customerUpdateDefaultAddress). */
export async function setDefaultAddress(client: ShopifyClient, customerId: string, addressId: string): Promise<void> {
  await runMutation(client, documents.customerUpdateDefaultAddress, 'customerUpdateDefaultAddress', { customerId, addressId });
}
