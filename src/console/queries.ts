// What the console reads from the store. Reads only: every change goes through the engine and
// services the admin API uses.
import { readAside, type Db, type Row } from '../store/db.js';
import { verifications } from '../store/repository.js';
import type { Verification } from '../engine/types.js';

/** The latest verifications, for the console's list before any search. */
export async function recentVerifications(db: Db, limit = 25): Promise<Verification[]> {
  // No index leads by created_at alone: a sort of the whole table, so read aside (as admin/lookup.ts reads its scans).
  const rows = await readAside(db, 'SELECT ref_id FROM verifications ORDER BY created_at DESC LIMIT ?', [limit]);
  const out: Verification[] = [];
  for (const r of rows) {
    const v = await verifications.byRef(db, Number(r.ref_id));
    if (v) out.push(v);
  }
  return out;
}

/** Verifications created per minute by status over the window, and the totals. */
export async function perMinute(db: Db, since: number) {
  // A scan of the whole table (100-180 ms over a million verifications on SQLite): read aside.
  const rows = await readAside(
    db,
    'SELECT created_at / 60000 AS minute, status, COUNT(*) AS n FROM verifications WHERE created_at >= ? GROUP BY created_at / 60000, status',
    [since],
  );
  const buckets = new Map<number, Record<string, number>>();
  const totals: Record<string, number> = { success: 0, failure: 0, expired: 0, created: 0 };
  for (const r of rows) {
    const m = Number(r.minute);
    const b = buckets.get(m) ?? {};
    b[r.status] = (b[r.status] ?? 0) + Number(r.n);
    buckets.set(m, b);
    totals[r.status] = (totals[r.status] ?? 0) + Number(r.n);
  }
  return { buckets, totals };
}

export async function deliveriesLog(db: Db, f: { merchantId?: string; status?: string }, limit = 100) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.merchantId) (where.push('merchant_id = ?'), params.push(f.merchantId));
  if (f.status) (where.push('status = ?'), params.push(f.status));
  params.push(limit);
  const rows = await db.query(
    `SELECT id, merchant_id, event_type, dialect, url, ref_id, status, attempts, next_attempt_at, created_at, delivered_at
       FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`,
    params,
  );
  const attempts = rows.length
    ? await db.query(
        `SELECT delivery_id, attempt, status_code, latency_ms, error, started_at FROM webhook_attempts
          WHERE delivery_id IN (${rows.map(() => '?').join(', ')}) ORDER BY attempt`,
        rows.map((r) => r.id),
      )
    : [];
  const by = new Map<string, Row[]>();
  for (const a of attempts) by.set(a.delivery_id, [...(by.get(a.delivery_id) ?? []), a]);
  return rows.map((r) => ({ ...r, attempt_log: by.get(r.id) ?? [] }) as Row & { attempt_log: Row[] });
}

export async function allKeys(db: Db, merchantId: string) {
  return db.query('SELECT client_id, mode, created_at, revoked_at FROM api_keys WHERE merchant_id = ? ORDER BY created_at', [merchantId]);
}
