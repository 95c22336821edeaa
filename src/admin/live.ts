// The operator's view of money in live mode: reconciliation against the bank's statement, and
// refunds set aside for review (unsettled too long: never resent blindly).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { credits } from '../store/repository.js';
import type { Credit } from '../engine/types.js';
import { AdminError } from './errors.js';
import { ConnectorError } from '../rails/connector/rail.js';

const ReconcileQuery = Type.Object({
  from: Type.String({ maxLength: 40, description: 'ISO 8601 date or time (inclusive)' }),
  to: Type.String({ maxLength: 40, description: 'ISO 8601 date or time (exclusive; a bare date means the end of that day)' }),
});
const CreditParams = Type.Object({ credit_id: Type.String({ maxLength: 64 }) });
const SettleBody = Type.Object({ note: Type.String({ minLength: 1, maxLength: 500, description: 'What the bank confirmed' }) });
const ListQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })) });

/** A period's bounds from `from`/`to`: a bare date `to` covers that whole day. */
export function period(from: string, to: string): { from: number; to: number } | string {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const f = Date.parse(date.test(from) ? `${from}T00:00:00Z` : from);
  let t = Date.parse(date.test(to) ? `${to}T00:00:00Z` : to);
  if (!Number.isFinite(f) || !/^\d{4}-/.test(from)) return 'from must be an ISO 8601 date or time';
  if (!Number.isFinite(t) || !/^\d{4}-/.test(to)) return 'to must be an ISO 8601 date or time';
  if (date.test(to)) t += 86_400_000;
  if (t <= f) return 'to must be after from';
  if (t - f > 31 * 86_400_000) return 'a period is at most 31 days';
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

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/refunds/review',
    { schema: { tags, security, summary: 'Refunds unsettled too long, set aside for the operator (needs_review): no new attempt is sent', querystring: ListQuery } },
    async (req) => {
      const items = await credits.inReview(s.db, Number(req.query.limit ?? 100));
      return { count: items.length, items: items.map(refundView) };
    },
  );

  app.post<{ Params: Static<typeof CreditParams>; Body: Static<typeof SettleBody> }>(
    '/refunds/:credit_id/settle',
    { schema: { tags, security, summary: 'Record a refund in review as returned, once the bank confirmed it', params: CreditParams, body: SettleBody } },
    async (req) => {
      const c = await s.engine.settleReviewed(req.params.credit_id, req.body.note);
      if (!c) throw new AdminError(404, 'not_found', 'no refund in review with that credit id');
      return refundView(c);
    },
  );
}
