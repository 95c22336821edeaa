// Requests per merchant and operation per minute, in fixed one-minute windows, as Cashfree
// limits and reports them (X-RateLimit-Limit / -Remaining / -Reset). Counts live in this
// process: with several instances behind a balancer, each enforces the limit on its share.
// Memory is bounded whatever callers send: at most `maxKeys` windows are kept, the least recently
// used going first (callers also build keys from bounded parts: a route pattern, an address).

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  // A Map iterates in insertion order: re-inserting on each use keeps the least recent first.
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private windowMs = 60_000,
    readonly maxKeys = 50_000,
  ) {}

  /** How many windows are held. */
  get size() {
    return this.windows.size;
  }

  take(key: string, limit: number, now = Date.now()): RateDecision {
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (w) this.windows.delete(key);
    if (!w || w.start !== start) w = { start, count: 0 };
    this.windows.set(key, w);
    // Over the cap, the least recently used goes: an ended window is always older than a current one.
    if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    const allowed = w.count < limit;
    if (allowed) w.count++;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - w.count),
      resetSeconds: Math.ceil((start + this.windowMs - now) / 1000),
    };
  }
}
