// Engine records in RazorpayX's words: the `fund_account.validation` entity.
import type { Verification } from '../../engine/types.js';

export const ENTITY = 'fund_account.validation';

/** created | completed | failed. An expired intent is a failed validation (see STATUS_DETAILS). */
export function favStatus(v: Verification): 'created' | 'completed' | 'failed' {
  if (v.status === 'created') return 'created';
  return v.status === 'success' ? 'completed' : 'failed';
}

interface StatusDetails {
  description: string;
  source: 'internal' | 'gateway' | 'beneficiary_bank' | 'business';
  reason: string;
}

const CREATED: StatusDetails = {
  description: 'Validation request is created',
  source: 'internal',
  reason: 'validation_request_created',
};
// RazorpayX's words for a completed fund_account.validation, wherever its documentation shows one.
const COMPLETED: StatusDetails = {
  description: 'Validation request is completed',
  source: 'beneficiary_bank',
  reason: 'validation_completed',
};
/**
 * Why a validation failed, by the engine's status reason. The payer's bank is the bank of the
 * account being validated, the beneficiary bank in Razorpay's words. An intent nobody paid in
 * time is closed by the gateway itself (source internal): the integration creates a new one.
 */
const FAILED: Record<string, StatusDetails> = {
  payer_bank_declined: {
    description: "The customer's bank declined the payment, so the account could not be validated",
    source: 'beneficiary_bank',
    reason: 'payment_declined_by_bank',
  },
  link_expired: {
    description: 'The customer did not pay before the UPI intent expired',
    source: 'internal',
    reason: 'validation_expired',
  },
};
const FAILED_OTHERWISE: StatusDetails = {
  description: "The customer's payment attempt failed, so the account could not be validated",
  source: 'gateway',
  reason: 'payment_failed',
};

export function statusDetails(v: Verification): StatusDetails {
  if (v.status === 'created') return CREATED;
  if (v.status === 'success') return COMPLETED;
  if (v.status === 'expired') return FAILED.link_expired;
  return FAILED[v.statusReason ?? ''] ?? FAILED_OTHERWISE;
}

/** App deep links in Razorpay's forms: `<scheme>://upi/pay?` plus the intent's query. */
export function upiIntent(intentUrl: string, qrCode: string) {
  const query = intentUrl.slice(intentUrl.indexOf('?') + 1);
  return {
    intent_url: intentUrl,
    phonepe_url: `phonepe://upi/pay?${query}`,
    gpay_url: `tez://upi/pay?${query}`,
    paytm_url: `paytmmp://upi/pay?${query}`,
    bhim_url: `bhim://upi/pay?${query}`,
    encoded_qr_code: qrCode,
  };
}

const NO_RESULTS = {
  account_status: null,
  registered_name: null,
  details: null,
  name_match_score: null,
  validated_account_type: null,
  bank_account: { bank_routing_code: null, account_number: null, bank_name: null, account_type: null },
};

/**
 * What the payment revealed. `completed` means results exist, not that the account is usable:
 * a payer known only by VPA (no account reported) is validated as `vpa`.
 */
function validationResults(v: Verification, bankName: string | null) {
  const p = v.payer;
  if (v.status !== 'success' || !p) return NO_RESULTS;
  // Erased by retention: the account type the bank reported says whether it was an account.
  const hasAccount = v.purgedAt !== null ? Boolean(p.accountType) : Boolean(p.account && p.ifsc);
  return {
    account_status: 'active',
    registered_name: p.name,
    details: null,
    name_match_score: v.nameMatch ? v.nameMatch.score : null,
    // Erased and no type reported: unknown, not vpa.
    validated_account_type: hasAccount ? 'bank_account' : v.purgedAt !== null ? null : 'vpa',
    bank_account: {
      bank_routing_code: hasAccount ? p.ifsc : null,
      account_number: hasAccount ? p.account : null,
      bank_name: hasAccount ? bankName : null,
      account_type: hasAccount && p.accountType ? p.accountType.toLowerCase() : null,
    },
    // After bank_account, where the API's serializer puts this optional field too.
    upi_intent: { vpa: p.vpa },
  };
}

/** Unix seconds, as Razorpay reports times. */
export const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The `fund_account.validation` entity, in the documented field order. `intentUrl` is the
 * verification's intent link (engine.upiLink), `qrCode` its QR code (base64 PNG); `bankName` the
 * bank of the payer's IFSC.
 */
export function fundAccountValidation(v: Verification, intentUrl: string, qrCode: string, bankName: string | null) {
  return {
    id: v.publicId,
    entity: ENTITY,
    status: favStatus(v),
    utr: v.status === 'success' ? v.utr : null,
    upi_intent: upiIntent(intentUrl, qrCode),
    validation_results: validationResults(v, bankName),
    status_details: statusDetails(v),
    reference_id: v.referenceId,
    notes: v.notes ?? {},
    created_at: unixSeconds(v.createdAt),
  };
}

export type FundAccountValidation = ReturnType<typeof fundAccountValidation>;
