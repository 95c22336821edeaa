// A SQLite store already holding many verifications, for the benches that ask what a full store
// costs (create-rpd.ts --fill, metrics-scrape.ts).
import Database from 'better-sqlite3';

/**
 * Writes `n` finished verifications of one merchant straight into a SQLite store, with random
 * identifiers as the gateway draws them (so every index grows as it would), in batches.
 */
export function fillStore(file: string, n: number) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const merchant = (db.prepare('SELECT id FROM merchants ORDER BY created_at LIMIT 1').get() as { id: string }).id;
  const insert = db.prepare(`WITH RECURSIVE k(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM k WHERE i < ?)
    INSERT OR IGNORE INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, short_code, name,
      status, status_reason, rail, intent_tr, payee_vpa, payee_name, amount_paise, valid_until, created_at, processed_at,
      payer_vpa, payer_name, payer_account, payer_ifsc, payer_account_type, utr, collected_at, name_match_score, name_match_result)
    SELECT r, ?, 'test', 'rpd', 'cashfree', 'fav_' || hex(randomblob(7)), 'fill-' || i, lower(hex(randomblob(6))), 'JOHN DOE',
      CASE WHEN i % 3 = 0 THEN 'expired' ELSE 'success' END, NULL, 'sandbox', CAST(r AS TEXT), 'pennygate@sandbox', 'pennygate', 100,
      t + 600000, t, t + 60000, 'payer@upi', 'JOHN DOE', '0262918000' || (i % 100000), 'YESB0000262', 'SAVINGS',
      CAST(100000000000 + i AS TEXT), t + 30000, 100, 'DIRECT_MATCH'
    FROM (SELECT i, 1000000000000 + abs(random()) % 4000000000000000 AS r, ? - (? - i) * 1000 AS t FROM k)`);
  const now = Date.now();
  for (let at = 1; at <= n; at += 50_000) {
    db.transaction(() => insert.run(at, Math.min(n, at + 49_999), merchant, now - 86_400_000, n))();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
