// The newest entry of a tenant's audit log, read by the admin UI's live activity feed to tell when something
// happened (one indexed lookup on audit_log_tenant).
import type { Db } from './resources.js';

/** The id of the tenant's newest audit entry, 0 when it has none. */
export async function latestAuditId(db: Db, tenantId: string): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return r?.id === null || r?.id === undefined ? 0 : Number(r.id);
}
