// The simulated UPI network behind test keys: payer apps that pay intents, the payee bank that
// credits the gateway and tells it so, and refunds that settle after a delay like a real bank.
import type { Db, Queryable } from '../../store/db.js';
import { BY_INTENT, BY_OTHER_INTENT, intentParams, refIdOfTr } from '../../store/repository.js';
import { digits } from '../../engine/ids.js';
import { amountToPaise, parseIntent } from '../../engine/intent.js';
import { passFence, REFUSED_EXCEEDS_CREDIT, REFUSED_NOT_RECEIVED, REFUSED_UNKNOWN_CREDIT, type CreditNotice, type IntakeOutcome, type Rail, type RailInbox, type RefundOutcome, type RefundRequest } from '../rail.js';
import { findPayer, type SandboxPayer } from './directory.js';
import { isNotFoundRecord, NOT_FOUND_RECORD, notFoundRecordSql, SandboxMobileNetwork } from './mobile.js';
import type { MobileResolution, PayoutOutcome, PayoutRequest } from '../rail.js';

export interface SandboxOptions {
  payeeVpa: string;
  payeeName: string;
  /** How long a refund stays in flight before it settles. */
  refundSettleMs: number;
  /** Added to every refund call, like a slow bank. */
  latencyMs: number;
  /** How long the slow bank (9444444444) takes to answer a payout it has made. */
  slowPayoutMs: number;
  /** How long a refund stays invisible to status queries after it was sent (status APIs lag). */
  statusLagMs?: number;
}

export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PayResult {
  status: 'SUCCESS' | 'FAILURE';
  utr: string;
  bank_txn_id: string;
  payer_vpa: string;
  amount: string;
  message: string;
}

export class SandboxBank implements Rail {
  readonly name = 'sandbox';
  private inbox: RailInbox | null = null;
  private redeliveryTimer: NodeJS.Timeout | null = null;

  constructor(
    private db: Db,
    private opts: SandboxOptions,
  ) {}

  /** Starts delivering notifications; credits the gateway missed (it was down) are sent again. */
  start(inbox: RailInbox, redeliverEveryMs = 5000) {
    this.inbox = inbox;
    const tick = () => void this.redeliverPending().catch(() => undefined);
    tick();
    this.redeliveryTimer = setInterval(tick, redeliverEveryMs);
    this.redeliveryTimer.unref();
  }

  stop() {
    if (this.redeliveryTimer) clearInterval(this.redeliveryTimer);
  }

  payee() {
    return { vpa: this.opts.payeeVpa, name: this.opts.payeeName };
  }

  // ------------------------------------------------------------------ payer side

  /**
   * A sandbox payer's app pays a UPI intent. `reuseUtr`: the payment carries that UTR, as a
   * different payment may in real networks (RRNs repeat); its bank transaction id is its own.
   */
  async pay(link: string, payerVpa: string, amountOverride?: string, reuseUtr?: string): Promise<PayResult> {
    const intent = parseIntent(link);
    if (!intent) throw new SandboxError('invalid_upi_link', 'upi_link is not a valid UPI intent (needs pa, pn and am).');
    if (intent.pa.toLowerCase() !== this.opts.payeeVpa.toLowerCase()) {
      throw new SandboxError('payee_not_found', `payee ${intent.pa} is not a merchant VPA in the sandbox network.`);
    }
    // Whoever holds a test intent's link may pay it; a live verification's intent never.
    if (intent.tr) {
      // Found by ref_id (the tr is one), or else among the few intents whose tr is not; on any rail.
      const live = await this.db.query(
        `SELECT ref_id FROM verifications WHERE ref_id = ? AND intent_tr = ? AND (mode <> 'test' OR rail <> ?)
         UNION ALL SELECT ref_id FROM verifications WHERE intent_tr = ? AND intent_tr <> CAST(ref_id AS TEXT) AND (mode <> 'test' OR rail <> ?)
         LIMIT 1`,
        [refIdOfTr(intent.tr), intent.tr, this.name, intent.tr, this.name],
      );
      if (live.length) throw new SandboxError('not_a_test_intent', 'the sandbox pays test-mode intents only.');
    }
    const payer = findPayer(payerVpa);
    if (!payer) throw new SandboxError('payer_not_found', `payer_vpa ${payerVpa} is not in the sandbox directory.`);
    const am = amountOverride ?? intent.am;
    const amountPaise = amountToPaise(am);
    if (amountPaise === null || amountPaise <= 0) throw new SandboxError('invalid_amount', `amount ${am} is not a valid amount.`);
    if (intent.cu !== 'INR') throw new SandboxError('invalid_currency', 'only INR is supported.');

    const declined = payer.behaviour === 'decline_payment';
    // The bank's transaction id is unique; the UTR is fresh unless the caller asks for a repeat.
    const utr = reuseUtr ?? digits(12);
    let bankTxnId = '';
    for (let taken = true; taken; ) {
      bankTxnId = `SBX${digits(16)}`;
      const rows = await this.db.query(
        `INSERT INTO sandbox_payments (bank_txn_id, utr, tr, payer_vpa, amount_paise, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING utr`,
        // The bank's credit time, by the store's clock: one bank, one clock, whichever instance took the payment.
        [bankTxnId, utr, intent.tr || null, payer.vpa, amountPaise, declined ? 'declined' : 'success', this.db.clock()],
      );
      taken = rows.length === 0;
    }
    await this.notify(bankTxnId);
    return {
      status: declined ? 'FAILURE' : 'SUCCESS',
      utr,
      bank_txn_id: bankTxnId,
      payer_vpa: payer.vpa,
      amount: (amountPaise / 100).toFixed(2),
      message: declined ? 'Transaction declined by the payer bank' : 'Payment successful',
    };
  }

  /** A payment by its bank transaction id, or else the latest payment that carries this UTR. */
  private async find(id: string): Promise<Record<string, any> | undefined> {
    const [byTxn] = await this.db.query('SELECT * FROM sandbox_payments WHERE COALESCE(bank_txn_id, utr) = ?', [id]);
    if (byTxn) return byTxn;
    const [byUtr] = await this.db.query('SELECT * FROM sandbox_payments WHERE utr = ? ORDER BY created_at DESC LIMIT 1', [id]);
    return byUtr;
  }

  /**
   * Sends the gateway the notification of a payment (again). Returns the payment's own ids (the
   * caller may have named it by a UTR, which several payments may carry) and what the gateway
   * answered.
   */
  async notify(id: string): Promise<{ bank_txn_id: string; utr: string; gateway_outcome: IntakeOutcome }> {
    const p = await this.find(id);
    if (!p) throw new SandboxError('payment_not_found', `no sandbox payment with bank_txn_id or utr ${id}.`);
    const txn: string = p.bank_txn_id ?? p.utr;
    const utr: string = p.utr;
    if (!this.inbox) throw new SandboxError('not_started', 'the sandbox network is not connected to the gateway.');
    const payer = findPayer(p.payer_vpa) as SandboxPayer;
    const outcome =
      p.status === 'declined'
        ? await this.inbox.failedAttempt(this.name, {
            bankTxnId: txn,
            utr,
            tr: p.tr ?? '',
            payerVpa: payer.vpa,
            reason: 'payer_bank_declined',
            at: Number(p.created_at),
          })
        : await this.inbox.credit(this.name, this.creditNotice(p, payer));
    await this.db.query(
      'UPDATE sandbox_payments SET notified_at = ?, gateway_outcome = COALESCE(gateway_outcome, ?) WHERE COALESCE(bank_txn_id, utr) = ?',
      [this.db.clock(), outcome, txn],
    );
    return { bank_txn_id: txn, utr, gateway_outcome: outcome };
  }

  private creditNotice(p: Record<string, any>, payer: SandboxPayer): CreditNotice {
    return {
      bankTxnId: p.bank_txn_id ?? p.utr,
      utr: p.utr,
      tr: p.tr,
      amountPaise: p.amount_paise,
      payerVpa: payer.vpa,
      payerName: payer.name,
      payerAccount: payer.account,
      payerIfsc: payer.ifsc,
      payerAccountType: payer.accountType,
      creditedAt: p.created_at,
    };
  }

  /**
   * Every payment made before this time has been notified to the gateway (and taken, or it would
   * be redelivered): the oldest payment not yet notified, or now.
   */
  async caughtUpTo(): Promise<number> {
    const [r] = await this.db.query('SELECT MIN(created_at) AS t FROM sandbox_payments WHERE notified_at IS NULL');
    return r?.t === null || r?.t === undefined ? this.db.clock() : Number(r.t);
  }

  private async redeliverPending() {
    const rows = await this.db.query(
      'SELECT COALESCE(bank_txn_id, utr) AS txn FROM sandbox_payments WHERE notified_at IS NULL ORDER BY created_at LIMIT 100',
    );
    for (const r of rows) await this.notify(r.txn).catch(() => undefined);
  }

  /** A payment and its refunds; with `merchantId`, only a payment of that merchant's verifications. */
  async payment(id: string, merchantId?: string) {
    const p = await this.find(id);
    if (!p) return null;
    const txn: string = p.bank_txn_id ?? p.utr;
    if (merchantId !== undefined) {
      const own = p.tr
        ? await this.db.query(
            `SELECT ref_id FROM verifications WHERE ${BY_INTENT} AND merchant_id = ?
             UNION ALL SELECT ref_id FROM verifications WHERE ${BY_OTHER_INTENT} AND merchant_id = ?`,
            [...intentParams(this.name, p.tr), merchantId, this.name, p.tr, merchantId],
          )
        : [];
      if (!own.length) return null;
    }
    const refunds = await this.db.query(`SELECT * FROM sandbox_refunds r WHERE COALESCE(r.bank_txn_id, r.utr) = ? AND NOT ${notFoundRecordSql('r')} ORDER BY r.attempt, r.created_at`, [
      txn,
    ]);
    const now = this.db.clock();
    return {
      bank_txn_id: txn,
      utr: p.utr,
      tr: p.tr,
      payer_vpa: p.payer_vpa,
      amount: (p.amount_paise / 100).toFixed(2),
      status: p.status === 'declined' ? 'FAILURE' : 'SUCCESS',
      gateway_outcome: p.gateway_outcome,
      refunds: refunds.map((r) => ({
        idempotency_key: r.idempotency_key,
        refund_utr: r.refund_utr,
        amount: (r.amount_paise / 100).toFixed(2),
        attempt: r.attempt,
        status: r.status === 'pending' && now >= r.settle_at ? 'success' : r.status,
        reason: r.reason,
      })),
    };
  }

  // ------------------------------------------------------------------ refunds (the Rail side)

  async refund(req: RefundRequest): Promise<RefundOutcome> {
    await this.delay();
    // Refused unwritten, as a payout is (mobile.ts): a row of no amount is a "not found" record.
    if (!Number.isInteger(req.amountPaise) || req.amountPaise <= 0) return { status: 'failed', reason: 'invalid_amount' };
    // This bank runs in the gateway's process, so its latency passes before the bank has the
    // request (a process that stalls there has sent nothing): the fence is asked after it.
    await passFence(req.fence);
    const now = this.db.clock();
    return this.db.tx(async (q) => {
      const [existing] = await q.query(`SELECT * FROM sandbox_refunds WHERE idempotency_key = ?${this.db.forUpdate}`, [req.key]);
      if (existing) return this.known(q, existing, req, now);
      const payer = req.payerVpa ? findPayer(req.payerVpa) : null;
      const refused = await this.refusal(q, req);
      const fails = !refused && payer?.behaviour === 'refund_fails_once' && req.attempt === 1;
      const loseAnswer = !refused && payer?.behaviour === 'refund_answer_lost' && req.attempt === 1;
      const row = {
        status: fails || refused ? 'failed' : 'pending',
        reason: refused ?? (fails ? 'beneficiary_bank_offline' : null),
        refund_utr: digits(12),
        settle_at: now + this.opts.refundSettleMs,
      };
      const made = await q.query(
        `INSERT INTO sandbox_refunds (idempotency_key, bank_txn_id, utr, payer_vpa, amount_paise, attempt, status, reason, refund_utr,
           answer_lost, created_at, settle_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
        [req.key, req.bankTxnId, req.utr, req.payerVpa, req.amountPaise, req.attempt, row.status, row.reason, row.refund_utr, loseAnswer ? 1 : 0, now, row.settle_at],
      );
      if (!made.length) {
        // A status query answered 404 for it in between (PostgreSQL: it committed its record first).
        const [other] = await q.query(`SELECT * FROM sandbox_refunds WHERE idempotency_key = ?${this.db.forUpdate}`, [req.key]);
        return this.known(q, other, req, now);
      }
      if (loseAnswer) return { status: 'unknown', reason: 'timeout waiting for the bank' } as RefundOutcome;
      return this.outcome(row, now);
    });
  }

  /**
   * Why the bank refuses the refund, or null: a transaction it never credited (none, or one it
   * declined) has nothing to send back (unknown_credit), and a refund that would return more than
   * the payment credited, with the refunds of it made or under way (a failed one moved nothing),
   * is refused too (exceeds_credit). The payment's row is locked first (PostgreSQL), so two
   * refunds of one payment under different references are weighed one after the other. Retention
   * keeps a payment while the gateway still owes its rupee (jobs/retention.ts).
   */
  private async refusal(q: Queryable, req: RefundRequest): Promise<string | null> {
    const [paid] = await q.query(
      `SELECT amount_paise FROM sandbox_payments WHERE COALESCE(bank_txn_id, utr) = ? AND status = 'success'${this.db.forUpdate}`,
      [req.bankTxnId],
    );
    if (!paid) return REFUSED_UNKNOWN_CREDIT;
    const [r] = await q.query(
      `SELECT COALESCE(SUM(amount_paise), 0) AS refunded FROM sandbox_refunds WHERE bank_txn_id = ? AND status <> 'failed'`,
      [req.bankTxnId],
    );
    return Number(r.refunded) + req.amountPaise > Number(paid.amount_paise) ? REFUSED_EXCEEDS_CREDIT : null;
  }

  /**
   * A reference the bank has a row for. A reference is applied at most once: whatever became of
   * it (a failure too) is only reported again. One the status API answered 404 for (its row is
   * that answer's record) is refused: the gateway may have judged it never received and sent the
   * next attempt (docs/bank-connector.md), so it fails, for good.
   */
  private async known(q: Queryable, r: Record<string, any>, req: RefundRequest, now: number): Promise<RefundOutcome> {
    if (!isNotFoundRecord(r)) return this.outcome(r, now);
    await q.query(
      `UPDATE sandbox_refunds SET bank_txn_id = ?, utr = ?, payer_vpa = ?, amount_paise = ?, attempt = ?, status = 'failed', reason = ?,
         created_at = ?, settle_at = ? WHERE idempotency_key = ?`,
      [req.bankTxnId, req.utr, req.payerVpa, req.amountPaise, req.attempt, REFUSED_NOT_RECEIVED, now, now, req.key],
    );
    return { status: 'failed', reason: REFUSED_NOT_RECEIVED };
  }

  async refundStatus(key: string): Promise<RefundOutcome | null> {
    await this.delay();
    let [r] = await this.db.query('SELECT * FROM sandbox_refunds WHERE idempotency_key = ?', [key]);
    if (!r) {
      // About to answer 404: first the record that it did, so that the reference is refused if it
      // comes later. Conflicts with a refund being written (PostgreSQL waits for it): then that is the answer.
      const now = this.db.clock();
      await this.db.query(
        `INSERT INTO sandbox_refunds (idempotency_key, utr, amount_paise, attempt, status, reason, refund_utr, created_at, settle_at)
         VALUES (?, '', 0, 0, ?, ?, '', ?, ?) ON CONFLICT DO NOTHING`,
        [key, NOT_FOUND_RECORD.status, NOT_FOUND_RECORD.reason, now, now],
      );
      [r] = await this.db.query('SELECT * FROM sandbox_refunds WHERE idempotency_key = ?', [key]);
    }
    // By the store's clock, as the refund's created_at: one bank, one clock, whichever instance
    // wrote the refund and whichever is asked (by its own, one behind would answer 404 for a
    // refund it has, for as long as the skew).
    const now = this.db.clock();
    // The status API lags the refund API, as real banks' do.
    if (!r || isNotFoundRecord(r) || now < Number(r.created_at) + (this.opts.statusLagMs ?? 0)) return null;
    return this.outcome(r, now);
  }

  // ------------------------------------------------------------------ mobile and payouts (the Rail side)

  /** The mobile -> VPA mapper and the payouts (see mobile.ts). */
  get mobile(): SandboxMobileNetwork {
    return (this._mobile ??= new SandboxMobileNetwork(this.db, this.opts.latencyMs, this.opts.slowPayoutMs));
  }
  private _mobile?: SandboxMobileNetwork;

  resolveMobile(mobile: string): Promise<MobileResolution> {
    return this.mobile.resolve(mobile);
  }

  payout(req: PayoutRequest): Promise<PayoutOutcome> {
    return this.mobile.payout(req);
  }

  payoutStatus(key: string): Promise<PayoutOutcome | null> {
    return this.mobile.payoutStatus(key);
  }

  private outcome(r: Record<string, any>, now: number): RefundOutcome {
    if (r.status === 'failed') return { status: 'failed', reason: r.reason ?? 'refund_failed' };
    return { status: now >= r.settle_at ? 'success' : 'pending', ref: r.refund_utr };
  }

  private delay() {
    return this.opts.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.opts.latencyMs)) : Promise.resolve();
  }
}
