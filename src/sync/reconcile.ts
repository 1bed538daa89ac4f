// Reconciliation of one tenant: compares Shopify with the store and finds drift (changes whose webhook never came,
// links lost from the database, customers deleted in Shopify, missing webhook subscriptions); with repair, fixes it.
import type { Tenant } from '../store/tenants.js';
import { UserRepository } from '../store/users.js';
import type { ShopifyCustomer } from '../shopify/types.js';
import { exportCustomers } from '../shopify/bulk.js';
import { listCustomersUpdatedSince } from '../shopify/customer-list.js';
import { getCustomer } from '../shopify/customers.js';
import { LinkRepository } from '../store/links.js';
import { asWritten } from '../settings/policies.js';
import { mapFromShopify } from '../mapping/from-shopify.js';
import { applyCustomerState, createFromCustomer } from './inbound/apply.js';
import { customIdOf, metafieldKeysFor, type InboundDeps } from './inbound/context.js';
import { viewOfCustomer } from './inbound/customer-user.js';
import { readCursor, writeCursor } from '../store/cursors.js';
import { agreesWithUser } from './inbound/echo.js';
import { linkCustomer } from './inbound/linking.js';
import { applyCustomerDeletion } from './inbound/removal.js';
import { readInboundPolicies } from './inbound/settings.js';
import { ensureTenantWebhooks, missingTenantWebhooks } from './inbound/subscriptions.js';
import { settingsOf } from '../settings/tenant-settings.js';

export interface ReconcileDeps extends InboundDeps {
  /** PUBLIC_URL, for the webhook subscriptions check */
  publicUrl?: string;
  /** bulk export polling (tests shorten it) */
  pollIntervalMs?: number;
}

export interface ReconcileOptions {
  /** fix what is found (default: only report) */
  repair?: boolean;
  /** compare every customer through a bulk export (finds deletions); otherwise those changed since the last run */
  full?: boolean;
}

export interface Drift {
  customerId: string;
  userId?: string;
  /** what the repair did (apply outcome), when repairing */
  outcome?: string;
  /** why it cannot be repaired automatically */
  reason?: string;
}

export interface ReconcileReport {
  tenant: string;
  mode: 'full' | 'incremental';
  repair: boolean;
  /** incremental runs: customers changed at or after this moment were compared */
  since: string | null;
  scanned: number;
  /** linked customers changed in Shopify after the newest state the bridge saw */
  missedUpdates: Drift[];
  /** customers whose custom-id metafield names a SCIM user the database no longer links */
  lostLinks: Drift[];
  /** linked customers that no longer exist in Shopify (full runs) */
  deletedCustomers: Drift[];
  /** customers created in Shopify that became SCIM users (tenant policy importShopifyCreated) */
  created: Drift[];
  /** what needs a person: a custom id naming a user linked to another customer */
  conflicts: Drift[];
  /** customers with no link and no custom id (run `import` to link or create them) */
  unlinkedCustomers: number;
  subscriptions: { missing: string[]; repaired: boolean; error?: string };
}

export const RECONCILE_CURSOR = 'reconcile.since';
/** Incremental runs look this far behind the last run's start: clocks differ and updates land late. */
const OVERLAP_MS = 5 * 60_000;

const users = new UserRepository();
const links = new LinkRepository();

/** Total drift found (what a scheduled run logs and a test asserts on). */
export const driftCount = (r: ReconcileReport): number =>
  r.missedUpdates.length + r.lostLinks.length + r.deletedCustomers.length + r.created.length + r.subscriptions.missing.length;

/** Reconciles one tenant; throws when the tenant has no shop connected. */
export async function reconcileTenant(deps: ReconcileDeps, tenant: Tenant, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const client = deps.clientFor(tenant);
  if (!client) throw new Error(`tenant "${tenant.name}" has no Shopify shop connected`);
  const repair = opts.repair ?? false;
  const mapping = settingsOf(tenant.settings).mapping;
  const startedAt = new Date((deps.now ?? Date.now)()).toISOString();
  const cursor = opts.full ? undefined : await readCursor(deps.db, tenant.id, RECONCILE_CURSOR);
  const full = opts.full === true || cursor === undefined;
  const since = full ? null : new Date(Date.parse(cursor!) - OVERLAP_MS).toISOString();
  const report: ReconcileReport = {
    tenant: tenant.name,
    mode: full ? 'full' : 'incremental',
    repair,
    since,
    scanned: 0,
    missedUpdates: [],
    lostLinks: [],
    deletedCustomers: [],
    created: [],
    conflicts: [],
    unlinkedCustomers: 0,
    subscriptions: { missing: [], repaired: false },
  };

  const linked = new Map<string, { userId: string; shopifyUpdatedAt: string | null }>();
  for (const r of await links.linkedCustomers(deps.db, tenant.id))
    linked.set(r.customerId, { userId: r.userId, shopifyUpdatedAt: r.shopifyUpdatedAt });

  const seen = new Set<string>();
  const cause = { source: 'reconcile' };
  const metafieldKeys = metafieldKeysFor(mapping);
  const importCreated = readInboundPolicies(tenant.settings).importShopifyCreated;

  const { schemas } = settingsOf(tenant.settings).userType;
  // Rules that only map back (toScim): the user maps nothing to their fields, so agreeing with the user says nothing
  // about them; whether the reverse mapping would change the user does.
  const readBackOnly = { ...mapping, rules: mapping.rules.filter((r) => r.direction === 'toScim') };
  /**
   * A linked customer whose content is not what its user maps to, or that holds a value a rule only mapping back
   * would carry to the user, while no SCIM change waits to be written.
   */
  const differs = async (userId: string, view: ReturnType<typeof viewOfCustomer>) => {
    const user = await users.get(deps.db, tenant.id, userId);
    const l = await links.get(deps.db, tenant.id, userId);
    if (!user || !l || (l.syncedVersion ?? 0) < user.version) return false;
    if (!agreesWithUser(view, asWritten(tenant.settings, user, l.applied?.userName), mapping, l.applied, schemas)) return true;
    if (readBackOnly.rules.length === 0) return false;
    return Object.keys(mapFromShopify(view, readBackOnly, { user: { id: user.id, ...user.data }, schemas }).patch).length > 0;
  };

  const visit = async (c: ShopifyCustomer) => {
    report.scanned++;
    seen.add(c.id);
    const view = viewOfCustomer(c);
    const link = linked.get(c.id);
    if (link) {
      const at = Date.parse(c.updatedAt);
      const seenAt = link.shopifyUpdatedAt ? Date.parse(link.shopifyUpdatedAt) : NaN;
      if (at < seenAt) return;
      // The same second as the newest state seen: only the content can tell whether something was missed.
      if (at === seenAt && !(await differs(link.userId, view))) return;
      const drift: Drift = { customerId: c.id, userId: link.userId };
      if (repair)
        drift.outcome = await applyCustomerState(deps, tenant, { customerId: c.id, updatedAt: c.updatedAt, view, fresh: true, cause });
      report.missedUpdates.push(drift);
      return;
    }
    const userId = customIdOf(c.metafields, mapping);
    const user = userId ? await users.get(deps.db, tenant.id, userId) : undefined;
    if (!user) {
      if (importCreated && !userId) {
        const drift: Drift = { customerId: c.id };
        if (repair)
          drift.outcome = await createFromCustomer(deps, tenant, {
            customerId: c.id,
            updatedAt: c.updatedAt,
            view,
            created: true,
            fresh: true,
            cause,
          });
        if (!repair || drift.outcome === 'created') {
          report.created.push(drift);
          return;
        }
      }
      report.unlinkedCustomers++;
      return;
    }
    const current = await links.get(deps.db, tenant.id, user.id);
    if (current?.customerId && current.customerId !== c.id) {
      report.conflicts.push({
        customerId: c.id,
        userId: user.id,
        reason: `the user is linked to ${current.customerId}, while this customer carries its id too`,
      });
      return;
    }
    const drift: Drift = { customerId: c.id, userId: user.id };
    if (repair) {
      const inSync = agreesWithUser(view, user, mapping, current?.applied, schemas);
      await deps.db.transaction().execute((tx) =>
        linkCustomer(tx, deps, tenant, {
          userId: user.id,
          version: user.version,
          customerId: c.id,
          updatedAt: c.updatedAt,
          inSync,
          needsCustomId: false,
        }),
      );
      drift.outcome = inSync ? 'relinked' : 'relinked; the customer will be updated from SCIM';
    }
    report.lostLinks.push(drift);
  };

  if (full) {
    for await (const c of exportCustomers(client, { metafieldKeys, pollIntervalMs: deps.pollIntervalMs })) await visit(c);
    for (const [customerId, link] of linked) {
      if (seen.has(customerId)) continue;
      // Made after the export started, or really gone? Only Shopify can say.
      if (await getCustomer(client, customerId)) continue;
      const drift: Drift = { customerId, userId: link.userId };
      if (repair) drift.outcome = await applyCustomerDeletion(deps, tenant, customerId, cause);
      report.deletedCustomers.push(drift);
    }
  } else {
    for await (const page of listCustomersUpdatedSince(client, { since: since!, metafieldKeys, pageSize: 100 })) {
      for (const c of page.customers) await visit(c);
    }
  }

  try {
    report.subscriptions.missing = await missingTenantWebhooks(deps, tenant);
    if (repair && report.subscriptions.missing.length) {
      await ensureTenantWebhooks(deps, tenant);
      report.subscriptions.repaired = true;
    }
  } catch (e) {
    report.subscriptions.error = (e as Error).message;
  }
  if (repair) await writeCursor(deps.db, tenant.id, RECONCILE_CURSOR, startedAt);
  return report;
}
