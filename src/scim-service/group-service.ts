// The SCIM operations on one tenant's Groups: members are checked against the tenant's users and groups, stored as
// rows, and every user whose memberships change is touched so its `groups` and version follow.
import type { Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import type { Member } from '../store/groups.js';
import { audit, type Json, type ResourceRecord } from '../store/resources.js';
import { listResources, type ListQuery } from './list.js';
import { errors } from '../scim/errors.js';
import { groupResourceType } from '../scim/schemas.js';
import { normalizeResource } from '../scim/resource.js';
import { applyPatch, changedPaths } from '../scim/patch/index.js';
import type { Pending } from '../provisioning.js';
import { uniquenessError, unwrap, type Preconditions, type RequestContext } from './context.js';
import { ResourceService, users, groups } from './resource-service.js';

/** Splits a normalised group resource into its stored JSON and its member list. */
function splitMembers(data: Json): { data: Json; members: Member[] } {
  const { members, ...rest } = data;
  const list = Array.isArray(members) ? (members as Json[]) : [];
  const seen = new Map<string, Member>();
  for (const m of list) {
    if (typeof m?.value !== 'string' || m.value === '')
      throw errors.invalidValue('every member needs a "value" with the id of a User or Group');
    const type = typeof m.type === 'string' && m.type.toLowerCase() === 'group' ? 'Group' : 'User';
    seen.set(m.value, { value: m.value, type });
  }
  return { data: rest, members: [...seen.values()] };
}

/** The users among members, whose `groups` a membership change alters. */
const userIds = (members: Member[]) => members.filter((m) => m.type === 'User').map((m) => m.value);

export class GroupService extends ResourceService {
  async get(ctx: RequestContext, id: string, withMembers = true): Promise<Json> {
    const rec = await groups.get(this.store.db, ctx.tenant.id, id);
    if (!rec) throw errors.notFound(`Group ${id} not found`);
    return (await this.renderGroups(ctx, [rec], withMembers))[0]!;
  }

  async version(ctx: RequestContext, id: string): Promise<number | undefined> {
    return (await groups.get(this.store.db, ctx.tenant.id, id))?.version;
  }

  async list(ctx: RequestContext, q: ListQuery, withMembers = true): Promise<{ total: number; resources: Json[] }> {
    const page = await listResources(
      {
        db: this.store.db,
        dialect: this.store.dialect,
        tenantId: ctx.tenant.id,
        rt: groupResourceType,
        table: 'groups',
        materialize: (recs) => this.renderGroups(ctx, recs, true),
        materializeStored: this.storedGroups(ctx),
        maxMatches: this.options.maxInMemoryMatches,
      },
      q,
    );
    return { total: page.total, resources: await this.renderGroups(ctx, page.records, withMembers) };
  }

  private async checkMembers(
    tx: Transaction<Database>,
    tenantId: string,
    groupId: string | undefined,
    members: Member[],
  ): Promise<Member[]> {
    const found = await groups.existing(
      tx,
      tenantId,
      members.map((m) => m.value),
      this.lockRows,
    );
    return members.map((m) => {
      const kind = found.get(m.value);
      if (!kind) throw errors.invalidValue(`member "${m.value}" is not a User or Group of this tenant`);
      if (m.value === groupId) throw errors.invalidValue('a group cannot be a member of itself');
      return { value: m.value, type: kind };
    });
  }

  async create(ctx: RequestContext, body: unknown): Promise<Json> {
    const normalized = unwrap(normalizeResource(body, groupResourceType, 'create'));
    const { data, members } = splitMembers(normalized);
    let pending: Pending | undefined;
    const rec = await this.tx(async (tx) => {
      const checked = await this.checkMembers(tx, ctx.tenant.id, undefined, members);
      await this.checkExternalId(tx, 'Group', ctx, data);
      const created = await groups.insert(tx, ctx.tenant.id, data, ctx.client?.id ?? null).catch((e) => uniquenessError('Group', e));
      const { added } = await groups.setMembers(tx, ctx.tenant.id, created.id, checked);
      await users.touch(tx, ctx.tenant.id, userIds(added));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: 'group.create',
        resourceType: 'Group',
        resourceId: created.id,
        detail: { members: added.length },
      });
      pending = await this.hook.groupWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op: 'create',
        after: created,
        added,
        removed: [],
        members: checked,
      });
      return created;
    });
    await this.settle(pending);
    return this.get(ctx, rec.id);
  }

  /** A PUT or PATCH: `next` works out the group and its members from what is stored; nothing is written without a change. */
  private async write(
    ctx: RequestContext,
    id: string,
    op: 'replace' | 'patch',
    next: (prev: ResourceRecord, members: Member[]) => { data: Json; members: Member[]; changed: boolean },
    pre?: Preconditions,
  ): Promise<boolean> {
    let pending: Pending | undefined;
    let changed = false;
    await this.tx(async (tx) => {
      const prev = await this.current(tx, 'Group', ctx, id, pre);
      const current = await groups.members(tx, ctx.tenant.id, id);
      const n = next(prev, current);
      if (!n.changed) return;
      changed = true;
      const checked = await this.checkMembers(tx, ctx.tenant.id, id, n.members);
      await this.checkExternalId(tx, 'Group', ctx, n.data, prev);
      const after = await groups.update(tx, ctx.tenant.id, prev, n.data, ctx.client?.id ?? null).catch((e) => uniquenessError('Group', e));
      const { added, removed } = await groups.setMembers(tx, ctx.tenant.id, id, checked);
      const renamed = prev.data.displayName !== n.data.displayName;
      const touched = renamed ? checked : [...added, ...removed];
      await users.touch(tx, ctx.tenant.id, userIds(touched));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: `group.${op}`,
        resourceType: 'Group',
        resourceId: id,
        detail: { added: added.length, removed: removed.length, renamed },
      });
      pending = await this.hook.groupWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op,
        before: prev,
        after,
        added,
        removed,
        members: checked,
      });
    });
    await this.settle(pending);
    return changed;
  }

  async replace(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<Json> {
    await this.write(
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
    return this.get(ctx, id);
  }

  async patch(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<boolean> {
    return this.write(
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

  async delete(ctx: RequestContext, id: string, pre?: Preconditions): Promise<void> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      const prev = await this.current(tx, 'Group', ctx, id, pre);
      const members = await groups.members(tx, ctx.tenant.id, id);
      await groups.delete(tx, ctx.tenant.id, id);
      await users.touch(tx, ctx.tenant.id, userIds(members));
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'group.delete', resourceType: 'Group', resourceId: id });
      pending = await this.hook.groupWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op: 'delete',
        before: prev,
        added: [],
        removed: members,
        members,
      });
    });
    await this.settle(pending);
  }
}
