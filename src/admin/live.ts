// Live updates for the admin UI: one watcher per tenant that has listeners, reading the id of the newest audit entry
// every second and telling each listener when it moved. It reads the database, so writes of another bridge instance
// or of the command line show up too; nothing is kept once the last listener has gone.
import type { Db } from '../store/resources.js';
import { latestAuditId } from '../store/activity-watermark.js';

export type ActivityListener = (latest: number) => void;

interface Watch {
  listeners: Set<ActivityListener>;
  latest: number | null;
  timer: NodeJS.Timeout;
  busy: boolean;
}

export class ActivityFeed {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly db: Db,
    private readonly pollMs = 1000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /**
   * Calls `listener` with the newest entry id whenever the tenant's log grows. Resolves to the id at subscription
   * time and a function that ends the subscription.
   */
  async subscribe(tenantId: string, listener: ActivityListener): Promise<{ latest: number; close: () => void }> {
    let w = this.watches.get(tenantId);
    if (!w) {
      const timer = setInterval(() => void this.poll(tenantId), this.pollMs);
      timer.unref();
      w = { listeners: new Set(), latest: null, timer, busy: false };
      this.watches.set(tenantId, w);
    }
    w.listeners.add(listener);
    const latest = await latestAuditId(this.db, tenantId);
    if (w.latest === null || latest > w.latest) w.latest = latest;
    return { latest, close: () => this.unsubscribe(tenantId, listener) };
  }

  /** Stops every watcher (the server is closing). */
  close(): void {
    for (const w of this.watches.values()) clearInterval(w.timer);
    this.watches.clear();
  }

  private unsubscribe(tenantId: string, listener: ActivityListener): void {
    const w = this.watches.get(tenantId);
    if (!w) return;
    w.listeners.delete(listener);
    if (w.listeners.size === 0) {
      clearInterval(w.timer);
      this.watches.delete(tenantId);
    }
  }

  private async poll(tenantId: string): Promise<void> {
    const w = this.watches.get(tenantId);
    if (!w || w.busy) return;
    w.busy = true;
    try {
      const latest = await latestAuditId(this.db, tenantId);
      if (w.latest !== null && latest <= w.latest) return;
      w.latest = latest;
      for (const l of [...w.listeners]) l(latest);
    } catch (e) {
      this.onError(e);
    } finally {
      w.busy = false;
    }
  }
}
