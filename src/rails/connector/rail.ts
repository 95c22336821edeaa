// The live rail: any acquiring bank, behind an adapter that implements docs/bank-connector.md.
// Every call is signed; an error, a 5xx or no answer in time is an unknown outcome, never a
// failure: the money may have moved, so the engine asks by reference before anything else.
import type { LiveConfig } from '../../config.js';
import { passFence, type MobileResolution, type PayoutOutcome, type PayoutRequest, type Rail, type RefundOutcome, type RefundRequest } from '../rail.js';
import { REQUEST_SIGNATURE, REQUEST_TIMESTAMP, signRequest, timestampNow } from './signing.js';
import { itemTexts, type WirePayout, type WireRefund, type WireStatement } from './wire.js';
import { hasBadText } from '../../web/nul-guard.js';

export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The connector's own error body, `{"error": {"code": "..."}}` (docs/bank-connector.md, Errors). */
const connectorError = (j: any): boolean =>
  j !== null && typeof j === 'object' && j.error !== null && typeof j.error === 'object' && typeof j.error.code === 'string' && j.error.code !== '';

export class ConnectorRail implements Rail {
  readonly name = 'connector';

  constructor(
    private cfg: LiveConfig,
    private timeoutMs: number,
  ) {}

  payee() {
    return { vpa: this.cfg.payeeVpa, name: this.cfg.payeeName, mc: this.cfg.mcc };
  }

  /** A signed call; resolves with the status, the body and its JSON, throws when there is no answer. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any; text: string }> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const ts = timestampNow();
    const headers: Record<string, string> = {
      [REQUEST_TIMESTAMP]: ts,
      [REQUEST_SIGNATURE]: signRequest(this.cfg.secret, ts, method, path, raw),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let r: Response;
    try {
      r = await fetch(this.cfg.connectorUrl + path, { method, headers, body: body === undefined ? undefined : raw, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // fetch says only "fetch failed": why (ECONNREFUSED, ENOTFOUND, a reset) is its cause's code,
      // named in the message (a dead letter's last_error) and kept as the cause for the log.
      const code = (err as { cause?: { code?: unknown } })?.cause?.code;
      const why = typeof code === 'string' ? ` (${code})` : '';
      throw new ConnectorError(`bank connector ${method} ${path.split('?')[0]}: ${(err as Error).message}${why}`, null, { cause: err });
    }
    const text = await r.text().catch(() => '');
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: r.status, json, text };
  }

  private async expect(method: 'GET' | 'POST', path: string, body?: unknown, notFound = false): Promise<any> {
    const json = (await this.answer(method, path, body, notFound))?.json ?? null;
    // A NUL or half a surrogate pair (escaped in the JSON) cannot be stored (PostgreSQL refuses
    // it): a malformed answer, so no answer. The credits pull reads its entries one by one instead
    // (parseCreditEvent), setting such an entry aside without stopping at it.
    if (json !== null && hasBadText(json)) throw new ConnectorError(`bank connector ${method} ${path.split('?')[0]} answered text with NUL characters or unpaired surrogates`, 200);
    return json;
  }

  private async answer(method: 'GET' | 'POST', path: string, body?: unknown, notFound = false) {
    const r = await this.call(method, path, body);
    // "None" only from the connector itself: a 404 page of a proxy or load balancer in front of it
    // (a redeploy, a wrong route) says nothing of the bank's records, and taken as none it would
    // let a refund or payout the bank has be judged never received (a second rupee sent).
    if (notFound && r.status === 404 && connectorError(r.json)) return null;
    if (r.status < 200 || r.status > 299 || !r.json || typeof r.json !== 'object') {
      throw new ConnectorError(`bank connector ${method} ${path.split('?')[0]} answered ${r.status}`, r.status);
    }
    return r;
  }

  // ------------------------------------------------------------------ refunds

  async refund(req: RefundRequest): Promise<RefundOutcome> {
    // The last thing before the request leaves; a refusal (or a fence that fails) sends nothing.
    await passFence(req.fence);
    try {
      const r: WireRefund = await this.expect('POST', '/v1/refunds', {
        reference: req.key,
        attempt: req.attempt,
        bank_txn_id: req.bankTxnId,
        utr: req.utr,
        amount_paise: req.amountPaise,
        payer_vpa: req.payerVpa,
      });
      return refundOutcome(r, req.key, req.amountPaise);
    } catch (err) {
      return { status: 'unknown', reason: (err as Error).message };
    }
  }

  async refundStatus(reference: string, amountPaise: number): Promise<RefundOutcome | null> {
    const r: WireRefund | null = await this.expect('GET', `/v1/refunds/${encodeURIComponent(reference)}`, undefined, true);
    return r ? refundOutcome(r, reference, amountPaise) : null;
  }

  // ------------------------------------------------------------------ mobile and payouts

  async resolveMobile(mobile: string): Promise<MobileResolution> {
    try {
      const r = await this.expect('GET', `/v1/mobiles/${encodeURIComponent(mobile)}`);
      if (r.status === 'linked' && typeof r.vpa === 'string') {
        return { status: 'linked', vpa: r.vpa, name: r.name ?? null, additionalVpas: Array.isArray(r.additional_vpas) ? r.additional_vpas : [] };
      }
      if (r.status === 'not_linked') return { status: 'not_linked' };
      if (r.status === 'flagged') return { status: 'flagged', reason: String(r.reason ?? 'flagged') };
      return { status: 'unknown', reason: `unexpected mobile status ${JSON.stringify(r.status)}` };
    } catch (err) {
      return { status: 'unknown', reason: (err as Error).message };
    }
  }

  async payout(req: PayoutRequest): Promise<PayoutOutcome> {
    await passFence(req.fence);
    try {
      const r: WirePayout = await this.expect('POST', '/v1/payouts', {
        reference: req.key,
        vpa: req.vpa,
        amount_paise: req.amountPaise,
        note: req.note,
      });
      return payoutOutcome(r, req.key, req.amountPaise);
    } catch (err) {
      return { status: 'unknown', reason: (err as Error).message };
    }
  }

  async payoutStatus(reference: string, amountPaise: number): Promise<PayoutOutcome | null> {
    const r: WirePayout | null = await this.expect('GET', `/v1/payouts/${encodeURIComponent(reference)}`, undefined, true);
    return r ? payoutOutcome(r, reference, amountPaise) : null;
  }

  // ------------------------------------------------------------------ pull and statement

  /**
   * Credits and failed attempts after `cursor` (null: from the start), oldest first, as parsed
   * (unchecked: see parseCreditEvent) and as the bank wrote each (`texts`).
   */
  async creditsSince(cursor: string | null, limit = 100): Promise<{ items: unknown[]; texts: string[]; nextCursor: string | null }> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('after', cursor);
    const { json: r, text } = (await this.answer('GET', `/v1/credits?${q}`))!;
    if (!Array.isArray(r.items)) throw new ConnectorError('bank connector /v1/credits answered without items', 200);
    // Without the cursor after these items the listing cannot be followed: taken as read to its
    // end, every credit past this page would never be recorded while links expired as unpaid.
    if (typeof r.next_cursor !== 'string') {
      throw new ConnectorError('bank connector /v1/credits answered without a next_cursor string', 200);
    }
    const found = itemTexts(text);
    const texts = found?.length === r.items.length ? found : r.items.map((x: unknown) => JSON.stringify(x) ?? String(x));
    return { items: r.items, texts, nextCursor: r.next_cursor as string };
  }

  async statement(from: number, to: number): Promise<WireStatement> {
    const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const r = await this.expect('GET', `/v1/statement?${q}`);
    for (const k of ['credits', 'refunds', 'payouts']) {
      if (!Array.isArray(r[k])) throw new ConnectorError(`bank connector statement has no ${k} list`, 200);
    }
    return r as WireStatement;
  }
}

/**
 * What a refund record says of the attempt `reference` for `amountPaise`. A record of another
 * reference is no answer about it (unknown): another attempt's "failed" would let a further one
 * go. One of this reference for another amount shows the bank has the attempt but not that the
 * rupee went back: unsettled (pending) whatever its status, so never counted returned, nor failed,
 * nor "not received"; it is asked about until the operator's review.
 */
function refundOutcome(r: WireRefund, reference: string, amountPaise: number): RefundOutcome {
  if (r.reference !== reference) return { status: 'unknown', reason: `the bank answered the record of ${JSON.stringify(r.reference)} for ${reference}` };
  if (r.amount_paise !== amountPaise) return { status: 'pending', ref: r.bank_ref ?? r.reference };
  if (r.status === 'success' || r.status === 'pending') return { status: r.status, ref: r.bank_ref ?? r.reference };
  if (r.status === 'failed') return { status: 'failed', reason: r.reason ?? 'refund_failed' };
  return { status: 'unknown', reason: `unexpected refund status ${JSON.stringify(r.status)}` };
}

/**
 * What a payout record says of the payout `reference` for `amountPaise`, as for refunds: a record
 * of another reference is no answer (unknown), or another payout's beneficiary would be reported
 * as this drop's account. One of this reference for another amount shows the bank has the payout
 * but not that the rupee was paid: pending whatever its status, so neither verified nor failed
 * (nor "not sent"); it is asked about again.
 */
function payoutOutcome(r: WirePayout, reference: string, amountPaise: number): PayoutOutcome {
  if (r.reference !== reference) return { status: 'unknown', reason: `the bank answered the record of ${JSON.stringify(r.reference)} for ${reference}` };
  if (r.amount_paise !== amountPaise) return { status: 'pending', ref: r.reference };
  if (r.status === 'success' && r.beneficiary && r.utr) {
    const b = r.beneficiary;
    return { status: 'success', utr: r.utr, beneficiary: { vpa: b.vpa, name: b.name, account: b.account, ifsc: b.ifsc, accountType: b.account_type } };
  }
  if (r.status === 'failed') return { status: 'failed', reason: r.reason ?? 'payout_failed' };
  if (r.status === 'pending') return { status: 'pending', ref: r.reference };
  return { status: 'unknown', reason: `unexpected payout status ${JSON.stringify(r.status)}` };
}
