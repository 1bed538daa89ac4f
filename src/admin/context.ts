// What the admin operations need from the running bridge (or from a CLI command): the database, the secret box for
// Shopify and target credentials, the engine's shop connections, and a way to wake the worker after queueing jobs.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import type { Dialect } from '../store/db.js';
import { TenantRepository, type Tenant } from '../store/tenants.js';
import type { SecretBox } from '../security/secrets.js';
import type { AddressPolicy } from '../security/ssrf.js';
import { ShopConnections } from '../sync/shops.js';
import { adminErrors } from './errors.js';

export interface AdminDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  /** seals secrets before they are stored; without it, credentials cannot be written or used */
  box?: SecretBox;
  /** the engine's shop connections (shared clients and budget); made from `box` when absent */
  shops?: ShopConnections;
  /** called after jobs were queued, so the worker runs them now rather than at its next poll */
  wake?: () => void;
  /** subscribes a newly connected shop's webhooks (the two-way sync); its result is shown with the connection */
  onShopConnected?: (tenant: Tenant) => Promise<unknown>;
  /** which addresses outbound targets may reach (TARGETS_ALLOW_PRIVATE); default: public ones only */
  addresses?: AddressPolicy;
  /** PUBLIC_URL: where Shopify delivers webhooks (the shop check verifies that address) */
  publicUrl?: string;
  /** recorded with each saved mapping version and each audit log entry: `admin:<username>` for a signed-in admin UI
   * user, 'admin' for the ADMIN_TOKEN bearer, 'cli' for the commands */
  actor: string;
}

const connections = new WeakMap<SecretBox, ShopConnections>();

/** The shop connections to use: the engine's, else one set per secret box; undefined when secrets cannot be read. */
export function shopsOf(deps: AdminDeps): ShopConnections | undefined {
  if (deps.shops) return deps.shops;
  if (!deps.box) return undefined;
  let c = connections.get(deps.box);
  if (!c) connections.set(deps.box, (c = new ShopConnections({ box: deps.box })));
  return c;
}

/** The tenant with this name, or 404. */
export async function requireTenant(deps: Pick<AdminDeps, 'db'>, name: string): Promise<Tenant> {
  const t = await new TenantRepository(deps.db).byName(name);
  if (!t) throw adminErrors.tenantNotFound(`no tenant named "${name}"`);
  return t;
}

/**
 * Changes a tenant's settings in one transaction (the row held from read to write), so two admins editing different
 * parts (policies and targets, say) never overwrite each other. `change` may throw to abandon the edit.
 */
export async function updateSettings<T>(
  deps: Pick<AdminDeps, 'db'>,
  tenantId: string,
  change: (settings: Record<string, unknown>, tx: Transaction<Database>) => T | Promise<T>,
): Promise<T> {
  const r = await new TenantRepository(deps.db).changeSettings(tenantId, change);
  if (!r) throw adminErrors.tenantNotFound('the tenant was deleted meanwhile');
  return r.value;
}
