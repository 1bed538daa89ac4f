// Which queued user sync jobs (of the kind the caller names) a bulk create may take: the head job of its user's key (so per-user order holds), due,
// for a user with no customer yet. Counting them per tenant, leasing them atomically and handing them back.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './db.js';
import type { Database } from './types.js';
import { iso, toJob, type OutboxJob } from './outbox.js';
import { headsItsKey, leaseColumns, releaseLeases } from './claim.js';

/** Queued, due jobs of `kind` heading their key, whose user has no customer and no deprovisioning history. */
function candidates(db: Kysely<Database>, kind: string, now: string) {
  return db
    .selectFrom('outbox_jobs as j')
    .where('j.kind', '=', kind)
    .where('j.queue', '=', 'shopify')
    .where('j.state', '=', 'queued')
    .where('j.run_after', '<=', now)
    .where('j.key', 'like', 'user:%')
    .where(headsItsKey)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('customer_links as l')
            .select('l.user_id')
            .whereRef('l.tenant_id', '=', 'j.tenant_id')
            // the key is `user:<id>`: the user id starts at its sixth character
            .where(sql<boolean>`l.user_id = substr(j.key, 6)`)
            .where((eb) => eb.or([eb('l.customer_id', 'is not', null), eb('l.deprovisioned', 'is not', null)])),
        ),
      ),
    );
}

/** Tenants with at least `threshold` jobs a bulk create could take now, and how many. */
export async function tenantsWithBacklog(
  db: Kysely<Database>,
  kind: string,
  now: number,
  threshold: number,
): Promise<Array<{ tenantId: string; jobs: number }>> {
  const rows = await candidates(db, kind, iso(now))
    .select(['j.tenant_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('j.tenant_id')
    .having((eb) => eb.fn.countAll(), '>=', threshold)
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, jobs: Number(r.n) }));
}

export interface LeaseOptions {
  /** the job kind of a user's sync */
  kind: string;
  tenantId: string;
  instanceId: string;
  now: number;
  leaseMs: number;
  limit: number;
}

/**
 * Leases up to `limit` of a tenant's candidate jobs, oldest first, exactly as the worker's claim does (running, an
 * attempt counted, SKIP LOCKED on PostgreSQL), so no per-user run starts on them while the bulk create holds them.
 */
export async function leaseCandidates(db: Kysely<Database>, dialect: Dialect, o: LeaseOptions): Promise<OutboxJob[]> {
  if (o.limit <= 0) return [];
  const now = iso(o.now);
  let ids = candidates(db, o.kind, now).select('j.id').where('j.tenant_id', '=', o.tenantId).orderBy('j.id').limit(o.limit);
  if (dialect === 'postgres') ids = ids.forUpdate().skipLocked();
  const rows = await db
    .updateTable('outbox_jobs')
    .set(leaseColumns(o))
    .where('id', 'in', ids)
    .where('state', '=', 'queued')
    .returningAll()
    .execute();
  return rows.map(toJob).sort((a, b) => a.id - b.id);
}

/** Marks leased jobs done; returns the ids this instance still held (the others were taken over). */
export async function finishLeased(db: Kysely<Database>, instanceId: string, ids: number[], now: number): Promise<number[]> {
  if (ids.length === 0) return [];
  const at = iso(now);
  const rows = await db
    .updateTable('outbox_jobs')
    .set({ state: 'done', lease_until: null, updated_at: at, finished_at: at, last_error: null, last_error_code: null })
    .where('id', 'in', ids)
    .where('leased_by', '=', instanceId)
    .where('state', '=', 'running')
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}

/** Hands leased jobs back to the per-user path (queued, due now, the attempt not counted). */
export async function releaseLeased(db: Kysely<Database>, instanceId: string, ids: number[], now: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 500) n += await releaseLeases(db, instanceId, ids.slice(i, i + 500), now);
  return n;
}
