// Tenants (one per shop) and their SCIM clients with bearer tokens. A token resolves to exactly one tenant and client;
// nothing here ever returns a token in clear after it was created.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, TenantsTable, ClientsTable } from './types.js';
import { generateToken, hashToken, safeEqual, tokenDisplayPrefix } from '../security/tokens.js';
import { isUniqueViolation } from './db.js';
import { audit } from './resources.js';
import { changeStamp, tenantsChanged } from './change-signal.js';

export interface Tenant {
  id: string;
  name: string;
  displayName: string;
  createdAt: string;
  settings: Record<string, unknown>;
}

export interface Client {
  id: string;
  tenantId: string;
  label: string;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** when the token stops being accepted on its own (its expiry, or the end of a rotation's overlap), or null */
  expiresAt: string | null;
}

/** Why a token is not accepted: unknown (or revoked) and expired are told apart only in the answer's wording. */
export type AuthFailure = 'invalid' | 'expired';

export class TenantError extends Error {
  constructor(
    readonly code: 'TENANT_EXISTS' | 'TENANT_NOT_FOUND' | 'TENANT_NAME_INVALID' | 'CLIENT_NOT_FOUND' | 'LABEL_INVALID' | 'EXPIRY_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

export const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const toTenant = (r: TenantsTable): Tenant => ({
  id: r.id,
  name: r.name,
  displayName: r.display_name,
  createdAt: r.created_at,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
});

const toClient = (r: ClientsTable): Client => ({
  id: r.id,
  tenantId: r.tenant_id,
  label: r.label,
  tokenPrefix: r.token_prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  expiresAt: r.expires_at ?? null,
});

/** True when the client's token is accepted at `now`: not revoked and not past its expiry. */
export const isActive = (c: Pick<Client, 'revokedAt' | 'expiresAt'>, now = Date.now()): boolean =>
  !c.revokedAt && (!c.expiresAt || Date.parse(c.expiresAt) > now);

/** The longest a token may live or a rotation may overlap: ten years. */
const MAX_LIFETIME_MS = 10 * 365 * 24 * 3600_000;

function checkExpiry(expiresAt: string | undefined, now: number): string | null {
  if (expiresAt === undefined) return null;
  const t = Date.parse(expiresAt);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(expiresAt) || Number.isNaN(t))
    throw new TenantError('EXPIRY_INVALID', `expiresAt "${expiresAt}" must be an ISO 8601 time such as 2027-01-31T00:00:00Z`);
  if (t <= now) throw new TenantError('EXPIRY_INVALID', 'expiresAt must be in the future');
  if (t - now > MAX_LIFETIME_MS) throw new TenantError('EXPIRY_INVALID', 'expiresAt must be at most ten years from now');
  return new Date(t).toISOString();
}

function newClientRow(tenantId: string, label: string, expiresAt: string | null): { row: ClientsTable; token: string } {
  const token = generateToken();
  const row: ClientsTable = {
    id: randomUUID(),
    tenant_id: tenantId,
    label,
    token_hash: hashToken(token),
    token_prefix: tokenDisplayPrefix(token),
    created_at: new Date().toISOString(),
    last_used_at: null,
    revoked_at: null,
    expires_at: expiresAt,
  };
  return { row, token };
}

/** How long an accepted token's tenant and client are kept (at most; a change drops them sooner). */
export const VERIFIED_TOKEN_MS = 1000;
const VERIFIED_TOKENS_MAX = 10_000;
type VerifiedToken = { tenant: Tenant; client: Client; stamp: string; until: number };
const verifiedTokens = new WeakMap<object, Map<string, VerifiedToken>>();
function verifiedTokensOf(db: object): Map<string, VerifiedToken> {
  let m = verifiedTokens.get(db);
  if (!m) verifiedTokens.set(db, (m = new Map()));
  return m;
}

function deepFreeze(o: unknown): void {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
}

export class TenantRepository {
  /** `actor` is recorded in the audit log with each change made through this repository: 'admin', 'cli', 'system'. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor = 'system',
  ) {}

  /**
   * Runs a change to tenants or tokens in a transaction; kept copies of them (verifyToken) are stale afterwards, even
   * if it failed.
   */
  private async inChangingTransaction<T>(change: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(change);
    } finally {
      tenantsChanged();
    }
  }

  /** Creates a tenant; its name becomes part of the SCIM base URL, so it is a lower-case slug. */
  async create(name: string, displayName?: string, settings: Record<string, unknown> = {}): Promise<Tenant> {
    if (!TENANT_NAME.test(name))
      throw new TenantError(
        'TENANT_NAME_INVALID',
        `tenant name "${name}" must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash`,
      );
    const row: TenantsTable = {
      id: randomUUID(),
      name,
      display_name: displayName ?? name,
      created_at: new Date().toISOString(),
      settings: JSON.stringify(settings),
    };
    try {
      await this.inChangingTransaction(async (tx) => {
        await tx.insertInto('tenants').values(row).execute();
        await audit(tx, {
          tenantId: row.id,
          actor: this.actor,
          action: 'tenant.create',
          resourceType: 'Tenant',
          resourceId: row.id,
          detail: { name },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new TenantError('TENANT_EXISTS', `a tenant named "${name}" already exists`);
      throw e;
    }
    return toTenant(row);
  }

  async list(): Promise<Tenant[]> {
    return (await this.db.selectFrom('tenants').selectAll().orderBy('name').execute()).map(toTenant);
  }

  async byName(name: string): Promise<Tenant | undefined> {
    const r = await this.db.selectFrom('tenants').selectAll().where('name', '=', name.toLowerCase()).executeTakeFirst();
    return r && toTenant(r);
  }

  async byId(id: string): Promise<Tenant | undefined> {
    const r = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTenant(r);
  }

  async requireByName(name: string): Promise<Tenant> {
    const t = await this.byName(name);
    if (!t) throw new TenantError('TENANT_NOT_FOUND', `no tenant named "${name}"`);
    return t;
  }

  /**
   * Changes a tenant's settings in one transaction that holds the tenant's row from the first read to the write, so
   * two writers changing different parts (an admin's policies and a shop connection, say) never overwrite each other.
   * `change` edits the settings in place and may throw to abandon the edit; undefined when the tenant does not exist.
   */
  async changeSettings<T>(
    id: string,
    change: (settings: Record<string, unknown>, tx: Transaction<Database>) => T | Promise<T>,
  ): Promise<{ value: T } | undefined> {
    return this.inChangingTransaction(async (tx) => {
      // A write first: it takes the row lock on PostgreSQL and the write lock on SQLite before anything is read.
      const touched = await tx
        .updateTable('tenants')
        .set((eb) => ({ settings: eb.ref('settings') }))
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(touched.numUpdatedRows) === 0) return undefined;
      const row = await tx.selectFrom('tenants').select('settings').where('id', '=', id).executeTakeFirstOrThrow();
      const settings = JSON.parse(row.settings) as Record<string, unknown>;
      const value = await change(settings, tx);
      await tx
        .updateTable('tenants')
        .set({ settings: JSON.stringify(settings) })
        .where('id', '=', id)
        .execute();
      return { value };
    });
  }

  /**
   * Rewrites every tenant's settings in one transaction (a key rotation re-sealing every secret): `change` returns
   * the new settings, or undefined to leave a tenant as it is; when it throws, no tenant is changed.
   */
  async rewriteAllSettings(
    change: (settings: Record<string, unknown>, tenant: Tenant) => Record<string, unknown> | undefined,
  ): Promise<number> {
    return this.inChangingTransaction(async (tx) => {
      let n = 0;
      for (const row of await tx.selectFrom('tenants').selectAll().orderBy('name').execute()) {
        const t = toTenant(row);
        const next = change(t.settings, t);
        if (!next) continue;
        await tx
          .updateTable('tenants')
          .set({ settings: JSON.stringify(next) })
          .where('id', '=', t.id)
          .execute();
        await audit(tx, { tenantId: t.id, actor: this.actor, action: 'secrets.reseal', resourceType: 'Tenant', resourceId: t.id });
        n++;
      }
      return n;
    });
  }

  async delete(id: string): Promise<void> {
    await this.inChangingTransaction(async (tx) => {
      const r = await tx.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) > 0)
        await audit(tx, { tenantId: id, actor: this.actor, action: 'tenant.delete', resourceType: 'Tenant', resourceId: id });
    });
  }

  /**
   * Issues a token for a new client of a tenant. The token is returned once and only its hash is stored.
   * `expiresAt` (ISO time, in the future) makes it stop working on its own.
   */
  async createToken(tenantId: string, label: string, opts: { expiresAt?: string } = {}): Promise<{ client: Client; token: string }> {
    const clean = label.trim();
    if (!clean || clean.length > 100) throw new TenantError('LABEL_INVALID', 'a token label must be 1-100 characters');
    const expires = checkExpiry(opts.expiresAt, Date.now());
    const { row, token } = newClientRow(tenantId, clean, expires);
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('clients').values(row).execute();
      // the label names the client ("okta"); the token, its hash and its prefix stay out of the log
      await audit(tx, {
        tenantId,
        actor: this.actor,
        action: 'token.create',
        resourceType: 'Client',
        resourceId: row.id,
        detail: { label: clean, ...(expires ? { expiresAt: expires } : {}) },
      });
    });
    return { client: toClient(row), token };
  }

  /**
   * Rotates a client's token: a new client with the same label (and a new token, shown once) is made, and the old
   * token keeps working for `overlapMs` (0: revoked at once), so the identity provider can switch without a gap;
   * after that it is refused. `expiresAt` applies to the new token.
   */
  async rotateToken(
    tenantId: string,
    clientId: string,
    opts: { overlapMs: number; expiresAt?: string },
  ): Promise<{ client: Client; token: string; previous: Client }> {
    const now = Date.now();
    if (!Number.isSafeInteger(opts.overlapMs) || opts.overlapMs < 0 || opts.overlapMs > MAX_LIFETIME_MS)
      throw new TenantError('EXPIRY_INVALID', 'the overlap must be a whole number of seconds from 0 to ten years');
    const expires = checkExpiry(opts.expiresAt, now);
    return this.inChangingTransaction(async (tx) => {
      const old = await tx
        .selectFrom('clients')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', clientId)
        .executeTakeFirst();
      if (!old || !isActive(toClient(old), now)) throw new TenantError('CLIENT_NOT_FOUND', `no active token "${clientId}" in this tenant`);
      const { row, token } = newClientRow(tenantId, old.label, expires);
      await tx.insertInto('clients').values(row).execute();
      const until = new Date(now + opts.overlapMs).toISOString();
      // the old token ends at the overlap's end (or its own expiry, if that comes first); at 0 it is revoked now
      const patch =
        opts.overlapMs === 0
          ? { revoked_at: until }
          : { expires_at: old.expires_at && Date.parse(old.expires_at) < now + opts.overlapMs ? old.expires_at : until };
      await tx.updateTable('clients').set(patch).where('id', '=', old.id).execute();
      await audit(tx, {
        tenantId,
        actor: this.actor,
        action: 'token.rotate',
        resourceType: 'Client',
        resourceId: row.id,
        detail: { label: old.label, previous: old.id, previousEndsAt: patch.revoked_at ?? patch.expires_at ?? until },
      });
      return { client: toClient(row), token, previous: toClient({ ...old, ...patch }) };
    });
  }

  async listClients(tenantId: string): Promise<Client[]> {
    const rows = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
    return rows.map(toClient);
  }

  /** Revokes a client's token by client id or label; returns how many were revoked. */
  async revoke(tenantId: string, idOrLabel: string): Promise<number> {
    const now = new Date().toISOString();
    const n = await this.inChangingTransaction(async (tx) => {
      const match = await tx
        .selectFrom('clients')
        .select(['id', 'label'])
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('id', '=', idOrLabel), eb('label', '=', idOrLabel)]))
        .execute();
      if (match.length === 0) return 0;
      await tx
        .updateTable('clients')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .where(
          'id',
          'in',
          match.map((c) => c.id),
        )
        .execute();
      for (const c of match)
        await audit(tx, {
          tenantId,
          actor: this.actor,
          action: 'token.revoke',
          resourceType: 'Client',
          resourceId: c.id,
          detail: { label: c.label },
        });
      return match.length;
    });
    if (n === 0) throw new TenantError('CLIENT_NOT_FOUND', `no active token "${idOrLabel}" in this tenant`);
    return n;
  }

  /**
   * Resolves a bearer token to its tenant and client, or undefined. The lookup is by hash (an index seek that reveals
   * nothing about the token) and the hash is compared again in constant time. A known token past its expiry gives
   * `{ failure: 'expired' }` so the answer can say so; unknown and revoked tokens give `{ failure: 'invalid' }`.
   *
   * An accepted token's tenant and client are kept for up to a second (VERIFIED_TOKEN_MS), so a burst of requests
   * reads them once: a change made through this process (a revocation, a settings change) drops every kept copy at
   * once, as does on SQLite a commit by another process; on PostgreSQL another process's change is seen within that
   * second. Expiry is checked at every request.
   */
  async verifyToken(token: string): Promise<{ tenant: Tenant; client: Client } | { failure: AuthFailure }> {
    const hash = hashToken(token);
    const cache = this.db.isTransaction ? undefined : verifiedTokensOf(this.db);
    const now = Date.now();
    const stamp = cache ? changeStamp(this.db) : '';
    const kept = cache?.get(hash);
    if (kept && kept.until > now && kept.stamp === stamp) {
      // only accepted tokens are kept, so a kept one that is no longer active has expired
      if (!isActive(kept.client, now)) return { failure: 'expired' };
      return { tenant: kept.tenant, client: kept.client };
    }
    if (kept) cache!.delete(hash);
    const row = await this.db
      .selectFrom('clients')
      .innerJoin('tenants', 'tenants.id', 'clients.tenant_id')
      .select([
        'clients.id as c_id',
        'clients.tenant_id as c_tenant_id',
        'clients.label as c_label',
        'clients.token_hash as c_token_hash',
        'clients.token_prefix as c_token_prefix',
        'clients.created_at as c_created_at',
        'clients.last_used_at as c_last_used_at',
        'clients.revoked_at as c_revoked_at',
        'clients.expires_at as c_expires_at',
        'tenants.id as t_id',
        'tenants.name as t_name',
        'tenants.display_name as t_display_name',
        'tenants.created_at as t_created_at',
        'tenants.settings as t_settings',
      ])
      .where('clients.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.c_revoked_at || !safeEqual(row.c_token_hash, hash)) return { failure: 'invalid' };
    if (row.c_expires_at && Date.parse(row.c_expires_at) <= Date.now()) return { failure: 'expired' };
    const verified = {
      tenant: toTenant({
        id: row.t_id,
        name: row.t_name,
        display_name: row.t_display_name,
        created_at: row.t_created_at,
        settings: row.t_settings,
      }),
      client: toClient({
        id: row.c_id,
        tenant_id: row.c_tenant_id,
        label: row.c_label,
        token_hash: row.c_token_hash,
        token_prefix: row.c_token_prefix,
        created_at: row.c_created_at,
        last_used_at: row.c_last_used_at,
        revoked_at: row.c_revoked_at,
        expires_at: row.c_expires_at,
      }),
    };
    if (cache) {
      // Oldest first: copies past their time go (a revoked token's, a deleted tenant's), and the oldest when full.
      for (const [k, v] of cache) {
        if (v.until > now && cache.size < VERIFIED_TOKENS_MAX) break;
        cache.delete(k);
      }
      // The stamp was taken before the read: a change committed meanwhile makes this copy stale at once.
      cache.set(hash, { ...verified, stamp, until: now + VERIFIED_TOKEN_MS });
      // the kept tenant is shared by every request it serves: none may change it for the others
      deepFreeze(verified.tenant.settings);
    }
    return verified;
  }

  /** The tenant and client of a token that is accepted now, or undefined (unknown, revoked or expired). */
  async authenticate(token: string): Promise<{ tenant: Tenant; client: Client } | undefined> {
    const r = await this.verifyToken(token);
    return 'failure' in r ? undefined : r;
  }

  /** Records use of a token, at most once a minute per client so reads do not turn into writes. */
  async touch(client: Client): Promise<void> {
    const now = Date.now();
    if (client.lastUsedAt && now - Date.parse(client.lastUsedAt) < 60_000) return;
    const at = new Date(now).toISOString();
    await this.db.updateTable('clients').set({ last_used_at: at }).where('id', '=', client.id).execute();
    // the client may be a kept copy (verifyToken): it now knows, so the next request does not write again
    client.lastUsedAt = at;
  }
}
