// The SCIM operations on Users and Groups for one tenant: validate with scim/, write with store/ in one transaction
// with the provisioning hook, answer with the rendered resource. Routes and Bulk both call this, never the store.
import type { Transaction } from 'kysely';
import type { Store } from '../../store/db.js';
import { isUniqueViolation } from '../../store/db.js';
import type { Database } from '../../store/types.js';
import type { Tenant, Client } from '../../store/tenants.js';
import { UserRepository, GroupRepository, audit, type Json, type ResourceRecord, type Member } from '../../store/users.js';
import { listResources, type ListQuery } from '../../store/query.js';
import { errors, ScimError } from '../../scim/errors.js';
import { SCHEMA, groupResourceType, userResourceTypeFor, type ResourceTypeDef } from '../../scim/schemas.js';
import { readTenantSchemas } from '../../scim/tenant-schemas.js';
import { renderUser, renderGroup, etagMatches, type StoredMeta } from '../../scim/render.js';
import { normalizeResource } from '../../scim/resource.js';
import { applyPatch, changedPaths } from '../../scim/patch/index.js';
import type { ProvisioningHook, Pending } from '../../provisioning.js';

export interface RequestContext {
  tenant: Tenant;
  client: Client | null;
  /** e.g. https://host/scim/v2/acme */
  baseUrl: string;
  /** actor recorded in the audit log */
  actor: string;
}

export interface Preconditions {
  ifMatch?: 'any' | string[];
}

const users = new UserRepository();
const groups = new GroupRepository();
/** How often a write aborted by a PostgreSQL deadlock is tried in all before the error reaches the client. */
const MAX_TX_ATTEMPTS = 5;

/** The User resource type as one tenant sees it: the built-in schemas plus the extension schemas it declares. */
export function userTypeFor(tenant: Pick<Tenant, 'settings'>): ResourceTypeDef {
  return userResourceTypeFor(readTenantSchemas(tenant.settings));
}

function checkIfMatch(pre: Preconditions | undefined, rec: ResourceRecord): void {
  if (pre?.ifMatch && !etagMatches(pre.ifMatch, rec.version))
    throw errors.preconditionFailed(`the resource has changed: its version is W/"${rec.version}"`);
}

function uniquenessError(kind: 'User' | 'Group', e: unknown): never {
  if (isUniqueViolation(e)) {
    const msg = String((e as Error).message ?? '');
    if (/external/i.test(msg)) throw errors.uniqueness(`another ${kind} already has this externalId`);
    throw errors.uniqueness(kind === 'User' ? 'a User with this userName already exists' : 'a Group with this externalId already exists');
  }
  throw e;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/**
 * Every stored user has a boolean `active`: a create without it is active, and a PUT or PATCH that leaves it out keeps
 * the previous state (so a partial update never reactivates or deactivates anyone by accident).
 */
function withActive(data: Json, prev: Json | undefined): Json {
  if (typeof data.active === 'boolean') return data;
  return { ...data, active: typeof prev?.active === 'boolean' ? prev.active : true };
}

/** Splits a normalised group resource into its stored JSON and its member list. */
function splitMembers(data: Json): { data: Json; members: Member[] } {
  const { members, ...rest } = data;
  const list = Array.isArray(members) ? (members as Json[]) : [];
  const seen = new Map<string, Member>();
  for (const m of list) {
    if (typeof m?.value !== 'string' || m.value === '') throw errors.invalidValue('every member needs a "value" with the id of a User or Group');
    const type = typeof m.type === 'string' && m.type.toLowerCase() === 'group' ? 'Group' : 'User';
    seen.set(m.value, { value: m.value, type });
  }
  return { data: rest, members: [...seen.values()] };
}

export class ScimService {
  constructor(
    private readonly store: Store,
    private readonly hook: ProvisioningHook,
  ) {}

  /**
   * Writes read the resource with its row locked on PostgreSQL, so parallel requests for one resource (Entra sends
   * membership changes for a group concurrently) apply one after another instead of overwriting each other.
   */
  private get lockRows(): boolean {
    return this.store.dialect === 'postgres';
  }

  /**
   * Runs one write in a transaction. PostgreSQL aborts one of two writes that lock the same rows in opposite orders
   * (deleting a user while its group changes, say) with a deadlock or serialization error; as PostgreSQL advises,
   * that write is simply run again (everything it did was rolled back, hook jobs included).
   */
  private async tx<T>(fn: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.db.transaction().execute(fn);
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        if (attempt >= MAX_TX_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async settle(pending: Pending | undefined): Promise<void> {
    if (!pending) return;
    const err = await pending.settle();
    if (err) throw err;
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  /** Full representations of user records: computed groups and the server-maintained Shopify extension. */
  async renderUsers(ctx: RequestContext, records: ResourceRecord[]): Promise<Json[]> {
    const ids = records.map((r) => r.id);
    const [memberships, ext] = await Promise.all([
      users.groupsOf(this.store.db, ctx.tenant.id, ids),
      this.hook.userExtensions(ctx.tenant.id, ids),
    ]);
    const extensionUris = userTypeFor(ctx.tenant).extensions.map((e) => e.schema.id);
    return records.map((r) => {
      const e = ext.get(r.id);
      const data = e ? { ...r.data, [SCHEMA.shopify]: e } : r.data;
      return renderUser({ ...(r as StoredMeta), data }, memberships.get(r.id) ?? [], `${ctx.baseUrl}/Users/${r.id}`, extensionUris);
    });
  }

  async renderGroups(ctx: RequestContext, records: ResourceRecord[], withMembers = true): Promise<Json[]> {
    const members = withMembers ? await groups.membersOf(this.store.db, ctx.tenant.id, records.map((r) => r.id)) : undefined;
    let names = new Map<string, string>();
    if (members) {
      const all = [...new Set([...members.values()].flat().map((m) => m.value))];
      names = await this.displayNames(ctx.tenant.id, all);
    }
    return records.map((r) =>
      renderGroup(
        r,
        members ? (members.get(r.id) ?? []).map((m) => ({ ...m, display: names.get(m.value) })) : undefined,
        `${ctx.baseUrl}/Groups/${r.id}`,
      ),
    );
  }

  private async displayNames(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const u of await users.getMany(this.store.db, tenantId, ids))
      out.set(u.id, String(u.data.displayName ?? u.data.userName ?? ''));
    for (const g of await groups.getMany(this.store.db, tenantId, ids)) out.set(g.id, String(g.data.displayName ?? ''));
    return out;
  }

  // ---- users -------------------------------------------------------------------------------------------------

  async getUser(ctx: RequestContext, id: string): Promise<Json> {
    const rec = await users.get(this.store.db, ctx.tenant.id, id);
    if (!rec) throw errors.notFound(`User ${id} not found`);
    return (await this.renderUsers(ctx, [rec]))[0]!;
  }

  async getUserVersion(ctx: RequestContext, id: string): Promise<number | undefined> {
    return (await users.get(this.store.db, ctx.tenant.id, id))?.version;
  }

  async listUsers(ctx: RequestContext, q: ListQuery): Promise<{ total: number; resources: Json[] }> {
    const page = await listResources(
      {
        db: this.store.db,
        dialect: this.store.dialect,
        tenantId: ctx.tenant.id,
        rt: userTypeFor(ctx.tenant),
        table: 'users',
        materialize: (recs) => this.renderUsers(ctx, recs),
      },
      q,
    );
    return { total: page.total, resources: await this.renderUsers(ctx, page.records) };
  }

  /**
   * Creates a user. A POST whose userName (or externalId from the same client) matches an inactive user restores
   * that user instead of failing, which is how Okta re-activates people.
   */
  async createUser(ctx: RequestContext, body: unknown): Promise<{ resource: Json; restored: boolean }> {
    const rt = userTypeFor(ctx.tenant);
    const data = withActive(unwrap(normalizeResource(body, rt, 'create')), undefined);
    let pending: Pending | undefined;
    let restored = false;
    const rec = await this.tx(async (tx) => {
      const sameName = await users.byUserName(tx, ctx.tenant.id, String(data.userName));
      const sameExternal =
        !sameName && typeof data.externalId === 'string' && ctx.client
          ? await users.byExternalId(tx, ctx.tenant.id, ctx.client.id, data.externalId)
          : undefined;
      const existing = sameName ?? sameExternal;
      if (existing) {
        if (existing.data.active !== false) {
          throw sameName
            ? errors.uniqueness(`a User with userName "${String(data.userName)}" already exists`)
            : errors.uniqueness('a User with this externalId already exists for this client');
        }
        const next = { ...data, active: data.active ?? true };
        const after = await users.update(tx, ctx.tenant.id, existing, next, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
        restored = true;
        await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'user.restore', resourceType: 'User', resourceId: existing.id });
        pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'restore', before: existing, after, changedPaths: changedPaths(existing.data, next, rt) });
        return after;
      }
      const created = await users.insert(tx, ctx.tenant.id, data, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: 'user.create',
        resourceType: 'User',
        resourceId: created.id,
        detail: { attributes: changedPaths({}, data, rt) },
      });
      pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'create', after: created, changedPaths: changedPaths({}, data, rt) });
      return created;
    });
    await this.settle(pending);
    return { resource: await this.getUser(ctx, rec.id), restored };
  }

  async replaceUser(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<Json> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      const prev = await users.get(tx, ctx.tenant.id, id, this.lockRows);
      if (!prev) throw errors.notFound(`User ${id} not found`);
      checkIfMatch(pre, prev);
      const rt = userTypeFor(ctx.tenant);
      const { id: _id, ...replaced } = unwrap(normalizeResource(body, rt, 'replace', { id, ...prev.data })) as Json;
      const data = withActive(replaced, prev.data);
      const changed = changedPaths(prev.data, data, rt);
      // A PUT of what is already stored (periodic re-syncs) keeps the version and lastModified, as a no-op PATCH does.
      if (changed.length === 0) return;
      const after = await users.update(tx, ctx.tenant.id, prev, data, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'user.replace', resourceType: 'User', resourceId: id, detail: { changed } });
      pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'replace', before: prev, after, changedPaths: changed });
    });
    await this.settle(pending);
    return this.getUser(ctx, id);
  }

  async patchUser(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<{ resource: Json; changed: boolean }> {
    let pending: Pending | undefined;
    let changed = false;
    await this.tx(async (tx) => {
      const prev = await users.get(tx, ctx.tenant.id, id, this.lockRows);
      if (!prev) throw errors.notFound(`User ${id} not found`);
      checkIfMatch(pre, prev);
      const result = unwrap(applyPatch({ id, ...prev.data }, body, userTypeFor(ctx.tenant)));
      changed = result.changed;
      if (!result.changed) return;
      const { id: _id, ...patched } = result.resource as Json;
      const data = withActive(patched, prev.data);
      const after = await users.update(tx, ctx.tenant.id, prev, data, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'user.patch', resourceType: 'User', resourceId: id, detail: { changed: result.changedPaths } });
      pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'patch', before: prev, after, changedPaths: result.changedPaths });
    });
    await this.settle(pending);
    return { resource: await this.getUser(ctx, id), changed };
  }

  async deleteUser(ctx: RequestContext, id: string, pre?: Preconditions): Promise<void> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      // Groups are locked before the user, the order group writes take them in, so the two never deadlock.
      const groupsOf = async () => (await users.groupsOf(tx, ctx.tenant.id, [id])).get(id)?.map((g) => g.id) ?? [];
      const locked = await groups.getMany(tx, ctx.tenant.id, await groupsOf(), this.lockRows);
      const prev = await users.get(tx, ctx.tenant.id, id, this.lockRows);
      if (!prev) throw errors.notFound(`User ${id} not found`);
      checkIfMatch(pre, prev);
      const groupIds = await groupsOf();
      await groups.getMany(tx, ctx.tenant.id, groupIds.filter((g) => !locked.some((l) => l.id === g)), this.lockRows);
      await users.delete(tx, ctx.tenant.id, id);
      if (groupIds.length) await this.touchGroups(tx, ctx.tenant.id, groupIds);
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'user.delete', resourceType: 'User', resourceId: id });
      pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'delete', before: prev, changedPaths: [] });
    });
    await this.settle(pending);
  }

  private async touchGroups(tx: Transaction<Database>, tenantId: string, ids: string[]): Promise<void> {
    for (const g of await groups.getMany(tx, tenantId, ids)) await groups.update(tx, tenantId, g, g.data, null);
  }

  // ---- groups ------------------------------------------------------------------------------------------------

  async getGroup(ctx: RequestContext, id: string, withMembers = true): Promise<Json> {
    const rec = await groups.get(this.store.db, ctx.tenant.id, id);
    if (!rec) throw errors.notFound(`Group ${id} not found`);
    return (await this.renderGroups(ctx, [rec], withMembers))[0]!;
  }

  async getGroupVersion(ctx: RequestContext, id: string): Promise<number | undefined> {
    return (await groups.get(this.store.db, ctx.tenant.id, id))?.version;
  }

  async listGroups(ctx: RequestContext, q: ListQuery, withMembers = true): Promise<{ total: number; resources: Json[] }> {
    const page = await listResources(
      {
        db: this.store.db,
        dialect: this.store.dialect,
        tenantId: ctx.tenant.id,
        rt: groupResourceType,
        table: 'groups',
        materialize: (recs) => this.renderGroups(ctx, recs, true),
      },
      q,
    );
    return { total: page.total, resources: await this.renderGroups(ctx, page.records, withMembers) };
  }

  private async checkMembers(tx: Transaction<Database>, tenantId: string, groupId: string | undefined, members: Member[]): Promise<Member[]> {
    const found = await groups.existing(tx, tenantId, members.map((m) => m.value), this.lockRows);
    return members.map((m) => {
      const kind = found.get(m.value);
      if (!kind) throw errors.invalidValue(`member "${m.value}" is not a User or Group of this tenant`);
      if (m.value === groupId) throw errors.invalidValue('a group cannot be a member of itself');
      return { value: m.value, type: kind };
    });
  }

  async createGroup(ctx: RequestContext, body: unknown): Promise<Json> {
    const normalized = unwrap(normalizeResource(body, groupResourceType, 'create'));
    const { data, members } = splitMembers(normalized);
    let pending: Pending | undefined;
    const rec = await this.tx(async (tx) => {
      const checked = await this.checkMembers(tx, ctx.tenant.id, undefined, members);
      const created = await groups.insert(tx, ctx.tenant.id, data, ctx.client?.id ?? null).catch((e) => uniquenessError('Group', e));
      const { added } = await groups.setMembers(tx, ctx.tenant.id, created.id, checked);
      await users.touch(tx, ctx.tenant.id, added.filter((m) => m.type === 'User').map((m) => m.value));
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'group.create', resourceType: 'Group', resourceId: created.id, detail: { members: added.length } });
      pending = await this.hook.groupWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'create', after: created, added, removed: [], members: checked });
      return created;
    });
    await this.settle(pending);
    return this.getGroup(ctx, rec.id);
  }

  private async writeGroup(
    ctx: RequestContext,
    id: string,
    op: 'replace' | 'patch',
    next: (prev: ResourceRecord, members: Member[]) => { data: Json; members: Member[]; changed: boolean },
    pre?: Preconditions,
  ): Promise<boolean> {
    let pending: Pending | undefined;
    let changed = false;
    await this.tx(async (tx) => {
      const prev = await groups.get(tx, ctx.tenant.id, id, this.lockRows);
      if (!prev) throw errors.notFound(`Group ${id} not found`);
      checkIfMatch(pre, prev);
      const current = await groups.members(tx, ctx.tenant.id, id);
      const n = next(prev, current);
      if (!n.changed) return;
      changed = true;
      const checked = await this.checkMembers(tx, ctx.tenant.id, id, n.members);
      const after = await groups.update(tx, ctx.tenant.id, prev, n.data, ctx.client?.id ?? null).catch((e) => uniquenessError('Group', e));
      const { added, removed } = await groups.setMembers(tx, ctx.tenant.id, id, checked);
      const renamed = prev.data.displayName !== n.data.displayName;
      const touched = renamed ? checked : [...added, ...removed];
      await users.touch(tx, ctx.tenant.id, touched.filter((m) => m.type === 'User').map((m) => m.value));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: `group.${op}`,
        resourceType: 'Group',
        resourceId: id,
        detail: { added: added.length, removed: removed.length, renamed },
      });
      pending = await this.hook.groupWritten(tx, { tenant: ctx.tenant, client: ctx.client, op, before: prev, after, added, removed, members: checked });
    });
    await this.settle(pending);
    return changed;
  }

  async replaceGroup(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<Json> {
    await this.writeGroup(
      ctx,
      id,
      'replace',
      (prev, current) => {
        const { id: _id, ...normalized } = unwrap(normalizeResource(body, groupResourceType, 'replace', { id, ...prev.data })) as Json;
        const { data, members } = splitMembers(normalized);
        const sameMembers = members.length === current.length && members.every((m) => current.some((c) => c.value === m.value));
        return { data, members, changed: !sameMembers || changedPaths(prev.data, data, groupResourceType).length > 0 };
      },
      pre,
    );
    return this.getGroup(ctx, id);
  }

  async patchGroup(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<boolean> {
    return this.writeGroup(
      ctx,
      id,
      'patch',
      (prev, current) => {
        const before = { id, ...prev.data, members: current.map((m) => ({ value: m.value, type: m.type })) };
        const result = unwrap(applyPatch(before, body, groupResourceType));
        const { id: _id, ...rest } = result.resource as Json;
        const { data, members } = splitMembers(rest);
        return { data, members, changed: result.changed };
      },
      pre,
    );
  }

  async deleteGroup(ctx: RequestContext, id: string, pre?: Preconditions): Promise<void> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      const prev = await groups.get(tx, ctx.tenant.id, id, this.lockRows);
      if (!prev) throw errors.notFound(`Group ${id} not found`);
      checkIfMatch(pre, prev);
      const members = await groups.members(tx, ctx.tenant.id, id);
      await groups.delete(tx, ctx.tenant.id, id);
      await users.touch(tx, ctx.tenant.id, members.filter((m) => m.type === 'User').map((m) => m.value));
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'group.delete', resourceType: 'Group', resourceId: id });
      pending = await this.hook.groupWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'delete', before: prev, added: [], removed: members, members });
    });
    await this.settle(pending);
  }
}
