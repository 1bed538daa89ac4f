// The dedicated address mutations (and the merchant's address edits) on one customer: check first, then change one
// address and announce it like any customer change (customers/update, updatedAt moved).
import { checkAddress, type AddressInput } from './addresses.js';
import { commitChange, makeAddress } from './customers.js';
import type { Shop } from './shop.js';
import type { AddressRecord, CustomerRecord } from './state.js';
import type { UserErrorOut } from './validation.js';

export type AddressResult = { address: AddressRecord; userErrors: [] } | { address: null; userErrors: UserErrorOut[] };

const inArg = (name: string) => ['address', name];

/** customerAddressCreate: a new address; the default when asked, or when the customer had none. */
export function addAddress(shop: Shop, c: CustomerRecord, input: AddressInput, setAsDefault: boolean): AddressResult {
  const r = checkAddress(input, null, inArg);
  if (!r.ok) return { address: null, userErrors: r.errors };
  const before = structuredClone(c);
  const a = makeAddress(shop, r.fields);
  c.addresses.push(a);
  if (setAsDefault || c.defaultAddressId === null) c.defaultAddressId = a.id;
  commitChange(shop, c, before);
  return { address: a, userErrors: [] };
}

/** customerAddressUpdate: the given fields of one address (the others kept), and optionally make it the default. */
export function updateAddress(shop: Shop, c: CustomerRecord, a: AddressRecord, input: AddressInput, setAsDefault: boolean): AddressResult {
  const { id, ...current } = a;
  const r = checkAddress(input, current, inArg);
  if (!r.ok) return { address: null, userErrors: r.errors };
  const before = structuredClone(c);
  Object.assign(a, r.fields, { id });
  if (setAsDefault) c.defaultAddressId = a.id;
  commitChange(shop, c, before);
  return { address: a, userErrors: [] };
}

/**
 * customerAddressDelete. The default address goes only when no other address could take its place; with others
 * the caller must first make one of them the default (customerUpdateDefaultAddress), as Shopify asks.
 */
export function deleteAddress(shop: Shop, c: CustomerRecord, a: AddressRecord): UserErrorOut[] {
  if (c.defaultAddressId === a.id && c.addresses.length > 1)
    return [
      { field: ['addressId'], message: "The default address of the customer can't be deleted before setting another one as default." },
    ];
  const before = structuredClone(c);
  c.addresses = c.addresses.filter((x) => x !== a);
  if (c.defaultAddressId === a.id) c.defaultAddressId = null;
  commitChange(shop, c, before);
  return [];
}

/** customerUpdateDefaultAddress. */
export function setDefaultAddress(shop: Shop, c: CustomerRecord, a: AddressRecord): void {
  const before = structuredClone(c);
  c.defaultAddressId = a.id;
  commitChange(shop, c, before);
}
