// The leaky bucket of cost points per app and shop: it refills continuously at the restore rate up to its size,
// a request takes its requested cost up front and gets the unused part back once its actual cost is known.
import type { ThrottleStatus } from '../shopify/throttle.js';

export class CostBucket {
  private available: number;
  private at: number;
  /** fraction (0..1) of the restore rate taken by simulated load from elsewhere (fault injection) */
  pressure = 0;

  constructor(
    readonly size: number,
    readonly restoreRate: number,
    private readonly clock: () => number,
  ) {
    this.available = size;
    this.at = clock();
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.at = now;
    this.available = Math.min(this.size, this.available + elapsed * this.restoreRate * (1 - this.pressure));
  }

  /** Takes `cost` points when available; false (and nothing taken) when the bucket holds less. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back points (requested minus actual). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.size, this.available + Math.max(0, points));
  }

  /** Empties part of the bucket at once (fault injection: another app's burst). */
  drain(fraction: number): void {
    this.refill();
    this.available = Math.max(0, this.available - this.available * Math.min(1, Math.max(0, fraction)));
  }

  /** Fills the bucket (reset). */
  fill(): void {
    this.available = this.size;
    this.at = this.clock();
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.size, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
