// Persistence of SCIM Groups: one row per group holding its JSON (members excluded) and one row per membership, so
// a user's computed `groups` and a member filter are plain joins.
import type { GroupsTable } from './types.js';
import { groupBy, inChunks, newRow, nextRow, str, toRecord, type Db, type Json, type ResourceRecord } from './resources.js';

export interface Member {
  value: string;
  type: 'User' | 'Group';
}

export class GroupRepository {
  /** Reads one group; `lock` as for users (the lock also guards its member rows, which are only written under it). */
  async get(db: Db, tenantId: string, id: string, lock = false): Promise<ResourceRecord | undefined> {
    const q = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    const r = await (lock ? q.forUpdate() : q).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Reads several groups; with `lock` (PostgreSQL) their rows are locked in id order, the order every writer uses. */
  async getMany(db: Db, tenantId: string, ids: string[], lock = false): Promise<ResourceRecord[]> {
    if (ids.length === 0) return [];
    const q = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids);
    const rows = await (lock ? q.orderBy('id').forUpdate() : q).execute();
    return rows.map(toRecord);
  }

  async byDisplayName(db: Db, tenantId: string, displayName: string): Promise<ResourceRecord | undefined> {
    const r = await db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('display_name_lc', '=', displayName.toLowerCase())
      .executeTakeFirst();
    return r && toRecord(r);
  }

  private columns(data: Json) {
    return {
      display_name: String(data.displayName),
      display_name_lc: String(data.displayName).toLowerCase(),
      external_id: str(data.externalId),
    };
  }

  /** Inserts a group; `data` excludes members, which are stored as rows. */
  async insert(db: Db, tenantId: string, data: Json, clientId: string | null): Promise<ResourceRecord> {
    const row: GroupsTable = { ...newRow(tenantId, data, clientId), ...this.columns(data) };
    await db.insertInto('groups').values(row).execute();
    return toRecord(row);
  }

  /** Replaces a group's JSON (members excluded) and bumps its version. */
  async update(db: Db, tenantId: string, prev: ResourceRecord, data: Json, clientId: string | null): Promise<ResourceRecord> {
    const next = nextRow(prev, data, clientId);
    await db
      .updateTable('groups')
      .set({ ...this.columns(data), ...next })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', prev.id)
      .execute();
    return { ...prev, data, updatedAt: next.updated_at, version: next.version };
  }

  async delete(db: Db, tenantId: string, id: string): Promise<boolean> {
    await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', id).execute();
    await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', id).execute();
    const r = await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async members(db: Db, tenantId: string, groupId: string): Promise<Member[]> {
    const rows = await db
      .selectFrom('group_members')
      .select(['member_id', 'member_type'])
      .where('tenant_id', '=', tenantId)
      .where('group_id', '=', groupId)
      .orderBy('member_id')
      .execute();
    return rows.map((r) => ({ value: r.member_id, type: r.member_type }));
  }

  async membersOf(db: Db, tenantId: string, groupIds: string[]): Promise<Map<string, Member[]>> {
    const rows = await inChunks(groupIds, (chunk) =>
      db
        .selectFrom('group_members')
        .select(['group_id', 'member_id', 'member_type'])
        .where('tenant_id', '=', tenantId)
        .where('group_id', 'in', chunk)
        .orderBy('member_id')
        .execute(),
    );
    return groupBy(
      rows,
      (r) => r.group_id,
      (r): Member => ({ value: r.member_id, type: r.member_type }),
    );
  }

  /** Makes a group's member set exactly `next`; returns the member ids added and removed. */
  async setMembers(db: Db, tenantId: string, groupId: string, next: Member[]): Promise<{ added: Member[]; removed: Member[] }> {
    const current = await this.members(db, tenantId, groupId);
    const cur = new Map(current.map((m) => [m.value, m]));
    const nxt = new Map(next.map((m) => [m.value, m]));
    const added = [...nxt.values()].filter((m) => !cur.has(m.value));
    const removed = [...cur.values()].filter((m) => !nxt.has(m.value));
    for (let i = 0; i < removed.length; i += 500) {
      await db
        .deleteFrom('group_members')
        .where('tenant_id', '=', tenantId)
        .where('group_id', '=', groupId)
        .where(
          'member_id',
          'in',
          removed.slice(i, i + 500).map((m) => m.value),
        )
        .execute();
    }
    for (let i = 0; i < added.length; i += 500) {
      await db
        .insertInto('group_members')
        .values(added.slice(i, i + 500).map((m) => ({ tenant_id: tenantId, group_id: groupId, member_id: m.value, member_type: m.type })))
        .execute();
    }
    return { added, removed };
  }

  /**
   * Which of the given ids exist as users and as groups of the tenant (to validate member references). With `lock`
   * (PostgreSQL) the rows are key-share locked until commit, so a concurrent delete cannot leave a member pointing at
   * nothing, while ordinary updates of those rows (version bumps) are not held up.
   */
  async existing(db: Db, tenantId: string, ids: string[], lock = false): Promise<Map<string, 'User' | 'Group'>> {
    const out = new Map<string, 'User' | 'Group'>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const uq = db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', 'in', chunk);
      const users = await (lock ? uq.orderBy('id').forKeyShare() : uq).execute();
      for (const u of users) out.set(u.id, 'User');
      const gq = db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', 'in', chunk);
      const groups = await (lock ? gq.orderBy('id').forKeyShare() : gq).execute();
      for (const g of groups) out.set(g.id, 'Group');
    }
    return out;
  }
}
