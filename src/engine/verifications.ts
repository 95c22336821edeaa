// The use cases of a verification: create a reverse penny drop, take the bank's notifications,
// expire, and send the rupee back. One record and one state machine serve every dialect.
import type { PricedOperation } from './billing.js';
import { storeNow, type Db, type Queryable } from '../store/db.js';
import { setAside } from '../store/set-aside.js';
import { apiKeys, credits, merchants, notifications, verifications, type ExpiryCutoffs, type NewVerification, type VerificationKey } from '../store/repository.js';
import { allDead, closeDead, enqueue } from '../jobs/queue.js';
import type { JobResult } from '../jobs/runner.js';
import { NotSent, REFUSED_EXCEEDS_CREDIT, REFUSED_UNKNOWN_CREDIT, UnknownRail, type CreditNotice, type FailedAttemptNotice, type IntakeOutcome, type RailInbox, type RefundOutcome, type Rails } from '../rails/rail.js';
import { creditId, newId, newRefId, newTimeId, shortCode } from './ids.js';
import { paiseToAmount, upiLink, type Intent } from './intent.js';
import { backoffMs, contradictions, creditDisposition, isOverdue, pollDelayMs, refundReference } from './state.js';
import { ownerOf, type Credit, type Merchant, type Principal, type Verification } from './types.js';
import { AccessMoved } from './merchants.js';
import { maskAccount } from '../log.js';
import { withDeadline } from './deadline.js';
import { verifiedNameMatch } from './name-checks.js';

export interface EngineConfig {
  rpdTtlMs: number;
  /** Wait before the rupee goes back (0: at once). */
  reversalDelayMs: number;
  /** How often an initiated refund is checked with the rail. */
  refundPollMs: number;
  /** First retry after a failed refund; doubles per attempt up to an hour. */
  refundRetryBaseMs: number;
  /** Longest wait between two questions about a refund still unsettled (polls back off up to it). */
  refundPollCapMs: number;
  /** A refund status "not found" counts as unknown until this long after the send (status APIs lag). */
  refundNotFoundGraceMs: number;
  /** A refund unsettled this long after it fell due goes to the operator's review: no new attempt is sent (a first one always is). */
  refundReviewAfterMs: number;
  /** A verification expires only this long after valid_upto: a notice of a payment made in time may be late. */
  notificationGraceMs: number;
  /** A rail call with no answer by then counts as unknown (and is asked about before a retry). */
  railTimeoutMs: number;
}

export interface Logger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export const RPD_AMOUNT_PAISE = 100;
/** Earlier builds enqueued one per link; this build still runs those and sweeps instead (expireDue). */
export const JOB_EXPIRE = 'verification.expire';
/**
 * The refund job of a credit. Builds before per-attempt references enqueued `credit.reverse`:
 * this build runs those too, but enqueues its own kind, which those builds do not know, so that
 * during a rolling upgrade an older instance never refunds a credit under a key it made up.
 */
export const JOB_REFUND = 'credit.refund';
export const JOB_REVERSE = 'credit.reverse';

/**
 * The keys of the jobs that return a credit's rupee (`reverse:`: one an older build queued): a
 * credit's refund jobs are found by these (the unique key's index), not by subject, which no
 * index holds among the open jobs (every unpaid link's).
 */
export const refundJobKey = (creditId: string) => `refund:${creditId}`;
export const refundJobKeys = (creditId: string) => [refundJobKey(creditId), `reverse:${creditId}`];

/**
 * Refusals no new attempt can change: the bank holds refunds of the credit, made or under way,
 * that return it in full (sent by other means than the gateway, or an attempt the gateway took as
 * failed), or it never credited the transaction. Such a refund goes to review at once: another
 * attempt would be refused alike, and only the operator, with the bank, can tell what happened.
 */
const BOOKS_DISAGREE = new Set([REFUSED_EXCEEDS_CREDIT, REFUSED_UNKNOWN_CREDIT]);
/** The longest wait between two refund attempts (the backoff doubles up to it). */
const REFUND_BACKOFF_CAP_MS = 3_600_000;

export interface CreateRpd {
  dialect: string;
  verificationId: string | null;
  name: string | null;
  redirectUrl: string | null;
  referenceId: string | null;
  notes: Record<string, string> | null;
}

/** Events are written in the transaction of the change they describe (the outbox). */
export type EventType = 'verification.success' | 'verification.failure' | 'verification.expired' | 'reversal.updated';
export interface DomainEvent {
  id: string;
  merchantId: string;
  type: EventType;
  /** The verification as it stands after the change. */
  verification: Verification;
  at: number;
  /** The merchant as read in the event's transaction, when the change read it (else unset). */
  merchant?: Merchant | null;
}

/**
 * The latest `valid_until` of a link on `rail` that may expire now (Engine.expiryCutoffs); null
 * for a rail this instance does not read (no connector here): it cannot know whether a payment
 * made in time is still on its way, so it expires none of its links (an instance that reads the
 * rail does).
 */
const cutoffFor = (c: ExpiryCutoffs, rail: string) => c.rails.find(([r]) => r === rail)?.[1] ?? null;

export class Engine implements RailInbox {
  /** Called after a commit that enqueued jobs due now. */
  onWork: () => void = () => {};
  /**
   * How far each rail's intake has caught up: every credit the rail made before this time has
   * been taken (notified, or recovered by the rail's own catch-up). Set by the services; a rail
   * with nothing to catch up answers now.
   */
  intakeCaughtUp: (rail: string) => Promise<number> = async () => this.db.clock();
  /**
   * How much later than that time a credit may still appear (ms): a bank's list may show a credit
   * up to NOTIFICATION_GRACE after it was made (docs/bank-connector.md), so a pull vouches only
   * for credits made that long before it began. 0 where intakeCaughtUp is exact (the sandbox).
   */
  intakeListingLagMs: (rail: string) => number = () => 0;
  /** Called inside the transaction that records an event, to add its consequences (webhooks). */
  onEvent: (q: Queryable, e: DomainEvent) => Promise<void> = async () => {};
  /** Charges a priced operation in the creating transaction (engine/billing.ts); throws to roll it back. */
  charge: (q: Queryable, p: Principal, op: PricedOperation, refId: number | null) => Promise<void> = async () => {};
  /** Whether `charge` would charge anything for `op`: when not, a create is one statement. */
  priced: (p: Principal, op: PricedOperation) => boolean = () => true;

  constructor(
    readonly db: Db,
    private rails: Rails,
    private cfg: EngineConfig,
    private log: Logger,
  ) {}

  // ------------------------------------------------------------------ create and read

  /**
   * `onIntent` is told each intent link before its insert, so that the caller can start work on
   * it (the QR code, on a worker thread) while the insert waits for its commit. A draw that
   * collides is followed by another link; the last one told is the created verification's.
   * With `access` (a principal from a cached key, see `find`), the insert happens only while the
   * access version is that number, and AccessMoved is thrown when it is not.
   */
  async createRpd(p: Principal, req: CreateRpd, onIntent?: (link: string) => void, access?: number): Promise<Verification | 'duplicate'> {
    const rail = this.rails.forMode(p.mode);
    const payee = rail.payee();
    // By the store's clock: valid_until is compared by every instance (its sweep, status reads,
    // the credit's time), and a link made on a host whose clock is behind would otherwise expire
    // early on the others, or, ahead, a payment made at once would count as late.
    const now = this.db.clock();
    let publicId = newTimeId('fav');
    let code = shortCode();
    for (let attempt = 0; attempt < 5; attempt++) {
      const refId = newRefId();
      // A plain literal with every field, not a spread of a common part: a spread object (and one
      // spread again) got a map of its own on every create, so each later read of its fields (the
      // insert's, the link's, the answer's) missed V8's caches and went through the runtime.
      const v: NewVerification = {
        refId,
        merchantId: p.merchant.id,
        mode: p.mode,
        kind: 'rpd',
        dialect: req.dialect,
        publicId,
        // A dialect without a merchant's id (RazorpayX) takes its fav id as one: the record then
        // has one id in every dialect, found by it (a Cashfree status read) and never taken again
        // by another verification (the unique index refuses it; a new fav id is drawn).
        verificationId: req.verificationId ?? publicId,
        shortCode: code,
        name: req.name,
        redirectUrl: req.redirectUrl,
        referenceId: req.referenceId,
        notes: req.notes,
        status: 'created',
        rail: rail.name,
        // The intent's transaction reference is the ref_id, as in Cashfree's links.
        intentTr: String(refId),
        payeeVpa: payee.vpa,
        payeeName: payee.name,
        payeeMc: payee.mc ?? null,
        amountPaise: RPD_AMOUNT_PAISE,
        validUntil: now + this.cfg.rpdTtlMs,
        createdAt: now,
        processedAt: now,
      };
      onIntent?.(this.upiLink(v));
      const insert = async (q: Queryable) => {
        if ((await verifications.insert(q, v, access)) !== null) return this.created(v);
        // Not inserted: a moved access version, or a taken id. The version as the insert saw it
        // (the writer's, on SQLite, which reads may lag by a flush).
        const version = (t: Queryable) => apiKeys.accessVersion(t);
        if (access !== undefined && (await (q === this.db ? this.db.tx(version) : version(q))) !== access) throw new AccessMoved();
        // Taken: the merchant's verification_id, or (rarely) a random id: then draw again.
        return req.verificationId !== null && (await verifications.exists(q, v, 'rpd', req.verificationId))
          ? ('duplicate' as const)
          : null;
      };
      // Free of charge, the insert is the whole create and commits on its own: on PostgreSQL one
      // round trip instead of three (BEGIN, INSERT, COMMIT).
      const made = !this.priced(p, 'reverse_penny_drop')
        ? await insert(this.db)
        : await this.db.tx(async (q) => {
            const r = await insert(q);
            if (r !== null && r !== 'duplicate') await this.charge(q, p, 'reverse_penny_drop', refId);
            return r;
          });
      if (made) return made;
      publicId = newTimeId('fav');
      code = shortCode();
    }
    throw new Error('could not draw unused identifiers for a verification');
  }

  // No job per link: the expiry sweep (expireDue) finds unpaid links past their time by an index.
  private created(v: NewVerification): Verification {
    // Field by field, in the order of a verification read from the store (toVerification): the
    // same map as every other, where a spread made a new one each time (see createRpd).
    return {
      refId: v.refId,
      merchantId: v.merchantId,
      mode: v.mode,
      kind: v.kind,
      dialect: v.dialect,
      publicId: v.publicId,
      verificationId: v.verificationId,
      shortCode: v.shortCode,
      name: v.name,
      redirectUrl: v.redirectUrl,
      referenceId: v.referenceId,
      notes: v.notes,
      status: v.status,
      statusReason: null,
      rail: v.rail,
      intentTr: v.intentTr,
      payeeVpa: v.payeeVpa,
      payeeName: v.payeeName,
      payeeMc: v.payeeMc,
      amountPaise: v.amountPaise,
      validUntil: v.validUntil,
      createdAt: v.createdAt,
      processedAt: v.processedAt,
      creditId: null,
      payer: null,
      utr: null,
      collectedAt: null,
      nameMatch: null,
      reversal: null,
      mobileNumber: null,
      payoutKey: null,
      payoutState: null,
      payoutAt: null,
      purgedAt: null,
    };
  }

  /** The collect intent of a verification, as a rail-neutral record. */
  /** The fields of a verification that make its intent (a new one, not yet stored, has them too). */
  intent(v: Pick<Verification, 'rail' | 'payeeVpa' | 'payeeName' | 'payeeMc' | 'amountPaise' | 'intentTr' | 'refId'>): Intent {
    // From the row: an instance without the verification's rail (one with no bank connector,
    // beside those with it) still makes its link, for a read, the hosted page or a webhook. Rows
    // made before the code was kept take the rail's, where this instance has the rail; elsewhere
    // the link goes without it (the payee, amount and tr, which match the payment, are the row's).
    const payee = this.rails.has(v.rail) ? this.rails.byName(v.rail).payee() : null;
    return {
      pa: v.payeeVpa ?? payee?.vpa ?? '',
      pn: v.payeeName ?? payee?.name ?? '',
      mc: v.payeeMc ?? payee?.mc,
      tn: 'BAV',
      am: paiseToAmount(v.amountPaise),
      cu: 'INR',
      tr: v.intentTr ?? String(v.refId),
    };
  }

  upiLink(v: Parameters<Engine['intent']>[0]) {
    return upiLink(this.intent(v));
  }

  /**
   * The merchant's verification, of `kind` when given (each API reads its own kind). With
   * `access`, the principal came from a cached key read at that access version: the same
   * statement reads the version, and AccessMoved is thrown if it moved (accessGate's `confirmed`).
   */
  async find(
    p: Principal,
    by: VerificationKey,
    kind?: Verification['kind'],
    access?: number,
  ): Promise<Verification | null> {
    let v: Verification | null;
    // A key reads only its own environment: a test key never sees what a live key verified.
    if (access === undefined) v = await verifications.byOwner(this.db, ownerOf(p), by);
    else {
      const r = await verifications.byOwnerWithAccess(this.db, ownerOf(p), by);
      if (r.access !== access) throw new AccessMoved();
      v = r.v;
    }
    if (!v || (kind && v.kind !== kind)) return null;
    return this.current(v);
  }

  async findByShortCode(code: string): Promise<Verification | null> {
    const v = await verifications.byShortCode(this.db, code);
    return v && this.current(v);
  }

  async list(p: Principal, f: { kind?: string; from?: number; to?: number; skip: number; count: number }) {
    const listed = await verifications.list(this.db, p.merchant.id, { ...f, mode: p.mode });
    const out: Verification[] = [];
    for (const v of listed) out.push(await this.current(v));
    return out;
  }

  /** A read never shows CREATED past validity and its grace: if the expiry job is late, expire it now. */
  private async current(v: Verification): Promise<Verification> {
    const now = this.db.clock();
    if (!isOverdue(v, now, this.cfg.notificationGraceMs)) return v;
    // Not while its rail's credits are not all in yet (no write turn for a link that stays open).
    const cutoffs = this.expiryCutoffs(await this.intakeReached(now));
    const cutoff = cutoffFor(cutoffs, v.rail);
    if (cutoff === null || !(v.validUntil! < cutoff)) return v;
    if (await setAside.holds(this.db, v)) return v; // its payment may be in an entry set aside
    await this.expireBy(v.refId, now, cutoffs);
    return (await verifications.byRef(this.db, v.refId)) ?? v;
  }

  // ------------------------------------------------------------------ notifications from the rail

  async credit(railName: string, n: CreditNotice, raw?: string): Promise<IntakeOutcome> {
    const now = this.db.clock(); // the clock valid_until is set by
    // Set in the transaction, logged once it committed.
    const aside: { found: Awaited<ReturnType<Engine['setAsideContradiction']>> } = { found: null };
    const outcome = await this.db.tx(async (q): Promise<IntakeOutcome> => {
      const v = n.tr ? await verifications.lockByTr(q, railName, n.tr, this.db.forUpdate) : null;
      // A payment made in time counts even if its notice is late (the bank was slow, the gateway
      // was down): lateness is judged by the bank's credit time, and the expiry waits a grace.
      const creditedAt = Math.min(n.creditedAt, now);
      const disposition = creditDisposition(v, n.amountPaise, creditedAt);
      // From the bank's id of the transaction, not drawn: see creditId.
      const id = creditId(railName, n.bankTxnId);
      const credit: Credit = {
        id,
        rail: railName,
        bankTxnId: n.bankTxnId,
        utr: n.utr,
        creditedAt,
        tr: n.tr,
        amountPaise: n.amountPaise,
        payer: {
          vpa: n.payerVpa,
          name: n.payerName,
          account: n.payerAccount,
          ifsc: n.payerIfsc,
          accountType: n.payerAccountType,
        },
        receivedAt: now,
        refId: v?.refId ?? null,
        disposition,
        // The first attempt's reference, from the credit's id (never the UTR).
        refundKey: refundReference(id, 1),
        refundStatus: 'pending',
        refundAttempts: 0,
        refundRef: null,
        refundError: null,
        refundReference: null,
        refundSentAt: null,
        refundReviewAt: null,
        refundUpdatedAt: now,
      };
      const fresh = await credits.insertOnce(q, credit);
      await notifications.insert(q, {
        rail: railName,
        kind: 'credit',
        bankTxnId: n.bankTxnId,
        utr: n.utr,
        tr: n.tr,
        outcome: fresh ? disposition : 'duplicate',
        at: now,
      });
      if (!fresh) {
        aside.found = await this.setAsideContradiction(q, railName, n, raw ?? JSON.stringify(n), now);
        return 'duplicate';
      }

      if (v && disposition === 'verified') {
        const merchant = await this.merchantOf(q, v.merchantId);
        const nameMatch = verifiedNameMatch(v.name, n.payerName, merchant);
        await verifications.finish(q, v.refId, 'success', now, null, {
          creditId: credit.id,
          payer: credit.payer,
          utr: n.utr,
          collectedAt: now,
          nameMatch,
        });
        await this.emit(q, v.refId, 'verification.success', now, merchant);
      }
      // A late credit does not end its link: a payment made in time may still be on its way
      // (its notice held up, found by a later pull), and the link stays open for it. The sweep
      // expires the link once the grace has passed and the rail's intake has caught up.
      // Every credit goes back, whatever it did: the verifying one after the verification.
      await enqueue(
        q,
        { kind: JOB_REFUND, subject: credit.id, runAt: now + this.cfg.reversalDelayMs, dedupeKey: refundJobKey(credit.id), rail: railName },
        now,
      );
      this.log.info(
        { bank_txn_id: n.bankTxnId, utr: n.utr, tr: n.tr, ref_id: v?.refId, disposition, payer_account: maskAccount(n.payerAccount) },
        'credit recorded',
      );
      return disposition === 'verified' ? 'applied' : 'refund';
    });
    if (outcome !== 'duplicate') this.onWork();
    if (aside.found) {
      const { entry, credit, differs } = aside.found;
      this.log.error(
        { rail: entry.rail, set_aside: entry.id, bank_txn_id: n.bankTxnId, credit, differs },
        'the bank reported a credit under a bank_txn_id recorded with other facts: set aside for the operator (GET /admin/bank/set-aside)',
      );
    }
    return outcome;
  }

  /**
   * A credit reported again under a bank_txn_id already recorded is a duplicate, as long as it
   * tells the same payment. One that tells another (amount, payer, UTR or tr) may be another
   * payment, under an id the bank or an adapter reused or cut short: taken as a duplicate, its
   * rupee would be returned by nobody, and no record would show it. It is set aside for the
   * operator (once per text), holding the link its tr names; null when it is a mere repeat, or was
   * set aside before. On every rail, whichever way its notices come.
   */
  private async setAsideContradiction(q: Queryable, rail: string, n: CreditNotice, raw: string, now: number) {
    const c = await credits.byBankTxn(q, rail, n.bankTxnId);
    const differs = c ? contradictions(c, n) : [];
    if (!c || differs.length === 0) return null;
    const entry = {
      id: newId('sa'),
      rail,
      // Not a place in the listing: the same text, pushed or listed, is set aside once.
      afterCursor: `recorded:${n.bankTxnId}`,
      position: 0,
      raw,
      problem: `bank_txn_id ${n.bankTxnId} was recorded before (credit ${c.id}) with another ${differs.join(', ')}: if this is another payment, return it at the bank`,
      bankTxnId: n.bankTxnId,
      tr: n.tr,
      holds: n.tr === null ? ('none' as const) : ('intent' as const),
      seenAt: now,
    };
    if (!(await setAside.record(q, entry))) return null;
    return { entry, credit: c.id, differs };
  }

  async failedAttempt(railName: string, n: FailedAttemptNotice): Promise<IntakeOutcome> {
    // Read before the transaction, on a connection of its own (see expire). Every credit made
    // before `listed` has been taken: the decline is judged against that, less the list's lag.
    const listed = Math.min(this.db.clock(), await this.intakeCaughtUp(railName)) - this.intakeListingLagMs(railName);
    const now = this.db.clock();
    let failed = false;
    const outcome = await this.db.tx(async (q) => {
      const seen = await notifications.seenDecline(q, railName, n);
      const v = seen ? null : await verifications.lockByTr(q, railName, n.tr, this.db.forUpdate);
      let outcome: IntakeOutcome = seen ? 'duplicate' : 'ignored';
      // Judged by when the bank declined it, as a credit's lateness is: one declined after
      // valid_upto was no attempt on a payable link, and must not end it while a payment made
      // in time may still be on its way; one declined in time counts however late its notice.
      const declinedAt = Math.min(n.at ?? now, now);
      const inTime = v !== null && (v.validUntil === null || declinedAt < v.validUntil);
      // A payment credited before the decline (the customer paid, then tried again) verifies the
      // link, and its notice may come after the decline's. A terminal status never changes, so
      // the decline is held on the link until the rail's intake has caught up past it (every
      // credit made before it taken), as an unpaid link's expiry waits; a credit made after it
      // only goes back. At once when it has (the sandbox, nothing before it unnotified), else by
      // the sweep (expireDue).
      if (v && inTime && (await verifications.holdDecline(q, v.refId, declinedAt, n.reason))) {
        outcome = 'applied';
        if (declinedAt <= listed && !(await setAside.holds(q, v))) failed = await this.failByDecline(q, v.refId, now);
      }
      await notifications.insert(q, { rail: railName, kind: 'failed_attempt', bankTxnId: n.bankTxnId, utr: n.utr, tr: n.tr, outcome, at: now });
      return outcome;
    });
    if (failed) this.onWork(); // its webhook is due now
    return outcome;
  }

  /** Fails a `created` link by the decline held on it, with its event; false when it has none or has ended. */
  private async failByDecline(q: Queryable, refId: number, now: number): Promise<boolean> {
    if (!(await verifications.failByHeldDecline(q, refId, now))) return false;
    await this.emit(q, refId, 'verification.failure', now);
    return true;
  }

  // ------------------------------------------------------------------ jobs

  /**
   * Expires, in one transaction, up to `limit` verifications nobody paid before their link and
   * the notification grace ran out; returns how many. Several instances may sweep at once: rows
   * another holds are skipped (PostgreSQL), and `finish` moves a row out of `created` only once.
   */
  async expireDue(limit = 200): Promise<number> {
    const now = this.db.clock();
    const reached = await this.intakeReached(now);
    const cutoffs = this.expiryCutoffs(reached);
    const listed = this.listedBy(reached);
    // Most sweeps find nothing: ask the reader first, so an idle sweep takes no write turn.
    const idle = async () =>
      (await verifications.declinesDue(this.db, listed, 1, '')).length === 0 && (await verifications.dueToExpire(this.db, cutoffs, 1, '')).length === 0;
    if (await idle()) return 0;
    const expired = await this.db.tx(async (q) => {
      let n = 0;
      // Declines held until the intake caught up past them (failedAttempt): no payment made
      // before them is on its way any more.
      for (const refId of await verifications.declinesDue(q, listed, limit, this.db.skipLocked)) {
        if (await this.failByDecline(q, refId, now)) n++;
      }
      if (n >= limit) return n;
      for (const refId of await verifications.dueToExpire(q, cutoffs, limit - n, this.db.skipLocked)) {
        if (await this.markExpired(q, refId, now)) n++;
      }
      return n;
    });
    if (expired > 0) this.onWork(); // their webhooks are due now
    return expired;
  }

  /**
   * The latest `valid_until` of a link that may expire now, per rail. A payment made before
   * `valid_upto` counts however late its notice: a link expires only once its time and the grace
   * have passed, and its rail's intake has caught up past both (after a restart, or while the bank
   * cannot be reached, credits made in time may still be on their way: the live pull, the
   * sandbox's redelivery). A rail not listed (not read here) has no cutoff: see cutoffFor.
   */
  private expiryCutoffs(reached: ExpiryCutoffs): ExpiryCutoffs {
    return { rails: reached.rails.map(([rail, t]) => [rail, t - this.cfg.notificationGraceMs]) };
  }

  /** Per rail, the time before which every credit made has been taken (its intake, less its list's lag). */
  private listedBy(reached: ExpiryCutoffs): ExpiryCutoffs {
    return { rails: reached.rails.map(([rail, t]) => [rail, t - this.intakeListingLagMs(rail)]) };
  }

  /** How far each rail's intake has caught up (by now at the latest): every credit made before it has been taken. */
  private async intakeReached(now: number): Promise<ExpiryCutoffs> {
    const rails: [string, number][] = [];
    for (const rail of this.rails.names()) rails.push([rail, Math.min(now, await this.intakeCaughtUp(rail))]);
    return { rails };
  }

  /** Expires a verification nobody paid in time (the job earlier builds enqueued per link). Idempotent. */
  async expire(refId: number): Promise<JobResult> {
    const now = this.db.clock();
    // Read before the transaction: the intake's catch-up is asked on a connection of its own, and
    // a transaction holding one while it waits for another can starve the pool (every status
    // read of an overdue link at once would hang the instance).
    return this.expireBy(refId, now, this.expiryCutoffs(await this.intakeReached(now)));
  }

  private async expireBy(refId: number, now: number, cutoffs: ExpiryCutoffs): Promise<JobResult> {
    let expired = false;
    const result = await this.db.tx(async (q): Promise<JobResult> => {
      const v = await verifications.lockByRef(q, refId, this.db.forUpdate);
      if (!v || v.status !== 'created') return { done: true };
      if (!isOverdue(v, now, this.cfg.notificationGraceMs)) return { retryAt: v.validUntil! + this.cfg.notificationGraceMs };
      const cutoff = cutoffFor(cutoffs, v.rail);
      if (cutoff === null) throw new UnknownRail(v.rail); // for an instance that reads it (JobRunner's `needs`)
      if (!(v.validUntil! < cutoff)) return { retryAt: now + 5_000 }; // its rail is catching up
      // Its payment may be an entry of the bank's listing set aside for the operator: it waits.
      if (await setAside.holds(q, v)) return { retryAt: now + 60_000 };
      expired = await this.markExpired(q, refId, now);
      return { done: true };
    });
    if (expired) this.onWork(); // its webhook is due now
    return result;
  }

  /**
   * Moves a verification still `created` to `expired` with its event; false when it had already
   * left `created`. One with a decline held on it fails instead: the decline was made in time.
   */
  private async markExpired(q: Queryable, refId: number, now: number): Promise<boolean> {
    if (await this.failByDecline(q, refId, now)) return true;
    if (!(await verifications.finish(q, refId, 'expired', now, 'link_expired'))) return false;
    await this.emit(q, refId, 'verification.expired', now);
    return true;
  }

  /**
   * Sends a credit back, as real banks take refunds: every attempt carries its own reference
   * (credit id and attempt number); attempt n+1 is sent only once attempt n is known to have
   * failed. An attempt whose outcome is unknown is asked about, with backoff, before anything
   * else; "not found" is unknown until a grace after the send (status APIs lag). A refund still
   * unsettled after a while goes to the operator's review and is never resent blindly.
   */
  async reverse(creditId: string, lease?: { jobId: number; worker: string }): Promise<JobResult> {
    const c = await credits.get(this.db, creditId);
    if (!c || c.refundStatus === 'success') return { done: true };
    const rail = this.rails.byName(c.rail);
    const now = this.db.clock(); // retry times are run_at, which jobs are claimed by (queue.claim)

    // An attempt in flight with no reference of its own was sent by an older build, under the
    // credit's one refund key: that is the one to ask about.
    const inFlight = c.refundStatus === 'initiated' ? (c.refundReference ?? c.refundKey) : null;
    if (inFlight) {
      // When the question is asked, by the store's clock, which the send time is measured by
      // (credits.sendFence): taken after the credit was read and before the bank is asked.
      const asked = await storeNow(this.db);
      let known: RefundOutcome | null;
      try {
        known = await this.bounded(rail.refundStatus(inFlight, c.amountPaise));
      } catch (err) {
        known = { status: 'unknown', reason: String((err as Error).message ?? err) };
      }
      let sentBy: number | undefined;
      if (known === null) {
        // No send time only on a row from before any build recorded one (see credits' sentAt).
        const sentAt = c.refundSentAt ?? c.receivedAt;
        if (c.refundRef !== null) {
          // The bank answered this attempt with its record (pending): it has it, whatever its
          // status API says for now. Never "not received": keep asking (review comes in time).
          known = { status: 'unknown', reason: 'accepted by the bank, not shown by its status API yet' };
        } else if (asked < sentAt + this.cfg.refundNotFoundGraceMs) {
          known = { status: 'unknown', reason: 'not found yet (the status may lag the send)' };
        } else {
          // Past the grace the bank never received it: that attempt failed, a new one may go.
          // Recorded only if no sender passed the attempt's fence since it was read (sentBy):
          // its sender can then never send it (the fence wants it `initiated`).
          known = { status: 'failed', reason: 'not_received_by_bank' };
          sentBy = sentAt;
        }
      }
      return this.recordRefund(c, known, sentBy);
    }

    // The previous attempt (if any) is known to have failed: one more, unless it is time for review.
    if (await this.toReview(c, now)) return { done: true };
    // A failure this run did not record (an answer that came after the deadline, to the late
    // handler) is backed off from when it was recorded, as one this run records is (recordRefund).
    const held = this.failedBackoff(c, now);
    if (held !== null) return held;
    const attempt = c.refundAttempts + 1;
    // The first attempt goes under the credit's refund key: for a credit an older build recorded
    // that is its old key, which an older instance still running would ask about too.
    const reference = attempt === 1 ? c.refundKey : refundReference(c.id, attempt);
    const started = await this.db.tx(async (q) => {
      if (!(await credits.startAttempt(q, c.id, attempt, reference, now))) return false;
      if (c.disposition === 'verified' && c.refId) await this.emit(q, c.refId, 'reversal.updated', now);
      return true;
    });
    if (!started) return { retryAt: now + this.cfg.refundPollMs }; // another runner moved it: look again
    // Fenced: this run may stall between recording the attempt and sending it (long enough for
    // its lease to run out and another run to judge the attempt never received and send the
    // next one). The rail asks the fence right before the request goes out, and nothing is sent
    // unless this run still holds the job and the attempt is still current and `initiated`.
    const fence = () => credits.sendFence(this.db, c.id, attempt, lease);
    let outcome: RefundOutcome;
    const sent = { ...c, refundAttempts: attempt, refundStatus: 'initiated' as const, refundReference: reference, refundSentAt: now, refundRef: null };
    try {
      outcome = await this.bounded(
        rail.refund({ key: reference, attempt, bankTxnId: c.bankTxnId, utr: c.utr, amountPaise: c.amountPaise, payerVpa: c.payer.vpa, fence }),
        // Answered after RAIL_TIMEOUT_MS (the deadline counts the send check too): the bank's
        // answer is still recorded for this attempt (recordAttempt keeps to it), so that its
        // reference, the record that the bank took it, is not lost with the deadline.
        (late) => {
          if (late.status === 'unknown') return;
          // Only while the attempt is still `initiated` (no send time is later than this bound):
          // an outcome the job has learnt meanwhile stands.
          this.recordRefund(sent, late, Number.MAX_SAFE_INTEGER).catch((err) => this.log.warn({ credit: c.id, reference, err: String(err) }, 'a late refund answer could not be recorded; the job will ask'));
        },
      );
    } catch (err) {
      if (err instanceof NotSent) {
        this.log.warn({ credit: c.id, reference, attempt }, 'refund attempt not sent: this run no longer holds it');
        return { retryAt: this.db.clock() + this.cfg.refundPollMs };
      }
      outcome = { status: 'unknown', reason: String((err as Error).message ?? err) };
    }
    return this.recordRefund(sent, outcome);
  }

  /**
   * The wait before the attempt after a failed one, counted from when the failure was recorded;
   * null when it is over. Checked against the backoff's shortest draw, so that the job's own
   * retry, set by a full draw from the same moment, always finds it over.
   */
  private failedBackoff(c: Credit, now: number): JobResult | null {
    if (c.refundStatus !== 'failed' || c.refundAttempts === 0 || c.refundUpdatedAt === null) return null;
    const base = this.cfg.refundRetryBaseMs;
    const shortest = backoffMs(c.refundAttempts, base, REFUND_BACKOFF_CAP_MS, () => 0);
    if (now >= c.refundUpdatedAt + shortest) return null;
    const next = c.refundUpdatedAt + backoffMs(c.refundAttempts, base, REFUND_BACKOFF_CAP_MS);
    return { retryAt: Math.min(next, this.reviewDue(c)) };
  }

  /** When a refund still unsettled goes to review: counted from when it fell due, not from the credit. */
  private reviewDue(c: Credit): number {
    return c.receivedAt + this.cfg.reversalDelayMs + this.cfg.refundReviewAfterMs;
  }

  /**
   * Moves a refund unsettled for too long to the operator's review; true when it is (now) there.
   * `refusal`: the bank's books contradict the gateway's (see BOOKS_DISAGREE), review at once.
   */
  private async toReview(c: Credit, now: number, refusal?: string): Promise<boolean> {
    if (c.refundReviewAt !== null) return true;
    // Review sets aside attempts that did not settle; a refund never attempted has none, and its
    // first attempt goes however late its job runs (retried from the dead letters, behind a backlog).
    if (c.refundAttempts === 0 || (refusal === undefined && now < this.reviewDue(c))) return false;
    await this.db.tx((q) => credits.setReview(q, c.id, now));
    this.log.error(
      { credit: c.id, bank_txn_id: c.bankTxnId, utr: c.utr, attempts: c.refundAttempts, reason: refusal ?? c.refundError },
      refusal === undefined
        ? 'refund unsettled for too long: set aside for the operator (needs_review), no new attempt will be sent'
        : 'refund refused by the bank, whose books disagree with ours: set aside for the operator (needs_review), no new attempt will be sent',
    );
    return true;
  }

  /** `sentBy`: the outcome is a "never received" judgement (see credits.recordAttempt). */
  private async recordRefund(c: Credit, o: RefundOutcome, sentBy?: number): Promise<JobResult> {
    const now = this.db.clock();
    const sentAt = c.refundSentAt ?? now;
    const poll = () => now + pollDelayMs(now - sentAt, this.cfg.refundPollMs, this.cfg.refundPollCapMs);
    if (o.status === 'unknown') {
      this.log.warn({ credit: c.id, reference: c.refundReference, reason: o.reason }, 'refund outcome unknown; will ask the rail');
      await this.toReview(c, now); // only once it is due
      return { retryAt: poll(), error: o.reason };
    }
    const status = o.status === 'pending' ? 'initiated' : o.status;
    // A first answer with the bank's reference is written even when the status stays
    // `initiated`: it is the record that the bank took this attempt (see reverse).
    const acknowledged = 'ref' in o && c.refundRef === null;
    if (status !== c.refundStatus || o.status === 'failed' || acknowledged) {
      const written = await this.db.tx(async (q) => {
        const ok = await credits.recordAttempt(q, c.id, c.refundAttempts, {
          status,
          ref: 'ref' in o ? o.ref : null,
          error: o.status === 'failed' ? o.reason : null,
          at: now,
          sentBy,
        });
        const moved = status !== c.refundStatus || o.status === 'failed';
        if (ok && moved && c.disposition === 'verified' && c.refId) await this.emit(q, c.refId, 'reversal.updated', now);
        return ok;
      });
      // Another run moved the refund on since this one read it (a later attempt, or the
      // operator's settle): this answer is about the past. Read the credit again before acting.
      if (!written) {
        this.log.warn({ credit: c.id, reference: c.refundReference, status: o.status }, 'refund answer about an attempt no longer current; not recorded');
        return { retryAt: now + this.cfg.refundPollMs };
      }
    }
    if (o.status === 'success') {
      this.log.info({ credit: c.id, utr: c.utr, reference: c.refundReference, attempts: c.refundAttempts }, 'refund settled');
      return { done: true };
    }
    if (o.status !== 'failed') {
      await this.toReview(c, now); // only once it is due
      return { retryAt: poll() };
    }
    this.log.warn({ credit: c.id, reference: c.refundReference, reason: o.reason, attempts: c.refundAttempts }, 'refund attempt failed');
    const refusal = BOOKS_DISAGREE.has(o.reason) ? o.reason : undefined;
    if (await this.toReview({ ...c, refundStatus: 'failed' }, now, refusal)) return { done: true };
    // Not past the review time yet: the next attempt after the backoff, but never later than that
    // time, when the refund goes to review (and reads FAILED) instead of up to an hour after it.
    const next = now + backoffMs(c.refundAttempts, this.cfg.refundRetryBaseMs, REFUND_BACKOFF_CAP_MS);
    return { retryAt: Math.min(next, this.reviewDue(c)), error: o.reason };
  }

  /**
   * The operator's word on a refund no job will move on (in review, or its job dead), after
   * checking with the bank that the rupee reached the payer (by one of the attempts, or by other
   * means): recorded as returned, and its dead job closed. Null when the credit is neither: a
   * live job may still send an attempt, and the operator's word would race it.
   */
  async settleOwed(creditId: string, note: string): Promise<Credit | null> {
    const now = this.db.clock();
    const done = await this.db.tx(async (q) => {
      const c = await credits.get(q, creditId, this.db.forUpdate);
      if (!c || c.refundStatus === 'success') return false;
      if (c.refundReviewAt === null && !(await allDead(q, refundJobKeys(c.id)))) return false;
      await credits.setRefund(q, c.id, { status: 'success', error: `settled by the operator: ${note}`, at: now });
      // Closed, not left among the dead letters: a retry would find the refund settled anyway.
      await closeDead(q, refundJobKeys(c.id), now);
      if (c.disposition === 'verified' && c.refId) await this.emit(q, c.refId, 'reversal.updated', now);
      return true;
    });
    if (done) this.onWork();
    return done ? credits.get(this.db, creditId) : null;
  }

  // ------------------------------------------------------------------ helpers

  /** A rail call that takes too long throws, which callers treat as an unknown outcome. */
  private bounded<T>(call: Promise<T>, late?: (value: T) => void): Promise<T> {
    return withDeadline(call, this.cfg.railTimeoutMs, late);
  }

  /** Records an event in the caller's transaction (also used by the mobile use cases). */
  async emit(q: Queryable, refId: number, type: EventType, at: number, merchant?: Merchant | null) {
    const v = await verifications.byRef(q, refId);
    if (!v) return;
    const e: DomainEvent = { id: newId('evt'), merchantId: v.merchantId, type, verification: v, at };
    // Read in this transaction by the caller: its webhook settings need no second read.
    if (merchant?.id === v.merchantId) e.merchant = merchant;
    await q.query('INSERT INTO events (id, merchant_id, type, ref_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      e.id,
      e.merchantId,
      e.type,
      refId,
      JSON.stringify(v),
      at,
    ]);
    await this.onEvent(q, e);
  }

  private merchantOf(q: Queryable, id: string): Promise<Merchant | null> {
    return merchants.get(q, id);
  }

  creditsOf(refId: number) {
    return credits.forVerification(this.db, refId);
  }
}

