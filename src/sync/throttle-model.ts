// The shared cost-bucket model kept in shop_throttle, as pure functions over its JSON state: the same rules as the
// connector's MemoryThrottleStore (grant only what the bucket holds, every answer corrects the model).
import type { Settlement } from '../shopify/index.js';

/** Calls granted and not yet answered: sent (or about to be), so Shopify may not have seen them. */
export interface PendingCall {
  id: number;
  cost: number;
  /** A caller that died never settles: its points are forgotten after this time (ms). */
  expiresAt: number;
}

/** One shop's bucket as every instance sees it. */
export interface BucketState {
  /** Layout of the stored JSON; a row in another layout is started afresh. */
  v: 2;
  /** False until a response has told us the bucket's size, level and restore rate. */
  known: boolean;
  /** Points at `at`, granted calls already deducted. */
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  /** Ids are handed out in grant order, so they order the answers too. */
  nextId: number;
  /** The call whose throttleStatus last set the level: answers to calls granted before it are stale. */
  lastObservedId: number;
  pending: PendingCall[];
}

/** Headroom kept against rounding between our model and Shopify's integer figures (points). */
const SAFETY_POINTS = 1;

/** A bucket nobody has heard of yet. */
export function emptyBucket(): BucketState {
  return { v: 2, known: false, level: 0, maximum: 0, restoreRate: 0, at: 0, nextId: 1, lastObservedId: 0, pending: [] };
}

/** Reads a stored state; anything unreadable or of an older layout starts afresh (Shopify's next answer refills it). */
export function parseBucket(text: string): BucketState {
  try {
    const s = JSON.parse(text) as Partial<BucketState>;
    if (s && s.v === 2 && Array.isArray(s.pending)) return { ...emptyBucket(), ...s };
  } catch {
    // fall through
  }
  return emptyBucket();
}

/** The bucket's level at `now`, restored since the last change and capped at its size. */
export function levelAt(s: BucketState, now: number): number {
  return Math.min(s.maximum, s.level + (s.restoreRate * Math.max(0, now - s.at)) / 1000);
}

/** Drops calls whose callers died holding points. */
export function expirePending(s: BucketState, now: number): void {
  s.pending = s.pending.filter((p) => p.expiresAt > now);
}

/**
 * Grants the calls of `costs`, in order, while the bucket holds each one's cost, and returns their ids; the first
 * call that cannot go yet stops the others (a queue, not a race). `waitMs` says when it could, as far as the model
 * knows; an answer to a call in flight may let it go sooner.
 */
export function grantInOrder(s: BucketState, costs: number[], now: number, ttlMs: number): { ids: number[]; waitMs?: number } {
  const ids: number[] = [];
  const take = (cost: number) => {
    const id = s.nextId++;
    s.pending.push({ id, cost, expiresAt: now + ttlMs });
    ids.push(id);
  };
  if (!s.known) {
    // Nothing known yet: one call goes alone and the others wait for what its answer says.
    if (s.pending.length === 0 && costs.length > 0) take(costs[0]);
    return { ids, waitMs: ids.length < costs.length ? undefined : 0 };
  }
  let level = levelAt(s, now);
  for (const requested of costs) {
    // A call larger than the bucket can only go when the bucket is full; waiting for more would be forever.
    const cost = Math.min(requested, s.maximum);
    const need = Math.min(cost + SAFETY_POINTS, s.maximum) - level;
    if (need > 0) {
      s.level = level;
      s.at = now;
      return { ids, waitMs: s.restoreRate > 0 ? Math.ceil((need / s.restoreRate) * 1000) : undefined };
    }
    level -= cost;
    take(cost);
  }
  s.level = level;
  s.at = now;
  return { ids, waitMs: 0 };
}

/**
 * Applies the answer to call `id`. Shopify's figure counts the calls that reached it before this one; every call
 * still unanswered counts as not seen (THROTTLED answers included): exact when answers come back in the order calls
 * were sent, and on the safe side when parallel connections reorder them.
 */
export function settleCall(s: BucketState, id: number, outcome: Settlement, now: number): void {
  const i = s.pending.findIndex((p) => p.id === id);
  if (i < 0) return; // expired: its points were already forgotten
  const [call] = s.pending.splice(i, 1);
  if (outcome.status && id > s.lastObservedId) {
    const unseen = s.pending.reduce((n, p) => n + p.cost, 0);
    const observed = outcome.status.currentlyAvailable;
    // Shopify reports whole points: within that rounding our model is the finer figure; outside it (a refund,
    // another app on the bucket, a THROTTLED answer) Shopify's figure wins.
    const seen =
      s.known && !outcome.throttled ? Math.min(Math.max(levelAt(s, now) + unseen, observed), observed + 1) : observed;
    s.known = true;
    s.maximum = outcome.status.maximumAvailable;
    s.restoreRate = outcome.status.restoreRate;
    s.level = seen - unseen;
    s.at = now;
    s.lastObservedId = id;
  } else if (s.known && outcome.actualCost !== undefined) {
    // A stale status or none: only give back what Shopify did not charge. Without an answer we cannot know whether
    // it charged, so the points stay taken until the next status corrects the model.
    s.level = Math.min(s.maximum, levelAt(s, now) + Math.max(0, call.cost - outcome.actualCost));
    s.at = now;
  }
}
