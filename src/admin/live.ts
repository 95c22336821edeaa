// The operator's view of money in live mode: reconciliation against the bank's statement, refunds
// set aside for review (unsettled too long: never resent blindly), and entries of the bank's
// credit listing set aside because the gateway could not read them (one may be a payment).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { credits } from '../store/repository.js';
import { setAside, type SetAsideEntry } from '../store/set-aside.js';
import { mobileVerifications, type UnsettledPayout } from '../store/mobile.js';
import type { Credit } from '../engine/types.js';
import { refundJobKeys } from '../engine/verifications.js';
import { jobStates } from '../jobs/queue.js';
import { DAY_MS, istDate, istMidnight } from '../engine/india-time.js';
import { AdminError } from './errors.js';
import { PagedQuery, pagedList, pageOf, positionOf } from './pages.js';
import { ConnectorError } from '../rails/connector/rail.js';

const ReconcileQuery = Type.Object({
  from: Type.String({ maxLength: 40, description: 'ISO 8601 date, a day in India from its midnight IST, or a time with its zone (inclusive)' }),
  to: Type.String({ maxLength: 40, description: 'ISO 8601 date or a time with its zone (exclusive; a bare date means the end of that day in India)' }),
});
const CreditParams = Type.Object({ credit_id: Type.String({ maxLength: 64 }) });
const SettleBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S', description: 'What the bank confirmed' }) },
  { additionalProperties: false },
);
const SetAsideQuery = Type.Composite([
  Type.Object({
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')], { description: 'open (default): not resolved yet' })),
  }),
  PagedQuery,
]);
const SetAsideParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ResolveBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: 'What became of it: recorded once the connector sent it again, not a payment, returned at the bank...',
    }),
  },
  { additionalProperties: false },
);

/**
 * An ISO 8601 time with its zone, or NaN. Each field is checked: Date.parse rolls 2026-02-31
 * over into March, 24:00 into the next day.
 */
function timeWithZone(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, sec = '0', zh = '0', zm = '0'] = m.slice(1);
  const day = new Date(Date.UTC(+y, +mo - 1, +d));
  if (day.getUTCFullYear() !== +y || day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d) return NaN;
  if (+h > 23 || +mi > 59 || +sec > 59 || +zh > 23 || +zm > 59) return NaN;
  return Date.parse(s);
}

/**
 * A period's bounds from `from`/`to`: a bare date is a day in India (from its midnight IST, as
 * the bank's statement of that day), and a bare date `to` covers that whole day.
 */
export function period(from: string, to: string): { from: number; to: number } | string {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const bound = (s: string) => {
    // A time says its zone: read in the server's own, 10:00 would be another hour than the caller's.
    if (!date.test(s)) return timeWithZone(s);
    const ms = istMidnight(s);
    return Number.isFinite(ms) && istDate(ms) === s ? ms : NaN; // 2026-02-31 is no day
  };
  const f = bound(from);
  let t = bound(to);
  if (!Number.isFinite(f)) return 'from must be an ISO 8601 date or a time with its zone (Z or +05:30)';
  if (!Number.isFinite(t)) return 'to must be an ISO 8601 date or a time with its zone (Z or +05:30)';
  if (date.test(to)) t += DAY_MS;
  if (t <= f) return 'to must be after from';
  if (t - f > 31 * DAY_MS) return 'a period is at most 31 days';
  return { from: f, to: t };
}

export const refundView = (c: Credit) => ({
  credit_id: c.id,
  bank_txn_id: c.bankTxnId,
  utr: c.utr,
  ref_id: c.refId,
  disposition: c.disposition,
  amount: (c.amountPaise / 100).toFixed(2),
  refund_status: c.refundReviewAt !== null && c.refundStatus !== 'success' ? 'needs_review' : c.refundStatus,
  refund_attempts: c.refundAttempts,
  refund_reference: c.refundReference,
  refund_error: c.refundError,
  received_at: new Date(c.receivedAt).toISOString(),
  review_since: c.refundReviewAt === null ? null : new Date(c.refundReviewAt).toISOString(),
});

/**
 * Credits whose rupee has not gone back yet, oldest first (admin API and command line), with the
 * state of the job that returns it: `dead` (it gave up: nothing moves until the operator retries
 * it, `dead_job_id`, or settles the refund), `scheduled`, or `none` (a refund in review has none).
 */
export async function owedRefunds(s: Services, limit: number, after?: string) {
  const o = await credits.outstanding(s.db, limit + 1, positionOf(after));
  const page = pageOf(o.items, limit, (c) => ({ at: c.receivedAt, id: c.id }));
  const overdueBefore = Date.now() - s.cfg.refundAlertMs;
  const jobs = await jobStates(s.db, page.items.map((c) => c.id), refundJobKeys);
  return {
    count: o.total,
    amount: (o.totalPaise / 100).toFixed(2),
    overdue_after_hours: s.cfg.refundAlertMs / 3_600_000,
    items: page.items.map((c) => {
      const j = jobs.get(c.id);
      const job = !j ? 'none' : j.live ? 'scheduled' : 'dead';
      return { ...refundView(c), overdue: c.receivedAt < overdueBefore, job, dead_job_id: job === 'dead' ? j!.deadId : null };
    }),
    next: page.next,
  };
}

/** Refunds set aside for the operator (needs_review), oldest first: no new attempt is sent for them. */
export async function refundsInReview(s: Services, limit: number, after?: string) {
  const r = await credits.inReview(s.db, limit + 1, positionOf(after));
  const page = pageOf(r.items, limit, (c) => ({ at: c.receivedAt, id: c.id }));
  return { count: r.total, items: page.items.map(refundView), next: page.next };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const payoutView = (p: UnsettledPayout) => ({
  ref_id: p.refId,
  merchant_id: p.merchantId,
  mode: p.mode,
  verification_id: p.verificationId,
  rail: p.rail,
  amount: (p.amountPaise / 100).toFixed(2),
  payout_key: p.payoutKey,
  // initiated: sent, the bank has not answered with its record yet; accepted: the bank has it, pending.
  payout_state: p.payoutState,
  sent_at: iso(p.sentAt),
  asks: p.asks,
  last_answer: p.lastAnswer,
  next_ask: iso(p.nextAsk),
  dead_since: iso(p.deadAt),
});

/**
 * Mobile penny drops whose payout is unsettled at the bank past REFUND_REVIEW_HOURS: the gateway
 * keeps asking and never closes them unsent (the rupee may have gone), so the operator checks
 * each at the bank by its payout key.
 */
export async function unsettledPayouts(s: Services, limit: number, after?: string) {
  const at = positionOf(after, true);
  const u = await mobileVerifications.unsettled(s.db, Date.now() - s.cfg.refundReviewAfterMs, limit + 1, at && { at: at.at, id: Number(at.id) });
  const page = pageOf(u.items, limit, (p) => ({ at: p.sentAt, id: String(p.refId) }));
  return { count: u.total, review_after_hours: s.cfg.refundReviewAfterMs / 3_600_000, items: page.items.map(payoutView), next: page.next };
}

/** Entries set aside in this state, oldest first, a page at a time (admin API and CLI). */
export async function setAsidePage(s: Services, state: 'open' | 'resolved' | 'all', limit: number, after?: string) {
  const r = await setAside.list(s.db, state, limit + 1, positionOf(after));
  const page = pageOf(r.items, limit, (e) => ({ at: e.seenAt, id: e.id }));
  return { count: r.total, items: await Promise.all(page.items.map((e) => setAsideView(s, e))), next: page.next };
}

/** An entry set aside, with the credit recorded since under its bank_txn_id (sent again once fixed), if any. */
export async function setAsideView(s: Services, e: SetAsideEntry) {
  const c = e.bankTxnId ? await credits.byBankTxn(s.db, e.rail, e.bankTxnId) : null;
  return {
    id: e.id,
    rail: e.rail,
    problem: e.problem,
    raw: e.raw,
    bank_txn_id: e.bankTxnId,
    tr: e.tr,
    holds: e.holds,
    after_cursor: e.afterCursor,
    position: e.position,
    seen_at: new Date(e.seenAt).toISOString(),
    recorded_credit: c ? { credit_id: c.id, ref_id: c.refId, disposition: c.disposition } : null,
    resolved_at: e.resolvedAt === null ? null : new Date(e.resolvedAt).toISOString(),
    resolution: e.resolution,
  };
}

export function liveAdminApi(app: FastifyInstance, s: Services) {
  const security = [{ AdminToken: [] }];
  const tags = ['Admin'];

  app.get<{ Querystring: Static<typeof ReconcileQuery> }>(
    '/reconciliation',
    { schema: { tags, security, summary: "The bank's statement for a period against the gateway's records: every difference", querystring: ReconcileQuery } },
    async (req) => {
      if (!s.reconciliation) throw new AdminError(409, 'live_mode_off', 'Reconciliation needs a bank connector (BANK_CONNECTOR_URL).');
      const p = period(req.query.from, req.query.to);
      if (typeof p === 'string') throw new AdminError(400, 'invalid_request', p);
      try {
        return await s.reconciliation.run(p.from, p.to);
      } catch (err) {
        if (err instanceof ConnectorError) throw new AdminError(502, 'bank_unavailable', `The bank connector did not give its statement: ${err.message}`);
        throw err;
      }
    },
  );

  pagedList(app, '/refunds/review', 'Refunds unsettled too long, set aside for the operator (needs_review), oldest first: no new attempt is sent', (limit, after) =>
    refundsInReview(s, limit, after),
  );
  pagedList(
    app,
    '/payouts/unsettled',
    'Mobile penny drops whose payout the bank has left unsettled past REFUND_REVIEW_HOURS, oldest first: still asked about, never closed unsent; check each at the bank',
    (limit, after) => unsettledPayouts(s, limit, after),
  );

  app.get<{ Querystring: Static<typeof SetAsideQuery> }>(
    '/bank/set-aside',
    {
      schema: {
        tags,
        security,
        summary: "Entries of the bank's credit listing the gateway could not read, set aside as the bank wrote them; open ones hold back the expiry of the links they may pay",
        querystring: SetAsideQuery,
      },
    },
    async (req) => setAsidePage(s, req.query.state ?? 'open', Number(req.query.limit ?? 100), req.query.after),
  );

  app.post<{ Params: Static<typeof SetAsideParams>; Body: Static<typeof ResolveBody> }>(
    '/bank/set-aside/:id/resolve',
    { schema: { tags, security, summary: 'Record what became of an entry set aside; the links it held may then expire', params: SetAsideParams, body: ResolveBody } },
    async (req) => {
      const e = await resolveSetAside(s, req.params.id, req.body.note);
      if (!e) throw new AdminError(404, 'not_found', 'no open entry set aside with that id');
      return setAsideView(s, e);
    },
  );

  app.post<{ Params: Static<typeof CreditParams>; Body: Static<typeof SettleBody> }>(
    '/refunds/:credit_id/settle',
    { schema: { tags, security, summary: 'Record a refund in review as returned, once the bank confirmed it', params: CreditParams, body: SettleBody } },
    async (req) => {
      const c = await s.engine.settleOwed(req.params.credit_id, req.body.note);
      if (!c) throw new AdminError(404, 'not_found', 'no refund in review (or with its job dead) with that credit id');
      return refundView(c);
    },
  );
}

/** Resolves an open entry set aside (admin API and console); the sweep then expires the links it held. */
export async function resolveSetAside(s: Services, id: string, note: string): Promise<SetAsideEntry | null> {
  const e = await s.db.tx((q) => setAside.resolve(q, id, note, Date.now()));
  if (e) s.engine.onWork();
  return e;
}
