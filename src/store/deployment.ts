// What a running bridge records about itself in the database it shares with the commands (table deployment_state):
// its public URL and the address it listens on, so `tenant create`, `token create` and `shop check` use real addresses.
import type { Kysely } from 'kysely';
import type { Database } from './types.js';

const ADDRESS = 'bridge.address';

export interface BridgeAddress {
  /** PUBLIC_URL of the bridge that recorded it, when it had one */
  publicUrl?: string;
  /** where it listened, e.g. http://127.0.0.1:8080 */
  listenUrl: string;
  recordedAt: string;
}

/** Records the address of a bridge that has just started listening (the newest start wins). */
export async function recordBridgeAddress(
  db: Kysely<Database>,
  a: { publicUrl?: string; listenUrl: string },
  now = new Date(),
): Promise<void> {
  const at = now.toISOString();
  const value = JSON.stringify({ ...(a.publicUrl ? { publicUrl: a.publicUrl } : {}), listenUrl: a.listenUrl, recordedAt: at });
  await db
    .insertInto('deployment_state')
    .values({ name: ADDRESS, value, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/** The address the last bridge to start recorded, or undefined when none has run against this database. */
export async function readBridgeAddress(db: Kysely<Database>): Promise<BridgeAddress | undefined> {
  const r = await db.selectFrom('deployment_state').select('value').where('name', '=', ADDRESS).executeTakeFirst();
  if (!r) return undefined;
  try {
    const v = JSON.parse(r.value) as Partial<BridgeAddress>;
    return typeof v.listenUrl === 'string' && typeof v.recordedAt === 'string' ? (v as BridgeAddress) : undefined;
  } catch {
    return undefined;
  }
}
