// Cost-aware throttle: a local model of each shop's leaky bucket, fed by every response's throttleStatus, that lets
// a caller go exactly when the bucket holds its cost and reserves those points so concurrent callers never overspend.

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

interface ShopBucket {
  /** False until a response has told us the bucket's size, level and restore rate. */
  known: boolean;
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  /** Granted, not yet settled: sent (or about to be) and not yet answered. */
  pending: Map<number, Reservation>;
  /** The reservation whose throttleStatus last set the level: answers to calls sent before it are stale. */
  lastObservedId: number;
  /** Callers waiting for points, served in order. */
  queue: Waiter[];
  cancelTimer?: () => void;
}

/** Headroom kept against rounding between our model and Shopify's integer figures (points). */
const SAFETY_POINTS = 1;

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
    const now = this.now();
    // Reservations are granted in the order they are sent, so ids order the answers: an older one is stale.
    if (outcome.status && reservation.id > b.lastObservedId) {
      // Shopify's figure counts the calls that reached it before this one. Every call still unanswered counts as
      // not seen: exact when answers come back in the order calls were sent (those sent earlier are answered
      // already), and on the safe side when a slow connection reorders them.
      let unseen = 0;
      for (const p of b.pending.values()) unseen += p.cost;
      const observed = outcome.status.currentlyAvailable;
      // Shopify reports whole points: within that rounding our own model is the finer figure; outside it (a refund,
      // another client of the bucket, a THROTTLED answer) Shopify's figure wins.
      const seen =
        b.known && !outcome.throttled ? Math.min(Math.max(levelAt(b, now) + unseen, observed), observed + 1) : observed;
      b.known = true;
      b.maximum = outcome.status.maximumAvailable;
      b.restoreRate = outcome.status.restoreRate;
      b.level = seen - unseen;
      b.at = now;
      b.lastObservedId = reservation.id;
    } else if (b.known && outcome.actualCost !== undefined) {
      // A stale status: only give back what Shopify did not charge. Without an answer we cannot know whether it
      // charged, so the points stay taken until the next status corrects the model.
      b.level = Math.min(b.maximum, levelAt(b, now) + Math.max(0, reservation.cost - outcome.actualCost));
      b.at = now;
    }
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
      // A call larger than the bucket can only go when the bucket is full; waiting for more would be forever.
      const cost = Math.min(b.queue[0].cost, b.maximum);
      const need = Math.min(cost + SAFETY_POINTS, b.maximum) - level;
      if (need <= 0) {
        b.level = level - cost;
        b.at = now;
        this.grant(b, cost);
        continue;
      }
      if (b.restoreRate > 0) b.cancelTimer = this.schedule(() => this.pump(b), Math.ceil((need / b.restoreRate) * 1000));
      return;
    }
  }
}

function levelAt(b: ShopBucket, now: number): number {
  return Math.min(b.maximum, b.level + (b.restoreRate * Math.max(0, now - b.at)) / 1000);
}

/** How long (ms) a bucket reported by `status` needs before it holds `cost` points. */
export function msUntilAvailable(status: ThrottleStatus, cost: number): number {
  const need = cost - status.currentlyAvailable;
  if (need <= 0 || status.restoreRate <= 0) return 0;
  return Math.ceil((need / status.restoreRate) * 1000);
}
