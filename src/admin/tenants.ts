// Tenants and their SCIM tokens as the admin API manages them, and the one-page summary of a tenant's settings
// (never a secret: credentials show as "set" or "not set").
import { TenantRepository, TenantError, isActive, type Tenant, type Client } from '../store/tenants.js';
import { readTargets } from '../sync/targets/settings.js';
import { adminErrors } from './errors.js';
import type { AdminDeps } from './context.js';
import { currentMapping } from './mapping.js';
import { getPolicies } from './policies.js';
import { shopView, type ShopView } from './shop.js';
import { targetView } from './targets.js';
import { readTenantSchemas } from '../scim/tenant-schemas.js';
import { signupExamples, type SignupExamples } from './snippets.js';

export interface TenantListEntry {
  name: string;
  displayName: string;
  createdAt: string;
  scimBaseUrl: string;
}

const scimUrl = (baseUrl: string, t: Tenant) => `${baseUrl}/scim/v2/${t.name}`;

/** TenantError -> the admin error with the same meaning. */
export function fromTenantError(e: unknown): never {
  if (e instanceof TenantError) {
    if (e.code === 'TENANT_EXISTS') throw adminErrors.tenantExists(e.message);
    if (e.code === 'TENANT_NOT_FOUND') throw adminErrors.tenantNotFound(e.message);
    if (e.code === 'CLIENT_NOT_FOUND') throw adminErrors.notFound(e.message);
    if (e.code === 'EXPIRY_INVALID' || e.code === 'LABEL_INVALID') throw adminErrors.badRequest(e.message);
    throw adminErrors.invalidTenant(e.message);
  }
  throw e;
}

/** Every tenant with its SCIM base URL, by name. */
export async function listTenants(deps: Pick<AdminDeps, 'db'>, baseUrl: string): Promise<TenantListEntry[]> {
  const list = await new TenantRepository(deps.db).list();
  return list.map((t) => ({ name: t.name, displayName: t.displayName, createdAt: t.createdAt, scimBaseUrl: scimUrl(baseUrl, t) }));
}

/** Creates a tenant from `{name, displayName?}`; 409 when the name is taken. */
export async function createTenant(deps: Pick<AdminDeps, 'db' | 'actor'>, body: unknown, baseUrl: string): Promise<TenantListEntry> {
  const b = (body ?? {}) as { name?: unknown; displayName?: unknown };
  if (typeof b.name !== 'string')
    throw adminErrors.invalidTenant('send {"name": "my-store"}: a name of lower-case letters, digits and dashes');
  if (b.displayName !== undefined && (typeof b.displayName !== 'string' || b.displayName.length > 200))
    throw adminErrors.invalidTenant('displayName must be text of at most 200 characters');
  const t = await new TenantRepository(deps.db, deps.actor).create(b.name, b.displayName as string | undefined).catch(fromTenantError);
  return { name: t.name, displayName: t.displayName, createdAt: t.createdAt, scimBaseUrl: scimUrl(baseUrl, t) };
}

export interface TenantSummary extends TenantListEntry {
  shop: ShopView;
  mapping: { version: number; source: string; preset: string | null; rules: number; savedAt: string | null };
  policies: ReturnType<typeof getPolicies>;
  targets: { list: ReturnType<typeof targetView>[]; problems: string[] };
  schemas: { id: string; name: string; attributes: number }[];
  tokens: { active: number; revoked: number };
}

/** Everything about a tenant on one page, secrets left out. */
export async function tenantSummary(deps: Pick<AdminDeps, 'db'>, t: Tenant, baseUrl: string): Promise<TenantSummary> {
  const [mapping, clients] = await Promise.all([
    currentMapping(deps, t).catch(() => undefined),
    new TenantRepository(deps.db).listClients(t.id),
  ]);
  const targets = readTargets(t.settings);
  return {
    name: t.name,
    displayName: t.displayName,
    createdAt: t.createdAt,
    scimBaseUrl: scimUrl(baseUrl, t),
    shop: shopView(t.settings),
    mapping: mapping
      ? {
          version: mapping.version,
          source: mapping.source,
          preset: mapping.document.preset ?? null,
          rules: mapping.document.rules.length,
          savedAt: mapping.savedAt,
        }
      : { version: 0, source: 'invalid', preset: null, rules: 0, savedAt: null },
    policies: getPolicies(t),
    targets: { list: targets.targets.map(targetView), problems: targets.problems },
    schemas: readTenantSchemas(t.settings).map((s) => ({ id: s.id, name: s.name, attributes: s.attributes.length })),
    tokens: { active: clients.filter((c) => isActive(c)).length, revoked: clients.filter((c) => !isActive(c)).length },
  };
}

/** The tenant's SCIM clients (token prefixes only). */
export async function listTokens(deps: Pick<AdminDeps, 'db'>, t: Tenant): Promise<Client[]> {
  return new TenantRepository(deps.db).listClients(t.id);
}

/**
 * When a token should expire, from a request body's `expiresAt` (ISO time) or `expiresInSeconds` (whole seconds from
 * now); undefined for a token that never expires. Both at once, or either malformed, is a 400.
 */
export function expiryFrom(b: Record<string, unknown>, now = Date.now()): string | undefined {
  if (b.expiresAt !== undefined && b.expiresInSeconds !== undefined)
    throw adminErrors.badRequest('send expiresAt or expiresInSeconds, not both');
  if (b.expiresAt !== undefined && b.expiresAt !== null) {
    if (typeof b.expiresAt !== 'string') throw adminErrors.badRequest('expiresAt must be an ISO 8601 time such as 2027-01-31T00:00:00Z');
    return b.expiresAt;
  }
  if (b.expiresInSeconds !== undefined && b.expiresInSeconds !== null) {
    const n = b.expiresInSeconds;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
      throw adminErrors.badRequest('expiresInSeconds must be a whole number of seconds, at least 1');
    return new Date(now + n * 1000).toISOString();
  }
  return undefined;
}

const bodyObject = (body: unknown): Record<string, unknown> =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/** Issues a token for a new client; the token is in this answer only, with examples that create a user with it. */
export async function createToken(
  deps: Pick<AdminDeps, 'db' | 'actor'>,
  t: Tenant,
  body: unknown,
  baseUrl: string,
): Promise<{ client: Client; token: string; scimBaseUrl: string; examples: SignupExamples }> {
  const b = bodyObject(body);
  if (typeof b.label !== 'string') throw adminErrors.badRequest('send {"label": "okta"}: what the token is for');
  const expiresAt = expiryFrom(b);
  const { client, token } = await new TenantRepository(deps.db, deps.actor)
    .createToken(t.id, b.label, expiresAt ? { expiresAt } : {})
    .catch(fromTenantError);
  const scimBaseUrl = scimUrl(baseUrl, t);
  return { client, token, scimBaseUrl, examples: signupExamples(scimBaseUrl, token) };
}

/** How long a rotated token keeps working beside its successor when the request does not say: one day. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600;

/**
 * Rotates a token: a new one for the same client label (shown once), while the old one keeps working for
 * `overlapSeconds` (default one day; 0 revokes it at once). `expiresAt`/`expiresInSeconds` apply to the new token.
 */
export async function rotateToken(
  deps: Pick<AdminDeps, 'db' | 'actor'>,
  t: Tenant,
  clientId: string,
  body: unknown,
  baseUrl: string,
): Promise<{ client: Client; token: string; previous: Client; scimBaseUrl: string; examples: SignupExamples }> {
  const b = bodyObject(body);
  const overlap = b.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS;
  if (typeof overlap !== 'number' || !Number.isSafeInteger(overlap) || overlap < 0)
    throw adminErrors.badRequest('overlapSeconds must be a whole number of seconds, 0 or more');
  const expiresAt = expiryFrom(b);
  const r = await new TenantRepository(deps.db, deps.actor)
    .rotateToken(t.id, clientId, { overlapMs: overlap * 1000, ...(expiresAt ? { expiresAt } : {}) })
    .catch(fromTenantError);
  const scimBaseUrl = scimUrl(baseUrl, t);
  return { ...r, scimBaseUrl, examples: signupExamples(scimBaseUrl, r.token) };
}

/** Revokes a token by its client id. */
export async function revokeToken(deps: Pick<AdminDeps, 'db' | 'actor'>, t: Tenant, clientId: string): Promise<void> {
  const clients = await new TenantRepository(deps.db).listClients(t.id);
  const c = clients.find((x) => x.id === clientId);
  if (!c) throw adminErrors.notFound(`tenant "${t.name}" has no token ${clientId}`);
  if (!isActive(c)) return;
  await new TenantRepository(deps.db, deps.actor).revoke(t.id, clientId).catch(fromTenantError);
}
