// Cost-aware throttle: a local model of each shop's leaky bucket, fed by every response's throttleStatus, that makes
// a caller wait exactly until the bucket holds its cost and reserves those points so concurrent callers never overspend.

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
}

/**
 * Per-shop bucket state. Async so that a database-backed store shared by several processes can implement it;
 * `reserve` resolves with the reservation, whose `sendAt` the caller waits for.
 */
export interface ThrottleStore {
  reserve(shop: string, cost: number): Promise<Reservation>;
  settle(shop: string, reservation: Reservation, outcome: Settlement): Promise<void>;
  snapshot(shop: string): Promise<ThrottleSnapshot | undefined>;
}

interface Pending {
  reservation: Reservation;
}

interface ShopBucket {
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  pending: Map<number, Pending>;
  /** The reservation whose throttleStatus last set the level: answers to calls sent before it are stale. */
  lastObservedId: number;
  /** While the first call runs we know nothing: other callers wait for its answer instead of guessing. */
  probe?: { id: number; done: Promise<void>; resolve: () => void };
}

/** Headroom kept against rounding between our clock and Shopify's (points). */
const SAFETY_POINTS = 0.5;

/** A ThrottleStore for one process; `now` is injectable so tests can drive time. */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly shops = new Map<string, ShopBucket>();
  private nextId = 1;
  private readonly now: () => number;

  constructor(opts: { now?: () => number } = {}) {
    this.now = opts.now ?? Date.now;
  }

  async reserve(shop: string, cost: number): Promise<Reservation> {
    for (;;) {
      const b = this.shops.get(shop);
      if (!b) {
        // Nothing known yet: this call goes at once and the others wait for what it learns.
        const id = this.nextId++;
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        const reservation: Reservation = { id, cost, sendAt: this.now() };
        this.shops.set(shop, {
          level: 0,
          maximum: Infinity,
          restoreRate: 0,
          at: this.now(),
          pending: new Map([[id, { reservation }]]),
          lastObservedId: 0,
          probe: { id, done, resolve },
        });
        return reservation;
      }
      if (b.probe) {
        await b.probe.done;
        continue;
      }
      const now = this.now();
      const level = levelAt(b, now);
      const need = cost + SAFETY_POINTS - level;
      const waitMs = need <= 0 ? 0 : b.restoreRate > 0 ? Math.ceil((need / b.restoreRate) * 1000) : 0;
      // Deduct now, even into debt: the next caller sees the queue ahead of it and waits its turn.
      b.level = level - cost;
      b.at = now;
      const reservation: Reservation = { id: this.nextId++, cost, sendAt: now + waitMs };
      b.pending.set(reservation.id, { reservation });
      return reservation;
    }
  }

  async settle(shop: string, reservation: Reservation, outcome: Settlement): Promise<void> {
    const b = this.shops.get(shop);
    if (!b || !b.pending.delete(reservation.id)) return;
    const now = this.now();
    const probing = b.probe?.id === reservation.id;
    // Reservations are sent in the order they are made (each waits at least as long as the one before), so ids
    // order the calls as Shopify sees them.
    if (outcome.status && (probing || reservation.id > b.lastObservedId)) {
      // Shopify's figure counts every call sent before this one; calls sent later (or still waiting) it has not seen.
      let unseen = 0;
      for (const p of b.pending.values()) if (p.reservation.id > reservation.id) unseen += p.reservation.cost;
      b.maximum = outcome.status.maximumAvailable;
      b.restoreRate = outcome.status.restoreRate;
      b.level = outcome.status.currentlyAvailable - unseen;
      b.at = now;
      b.lastObservedId = reservation.id;
    } else if (!probing) {
      // A stale or missing status: only give back what Shopify did not charge. Without an answer we cannot
      // know whether it charged, so we keep the points (the next status corrects it).
      if (outcome.actualCost !== undefined) {
        b.level = Math.min(b.maximum, levelAt(b, now) + Math.max(0, reservation.cost - outcome.actualCost));
        b.at = now;
      }
    }
    if (probing) {
      const probe = b.probe!;
      if (outcome.status) b.probe = undefined;
      else {
        // The first call learned nothing (network error, 5xx): let the next caller probe instead.
        this.shops.delete(shop);
      }
      probe.resolve();
    }
  }

  async snapshot(shop: string): Promise<ThrottleSnapshot | undefined> {
    const b = this.shops.get(shop);
    if (!b || b.probe) return undefined;
    let outstanding = 0;
    for (const p of b.pending.values()) outstanding += p.reservation.cost;
    const now = this.now();
    return { level: levelAt(b, now), maximum: b.maximum, restoreRate: b.restoreRate, at: now, outstanding };
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
