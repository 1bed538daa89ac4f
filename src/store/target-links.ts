// Which remote resource each SCIM user is on a SCIM target (the id the remote server gave it on create), so later
// changes go to PUT/PATCH /Users/<remote id>. Table target_links (migration 0004_twoway).
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

/** The remote id of `userId` on target `targetId`, if known. */
export async function remoteIdOf(db: Kysely<Database>, tenantId: string, targetId: string, userId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('target_links')
    .select('remote_id')
    .where('tenant_id', '=', tenantId)
    .where('target_id', '=', targetId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.remote_id;
}

/** Records (or moves) the link of a user to its remote resource. */
export async function linkRemote(
  db: Kysely<Database>,
  tenantId: string,
  targetId: string,
  userId: string,
  remoteId: string,
): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto('target_links')
    .values({ tenant_id: tenantId, target_id: targetId, user_id: userId, remote_id: remoteId, updated_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'target_id', 'user_id']).doUpdateSet({ remote_id: remoteId, updated_at: now }))
    .execute();
}

/** Forgets the link (the remote resource was deleted, or is gone). */
export async function unlinkRemote(db: Kysely<Database>, tenantId: string, targetId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('target_links')
    .where('tenant_id', '=', tenantId)
    .where('target_id', '=', targetId)
    .where('user_id', '=', userId)
    .execute();
}
