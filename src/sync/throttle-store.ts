// The Shopify cost bucket shared through the database (table shop_throttle), so several instances on one PostgreSQL
// plan their calls from one view of each shop's budget. Same model as the connector's MemoryThrottleStore.
import type { Kysely } from 'kysely';
import type { Database } from '../store/types.js';
import type { Reservation, Settlement, ThrottleSnapshot, ThrottleStore } from '../shopify/index.js';
import { levelAt } from '../shopify/bucket.js';
import { ShopThrottleRepository } from '../store/shop-throttle.js';
import { emptyBucket, expirePending, grantInOrder, parseBucket, settleCall, type BucketState } from './throttle-model.js';

export interface DbThrottleOptions {
  now?: () => number;
  /**
   * Longest wait before a waiting call looks at the shared bucket again (ms, default 50): answers settled by other
   * instances cannot wake it, so it looks for them this often.
   */
  pollMs?: number;
  /** A reservation whose caller died is forgotten after this long (ms, default 60 s: longer than any call). */
  pendingTtlMs?: number;
}

interface Waiter {
  cost: number;
  resolve: (r: Reservation) => void;
  reject: (e: unknown) => void;
}

/** This instance's callers for one shop, in order, and the loop that grants them from the shared bucket. */
interface LocalQueue {
  waiters: Waiter[];
  running: boolean;
  /** Ends the loop's current wait early (an answer settled here may let the head go). */
  wake?: () => void;
  /** An answer came while the loop was not waiting: look again before any wait. */
  kicked: boolean;
}

/**
 * A ThrottleStore over shop_throttle; every operation is one short transaction holding the shop's row lock.
 * Each instance queues its own callers and lets the head ask the shared model for points, so a grant happens as
 * soon as the bucket holds them and any answer, from any instance, moves the queue.
 */
export class DbThrottleStore implements ThrottleStore {
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly ttlMs: number;
  private readonly queues = new Map<string, LocalQueue>();
  private readonly rows: ShopThrottleRepository;
  /** the reservations this instance holds (granted, not settled), per shop, so a graceful stop can give them back */
  private readonly held = new Map<string, Set<number>>();

  constructor(db: Kysely<Database>, opts: DbThrottleOptions = {}) {
    this.rows = new ShopThrottleRepository(db);
    this.now = opts.now ?? Date.now;
    this.pollMs = opts.pollMs ?? 50;
    this.ttlMs = opts.pendingTtlMs ?? 60_000;
  }

  reserve(shop: string, cost: number): Promise<Reservation> {
    const q = this.queue(shop);
    return new Promise((resolve, reject) => {
      q.waiters.push({ cost, resolve, reject });
      // A caller joining a running loop waits behind its head; the loop serves it in turn.
      if (!q.running) void this.pump(shop, q);
    });
  }

  async settle(shop: string, r: Reservation, outcome: Settlement): Promise<void> {
    await this.locked(shop, (s, now) => settleCall(s, r.id, outcome, now));
    this.held.get(shop)?.delete(r.id);
    const q = this.queues.get(shop);
    if (q?.wake) q.wake();
    else if (q) q.kicked = true;
  }

  async snapshot(shop: string): Promise<ThrottleSnapshot | undefined> {
    const state = await this.rows.read(shop);
    if (state === undefined) return undefined;
    const s = parseBucket(state);
    if (!s.known) return undefined;
    const now = this.now();
    expirePending(s, now);
    const outstanding = s.pending.reduce((n, p) => n + p.cost, 0);
    return {
      level: levelAt(s, now),
      maximum: s.maximum,
      restoreRate: s.restoreRate,
      at: now,
      outstanding,
      waiting: this.queues.get(shop)?.waiters.length ?? 0,
    };
  }

  private queue(shop: string): LocalQueue {
    let q = this.queues.get(shop);
    if (!q) {
      q = { waiters: [], running: false, kicked: false };
      this.queues.set(shop, q);
    }
    return q;
  }

  /** Grants this instance's waiters in order while the shared bucket allows; sleeps until it might, or is woken. */
  private async pump(shop: string, q: LocalQueue): Promise<void> {
    q.running = true;
    try {
      while (q.waiters.length > 0) {
        q.kicked = false;
        const costs = q.waiters.map((w) => w.cost);
        let granted: { ids: number[]; waitMs?: number; at: number };
        try {
          granted = await this.locked(shop, (s, now) => ({ ...grantInOrder(s, costs, now, this.ttlMs), at: now }));
        } catch (e) {
          // The database is unreachable: the callers fail now rather than wait for a bucket nobody can read.
          for (const w of q.waiters.splice(0)) w.reject(e);
          return;
        }
        const held = this.held.get(shop) ?? new Set<number>();
        this.held.set(shop, held);
        for (const [i, id] of granted.ids.entries()) {
          held.add(id);
          q.waiters[i].resolve({ id, cost: costs[i], sendAt: granted.at });
        }
        q.waiters.splice(0, granted.ids.length);
        if (q.waiters.length === 0 || q.kicked) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.max(1, Math.min(granted.waitMs ?? this.pollMs, this.pollMs)));
          function done() {
            clearTimeout(t);
            q.wake = undefined;
            resolve();
          }
          q.wake = done;
        });
      }
    } finally {
      q.running = false;
    }
  }

  /**
   * Forgets the reservations of this instance's calls still in flight (graceful stop: their answers will never be
   * settled here). Without it they would hold their points, and before the shop's first answer the whole bucket,
   * for every instance until they expire.
   */
  async releaseHeld(): Promise<void> {
    for (const [shop, ids] of this.held) {
      if (ids.size === 0) continue;
      await this.locked(shop, (s) => {
        s.pending = s.pending.filter((p) => !ids.has(p.id));
      });
      ids.clear();
    }
  }

  private async locked<T>(shop: string, fn: (s: BucketState, now: number) => T): Promise<T> {
    const now = this.now();
    return this.rows.change(shop, JSON.stringify(emptyBucket()), new Date(now).toISOString(), (state) => {
      const s = parseBucket(state);
      expirePending(s, now);
      const result = fn(s, now);
      return { state: JSON.stringify(s), result };
    });
  }
}
