// Reads behind the admin UI's activity log and user history: audit entries filtered by action, actor and resource,
// and the outbox jobs that carried a change to Shopify or to an outbound target, found by their key.
import { sql, type Selectable } from 'kysely';
import type { Db, Json, AuditRecord } from './resources.js';
import type { AuditLogTable, OutboxJobsTable } from './types.js';

export interface ActivityQuery {
  limit: number;
  /** entries with a smaller id (the next, older page) */
  before?: number;
  /** entries from this id on, oldest first (what followed an entry) */
  from?: number;
  /** action prefixes, any of which matches (`user.`, `shopify.customer.failed`) */
  actionPrefixes?: string[];
  /** exact actor, e.g. `client:<id>` */
  actor?: string;
  /** only entries about these resources */
  resourceIds?: string[];
}

const toAudit = (r: Selectable<AuditLogTable>): AuditRecord => ({
  id: Number(r.id),
  at: r.at,
  actor: r.actor,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  detail: JSON.parse(r.detail) as Json,
});

/** Audit entries of a tenant, newest first, as the activity log filters them. */
export async function readActivity(db: Db, tenantId: string, q: ActivityQuery): Promise<AuditRecord[]> {
  if (q.resourceIds && q.resourceIds.length === 0) return [];
  let s = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
  if (q.before !== undefined) s = s.where('id', '<', q.before);
  if (q.from !== undefined) s = s.where('id', '>=', q.from);
  if (q.actor) s = s.where('actor', '=', q.actor);
  if (q.resourceIds) s = s.where('resource_id', 'in', q.resourceIds);
  const prefixes = q.actionPrefixes?.filter(Boolean) ?? [];
  // exact prefixes on both engines (LIKE would read "_" as a wildcard)
  if (prefixes.length) s = s.where((eb) => eb.or(prefixes.map((p) => eb(sql<string>`substr(action, 1, ${sql.lit(p.length)})`, '=', p))));
  const rows = await s
    .orderBy('id', q.from !== undefined ? 'asc' : 'desc')
    .limit(q.limit)
    .execute();
  return rows.map(toAudit);
}

export interface JobRecord {
  id: number;
  queue: string;
  key: string;
  kind: string;
  state: OutboxJobsTable['state'];
  attempts: number;
  runAfter: string;
  lastError: string | null;
  lastErrorCode: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  originClient: string | null;
  coalescedInto: number | null;
}

const JOB_COLUMNS = [
  'id',
  'queue',
  'key',
  'kind',
  'state',
  'attempts',
  'run_after',
  'last_error',
  'last_error_code',
  'created_at',
  'updated_at',
  'finished_at',
  'origin_client',
  'coalesced_into',
] as const;

const toJobRecord = (r: Pick<Selectable<OutboxJobsTable>, (typeof JOB_COLUMNS)[number]>): JobRecord => ({
  id: Number(r.id),
  queue: r.queue,
  key: r.key,
  kind: r.kind,
  state: r.state,
  attempts: Number(r.attempts),
  runAfter: r.run_after,
  lastError: r.last_error,
  lastErrorCode: r.last_error_code,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
  originClient: r.origin_client,
  coalescedInto: r.coalesced_into === null ? null : Number(r.coalesced_into),
});

/** The jobs (every queue and state) whose key is one of `keys`, oldest first; their payloads are never read. */
export async function jobsForKeys(db: Db, tenantId: string, keys: string[], limitPerCall = 2000): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db
      .selectFrom('outbox_jobs')
      .select([...JOB_COLUMNS])
      .where('tenant_id', '=', tenantId)
      .where('key', 'in', keys.slice(i, i + 500))
      .orderBy('id', 'desc')
      .limit(limitPerCall)
      .execute();
    out.push(...rows.map(toJobRecord));
  }
  return out.sort((a, b) => a.id - b.id);
}

export interface JobListQuery {
  states: OutboxJobsTable['state'][];
  queue?: string;
  limit: number;
  before?: number;
}

/** A tenant's jobs in the given states, newest first. */
export async function listJobs(db: Db, tenantId: string, q: JobListQuery): Promise<JobRecord[]> {
  let s = db
    .selectFrom('outbox_jobs')
    .select([...JOB_COLUMNS])
    .where('tenant_id', '=', tenantId)
    .where('state', 'in', q.states);
  if (q.queue) s = s.where('queue', '=', q.queue);
  if (q.before !== undefined) s = s.where('id', '<', q.before);
  const rows = await s.orderBy('id', 'desc').limit(q.limit).execute();
  return rows.map(toJobRecord);
}

/** Removes one dead-lettered job of the tenant; returns it, or undefined when there is no such dead job. */
export async function discardDeadJob(db: Db, tenantId: string, id: number): Promise<JobRecord | undefined> {
  const row = await db
    .selectFrom('outbox_jobs')
    .select([...JOB_COLUMNS])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  if (!row) return undefined;
  const r = await db
    .deleteFrom('outbox_jobs')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1 ? toJobRecord(row) : undefined;
}

/** Labels of a tenant's SCIM clients by id, revoked ones included (old entries still name them). */
export async function clientLabels(db: Db, tenantId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('clients').select(['id', 'label']).where('tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.id, r.label]));
}
