// Import of a whole store: every customer (bulk export) is linked to its SCIM user by the custom-id metafield, then
// by email; the rest become SCIM users when asked, so that an IdP's import (GET /Users) sees them.
import type { Tenant } from '../store/tenants.js';
import { UserRepository } from '../store/users.js';
import { isUniqueViolation } from '../store/db.js';
import { exportCustomers } from '../shopify/bulk.js';
import type { ShopifyCustomer } from '../shopify/types.js';
import { LinkRepository } from '../store/links.js';
import { customIdOf, metafieldKeysFor, type InboundDeps } from './inbound/context.js';
import { userNameFor, viewOfCustomer, customerNumber } from './inbound/customer-user.js';
import { agreesWithUser } from './inbound/echo.js';
import { linkCustomer } from './inbound/linking.js';
import { createUserFromShopify } from './inbound/user-writes.js';
import { settingsOf } from '../settings/tenant-settings.js';

export interface ImportDeps extends InboundDeps {
  /** bulk export polling (tests shorten it) */
  pollIntervalMs?: number;
}

export interface ImportOptions {
  /** make SCIM users for customers no user matches */
  createUsers?: boolean;
}

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
  /** customers that could not be linked, with the reason (several users share the email, …) */
  skipped: { customerId: string; reason: string }[];
}

const users = new UserRepository();
const links = new LinkRepository();

/** Imports the tenant's store; throws when the tenant has no shop connected. */
export async function importCustomers(deps: ImportDeps, tenant: Tenant, opts: ImportOptions = {}): Promise<ImportReport> {
  const client = deps.clientFor(tenant);
  if (!client) throw new Error(`tenant "${tenant.name}" has no Shopify shop connected`);
  const mapping = settingsOf(tenant.settings).mapping;
  const { schemas } = settingsOf(tenant.settings).userType;
  const report: ImportReport = { tenant: tenant.name, scanned: 0, alreadyLinked: 0, linkedByCustomId: 0, linkedByEmail: 0, linkedOutOfSync: 0, created: 0, unmatched: 0, skipped: [] };
  const cause = { source: 'import' };

  const match = async (c: ShopifyCustomer): Promise<{ userId: string; by: 'customId' | 'email' } | { reason: string } | undefined> => {
    const byId = customIdOf(c.metafields, mapping);
    if (byId && (await users.get(deps.db, tenant.id, byId))) return { userId: byId, by: 'customId' };
    if (!c.email) return undefined;
    const rows = await deps.db
      .selectFrom('user_emails')
      .select('user_id')
      .distinct()
      .where('tenant_id', '=', tenant.id)
      .where('value_lc', '=', c.email.trim().toLowerCase())
      .execute();
    if (rows.length > 1) return { reason: `${rows.length} SCIM users have this customer's email` };
    return rows[0] ? { userId: rows[0].user_id, by: 'email' } : undefined;
  };

  for await (const c of exportCustomers(client, { metafieldKeys: metafieldKeysFor(mapping), pollIntervalMs: deps.pollIntervalMs })) {
    report.scanned++;
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
        const outcome = await deps.db.transaction().execute(async (tx) => {
          const user = await users.get(tx, tenant.id, m.userId);
          const link = await links.get(tx, tenant.id, m.userId);
          if (!user) return 'gone';
          if (link?.customerId && link.customerId !== c.id) return `the matching user is linked to ${link.customerId} already`;
          const inSync = agreesWithUser(view, user, mapping, link?.applied, schemas);
          await linkCustomer(tx, deps, tenant, { userId: user.id, version: user.version, customerId: c.id, updatedAt: c.updatedAt, inSync, needsCustomId: m.by !== 'customId' });
          return inSync ? 'linked' : 'linked-out-of-sync';
        });
        if (outcome === 'linked' || outcome === 'linked-out-of-sync') {
          if (m.by === 'customId') report.linkedByCustomId++;
          else report.linkedByEmail++;
          if (outcome === 'linked-out-of-sync') report.linkedOutOfSync++;
        } else report.skipped.push({ customerId: c.id, reason: outcome });
        continue;
      }
      if (!opts.createUsers) {
        report.unmatched++;
        continue;
      }
      const created = await deps.db.transaction().execute(async (tx) => {
        let userName = userNameFor(view, c.id);
        if (await users.byUserName(tx, tenant.id, userName)) userName = `shopify-${customerNumber(c.id)}`;
        if (await users.byUserName(tx, tenant.id, userName)) return false;
        const user = await createUserFromShopify(tx, { tenant, fanout: deps.fanout, cause }, view, userName, mapping);
        await linkCustomer(tx, deps, tenant, { userId: user.id, version: user.version, customerId: c.id, updatedAt: c.updatedAt, inSync: true, needsCustomId: true });
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
