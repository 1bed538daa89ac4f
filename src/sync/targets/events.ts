// What a change of a SCIM user means to the outside (created, updated, deactivated, reactivated, deleted), and the
// JSON event a webhook target receives: Standard Webhooks' recommended envelope {type, timestamp, data}.
import type { Json, ResourceRecord } from '../../store/resources.js';
import type { WriteOp } from '../../provisioning.js';
import { renderUser } from '../../scim/render.js';
import { SCHEMA } from '../../scim/schemas.js';
import type { UserEventType } from './settings.js';

/** Where a change came from: a SCIM client (IdP, app), Shopify (webhook, reconcile, import), or the admin. */
export type ChangeSource = 'scim' | 'shopify' | 'admin';

/** The event type of a user write. */
export function eventTypeOf(op: WriteOp, before: ResourceRecord | undefined, after: ResourceRecord | undefined): UserEventType {
  if (op === 'delete' || !after) return 'user.deleted';
  if (op === 'create') return 'user.created';
  const wasActive = before ? before.data.active !== false : true;
  const isActive = after.data.active !== false;
  if (op === 'restore' || (!wasActive && isActive)) return 'user.reactivated';
  if (wasActive && !isActive) return 'user.deactivated';
  return 'user.updated';
}

export interface UserEvent {
  type: UserEventType;
  timestamp: string;
  data: {
    tenant: string;
    source: ChangeSource;
    /** top-level attribute names that changed (never their values, for logs that print this list) */
    changedAttributes: string[];
    /** the user as the SCIM API shows it after the change; for user.deleted, as it was before */
    user: Json;
    /** gid://shopify/Customer/<n> when the user is linked */
    shopifyCustomerId: string | null;
  };
}

/** The SCIM representation of a record for an event: stored attributes, id and meta, with its group memberships. */
export function eventUser(rec: ResourceRecord, groups: { id: string; displayName: string }[], location: string): Json {
  return renderUser(rec, groups, location, [SCHEMA.enterprise]);
}

/**
 * The attributes a remote SCIM server receives for a user: what this bridge stores (never groups, meta or the
 * Shopify extension, which are ours), with externalId set to our id since the bridge is the provisioning client.
 */
export function remoteUserResource(rec: ResourceRecord): Json {
  const { schemas: _s, password: _p, [SCHEMA.shopify]: _x, groups: _g, externalId: _e, ...data } = rec.data;
  const schemas: string[] = [SCHEMA.user];
  if (data[SCHEMA.enterprise] !== undefined) schemas.push(SCHEMA.enterprise);
  return { schemas, ...data, externalId: rec.id };
}
