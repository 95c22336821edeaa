// Requests per merchant and operation per minute, in fixed one-minute windows, as Cashfree
// limits and reports them (X-RateLimit-Limit / -Remaining / -Reset). Counts live in this
// process: with several instances behind a balancer, each enforces the limit on its share.

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private windowMs = 60_000) {}

  take(key: string, limit: number, now = Date.now()): RateDecision {
    const start = now - (now % this.windowMs);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 50_000) this.sweep(start);
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    const allowed = w.count < limit;
    if (allowed) w.count++;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - w.count),
      resetSeconds: Math.ceil((start + this.windowMs - now) / 1000),
    };
  }

  /** Drops windows that have ended, so idle keys do not accumulate. */
  private sweep(current: number) {
    for (const [k, w] of this.windows) if (w.start !== current) this.windows.delete(k);
  }
}
