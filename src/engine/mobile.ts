// The use cases behind a mobile number: the mobile penny drop (resolve the number's VPA, push
// Rs 1 to it, read the beneficiary account from the payout) and the lookup that moves no money.
// Every dialect shares these rules: consent, the fraud flag, one penny drop in flight per number,
// and one payout per verification, asked about before anything else when its outcome is unknown.
import { isStoreUnavailable, storeNow, type Db, type Queryable } from '../store/db.js';
import { merchants, verifications } from '../store/repository.js';
import { mobileVerifications, reconcileJobKey } from '../store/mobile.js';
import { lookupIfsc, type IfscRecord } from '../store/ifsc.js';
import { closeByKey, enqueue, runSooner } from '../jobs/queue.js';
import type { JobResult } from '../jobs/runner.js';
import { NotSent, REFUSED_NOT_RECEIVED, type MobileResolution, type PayoutOutcome, type Rails } from '../rails/rail.js';
import { newId, newShortRefId } from './ids.js';
import { verifiedNameMatch } from './name-checks.js';
import { withDeadline } from './deadline.js';
import { backoffMs } from './state.js';
import { consentViolation, isIndianMobile, type Consent, type ConsentViolation } from './mobile-rules.js';
import { ownerOf, type Mode, type Principal, type Verification } from './types.js';
import { InsufficientBalanceError, type PricedOperation } from './billing.js';
import type { Engine, Logger } from './verifications.js';

export const JOB_MOBILE_RECONCILE = 'mobile.reconcile';
export const PAYOUT_AMOUNT_PAISE = 100;

export interface MobileConfig {
  /** How long a request waits for each rail call before answering that the source is unavailable. */
  railTimeoutMs: number;
  /** How soon a payout of unknown outcome is first asked about (then with backoff). */
  pollMs: number;
  /**
   * A payout the bank's status API does not know this long after it was sent is taken as never
   * received and closed unsent, unless the bank answered it with its record (accepted).
   */
  notSentAfterMs: number;
  /**
   * A payout still unsettled this long after it was sent (the bank answers pending, or has it and
   * does not show it) is logged at error level for the operator, and asked about less often.
   */
  reviewAfterMs: number;
}

export interface PennyDropRequest {
  dialect: string;
  verificationId: string;
  mobile: string;
  name: string | null;
  consent: Consent;
}

export interface LookupRequest {
  dialect: string;
  verificationId: string;
  mobile: string;
  name: string | null;
}

/** What a penny drop came to. `unavailable`: the rail did not answer in time (any money is reconciled). */
export type PennyDropResult =
  | { outcome: 'invalid_mobile' }
  | { outcome: 'invalid_consent'; violation: ConsentViolation }
  | { outcome: 'duplicate' }
  | { outcome: 'in_flight'; refId: number }
  | { outcome: 'fraud'; refId: number }
  /** Open: a rupee may be on its way; the outcome is read back later. */
  | { outcome: 'unavailable'; refId: number }
  /** Closed with no rupee sent (the source or the bank did not take it): safe to try again. */
  | { outcome: 'not_sent'; refId: number }
  | { outcome: 'invalid'; v: Verification }
  | { outcome: 'valid'; v: Verification; branch: IfscRecord | null };

export type LookupResult =
  | { outcome: 'invalid_mobile' }
  | { outcome: 'duplicate' }
  | { outcome: 'fraud'; refId: number }
  | { outcome: 'valid'; refId: number; vpa: string; name: string | null; additionalVpas: string[] }
  | { outcome: 'invalid'; refId: number }
  | { outcome: 'unable'; refId: number };

/** Terminal reasons that mean "the source did not answer": no account was learnt, and no money moved. */
const UNAVAILABLE = new Set(['source_unavailable', 'not_processed', 'payout_not_sent']);

/**
 * The reasons of a refused payout that say the beneficiary's side refused the rupee, so that the
 * account cannot take it: INVALID (docs/bank-connector.md, Payouts). Any other refusal (the
 * gateway's own account short of funds, a limit, the remitter bank or the network) tells nothing
 * of the customer's account: the drop is answered as the source unavailable (502, try again), not
 * as an invalid account, which would have merchants turn good customers away.
 */
const BENEFICIARY_REFUSALS = new Set(['invalid_vpa', 'account_closed', 'account_frozen', 'account_invalid', 'beneficiary_declined']);
const PAYOUT_REFUSED = 'payout_refused: ';

/** How a penny drop that did not succeed was answered: fraud (422), not sent (502) or INVALID. */
export function closedAs(v: Pick<Verification, 'statusReason'>): 'fraud' | 'not_sent' | 'invalid' {
  if (v.statusReason === 'fraud_account') return 'fraud';
  if (v.statusReason && (UNAVAILABLE.has(v.statusReason) || v.statusReason.startsWith(PAYOUT_REFUSED))) return 'not_sent';
  return 'invalid';
}

export class MobileVerifications {
  /** Charges a priced operation in the creating transaction (engine/billing.ts). */
  charge: (q: Queryable, p: Principal, op: PricedOperation, refId: number | null) => Promise<void> = async () => {};
  /** Counts a payout against the merchant's daily cap in the creating transaction. */
  countPayout: (q: Queryable, p: Principal, refId: number, at: number) => Promise<void> = async () => {};
  /** Gives back the cap's slot of a drop that closed with nothing paid out, in the closing transaction. */
  releasePayout: (q: Queryable, merchantId: string, mode: Mode, refId: number, createdAt: number) => Promise<void> = async () => {};
  /** Whether the balance covers `op`, checked before a bank call that a refusal would waste. */
  affordable: (p: Principal, op: PricedOperation) => Promise<boolean> = async () => true;

  constructor(
    private db: Db,
    private rails: Rails,
    /** Records events (and so webhooks) as the RPD use cases do. */
    private engine: Engine,
    private cfg: MobileConfig,
    private log: Logger,
  ) {}

  /**
   * After this long, a penny drop still `created` belongs to a request that died: the
   * reconciler may close it. Longer than a request can take (two bounded rail calls).
   */
  private get graceMs() {
    return 3 * this.cfg.railTimeoutMs + 1000;
  }

  // ------------------------------------------------------------------ mobile penny drop

  async pennyDrop(p: Principal, req: PennyDropRequest): Promise<PennyDropResult> {
    if (!isIndianMobile(req.mobile)) return { outcome: 'invalid_mobile' };
    const violation = consentViolation(req.consent, this.db.clock());
    if (violation) return { outcome: 'invalid_consent', violation };
    const rail = this.rails.forMode(p.mode);

    const claimed = await this.claim(p, rail.name, req);
    if ('outcome' in claimed) return claimed;
    try {
      return await this.drive(rail, req, claimed.refId, claimed.payoutKey);
    } catch (err) {
      // Recorded, with its safety net queued: the store failing after that (a rupee may be on its
      // way) is answered as a drop whose outcome is not known yet, with its reference_id to read
      // back, not as a plain "try again" that a merchant would follow by paying again under a
      // new verification_id. The reconciler settles it once the store is back.
      if (!isStoreUnavailable(err)) throw err;
      this.log.warn({ ref_id: claimed.refId, error: err instanceof Error ? err.message : String(err) }, 'the store failed during a mobile penny drop: answered as unsettled, to be read back');
      return { outcome: 'unavailable', refId: claimed.refId };
    }
  }

  /** The lookup and the payout of a claimed drop, and its result. */
  private async drive(rail: ReturnType<Rails['forMode']>, req: PennyDropRequest, refId: number, payoutKey: string): Promise<PennyDropResult> {
    const found = await this.bounded<MobileResolution>(rail.resolveMobile(req.mobile), (reason) => ({ status: 'unknown', reason }));
    if (found.status !== 'linked') {
      const reason = { flagged: 'fraud_account', not_linked: 'no_vpa_linked', unknown: 'source_unavailable' }[found.status];
      if (found.status === 'unknown') this.log.warn({ ref_id: refId, reason: found.reason }, 'mobile lookup unanswered');
      await this.close(refId, 'failure', reason, {});
      return this.result(refId);
    }

    // Marked before the call, so a crash after it leaves a record that says "ask the rail first".
    if (!(await this.db.tx((q) => mobileVerifications.startPayout(q, refId, this.db.clock())))) return this.result(refId);
    // Fenced: this request may stall between recording the payout and sending it, long enough
    // for the reconciler to close the drop as not sent. The rail asks the fence right before the
    // request goes out, and nothing is sent once the drop is closed.
    const fence = () => mobileVerifications.sendFence(this.db, refId);
    const outcome = await this.bounded<PayoutOutcome | NotSent>(
      rail.payout({ key: payoutKey, vpa: found.vpa, amountPaise: PAYOUT_AMOUNT_PAISE, note: 'BAV', fence }).catch((err) => {
        if (err instanceof NotSent) return err;
        throw err;
      }),
      (reason) => ({ status: 'unknown', reason }),
      // The bank answered after MOBILE_RAIL_TIMEOUT_MS (the request runs to RAIL_TIMEOUT_MS): the
      // drop was answered as not known yet, and what the bank said is recorded now. Lost, an
      // acceptance ("pending") would leave the payout `initiated`, which the reconciler closes as
      // not sent while the bank's status API does not show it yet.
      (late) => {
        if (late instanceof NotSent || late.status === 'unknown') return;
        this.log.info({ ref_id: refId, status: late.status }, 'payout answered after MOBILE_RAIL_TIMEOUT_MS: recorded');
        this.apply(refId, late).catch((err) => this.log.warn({ ref_id: refId, err: String(err) }, 'a late payout answer could not be recorded; the reconciler will ask'));
      },
    );
    if (outcome instanceof NotSent) {
      this.log.warn({ ref_id: refId }, 'payout not sent: the drop was closed before it could go');
      return this.result(refId);
    }
    await this.apply(refId, outcome);
    return this.result(refId);
  }

  /** Inserts the verification; the unique indexes decide duplicates and numbers in flight. */
  private async claim(
    p: Principal,
    railName: string,
    req: PennyDropRequest,
  ): Promise<{ refId: number; payoutKey: string } | Extract<PennyDropResult, { outcome: 'duplicate' | 'in_flight' }>> {
    const publicId = newId('fav');
    // One key per verification, fixed at creation; random-based so that it never repeats even
    // if the database is reset while the bank remembers old keys.
    const payoutKey = `payout_${publicId}`;
    for (let attempt = 0; attempt < 5; attempt++) {
      // By the store's clock, as every time of the drop: its safety net, which any instance may
      // run, counts its grace from created_at, and an instance whose clock is ahead of this
      // one's would otherwise close as never processed a drop whose request is still running.
      const now = this.db.clock();
      const r = await this.db.tx(async (q) => {
        const refId = await mobileVerifications.insert(q, {
          refId: newShortRefId(),
          amountPaise: PAYOUT_AMOUNT_PAISE,
          merchantId: p.merchant.id,
          mode: p.mode,
          kind: 'mobile',
          dialect: req.dialect,
          publicId,
          verificationId: req.verificationId,
          mobileNumber: req.mobile,
          name: req.name,
          consent: req.consent,
          status: 'created',
          statusReason: null,
          rail: railName,
          payoutKey,
          payer: null,
          at: now,
        });
        if (refId !== null) {
          // Refusals (the daily cap, the balance) throw, rolling the insert back.
          await this.countPayout(q, p, refId, now);
          await this.charge(q, p, 'mobile_penny_drop', refId);
          // The safety net: if this request dies, the reconciler settles the verification.
          const job = { kind: JOB_MOBILE_RECONCILE, subject: String(refId), runAt: now + this.graceMs, dedupeKey: jobKey(refId), rail: railName };
          await enqueue(q, job, now);
          return { refId, payoutKey };
        }
        if (await verifications.exists(q, ownerOf(p), 'mobile', req.verificationId)) return { outcome: 'duplicate' as const };
        const busy = await mobileVerifications.inFlight(q, ownerOf(p), req.mobile);
        if (busy !== null) return { outcome: 'in_flight' as const, refId: busy };
        return null; // the one in flight finished in between: try again
      });
      if (r) return r;
    }
    throw new Error('could not record the mobile penny drop');
  }

  /** Applies what the rail said of the payout; an unknown outcome is left to the reconciler. */
  private async apply(refId: number, o: PayoutOutcome) {
    const now = this.db.clock();
    if (o.status === 'success') {
      await this.db.tx(async (q) => {
        const v = await verifications.byRef(q, refId);
        if (!v || v.status !== 'created') return;
        const merchant = await merchants.get(q, v.merchantId);
        const b = o.beneficiary;
        const nm = verifiedNameMatch(v.name, b.name, merchant);
        const payer = { vpa: b.vpa, name: b.name, account: b.account, ifsc: b.ifsc, accountType: b.accountType };
        const found = { payout: 'success' as const, payer, utr: o.utr, nameMatch: nm };
        if (await mobileVerifications.finish(q, refId, 'success', now, null, found)) {
          await this.settled(q, refId, 'verification.success', now);
        }
      });
      return;
    }
    if (o.status === 'failed') {
      // Refused because the bank had answered "not found" for the key before the request reached
      // it: nothing was paid and nothing learnt of the account, so the drop was not sent (an
      // outcome of "unavailable"), not an invalid account.
      let reason: string;
      if (o.reason === REFUSED_NOT_RECEIVED) reason = 'payout_not_sent';
      else if (BENEFICIARY_REFUSALS.has(o.reason)) reason = `payout_failed: ${o.reason}`;
      else {
        reason = PAYOUT_REFUSED + o.reason;
        this.log.error({ ref_id: refId, reason: o.reason }, "the bank refused a payout for a reason not the beneficiary's (the payout account's funds or limits, the bank): answered as the source unavailable");
      }
      await this.close(refId, 'failure', reason, { payout: 'failed' });
      return;
    }
    const why = 'reason' in o ? o.reason : undefined;
    this.log.warn({ ref_id: refId, status: o.status, reason: why }, 'payout outcome unknown; will ask the rail');
    await this.db.tx(async (q) => {
      if (o.status === 'pending') await mobileVerifications.acceptPayout(q, refId);
      await runSooner(q, this.db.now, jobKey(refId), now + this.cfg.pollMs);
    });
  }

  private async close(refId: number, to: 'failure', reason: string, o: { payout?: 'failed'; noPayout?: boolean; unanswered?: boolean; sentBy?: number }) {
    const now = this.db.clock();
    return this.db.tx(async (q) => {
      const done = await mobileVerifications.finish(q, refId, to, now, reason, o);
      if (done) {
        // No payout made, or one the bank refused (failed: it confirms nothing moved): the drop
        // paid nothing and no longer counts against the daily cap. One closed unanswered
        // (initiated) as not sent keeps counting: the bank may still have paid it.
        const v = await verifications.byRef(q, refId);
        if (v && (v.payoutState === null || v.payoutState === 'failed')) await this.releasePayout(q, v.merchantId, v.mode, refId, v.createdAt);
        await this.settled(q, refId, 'verification.failure', now);
      }
      return done;
    });
  }

  private async settled(q: Queryable, refId: number, type: 'verification.success' | 'verification.failure', at: number) {
    await closeByKey(q, this.db.now, jobKey(refId), at);
    await this.engine.emit(q, refId, type, at);
  }

  /**
   * The outcome of an earlier penny drop, for a merchant whose request ended without one (a 502
   * while the payout was unsettled): read it back instead of paying again under a new id.
   */
  async outcome(p: Principal, verificationId: string): Promise<PennyDropResult | { outcome: 'not_found' }> {
    // Only the key's own environment: a test key never reads a live penny drop.
    const v = await verifications.byOwner(this.db, ownerOf(p), { verificationId, kind: 'mobile' });
    if (!v || v.kind !== 'mobile') return { outcome: 'not_found' };
    if (v.status === 'created') return { outcome: 'in_flight', refId: v.refId };
    return this.result(v.refId);
  }

  /** The answer for a penny drop, read from its committed record. */
  private async result(refId: number): Promise<PennyDropResult> {
    const v = await verifications.byRef(this.db, refId);
    if (!v || v.status === 'created') return { outcome: 'unavailable', refId };
    if (v.status === 'success') {
      const branch = v.payer?.ifsc ? await lookupIfsc(this.db, v.payer.ifsc) : null;
      return { outcome: 'valid', v, branch };
    }
    const closed = closedAs(v);
    return closed === 'invalid' ? { outcome: 'invalid', v } : { outcome: closed, refId };
  }

  // ------------------------------------------------------------------ the reconciler (a job)

  /**
   * Settles a penny drop whose request ended without an answer from the rail. It never sends
   * a payout: it asks the rail for the payout's key and applies what the rail knows. A payout
   * the rail never saw, past the grace period, closes the verification as not sent.
   */
  async reconcile(refId: number, attempts: number): Promise<JobResult> {
    const v = await verifications.byRef(this.db, refId);
    // The subject comes from the jobs table: anything but a penny drop is not this job's to settle.
    if (!v || v.kind !== 'mobile' || v.status !== 'created') return { done: true };
    const now = this.db.clock(); // the clock created_at is set by
    if (v.payoutState === null && now < v.createdAt + this.graceMs) return { retryAt: v.createdAt + this.graceMs };
    const rail = this.rails.byName(v.rail);
    // When the question is asked, by the store's clock, which the send time is measured by
    // (mobileVerifications.sendFence): after the drop was read and before the bank is asked.
    const asked = await storeNow(this.db);
    const known = await this.bounded<PayoutOutcome | null>(rail.payoutStatus(v.payoutKey!, v.amountPaise), (reason) => ({
      status: 'unknown',
      reason,
    }));
    if (v.payoutState === null) {
      // No payout recorded: the request died before it, as far as this store knows. A store
      // restored from a backup taken between the lookup and the payout does not know of one the
      // bank has, so the bank was asked by the payout's key first. Its "none" is final: a bank
      // refuses a key it has answered not found for (as a refund's), so nothing can follow it.
      if (known === null) {
        if (await this.close(refId, 'failure', 'not_processed', { noPayout: true })) return { done: true };
        return { retryAt: now + this.cfg.pollMs };
      }
      if (known.status !== 'unknown') {
        this.log.error({ ref_id: refId, payout_key: v.payoutKey, status: known.status }, 'the bank has a payout this store never recorded (a restored backup?): taken as the bank has it');
      }
    }
    if (known === null && v.payoutState === 'accepted') {
      // The bank answered this payout with its record: it has it, whatever its status API says
      // for now (status APIs lag). Never "not sent": keep asking; a job that gives up is a dead
      // letter for the operator, with the verification still open.
      return this.askAgain(v, now, attempts, 'accepted by the bank, not shown by its status API yet');
    }
    if (known === null) {
      // A connector may still deliver a request it queued: wait well past any request's life
      // before deciding the bank never got it.
      const since = v.payoutAt ?? v.createdAt;
      const notSentAfter = Math.max(this.cfg.notSentAfterMs, 2 * this.graceMs);
      if (asked < since + notSentAfter) return { retryAt: now + Math.min(since + notSentAfter - asked, backoffMs(attempts, this.cfg.pollMs, 60_000)) };
      // Worth a look: a connector that still pays later would leave a rupee the record calls unsent.
      // Only while no run has recorded the bank's acceptance since this one read the verification,
      // and no sender passed the payout's fence since (sentBy): closed, it can never send it.
      if (!(await this.close(refId, 'failure', 'payout_not_sent', { unanswered: true, sentBy: since }))) return { retryAt: now + this.cfg.pollMs };
      this.log.error({ ref_id: refId, payout_key: v.payoutKey }, 'the rail never received the payout; closed without sending it');
      return { done: true };
    }
    if (known.status === 'success' || known.status === 'failed') {
      await this.apply(refId, known);
      this.log.info({ ref_id: refId, status: known.status }, 'payout reconciled');
      return { done: true };
    }
    if (known.status === 'pending') await this.db.tx((q) => mobileVerifications.acceptPayout(q, refId));
    return this.askAgain(v, now, attempts, known.status === 'unknown' ? known.reason : 'payout pending');
  }

  /**
   * A payout whose outcome the bank does not give yet is asked about again, however long it takes:
   * it may have been paid, so it is never closed unsent, and the drop stays open (the merchant's
   * next drop to that number waits). Past the review time the operator is told, at every ask.
   */
  private askAgain(v: Verification, now: number, attempts: number, reason: string): JobResult {
    const since = v.payoutAt ?? v.createdAt;
    if (now < since + this.cfg.reviewAfterMs) return { retryAt: now + backoffMs(attempts, this.cfg.pollMs, 60_000), error: reason };
    this.log.error(
      { ref_id: v.refId, payout_key: v.payoutKey, sent_at: new Date(since).toISOString(), reason },
      'payout unsettled at the bank past REFUND_REVIEW_HOURS: the penny drop stays open until the bank answers; check the payout at the bank',
    );
    return { retryAt: now + Math.min(15 * 60_000, this.cfg.reviewAfterMs), error: reason };
  }

  // ------------------------------------------------------------------ lookup (no money moves)

  async lookup(p: Principal, req: LookupRequest): Promise<LookupResult> {
    if (!isIndianMobile(req.mobile)) return { outcome: 'invalid_mobile' };
    // Checked first so a repeated id costs no call to the network; the insert decides races.
    if (await verifications.exists(this.db, ownerOf(p), 'upi_mobile', req.verificationId)) return { outcome: 'duplicate' };
    if (!(await this.affordable(p, 'upi_mobile'))) throw new InsufficientBalanceError();
    const rail = this.rails.forMode(p.mode);
    const found = await this.bounded<MobileResolution>(rail.resolveMobile(req.mobile), (reason) => ({ status: 'unknown', reason }));
    const linked = found.status === 'linked' ? found : null;
    const reasons = { linked: null, flagged: 'fraud_account', not_linked: 'no_vpa_linked', unknown: 'unable_to_validate' };
    const reason = reasons[found.status];
    // Drawn again when the random reference_id was taken (newShortRefId); a duplicate ends it.
    let refId: number | null = null;
    for (let attempt = 0; refId === null && attempt < 5; attempt++) {
      refId = await this.record(p, req, rail.name, linked, reason);
      if (refId === null && (await verifications.exists(this.db, ownerOf(p), 'upi_mobile', req.verificationId))) return { outcome: 'duplicate' };
    }
    if (refId === null) throw new Error('could not record the UPI mobile lookup');
    if (linked) return { outcome: 'valid', refId, vpa: linked.vpa, name: linked.name, additionalVpas: linked.additionalVpas };
    if (found.status === 'flagged') return { outcome: 'fraud', refId };
    return { outcome: found.status === 'unknown' ? 'unable' : 'invalid', refId };
  }

  /** Records a lookup's answer, charged; null when its verification_id or its drawn reference_id is taken. */
  private record(
    p: Principal,
    req: LookupRequest,
    railName: string,
    linked: Extract<MobileResolution, { status: 'linked' }> | null,
    reason: string | null,
  ): Promise<number | null> {
    return this.db.tx(async (q) => {
      const made = await mobileVerifications.insert(q, {
        refId: newShortRefId(),
        amountPaise: 0,
        merchantId: p.merchant.id,
        mode: p.mode,
        kind: 'upi_mobile',
        dialect: req.dialect,
        publicId: newId('fav'),
        verificationId: req.verificationId,
        mobileNumber: req.mobile,
        name: req.name,
        consent: null,
        status: linked ? 'success' : 'failure',
        statusReason: reason,
        rail: railName,
        payoutKey: null,
        payer: linked ? { vpa: linked.vpa, name: linked.name } : null,
        at: this.db.clock(),
      });
      if (made !== null) await this.charge(q, p, 'upi_mobile', made);
      return made;
    });
  }

  // ------------------------------------------------------------------ helpers

  /** A rail call bounded in time; a timeout or an error becomes the rail's "unknown". */
  private bounded<T>(call: Promise<T>, unknown: (reason: string) => T, late?: (value: T) => void): Promise<T> {
    return withDeadline(call, this.cfg.railTimeoutMs, late).catch((err) => unknown(String((err as Error)?.message ?? err)));
  }
}

const jobKey = reconcileJobKey;
