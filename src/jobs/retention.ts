// Personal data ages out (India's DPDP Act: erase once the purpose is served). After
// DATA_RETENTION_DAYS the personal fields of finished verifications are erased and events,
// webhook bodies and attempts, name-match records and sandbox rows are deleted, in small
// batches, each its own short transaction, so the API is never held up. A verification whose
// rupee is still owed keeps everything until it is returned.
import type { Db, Queryable } from '../store/db.js';
import { enqueue } from './queue.js';
import { counters } from '../store/access.js';
import type { JobResult } from './runner.js';

export const JOB_RETENTION = 'maintenance.retention';
const LAST_RUN_KEY = 'retention_last_run';

export interface RetentionRun {
  started_at: string;
  finished_at: string;
  cutoff: string;
  removed: Record<string, number>;
  overdue_refunds: number;
}

interface Log {
  info(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

/** Verifications due for erasure: finished, old enough, not erased yet, nothing owed. */
export const RETENTION_VERIFICATIONS_SQL = `SELECT v.ref_id FROM verifications v
  WHERE v.purged_at IS NULL AND v.created_at < ? AND v.status <> 'created'
    AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.ref_id = v.ref_id AND c.refund_status <> 'success')
  ORDER BY v.created_at LIMIT ?`;

/**
 * Each step picks at most `batch` rows and changes them in one transaction; a step repeats until
 * it finds nothing. `pick` returns the keys, `apply` changes those rows and says how many.
 */
interface Step {
  name: string;
  pick: string;
  apply: (q: Queryable, keys: unknown[], now: number) => Promise<number>;
}

const inList = (n: number) => Array(n).fill('?').join(', ');

const STEPS: Step[] = [
  {
    name: 'verifications_erased',
    pick: RETENTION_VERIFICATIONS_SQL,
    apply: async (q, refs, now) => {
      // Nothing owed is checked again here: a credit may have come in since the pick (an old link
      // paid again), and its payer is kept until its rupee is back.
      const rows = await q.query(
        `UPDATE verifications SET name = NULL, notes = NULL, payer_vpa = NULL, payer_name = NULL, payer_account = NULL,
           payer_ifsc = NULL, mobile_number = NULL, consent = NULL, purged_at = ?
          WHERE ref_id IN (${inList(refs.length)}) AND purged_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.ref_id = verifications.ref_id AND c.refund_status <> 'success')
          RETURNING ref_id`,
        [now, ...refs],
      );
      const erased = rows.map((r) => r.ref_id);
      if (erased.length > 0) {
        await q.query(
          `UPDATE credits SET payer_vpa = NULL, payer_name = NULL, payer_account = NULL, payer_ifsc = NULL
            WHERE ref_id IN (${inList(erased.length)}) AND refund_status = 'success'`,
          erased,
        );
      }
      return rows.length;
    },
  },
  {
    // Payments that matched no verification, or came after theirs was erased (an old QR paid
    // again), long refunded: the step above has passed their verification by.
    name: 'credits_erased',
    pick: `SELECT c.id FROM credits c WHERE c.received_at < ? AND c.refund_status = 'success'
             AND (c.ref_id IS NULL OR EXISTS (SELECT 1 FROM verifications v WHERE v.ref_id = c.ref_id AND v.purged_at IS NOT NULL))
             AND (c.payer_vpa IS NOT NULL OR c.payer_name IS NOT NULL OR c.payer_account IS NOT NULL) LIMIT ?`,
    apply: async (q, ids) =>
      (
        await q.query(
          `UPDATE credits SET payer_vpa = NULL, payer_name = NULL, payer_account = NULL, payer_ifsc = NULL
            WHERE id IN (${inList(ids.length)}) RETURNING id`,
          ids,
        )
      ).length,
  },
  deleteStep('events', 'SELECT id FROM events WHERE created_at < ? LIMIT ?', 'events', 'id'),
  // Entries of the bank's listing set aside (payer details in their text): only once the operator
  // resolved them; an open one may still be a rupee owed.
  deleteStep('bank_entries_set_aside', 'SELECT id FROM bank_entries_set_aside WHERE resolved_at < ? LIMIT ?', 'bank_entries_set_aside', 'id'),
  {
    name: 'webhook_deliveries',
    pick: "SELECT id FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending' LIMIT ?",
    apply: async (q, ids) => {
      await q.query(`DELETE FROM webhook_attempts WHERE delivery_id IN (${inList(ids.length)})`, ids);
      return (await q.query(`DELETE FROM webhook_deliveries WHERE id IN (${inList(ids.length)}) RETURNING id`, ids)).length;
    },
  },
  deleteStep('name_matches', 'SELECT reference_id FROM name_matches WHERE created_at < ? LIMIT ?', 'name_matches', 'reference_id'),
  deleteStep('notifications', 'SELECT id FROM notifications WHERE received_at < ? LIMIT ?', 'notifications', 'id'),
  // By the bank's transaction id: a UTR may be shared with a payment that is not due yet. Kept
  // while the gateway still owes its rupee: the sandbox bank refuses a refund of a payment it has
  // no record of (unknown_credit), as a real bank does.
  deleteStep(
    'sandbox_payments',
    `SELECT COALESCE(p.bank_txn_id, p.utr) AS txn FROM sandbox_payments p WHERE p.created_at < ? AND p.notified_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.rail = 'sandbox' AND COALESCE(c.bank_txn_id, c.utr) = COALESCE(p.bank_txn_id, p.utr)
                         AND c.refund_status <> 'success') LIMIT ?`,
    'sandbox_payments',
    'COALESCE(bank_txn_id, utr)',
  ),
  // A refund the bank still has in flight (or declined, to be tried again) is the record of its
  // key: kept. The sandbox bank stores a refund `pending` and reads it settled from settle_at.
  // A settled one is kept too until the gateway has read it settled: asked after, the bank would
  // not know the key, and the gateway would send the rupee again.
  deleteStep(
    'sandbox_refunds',
    `SELECT r.idempotency_key FROM sandbox_refunds r WHERE r.settle_at < ? AND r.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.rail = 'sandbox' AND COALESCE(c.bank_txn_id, c.utr) = COALESCE(r.bank_txn_id, r.utr)
                         AND c.refund_status <> 'success') LIMIT ?`,
    'sandbox_refunds',
    'idempotency_key',
  ),
  {
    // A declined refund stays as the record of its key (that key is never applied later), but
    // its payer's VPA goes once the credit was returned by a later attempt.
    name: 'sandbox_refunds_erased',
    pick: `SELECT r.idempotency_key FROM sandbox_refunds r WHERE r.created_at < ? AND r.status <> 'pending' AND r.payer_vpa IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM credits c WHERE c.rail = 'sandbox' AND COALESCE(c.bank_txn_id, c.utr) = COALESCE(r.bank_txn_id, r.utr)
                               AND c.refund_status <> 'success') LIMIT ?`,
    apply: async (q, keys) =>
      (
        await q.query(
          `UPDATE sandbox_refunds SET payer_vpa = NULL WHERE idempotency_key IN (${inList(keys.length)}) RETURNING idempotency_key`,
          keys,
        )
      ).length,
  },
  deleteStep('sandbox_payouts', 'SELECT idempotency_key FROM sandbox_payouts WHERE created_at < ? LIMIT ?', 'sandbox_payouts', 'idempotency_key'),
];

function deleteStep(name: string, pick: string, table: string, key: string): Step {
  return {
    name,
    pick,
    apply: async (q, keys) => (await q.query(`DELETE FROM ${table} WHERE ${key} IN (${inList(keys.length)}) RETURNING ${key}`, keys)).length,
  };
}

export class Retention {
  constructor(
    private db: Db,
    private cfg: { retentionMs: number; retentionEveryMs: number; refundAlertMs: number; batch?: number },
    private log: Log,
  ) {}

  /** Runs one purge now and records it; also flags refunds owed for too long. */
  async run(now = this.db.clock()): Promise<RetentionRun> {
    const removed: Record<string, number> = {};
    const cutoff = now - this.cfg.retentionMs;
    if (this.cfg.retentionMs > 0) {
      const batch = this.cfg.batch ?? 200;
      for (const step of STEPS) {
        removed[step.name] = 0;
        for (;;) {
          const started = performance.now();
          const keys = (await this.db.query(step.pick, [cutoff, batch])).map((r) => Object.values(r)[0]);
          if (keys.length === 0) break;
          removed[step.name] += await this.db.tx((q) => step.apply(q, keys, now));
          if (keys.length < batch) break;
          // Rest as long as the batch took: the purge never holds more than half of the store's
          // (and on SQLite the event loop's) time, so requests keep their latency meanwhile.
          await new Promise((r) => setTimeout(r, Math.max(1, performance.now() - started)));
        }
      }
    }
    // The daily payout cap's counters (a day's count, and a row per drop counted) are kept two
    // days; nothing else deletes them on SQLite (PostgreSQL's shared rate limiter sweeps its own
    // windows, and these, only while a rate limit is set).
    removed.rate_counters = await counters.sweep(this.db, now - 3_600_000);
    const overdue = await this.overdueRefunds(now);
    const run: RetentionRun = {
      started_at: new Date(now).toISOString(),
      finished_at: new Date().toISOString(),
      cutoff: new Date(cutoff).toISOString(),
      removed,
      overdue_refunds: overdue,
    };
    await this.db.query(
      'INSERT INTO gateway_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [LAST_RUN_KEY, JSON.stringify(run)],
    );
    this.log.info({ retention: run }, 'retention purge ran');
    return run;
  }

  async lastRun(): Promise<RetentionRun | null> {
    const [r] = await this.db.query('SELECT value FROM gateway_meta WHERE key = ?', [LAST_RUN_KEY]);
    return r ? (JSON.parse(r.value) as RetentionRun) : null;
  }

  /** Refunds owed longer than REFUND_ALERT_HOURS: each logged at error level for the on-call. */
  private async overdueRefunds(now: number): Promise<number> {
    const since = now - this.cfg.refundAlertMs;
    const rows = await this.db.query(
      "SELECT id, utr, ref_id, refund_status, refund_attempts, refund_error, received_at FROM credits WHERE refund_status <> 'success' AND received_at < ? ORDER BY received_at LIMIT 100",
      [since],
    );
    for (const c of rows) {
      this.log.error(
        { credit: c.id, utr: c.utr, ref_id: c.ref_id, refund_status: c.refund_status, attempts: c.refund_attempts, owed_since: new Date(c.received_at).toISOString() },
        'refund owed for longer than REFUND_ALERT_HOURS',
      );
    }
    return rows.length;
  }

  /** One job per interval for the whole deployment: its dedupe key names the interval. */
  async schedule(now = this.db.clock()) {
    const slot = Math.floor(now / this.cfg.retentionEveryMs);
    await enqueue(this.db, { kind: JOB_RETENTION, subject: String(slot), runAt: now, dedupeKey: `retention:${slot}` }, now);
  }

  handler = async (): Promise<JobResult> => {
    await this.run();
    return { done: true };
  };
}
