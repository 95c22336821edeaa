// Statements behind merchant access: 2FA key pairs, prepaid balances with their ledger, and the
// fixed-window counters every instance on one database shares.
import type { Queryable } from './db.js';

export const signingKeys = {
  async put(q: Queryable, merchantId: string, publicKey: string, privateKeySealed: string, at: number) {
    await q.query(
      `INSERT INTO merchant_signing_keys (merchant_id, public_key, private_key_sealed, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (merchant_id) DO UPDATE SET public_key = excluded.public_key,
         private_key_sealed = excluded.private_key_sealed, created_at = excluded.created_at`,
      [merchantId, publicKey, privateKeySealed, at],
    );
  },
  async get(q: Queryable, merchantId: string): Promise<{ publicKey: string; privateKeySealed: string; createdAt: number } | null> {
    const [r] = await q.query('SELECT * FROM merchant_signing_keys WHERE merchant_id = ?', [merchantId]);
    return r ? { publicKey: r.public_key, privateKeySealed: r.private_key_sealed, createdAt: Number(r.created_at) } : null;
  },
  async remove(q: Queryable, merchantId: string): Promise<boolean> {
    return (await q.query('DELETE FROM merchant_signing_keys WHERE merchant_id = ? RETURNING merchant_id', [merchantId])).length > 0;
  },
};

export interface LedgerEntry {
  id: string;
  merchantId: string;
  kind: 'top_up' | 'charge';
  amountPaise: number;
  operation: string | null;
  refId: number | null;
  reference: string | null;
  createdAt: number;
}

const toEntry = (r: any): LedgerEntry => ({
  id: r.id,
  merchantId: r.merchant_id,
  kind: r.kind,
  amountPaise: Number(r.amount_paise),
  operation: r.operation,
  refId: r.ref_id === null ? null : Number(r.ref_id),
  reference: r.reference,
  createdAt: Number(r.created_at),
});

export const ledger = {
  /** Adds `delta` to the balance unless it would go below zero; the new balance, or null. */
  async move(q: Queryable, merchantId: string, delta: number, at: number): Promise<number | null> {
    if (delta >= 0) {
      const [r] = await q.query(
        `INSERT INTO merchant_balances (merchant_id, balance_paise, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (merchant_id) DO UPDATE SET balance_paise = merchant_balances.balance_paise + excluded.balance_paise,
           updated_at = excluded.updated_at
         RETURNING balance_paise`,
        [merchantId, delta, at],
      );
      return Number(r.balance_paise);
    }
    // One conditional UPDATE: on PostgreSQL a concurrent charge waits for the row and re-checks
    // the condition against the committed balance, so the balance never goes below zero.
    const [r] = await q.query(
      `UPDATE merchant_balances SET balance_paise = balance_paise + ?, updated_at = ?
        WHERE merchant_id = ? AND balance_paise >= ? RETURNING balance_paise`,
      [delta, at, merchantId, -delta],
    );
    return r ? Number(r.balance_paise) : null;
  },
  /** Inserts an entry; false when its reference was already used by this merchant. */
  async insert(q: Queryable, e: LedgerEntry): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO ledger_entries (id, merchant_id, kind, amount_paise, operation, ref_id, reference, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
      [e.id, e.merchantId, e.kind, e.amountPaise, e.operation, e.refId, e.reference, e.createdAt],
    );
    return rows.length > 0;
  },
  async byReference(q: Queryable, merchantId: string, reference: string): Promise<LedgerEntry | null> {
    const [r] = await q.query('SELECT * FROM ledger_entries WHERE merchant_id = ? AND reference = ?', [merchantId, reference]);
    return r ? toEntry(r) : null;
  },
  async balance(q: Queryable, merchantId: string): Promise<number> {
    const [r] = await q.query('SELECT balance_paise FROM merchant_balances WHERE merchant_id = ?', [merchantId]);
    return r ? Number(r.balance_paise) : 0;
  },
  async entries(q: Queryable, merchantId: string, limit: number): Promise<LedgerEntry[]> {
    return (
      await q.query('SELECT * FROM ledger_entries WHERE merchant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?', [merchantId, limit])
    ).map(toEntry);
  },
  /** The balance with the count and sum of every entry, in one statement (one snapshot). */
  async summary(q: Queryable, merchantId: string): Promise<{ balance: number; count: number; sum: number }> {
    const [r] = await q.query(
      `SELECT (SELECT balance_paise FROM merchant_balances WHERE merchant_id = ?) AS b,
              (SELECT COUNT(*) FROM ledger_entries WHERE merchant_id = ?) AS n,
              (SELECT COALESCE(SUM(amount_paise), 0) FROM ledger_entries WHERE merchant_id = ?) AS s`,
      [merchantId, merchantId, merchantId],
    );
    return { balance: Number(r.b ?? 0), count: Number(r.n), sum: Number(r.s) };
  },
};

export const counters = {
  /**
   * Counts one more in the window unless it already holds `limit`: the count after, or null when
   * full. One statement, so instances sharing the database never admit more than `limit` together.
   */
  async take(q: Queryable, key: string, windowStart: number, limit: number): Promise<number | null> {
    const [r] = await q.query(
      `INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + 1 WHERE rate_counters.count < ?
       RETURNING count`,
      [key, windowStart, limit],
    );
    return r ? Number(r.count) : null;
  },
  /** Counts one less in the window (never below zero). */
  async giveBack(q: Queryable, key: string, windowStart: number): Promise<void> {
    await q.query('UPDATE rate_counters SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0', [key, windowStart]);
  },
  /** Removes a counter; false when there was none. */
  async remove(q: Queryable, key: string, windowStart: number): Promise<boolean> {
    return (await q.query('DELETE FROM rate_counters WHERE key = ? AND window_start = ? RETURNING count', [key, windowStart])).length > 0;
  },
  async read(q: Queryable, key: string, windowStart: number): Promise<number> {
    const [r] = await q.query('SELECT count FROM rate_counters WHERE key = ? AND window_start = ?', [key, windowStart]);
    return r ? Number(r.count) : 0;
  },
  /**
   * Drops rate-limit windows that ended before `before`, and other counters (daily caps) after two
   * days: how many.
   */
  async sweep(q: Queryable, before: number): Promise<number> {
    const rows = await q.query("DELETE FROM rate_counters WHERE (key LIKE 'rl %' AND window_start < ?) OR window_start < ? RETURNING window_start", [
      before,
      before - 2 * 86_400_000,
    ]);
    return rows.length;
  },
};
