// The rules of our model of a shop's leaky bucket, shared by the in-memory throttle and the database-backed one:
// how full it is now, whether a call may go, and how an answer (with Shopify's throttleStatus or without) corrects it.
import type { Settlement } from './throttle.js';

/** What the model knows of one bucket; the stores keep their pending calls and waiters around it. */
export interface BucketModel {
  /** False until a response has told us the bucket's size, level and restore rate. */
  known: boolean;
  /** Points at `at`, granted calls already deducted (may be negative: a queue). */
  level: number;
  maximum: number;
  restoreRate: number;
  at: number;
  /** The call whose throttleStatus last set the level: answers to calls granted before it are stale. */
  lastObservedId: number;
}

/** Headroom kept against rounding between our model and Shopify's integer figures (points). */
const SAFETY_POINTS = 1;

/** The bucket's level at `now`, restored since the last change and capped at its size. */
export function levelAt(b: BucketModel, now: number): number {
  return Math.min(b.maximum, b.level + (b.restoreRate * Math.max(0, now - b.at)) / 1000);
}

/**
 * Whether a call asking `requested` points may go while the bucket holds `level`: the points it takes, or how long
 * (ms) until the bucket holds them (undefined when nothing restores it). A call larger than the bucket can only go
 * when the bucket is full; waiting for more would be forever.
 */
export function admit(
  b: BucketModel,
  requested: number,
  level: number,
): { cost: number } | { cost?: undefined; waitMs: number | undefined } {
  const cost = Math.min(requested, b.maximum);
  const need = Math.min(cost + SAFETY_POINTS, b.maximum) - level;
  if (need <= 0) return { cost };
  return { waitMs: b.restoreRate > 0 ? Math.ceil((need / b.restoreRate) * 1000) : undefined };
}

/**
 * Applies the answer to the call `call` (already removed from the pending ones); `unseen` is the cost of the calls
 * still unanswered. Shopify's figure counts the calls that reached it before this one, and every call still
 * unanswered counts as not seen (THROTTLED answers included): exact when answers come back in the order calls were
 * sent, and on the safe side when a slow or parallel connection reorders them.
 */
export function applyAnswer(b: BucketModel, call: { id: number; cost: number }, outcome: Settlement, unseen: number, now: number): void {
  // Calls are granted in the order they are sent, so ids order the answers: an older one is stale.
  if (outcome.status && call.id > b.lastObservedId) {
    const observed = outcome.status.currentlyAvailable;
    // Shopify reports whole points: within that rounding our model is the finer figure; outside it (a refund,
    // another client of the bucket, a THROTTLED answer) Shopify's figure wins.
    const seen = b.known && !outcome.throttled ? Math.min(Math.max(levelAt(b, now) + unseen, observed), observed + 1) : observed;
    b.known = true;
    b.maximum = outcome.status.maximumAvailable;
    b.restoreRate = outcome.status.restoreRate;
    b.level = seen - unseen;
    b.at = now;
    b.lastObservedId = call.id;
  } else if (b.known && outcome.actualCost !== undefined) {
    // A stale status or none: only give back what Shopify did not charge. Without an answer we cannot know whether
    // it charged, so the points stay taken until the next status corrects the model.
    b.level = Math.min(b.maximum, levelAt(b, now) + Math.max(0, call.cost - outcome.actualCost));
    b.at = now;
  }
}
