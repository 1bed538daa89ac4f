// The SCIM operations on one tenant's Users: validate with scim/, write with store/ in one transaction with the
// provisioning hook, answer with the rendered resource. A POST may restore an inactive user, if the tenant says so.
import type { Transaction } from 'kysely';
import type { Database } from '../store/types.js';
import { audit, type Json } from '../store/resources.js';
import { listResources, pageOfOne, userNameLookup, type ListQuery } from './list.js';
import { errors } from '../scim/errors.js';
import { normalizeResource } from '../scim/resource.js';
import { applyPatch, changedPaths } from '../scim/patch/index.js';
import type { Pending } from '../provisioning.js';
import { uniquenessError, unwrap, type Preconditions, type RequestContext } from './context.js';
import { ResourceService, users, groups } from './resource-service.js';

/**
 * Every stored user has a boolean `active`: a create without it is active, and a PUT or PATCH that leaves it out keeps
 * the previous state (so a partial update never reactivates or deactivates anyone by accident).
 */
function withActive(data: Json, prev: Json | undefined): Json {
  if (typeof data.active === 'boolean') return data;
  return { ...data, active: typeof prev?.active === 'boolean' ? prev.active : true };
}

export class UserService extends ResourceService {
  async get(ctx: RequestContext, id: string): Promise<Json> {
    // The user, its groups and its Shopify link are read at once: on PostgreSQL one round trip instead of two.
    const [rec, relations] = await Promise.all([users.get(this.store.db, ctx.tenant.id, id), this.userRelations(ctx, [id])]);
    if (!rec) throw errors.notFound(`User ${id} not found`);
    return this.renderUsersWith(ctx, [rec], relations)[0]!;
  }

  async list(ctx: RequestContext, q: ListQuery): Promise<{ total: number; resources: Json[] }> {
    const userName = userNameLookup(q, ctx.userType);
    if (userName === undefined) {
      const page = await this.listMatching(ctx, q);
      return { total: page.total, resources: await this.renderUsers(ctx, page.records) };
    }
    const byName = this.hook.userExtensionsByUserName?.bind(this.hook);
    if (byName && this.store.dialect === 'postgres') {
      // Where each read is a round trip, the user, its groups and its link are read at once by the userName.
      const lc = userName.toLowerCase();
      const [rec, memberships, ext] = await Promise.all([
        users.byUserName(this.store.db, ctx.tenant.id, userName),
        users.groupsOfUserName(this.store.db, ctx.tenant.id, lc),
        byName(ctx.tenant.id, lc),
      ]);
      const page = pageOfOne(rec, q);
      return { total: page.total, resources: this.renderUsersWith(ctx, page.records, { memberships, ext }) };
    }
    const page = pageOfOne(await users.byUserName(this.store.db, ctx.tenant.id, userName), q);
    return { total: page.total, resources: await this.renderUsers(ctx, page.records) };
  }

  private listMatching(ctx: RequestContext, q: ListQuery) {
    return listResources(
      {
        db: this.store.db,
        dialect: this.store.dialect,
        tenantId: ctx.tenant.id,
        rt: ctx.userType,
        table: 'users',
        materialize: (recs) => this.renderUsers(ctx, recs),
        materializeStored: this.storedUsers(ctx),
        maxMatches: this.options.maxInMemoryMatches,
      },
      q,
    );
  }

  /**
   * Creates a user. A userName already taken is 409 uniqueness, also when its user is inactive (RFC 7644), unless the
   * tenant's reactivateOnPost policy restores an inactive user whose userName (or externalId from the same client)
   * the POST names: how some IdPs re-activate people.
   */
  async create(ctx: RequestContext, body: unknown): Promise<{ resource: Json; restored: boolean }> {
    const rt = ctx.userType;
    const data = withActive(unwrap(normalizeResource(body, rt, 'create')), undefined);
    let pending: Pending | undefined;
    let restored = false;
    const rec = await this.tx(async (tx) => {
      const sameName = await users.byUserName(tx, ctx.tenant.id, String(data.userName));
      if (sameName && (sameName.data.active !== false || !ctx.policies.reactivateOnPost))
        throw errors.uniqueness(`a User with userName "${String(data.userName)}" already exists`);
      const sameExternal =
        !sameName && ctx.policies.reactivateOnPost && typeof data.externalId === 'string' && ctx.client
          ? await users.byExternalId(tx, ctx.tenant.id, ctx.client.id, data.externalId)
          : undefined;
      const existing = sameName ?? (sameExternal?.data.active === false ? sameExternal : undefined);
      await this.checkExternalId(tx, 'User', ctx, data, existing);
      if (existing) {
        const next = { ...data, active: data.active ?? true };
        const after = await users
          .update(tx, ctx.tenant.id, existing, next, ctx.client?.id ?? null)
          .catch((e) => uniquenessError('User', e));
        restored = true;
        await audit(tx, {
          tenantId: ctx.tenant.id,
          actor: ctx.actor,
          action: 'user.restore',
          resourceType: 'User',
          resourceId: existing.id,
        });
        pending = await this.hook.userWritten(tx, {
          tenant: ctx.tenant,
          client: ctx.client,
          op: 'restore',
          before: existing,
          after,
          changedPaths: changedPaths(existing.data, next, rt),
        });
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
      pending = await this.hook.userWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op: 'create',
        after: created,
        changedPaths: changedPaths({}, data, rt),
      });
      return created;
    });
    await this.settle(pending);
    return { resource: await this.get(ctx, rec.id), restored };
  }

  async replace(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<Json> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      const prev = await this.current(tx, 'User', ctx, id, pre);
      const rt = ctx.userType;
      const { id: _id, ...replaced } = unwrap(normalizeResource(body, rt, 'replace', { id, ...prev.data })) as Json;
      const data = withActive(replaced, prev.data);
      const changed = changedPaths(prev.data, data, rt);
      // A PUT of what is already stored (periodic re-syncs) keeps the version and lastModified, as a no-op PATCH does.
      if (changed.length === 0) return;
      await this.checkExternalId(tx, 'User', ctx, data, prev);
      const after = await users.update(tx, ctx.tenant.id, prev, data, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: 'user.replace',
        resourceType: 'User',
        resourceId: id,
        detail: { changed },
      });
      pending = await this.hook.userWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op: 'replace',
        before: prev,
        after,
        changedPaths: changed,
      });
    });
    await this.settle(pending);
    return this.get(ctx, id);
  }

  async patch(ctx: RequestContext, id: string, body: unknown, pre?: Preconditions): Promise<{ resource: Json; changed: boolean }> {
    let pending: Pending | undefined;
    let changed = false;
    await this.tx(async (tx) => {
      const prev = await this.current(tx, 'User', ctx, id, pre);
      const result = unwrap(applyPatch({ id, ...prev.data }, body, ctx.userType));
      changed = result.changed;
      if (!result.changed) return;
      const { id: _id, ...patched } = result.resource as Json;
      const data = withActive(patched, prev.data);
      await this.checkExternalId(tx, 'User', ctx, data, prev);
      const after = await users.update(tx, ctx.tenant.id, prev, data, ctx.client?.id ?? null).catch((e) => uniquenessError('User', e));
      await audit(tx, {
        tenantId: ctx.tenant.id,
        actor: ctx.actor,
        action: 'user.patch',
        resourceType: 'User',
        resourceId: id,
        detail: { changed: result.changedPaths },
      });
      pending = await this.hook.userWritten(tx, {
        tenant: ctx.tenant,
        client: ctx.client,
        op: 'patch',
        before: prev,
        after,
        changedPaths: result.changedPaths,
      });
    });
    await this.settle(pending);
    return { resource: await this.get(ctx, id), changed };
  }

  async delete(ctx: RequestContext, id: string, pre?: Preconditions): Promise<void> {
    let pending: Pending | undefined;
    await this.tx(async (tx) => {
      // Groups are locked before the user, the order group writes take them in, so the two never deadlock.
      const groupsOf = async () => (await users.groupsOf(tx, ctx.tenant.id, [id])).get(id)?.map((g) => g.id) ?? [];
      const locked = await groups.getMany(tx, ctx.tenant.id, await groupsOf(), this.lockRows);
      const prev = await this.current(tx, 'User', ctx, id, pre);
      const groupIds = await groupsOf();
      await groups.getMany(
        tx,
        ctx.tenant.id,
        groupIds.filter((g) => !locked.some((l) => l.id === g)),
        this.lockRows,
      );
      await users.delete(tx, ctx.tenant.id, id);
      if (groupIds.length) await this.touchGroups(tx, ctx.tenant.id, groupIds);
      await audit(tx, { tenantId: ctx.tenant.id, actor: ctx.actor, action: 'user.delete', resourceType: 'User', resourceId: id });
      pending = await this.hook.userWritten(tx, { tenant: ctx.tenant, client: ctx.client, op: 'delete', before: prev, changedPaths: [] });
    });
    await this.settle(pending);
  }

  /** A deleted member changes its groups: each gets a new version and lastModified. */
  private async touchGroups(tx: Transaction<Database>, tenantId: string, ids: string[]): Promise<void> {
    for (const g of await groups.getMany(tx, tenantId, ids)) await groups.update(tx, tenantId, g, g.data, null);
  }
}
