// Import of a whole store: every customer (bulk export) is linked to its SCIM user by the custom-id metafield, then
// by email; the rest become SCIM users when asked, so that an IdP's import (GET /Users) sees them. People the bridge
// deprovisioned are not brought back, and a custom id naming another SCIM user is never overwritten.
import type { Tenant } from '../store/tenants.js';
import { UserRepository } from '../store/users.js';
import { isUniqueViolation } from '../store/db.js';
import { exportCustomers } from '../shopify/bulk.js';
import type { ShopifyCustomer } from '../shopify/types.js';
import { LinkRepository } from '../store/links.js';
import { deactivatedTag } from '../settings/policies.js';
import { deprovisionMarker } from './deprovision.js';
import { tagKey } from '../mapping/tags.js';
import { customIdOf, metafieldKeysFor, type InboundDeps } from './inbound/context.js';
import { userNameFor, viewOfCustomer, customerNumber } from './inbound/customer-user.js';
import { agreesWithUser } from './inbound/echo.js';
import { linkCustomer } from './inbound/linking.js';
import { createUserFromShopify, type Tx } from './inbound/user-writes.js';
import { settingsOf } from '../settings/tenant-settings.js';

export interface ImportDeps extends InboundDeps {
  /** bulk export polling (tests shorten it) */
  pollIntervalMs?: number;
}

export interface ImportOptions {
  /** make SCIM users for customers no user matches */
  createUsers?: boolean;
  /**
   * with createUsers: also make users (inactive, `active: false`) for customers the bridge deprovisioned (its
   * deactivation tag or marker); by default they are left out, so an import never revives someone removed
   */
  includeDeprovisioned?: boolean;
  /** work out and report everything, change nothing (every write runs in a transaction that is rolled back) */
  dryRun?: boolean;
  /** called every `progressEvery` customers read (default PROGRESS_EVERY), with the report so far */
  onProgress?: (report: ImportReport) => void;
  progressEvery?: number;
}

/** How often an import reports progress (customers read). */
export const PROGRESS_EVERY = 250;

export interface ImportReport {
  tenant: string;
  scanned: number;
  alreadyLinked: number;
  linkedByCustomId: number;
  linkedByEmail: number;
  /** linked, but the customer differs from the user: the engine updates it from SCIM */
  linkedOutOfSync: number;
  created: number;
  /** customers left unlinked (no match, and createUsers not given) */
  unmatched: number;
  /** of those, customers the bridge deprovisioned: left out (or, with includeDeprovisioned, made inactive users) */
  deprovisioned: number;
  /** nothing was changed: the counts say what an import would do */
  dryRun: boolean;
  /** customers that could not be linked, with the reason (several users share the email, …) */
  skipped: { customerId: string; reason: string }[];
}

const users = new UserRepository();
const links = new LinkRepository();

/** Ends a dry run's transaction, undoing its writes while keeping what it found. */
class DryRun<T> extends Error {
  constructor(readonly value: T) {
    super('dry run');
  }
}

/** Imports the tenant's store; throws when the tenant has no shop connected. */
export async function importCustomers(deps: ImportDeps, tenant: Tenant, opts: ImportOptions = {}): Promise<ImportReport> {
  const client = deps.clientFor(tenant);
  if (!client) throw new Error(`tenant "${tenant.name}" has no Shopify shop connected`);
  const mapping = settingsOf(tenant.settings).mapping;
  const { schemas } = settingsOf(tenant.settings).userType;
  const report: ImportReport = {
    tenant: tenant.name,
    scanned: 0,
    alreadyLinked: 0,
    linkedByCustomId: 0,
    linkedByEmail: 0,
    linkedOutOfSync: 0,
    created: 0,
    unmatched: 0,
    deprovisioned: 0,
    dryRun: !!opts.dryRun,
    skipped: [],
  };
  const cause = { source: 'import' };
  const marker = deprovisionMarker(mapping);
  const offTag = tagKey(deactivatedTag(settingsOf(tenant.settings).policies, mapping));
  /** The bridge deactivated (or deleted the user of) this customer: its deactivation tag or its marker metafield. */
  const deprovisioned = (c: ShopifyCustomer) =>
    c.tags.some((t) => tagKey(t) === offTag) ||
    c.metafields.some((m) => m.namespace === marker.namespace && m.key === marker.key && m.value);
  /** Runs `fn` in a transaction; in a dry run the transaction is rolled back and `fn`'s answer kept. */
  const write = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    try {
      return await deps.db.transaction().execute(async (tx) => {
        const v = await fn(tx);
        if (opts.dryRun) throw new DryRun(v);
        return v;
      });
    } catch (e) {
      if (e instanceof DryRun) return e.value as T;
      throw e;
    }
  };

  const match = async (c: ShopifyCustomer): Promise<{ userId: string; by: 'customId' | 'email' } | { reason: string } | undefined> => {
    const byId = customIdOf(c.metafields, mapping);
    if (byId && (await users.get(deps.db, tenant.id, byId))) return { userId: byId, by: 'customId' };
    // The customer names a SCIM user that is gone (deleted): linking it to anyone else would overwrite that link.
    if (byId) return { reason: `its custom id names SCIM user ${byId}, which no longer exists; the link is left as it is` };
    if (!c.email) return undefined;
    const ids = await users.idsWithEmail(deps.db, tenant.id, c.email, 1000);
    if (ids.length > 1) return { reason: `${ids.length} SCIM users have this customer's email` };
    return ids[0] ? { userId: ids[0], by: 'email' } : undefined;
  };

  const metafieldKeys = [...metafieldKeysFor(mapping), `${marker.namespace}.${marker.key}`];
  for await (const c of exportCustomers(client, { metafieldKeys, pollIntervalMs: deps.pollIntervalMs })) {
    report.scanned++;
    if (report.scanned % (opts.progressEvery ?? PROGRESS_EVERY) === 0) opts.onProgress?.({ ...report, skipped: [...report.skipped] });
    if (await links.byCustomer(deps.db, tenant.id, c.id)) {
      report.alreadyLinked++;
      continue;
    }
    const view = viewOfCustomer(c);
    const m = await match(c);
    if (m && 'reason' in m) {
      report.skipped.push({ customerId: c.id, reason: m.reason });
      continue;
    }
    try {
      if (m) {
        const outcome = await write(async (tx) => {
          const user = await users.get(tx, tenant.id, m.userId);
          const link = await links.get(tx, tenant.id, m.userId);
          if (!user) return 'gone';
          if (link?.customerId && link.customerId !== c.id) return `the matching user is linked to ${link.customerId} already`;
          const inSync = agreesWithUser(view, user, mapping, link?.applied, schemas);
          await linkCustomer(tx, deps, tenant, {
            userId: user.id,
            version: user.version,
            customerId: c.id,
            updatedAt: c.updatedAt,
            inSync,
            needsCustomId: m.by !== 'customId',
          });
          return inSync ? 'linked' : 'linked-out-of-sync';
        });
        if (outcome === 'linked' || outcome === 'linked-out-of-sync') {
          if (m.by === 'customId') report.linkedByCustomId++;
          else report.linkedByEmail++;
          if (outcome === 'linked-out-of-sync') report.linkedOutOfSync++;
        } else report.skipped.push({ customerId: c.id, reason: outcome });
        continue;
      }
      const gone = deprovisioned(c);
      if (gone) report.deprovisioned++;
      if (!opts.createUsers || (gone && !opts.includeDeprovisioned)) {
        report.unmatched++;
        continue;
      }
      const created = await write(async (tx) => {
        let userName = userNameFor(view, c.id);
        if (await users.byUserName(tx, tenant.id, userName)) userName = `shopify-${customerNumber(c.id)}`;
        if (await users.byUserName(tx, tenant.id, userName)) return false;
        const user = await createUserFromShopify(
          tx,
          { tenant, fanout: deps.fanout, cause },
          view,
          userName,
          mapping,
          gone ? { active: false } : {},
        );
        await linkCustomer(tx, deps, tenant, {
          userId: user.id,
          version: user.version,
          customerId: c.id,
          updatedAt: c.updatedAt,
          inSync: true,
          needsCustomId: true,
          ...(gone ? { deprovisioned: 'tag' } : {}),
        });
        return true;
      });
      if (created) report.created++;
      else report.skipped.push({ customerId: c.id, reason: 'its userName is taken by another user' });
    } catch (e) {
      // A webhook or the engine linked the same customer meanwhile.
      if (isUniqueViolation(e)) report.skipped.push({ customerId: c.id, reason: 'linked meanwhile' });
      else throw e;
    }
  }
  return report;
}
