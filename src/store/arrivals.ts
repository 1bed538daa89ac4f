// How many users a tenant's SCIM clients created lately: the arrival rate of first creates an initial load is judged
// by. Counted from the users table (its tenant_id, created_at index), so every instance sharing the database counts
// the same arrivals, wherever the requests landed.
import { sql } from 'kysely';
import type { Db } from './resources.js';
import { iso } from './outbox.js';

/** Users of `tenantId` created by a SCIM client in [from, mid) and in [mid, now]. */
export async function usersCreatedSince(db: Db, tenantId: string, from: number, mid: number): Promise<{ earlier: number; later: number }> {
  const midIso = iso(mid);
  const row = await db
    .selectFrom('users')
    .select([
      sql<number>`sum(case when created_at < ${midIso} then 1 else 0 end)`.as('earlier'),
      sql<number>`sum(case when created_at >= ${midIso} then 1 else 0 end)`.as('later'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', iso(from))
    .where('created_by', 'is not', null)
    .executeTakeFirst();
  return { earlier: Number(row?.earlier ?? 0), later: Number(row?.later ?? 0) };
}
