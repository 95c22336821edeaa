// The verification state machine and credit dispositions. Pure: no I/O.
import type { Credit, CreditDisposition, VerificationStatus } from './types.js';
import type { CreditNotice } from '../rails/rail.js';

export const isTerminal = (s: VerificationStatus) => s !== 'created';

/** A verification leaves `created` once, for one terminal status; terminal statuses never change. */
export function canTransition(from: VerificationStatus, to: VerificationStatus): boolean {
  return from === 'created' && to !== 'created';
}

/**
 * What a credit does to the verification its `tr` names. Every disposition but `verified`
 * only returns the money (a `late` one leaves the link to expire by the sweep: a payment made in
 * time may still be coming). A credit made at or after a decline held on the link (`declinedAt`,
 * see Engine.failedAttempt) came after the attempt that ended it, by the bank's clock.
 */
export function creditDisposition(
  v: { status: VerificationStatus; validUntil: number | null; amountPaise: number; declinedAt?: number | null } | null,
  amountPaise: number,
  now: number,
): CreditDisposition {
  if (!v) return 'unmatched';
  if (v.status === 'success') return 'duplicate_payment';
  if (v.status !== 'created') return 'after_terminal';
  if (v.declinedAt != null && now >= v.declinedAt) return 'after_terminal';
  if (v.validUntil !== null && now >= v.validUntil) return 'late';
  if (amountPaise !== v.amountPaise) return 'wrong_amount';
  return 'verified';
}

/**
 * Whether a `created` verification is past its validity and should read as expired. With a
 * grace, only once the notice of a payment made just before `valid_upto` has had time to come:
 * banks notify late, and a payment made in time counts.
 */
export const isOverdue = (v: { status: VerificationStatus; validUntil: number | null }, now: number, graceMs = 0) =>
  v.status === 'created' && v.validUntil !== null && now >= v.validUntil + graceMs;

/** The reference of a credit's n-th refund attempt: deterministic, and never reused for another attempt. */
export const refundReference = (creditId: string, attempt: number) => `rf_${creditId}_${attempt}`;

/**
 * When to ask again about an outcome still unsettled `sinceMs` after it was sent: soon at
 * first, then less and less often (the wait doubles with the age), never more than `capMs`.
 */
export const pollDelayMs = (sinceMs: number, baseMs: number, capMs: number) => Math.min(capMs, Math.max(baseMs, Math.round(sinceMs / 2)));

/** Retry delay after the n-th failed attempt: exponential with full jitter, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, rand = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (rand() * ceiling) / 2);
}

/**
 * What a report of a credit says otherwise than the credit recorded under its bank_txn_id. A fact
 * one of them leaves out (null), or that retention erased from the record, contradicts nothing;
 * a VPA is compared without case.
 */
export function contradictions(c: Credit, n: CreditNotice): string[] {
  const out: string[] = [];
  if (c.amountPaise !== n.amountPaise) out.push('amount_paise');
  if (c.utr !== n.utr) out.push('utr');
  if (c.tr !== n.tr) out.push('tr');
  const differ = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() !== b.toLowerCase();
  if (differ(c.payer.account, n.payerAccount) || differ(c.payer.vpa, n.payerVpa)) out.push('payer');
  return out;
}
