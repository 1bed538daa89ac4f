// The control surface of the emulator (in-process and behind /_emulator/*): merchant actions that fire the same
// webhooks as API writes, inspection of customers, deliveries and counters, reset, and fault injection.
import type { AppAuth } from './auth.js';
import type { CostBucket } from './bucket.js';
import type { ThrottleStatus } from '../shopify/throttle.js';
import { addAddress } from './address-writes.js';
import type { AddressInput } from './addresses.js';
import {
  changeTags,
  createCustomer,
  deleteCustomer,
  mergeCustomers,
  placeOrder,
  setState,
  updateCustomer,
  type CustomerFields,
} from './customers.js';
import { mergeFaults, NO_FAULTS, type Faults } from './faults.js';
import type { RunCounters } from './graphql/run.js';
import type { Shop } from './shop.js';
import { emptyShop, gid, parseGid, type CustomerRecord } from './state.js';
import type { UserErrorOut } from './validation.js';
import type { WebhookDelivery, WebhookDispatcher } from './webhooks.js';

/** A control request that cannot be served (unknown customer, bad fault value); `status` is the HTTP answer. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface CustomerSnapshot {
  id: string;
  legacyResourceId: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  state: string;
  tags: string[];
  note: string | null;
  locale: string;
  createdAt: string;
  updatedAt: string;
  numberOfOrders: number;
  canDelete: boolean;
  addresses: CustomerRecord['addresses'];
  defaultAddressId: number | null;
  metafields: Array<{ namespace: string; key: string; type: string; value: string }>;
  emailMarketingConsent: CustomerRecord['emailMarketingConsent'];
  smsMarketingConsent: CustomerRecord['smsMarketingConsent'];
  erasureRequestedAt: string | null;
}

export interface StaffResult {
  customer: CustomerSnapshot | null;
  userErrors: UserErrorOut[];
}

export interface EmulatorCounters extends RunCounters {
  /** lines of bulk mutations run (each one mutation, uncharged) */
  bulkMutationLines: number;
  unauthorized: number;
  faultErrors: number;
  faultTimeouts: number;
  webhooksDelivered: number;
  webhooksFailed: number;
  webhooksDropped: number;
  webhooksPending: number;
}

export interface EmulatorControl {
  /** create a customer "as staff" in the Shopify admin (fires customers/create) */
  createCustomer(input: CustomerFields): StaffResult;
  /** edit a customer as staff (fires customers/update and tag topics as applicable) */
  updateCustomer(id: string | number, input: CustomerFields): StaffResult;
  /** delete as staff; refused with a user error while the customer has orders */
  deleteCustomer(id: string | number): { deletedCustomerId: string | null; userErrors: UserErrorOut[] };
  addTags(id: string | number, tags: string[]): StaffResult;
  /** merge two customers as staff: `keep` stays, `remove` is deleted (fires customers/delete, customers/update, customers/merge) */
  mergeCustomers(keep: string | number, remove: string | number): StaffResult;
  /** add an address as staff, the default one when asked or when it is the first (fires customers/update) */
  addAddress(id: string | number, address: AddressInput, opts?: { setAsDefault?: boolean }): StaffResult;
  removeTags(id: string | number, tags: string[]): StaffResult;
  /** record an order, so that customerDelete is refused and canDelete is false */
  placeOrder(id: string | number, order?: { totalPrice?: string }): { orderId: string; customer: CustomerSnapshot };
  /** the customer signs in to new customer accounts: state ENABLED (fires customers/enable) */
  signIn(id: string | number): StaffResult;
  /** the merchant disables the account: state DISABLED (fires customers/disable) */
  disableAccount(id: string | number): StaffResult;
  customers(): CustomerSnapshot[];
  customer(id: string | number): CustomerSnapshot | null;
  /** webhook deliveries, newest last */
  deliveries(filter?: { topic?: string; status?: WebhookDelivery['status'] }): WebhookDelivery[];
  /** resolves when no webhook delivery is pending */
  webhooksIdle(): Promise<void>;
  counters(): EmulatorCounters;
  throttleStatus(): ThrottleStatus;
  faults(): Faults;
  /** merge fault settings (see Faults); returns the settings now in force */
  setFaults(patch: Partial<Faults>): Faults;
  clearFaults(): Faults;
  /** end every client-credentials token now (the static token stays valid) */
  expireTokens(): void;
  /** empty shop, full bucket, no deliveries, no faults, counters at zero */
  reset(): void;
}

export interface ControlDeps {
  shop: Shop;
  auth: AppAuth;
  bucket: CostBucket;
  webhooks: WebhookDispatcher;
  counters: EmulatorCounters;
  faults: { current: Faults };
  /** extra cleanup on reset (pending bulk runs, staged uploads) */
  onReset?: () => void;
}

/** Plain JSON view of a customer for inspection. */
export function snapshot(c: CustomerRecord): CustomerSnapshot {
  return {
    id: gid('Customer', c.id),
    legacyResourceId: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    state: c.state,
    tags: [...c.tags],
    note: c.note,
    locale: c.locale,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    numberOfOrders: c.orders.length,
    canDelete: c.orders.length === 0,
    addresses: structuredClone(c.addresses),
    defaultAddressId: c.defaultAddressId,
    metafields: c.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value })),
    emailMarketingConsent: structuredClone(c.emailMarketingConsent),
    smsMarketingConsent: structuredClone(c.smsMarketingConsent),
    erasureRequestedAt: c.erasureRequestedAt,
  };
}

/** Builds the control object over the emulator's parts. */
export function makeControl(d: ControlDeps): EmulatorControl {
  const find = (id: string | number): CustomerRecord => {
    const n = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : parseGid(id, 'Customer');
    const c = n === null ? undefined : d.shop.customer(n);
    if (!c) throw new ControlError(404, `Customer ${id} does not exist`);
    return c;
  };
  const result = (r: { customer: CustomerRecord | null; userErrors: UserErrorOut[] }): StaffResult => ({
    customer: r.customer ? snapshot(r.customer) : null,
    userErrors: r.userErrors,
  });

  return {
    createCustomer: (input) => result(createCustomer(d.shop, input)),
    updateCustomer: (id, input) => result(updateCustomer(d.shop, find(id), input)),
    deleteCustomer: (id) => {
      const c = find(id);
      const userErrors = deleteCustomer(d.shop, c);
      return { deletedCustomerId: userErrors.length ? null : gid('Customer', c.id), userErrors };
    },
    mergeCustomers: (keepId, removeId) => {
      const keep = find(keepId);
      const userErrors = mergeCustomers(d.shop, keep, find(removeId));
      return { customer: snapshot(keep), userErrors };
    },
    addTags: (id, tags) => {
      const c = find(id);
      const userErrors = changeTags(d.shop, c, tags, 'add');
      return { customer: snapshot(c), userErrors };
    },
    addAddress: (id, address, opts) => {
      const c = find(id);
      const r = addAddress(d.shop, c, address, opts?.setAsDefault === true);
      return { customer: r.userErrors.length ? null : snapshot(c), userErrors: r.userErrors };
    },
    removeTags: (id, tags) => {
      const c = find(id);
      const userErrors = changeTags(d.shop, c, tags, 'remove');
      return { customer: snapshot(c), userErrors };
    },
    placeOrder: (id, order) => {
      const c = find(id);
      const o = placeOrder(d.shop, c, order?.totalPrice ?? '10.00');
      return { orderId: gid('Order', o.id), customer: snapshot(c) };
    },
    signIn: (id) => {
      const c = find(id);
      setState(d.shop, c, 'ENABLED');
      return { customer: snapshot(c), userErrors: [] };
    },
    disableAccount: (id) => {
      const c = find(id);
      setState(d.shop, c, 'DISABLED');
      return { customer: snapshot(c), userErrors: [] };
    },
    customers: () => d.shop.data.customers.map(snapshot),
    customer: (id) => {
      try {
        return snapshot(find(id));
      } catch {
        return null;
      }
    },
    deliveries: (filter) =>
      d.webhooks.deliveries
        .filter((x) => (!filter?.topic || x.topic === filter.topic) && (!filter?.status || x.status === filter.status))
        .map((x) => structuredClone(x)),
    webhooksIdle: () => d.webhooks.idle(),
    counters: () => {
      const all = d.webhooks.deliveries;
      const count = (s: WebhookDelivery['status']) => all.filter((x) => x.status === s).length;
      return {
        ...d.counters,
        webhooksDelivered: count('delivered'),
        webhooksFailed: count('failed'),
        webhooksDropped: count('dropped'),
        webhooksPending: count('pending'),
      };
    },
    throttleStatus: () => d.bucket.status(),
    faults: () => ({ ...d.faults.current }),
    setFaults: (patch) => {
      let next: Faults;
      try {
        next = mergeFaults(d.faults.current, patch as Record<string, unknown>);
      } catch (e) {
        throw new ControlError(400, (e as Error).message);
      }
      if (next.throttlePressure > 0 && next.throttlePressure !== d.faults.current.throttlePressure) d.bucket.drain(next.throttlePressure);
      d.bucket.pressure = next.throttlePressure;
      d.faults.current = next;
      return { ...next };
    },
    clearFaults: () => {
      d.faults.current = { ...NO_FAULTS };
      d.bucket.pressure = 0;
      return { ...NO_FAULTS };
    },
    expireTokens: () => d.auth.revokeIssued(),
    reset: () => {
      d.onReset?.();
      d.shop.replace(emptyShop());
      d.webhooks.clear();
      d.bucket.fill();
      d.bucket.pressure = 0;
      d.faults.current = { ...NO_FAULTS };
      for (const k of Object.keys(d.counters) as Array<keyof EmulatorCounters>) d.counters[k] = 0;
    },
  };
}
