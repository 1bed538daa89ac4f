// Reads behind the admin UI's list of users Shopify could not take: how many of a tenant's users are held failed,
// per error code, in one grouped query.
import type { Db } from './resources.js';

/** The tenant's failed users counted by their sync error code (`null` for a failure recorded without one). */
export async function failedCountsByCode(db: Db, tenantId: string): Promise<{ code: string | null; count: number }[]> {
  const rows = await db
    .selectFrom('customer_links')
    .select(['sync_error_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('sync_state', '=', 'failed')
    .groupBy('sync_error_code')
    .execute();
  return rows
    .map((r) => ({ code: r.sync_error_code, count: Number(r.n) }))
    .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)));
}
