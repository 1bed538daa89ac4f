// What the users and groups tables share: a resource as the code sees it (its JSON and bookkeeping), the store's
// clock, the bookkeeping columns every insert and update writes, chunked reads, and the audit trail.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
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

export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
export const lc = (v: unknown): string | null => str(v)?.toLowerCase() ?? null;

/** The monotonic clock of the store: timestamps strictly increase within the process so ordering by them is stable. */
let lastStamp = 0;
export function nowIso(): string {
  const t = Math.max(Date.now(), lastStamp + 1);
  lastStamp = t;
  return new Date(t).toISOString();
}

/** The columns every new resource row starts with: a fresh id, version 1, its JSON and the client that made it. */
export function newRow(tenantId: string, data: Json, clientId: string | null) {
  const now = nowIso();
  return {
    tenant_id: tenantId,
    id: randomUUID(),
    external_id_client: data.externalId ? clientId : null,
    created_at: now,
    updated_at: now,
    version: 1,
    data: JSON.stringify(data),
    created_by: clientId,
  };
}

/** The columns every resource update sets: its JSON, the next version, and the client owning a changed externalId. */
export function nextRow(prev: ResourceRecord, data: Json, clientId: string | null) {
  const externalChanged = (prev.data.externalId ?? null) !== (data.externalId ?? null);
  return {
    ...(externalChanged ? { external_id_client: data.externalId ? clientId : null } : {}),
    updated_at: nowIso(),
    version: prev.version + 1,
    data: JSON.stringify(data),
  };
}

/**
 * Another resource of `table` whose externalId, set by this client, is `externalId` (the uniqueExternalId policy);
 * `exceptId` leaves out the resource being written.
 */
export async function externalIdHolder(
  db: Db,
  table: 'users' | 'groups',
  tenantId: string,
  clientId: string | null,
  externalId: string,
  exceptId?: string,
): Promise<string | undefined> {
  let q = db.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('external_id', '=', externalId);
  q = clientId === null ? q.where('external_id_client', 'is', null) : q.where('external_id_client', '=', clientId);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  return (await q.limit(1).executeTakeFirst())?.id;
}

/**
 * Holds a named lock until the transaction ends (PostgreSQL advisory lock), so checks of what no row holds yet (an
 * externalId no resource has) cannot race. SQLite needs none: it runs one writer at a time.
 */
export async function lockName(db: Db, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(db);
}

/** Runs a query per chunk of ids (bound parameters stay well under every engine's limit) and concatenates the rows. */
export async function inChunks<T>(ids: string[], run: (chunk: string[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await run(ids.slice(i, i + size))));
  return out;
}

/** Rows gathered into lists by a key. */
export function groupBy<R, V>(rows: R[], key: (r: R) => string, value: (r: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const list = out.get(key(r)) ?? [];
    list.push(value(r));
    out.set(key(r), list);
  }
  return out;
}

/** A resource row as the rest of the code sees it (JSON parsed). */
export const toRecord = (
  r: Pick<UsersTable | GroupsTable, 'id' | 'data' | 'created_at' | 'updated_at' | 'version' | 'created_by'>,
): ResourceRecord => ({
  id: r.id,
  data: JSON.parse(r.data) as Json,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
  createdBy: r.created_by,
});

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

/** An audit log entry as it is read back. */
export interface AuditRecord {
  /** increases with every entry: the cursor to page back with */
  id: number;
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  detail: Json;
}

/** A tenant's audit log, newest first: `before` pages back (entries with a smaller id), `actionPrefix` filters. */
export async function readAudit(
  db: Db,
  tenantId: string,
  opts: { limit: number; before?: number; actionPrefix?: string },
): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  // An exact prefix match on both engines: LIKE would read "_" and "%" as wildcards (and ignore case on SQLite).
  if (opts.actionPrefix) q = q.where(sql<string>`substr(action, 1, ${sql.lit(opts.actionPrefix.length)})`, '=', opts.actionPrefix);
  const rows = await q.orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    detail: JSON.parse(r.detail) as Json,
  }));
}
