// The sandbox's mobile side: the mobile -> VPA mapper, and the bank's payouts to a VPA. Payouts
// are recorded per idempotency key, so a key presented again is only reported, never paid twice.
import type { Db, Queryable } from '../../store/db.js';
import { digits } from '../../engine/ids.js';
import { passFence, REFUSED_NOT_RECEIVED, type Beneficiary, type MobileResolution, type PayoutOutcome, type PayoutRequest } from '../rail.js';
import { findPayer } from './directory.js';

/**
 * A sandbox_refunds / sandbox_payouts row can record only that the status API answered 404 for
 * its reference: no money moved, and the reference is refused if it comes. It is written as what
 * that refusal says, a failed row (not_received) of no amount, which a real refund or payout never
 * is: a build older than the record, reading it as a refund or payout, then takes it as refused
 * and nothing paid. (Its first form, status not_found, read there as a refund settled.) Rows of
 * that form, written by the builds between, are read as records too.
 */
const LEGACY_NOT_FOUND = 'not_found';

/** Whether the row is such a record. */
export const isNotFoundRecord = (r: Record<string, any>): boolean =>
  r.status === LEGACY_NOT_FOUND || (r.status === 'failed' && Number(r.amount_paise) === 0);

/** The same test in SQL, on the row named `alias`. */
export const notFoundRecordSql = (alias: string): string =>
  `(${alias}.status = '${LEGACY_NOT_FOUND}' OR (${alias}.status = 'failed' AND ${alias}.amount_paise = 0))`;

/** Columns and values of a new record (reason: what the refusal of the reference will say). */
export const NOT_FOUND_RECORD = { status: 'failed', reason: REFUSED_NOT_RECEIVED } as const;

export interface SandboxMobile {
  mobile: string;
  /** The primary VPA first, then the number's other VPAs. Empty: no VPA linked. */
  vpas: string[];
  /** How the network behaves for this number (documented in docs/sandbox.md). */
  behaviour?: 'fraud_flagged' | 'lookup_unavailable';
}

interface SandboxAccount {
  vpa: string;
  name: string;
  account: string;
  ifsc: string;
  accountType: 'SAVINGS' | 'CURRENT';
  /** How the beneficiary's bank takes a payout (documented in docs/sandbox.md). */
  behaviour?: 'payout_answer_lost' | 'payout_declined' | 'payout_slow';
}

export const SANDBOX_MOBILES: SandboxMobile[] = [
  { mobile: '9999999999', vpas: ['success@upi'] },
  { mobile: '8888888888', vpas: [] },
  { mobile: '7777777777', vpas: [], behaviour: 'fraud_flagged' },
  { mobile: '6666666666', vpas: ['6666666666@upi', '6666666666@paytm', '6666666666@ybl'] },
  { mobile: '9876543210', vpas: ['priya.sharma@okaxis', '9876543210@ybl', 'priyasharma@paytm'] },
  { mobile: '9123456780', vpas: ['rkumar.trading@okicici'] },
  { mobile: '9812345670', vpas: ['mohd.irfan@ybl', 'irfan.mohd@okicici'] },
  { mobile: '9845012345', vpas: ['lakshmi.n@okhdfcbank'] },
  { mobile: '9555555555', vpas: ['suresh.patel@upi'] },
  { mobile: '9111111111', vpas: ['payout.timeout@upi'] },
  { mobile: '9222222222', vpas: [], behaviour: 'lookup_unavailable' },
  { mobile: '9333333333', vpas: ['closed.account@upi'] },
  { mobile: '9444444444', vpas: ['slow.bank@upi'] },
];

/** Accounts only reached by payouts (the payers of docs/sandbox.md are reachable too). */
const ACCOUNTS: SandboxAccount[] = [
  { vpa: '6666666666@upi', name: 'JOHN DOE', account: '916010066666666', ifsc: 'PYTM0123456', accountType: 'SAVINGS' },
  // A sub-member branch that is not in the built-in directory: ifsc_details fills in once the
  // full dataset is imported.
  { vpa: 'suresh.patel@upi', name: 'SURESH PATEL', account: '002011000456789', ifsc: 'GSCB0USJSBL', accountType: 'SAVINGS' },
  { vpa: 'payout.timeout@upi', name: 'NEHA KAPOOR', account: '026291800001195', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'payout_answer_lost' },
  { vpa: 'closed.account@upi', name: 'VIJAY RAO', account: '026291800001196', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'payout_declined' },
  { vpa: 'slow.bank@upi', name: 'ANIL GUPTA', account: '026291800001197', ifsc: 'YESB0000262', accountType: 'SAVINGS', behaviour: 'payout_slow' },
];

/** How long the slow bank (9444444444) takes by default to answer a payout it has already made. */
export const SLOW_PAYOUT_MS = 1500;

const byMobile = new Map(SANDBOX_MOBILES.map((m) => [m.mobile, m]));
const accounts = new Map(ACCOUNTS.map((a) => [a.vpa, a]));
// A number's other VPAs reach the same account as its primary one.
const aliases = new Map(SANDBOX_MOBILES.flatMap((m) => m.vpas.slice(1).map((v) => [v, m.vpas[0]] as const)));

// A large generated population for load tests: 9000000001 ... 9000100000 -> payer1@sandbox ...
const GENERATED_BASE = 9_000_000_000;
const GENERATED_COUNT = 100_000;

export function findMobile(mobile: string): SandboxMobile | null {
  const known = byMobile.get(mobile);
  if (known) return known;
  if (!/^9\d{9}$/.test(mobile)) return null;
  const n = Number(mobile) - GENERATED_BASE;
  return n >= 1 && n <= GENERATED_COUNT ? { mobile, vpas: [`payer${n}@sandbox`] } : null;
}

export function findAccount(vpa: string): SandboxAccount | null {
  const key = vpa.toLowerCase();
  const primary = aliases.get(key) ?? key;
  return accounts.get(primary) ?? (findPayer(primary) as SandboxAccount | null);
}

export class SandboxMobileNetwork {
  constructor(
    private db: Db,
    private latencyMs: number,
    private slowPayoutMs = SLOW_PAYOUT_MS,
  ) {}

  async resolve(mobile: string): Promise<MobileResolution> {
    await this.delay();
    const m = findMobile(mobile);
    if (!m) return { status: 'not_linked' };
    if (m.behaviour === 'fraud_flagged') return { status: 'flagged', reason: 'financial_fraud_risk' };
    if (m.behaviour === 'lookup_unavailable') return { status: 'unknown', reason: 'mapper did not answer in time' };
    if (m.vpas.length === 0) return { status: 'not_linked' };
    const account = findAccount(m.vpas[0]);
    return { status: 'linked', vpa: m.vpas[0], name: account?.name ?? null, additionalVpas: m.vpas.slice(1) };
  }

  async payout(req: PayoutRequest): Promise<PayoutOutcome> {
    await this.delay();
    if (!Number.isInteger(req.amountPaise) || req.amountPaise <= 0) return { status: 'failed', reason: 'invalid_amount' };
    const account = findAccount(req.vpa);
    // After the latency, as for refunds (bank.ts): the bank has nothing until the write below.
    await passFence(req.fence);
    const { row, fresh } = await this.db.tx(async (q) => {
      const [existing] = await q.query(`SELECT * FROM sandbox_payouts WHERE idempotency_key = ?${this.db.forUpdate}`, [req.key]);
      if (existing && isNotFoundRecord(existing)) return { row: await this.refuse(q, req), fresh: false };
      if (existing) {
        // The key was seen before: report what happened then, pay nothing.
        await q.query('UPDATE sandbox_payouts SET calls = calls + 1 WHERE idempotency_key = ?', [req.key]);
        return { row: existing, fresh: false };
      }
      const declined = !account ? 'invalid_vpa' : account.behaviour === 'payout_declined' ? 'account_closed' : null;
      const row = {
        idempotency_key: req.key,
        vpa: req.vpa.toLowerCase(),
        amount_paise: req.amountPaise,
        note: req.note,
        status: declined ? 'failed' : 'success',
        reason: declined,
        utr: declined ? null : digits(12),
        beneficiary_name: declined ? null : account!.name,
        beneficiary_account: declined ? null : account!.account,
        beneficiary_ifsc: declined ? null : account!.ifsc,
        beneficiary_account_type: declined ? null : account!.accountType,
        created_at: this.db.clock(),
      };
      const made = await q.query(
        `INSERT INTO sandbox_payouts (idempotency_key, vpa, amount_paise, note, status, reason, utr, beneficiary_name,
           beneficiary_account, beneficiary_ifsc, beneficiary_account_type, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
        [
          row.idempotency_key,
          row.vpa,
          row.amount_paise,
          row.note,
          row.status,
          row.reason,
          row.utr,
          row.beneficiary_name,
          row.beneficiary_account,
          row.beneficiary_ifsc,
          row.beneficiary_account_type,
          row.created_at,
        ],
      );
      // A status query answered 404 for it in between (PostgreSQL: it committed its record first).
      if (!made.length) return { row: await this.refuse(q, req), fresh: false };
      return { row: row as Record<string, any>, fresh: true };
    });
    // The bank has made the payout; only its answer is lost or slow.
    if (fresh && account?.behaviour === 'payout_answer_lost') return { status: 'unknown', reason: 'timeout waiting for the bank' };
    if (fresh && account?.behaviour === 'payout_slow') await new Promise((r) => setTimeout(r, this.slowPayoutMs));
    return outcome(row);
  }

  /**
   * A payout whose key the status API answered 404 for (its row is that answer's record) is
   * refused: the gateway may have closed the drop as not sent (docs/bank-connector.md). It fails,
   * for good, and pays nothing.
   */
  private async refuse(q: Queryable, req: PayoutRequest): Promise<Record<string, any>> {
    const [r] = await q.query(
      `UPDATE sandbox_payouts SET vpa = ?, amount_paise = ?, note = ?, status = 'failed', reason = ?, created_at = ?, calls = calls + 1
       WHERE idempotency_key = ? AND ${notFoundRecordSql('sandbox_payouts')} RETURNING *`,
      [req.vpa.toLowerCase(), req.amountPaise, req.note, REFUSED_NOT_RECEIVED, this.db.clock(), req.key],
    );
    if (r) return r;
    // Not a 404's record after all (a payout written first): only reported again.
    const [other] = await q.query('SELECT * FROM sandbox_payouts WHERE idempotency_key = ?', [req.key]);
    return other;
  }

  async payoutStatus(key: string): Promise<PayoutOutcome | null> {
    await this.delay();
    let [r] = await this.db.query('SELECT * FROM sandbox_payouts WHERE idempotency_key = ?', [key]);
    if (!r) {
      // About to answer 404: first the record that it did, so that the key is refused if it comes
      // later. Conflicts with a payout being written (PostgreSQL waits for it): then that is the answer.
      await this.db.query(
        `INSERT INTO sandbox_payouts (idempotency_key, vpa, amount_paise, status, reason, calls, created_at) VALUES (?, '', 0, ?, ?, 0, ?)
         ON CONFLICT DO NOTHING`,
        [key, NOT_FOUND_RECORD.status, NOT_FOUND_RECORD.reason, this.db.clock()],
      );
      [r] = await this.db.query('SELECT * FROM sandbox_payouts WHERE idempotency_key = ?', [key]);
    }
    return r && !isNotFoundRecord(r) ? outcome(r) : null;
  }

  /**
   * Payouts the bank made, newest first, for the sandbox's inspection API: those of one
   * merchant's verifications (through their payout keys), or all of them for the operator.
   */
  async payouts(f: { vpa?: string; key?: string }, merchantId?: string) {
    const where: string[] = [`NOT ${notFoundRecordSql('p')}`];
    const params: unknown[] = [];
    if (f.key) (where.push('p.idempotency_key = ?'), params.push(f.key));
    else if (f.vpa) (where.push('p.vpa = ?'), params.push(f.vpa.toLowerCase()));
    if (merchantId !== undefined) {
      where.push("p.idempotency_key IN (SELECT payout_key FROM verifications WHERE merchant_id = ? AND mode = 'test')");
      params.push(merchantId);
    }
    const rows = await this.db.query(
      `SELECT p.* FROM sandbox_payouts p ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.created_at DESC LIMIT 100`,
      params,
    );
    return rows.map((r) => ({
      idempotency_key: r.idempotency_key,
      vpa: r.vpa,
      amount: (r.amount_paise / 100).toFixed(2),
      status: r.status === 'success' ? 'SUCCESS' : 'FAILED',
      reason: r.reason,
      utr: r.utr,
      bank_account: r.beneficiary_account,
      ifsc: r.beneficiary_ifsc,
      name_at_bank: r.beneficiary_name,
      calls: r.calls,
      created_at: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  private delay() {
    return this.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.latencyMs)) : Promise.resolve();
  }
}

function outcome(r: Record<string, any>): PayoutOutcome {
  if (r.status !== 'success') return { status: 'failed', reason: r.reason ?? 'payout_failed' };
  const beneficiary: Beneficiary = {
    vpa: r.vpa,
    name: r.beneficiary_name,
    account: r.beneficiary_account,
    ifsc: r.beneficiary_ifsc,
    accountType: r.beneficiary_account_type,
  };
  return { status: 'success', utr: r.utr, beneficiary };
}
