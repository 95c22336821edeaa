// Reconciliation: the bank's statement for a period (from the connector) against the gateway's
// own records. Every difference is listed; the scheduled run logs each at error level.
import type { Db } from '../store/db.js';
import type { LiveConfig } from '../config.js';
import { credits } from '../store/repository.js';
import { enqueue } from '../jobs/queue.js';
import type { JobHandler } from '../jobs/runner.js';
import type { ConnectorRail } from '../rails/connector/rail.js';
import type { Logger } from './verifications.js';
import { istPeriodEnd } from './india-time.js';

/** A payout the bank reports, found by the key the gateway sent it with. */
export const PAYOUT_BY_KEY_SQL = 'SELECT payout_status, status FROM verifications WHERE payout_key = ? AND rail = ?';

/**
 * The penny drops whose payout the gateway holds as made (success) or taken by the bank
 * (accepted), sent in a period: each must be on the bank's statement.
 */
export const PAYOUTS_SENT_SQL = `SELECT ref_id, payout_key, payout_status, amount_paise FROM verifications
  WHERE payout_key IS NOT NULL AND rail = ? AND kind = 'mobile' AND payout_status IN ('success', 'accepted') AND payout_at >= ? AND payout_at < ?`;

export const JOB_RECONCILE = 'bank.reconcile';

export type DifferenceKind =
  | 'credit_not_recorded'
  | 'credit_not_at_bank'
  | 'credit_amount_differs'
  | 'refund_missing'
  | 'refund_doubled'
  | 'refund_wrong_amount'
  | 'refund_unknown'
  | 'payout_unknown'
  | 'payout_not_at_bank'
  | 'payout_status_differs';

export interface Difference {
  kind: DifferenceKind;
  bank_txn_id?: string;
  utr?: string;
  credit_id?: string;
  ref_id?: number;
  reference?: string;
  references?: string[];
  bank_amount_paise?: number;
  gateway_amount_paise?: number;
  gateway_refund_status?: string;
  bank_status?: string;
  gateway_status?: string | null;
  detail: string;
}

export interface ReconciliationReport {
  from: string;
  to: string;
  bank: { credits: number; refunds: number; payouts: number };
  gateway: { credits: number; payouts: number };
  clean: boolean;
  differences: Difference[];
}

export class Reconciliation {
  constructor(
    private db: Db,
    private rail: ConnectorRail,
    private cfg: LiveConfig,
    private log: Logger,
  ) {}

  async run(from: number, to: number): Promise<ReconciliationReport> {
    const st = await this.rail.statement(from, to);
    const ours = await credits.creditedBetween(this.db, this.rail.name, from, to);
    const differences: Difference[] = [];
    const oursByTxn = new Map(ours.map((c) => [c.bankTxnId, c]));
    const bankTxns = new Set<string>();

    // How many times the statement lists each bank_txn_id. The gateway records one credit per id
    // (the contract makes it unique), so a second listing is a payment it never recorded, nor
    // refunded (the intake set its notice aside), whatever its amount.
    const listed = new Map<string, number>();
    for (const b of st.credits) {
      bankTxns.add(b.bank_txn_id);
      const earlier = listed.get(b.bank_txn_id) ?? 0;
      listed.set(b.bank_txn_id, earlier + 1);
      if (earlier > 0) {
        differences.push({
          kind: 'credit_not_recorded',
          bank_txn_id: b.bank_txn_id,
          utr: b.utr,
          bank_amount_paise: b.amount_paise,
          detail: `the bank lists this bank_txn_id ${earlier + 1} times: the gateway records one credit per bank_txn_id, so this one was never recorded (nor refunded)`,
        });
        continue;
      }
      const c = oursByTxn.get(b.bank_txn_id) ?? (await credits.byBankTxn(this.db, this.rail.name, b.bank_txn_id));
      if (!c) {
        differences.push({ kind: 'credit_not_recorded', bank_txn_id: b.bank_txn_id, utr: b.utr, bank_amount_paise: b.amount_paise, detail: 'the bank credited money the gateway has no record of (so it was never refunded)' });
        continue;
      }
      if (c.amountPaise !== b.amount_paise) {
        differences.push({ kind: 'credit_amount_differs', bank_txn_id: b.bank_txn_id, credit_id: c.id, bank_amount_paise: b.amount_paise, gateway_amount_paise: c.amountPaise, detail: 'the gateway recorded another amount than the bank credited' });
      }
    }
    for (const c of ours) {
      if (!bankTxns.has(c.bankTxnId)) {
        differences.push({ kind: 'credit_not_at_bank', bank_txn_id: c.bankTxnId, credit_id: c.id, gateway_amount_paise: c.amountPaise, detail: "the gateway recorded a credit the bank's statement does not show" });
      }
    }

    // Refunds, per credit returned: exactly one that went through (or is going), of the credit's amount.
    const refundsByTxn = new Map<string, typeof st.refunds>();
    for (const r of st.refunds) refundsByTxn.set(r.bank_txn_id, [...(refundsByTxn.get(r.bank_txn_id) ?? []), r]);
    const checked = new Set<string>();
    for (const b of st.credits) {
      // Once per bank_txn_id: a second listing of one is reported above.
      if (checked.has(b.bank_txn_id)) continue;
      checked.add(b.bank_txn_id);
      const c = oursByTxn.get(b.bank_txn_id) ?? (await credits.byBankTxn(this.db, this.rail.name, b.bank_txn_id));
      const live = (refundsByTxn.get(b.bank_txn_id) ?? []).filter((r) => r.status !== 'failed');
      if (live.length === 0) {
        differences.push({ kind: 'refund_missing', bank_txn_id: b.bank_txn_id, utr: b.utr, credit_id: c?.id, bank_amount_paise: b.amount_paise, gateway_refund_status: c ? (c.refundReviewAt ? 'needs_review' : c.refundStatus) : undefined, detail: 'no refund of this credit has gone through at the bank' });
      } else if (live.length > listed.get(b.bank_txn_id)!) {
        differences.push({ kind: 'refund_doubled', bank_txn_id: b.bank_txn_id, credit_id: c?.id, references: live.map((r) => r.reference), detail: `${live.length} refunds of one credit went through (or are going) at the bank` });
      }
      for (const r of live) {
        if (r.amount_paise !== b.amount_paise) {
          differences.push({ kind: 'refund_wrong_amount', bank_txn_id: b.bank_txn_id, reference: r.reference, bank_amount_paise: r.amount_paise, gateway_amount_paise: b.amount_paise, detail: 'a refund of another amount than the credit' });
        }
      }
    }
    for (const r of st.refunds) {
      if (bankTxns.has(r.bank_txn_id)) continue;
      if (!(await credits.byBankTxn(this.db, this.rail.name, r.bank_txn_id))) {
        differences.push({ kind: 'refund_unknown', bank_txn_id: r.bank_txn_id, reference: r.reference, bank_amount_paise: r.amount_paise, bank_status: r.status, detail: 'a refund of a transaction the gateway never recorded' });
      }
    }

    // Payouts (mobile penny drops): each one the bank made must be one the gateway sent.
    let gatewayPayouts = 0;
    const bankPayouts = new Set<string>();
    for (const p of st.payouts) {
      bankPayouts.add(p.reference);
      const [v] = await this.db.query(PAYOUT_BY_KEY_SQL, [p.reference, this.rail.name]);
      if (!v) {
        differences.push({ kind: 'payout_unknown', reference: p.reference, bank_amount_paise: p.amount_paise, bank_status: p.status, detail: 'a payout the gateway has no record of' });
        continue;
      }
      gatewayPayouts++;
      const settled = v.payout_status === 'success' || v.payout_status === 'failed';
      if (settled && p.status !== 'pending' && p.status !== v.payout_status) {
        differences.push({ kind: 'payout_status_differs', reference: p.reference, bank_status: p.status, gateway_status: v.payout_status, detail: 'the gateway and the bank disagree on what became of a payout' });
      }
      // A drop closed while its payout had no answer (closed as not sent: the bank's status API
      // did not know it in time) that the bank made after all: a rupee paid out on a verification
      // the merchant was told did not go through. Only this list can show it.
      if (!settled && v.status !== 'created' && p.status !== 'failed') {
        differences.push({
          kind: 'payout_status_differs',
          reference: p.reference,
          bank_status: p.status,
          gateway_status: 'not_sent',
          detail: 'the gateway closed this penny drop as not sent, and the bank made the payout',
        });
      }
    }
    // ... and each one the gateway holds as paid (or taken by the bank) must be on the statement:
    // a verification reported VALID on a payout the bank never made. The bank dates a payout by
    // when it took it, the gateway by when it sent it, so one sent at the very end of the period
    // may be in the bank's next: the bank's status API is asked before it is listed.
    // Only an answer that the bank has it (made or under way) clears it: one it refused, or a
    // status API that did not answer, leaves a paid verification unconfirmed.
    const sent = await this.db.query(PAYOUTS_SENT_SQL, [this.rail.name, from, to]);
    for (const v of sent) {
      if (bankPayouts.has(v.payout_key)) continue;
      const atBank = await this.rail.payoutStatus(v.payout_key, Number(v.amount_paise));
      if (atBank?.status === 'success' || atBank?.status === 'pending') continue;
      differences.push({
        kind: 'payout_not_at_bank',
        ref_id: Number(v.ref_id),
        reference: v.payout_key,
        gateway_amount_paise: Number(v.amount_paise),
        gateway_status: v.payout_status,
        ...(atBank ? { bank_status: atBank.status } : {}),
        detail:
          atBank === null
            ? "the gateway holds this payout as made, and the bank's statement and status API do not show it"
            : `the gateway holds this payout as made; it is not on the bank's statement, and the bank's status API answers ${atBank.status} (${atBank.reason})`,
      });
    }
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      bank: { credits: st.credits.length, refunds: st.refunds.length, payouts: st.payouts.length },
      gateway: { credits: ours.length, payouts: gatewayPayouts },
      clean: differences.length === 0,
      differences,
    };
  }

  /**
   * The previous period (a day by default, from midnight in India to midnight, as the bank's
   * statement of a day), once per period across instances, run a while after it ended (up to an
   * hour) so that the refunds of its last credits have settled.
   */
  async schedule(now = this.db.clock()) {
    const every = this.cfg.reconcileEveryMs;
    const settled = Math.min(every, 3_600_000);
    // The latest period that ended at least `settled` ago.
    const periodEnd = istPeriodEnd(now - settled, every);
    await enqueue(this.db, { kind: JOB_RECONCILE, subject: `${periodEnd - every}-${periodEnd}`, runAt: now, dedupeKey: `reconcile:${periodEnd}` }, now);
  }

  handler: JobHandler = async (job) => {
    const [from, to] = job.subject.split('-').map(Number);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return { done: true };
    const report = await this.run(from, to);
    for (const d of report.differences) this.log.error({ ...d, period_from: report.from, period_to: report.to }, `reconciliation: ${d.kind}`);
    this.log.info({ from: report.from, to: report.to, differences: report.differences.length, bank: report.bank }, 'reconciliation done');
    return { done: true };
  };
}
