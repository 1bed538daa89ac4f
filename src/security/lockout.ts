// Lock-out on brute force: a client address that sends too many invalid credentials in a window is refused for a
// while, before any credential is looked at, so a locked-out guess costs nothing and its answer takes the same time
// whatever it carries. Held in memory per process (a restart forgets it; several instances each count their own).

export interface LockoutOptions {
  /** invalid attempts from one address within `windowMs` that lock it out */
  maxFailures: number;
  windowMs: number;
  /** how long a locked-out address is refused */
  lockMs: number;
  /** addresses followed at most (the oldest are forgotten first), so a flood of addresses cannot exhaust memory */
  maxTracked?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export class Lockout {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxTracked: number;

  constructor(private readonly opts: LockoutOptions) {
    this.now = opts.now ?? Date.now;
    this.maxTracked = opts.maxTracked ?? 100_000;
  }

  /** Milliseconds until `key` may try again, or 0 when it is not locked out. */
  lockedFor(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const left = e.lockedUntil - this.now();
    return left > 0 ? left : 0;
  }

  /** Counts an invalid attempt; returns the lock's length in ms when this one locks the address out, else 0. */
  fail(key: string): number {
    if (this.opts.maxFailures <= 0) return 0;
    const now = this.now();
    let e = this.entries.get(key);
    if (!e || now - e.windowStart >= this.opts.windowMs) {
      e = { failures: 0, windowStart: now, lockedUntil: e?.lockedUntil ?? 0 };
      this.entries.delete(key);
      if (this.entries.size >= this.maxTracked) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, e);
    }
    e.failures++;
    if (e.failures < this.opts.maxFailures) return 0;
    e.failures = 0;
    e.windowStart = now;
    e.lockedUntil = now + this.opts.lockMs;
    return this.opts.lockMs;
  }

  /** A valid credential from the address: its count of failures starts again (a lock in force stays). */
  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.now()) this.entries.delete(key);
  }
}
