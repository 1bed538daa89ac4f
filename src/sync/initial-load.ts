// Whether a tenant is in an initial load: first creates (new SCIM users, none with a Shopify customer yet) arriving,
// over a window, about as fast as the shop's bucket lets the per-user path create customers, and enough of them for a
// bulk mutation to pay off its upload and polls. An IdP that pushes a directory faster than the budget is otherwise
// held to the budget's pace by its own POSTs waiting for their outcome, and its backlog never grows to a bulk create.
//
// The arrivals are counted in the database (users created by a SCIM client, the tenant's index on created_at), so two
// instances behind one load balancer each count what both received; the process only remembers which tenants it saw
// a create for lately (which tenants to count) and the verdict of its last count (what the SCIM hook reads per write).

export interface InitialLoadSettings {
  /** arrivals are counted over this long (ms); each half of it must keep the pace, so a single burst is not a load */
  windowMs: number;
  /**
   * the share of the per-call rate (restore rate / 10 points a customerCreate) the arrivals must reach: an IdP held to
   * the budget's pace arrives at most at that rate, a little below it while the bridge lags
   */
  rateFraction: number;
  /** the fewest arrivals in the window that make a load */
  minArrivals: number;
}

export const INITIAL_LOAD_DEFAULTS: InitialLoadSettings = { windowMs: 10_000, rateFraction: 0.75, minArrivals: 50 };

/** First creates of a tenant in the earlier and the later half of the window. */
export interface Arrivals {
  earlier: number;
  later: number;
}

/** Whether `arrivals` over `s.windowMs` are a sustained load for a per-user path creating `perCallPerSecond`. */
export function isSustainedLoad(arrivals: Arrivals, perCallPerSecond: number, s: InitialLoadSettings): boolean {
  if (!(perCallPerSecond > 0)) return false;
  const perHalf = (perCallPerSecond * s.rateFraction * s.windowMs) / 2000;
  return arrivals.earlier + arrivals.later >= s.minArrivals && arrivals.earlier >= perHalf && arrivals.later >= perHalf;
}

/** The verdicts for this process's tenants; the bulk scan sets them, the SCIM hook reads them. */
export class InitialLoads {
  private readonly seen = new Map<string, number>();
  private readonly verdicts = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A first create of `tenantId` was written through this process. */
  arrived(tenantId: string): void {
    this.seen.set(tenantId, this.now());
  }

  /** Tenants to count: those with a first create here within `ms`, and those in a load. */
  watched(ms: number): string[] {
    const since = this.now() - ms;
    for (const [t, at] of this.seen) if (at < since) this.seen.delete(t);
    return [...new Set([...this.seen.keys(), ...[...this.verdicts.keys()].filter((t) => this.inLoad(t))])];
  }

  /**
   * Records the scan's verdict for `tenantId`, a load holding for `validMs` unless renewed (so a scan that stopped or
   * fails does not leave the tenant's writes unheld); returns whether the verdict changed.
   */
  set(tenantId: string, inLoad: boolean, validMs: number): boolean {
    const was = this.inLoad(tenantId);
    if (inLoad) this.verdicts.set(tenantId, this.now() + validMs);
    else this.verdicts.delete(tenantId);
    return was !== inLoad;
  }

  /** Whether `tenantId` is in an initial load, as the last count found it. */
  inLoad(tenantId: string): boolean {
    const until = this.verdicts.get(tenantId);
    if (until === undefined) return false;
    if (this.now() <= until) return true;
    this.verdicts.delete(tenantId);
    return false;
  }
}
