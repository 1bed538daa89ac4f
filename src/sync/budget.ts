// What each shop's Admin API budget looked like lately, from the cost every answer reports (points spent, points
// left in the bucket, throttled calls), in 10-second slots over the last half hour: the dashboard's chart. Kept in
// memory per process: each instance shows the calls it made.
import type { ClientEvent } from '../shopify/index.js';

export const SLOT_MS = 10_000;
export const SLOTS = 180;

export interface BudgetSlot {
  /** start of the slot (ISO time) */
  at: string;
  /** Shopify calls answered with a cost */
  calls: number;
  /** cost points Shopify charged */
  cost: number;
  /** calls Shopify refused as throttled */
  throttled: number;
  /** the fewest points left in the bucket during the slot; null when no call said */
  available: number | null;
  /** the bucket's size as Shopify last reported it */
  maximum: number | null;
}

interface Slot {
  start: number;
  calls: number;
  cost: number;
  throttled: number;
  available: number | null;
  maximum: number | null;
}

export class BudgetHistory {
  private readonly shops = new Map<string, Slot[]>();
  private readonly last = new Map<string, { available: number; maximum: number; restoreRate: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one connector event of `shop` into its current slot; events other than cost and throttling are ignored. */
  record(shop: string, e: ClientEvent): void {
    if (e.type !== 'cost' && e.type !== 'throttled') return;
    const slot = this.slot(shop);
    if (e.type === 'throttled') slot.throttled++;
    else {
      slot.calls++;
      slot.cost += e.actual;
    }
    const status = e.status;
    if (status) {
      slot.available = slot.available === null ? status.currentlyAvailable : Math.min(slot.available, status.currentlyAvailable);
      slot.maximum = status.maximumAvailable;
      this.last.set(shop, {
        available: status.currentlyAvailable,
        maximum: status.maximumAvailable,
        restoreRate: status.restoreRate,
        at: this.now(),
      });
    }
  }

  /** The last half hour of `shop`, oldest first, one entry per slot (empty slots included). */
  series(shop: string): BudgetSlot[] {
    const slots = this.shops.get(shop) ?? [];
    const current = Math.floor(this.now() / SLOT_MS) * SLOT_MS;
    const byStart = new Map(slots.map((s) => [s.start, s]));
    const out: BudgetSlot[] = [];
    for (let i = SLOTS - 1; i >= 0; i--) {
      const start = current - i * SLOT_MS;
      const s = byStart.get(start);
      out.push({
        at: new Date(start).toISOString(),
        calls: s?.calls ?? 0,
        cost: s?.cost ?? 0,
        throttled: s?.throttled ?? 0,
        available: s?.available ?? null,
        maximum: s?.maximum ?? null,
      });
    }
    return out;
  }

  /** The bucket as the newest answer described it, if any call was made. */
  latest(shop: string): { available: number; maximum: number; restoreRate: number; at: string } | undefined {
    const l = this.last.get(shop);
    return l && { available: l.available, maximum: l.maximum, restoreRate: l.restoreRate, at: new Date(l.at).toISOString() };
  }

  private slot(shop: string): Slot {
    const start = Math.floor(this.now() / SLOT_MS) * SLOT_MS;
    let list = this.shops.get(shop);
    if (!list) this.shops.set(shop, (list = []));
    let s = list[list.length - 1];
    if (!s || s.start !== start) {
      s = { start, calls: 0, cost: 0, throttled: 0, available: null, maximum: null };
      list.push(s);
      while (list.length > 0 && list[0]!.start <= start - SLOTS * SLOT_MS) list.shift();
    }
    return s;
  }
}
