// The Shopify cost bucket shared through the database (table shop_throttle), so several instances on one PostgreSQL
// plan their calls from one view of each shop's budget. Same model as the connector's MemoryThrottleStore.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import type { Reservation, Settlement, ThrottleSnapshot, ThrottleStore } from '../shopify/index.js';

interface State {
  /** false until a response told us the bucket's size and rate */
  known: boolean;
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  /** calls reserved and not yet answered: [id, cost, sendAt, expiresAt] */
  pending: [number, number, number, number][];
}

const EMPTY: State = { known: false, level: 0, maximum: 0, restoreRate: 0, at: 0, pending: [] };
/** Headroom against rounding between our clock and Shopify's (points). */
const SAFETY_POINTS = 0.5;
/** A reservation whose caller died is forgotten after this long. */
const PENDING_TTL_MS = 120_000;

const levelAt = (s: State, now: number) => Math.min(s.maximum, s.level + (s.restoreRate * Math.max(0, now - s.at)) / 1000);

/** A ThrottleStore over shop_throttle; every operation is one short transaction holding the shop's row lock. */
export class DbThrottleStore implements ThrottleStore {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private async locked<T>(shop: string, fn: (s: State, now: number) => T): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      const now = this.now();
      const stamp = new Date(now).toISOString();
      await tx
        .insertInto('shop_throttle')
        .values({ shop, state: JSON.stringify(EMPTY), updated_at: stamp })
        .onConflict((oc) => oc.column('shop').doNothing())
        .execute();
      const row = await tx.selectFrom('shop_throttle').select('state').where('shop', '=', shop).forUpdate().executeTakeFirstOrThrow();
      let s: State;
      try {
        s = { ...EMPTY, ...(JSON.parse(row.state) as Partial<State>) };
      } catch {
        s = { ...EMPTY };
      }
      s.pending = s.pending.filter((p) => p[3] > now);
      const result = fn(s, now);
      await tx.updateTable('shop_throttle').set({ state: JSON.stringify(s), updated_at: stamp }).where('shop', '=', shop).execute();
      return result;
    });
  }

  reserve(shop: string, cost: number): Promise<Reservation> {
    return this.locked(shop, (s, now) => {
      let waitMs = 0;
      if (s.known) {
        const level = levelAt(s, now);
        const need = cost + SAFETY_POINTS - level;
        waitMs = need <= 0 ? 0 : s.restoreRate > 0 ? Math.ceil((need / s.restoreRate) * 1000) : 0;
        // Deduct now, even into debt: the next caller, in any process, sees the queue ahead of it.
        s.level = level - cost;
        s.at = now;
      }
      const r: Reservation = { id: randomInt(2 ** 47), cost, sendAt: now + waitMs };
      s.pending.push([r.id, cost, r.sendAt, now + waitMs + PENDING_TTL_MS]);
      return r;
    });
  }

  async settle(shop: string, r: Reservation, outcome: Settlement): Promise<void> {
    await this.locked(shop, (s, now) => {
      s.pending = s.pending.filter((p) => p[0] !== r.id);
      if (outcome.status) {
        // Shopify's figure counts the calls sent before this one; those sent later it has not seen yet.
        // A THROTTLED answer means the model was too hopeful: take Shopify's figure as it is.
        const unseen = outcome.throttled ? 0 : s.pending.filter((p) => p[2] > r.sendAt).reduce((n, p) => n + p[1], 0);
        s.known = true;
        s.maximum = outcome.status.maximumAvailable;
        s.restoreRate = outcome.status.restoreRate;
        s.level = outcome.status.currentlyAvailable - unseen;
        s.at = now;
      } else if (s.known && outcome.actualCost !== undefined) {
        s.level = Math.min(s.maximum, levelAt(s, now) + Math.max(0, r.cost - outcome.actualCost));
        s.at = now;
      }
    });
  }

  async snapshot(shop: string): Promise<ThrottleSnapshot | undefined> {
    const row = await this.db.selectFrom('shop_throttle').select('state').where('shop', '=', shop).executeTakeFirst();
    if (!row) return undefined;
    const s = { ...EMPTY, ...(JSON.parse(row.state) as Partial<State>) };
    if (!s.known) return undefined;
    const now = this.now();
    return { level: levelAt(s, now), maximum: s.maximum, restoreRate: s.restoreRate, at: now, outstanding: s.pending.reduce((n, p) => n + p[1], 0), waiting: 0 };
  }
}
