// SCIM writes that start in Shopify: the same repository writes, audit entries (actor 'shopify') and version bumps as
// the SCIM service makes, with the tenant's User type (its declared extensions included), fanned out to the outbound
// targets, but never handed to the Shopify engine (no ping-pong).
import type { Transaction } from 'kysely';
import type { Database } from '../../store/types.js';
import type { Tenant } from '../../store/tenants.js';
import { UserRepository } from '../../store/users.js';
import { GroupRepository } from '../../store/groups.js';
import { audit, type Json, type ResourceRecord } from '../../store/resources.js';
import { applyPatch } from '../../scim/patch/index.js';
import { SCHEMA } from '../../scim/schemas.js';
import type { ScimError } from '../../scim/errors.js';
import type { MappingDocument } from '../../mapping/document.js';
import type { ShopifyCustomerView } from '../../mapping/targets.js';
import { userDataFromCustomer } from './customer-user.js';
import { enqueueTargetJobs, type FanoutOptions } from '../targets/fanout.js';
import { settingsOf } from '../../settings/tenant-settings.js';

export const SHOPIFY_ACTOR = 'shopify';

export type Tx = Transaction<Database>;
export type PatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

const users = new UserRepository();
const groups = new GroupRepository();

export interface WriteContext {
  tenant: Tenant;
  fanout: FanoutOptions;
  /** what caused the write, for the audit log: the topic and webhook id, or 'reconcile' / 'import' */
  cause: Json;
}

/**
 * Applies PATCH operations to a user as Shopify's change; undefined when they change nothing, the error when the
 * values do not fit the schema (nothing is written then).
 */
export async function patchUserFromShopify(
  tx: Tx,
  ctx: WriteContext,
  prev: ResourceRecord,
  ops: PatchOp[],
): Promise<ResourceRecord | ScimError | undefined> {
  if (ops.length === 0) return undefined;
  const r = applyPatch(
    { id: prev.id, ...prev.data },
    { schemas: [SCHEMA.patchOp], Operations: ops },
    settingsOf(ctx.tenant.settings).userType.type,
  );
  if (!r.ok) return r.error;
  if (!r.value.changed) return undefined;
  const { id: _id, ...data } = r.value.resource as Json;
  const after = await users.update(tx, ctx.tenant.id, prev, data, null);
  await audit(tx, {
    tenantId: ctx.tenant.id,
    actor: SHOPIFY_ACTOR,
    action: 'user.patch',
    resourceType: 'User',
    resourceId: prev.id,
    detail: { changed: r.value.changedPaths, ...ctx.cause },
  });
  await enqueueTargetJobs(
    tx,
    { tenant: ctx.tenant, originClient: null, source: 'shopify', op: 'patch', before: prev, after, changedPaths: r.value.changedPaths },
    ctx.fanout,
  );
  return after;
}

/**
 * Creates a user for a customer that exists only in Shopify: its attributes through the reverse mapping, shaped by
 * the tenant's User type (see userDataFromCustomer), with `overrides` on top (e.g. `active: false`).
 */
export async function createUserFromShopify(
  tx: Tx,
  ctx: WriteContext,
  view: ShopifyCustomerView,
  userName: string,
  mapping: MappingDocument,
  overrides: Json = {},
): Promise<ResourceRecord> {
  const data = { ...userDataFromCustomer(view, mapping, userName, settingsOf(ctx.tenant.settings).userType), ...overrides };
  const created = await users.insert(tx, ctx.tenant.id, data, null);
  const attributes = Object.keys(data).filter((k) => k !== 'schemas');
  await audit(tx, {
    tenantId: ctx.tenant.id,
    actor: SHOPIFY_ACTOR,
    action: 'user.create',
    resourceType: 'User',
    resourceId: created.id,
    detail: { attributes, ...ctx.cause },
  });
  await enqueueTargetJobs(
    tx,
    { tenant: ctx.tenant, originClient: null, source: 'shopify', op: 'create', after: created, changedPaths: attributes },
    ctx.fanout,
  );
  return created;
}

/** Deletes a user because its customer was deleted in Shopify (policy `delete`). */
export async function deleteUserFromShopify(tx: Tx, ctx: WriteContext, prev: ResourceRecord): Promise<void> {
  const groupIds = (await users.groupsOf(tx, ctx.tenant.id, [prev.id])).get(prev.id)?.map((g) => g.id) ?? [];
  await users.delete(tx, ctx.tenant.id, prev.id);
  // Groups lose a member: their version and lastModified move, as when the SCIM API deletes a user.
  for (const g of await groups.getMany(tx, ctx.tenant.id, groupIds)) await groups.update(tx, ctx.tenant.id, g, g.data, null);
  await audit(tx, {
    tenantId: ctx.tenant.id,
    actor: SHOPIFY_ACTOR,
    action: 'user.delete',
    resourceType: 'User',
    resourceId: prev.id,
    detail: ctx.cause,
  });
  await enqueueTargetJobs(
    tx,
    { tenant: ctx.tenant, originClient: null, source: 'shopify', op: 'delete', before: prev, changedPaths: [] },
    ctx.fanout,
  );
}
