// Persistence of SCIM Users and Groups: one row per resource holding its JSON, plus the columns filters and sorting
// use (derived from the JSON on every write), email rows, group memberships and the audit trail.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, UsersTable, GroupsTable } from './types.js';

export type Json = Record<string, unknown>;
export type Db = Kysely<Database> | Transaction<Database>;

/** A stored resource: its canonical JSON (without id, meta and computed attributes) and its bookkeeping. */
export interface ResourceRecord {
  id: string;
  data: Json;
  createdAt: string;
  updatedAt: string;
  version: number;
  createdBy: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const lc = (v: unknown): string | null => str(v)?.toLowerCase() ?? null;

/** The monotonic clock of the store: timestamps strictly increase within the process so ordering by them is stable. */
let lastStamp = 0;
export function nowIso(): string {
  const t = Math.max(Date.now(), lastStamp + 1);
  lastStamp = t;
  return new Date(t).toISOString();
}

function userColumns(data: Json) {
  const name = (data.name ?? {}) as Json;
  return {
    user_name: String(data.userName),
    user_name_lc: String(data.userName).toLowerCase(),
    external_id: str(data.externalId),
    display_name_lc: lc(data.displayName),
    given_name_lc: lc(name.givenName),
    family_name_lc: lc(name.familyName),
    active: data.active === false ? 0 : 1,
  };
}

function emailRows(tenantId: string, userId: string, data: Json) {
  const emails = Array.isArray(data.emails) ? (data.emails as Json[]) : [];
  return emails
    .filter((e) => typeof e?.value === 'string' && e.value !== '')
    .map((e) => ({
      tenant_id: tenantId,
      user_id: userId,
      value_lc: String(e.value).toLowerCase(),
      type_lc: lc(e.type),
      primary: e.primary === true ? 1 : 0,
    }));
}

/** Runs a query per chunk of ids (bound parameters stay well under every engine's limit) and concatenates the rows. */
export async function inChunks<T>(ids: string[], run: (chunk: string[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await run(ids.slice(i, i + size))));
  return out;
}

function groupBy<R, V>(rows: R[], key: (r: R) => string, value: (r: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const list = out.get(key(r)) ?? [];
    list.push(value(r));
    out.set(key(r), list);
  }
  return out;
}

/** A resource row as the rest of the code sees it (JSON parsed). */
export const toRecord = (r: Pick<UsersTable | GroupsTable, 'id' | 'data' | 'created_at' | 'updated_at' | 'version' | 'created_by'>): ResourceRecord => ({
  id: r.id,
  data: JSON.parse(r.data) as Json,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  createdBy: r.created_by,
});

export class UserRepository {
  /**
   * Reads one user. With `lock` (PostgreSQL, inside a write transaction) the row stays locked until commit, so
   * concurrent read-modify-writes of the same user queue up instead of overwriting each other; SQLite already
   * runs one writer at a time and has no row locks.
   */
  async get(db: Db, tenantId: string, id: string, lock = false): Promise<ResourceRecord | undefined> {
    const q = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    const r = await (lock ? q.forUpdate() : q).executeTakeFirst();
    return r && toRecord(r);
  }

  async getMany(db: Db, tenantId: string, ids: string[]): Promise<ResourceRecord[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    return rows.map(toRecord);
  }

  async byUserName(db: Db, tenantId: string, userName: string): Promise<ResourceRecord | undefined> {
    const r = await db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_name_lc', '=', userName.toLowerCase())
      .executeTakeFirst();
    return r && toRecord(r);
  }

  async byExternalId(db: Db, tenantId: string, clientId: string, externalId: string): Promise<ResourceRecord | undefined> {
    const r = await db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('external_id_client', '=', clientId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return r && toRecord(r);
  }

  /** Inserts a user; a duplicate userName surfaces as the database's unique violation for the caller to map. */
  async insert(db: Db, tenantId: string, data: Json, clientId: string | null): Promise<ResourceRecord> {
    const id = randomUUID();
    const now = nowIso();
    const row: UsersTable = {
      tenant_id: tenantId,
      id,
      ...userColumns(data),
      external_id_client: data.externalId ? clientId : null,
      created_at: now,
      updated_at: now,
      version: 1,
      data: JSON.stringify(data),
      created_by: clientId,
    };
    await db.insertInto('users').values(row).execute();
    const emails = emailRows(tenantId, id, data);
    if (emails.length) await db.insertInto('user_emails').values(emails).execute();
    return toRecord(row);
  }

  /** Replaces a user's JSON and bumps its version; the caller checks preconditions (ETag) inside the same transaction. */
  async update(db: Db, tenantId: string, prev: ResourceRecord, data: Json, clientId: string | null): Promise<ResourceRecord> {
    const now = nowIso();
    const version = prev.version + 1;
    const externalChanged = (prev.data.externalId ?? null) !== (data.externalId ?? null);
    await db
      .updateTable('users')
      .set({
        ...userColumns(data),
        ...(externalChanged ? { external_id_client: data.externalId ? clientId : null } : {}),
        updated_at: now,
        version,
        data: JSON.stringify(data),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', prev.id)
      .execute();
    await db.deleteFrom('user_emails').where('tenant_id', '=', tenantId).where('user_id', '=', prev.id).execute();
    const emails = emailRows(tenantId, prev.id, data);
    if (emails.length) await db.insertInto('user_emails').values(emails).execute();
    return { ...prev, data, updatedAt: now, version };
  }

  /** Bumps versions (and lastModified) of users whose computed attributes changed, e.g. group membership. */
  async touch(db: Db, tenantId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const now = nowIso();
    for (let i = 0; i < ids.length; i += 500) {
      await db
        .updateTable('users')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
  }

  async delete(db: Db, tenantId: string, id: string): Promise<boolean> {
    await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', id).execute();
    await db.deleteFrom('user_emails').where('tenant_id', '=', tenantId).where('user_id', '=', id).execute();
    const r = await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The groups each user belongs to (direct memberships), for the computed `groups` attribute. */
  async groupsOf(db: Db, tenantId: string, userIds: string[]): Promise<Map<string, { id: string; displayName: string }[]>> {
    const rows = await inChunks(userIds, (chunk) =>
      db
        .selectFrom('group_members')
        .innerJoin('groups', (j) => j.onRef('groups.tenant_id', '=', 'group_members.tenant_id').onRef('groups.id', '=', 'group_members.group_id'))
        .select(['group_members.member_id', 'groups.id', 'groups.display_name'])
        .where('group_members.tenant_id', '=', tenantId)
        .where('group_members.member_id', 'in', chunk)
        .orderBy('groups.display_name_lc')
        .execute(),
    );
    return groupBy(rows, (r) => r.member_id, (r) => ({ id: r.id, displayName: r.display_name }));
  }
}

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
    const now = nowIso();
    const row: GroupsTable = {
      tenant_id: tenantId,
      id: randomUUID(),
      ...this.columns(data),
      external_id_client: data.externalId ? clientId : null,
      created_at: now,
      updated_at: now,
      version: 1,
      data: JSON.stringify(data),
      created_by: clientId,
    };
    await db.insertInto('groups').values(row).execute();
    return toRecord(row);
  }

  async update(db: Db, tenantId: string, prev: ResourceRecord, data: Json, clientId: string | null): Promise<ResourceRecord> {
    const now = nowIso();
    const version = prev.version + 1;
    const externalChanged = (prev.data.externalId ?? null) !== (data.externalId ?? null);
    await db
      .updateTable('groups')
      .set({
        ...this.columns(data),
        ...(externalChanged ? { external_id_client: data.externalId ? clientId : null } : {}),
        updated_at: now,
        version,
        data: JSON.stringify(data),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', prev.id)
      .execute();
    return { ...prev, data, updatedAt: now, version };
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
    return groupBy(rows, (r) => r.group_id, (r): Member => ({ value: r.member_id, type: r.member_type }));
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
        .where('member_id', 'in', removed.slice(i, i + 500).map((m) => m.value))
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

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  detail?: Json;
}

/** Appends to the audit log: who did what to which resource, with attribute names but never personal values. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: e.tenantId,
      at: nowIso(),
      actor: e.actor,
      action: e.action,
      resource_type: e.resourceType,
      resource_id: e.resourceId,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}
