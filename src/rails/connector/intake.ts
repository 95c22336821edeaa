// What comes in from the live bank: signed credit notifications, and the pull of credits since
// the stored cursor, which recovers every notification the bank dropped or never re-sent.
import type { Db } from '../../store/db.js';
import type { LiveConfig } from '../../config.js';
import type { IntakeOutcome, RailInbox } from '../rail.js';
import type { Logger } from '../../engine/verifications.js';
import type { ConnectorRail } from './rail.js';
import { NOTIFY_SIGNATURE, NOTIFY_TIMESTAMP, signNotification, signatureProblem } from './signing.js';
import { parseCreditEvent, setAsideFacts, toCreditNotice, toFailedAttempt, type WireCreditEvent } from './wire.js';
import { setAside } from '../../store/set-aside.js';
import { newId } from '../../engine/ids.js';

export type NotificationAnswer =
  | { status: 200; body: { outcome: IntakeOutcome } }
  | { status: 400 | 401; body: { error: { code: string; message: string } } };

const MESSAGES: Record<string, string> = {
  missing_signature: `${NOTIFY_TIMESTAMP} and ${NOTIFY_SIGNATURE} are required.`,
  invalid_signature: 'The signature does not match the body (HMAC-SHA256 of "<timestamp>.<raw body>").',
  stale_timestamp: 'The timestamp is outside the accepted window: sign every delivery afresh.',
  replayed: 'This signed notification was taken before: sign every delivery afresh.',
};

export class BankIntake {
  private timer: NodeJS.Timeout | null = null;
  private pulling: Promise<void> | null = null;
  /** When the last pull that read the bank's list to its end began (0: none yet, in this process). */
  private caughtUpAt = 0;
  /** Pulls asked for later (pullAt), by the second they begin. */
  private pullsDue = new Map<number, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private db: Db,
    readonly rail: ConnectorRail,
    private inbox: RailInbox,
    private cfg: LiveConfig,
    private log: Logger,
    /** How late the bank's list may show a credit (NOTIFICATION_GRACE): a pull vouches for credits made that long before it began. */
    readonly listingLagMs = 0,
  ) {}

  /**
   * A notification as it arrived. Nothing is applied unless its signature holds, its timestamp
   * is fresh and it was not taken before; the answer is given after the credit is committed.
   */
  async notification(raw: string, headers: Record<string, string | string[] | undefined>): Promise<NotificationAnswer> {
    const ts = header(headers, NOTIFY_TIMESTAMP);
    const sig = header(headers, NOTIFY_SIGNATURE);
    // The window, the guard's record and its sweep all read the store's clock: by each instance's
    // own, an instance ahead swept a signature that one behind still took as fresh (a replay).
    const now = this.db.clock();
    const problem = signatureProblem(signNotification(this.cfg.secret, ts ?? '', raw), ts, sig, this.cfg.toleranceMs, now);
    if (problem) return this.refuse(problem);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { status: 400, body: { error: { code: 'invalid_notification', message: 'The body is not JSON.' } } };
    }
    const e = parseCreditEvent(parsed);
    if (typeof e === 'string') return { status: 400, body: { error: { code: 'invalid_notification', message: e } } };
    // The replay guard: a signature is taken once (a fresh delivery has a fresh timestamp).
    const fresh = await this.db.query(
      'INSERT INTO bank_notification_signatures (signature, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING signature',
      [sig, now],
    );
    if (fresh.length === 0) return this.refuse('replayed');
    try {
      const outcome = await this.apply(e, raw);
      // A decline made in time fails its link once a pull has read the bank's list past it and
      // its lag (Engine.failedAttempt): one begun then, not at the next interval (and one now,
      // for what is listed already).
      if (e.type !== 'credit' && outcome === 'applied') {
        this.pullAgain();
        this.pullAt((toFailedAttempt(e).at ?? this.db.clock()) + this.listingLagMs);
      }
      return { status: 200, body: { outcome } };
    } catch (err) {
      // Not taken: let an identical retry through.
      await this.db.query('DELETE FROM bank_notification_signatures WHERE signature = ?', [sig]).catch(() => undefined);
      throw err;
    }
  }

  private refuse(code: string): NotificationAnswer {
    this.log.warn({ reason: code }, 'bank notification refused');
    return { status: 401, body: { error: { code, message: MESSAGES[code] ?? code } } };
  }

  /** `raw`: the event as the bank wrote it (kept if it contradicts the credit recorded under its id). */
  private async apply(e: WireCreditEvent, raw: string): Promise<IntakeOutcome> {
    if (e.type !== 'credit') return this.inbox.failedAttempt(this.rail.name, toFailedAttempt(e));
    return this.inbox.credit(this.rail.name, toCreditNotice(e), raw);
  }

  // ------------------------------------------------------------------ the pull

  start() {
    const tick = () => {
      void this.pull().catch((err) => this.log.warn({ err: String(err?.message ?? err) }, 'pulling credits from the bank failed; will try again'));
    };
    tick();
    this.timer = setInterval(tick, this.cfg.pullEveryMs);
    this.timer.unref();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.pullsDue.values()) clearTimeout(t);
    this.pullsDue.clear();
  }

  /**
   * A pull that begins once the store's clock reads `at`. Asked for by every held decline, so they
   * are grouped by the second (one timer each), and not kept past stop().
   */
  private pullAt(at: number) {
    if (this.stopped) return;
    const second = Math.ceil(at / 1000) * 1000;
    if (this.pullsDue.has(second)) return;
    const timer = setTimeout(() => {
      this.pullsDue.delete(second);
      if (!this.stopped) this.pullAgain();
    }, Math.max(0, second - this.db.clock()) + 10);
    timer.unref();
    this.pullsDue.set(second, timer);
  }

  /** A pull that begins from now: after the one under way, if any (it may have begun before). */
  private pullAgain() {
    const run = () => void this.pull().catch((err) => this.log.warn({ err: String(err?.message ?? err) }, 'pulling credits from the bank failed; will try again'));
    if (this.pulling) void this.pulling.then(run, run);
    else run();
  }

  /** Takes every credit the bank lists after the stored cursor. Concurrent calls share one run. */
  pull(): Promise<void> {
    this.pulling ??= (async () => {
      // By the store's clock, as the valid_until it is compared with (Engine.expiryCutoffs).
      const started = this.db.clock();
      if (await this.pullPages()) this.caughtUpAt = Math.max(this.caughtUpAt, started);
    })().finally(() => (this.pulling = null));
    return this.pulling;
  }

  /**
   * Every credit the bank made before this time has been taken: by a notification, or by a pull
   * (this process's or another instance's, which moved the shared cursor past it) that read the
   * bank's list to its end and began then. Unpaid links wait for it to pass their time
   * (Engine.expiryCutoffs): until the first pull after a start, or while the bank cannot be read.
   */
  caughtUpTo(): number {
    return this.caughtUpAt;
  }

  /** True when it read the bank's list to its end. */
  private async pullPages(): Promise<boolean> {
    // Kept until no instance could take its timestamp again (by the store's clock, as it was taken).
    await this.db.query('DELETE FROM bank_notification_signatures WHERE received_at < ?', [this.db.clock() - 2 * this.cfg.toleranceMs]);
    for (let page = 0; page < 50; page++) {
      const [row] = await this.db.query('SELECT cursor FROM bank_cursors WHERE rail = ?', [this.rail.name]);
      const cursor: string | null = row?.cursor ?? null;
      const { items, texts, nextCursor } = await this.rail.creditsSince(cursor);
      let recovered = 0;
      for (const [position, item] of items.entries()) {
        const e = parseCreditEvent(item);
        if (typeof e === 'string') {
          // Never skipped silently (a rupee may be behind it), nor left to stop the pull (every
          // credit after it, and the expiry of every live link, would wait for an operator): set
          // aside as the bank wrote it, committed before the cursor moves past it, and shown to
          // the operator until resolved. The links it may pay wait for that (Engine.expireDue).
          await this.setAside(cursor, position, texts[position], item, e);
          continue;
        }
        const outcome = await this.apply(e, texts[position]);
        if (outcome !== 'duplicate') recovered++;
      }
      if (recovered > 0) this.log.warn({ recovered }, 'credits recovered by the pull (their notifications never arrived)');
      if (nextCursor === null || nextCursor === cursor) return true;
      // Moves forward only from where it was read: another instance's pull may have moved it already.
      if (cursor === null) {
        await this.db.query('INSERT INTO bank_cursors (rail, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
          this.rail.name,
          nextCursor,
          Date.now(),
        ]);
      } else {
        await this.db.query('UPDATE bank_cursors SET cursor = ?, updated_at = ? WHERE rail = ? AND cursor = ?', [nextCursor, Date.now(), this.rail.name, cursor]);
      }
      if (items.length === 0) return true;
    }
    return false; // more pages than one pull reads: the next one goes on
  }

  private async setAside(cursor: string | null, position: number, raw: string, item: unknown, problem: string) {
    const facts = setAsideFacts(item);
    const entry = { id: newId('sa'), rail: this.rail.name, afterCursor: cursor ?? '', position, raw, problem, ...facts, seenAt: this.db.clock() };
    if (!(await setAside.record(this.db, entry))) return; // set aside by an earlier pull (or instance)
    this.log.error(
      { rail: entry.rail, set_aside: entry.id, cursor, position, problem, bank_txn_id: facts.bankTxnId, tr: facts.tr, holds: facts.holds },
      'the bank listed a credit the gateway cannot read: set aside for the operator (GET /admin/bank/set-aside), the pull goes on',
    );
  }

  async cursor(): Promise<{ cursor: string | null; updated_at: string | null }> {
    const [row] = await this.db.query('SELECT cursor, updated_at FROM bank_cursors WHERE rail = ?', [this.rail.name]);
    return { cursor: row?.cursor ?? null, updated_at: row ? new Date(Number(row.updated_at)).toISOString() : null };
  }
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}
