export type Mode = 'test' | 'live';
/** `mobile`: mobile penny drop; `upi_mobile`: a mobile -> VPA lookup that moves no money. */
export type VerificationKind = 'rpd' | 'mobile' | 'upi_mobile';
export type VerificationStatus = 'created' | 'success' | 'failure' | 'expired';
/** Where the collected rupee is on its way back (derived from the verifying credit). */
export type ReversalStatus = 'pending' | 'initiated' | 'success' | 'failed';
/** Where the payout of a mobile penny drop stands, as far as the gateway knows. */
// accepted: the bank answered the payout with its record (pending): it has it, whatever its status API says.
export type PayoutState = null | 'initiated' | 'accepted' | 'success' | 'failed';
import type { NameMatchResult } from './namematch/index.js';
export type { NameMatchResult };

export interface Merchant {
  id: string;
  name: string;
  accountNumber: string;
  settings: MerchantSettings;
  createdAt: number;
}

export interface MerchantSettings {
  nameMatchBands?: { direct: number; good: number; moderate: number; poor: number };
  webhook?: { url: string; dialect: 'cashfree' | 'razorpayx'; secretSealed: string };
  /** Requests per operation per minute; unset: the instance's RATE_LIMIT_PER_MINUTE; 0: none. */
  rateLimitPerMinute?: number;
  /** Addresses the merchant's keys may be used from (CIDRs); empty or unset: any. */
  ipAllowlist?: string[];
  /** Price per operation in paise (unset: free); see engine/billing.ts. */
  pricing?: Partial<Record<'reverse_penny_drop' | 'mobile_penny_drop' | 'upi_mobile' | 'name_match', number>>;
  limits?: { dailyPayouts?: number | null };
  /** A 2FA key pair exists: callers off the allowlist must sign (x-cf-signature). */
  signatureRequired?: boolean;
}

/** The caller behind an API request: a merchant and the mode of the key it used. */
export interface Principal {
  merchant: Merchant;
  mode: Mode;
  clientId: string;
}

/** Whose verifications a principal reads and names: its merchant's, in its key's environment. */
export const ownerOf = (p: Principal) => ({ merchantId: p.merchant.id, mode: p.mode });

export interface Payer {
  vpa: string | null;
  name: string | null;
  account: string | null;
  ifsc: string | null;
  accountType: string | null;
}

export interface Verification {
  refId: number;
  merchantId: string;
  mode: Mode;
  kind: VerificationKind;
  dialect: string;
  publicId: string;
  verificationId: string | null;
  shortCode: string | null;
  name: string | null;
  redirectUrl: string | null;
  referenceId: string | null;
  notes: Record<string, string> | null;
  status: VerificationStatus;
  statusReason: string | null;
  rail: string;
  intentTr: string | null;
  payeeVpa: string | null;
  payeeName: string | null;
  /** The merchant category code of its intent (live rails have one); null in rows made before it was kept. */
  payeeMc: string | null;
  amountPaise: number;
  validUntil: number | null;
  createdAt: number;
  processedAt: number;
  creditId: string | null;
  payer: Payer | null;
  utr: string | null;
  collectedAt: number | null;
  nameMatch: { score: number; result: NameMatchResult } | null;
  reversal: ReversalStatus | null;
  // Mobile verifications only (null for a reverse penny drop).
  mobileNumber: string | null;
  payoutKey: string | null;
  payoutState: PayoutState;
  payoutAt: number | null;
  /** When retention erased its personal fields (they read as null from then on). */
  purgedAt: number | null;
}

/** A credit into the gateway's collection account, as the payee bank reported it. */
export interface Credit {
  id: string;
  rail: string;
  /** The bank's own unique id of the transaction: what identifies the credit. */
  bankTxnId: string;
  /** Recorded and shown, never trusted unique (RRNs repeat). */
  utr: string;
  /** When the bank credited the money (its clock); `receivedAt` is when its notice came. */
  creditedAt: number;
  tr: string | null;
  amountPaise: number;
  payer: Payer;
  receivedAt: number;
  refId: number | null;
  disposition: CreditDisposition;
  refundKey: string;
  refundStatus: ReversalStatus;
  refundAttempts: number;
  refundRef: string | null;
  refundError: string | null;
  /** The reference of the latest refund attempt (one per attempt), null before the first. */
  refundReference: string | null;
  /** When the latest attempt was sent: a "not found" is unknown until a grace after it. */
  refundSentAt: number | null;
  /** When the unsettled refund went to the operator for review (no new attempt is sent). */
  refundReviewAt: number | null;
  /** When the refund's status was last written (a failed attempt: when it was known failed). */
  refundUpdatedAt: number | null;
}

/** What a credit did: verified an account, or why it is only to be returned. */
export type CreditDisposition =
  | 'verified'
  | 'unmatched'
  | 'late'
  | 'wrong_amount'
  | 'duplicate_payment'
  | 'after_terminal';
