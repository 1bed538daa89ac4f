// Customer mutations with Shopify's payload shapes and userErrors: create/update/delete/set, tags, marketing
// consent, data erasure requests and the dedicated address mutations.
import { addAddress, deleteAddress, setDefaultAddress, updateAddress } from '../address-writes.js';
import type { AddressInput } from '../addresses.js';
import { changeTags, commitChange, createCustomer, deleteCustomer, updateCustomer, type CustomerFields } from '../customers.js';
import { applyMetafieldWrite, checkMetafieldWrite, findDefinition, resolveNamespace } from '../metafields.js';
import { normalizePhone } from '../phone.js';
import { gid, parseGid, type CustomerRecord } from '../state.js';
import type { UserErrorOut } from '../validation.js';
import type { ExecContext } from './context.js';
import { customerByIdentifier, type RootResolver } from './query.js';
import { addressView, customerView, type Args } from './views.js';

const notFound = (field: string[] = ['id']): UserErrorOut[] => [{ field, message: 'Customer does not exist', code: 'NOT_FOUND' }];
const noAddress: UserErrorOut[] = [{ field: ['addressId'], message: 'Address does not exist' }];

function findCustomer(ctx: ExecContext, id: unknown): CustomerRecord | undefined {
  const n = parseGid(id, 'Customer');
  return n === null ? undefined : ctx.shop.customer(n);
}

const view = (c: CustomerRecord | null, ctx: ExecContext) => (c ? customerView(c, ctx) : null);

function customerSet(args: Args, ctx: ExecContext) {
  const input = { ...(args.input as CustomerFields & { id?: string }) };
  const identifier = (args.identifier ?? null) as Record<string, unknown> | null;
  const shop = ctx.shop;
  const fail = (errors: UserErrorOut[]) => ({ customer: null, userErrors: errors });
  if (input.id !== undefined && input.id !== null && identifier)
    return fail([{ field: ['input', 'id'], message: 'The id field is not allowed if identifier is provided.', code: 'ID_NOT_ALLOWED' }]);
  delete input.id;
  if (!identifier) {
    const r = createCustomer(shop, input, ['input']);
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  }
  // the identifier and the input must agree on the value they share
  if (typeof identifier.email === 'string') {
    if (input.email != null && input.email.trim().toLowerCase() !== identifier.email.trim().toLowerCase())
      return fail([{ field: ['input', 'email'], message: 'The input email must match the identifier email.', code: 'INPUT_MISMATCH' }]);
    input.email ??= identifier.email;
  }
  if (typeof identifier.phone === 'string') {
    if (input.phone != null && normalizePhone(input.phone) !== normalizePhone(identifier.phone))
      return fail([{ field: ['input', 'phone'], message: 'The input phone must match the identifier phone.', code: 'INPUT_MISMATCH' }]);
    input.phone ??= identifier.phone;
  }
  const custom = identifier.customId as { namespace?: string; key: string; value: string } | undefined;
  if (custom) {
    const def = findDefinition(shop, resolveNamespace(custom.namespace), custom.key);
    if (!def?.uniqueValues)
      return fail([
        {
          field: ['identifier', 'customId'],
          message: 'The metafield definition for the custom id does not exist or does not have unique values.',
          code: 'NOT_FOUND',
        },
      ]);
  }
  const existing = customerByIdentifier(ctx, identifier);
  if (identifier.id !== undefined && identifier.id !== null && !existing)
    return fail([{ field: ['identifier', 'id'], message: 'Customer does not exist', code: 'NOT_FOUND' }]);
  if (existing) {
    // list fields given in the input replace what is stored
    const r = updateCustomer(shop, existing, input, ['input']);
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  }
  if (custom) {
    const ns = resolveNamespace(custom.namespace);
    const check = checkMetafieldWrite(shop, null, { namespace: ns, key: custom.key, value: custom.value }, ['identifier', 'customId']);
    if (!check.ok) return fail(check.errors);
    const r = createCustomer(shop, input, ['input']);
    if (r.customer) {
      const before = structuredClone(r.customer);
      applyMetafieldWrite(shop, r.customer, check.write);
      commitChange(shop, r.customer, before);
    }
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  }
  const r = createCustomer(shop, input, ['input']);
  return { customer: view(r.customer, ctx), userErrors: r.userErrors };
}

function consentUpdate(kind: 'email' | 'sms'): RootResolver {
  return (args, ctx) => {
    const input = args.input as Record<string, unknown>;
    const c = findCustomer(ctx, input.customerId);
    if (!c) return { customer: null, userErrors: [{ field: ['input', 'customerId'], message: 'Customer not found', code: 'INVALID' }] };
    const consentInput = (
      kind === 'email' ? input.emailMarketingConsent : input.smsMarketingConsent
    ) as CustomerFields['emailMarketingConsent'];
    const r = updateCustomer(
      ctx.shop,
      c,
      kind === 'email' ? { emailMarketingConsent: consentInput } : { smsMarketingConsent: consentInput },
      ['input'],
    );
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  };
}

function addressOwner(ctx: ExecContext, args: Args) {
  const c = findCustomer(ctx, args.customerId);
  const addressId = args.addressId === undefined ? null : parseGid(String(args.addressId).split('?')[0], 'MailingAddress');
  const address = c && addressId !== null ? c.addresses.find((a) => a.id === addressId) : undefined;
  return { c, address };
}

export const customerMutations: Record<string, RootResolver> = {
  customerCreate: (args, ctx) => {
    const input = args.input as CustomerFields & { id?: string };
    if (input.id) return { customer: null, userErrors: [{ field: ['id'], message: 'Id must not be provided when creating a customer' }] };
    const r = createCustomer(ctx.shop, input);
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  },
  customerUpdate: (args, ctx) => {
    const input = args.input as CustomerFields & { id?: string };
    const c = findCustomer(ctx, input.id);
    if (!c) return { customer: null, userErrors: notFound() };
    const { id: _id, ...fields } = input;
    const r = updateCustomer(ctx.shop, c, fields);
    return { customer: view(r.customer, ctx), userErrors: r.userErrors };
  },
  customerDelete: (args, ctx) => {
    const input = args.input as { id: string };
    const c = findCustomer(ctx, input.id);
    if (!c) return { deletedCustomerId: null, shop: {}, userErrors: [{ field: ['id'], message: "Customer can't be found" }] };
    const errors = deleteCustomer(ctx.shop, c);
    return { deletedCustomerId: errors.length ? null : gid('Customer', c.id), shop: { id: 'gid://shopify/Shop/1' }, userErrors: errors };
  },
  customerSet: (args, ctx) => customerSet(args, ctx),
  tagsAdd: (args, ctx) => tags(args, ctx, 'add'),
  tagsRemove: (args, ctx) => tags(args, ctx, 'remove'),
  customerEmailMarketingConsentUpdate: consentUpdate('email'),
  customerSmsMarketingConsentUpdate: consentUpdate('sms'),
  customerRequestDataErasure: (args, ctx) => {
    const c = findCustomer(ctx, args.customerId);
    if (!c)
      return { customerId: null, userErrors: [{ field: ['customerId'], message: 'Customer does not exist.', code: 'DOES_NOT_EXIST' }] };
    c.erasureRequestedAt = ctx.shop.nowIso();
    ctx.shop.changed();
    return { customerId: gid('Customer', c.id), userErrors: [] };
  },
  customerCancelDataErasure: (args, ctx) => {
    const c = findCustomer(ctx, args.customerId);
    if (!c)
      return { customerId: null, userErrors: [{ field: ['customerId'], message: 'Customer does not exist.', code: 'DOES_NOT_EXIST' }] };
    if (!c.erasureRequestedAt)
      return {
        customerId: null,
        userErrors: [{ field: ['customerId'], message: "Customer's data is not scheduled for erasure.", code: 'NOT_BEING_ERASED' }],
      };
    c.erasureRequestedAt = null;
    ctx.shop.changed();
    return { customerId: gid('Customer', c.id), userErrors: [] };
  },
  customerAddressCreate: (args, ctx) => {
    const { c } = addressOwner(ctx, args);
    if (!c) return { address: null, userErrors: notFound(['customerId']) };
    const r = addAddress(ctx.shop, c, args.address as AddressInput, args.setAsDefault === true);
    return { address: r.address && addressView(r.address), userErrors: r.userErrors };
  },
  customerAddressUpdate: (args, ctx) => {
    const { c, address } = addressOwner(ctx, args);
    if (!c) return { address: null, userErrors: notFound(['customerId']) };
    if (!address) return { address: null, userErrors: noAddress };
    const r = updateAddress(ctx.shop, c, address, args.address as AddressInput, args.setAsDefault === true);
    return { address: r.address && addressView(r.address), userErrors: r.userErrors };
  },
  customerAddressDelete: (args, ctx) => {
    const { c, address } = addressOwner(ctx, args);
    if (!c) return { deletedAddressId: null, userErrors: notFound(['customerId']) };
    if (!address) return { deletedAddressId: null, userErrors: noAddress };
    const errors = deleteAddress(ctx.shop, c, address);
    return { deletedAddressId: errors.length ? null : addressView(address).id, userErrors: errors };
  },
  customerUpdateDefaultAddress: (args, ctx) => {
    const { c, address } = addressOwner(ctx, args);
    if (!c) return { customer: null, userErrors: notFound(['customerId']) };
    if (!address) return { customer: null, userErrors: noAddress };
    setDefaultAddress(ctx.shop, c, address);
    return { customer: customerView(c, ctx), userErrors: [] };
  },
};

function tags(args: Args, ctx: ExecContext, mode: 'add' | 'remove') {
  const id = args.id as string;
  const c = findCustomer(ctx, id);
  if (!c) {
    const known = /^gid:\/\/shopify\/Customer\//.test(id);
    return {
      node: null,
      userErrors: [{ field: ['id'], message: known ? 'Customer does not exist' : 'Operation is not supported for this resource' }],
    };
  }
  const errors = changeTags(ctx.shop, c, args.tags as string[], mode);
  return { node: errors.length ? null : customerView(c, ctx), userErrors: errors };
}
