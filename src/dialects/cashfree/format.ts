// Engine records in Cashfree's words.
import type { Verification } from '../../engine/types.js';

/** Cashfree reports times in IST with an offset: 2023-06-27T12:34:47+05:30. */
export function ist(ms: number | null): string | undefined {
  if (ms === null) return undefined;
  return new Date(ms + 19_800_000).toISOString().slice(0, 19) + '+05:30';
}

const STATUS = { created: 'CREATED', success: 'SUCCESS', failure: 'FAILURE', expired: 'EXPIRED' } as const;
const REVERSAL = {
  pending: 'PENDING',
  initiated: 'TRANSFER_INITIATED',
  success: 'TRANSFER_SUCCESS',
  failed: 'FAILED',
} as const;

/** App deep links in Cashfree's forms (note BHIM's `bhim://upi://pay?`). */
export function appLinks(upiLink: string) {
  const query = upiLink.slice(upiLink.indexOf('?') + 1);
  return {
    gpay: `tez://upi/pay?${query}`,
    bhim: `bhim://upi://pay?${query}`,
    paytm: `paytmmp://pay?${query}`,
    phonepe: `phonepe://pay?${query}`,
  };
}

/** The remitter status body: the fields Cashfree shows for each status. */
export function remitterStatus(v: Verification) {
  const base = {
    verification_id: v.verificationId ?? v.publicId,
    ref_id: String(v.refId),
    status: STATUS[v.status],
    added_on: ist(v.createdAt)!,
    processed_on: ist(v.processedAt)!,
  };
  if (v.status === 'created') return { ...base, account_type: '' };
  if (v.status !== 'success') return { ...base, name_match_score: '0' };
  // Fields retention erased read as null; fields the bank never reported are left out.
  const payer = (x: string | null | undefined) => x ?? (v.purgedAt !== null ? null : undefined);
  return {
    bank_account: payer(v.payer?.account),
    ifsc: payer(v.payer?.ifsc),
    upi: payer(v.payer?.vpa),
    name_at_bank: payer(v.payer?.name),
    ...base,
    utr: v.utr ?? undefined,
    name_match_score: v.nameMatch ? String(v.nameMatch.score) : undefined,
    name_match_result: v.nameMatch?.result,
    penny_collected_on: ist(v.collectedAt),
    reversal_status: REVERSAL[v.reversal ?? 'pending'],
    account_type: v.payer?.accountType ?? undefined,
  };
}
