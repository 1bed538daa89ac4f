// The shared cost bucket of each shop (multi-instance mode): one row per shop holding its state as JSON, changed only
// under the row's lock, so every bridge process sharing the database plans from the same budget.
import type { Kysely } from 'kysely';
import type { Database } from './types.js';
import type { Db } from './resources.js';

export class ShopThrottleRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored state of a shop's bucket, or undefined before its first call. */
  async read(shop: string): Promise<string | undefined> {
    return (await this.db.selectFrom('shop_throttle').select('state').where('shop', '=', shop).executeTakeFirst())?.state;
  }

  /**
   * Runs `change` on the shop's state with its row locked from read to write (the row is made with `initial` first);
   * `change` returns the state to store and a result.
   */
  async change<T>(shop: string, initial: string, at: string, change: (state: string) => { state: string; result: T }): Promise<T> {
    return this.db.transaction().execute(async (tx: Db) => {
      await tx
        .insertInto('shop_throttle')
        .values({ shop, state: initial, updated_at: at })
        .onConflict((oc) => oc.column('shop').doNothing())
        .execute();
      // Writing first takes the row's lock on either engine (SQLite has no FOR UPDATE) until the commit.
      await tx.updateTable('shop_throttle').set({ updated_at: at }).where('shop', '=', shop).execute();
      const row = await tx.selectFrom('shop_throttle').select('state').where('shop', '=', shop).executeTakeFirstOrThrow();
      const out = change(row.state);
      await tx.updateTable('shop_throttle').set({ state: out.state }).where('shop', '=', shop).execute();
      return out.result;
    });
  }
}
