// Cost-aware throttle: a local model of each shop's leaky bucket, fed by every response's throttleStatus, that lets
// a caller go exactly when the bucket holds its cost and reserves those points so concurrent callers never overspend.
import { admit, applyAnswer, levelAt, type BucketModel } from './bucket.js';

/** What Shopify reports in `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** The model's view of one shop's bucket at `at` (ms), reservations already deducted (may be negative: a queue). */
export interface ThrottleSnapshot {
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  /** Points reserved by calls not yet answered. */
  outstanding: number;
  /** Callers waiting for points. */
  waiting: number;
}

/** Points held for one call; `sendAt` is when the bucket will hold them. */
export interface Reservation {
  readonly id: number;
  readonly cost: number;
  readonly sendAt: number;
}

/** How a reserved call ended, as far as the bucket is concerned. */
export interface Settlement {
  /** The throttleStatus of the response, if it carried one. */
  status?: ThrottleStatus;
  /** The points Shopify actually charged (actualQueryCost; 0 when the call was throttled or refused). */
  actualCost?: number;
  /** Shopify answered THROTTLED: our model was too hopeful, take its figure as it is. */
  throttled?: boolean;
}

/**
 * Per-shop bucket state. Async so that a database-backed store shared by several processes can implement it:
 * `reserve` resolves with a reservation once the points are held; a store that cannot wake callers itself may
 * resolve at once with a later `sendAt`, which the caller then waits for.
 */
export interface ThrottleStore {
  reserve(shop: string, cost: number): Promise<Reservation>;
  settle(shop: string, reservation: Reservation, outcome: Settlement): Promise<void>;
  snapshot(shop: string): Promise<ThrottleSnapshot | undefined>;
}

interface Waiter {
  cost: number;
  resolve: (r: Reservation) => void;
}

interface ShopBucket extends BucketModel {
  /** Granted, not yet settled: sent (or about to be) and not yet answered. */
  pending: Map<number, Reservation>;
  /** Callers waiting for points, served in order. */
  queue: Waiter[];
  cancelTimer?: () => void;
}

export interface MemoryThrottleOptions {
  now?: () => number;
  /** Runs `fn` after `ms`; returns a cancel function (tests drive it with a fake clock). */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/**
 * A ThrottleStore for one process. Callers queue in order; the head is granted as soon as the model says the
 * bucket holds its cost, so every answer (a refund, an exact cost, another app's use) immediately moves the queue.
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly shops = new Map<string, ShopBucket>();
  private nextId = 1;
  private readonly now: () => number;
  private readonly schedule: NonNullable<MemoryThrottleOptions['schedule']>;

  constructor(opts: MemoryThrottleOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.schedule =
      opts.schedule ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      });
  }

  reserve(shop: string, cost: number): Promise<Reservation> {
    const b = this.bucket(shop);
    return new Promise((resolve) => {
      b.queue.push({ cost, resolve });
      this.pump(b);
    });
  }

  async settle(shop: string, reservation: Reservation, outcome: Settlement): Promise<void> {
    const b = this.shops.get(shop);
    if (!b || !b.pending.delete(reservation.id)) return;
    let unseen = 0;
    for (const p of b.pending.values()) unseen += p.cost;
    applyAnswer(b, reservation, outcome, unseen, this.now());
    this.pump(b);
  }

  async snapshot(shop: string): Promise<ThrottleSnapshot | undefined> {
    const b = this.shops.get(shop);
    if (!b || !b.known) return undefined;
    let outstanding = 0;
    for (const p of b.pending.values()) outstanding += p.cost;
    const now = this.now();
    return { level: levelAt(b, now), maximum: b.maximum, restoreRate: b.restoreRate, at: now, outstanding, waiting: b.queue.length };
  }

  private bucket(shop: string): ShopBucket {
    let b = this.shops.get(shop);
    if (!b) {
      b = { known: false, level: 0, maximum: Infinity, restoreRate: 0, at: this.now(), pending: new Map(), lastObservedId: 0, queue: [] };
      this.shops.set(shop, b);
    }
    return b;
  }

  private grant(b: ShopBucket, cost: number): void {
    const w = b.queue.shift()!;
    const r: Reservation = { id: this.nextId++, cost, sendAt: this.now() };
    b.pending.set(r.id, r);
    w.resolve(r);
  }

  /** Grants waiting callers while the bucket holds their cost; otherwise wakes up when it will. */
  private pump(b: ShopBucket): void {
    b.cancelTimer?.();
    b.cancelTimer = undefined;
    while (b.queue.length > 0) {
      if (!b.known) {
        // Nothing known yet: one call goes alone and the others wait for what its answer says.
        if (b.pending.size === 0) this.grant(b, b.queue[0].cost);
        return;
      }
      const now = this.now();
      const level = levelAt(b, now);
      const a = admit(b, b.queue[0].cost, level);
      if (a.cost !== undefined) {
        b.level = level - a.cost;
        b.at = now;
        this.grant(b, a.cost);
        continue;
      }
      if (a.waitMs !== undefined) b.cancelTimer = this.schedule(() => this.pump(b), a.waitMs);
      return;
    }
  }
}

/** How long (ms) a bucket reported by `status` needs before it holds `cost` points. */
export function msUntilAvailable(status: ThrottleStatus, cost: number): number {
  const need = cost - status.currentlyAvailable;
  if (need <= 0 || status.restoreRate <= 0) return 0;
  return Math.ceil((need / status.restoreRate) * 1000);
}
