// How many of a tenant's Shopify jobs are queued ahead of one job: what a SCIM request waiting for its own write
// needs to know whether the answer can come within its wait. Bounded: it stops counting at `limit`.
import type { Db } from './resources.js';

/** The tenant's jobs in `queue` queued before job `beforeId`, counted up to `limit`. */
export async function queuedAhead(db: Db, o: { tenantId: string; queue: string; beforeId: number; limit: number }): Promise<number> {
  if (o.limit <= 0) return 0;
  const rows = await db
    .selectFrom('outbox_jobs')
    .select('id')
    .where('state', '=', 'queued')
    .where('tenant_id', '=', o.tenantId)
    .where('queue', '=', o.queue)
    .where('id', '<', o.beforeId)
    .limit(o.limit)
    .execute();
  return rows.length;
}
