// Merchant webhooks: written in the transaction of the event (outbox), delivered at least once
// with a stable event id, retried with exponential backoff and jitter for a day, and logged
// attempt by attempt. Deliveries run on their own runner, capped per merchant across every
// instance, so a slow or dead receiver holds up neither the API nor other merchants.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { rowsAfter, type Db, type ListPlace, type Queryable, type Row } from '../store/db.js';
import type { Config } from '../config.js';
import type { DomainEvent, Logger } from '../engine/verifications.js';
import type { Merchants } from '../engine/merchants.js';
import type { Verification } from '../engine/types.js';
import { merchantSettings, merchants as merchantRows } from '../store/repository.js';
import { backoffMs } from '../engine/state.js';
import { WEBHOOK_FORMATS } from '../dialects/webhooks.js';
import { claimIds, enqueue, type Job } from './queue.js';
import type { JobResult } from './runner.js';
import { checkWebhookUrl, deliverableTo, guardedLookup, PlainHttpRefused, WebhookAddressError } from './webhook-address.js';

/** An event that cannot be signed in a dialect: the merchant lacks the secret it is signed with. */
export class UnsignableEvent extends Error {}

/** A 2xx within this long makes a receiver `quick` (see lanesQuery). */
const QUICK_MS = 1000;
/** A merchant's own webhook signing secret: 8-256 printable ASCII characters, no spaces. */
export const WEBHOOK_SECRET = { minLength: 8, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' } as const;

export const JOB_WEBHOOK = 'webhook.deliver';
/** A delivery's status: pending until delivered or given up (failed). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export interface WebhookConfig {
  url: string;
  dialect: string;
  secret: string;
}

const toDelivery = (r: Row) => ({
  id: r.id as string,
  merchant_id: r.merchant_id as string,
  event_type: r.event_type as string,
  dialect: r.dialect as string,
  url: r.url as string,
  ref_id: r.ref_id as number | null,
  status: r.status as 'pending' | 'delivered' | 'failed',
  attempts: r.attempts as number,
  next_attempt_at: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
  give_up_at: new Date(r.give_up_at).toISOString(),
  created_at: new Date(r.created_at).toISOString(),
  delivered_at: r.delivered_at === null ? null : new Date(r.delivered_at).toISOString(),
  body: r.body as string | null,
});

/**
 * How a merchant's receiver answered its last attempt (table webhook_receivers, one row per
 * merchant, shared by the instances): `quick`, a 2xx within a second; `answers`, a slower 2xx;
 * `failing`, no answer in time, refused, or not a 2xx. No row: not tried since its URL was set.
 * Its tried_at, kept for failing receivers, takes them in turn (see lanesQuery).
 */
export type Standing = 'quick' | 'answers' | 'failing';

// The open delivery jobs, the kind written out, not a parameter: only then may the store use the
// partial index jobs_lanes.
const OPEN_DELIVERY_JOB = `j.kind = '${JOB_WEBHOOK}' AND j.done_at IS NULL AND j.dead_at IS NULL`;
// The jobs table (as j) read by lane: SQLite, without statistics, would rather take the kind's due
// jobs (jobs_due_by_kind), so it is told.
const byLane = (db: Pick<Db, 'kind'>) => (db.kind === 'sqlite' ? 'jobs j INDEXED BY jobs_lanes' : 'jobs j');

/**
 * The due deliveries a webhook runner may take, oldest first. The queue is one line for every
 * merchant: enough dead receivers would hold every slot for their timeout, again at each retry,
 * with everyone else's events waiting behind them. So per merchant, no more are taken than its
 * receiver's share less its deliveries in flight on every instance (leased jobs): one for a
 * failing receiver; half of the runner's slots (parameter `quick`) for a quick one, so that a
 * merchant taking hundreds of verifications a second is not held to WEBHOOK_PER_MERCHANT;
 * WEBHOOK_PER_MERCHANT (`share`) otherwise. And of the receivers not known to answer (failing,
 * or not tried), no more than `room`, what is left of their half of this instance's slots: the
 * other half is for those that answer. Those go in turn, not oldest event first (a dead
 * receiver's backlog is always oldest): receivers not yet tried first, then the failing one
 * tried longest ago. A merchant at its share, or whose receiver asked for a pause (Retry-After,
 * paused_until), is passed over in the claim: its waiting deliveries are never written. A job
 * without a lane whose delivery is gone is taken: its run closes it.
 *
 * Its cost grows with the merchants that have deliveries open, not with the deliveries: each
 * job carries its merchant (its lane, migration 38), the merchants are found by a skip scan of
 * the index jobs_lanes (one probe each), and of each no more than the largest share is read (a
 * LATERAL join on PostgreSQL; on SQLite, which has none, a correlated IN). A dead receiver's
 * backlog of a hundred thousand is read a few rows at a time. Jobs an older instance added
 * without a lane (a rolling upgrade) are given theirs before the pick (giveLanes), and until then
 * found apart, their merchant read from the delivery (ordered by lane first, or PostgreSQL walks
 * every due job of the kind for them).
 */
export function lanesQuery(
  db: Pick<Db, 'kind' | 'now'>,
  p: { dueBy: number; quick: number; share: number; room: number; limit: number },
): { sql: string; params: unknown[] } {
  const clock = db.now;
  const open = OPEN_DELIVERY_JOB;
  const jobs = byLane(db);
  const free = `j.run_at <= ? AND (j.locked_until IS NULL OR j.locked_until < ${clock})`;
  const firstOfLane = `SELECT j.id, j.run_at FROM ${jobs} WHERE j.lane = l.lane AND ${open} AND ${free} ORDER BY j.run_at, j.id LIMIT ?`;
  const laned =
    db.kind === 'postgres'
      ? `SELECT x.id, x.run_at, l.lane FROM lanes l CROSS JOIN LATERAL (${firstOfLane}) x WHERE l.lane IS NOT NULL`
      : `SELECT x.id, x.run_at, l.lane FROM lanes l JOIN jobs x ON x.id IN (${firstOfLane.replace('SELECT j.id, j.run_at', 'SELECT j.id')}) WHERE l.lane IS NOT NULL`;
  const sql = `WITH RECURSIVE lanes(lane) AS (
    SELECT (SELECT j.lane FROM ${jobs} WHERE ${open} AND j.lane IS NOT NULL ORDER BY j.lane LIMIT 1)
    UNION ALL
    SELECT (SELECT j.lane FROM ${jobs} WHERE ${open} AND j.lane > lanes.lane ORDER BY j.lane LIMIT 1)
      FROM lanes WHERE lanes.lane IS NOT NULL),
  busy AS (
    SELECT COALESCE(j.lane, d.merchant_id) AS lane, COUNT(*) AS n FROM jobs j LEFT JOIN webhook_deliveries d ON j.lane IS NULL AND d.id = j.subject
     WHERE j.kind = ? AND j.locked_until >= ${clock} AND j.done_at IS NULL
     GROUP BY COALESCE(j.lane, d.merchant_id)),
  cand AS (
    ${laned}
    UNION ALL
    SELECT * FROM (SELECT j.id, j.run_at, d.merchant_id AS lane FROM ${jobs} LEFT JOIN webhook_deliveries d ON d.id = j.subject
      WHERE j.lane IS NULL AND ${open} AND ${free} ORDER BY j.lane, j.run_at, j.id LIMIT ?) unlaned),
  due AS (
    SELECT cand.id, cand.run_at, cand.lane, r.standing, r.tried_at,
           ROW_NUMBER() OVER (PARTITION BY cand.lane ORDER BY cand.run_at, cand.id) AS nth
      FROM cand LEFT JOIN webhook_receivers r ON r.merchant_id = cand.lane
     WHERE r.paused_until IS NULL OR r.paused_until <= ?),
  fit AS (
    SELECT due.id, due.run_at, due.nth, due.standing, due.tried_at,
           CASE WHEN due.lane IS NOT NULL AND (due.standing IS NULL OR due.standing = 'failing') THEN 1 ELSE 0 END AS unproven
      FROM due LEFT JOIN busy ON busy.lane = due.lane
     WHERE due.lane IS NULL OR due.nth + COALESCE(busy.n, 0) <= CASE due.standing WHEN 'failing' THEN 1 WHEN 'quick' THEN ? ELSE ? END),
  ranked AS (SELECT id, run_at, unproven,
      ROW_NUMBER() OVER (PARTITION BY unproven ORDER BY nth, CASE WHEN standing IS NULL THEN 0 ELSE 1 END, COALESCE(tried_at, 0), run_at, id) AS k
    FROM fit)
  SELECT id, unproven FROM ranked WHERE unproven = 0 OR k <= ? ORDER BY run_at, id LIMIT ?`;
  // Of a lane, no more than the largest share (a quick receiver's) can be taken.
  const most = Math.max(p.quick, p.share);
  return {
    sql,
    params: [JOB_WEBHOOK, p.dueBy, most, p.dueBy, p.limit, p.dueBy, p.quick, p.share, p.room, p.limit],
  };
}

/**
 * Up to 500 open delivery jobs without a lane (giveLanes), in the index's order: unordered,
 * PostgreSQL, counting the other kinds' jobs (which have no lane) in its estimate, reads the whole
 * jobs table at every claim instead of jobs_lanes.
 */
export const unlanedSql = (db: Pick<Db, 'kind'>) =>
  `SELECT j.id FROM ${byLane(db)} JOIN webhook_deliveries d ON d.id = j.subject WHERE j.lane IS NULL AND ${OPEN_DELIVERY_JOB}
    ORDER BY j.lane, j.run_at, j.id LIMIT 500`;

/**
 * One row if a delivery job is due (run_at <= ?) and not running: one probe of the kind's due
 * jobs in run_at order (jobs_due_by_kind), passing over those in flight. The claim asks it first,
 * as lanesQuery's skip scan visits every merchant with a delivery open, due or not: with thousands
 * of merchants whose retries all wait for later, each poll would pay for all of them to find
 * nothing. Ordered, or PostgreSQL may take a LIMIT 1 for a cheap walk of the whole table.
 */
export const anyDueSql = (db: Pick<Db, 'kind' | 'now'>) =>
  `SELECT 1 AS due FROM jobs j${db.kind === 'sqlite' ? ' INDEXED BY jobs_due_by_kind' : ''}
    WHERE ${OPEN_DELIVERY_JOB} AND j.run_at <= ? AND (j.locked_until IS NULL OR j.locked_until < ${db.now}) ORDER BY j.run_at LIMIT 1`;

/** What one attempt's POST came to: the receiver's status (null: no answer) and when it asked to be tried again. */
type SendResult = { statusCode: number | null; error: string | null; retryAfterMs?: number | null };

/**
 * A Retry-After on a 429 or a 503 (RFC 9110: seconds, or an HTTP date), in milliseconds from
 * `now`; null for any other answer, or a value that is neither.
 */
export function retryAfterMs(status: number | undefined, header: string | undefined, now: number): number | null {
  if ((status !== 429 && status !== 503) || !header) return null;
  const h = header.trim();
  if (/^\d{1,10}$/.test(h)) return Number(h) * 1000;
  const at = Date.parse(h);
  return Number.isFinite(at) && /[a-z]/i.test(h) ? Math.max(0, at - now) : null;
}

export class Webhooks {
  /** Jobs running here whose receiver was not known to answer when they were claimed. */
  private unprovenHeld = new Set<number>();
  onWork: () => void = () => {};

  constructor(
    private db: Db,
    private merchants: Merchants,
    private cfg: Config,
    private log: Logger,
    private upiLink: (v: Verification) => string,
    private qr: (text: string) => Promise<string>,
  ) {}

  // ------------------------------------------------------------------ configuration

  /** `secretChoice`: true makes a new one, a string is the merchant's own, false keeps the current one. */
  async configure(merchantId: string, url: string, dialect: string, secretChoice: boolean | string = false): Promise<WebhookConfig | null> {
    if (!WEBHOOK_FORMATS[dialect]) throw new WebhookAddressError(`dialect must be one of ${Object.keys(WEBHOOK_FORMATS).join(', ')}`);
    if (url.length > 2048) throw new WebhookAddressError('url is longer than 2048 characters');
    const checked = await checkWebhookUrl(url, this.cfg.webhookAllowPrivate, this.cfg.webhookAllowHttp);
    let secret = '';
    let before: string | undefined;
    const m = await this.merchants.updateSettings(merchantId, (s) => {
      before = s.webhook?.url;
      secret =
        typeof secretChoice === 'string'
          ? secretChoice
          : s.webhook && !secretChoice
            ? this.merchants.unseal(s.webhook.secretSealed)
            : `whsec_${randomBytes(24).toString('base64url')}`;
      return { ...s, webhook: { url: checked.toString(), dialect: dialect as any, secretSealed: this.merchants.seal(secret) } };
    });
    if (!m) return null;
    // Another receiver: how the last one answered says nothing of it.
    if (before !== m.settings.webhook!.url) await this.forgetReceiver(merchantId);
    return { url: m.settings.webhook!.url, dialect, secret };
  }

  private async forgetReceiver(merchantId: string) {
    await this.db.query('DELETE FROM webhook_receivers WHERE merchant_id = ?', [merchantId]);
  }

  async current(merchantId: string): Promise<WebhookConfig | null> {
    const m = await this.merchants.get(merchantId);
    const w = m?.settings.webhook;
    return w ? { url: w.url, dialect: w.dialect, secret: this.merchants.unseal(w.secretSealed) } : null;
  }

  async remove(merchantId: string) {
    const m = await this.merchants.updateSettings(merchantId, ({ webhook: _drop, ...rest }) => rest);
    if (m) await this.forgetReceiver(merchantId);
    return m;
  }

  /**
   * Webhooks stored with a plain http URL that the rules refuse now (set before the https rule,
   * or while WEBHOOK_ALLOW_HTTP was on): every attempt of theirs fails, so the gateway says so at
   * start. The host only, not the URL, which may carry a token. Refusals on other grounds (a
   * private address, a name that does not resolve now) are not this rule's, and not named here.
   */
  async refusedUrls(): Promise<{ merchantId: string; host: string; reason: string }[]> {
    if (this.cfg.webhookAllowHttp) return [];
    const rows = await this.db.query(`SELECT id, settings FROM merchants WHERE settings LIKE ?`, ['%"url":"http:%']);
    const out: { merchantId: string; host: string; reason: string }[] = [];
    for (const r of rows) {
      let url: unknown;
      try {
        url = JSON.parse(r.settings as string)?.webhook?.url;
      } catch {
        continue;
      }
      if (typeof url !== 'string' || !url.startsWith('http:')) continue;
      try {
        await checkWebhookUrl(url, this.cfg.webhookAllowPrivate, false);
      } catch (err) {
        if (err instanceof PlainHttpRefused) out.push({ merchantId: r.id as string, host: err.host, reason: err.message });
        else if (!(err instanceof WebhookAddressError)) throw err;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ outbox

  /**
   * Runs inside the event's transaction: the delivery commits with the change, or neither does.
   * It only records where the event goes; nothing here can fail for want of a secret, so a
   * webhook problem never blocks recording money. Rendering and signing wait for delivery.
   */
  readonly onEvent = async (q: Queryable, e: DomainEvent) => {
    // An event no dialect sends (the rupee's return) needs no look at the merchant's settings.
    if (!Object.values(WEBHOOK_FORMATS).some((f) => f.eventType(e))) return;
    const m = e.merchant !== undefined ? e.merchant : await merchantRows.get(q, e.merchantId);
    const hook = m?.settings.webhook;
    const eventType = hook && WEBHOOK_FORMATS[hook.dialect]?.eventType(e);
    if (!hook || !eventType) return;
    await q.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_type, dialect, url, ref_id, status, next_attempt_at,
         give_up_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      [e.id, e.merchantId, eventType, hook.dialect, hook.url, e.verification.refId, e.at, e.at + this.cfg.webhook.retryForMs, e.at],
    );
    await enqueue(q, { kind: JOB_WEBHOOK, subject: e.id, runAt: e.at, dedupeKey: `webhook:${e.id}`, lane: e.merchantId }, e.at);
  };

  private async secretFor(q: Queryable, kind: 'client_secret' | 'webhook_secret', merchantId: string, mode: 'test' | 'live', sealed: string) {
    return kind === 'webhook_secret' ? this.merchants.unseal(sealed) : this.merchants.clientSecret(q, merchantId, mode);
  }

  /**
   * The body of a delivery: rendered once from the event as it was, then the same bytes every
   * time (but for a signature in the body, made again by the format's resign when the secret changed).
   */
  private async body(d: Row, secret: string): Promise<string> {
    if (d.body !== null) return d.body;
    // The event came with the delivery (deliver's statement) while the body was not rendered.
    if (d.event_payload === null) throw new Error(`event ${d.id} is missing`);
    const e: DomainEvent = { id: d.id, merchantId: d.merchant_id, type: d.event_kind, verification: JSON.parse(d.event_payload), at: d.event_at };
    const body = await WEBHOOK_FORMATS[d.dialect].render(e, secret, { q: this.db, upiLink: this.upiLink, qr: this.qr });
    // Another instance may have rendered it first: send what is stored.
    const [stored] = await this.db.query('UPDATE webhook_deliveries SET body = COALESCE(body, ?) WHERE id = ? RETURNING body', [body, d.id]);
    if (!stored) throw new Error(`delivery ${d.id} is missing`);
    return stored.body;
  }

  // ------------------------------------------------------------------ delivery

  /**
   * Gives their merchant's lane to delivery jobs an older instance queued without one (during a
   * rolling upgrade), a few hundred at a time: left apart, the oldest of them would hide the
   * others from the claim. A read that finds none (the rule once every instance is upgraded) is
   * one index probe (unlanedSql), and no write.
   */
  private async giveLanes() {
    const ids = await this.db.query(unlanedSql(this.db));
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE jobs SET lane = (SELECT d.merchant_id FROM webhook_deliveries d WHERE d.id = jobs.subject)
        WHERE lane IS NULL AND id IN (${ids.map(() => '?').join(', ')})`,
      ids.map((r) => Number(r.id)),
    );
  }

  /** Whether any delivery job is due and not running (anyDueSql). */
  private async anyDue(dueBy: number): Promise<boolean> {
    return (await this.db.query(anyDueSql(this.db), [dueBy])).length > 0;
  }

  /** The webhook runner's claim (RunnerOptions.claim): see lanesQuery. */
  readonly claim = async (worker: string, limit: number, leaseMs: number): Promise<Job[]> => {
    await this.giveLanes();
    const dueBy = this.db.clock();
    if (!(await this.anyDue(dueBy))) return [];
    const { perMerchant, concurrency } = this.cfg.webhook;
    const half = Math.max(1, Math.floor(concurrency / 2));
    const room = Math.max(0, half - this.unprovenHeld.size);
    const q = lanesQuery(this.db, { dueBy, quick: Math.max(perMerchant, half), share: perMerchant, room, limit });
    const picked = await this.db.query(q.sql, q.params);
    if (picked.length === 0) return [];
    const jobs = await claimIds(this.db, worker, picked.map((r) => Number(r.id)), leaseMs);
    const unproven = new Set(picked.filter((r) => Number(r.unproven) === 1).map((r) => Number(r.id)));
    for (const j of jobs) if (unproven.has(Number(j.id))) this.unprovenHeld.add(Number(j.id));
    return jobs;
  };

  /** One run of the delivery job `jobId` (the runner's job id) for delivery `id`. */
  async deliver(id: string, jobId?: number): Promise<JobResult> {
    try {
      return await this.deliverOnce(id, jobId);
    } finally {
      if (jobId !== undefined) this.unprovenHeld.delete(Number(jobId));
    }
  }

  private async deliverOnce(id: string, jobId?: number): Promise<JobResult> {
    // With what an attempt needs, in one statement: the merchant's settings (its webhook and the
    // secret sealed for it), the mode of the verification (which key's secret signs a Cashfree
    // event) and, until the body is rendered, the event it is rendered from.
    const [d] = await this.db.query(
      `SELECT d.*, m.settings AS merchant_settings, v.mode AS verification_mode, r.standing AS receiver_standing,
         e.type AS event_kind, e.created_at AS event_at, CASE WHEN d.body IS NULL THEN e.payload END AS event_payload
       FROM webhook_deliveries d LEFT JOIN merchants m ON m.id = d.merchant_id
         LEFT JOIN verifications v ON v.ref_id = d.ref_id LEFT JOIN events e ON e.id = d.id
         LEFT JOIN webhook_receivers r ON r.merchant_id = d.merchant_id
       WHERE d.id = ?`,
      [id],
    );
    if (!d || d.status !== 'pending') return { done: true };
    if (d.replays > 0 && jobId !== undefined) {
      // A replayed delivery may have a second job: the replay's, made while an attempt was on its
      // way (see replay). One attempt at a time: wait for an attempt another job has on its way;
      // a job older than another still open has been taken over by that one.
      const [o] = await this.db.query(
        // Leases are set by the store's clock (jobs/queue.ts): read by it too.
        `SELECT COUNT(CASE WHEN id > ? THEN 1 END) AS newer, COUNT(CASE WHEN locked_until >= ${this.db.now} THEN 1 END) AS running
           FROM jobs WHERE kind = ? AND subject = ? AND id <> ? AND done_at IS NULL AND dead_at IS NULL`,
        [jobId, JOB_WEBHOOK, id, jobId],
      );
      if (Number(o.newer) > 0) return { done: true };
      if (Number(o.running) > 0) return { retryAt: this.db.clock() + 250 };
    }
    // The merchant's share was kept by the claim (lanesQuery).
    return this.attempt(d);
  }

  private async attempt(d: Row): Promise<JobResult> {
    const format = WEBHOOK_FORMATS[d.dialect];
    // No settings: the merchant is gone (its column is never null).
    const hook = d.merchant_settings === null ? undefined : merchantSettings(d.merchant_settings).webhook;
    let secret: string | null = null;
    let secretError: string | null = null;
    try {
      secret = hook ? await this.secretFor(this.db, format.signedWith, d.merchant_id, d.verification_mode ?? 'test', hook.secretSealed) : null;
    } catch (err) {
      secretError = `cannot open the signing secret (is SECRET_KEY the one it was sealed with?): ${(err as Error).message}`;
    }
    // Sent where the merchant's webhook points now: a URL set since the event replaced the one
    // recorded with it, which may be gone or no longer the merchant's. A webhook switched to
    // another dialect since is another receiver; the event, worded for the first, stays its.
    const url: string = hook && hook.dialect === d.dialect ? hook.url : d.url;
    const attempt = d.attempts + 1;
    const started = Date.now();
    let result: SendResult;
    // A body signed again (the secret changed since it was rendered): stored as sent.
    let resigned: string | null = null;
    try {
      if (!secret) throw new Error(secretError ?? 'no signing secret: the webhook or key was removed');
      const stored = await this.body(d, secret);
      const body = format.resign ? format.resign(stored, secret) : stored;
      if (body !== stored) resigned = body;
      result = await this.send(url, body, format.headers({ id: d.id, body, attempt, now: started }, secret));
    } catch (err) {
      result = { statusCode: null, error: `not sent: ${(err as Error).message}` };
    }
    const latency = Date.now() - started;
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const standing: Standing = delivered ? (latency < QUICK_MS ? 'quick' : 'answers') : 'failing';
    // The next attempt's time is its job's run_at, due by the store's clock (queue.claim), as is
    // give_up_at: by this instance's own clock a retry would come early, or late, by the skew.
    const now = this.db.clock();
    let next: number | null = null;
    let pausedUntil: number | null = null;
    let status = 'pending';
    if (delivered) status = 'delivered';
    else {
      next = now + backoffMs(attempt, this.cfg.webhook.retryBaseMs, this.cfg.webhook.retryCapMs);
      // A receiver that says when to come back (429 or 503 with Retry-After) is not asked sooner,
      // nor later than the longest backoff: a Retry-After of days would end the event unsent.
      if (result.retryAfterMs) {
        pausedUntil = now + Math.min(result.retryAfterMs, this.cfg.webhook.retryCapMs);
        next = Math.max(next, pausedUntil);
      }
      if (next > d.give_up_at) (status = 'failed'), (next = null);
    }
    let replayed = false;
    await this.db.tx(async (q) => {
      await q.query(
        `INSERT INTO webhook_attempts (delivery_id, attempt, url, started_at, status_code, latency_ms, error, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [d.id, attempt, url, started, result.statusCode, latency, result.error, next],
      );
      if (url !== d.url) await q.query('UPDATE webhook_deliveries SET url = ? WHERE id = ?', [url, d.id]);
      // How the merchant's receiver answered, if this went to it (not to a URL it has left, nor in
      // a dialect it no longer takes). Written when it changes, and at every failure (tried_at,
      // for taking failing receivers in turn): an answering receiver's attempts share no row lock.
      const current = hook !== undefined && hook.url === url && hook.dialect === d.dialect;
      // A Retry-After pauses the receiver, not only this event (lanesQuery): the merchant's other
      // deliveries wait with it. A later pause replaces an earlier one; an answer without one
      // leaves it (an attempt under way when the pause came may end after it).
      if (current && (standing !== d.receiver_standing || standing === 'failing') && (await this.stillPointsAt(q, d, url))) {
        await q.query(
          `INSERT INTO webhook_receivers (merchant_id, standing, changed_at, tried_at, paused_until) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (merchant_id) DO UPDATE SET standing = excluded.standing, tried_at = excluded.tried_at,
             changed_at = CASE WHEN webhook_receivers.standing = excluded.standing THEN webhook_receivers.changed_at ELSE excluded.changed_at END,
             paused_until = COALESCE(excluded.paused_until, webhook_receivers.paused_until)`,
          [d.merchant_id, standing, now, now, pausedUntil],
        );
      }
      if (resigned !== null) await q.query('UPDATE webhook_deliveries SET body = ? WHERE id = ?', [resigned, d.id]);
      // Only if no replay came while this attempt was on its way: the operator asked for one more
      // delivery after it, so this outcome is logged but neither ends nor reschedules the delivery.
      const ended = await q.query(
        'UPDATE webhook_deliveries SET attempts = ?, status = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ? AND replays = ? RETURNING id',
        [attempt, status, next, delivered ? now : null, d.id, d.replays],
      );
      if (ended.length === 0) {
        replayed = true;
        await q.query('UPDATE webhook_deliveries SET attempts = ? WHERE id = ? AND attempts < ?', [attempt, d.id, attempt]);
      }
    });
    if (!delivered) {
      this.log.warn({ delivery: d.id, attempt, status_code: result.statusCode, error: result.error, next_attempt_at: next }, 'webhook not delivered');
    }
    // Replayed meanwhile: run again now; the next run hands over to the replay's job if it has one.
    if (replayed) return { retryAt: now };
    return next === null ? { done: true } : { retryAt: next, error: result.error ?? `HTTP ${result.statusCode}` };
  }

  /**
   * Whether the merchant's webhook is still `url` in `d`'s dialect, read in the attempt's
   * transaction (the merchant's row locked on PostgreSQL): a URL set while the attempt was on
   * its way forgets the receiver (configure), and the attempt must not write it back.
   */
  private async stillPointsAt(q: Queryable, d: Row, url: string): Promise<boolean> {
    const [m] = await q.query(`SELECT settings FROM merchants WHERE id = ?${this.db.forUpdate}`, [d.merchant_id]);
    const hook = m ? merchantSettings(m.settings).webhook : undefined;
    return hook?.url === url && hook.dialect === d.dialect;
  }

  /** One POST: status code or why there was none. Redirects are not followed. */
  private send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const rules = { allowPrivate: this.cfg.webhookAllowPrivate, clear: target.protocol === 'http:' && !this.cfg.webhookAllowHttp };
    const refused = isIP(host) ? deliverableTo(host, rules) : null;
    if (refused) return Promise.resolve({ statusCode: null, error: `address ${host} is not allowed: ${refused}` });
    const timeoutMs = this.cfg.webhook.timeoutMs;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => {
        if (!settled) (settled = true), resolve(r);
      };
      const req = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'pennygate-webhooks/0.1',
          },
          lookup: guardedLookup(rules.allowPrivate, rules.clear) as any,
          timeout: timeoutMs,
        },
        (res) => {
          // The status line is the receiver's answer: a 2xx accepts the event whatever follows it
          // (a body that never ends counted as a timeout, and the event went again for a day).
          finish({ statusCode: res.statusCode ?? null, error: null, retryAfterMs: retryAfterMs(res.statusCode, res.headers['retry-after'], Date.now()) });
          // The body is not needed: a short one is drained so the socket may be reused; past
          // 64 KB the connection is dropped (a receiver streaming an endless body would otherwise
          // be read until the deadline, its slot already given to the next delivery).
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > 65_536) req.destroy();
          });
          res.on('error', () => {});
        },
      );
      // One deadline for the whole exchange, not only for idle sockets.
      const timer = setTimeout(() => {
        finish({ statusCode: null, error: `timeout after ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => finish({ statusCode: null, error: err.code ? `${err.code}: ${err.message}` : err.message }));
      req.on('close', () => clearTimeout(timer));
      req.end(body);
    });
  }

  // ------------------------------------------------------------------ local tools

  /**
   * An event as the merchant's receiver would get it in `dialect`: the body a delivery of it
   * sent (the same bytes, its body signature made with the current secret), else rendered now,
   * and the signed headers of a first attempt.
   * Null when the dialect has no such event.
   */
  async signed(eventId: string, dialect: string, now = Date.now()): Promise<{ eventType: string; body: string; headers: Record<string, string> } | null> {
    const format = WEBHOOK_FORMATS[dialect];
    if (!format) throw new WebhookAddressError(`dialect must be one of ${Object.keys(WEBHOOK_FORMATS).join(', ')}`);
    const [ev] = await this.db.query('SELECT * FROM events WHERE id = ?', [eventId]);
    if (!ev) return null;
    const e: DomainEvent = { id: ev.id, merchantId: ev.merchant_id, type: ev.type, verification: JSON.parse(ev.payload), at: ev.created_at };
    const eventType = format.eventType(e);
    if (!eventType) return null;
    const m = await this.merchants.get(e.merchantId);
    const secret =
      format.signedWith === 'webhook_secret'
        ? m?.settings.webhook
          ? this.merchants.unseal(m.settings.webhook.secretSealed)
          : null
        : await this.merchants.clientSecret(this.db, e.merchantId, e.verification.mode);
    if (!secret) {
      throw new UnsignableEvent(
        format.signedWith === 'webhook_secret'
          ? `${dialect} events are signed with the webhook secret: set the merchant's webhook first`
          : `${dialect} events are signed with the merchant's ${e.verification.mode} client secret, and it has no active ${e.verification.mode} key`,
      );
    }
    const [d] = await this.db.query('SELECT body, dialect FROM webhook_deliveries WHERE id = ?', [eventId]);
    const rendered =
      d?.body && d.dialect === dialect ? (d.body as string) : await format.render(e, secret, { q: this.db, upiLink: this.upiLink, qr: this.qr });
    // Signed with the secret the headers use, as a delivery attempt is.
    const body = format.resign ? format.resign(rendered, secret) : rendered;
    return { eventType, body, headers: { ...format.headers({ id: e.id, body, attempt: 1, now }, secret), 'content-type': 'application/json' } };
  }

  // ------------------------------------------------------------------ delivery log

  /** The merchant's deliveries, newest first (created_at, then id): up to `limit` after `after`. */
  async list(merchantId: string, limit = 50, after: ListPlace | null = null) {
    const page = rowsAfter('created_at', 'id', 'desc', after);
    const rows = await this.db.query(
      `SELECT * FROM webhook_deliveries WHERE merchant_id = ?${page.sql} ORDER BY created_at DESC, id DESC LIMIT ?`,
      [merchantId, ...page.params, limit],
    );
    return rows.map(toDelivery);
  }

  async get(id: string) {
    const [d] = await this.db.query('SELECT * FROM webhook_deliveries WHERE id = ?', [id]);
    if (!d) return null;
    const attempts = await this.db.query('SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt', [id]);
    return {
      ...toDelivery(d),
      attempt_log: attempts.map((a) => ({
        attempt: a.attempt,
        url: a.url,
        at: new Date(a.started_at).toISOString(),
        status_code: a.status_code,
        latency_ms: a.latency_ms,
        error: a.error,
        next_attempt_at: a.next_attempt_at === null ? null : new Date(a.next_attempt_at).toISOString(),
      })),
    };
  }

  /**
   * Sends an event again now (same id and body), whatever became of it before: one more attempt
   * at least, logged, and retried until delivered. With an attempt on its way, after it.
   */
  async replay(id: string) {
    const now = this.db.clock();
    const found = await this.db.tx(async (q) => {
      const [d] = await q.query(`SELECT id, merchant_id FROM webhook_deliveries WHERE id = ?${this.db.forUpdate}`, [id]);
      if (!d) return null;
      // replays moves so that an attempt on its way now does not end the delivery (see attempt).
      await q.query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, give_up_at = ?, replays = replays + 1 WHERE id = ?",
        [now, now + this.cfg.webhook.retryForMs, id],
      );
      // A dead job (it kept failing) is brought back too: moving its run_at alone would leave it
      // where no runner claims it, and the replay would send nothing. A job a live worker holds is
      // left to it: its attempt may already have ended the delivery, and the runner then closes
      // the job; the replay gets a job of its own, which waits for that attempt (see deliver).
      const moved = await q.query(
        `UPDATE jobs SET run_at = ?, dead_at = NULL, failures = 0
          WHERE kind = ? AND subject = ? AND done_at IS NULL AND (locked_by IS NULL OR locked_until < ${this.db.now}) RETURNING id`,
        [now, JOB_WEBHOOK, id],
      );
      if (moved.length === 0) await enqueue(q, { kind: JOB_WEBHOOK, subject: id, runAt: now, lane: d.merchant_id }, now);
      return d.merchant_id as string;
    });
    if (found) {
      // The operator asks for it now: a pause its receiver asked for (Retry-After) ends. Apart
      // from the transaction above: an attempt locks the receiver's row before its delivery's.
      await this.db.query('UPDATE webhook_receivers SET paused_until = NULL WHERE merchant_id = ? AND paused_until IS NOT NULL', [found]);
      this.onWork();
    }
    return found ? this.get(id) : null;
  }
}
