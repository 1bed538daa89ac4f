// What every SCIM operation of a request works with: who asks (tenant, client, the tenant's User type) and the
// preconditions it sent, plus the checks every write makes the same way (If-Match, uniqueness, validation results).
import { isUniqueViolation } from '../store/db.js';
import type { Tenant, Client } from '../store/tenants.js';
import type { ResourceRecord } from '../store/resources.js';
import { errors, ScimError } from '../scim/errors.js';
import type { ResourceTypeDef } from '../scim/schemas.js';
import { etagMatches } from '../scim/render.js';
import { policiesSchema, type Policies } from '../settings/policies.js';
import { settingsOf } from '../settings/tenant-settings.js';

export interface RequestContext {
  tenant: Tenant;
  client: Client | null;
  /** the tenant's User type (userTypeFor), worked out once per request */
  userType: ResourceTypeDef;
  /** e.g. https://host/scim/v2/acme */
  baseUrl: string;
  /** actor recorded in the audit log */
  actor: string;
  /** the tenant's policies, read once per request (the SCIM-level ones: reactivateOnPost, uniqueExternalId, …) */
  policies: Policies;
}

export interface Preconditions {
  ifMatch?: 'any' | string[];
}

/** The User resource type as one tenant sees it: the built-in schemas plus the extension schemas it declares. */
export function userTypeFor(tenant: Pick<Tenant, 'settings'>): ResourceTypeDef {
  return settingsOf(tenant.settings).userType.type;
}

/**
 * The tenant's policies for its SCIM requests; defaults when the stored ones cannot be read (the admin API refuses
 * invalid policies, so only a hand-edited database gets here, and the engine reports it on every sync).
 */
export function policiesFor(tenant: Pick<Tenant, 'settings'>): Policies {
  try {
    return settingsOf(tenant.settings).policies;
  } catch {
    return policiesSchema.parse({});
  }
}

/** Fails with 412 when the request's If-Match names no version the resource has. */
export function checkIfMatch(pre: Preconditions | undefined, rec: ResourceRecord): void {
  if (pre?.ifMatch && !etagMatches(pre.ifMatch, rec.version))
    throw errors.preconditionFailed(`the resource has changed: its version is W/"${rec.version}"`);
}

/** Turns the store's unique-constraint violation into SCIM's 409 uniqueness; rethrows anything else. */
export function uniquenessError(kind: 'User' | 'Group', e: unknown): never {
  if (isUniqueViolation(e)) {
    const msg = String((e as Error).message ?? '');
    if (/external/i.test(msg)) throw errors.uniqueness(`another ${kind} already has this externalId`);
    throw errors.uniqueness(kind === 'User' ? 'a User with this userName already exists' : 'a Group with this externalId already exists');
  }
  throw e;
}

/** The value of a result, or its SCIM error thrown. */
export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}
