// Delayed work of one emulator component (bulk runs, webhook retries), cancelled all at once when the component is
// reset or closed, so a closed emulator leaves nothing scheduled in the process that ran it.

export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Runs `fn` after `ms` (a promise it returns is not awaited). */
  later(ms: number, fn: () => void | Promise<void>): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      void fn();
    }, ms);
    this.pending.add(t);
  }

  /** Cancels everything not yet run. */
  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
