import type { Db } from '../store/db.js';
import { counters } from '../store/access.js';

// Requests per merchant and operation (and per client address) per minute, in fixed one-minute
// windows, as Cashfree limits and reports them (X-RateLimit-Limit / -Remaining / -Reset).
// RateLimiter counts in this process (one SQLite instance); SharedRateLimiter counts in the
// database, so several instances on one PostgreSQL admit the budget together, not each (in
// windows of the store's clock).
// Memory is bounded whatever callers send: at most `maxKeys` windows are kept, the least recently
// used going first (callers also build keys from bounded parts: a route pattern, an address).

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface Limiter {
  take(key: string, limit: number, now?: number): RateDecision | Promise<RateDecision>;
}

export class RateLimiter implements Limiter {
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

/**
 * Counters in the store's rate_counters table: one UPSERT per decision, which refuses once the
 * window holds `limit`, so instances together never admit more than the budget. Ended windows
 * are swept about once a window, so the table holds roughly one window of keys.
 */
export class SharedRateLimiter implements Limiter {
  private lastSweep = 0;

  constructor(
    private db: Db,
    private windowMs = 60_000,
  ) {}

  // Windows cut by the store's clock: instances on hosts whose clocks disagree would otherwise
  // count, for as long as the skew, in windows of their own, and admit the budget once each.
  async take(key: string, limit: number, now = this.db.clock()): Promise<RateDecision> {
    const start = now - (now % this.windowMs);
    if (now - this.lastSweep > this.windowMs) {
      this.lastSweep = now;
      void counters.sweep(this.db, start - this.windowMs).catch(() => {});
    }
    const count = await counters.take(this.db, `rl ${key}`, start, limit);
    return {
      allowed: count !== null,
      limit,
      remaining: count === null ? 0 : Math.max(0, limit - count),
      resetSeconds: Math.ceil((start + this.windowMs - now) / 1000),
    };
  }
}
