// How money moves. The engine talks to a Rail and receives the rail's notifications through
// a RailInbox; nothing outside rails/ knows which rail runs.
import type { Mode } from '../engine/types.js';

/** A credit to the gateway's collection account, as the payee bank reports it. */
export interface CreditNotice {
  /** The bank's own unique id of the transaction: a credit is recorded once per (rail, bankTxnId). */
  bankTxnId: string;
  /** The UPI reference (RRN) the payer sees: recorded and shown, never trusted unique. */
  utr: string;
  tr: string | null;
  amountPaise: number;
  payerVpa: string | null;
  payerName: string | null;
  payerAccount: string | null;
  payerIfsc: string | null;
  payerAccountType: string | null;
  /** When the bank credited the account (epoch ms): lateness is judged by this, not by when the notice arrived. */
  creditedAt: number;
}

/** A payment attempt against one of our intents that the payer's bank declined. */
export interface FailedAttemptNotice {
  bankTxnId?: string;
  utr: string;
  tr: string;
  payerVpa: string | null;
  reason: string;
  /** When the payer's bank declined it, by the bank's clock (unknown: when the notice came). */
  at?: number;
}

export type IntakeOutcome = 'applied' | 'refund' | 'duplicate' | 'ignored';

export interface RailInbox {
  /** `raw`: the notice as the bank wrote it, if the rail has it (kept when it contradicts a recorded credit). */
  credit(rail: string, n: CreditNotice, raw?: string): Promise<IntakeOutcome>;
  failedAttempt(rail: string, n: FailedAttemptNotice): Promise<IntakeOutcome>;
}

/**
 * What the rail says of a refund. `unknown` means the call did not give an answer (timeout,
 * connection lost): the money may or may not have moved, so ask `refundStatus` before retrying.
 */
export type RefundOutcome =
  | { status: 'pending' | 'success'; ref: string }
  | { status: 'failed'; reason: string }
  | { status: 'unknown'; reason: string };

/**
 * The engine's check that an attempt (a refund attempt, a payout) is still its to send. The rail
 * asks it immediately before the request goes to the bank, after anything the rail does first
 * (passFence): a run that stalled after recording the attempt may have lost it, and
 * another run may have judged it never received and sent the next one.
 */
export type SendFence = () => Promise<boolean>;

/**
 * The reason a bank gives (status `failed`) for a refund or payout reference it refuses because
 * it answered "not found" for that reference before the request reached it (docs/bank-connector.md):
 * the gateway may have judged it never received and sent the next attempt, so it is never applied.
 */
export const REFUSED_NOT_RECEIVED = 'not_received';

/**
 * The reason a bank gives (status `failed`) for a refund it refuses because, with the refunds of
 * the transaction already made or under way, it would return more than was credited.
 */
export const REFUSED_EXCEEDS_CREDIT = 'exceeds_credit';

/**
 * The reason a bank gives (status `failed`) for a refund of a transaction it never credited (or
 * that it declined): there is nothing to send back, and nothing moves.
 */
export const REFUSED_UNKNOWN_CREDIT = 'unknown_credit';

/** Thrown by a rail call whose fence said no: nothing was sent. */
export class NotSent extends Error {
  constructor() {
    super('not sent: the attempt is no longer this run\'s to send');
  }
}

/** Asks the fence (if any) and throws NotSent when it says no; the rail sends right after. */
export async function passFence(fence: SendFence | undefined): Promise<void> {
  if (fence && !(await fence())) throw new NotSent();
}

export interface RefundRequest {
  /**
   * The attempt's reference: deterministic (credit id and attempt number), one per attempt. The
   * rail applies a reference at most once, and a reference that failed stays failed.
   */
  key: string;
  attempt: number;
  /** The bank transaction being returned. */
  bankTxnId: string;
  utr: string;
  amountPaise: number;
  payerVpa: string | null;
  /** Asked immediately before the request goes to the bank (see SendFence). */
  fence?: SendFence;
}

export interface Rail {
  readonly name: string;
  /** The payee side of a collect intent for transaction reference `tr`. */
  payee(): { vpa: string; name: string; mc?: string };
  refund(req: RefundRequest): Promise<RefundOutcome>;
  /**
   * The rail's record of the refund with this reference, or null when it has none. Bank status
   * APIs lag their submission APIs: null right after a send means "not yet", not "never".
   */
  refundStatus(key: string, amountPaise: number): Promise<RefundOutcome | null>;
  /** Which VPAs the UPI network maps a mobile number to (mobile penny drop, UPI lookup). */
  resolveMobile(mobile: string): Promise<MobileResolution>;
  /** Pushes money to a VPA. Applied at most once per key; `unknown`: ask `payoutStatus` first. */
  payout(req: PayoutRequest): Promise<PayoutOutcome>;
  /** The rail's record of the payout with this key (made for `amountPaise`), or null when it has none. */
  payoutStatus(key: string, amountPaise: number): Promise<PayoutOutcome | null>;
}

/**
 * A mobile number's VPAs. `flagged`: the network marks the number as a fraud risk (as India's
 * Financial Fraud Risk Indicator does), so nothing is paid to it. `unknown`: no answer in time.
 */
export type MobileResolution =
  | { status: 'linked'; vpa: string; name: string | null; additionalVpas: string[] }
  | { status: 'not_linked' }
  | { status: 'flagged'; reason: string }
  | { status: 'unknown'; reason: string };

export interface PayoutRequest {
  /** Deterministic, one per verification: the rail applies a key at most once. */
  key: string;
  vpa: string;
  amountPaise: number;
  note: string;
  /** Asked immediately before the request goes to the bank (see SendFence). */
  fence?: SendFence;
}

/** The account a payout reached, as the beneficiary bank reports it. */
export interface Beneficiary {
  vpa: string;
  name: string | null;
  account: string | null;
  ifsc: string | null;
  accountType: string | null;
}

/** What the rail says of a payout; `unknown` as for refunds: the money may have moved. */
export type PayoutOutcome =
  | { status: 'success'; utr: string; beneficiary: Beneficiary }
  | { status: 'pending'; ref: string }
  | { status: 'failed'; reason: string }
  | { status: 'unknown'; reason: string };

/** A rail this instance does not have (no connector configured here, or a rail retired). */
export class UnknownRail extends Error {
  constructor(readonly rail: string) {
    super(`unknown rail ${rail}`);
  }
}

/**
 * A live key's request on an instance without the bank connector (one serving test keys beside
 * those with it, or started without its settings): answered 503, try again, in each API's
 * envelope, as a store outage is; nothing was created, and another instance may serve it.
 */
export class NoLiveRail extends Error {
  constructor() {
    super('live mode is not served here: this instance has no bank connector (BANK_CONNECTOR_URL)');
  }
}

export interface Rails {
  /** Throws NoLiveRail for a live key on an instance without the bank connector. */
  forMode(mode: Mode): Rail;
  byName(name: string): Rail;
  /** Whether this instance has the rail `name`. */
  has(name: string): boolean;
  /** The rails configured (the sandbox, and the live connector when there is one). */
  names(): string[];
}
