// Per-tenant watermarks of the two-way sync (table sync_cursors, migration 0004_twoway), e.g. the moment up to which
// reconcile has compared Shopify with the store, so the next incremental run starts there.
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

/** The cursor's value, or undefined before the first run. */
export async function readCursor(db: Kysely<Database>, tenantId: string, name: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('sync_cursors')
    .select('value')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r?.value;
}

/** Sets the cursor. */
export async function writeCursor(db: Kysely<Database>, tenantId: string, name: string, value: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('sync_cursors')
    .values({ tenant_id: tenantId, name, value, updated_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ value, updated_at: now }))
    .execute();
}
