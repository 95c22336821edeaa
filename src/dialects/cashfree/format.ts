// Engine records in Cashfree's words.
import type { Verification } from '../../engine/types.js';

/** Cashfree reports times in IST with an offset: 2023-06-27T12:34:47+05:30. */
export function ist(ms: number | null): string | undefined {
  if (ms === null) return undefined;
  return `${istClock(ms)}+05:30`;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * "YYYY-MM-DDTHH:MM:SS" of `ms` in IST. By arithmetic: Date's toISOString formats through
 * snprintf and cost more than the rest of a status answer's fields together.
 */
export function istClock(ms: number): string {
  const t = Math.floor((ms + 19_800_000) / 1000);
  if (!(t >= 0 && t < 253_402_300_800)) return new Date(ms + 19_800_000).toISOString().slice(0, 19); // outside 1970-9999
  const days = Math.floor(t / 86_400);
  const secs = t - days * 86_400;
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(secs / 3600);
  const min = Math.floor((secs % 3600) / 60);
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}T${two(h)}:${two(min)}:${two(secs % 60)}`;
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

/**
 * The remitter status body: the fields Cashfree shows for each status. Plain literals, no
 * spread: an object spread into the middle of a literal comes out as a slow (dictionary) object,
 * and every read of it by the response serializer missed V8's caches.
 */
export function remitterStatus(v: Verification) {
  const verificationId = v.verificationId ?? v.publicId;
  const refId = String(v.refId);
  const status = STATUS[v.status];
  const addedOn = ist(v.createdAt)!;
  const processedOn = ist(v.processedAt)!;
  if (v.status === 'created') {
    return { verification_id: verificationId, ref_id: refId, status, added_on: addedOn, processed_on: processedOn, account_type: '' };
  }
  if (v.status !== 'success') {
    return { verification_id: verificationId, ref_id: refId, status, added_on: addedOn, processed_on: processedOn, name_match_score: '0' };
  }
  // Fields retention erased read as null; fields the bank never reported are left out.
  const payer = (x: string | null | undefined) => x ?? (v.purgedAt !== null ? null : undefined);
  return {
    bank_account: payer(v.payer?.account),
    ifsc: payer(v.payer?.ifsc),
    upi: payer(v.payer?.vpa),
    name_at_bank: payer(v.payer?.name),
    verification_id: verificationId,
    ref_id: refId,
    status,
    added_on: addedOn,
    processed_on: processedOn,
    utr: v.utr ?? undefined,
    name_match_score: v.nameMatch ? String(v.nameMatch.score) : undefined,
    name_match_result: v.nameMatch?.result,
    penny_collected_on: ist(v.collectedAt),
    reversal_status: REVERSAL[v.reversal ?? 'pending'],
    account_type: v.payer?.accountType ?? undefined,
  };
}
