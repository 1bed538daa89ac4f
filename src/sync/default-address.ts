// The customer's default address, the one address the mapping writes: the change that makes it what the mapping
// wants (planned against the customer as read, so an unchanged address costs no call) and the address mutations
// that make it, one address changed in place and the merchant's other addresses never touched.
import type { DesiredAddress } from '../mapping/index.js';
import {
  createCustomerAddress,
  deleteCustomerAddress,
  setDefaultAddress,
  updateCustomerAddress,
  type AddressInput,
  type ShopifyAddress,
  type ShopifyClient,
  type ShopifyCustomer,
} from '../shopify/index.js';

/** One change to the mapped address; each is one Shopify call, a delete of a default with siblings two. */
export type AddressChange =
  /** customerAddressCreate, as the default address */
  | { op: 'create'; address: AddressInput }
  /** customerAddressUpdate of the mapped address (its id stays), made the default again when it no longer is */
  | { op: 'update'; addressId: string; address: AddressInput; setAsDefault: boolean }
  /** customerUpdateDefaultAddress: the mapped address is as wanted but another one became the default */
  | { op: 'makeDefault'; addressId: string }
  /** customerAddressDelete; a default address with siblings hands the default to `promote` first */
  | { op: 'delete'; addressId: string; promote?: string };

export interface AddressPlan {
  change?: AddressChange;
  /** the mapped address once the change is made: its id, null when there is none, undefined until a create makes it */
  addressId: string | null | undefined;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const sameText = (a: unknown, b: unknown) => (blank(a) && blank(b)) || (!blank(a) && !blank(b) && String(a).trim() === String(b).trim());
/** Shopify ids compared without their `?model_name=…` suffix. */
const sameId = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.split('?')[0] === b.split('?')[0];

/**
 * The address the mapping writes to: the one recorded when the bridge last wrote it, if the customer still has it,
 * else (nothing recorded: an adopted customer, a link older than the record) the customer's default address.
 */
export function mappedAddress(current: ShopifyCustomer, recordedId?: string): ShopifyAddress | null {
  if (!recordedId) return current.defaultAddress;
  return [current.defaultAddress, ...current.addresses].find((a): a is ShopifyAddress => !!a && sameId(a.id, recordedId)) ?? null;
}

/** True when the stored address already holds every value the mapping wants. */
function holds(a: ShopifyAddress, want: DesiredAddress): boolean {
  const cur = a as unknown as Record<string, unknown>;
  return Object.entries(want).every(([k, v]) => {
    // The country's name is not read back (Shopify normalises it); it is compared through countryCode when mapped.
    if (k === 'country') return true;
    // A region given by its code or by its name matches either, as Shopify fills in the other one.
    if (k === 'province') return sameText(v, cur.province) || (!blank(v) && sameText(v, cur.provinceCode));
    return sameText(v, cur[k]);
  });
}

/** The address input: every mapped field, a null clearing one (a create leaves empty fields out). */
function inputOf(want: DesiredAddress, forCreate: boolean): AddressInput {
  const out: AddressInput = {};
  for (const [k, v] of Object.entries(want) as [keyof AddressInput, string | null | undefined][]) {
    if (v === undefined || (forCreate && blank(v))) continue;
    out[k] = v;
  }
  return out;
}

/**
 * What to do so the customer's default address is `want` (undefined: the mapping has no address rules; null or all
 * empty: the identity provider removed every mapped field, so the mapped address is deleted). Fields the mapping
 * does not set are left as they are on the address; other addresses are never changed.
 */
export function planAddress(want: DesiredAddress | null | undefined, current: ShopifyCustomer, recordedId?: string): AddressPlan {
  // No address rules: nothing is written, and the record of an earlier write is kept while that address exists.
  if (want === undefined) return { addressId: recordedId && mappedAddress(current, recordedId) ? recordedId : null };
  const mine = mappedAddress(current, recordedId);
  const isDefault = !!mine && sameId(mine.id, current.defaultAddress?.id);
  if (want === null || Object.values(want).every(blank)) {
    if (!mine?.id) return { addressId: null };
    const promote = isDefault ? (current.addresses.find((a) => a.id && !sameId(a.id, mine.id))?.id ?? undefined) : undefined;
    return { change: { op: 'delete', addressId: mine.id, ...(promote ? { promote } : {}) }, addressId: null };
  }
  if (!mine?.id) return { change: { op: 'create', address: inputOf(want, true) }, addressId: undefined };
  if (!holds(mine, want))
    return { change: { op: 'update', addressId: mine.id, address: inputOf(want, false), setAsDefault: !isDefault }, addressId: mine.id };
  if (!isDefault) return { change: { op: 'makeDefault', addressId: mine.id }, addressId: mine.id };
  return { addressId: mine.id };
}

/** Makes `change` on customer `customerId`; returns the mapped address's id afterwards (null once deleted). */
export async function applyAddressChange(client: ShopifyClient, customerId: string, change: AddressChange): Promise<string | null> {
  switch (change.op) {
    case 'create':
      return (await createCustomerAddress(client, customerId, change.address, { setAsDefault: true })).id;
    case 'update':
      return (
        (await updateCustomerAddress(client, customerId, change.addressId, change.address, { setAsDefault: change.setAsDefault })).id ??
        change.addressId
      );
    case 'makeDefault':
      await setDefaultAddress(client, customerId, change.addressId);
      return change.addressId;
    case 'delete':
      // Shopify keeps a default address while the customer has others: one of them takes over first. Should this run
      // stop between the two calls, the next one finds the recorded address (no longer the default) and deletes it.
      if (change.promote) await setDefaultAddress(client, customerId, change.promote);
      await deleteCustomerAddress(client, customerId, change.addressId);
      return null;
  }
}
