// The statements only mobile verifications need: rows of `verifications` with kind `mobile`
// (penny drop) or `upi_mobile` (lookup), which also carry the number, the consent and the
// payout's key and state. They are read back as any verification (repository.ts).
import { rowsAfter, totalsRow, type Db, type ListPlace, type Queryable } from './db.js';
import type { Owner } from './repository.js';
import type { Payer, PayoutState, Verification } from '../engine/types.js';

export type NewMobileVerification = Pick<
  Verification,
  'refId' | 'merchantId' | 'mode' | 'dialect' | 'publicId' | 'name' | 'status' | 'statusReason' | 'rail' | 'payoutKey'
> & {
  /** What the payout sends (a lookup moves no money: 0). */
  amountPaise: number;
  kind: 'mobile' | 'upi_mobile';
  verificationId: string;
  mobileNumber: string;
  consent: object | null;
  payer: { vpa: string | null; name: string | null } | null;
  at: number;
};

/** The dedupe key of a penny drop's reconciler job (one per drop). */
const RECONCILE_KEY = 'mobile-reconcile:';
export const reconcileJobKey = (refId: number) => `${RECONCILE_KEY}${refId}`;

/** Open penny drops (alias v) whose payout went to the bank before the parameter and has no outcome. */
export const UNSETTLED_PAYOUTS = "v.kind = 'mobile' AND v.status = 'created' AND v.payout_status IS NOT NULL AND COALESCE(v.payout_at, v.created_at) < ?";

export const mobileVerifications = {
  /**
   * Inserts unless the verification_id is taken or (for a penny drop) the number has one in
   * flight: both are unique indexes, so the check holds across instances. Null on conflict.
   */
  async insert(q: Queryable, v: NewMobileVerification): Promise<number | null> {
    const rows = await q.query<{ ref_id: number }>(
      `INSERT INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, name, status,
         status_reason, rail, amount_paise, created_at, processed_at, mobile_number, consent, payout_key, payer_vpa, payer_name)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING RETURNING ref_id`,
      [
        v.refId,
        v.merchantId,
        v.mode,
        v.kind,
        v.dialect,
        v.publicId,
        v.verificationId,
        v.name,
        v.status,
        v.statusReason,
        v.rail,
        v.amountPaise,
        v.at,
        v.at,
        v.mobileNumber,
        v.consent ? JSON.stringify(v.consent) : null,
        v.payoutKey,
        v.payer?.vpa ?? null,
        v.payer?.name ?? null,
      ],
    );
    return rows[0]?.ref_id ?? null;
  },
  /** The owner's penny drop in flight for this number, if any (a test one does not hold up a live one). */
  async inFlight(q: Queryable, o: Owner, mobile: string): Promise<number | null> {
    const [r] = await q.query(
      "SELECT ref_id FROM verifications WHERE merchant_id = ? AND mode = ? AND mobile_number = ? AND kind = 'mobile' AND status = 'created'",
      [o.merchantId, o.mode, mobile],
    );
    return r ? Number(r.ref_id) : null;
  },
  /**
   * Records that the bank answered the payout with its record (pending): it has it. Also from no
   * payout recorded (a restored store): then no sender may start it (startPayout).
   */
  async acceptPayout(q: Queryable, refId: number): Promise<void> {
    await q.query(
      "UPDATE verifications SET payout_status = 'accepted' WHERE ref_id = ? AND status = 'created' AND (payout_status = 'initiated' OR payout_status IS NULL)",
      [refId],
    );
  },
  /**
   * Records that the payout is about to be sent. False when the verification was closed
   * meanwhile (the reconciler gave up on it): then nothing may be sent.
   */
  async startPayout(q: Queryable, refId: number, at: number): Promise<boolean> {
    const rows = await q.query(
      `UPDATE verifications SET payout_status = 'initiated', payout_at = ?
        WHERE ref_id = ? AND status = 'created' AND payout_status IS NULL RETURNING ref_id`,
      [at, refId],
    );
    return rows.length === 1;
  },
  /**
   * The fence of the payout's send (rails' SendFence), one statement right before it goes to the
   * bank: true only while the drop is still open with its payout recorded and not yet answered
   * (`initiated`), so never once the reconciler has closed it as not sent. Passing moves
   * payout_at, from which the reconciler counts its not-sent wait, to now by the store's clock
   * (and always past the time the reconciler may have read).
   */
  async sendFence(db: Db, refId: number): Promise<boolean> {
    const rows = await db.query(
      `UPDATE verifications SET payout_at = CASE WHEN ${db.now} > COALESCE(payout_at, 0) THEN ${db.now} ELSE payout_at + 1 END
        WHERE ref_id = ? AND status = 'created' AND payout_status = 'initiated' RETURNING ref_id`,
      [refId],
    );
    return rows.length === 1;
  },
  /**
   * Moves a `created` verification to its terminal status; false when it had already left
   * `created`. `noPayout` also requires that no payout was started (closing an abandoned one).
   */
  async finish(
    q: Queryable,
    refId: number,
    to: 'success' | 'failure',
    at: number,
    reason: string | null,
    o: {
      payout?: PayoutState;
      payer?: Payer;
      utr?: string;
      nameMatch?: { score: number; result: string } | null;
      noPayout?: boolean;
      /** Only while the payout is still merely sent: one the bank has since accepted stays open. */
      unanswered?: boolean;
      /**
       * A "not sent" judgement: only while the payout last passed its fence (sendFence) no later
       * than this, the time the judge counted its wait from.
       */
      sentBy?: number;
    } = {},
  ): Promise<boolean> {
    const rows = await q.query(
      `UPDATE verifications SET status = ?, status_reason = ?, processed_at = ?, payout_status = COALESCE(?, payout_status),
         payer_vpa = COALESCE(?, payer_vpa), payer_name = COALESCE(?, payer_name), payer_account = ?, payer_ifsc = ?,
         payer_account_type = ?, utr = ?, collected_at = ?, name_match_score = ?, name_match_result = ?
       WHERE ref_id = ? AND status = 'created'${o.noPayout ? ' AND payout_status IS NULL' : ''}${o.unanswered ? " AND payout_status = 'initiated'" : ''}${
         o.sentBy === undefined ? '' : ' AND COALESCE(payout_at, 0) <= ?'
       }
       RETURNING ref_id`,
      [
        to,
        reason,
        at,
        o.payout ?? null,
        o.payer?.vpa ?? null,
        o.payer?.name ?? null,
        o.payer?.account ?? null,
        o.payer?.ifsc ?? null,
        o.payer?.accountType ?? null,
        o.utr ?? null,
        o.utr ? at : null,
        o.nameMatch?.score ?? null,
        o.nameMatch?.result ?? null,
        refId,
        ...(o.sentBy === undefined ? [] : [o.sentBy]),
      ],
    );
    return rows.length === 1;
  },
  /**
   * Penny drops still open whose payout went to the bank before `before` and has no outcome yet,
   * oldest first, with their reconciler job's last answer: what the operator checks at the bank.
   */
  async unsettled(q: Queryable, before: number, limit: number, after: ListPlace | null = null): Promise<{ items: UnsettledPayout[]; total: number }> {
    const total = `(SELECT COUNT(*) FROM verifications v WHERE ${UNSETTLED_PAYOUTS}) AS list_total`;
    const page = rowsAfter('COALESCE(v.payout_at, v.created_at)', 'v.ref_id', 'asc', after);
    // The page and its total in one statement (one snapshot), as the set-aside listing.
    const rows = await q.query(
      `SELECT v.ref_id, v.merchant_id, v.mode, v.verification_id, v.rail, v.amount_paise, v.payout_key, v.payout_status, v.created_at,
              COALESCE(v.payout_at, v.created_at) AS sent_at, j.attempts, j.last_error, j.run_at, j.dead_at, ${total}
         FROM verifications v LEFT JOIN jobs j ON j.dedupe_key = '${RECONCILE_KEY}' || CAST(v.ref_id AS TEXT)
        WHERE ${UNSETTLED_PAYOUTS}${page.sql} ORDER BY sent_at, v.ref_id LIMIT ?`,
      [before, before, ...page.params, limit],
    );
    const first = await totalsRow(q, rows, after, total, [before]);
    const num = (x: unknown) => (x == null ? null : Number(x));
    return {
      total: first ? Number(first.list_total) : 0,
      items: rows.map((r) => ({
        refId: Number(r.ref_id),
        merchantId: r.merchant_id,
        mode: r.mode,
        verificationId: r.verification_id,
        rail: r.rail,
        amountPaise: Number(r.amount_paise),
        payoutKey: r.payout_key,
        payoutState: r.payout_status,
        createdAt: Number(r.created_at),
        sentAt: Number(r.sent_at),
        asks: num(r.attempts),
        lastAnswer: r.last_error ?? null,
        nextAsk: num(r.run_at),
        deadAt: num(r.dead_at),
      })),
    };
  },
};

export interface UnsettledPayout {
  refId: number;
  merchantId: string;
  mode: string;
  verificationId: string;
  rail: string;
  amountPaise: number;
  payoutKey: string;
  payoutState: PayoutState;
  createdAt: number;
  sentAt: number;
  /** The reconciler job's runs so far, its last answer and next run; null when the job is gone. */
  asks: number | null;
  lastAnswer: string | null;
  nextAsk: number | null;
  deadAt: number | null;
}
