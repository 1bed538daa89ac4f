// The shared cost-bucket model kept in shop_throttle, as pure functions over its JSON state: the same rules as the
// connector's MemoryThrottleStore (grant only what the bucket holds, every answer corrects the model).
import type { Settlement } from '../shopify/index.js';
import { admit, applyAnswer, levelAt, type BucketModel } from '../shopify/bucket.js';

/** Calls granted and not yet answered: sent (or about to be), so Shopify may not have seen them. */
export interface PendingCall {
  id: number;
  cost: number;
  /** A caller that died never settles: its points are forgotten after this time (ms). */
  expiresAt: number;
}

/** One shop's bucket as every instance sees it. */
export interface BucketState extends BucketModel {
  /** Layout of the stored JSON; a row in another layout is started afresh. */
  v: 2;
  /** Ids are handed out in grant order, so they order the answers too. */
  nextId: number;
  pending: PendingCall[];
}

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
    const a = admit(s, requested, level);
    if (a.cost === undefined) {
      s.level = level;
      s.at = now;
      return { ids, waitMs: a.waitMs };
    }
    level -= a.cost;
    take(a.cost);
  }
  s.level = level;
  s.at = now;
  return { ids, waitMs: 0 };
}

/** Applies the answer to call `id`, by the rules of the shared bucket model (see applyAnswer). */
export function settleCall(s: BucketState, id: number, outcome: Settlement, now: number): void {
  const i = s.pending.findIndex((p) => p.id === id);
  if (i < 0) return; // expired: its points were already forgotten
  const [call] = s.pending.splice(i, 1);
  applyAnswer(
    s,
    call,
    outcome,
    s.pending.reduce((n, p) => n + p.cost, 0),
    now,
  );
}
