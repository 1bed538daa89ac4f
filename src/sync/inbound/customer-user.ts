// A new SCIM user made from a Shopify customer that has none (storefront sign-up, staff-created, import): its
// attributes come through the reverse mapping, its userName from the email, else the phone, else the customer id.
import type { MappingDocument } from '../../mapping/document.js';
import { mapFromShopify, patchOperations } from '../../mapping/from-shopify.js';
import type { ShopifyCustomerView } from '../../mapping/targets.js';
import type { ShopifyCustomer } from '../../shopify/types.js';
import { applyPatch } from '../../scim/patch/index.js';
import { SCHEMA } from '../../scim/schemas.js';
import type { TenantUserType } from '../../scim/tenant-schemas.js';
import type { Json } from '../../store/resources.js';

/** The numeric part of a customer GID. */
export const customerNumber = (gid: string): string => gid.slice(gid.lastIndexOf('/') + 1);

/** The userName a customer's user gets: the email, the phone, or `shopify-<number>`. */
export function userNameFor(view: ShopifyCustomerView, customerId: string): string {
  const email = view.email?.trim();
  if (email) return email;
  const phone = view.phone?.trim();
  if (phone) return phone;
  return `shopify-${customerNumber(customerId)}`;
}

/**
 * The stored form of a user for `view`: attributes from the rules mapped back (toScim or both), active, and the
 * given userName, shaped by the tenant's User type so attributes of its declared extensions are kept. Values the
 * schema refuses are left out rather than failing the whole user.
 */
export function userDataFromCustomer(
  view: ShopifyCustomerView,
  mapping: MappingDocument,
  userName: string,
  userType: TenantUserType,
): Json {
  const base = { schemas: [SCHEMA.user], userName, active: true };
  const ops = patchOperations(mapFromShopify(view, mapping, { schemas: userType.schemas }).patch).filter((op) => op.op === 'replace');
  let data: Json = base;
  for (const op of ops) {
    const r = applyPatch({ ...data, id: 'new' }, { schemas: [SCHEMA.patchOp], Operations: [op] }, userType.type);
    if (r.ok) {
      const { id: _id, ...rest } = r.value.resource as Json;
      data = rest;
    }
  }
  if (!data.displayName) {
    const name = [view.firstName, view.lastName].filter((x) => typeof x === 'string' && x.trim()).join(' ');
    if (name) data.displayName = name;
  }
  return data;
}

/** A customer read through the Admin API, as the reverse mapping sees it (every field present). */
export function viewOfCustomer(c: ShopifyCustomer): ShopifyCustomerView {
  const a = c.defaultAddress;
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    note: c.note,
    locale: c.locale,
    tags: c.tags,
    defaultAddress: a
      ? {
          firstName: a.firstName,
          lastName: a.lastName,
          company: a.company,
          address1: a.address1,
          address2: a.address2,
          city: a.city,
          province: a.province,
          provinceCode: a.provinceCode,
          countryCode: a.countryCode,
          zip: a.zip,
          phone: a.phone,
        }
      : null,
    metafields: c.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
    ...(c.emailMarketingState ? { emailMarketingConsent: { marketingState: c.emailMarketingState } } : {}),
    ...(c.smsMarketingState ? { smsMarketingConsent: { marketingState: c.smsMarketingState } } : {}),
  };
}
