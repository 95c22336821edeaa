// `pennygate bank-simulator`: the bank side of docs/bank-connector.md, as a separate process
// for tests and demos. It uses the sandbox's payer directory and mobile mapper, keeps its
// ledger in memory, and misbehaves on request (POST /simulator/faults) as real banks do.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import { parseIntent, amountToPaise } from '../../../engine/intent.js';
import { findPayer } from '../../sandbox/directory.js';
import { findAccount, findMobile } from '../../sandbox/mobile.js';
import { NOTIFY_SIGNATURE, NOTIFY_TIMESTAMP, REQUEST_SIGNATURE, REQUEST_TIMESTAMP, signNotification, signRequest, signatureProblem, timestampNow } from '../signing.js';
import type { WireCreditEvent, WirePayout, WireRefund } from '../wire.js';
import { REFUSED_EXCEEDS_CREDIT, REFUSED_NOT_RECEIVED, REFUSED_UNKNOWN_CREDIT } from '../../rail.js';

export interface SimulatorOptions {
  port: number;
  host?: string;
  /** The gateway's base URL: notifications go to <gateway>/bank/notifications. */
  gateway: string;
  secret: string;
  /** How long a refund stays pending before it settles. */
  refundSettleMs?: number;
  /** The collection account's VPA: the only payee it credits (the gateway's LIVE_PAYEE_VPA). */
  payeeVpa?: string;
}

/** The VPA it collects for when given none: the one the docs run the gateway's live mode with. */
export const SIMULATOR_PAYEE_VPA = 'pennygate@simbank';

export interface Faults {
  notify_duplicates: number;
  notify_drop: number;
  notify_delay_ms: number;
  /**
   * Payments appear in the list of credits (the pull) ms after they were made, at its end then, as
   * by a bank whose list lags its ledger; the notification is not held by it.
   */
  list_delay_ms: number;
  refund_answer_lost: number;
  refund_decline: number;
  /**
   * The next n refunds are made whatever was already refunded of their credit, as by a bank
   * without that check (to see reconciliation list a doubled refund).
   */
  refund_overdraw: number;
  status_lag_ms: number;
  /**
   * Status queries of refunds and payouts the bank has are answered, for ms after the send, by a
   * proxy's 404 page (HTML, not the connector's error body), as during a connector's redeploy.
   */
  status_proxy_404_ms: number;
  /** The next refund request reaches the bank this late (held on the way, as in a slow network). */
  refund_delay_ms: number;
  /** The same for the next payout request. */
  payout_delay_ms: number;
  /** The next payout is made at once, but its answer reaches the gateway this late (a slow way back). */
  payout_answer_delay_ms: number;
  /** The same for the next mobile number lookup. */
  lookup_delay_ms: number;
  /** The next n payouts are made, but their POST is answered pending (no UTR, no beneficiary yet). */
  payout_pending: number;
  /**
   * The next n payouts are answered success (with a UTR and the beneficiary) but never booked: the
   * bank's statement and status API do not know them, as with a faulty adapter.
   */
  payout_unbooked: number;
  /**
   * The statement lists only the payouts the bank paid: a failed one is missing from it, though
   * the status API answers it failed (as statements of money moved do).
   */
  statement_paid_only: boolean;
  /** The next n payments are reported (notified and listed) with amount_paise as a decimal string. */
  malformed_amount: number;
  /** The next n payments are reported with their tr as a JSON number instead of a string. */
  malformed_tr: number;
  reuse_utr: boolean;
  down: boolean;
}

type HeldFault = 'refund_delay_ms' | 'payout_delay_ms' | 'lookup_delay_ms';
/** The requests a `*_delay_ms` fault holds on their way, by method and path. */
const HELD: Record<string, HeldFault> = {
  'POST /v1/refunds': 'refund_delay_ms',
  'POST /v1/payouts': 'payout_delay_ms',
  'GET /v1/mobiles/': 'lookup_delay_ms',
};

const NO_FAULTS: Faults = {
  notify_duplicates: 0,
  notify_drop: 0,
  notify_delay_ms: 0,
  list_delay_ms: 0,
  refund_answer_lost: 0,
  refund_decline: 0,
  refund_overdraw: 0,
  status_lag_ms: 0,
  status_proxy_404_ms: 0,
  refund_delay_ms: 0,
  payout_delay_ms: 0,
  payout_answer_delay_ms: 0,
  lookup_delay_ms: 0,
  payout_pending: 0,
  payout_unbooked: 0,
  statement_paid_only: false,
  malformed_amount: 0,
  malformed_tr: 0,
  reuse_utr: false,
  down: false,
};

interface Refund extends WireRefund {
  attempt: number | null;
  createdAt: number;
  settleAt: number;
}
interface Payout extends WirePayout {
  createdAt: number;
}
interface Event extends WireCreditEvent {
  seq: number;
  /** How an adapter with a bug reports it (the ledger and the statement keep it right). */
  malformed?: 'amount' | 'tr';
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const chance = (p: number) => p > 0 && Math.random() < p;

export class BankSimulator {
  faults: Faults = { ...NO_FAULTS };
  private events: Event[] = [];
  /** How many payments the list of credits holds (the last one's place: creditsSince's cursor). */
  private listedCount = 0;
  private refunds = new Map<string, Refund>();
  private payouts = new Map<string, Payout>();
  /**
   * References the status API answered 404 for while the bank had no record of them: a request
   * with one of them that arrives later is refused (the contract's "never apply a reference
   * answered 404"), since the gateway may have judged it never received and sent the next one.
   */
  private refundsNotFound = new Set<string>();
  private payoutsNotFound = new Set<string>();
  private lastUtr: string | null = null;
  private lastTs = 0;
  private server: Server | null = null;
  /** Notifications sent and what the gateway answered (for the ledger's readers). */
  deliveries: { bank_txn_id: string; status: number | null; at: string }[] = [];

  constructor(private opts: SimulatorOptions) {}

  // ------------------------------------------------------------------ the payer side

  /** `amount`, when given, is credited instead of the intent's (an app that let the payer change it, a transfer of another kind). */
  pay(upiLink: unknown, payerVpa: unknown, amount?: unknown) {
    if (typeof upiLink !== 'string' || typeof payerVpa !== 'string') throw new HttpError(400, 'invalid_request', 'upi_link and payer_vpa are required strings');
    if (amount !== undefined && (!Number.isSafeInteger(amount) || (amount as number) <= 0)) {
      throw new HttpError(400, 'invalid_amount', 'amount_paise must be a positive whole number');
    }
    const intent = parseIntent(upiLink);
    if (!intent) throw new HttpError(400, 'invalid_upi_link', 'upi_link is not a UPI intent');
    // A bank credits only its own collection account: a link made out to anyone else (the
    // sandbox's test-mode link, say) is not paid here, as no real payee bank would.
    const payee = this.opts.payeeVpa ?? SIMULATOR_PAYEE_VPA;
    if (intent.pa.toLowerCase() !== payee.toLowerCase()) {
      throw new HttpError(400, 'payee_not_here', `payee ${intent.pa} is not an account of this bank: it collects for ${payee} only`);
    }
    const payer = findPayer(payerVpa);
    if (!payer) throw new HttpError(400, 'payer_not_found', `payer_vpa ${payerVpa} is not in the directory`);
    const amountPaise = amount === undefined ? amountToPaise(intent.am) : (amount as number);
    if (amountPaise === null || amountPaise <= 0) throw new HttpError(400, 'invalid_amount', 'the intent has no valid amount');
    const utr = this.faults.reuse_utr && this.lastUtr ? this.lastUtr : digits(12);
    this.lastUtr = utr;
    const declined = payer.behaviour === 'decline_payment';
    const e: Event = {
      seq: 0, // its place in the list of credits, once listed (list)
      id: `evt_${randomBytes(8).toString('hex')}`,
      type: declined ? 'failed_attempt' : 'credit',
      bank_txn_id: `SIM${Date.now()}${digits(6)}`,
      utr,
      tr: intent.tr || null,
      amount_paise: amountPaise,
      credited_at: new Date().toISOString(),
      payer: { vpa: payer.vpa, name: payer.name, account: payer.account, ifsc: payer.ifsc, account_type: payer.accountType },
      reason: declined ? 'payer_bank_declined' : null,
    };
    if (this.faults.malformed_amount > 0) {
      this.faults.malformed_amount--;
      e.malformed = 'amount';
    } else if (this.faults.malformed_tr > 0 && e.tr) {
      this.faults.malformed_tr--;
      e.malformed = 'tr';
    }
    this.events.push(e);
    this.list(e);
    this.notify(e);
    return { utr, bank_txn_id: e.bank_txn_id, status: declined ? 'FAILURE' : 'SUCCESS' };
  }

  /** Puts the payment at the end of the list of credits: now, or list_delay_ms later. */
  private list(e: Event) {
    const put = () => (e.seq = ++this.listedCount);
    if (this.faults.list_delay_ms > 0) setTimeout(put, this.faults.list_delay_ms).unref();
    else put();
  }

  /** Sends the notification (unless down or dropped), with the delays and copies asked for. */
  private notify(e: Event) {
    const f = this.faults;
    if (f.down || chance(f.notify_drop)) return;
    const copies = 1 + Math.max(0, Math.floor(f.notify_duplicates));
    const send = async () => {
      for (let i = 0; i < copies; i++) {
        const raw = reported(e);
        // Every delivery is signed afresh, with a timestamp no other delivery had.
        this.lastTs = Math.max(Date.now(), this.lastTs + 1);
        const ts = timestampNow(this.lastTs);
        let status: number | null = null;
        try {
          const r = await fetch(`${this.opts.gateway.replace(/\/+$/, '')}/bank/notifications`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [NOTIFY_TIMESTAMP]: ts, [NOTIFY_SIGNATURE]: signNotification(this.opts.secret, ts, raw) },
            body: raw,
            signal: AbortSignal.timeout(10_000),
          });
          status = r.status;
          await r.text();
        } catch {
          /* the gateway is away: a bank that does not re-send leaves it to the pull */
        }
        this.deliveries.push({ bank_txn_id: e.bank_txn_id, status, at: new Date().toISOString() });
      }
    };
    setTimeout(() => void send(), Math.max(0, f.notify_delay_ms));
  }

  ledger() {
    const now = Date.now();
    return {
      credits: this.events.map((e) => ({
        bank_txn_id: e.bank_txn_id,
        utr: e.utr,
        tr: e.tr,
        amount_paise: e.type === 'credit' ? e.amount_paise : 0,
        payer_vpa: e.payer.vpa,
        status: e.type === 'credit' ? 'credited' : 'declined',
        credited_at: e.credited_at,
      })),
      refunds: [...this.refunds.values()].map((r) => this.refundView(r, now)),
      payouts: [...this.payouts.values()].map(({ createdAt: _c, ...p }) => p),
      /** Every notification sent, and the gateway's answer (null: no answer). */
      notifications: this.deliveries,
    };
  }

  // ------------------------------------------------------------------ the connector API (signed)

  private refundView(r: Refund, now: number): WireRefund & { attempt: number | null } {
    const status = r.status === 'pending' && now >= r.settleAt ? 'success' : r.status;
    return { reference: r.reference, bank_txn_id: r.bank_txn_id, attempt: r.attempt, amount_paise: r.amount_paise, status, bank_ref: r.bank_ref, reason: r.reason ?? null, created_at: new Date(r.createdAt).toISOString() };
  }

  private credit(txn: string) {
    return this.events.find((e) => e.bank_txn_id === txn && e.type === 'credit');
  }

  refund(b: Record<string, any>): { answer: WireRefund; lose: boolean } {
    if (typeof b.reference !== 'string' || !b.reference || b.reference.length > 128) throw new HttpError(400, 'invalid_request', 'reference is required');
    const existing = this.refunds.get(b.reference);
    // A reference is applied once; a failed one stays failed.
    if (existing) return { answer: this.refundView(existing, Date.now()), lose: false };
    if (typeof b.bank_txn_id !== 'string' || !b.bank_txn_id) throw new HttpError(400, 'invalid_request', 'bank_txn_id is required');
    if (!Number.isSafeInteger(b.amount_paise) || b.amount_paise <= 0) throw new HttpError(400, 'invalid_request', 'amount_paise must be a positive whole number');
    const c = this.credit(b.bank_txn_id);
    const now = Date.now();
    // Answered 404 before it came: refused, and the refusal is its record (a failed reference stays failed).
    const refused = this.refundsNotFound.has(b.reference);
    // A transaction it never credited has nothing to send back: refused with its record, as an
    // overdraw is, so the gateway hears a failure that moved nothing, not an unknown outcome.
    const unknown = !refused && !c;
    // As a real bank: never more back than was credited, counting the refunds of the credit made
    // or under way (a failed one moved nothing). Refused with its record: a failed reference.
    let over = !refused && !!c && this.refunded(c.bank_txn_id) + b.amount_paise > c.amount_paise;
    if (over && this.faults.refund_overdraw > 0) {
      this.faults.refund_overdraw--;
      over = false;
    }
    const declined = refused || unknown || over || chance(this.faults.refund_decline);
    const r: Refund = {
      reference: b.reference,
      bank_txn_id: b.bank_txn_id,
      attempt: Number.isSafeInteger(b.attempt) ? b.attempt : null,
      amount_paise: b.amount_paise,
      status: declined ? 'failed' : 'pending',
      bank_ref: declined ? null : digits(12),
      reason: refused ? REFUSED_NOT_RECEIVED : unknown ? REFUSED_UNKNOWN_CREDIT : over ? REFUSED_EXCEEDS_CREDIT : declined ? 'declined_by_bank' : null,
      createdAt: now,
      settleAt: now + (this.opts.refundSettleMs ?? 300),
    };
    this.refunds.set(r.reference, r);
    return { answer: this.refundView(r, now), lose: chance(this.faults.refund_answer_lost) };
  }

  /** What the refunds of a credit that went through or are going return, in paise. */
  private refunded(txn: string) {
    let sum = 0;
    for (const r of this.refunds.values()) if (r.bank_txn_id === txn && r.status !== 'failed') sum += r.amount_paise;
    return sum;
  }

  refundStatus(reference: string): WireRefund | null {
    const r = this.refunds.get(reference);
    const now = Date.now();
    if (!r) this.refundsNotFound.add(reference);
    if (!r || now < r.createdAt + this.faults.status_lag_ms) return null;
    return this.refundView(r, now);
  }

  payout(b: Record<string, any>): WirePayout {
    if (typeof b.reference !== 'string' || !b.reference || typeof b.vpa !== 'string') throw new HttpError(400, 'invalid_request', 'reference and vpa are required');
    const existing = this.payouts.get(b.reference);
    if (existing) return existing;
    if (!Number.isSafeInteger(b.amount_paise) || b.amount_paise <= 0) throw new HttpError(400, 'invalid_request', 'amount_paise must be a positive whole number');
    const a = findAccount(b.vpa);
    // Answered 404 before it came: refused (see refundsNotFound).
    const failed = this.payoutsNotFound.has(b.reference)
      ? REFUSED_NOT_RECEIVED
      : !a
        ? 'invalid_vpa'
        : a.behaviour === 'payout_declined'
          ? 'account_closed'
          : null;
    const p: Payout = {
      reference: b.reference,
      vpa: b.vpa.toLowerCase(),
      amount_paise: b.amount_paise,
      status: failed ? 'failed' : 'success',
      utr: failed ? null : digits(12),
      beneficiary: failed || !a ? null : { vpa: b.vpa.toLowerCase(), name: a.name, account: a.account, ifsc: a.ifsc, account_type: a.accountType },
      reason: failed,
      created_at: new Date().toISOString(),
      createdAt: Date.now(),
    };
    if (this.faults.payout_unbooked > 0 && !failed) {
      this.faults.payout_unbooked--;
      const { createdAt: _c, ...answer } = p;
      return answer;
    }
    this.payouts.set(p.reference, p);
    if (this.faults.payout_pending > 0 && failed !== REFUSED_NOT_RECEIVED) {
      this.faults.payout_pending--;
      return { ...p, status: 'pending', utr: null, beneficiary: null };
    }
    return p;
  }

  payoutStatus(reference: string): WirePayout | null {
    const p = this.payouts.get(reference);
    if (!p) this.payoutsNotFound.add(reference);
    if (!p || Date.now() < p.createdAt + this.faults.status_lag_ms) return null;
    return p;
  }

  mobile(mobile: string) {
    const m = findMobile(mobile);
    if (!m || m.vpas.length === 0) return { status: 'not_linked' };
    if (m.behaviour === 'fraud_flagged') return { status: 'flagged', reason: 'financial_fraud_risk' };
    if (m.behaviour === 'lookup_unavailable') throw new HttpError(504, 'mapper_timeout', 'the mobile mapper did not answer');
    return { status: 'linked', vpa: m.vpas[0], name: findAccount(m.vpas[0])?.name ?? null, additional_vpas: m.vpas.slice(1) };
  }

  creditsSince(after: string | null, limit: number) {
    const from = after === null ? 0 : Number(after);
    if (!Number.isSafeInteger(from) || from < 0) throw new HttpError(400, 'invalid_cursor', 'after is not a cursor this bank gave');
    const items = this.events
      .filter((e) => e.seq > from)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    return { items, next_cursor: String(items.at(-1)?.seq ?? from) };
  }

  statement(from: number, to: number) {
    const now = Date.now();
    const inPeriod = (iso: string) => Date.parse(iso) >= from && Date.parse(iso) < to;
    const credits = this.events.filter((e) => e.type === 'credit' && inPeriod(e.credited_at));
    const txns = new Set(credits.map((c) => c.bank_txn_id));
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      credits: credits.map((c) => ({ bank_txn_id: c.bank_txn_id, utr: c.utr, tr: c.tr, amount_paise: c.amount_paise, credited_at: c.credited_at })),
      // Refunds of the period's credits, whenever they were made.
      refunds: [...this.refunds.values()].filter((r) => txns.has(r.bank_txn_id)).map((r) => this.refundView(r, now)),
      payouts: [...this.payouts.values()]
        .filter((p) => p.createdAt >= from && p.createdAt < to && (!this.faults.statement_paid_only || p.status === 'success'))
        .map(({ createdAt: _c, ...p }) => p),
    };
  }

  setFaults(b: Record<string, unknown>) {
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'invalid_request', 'faults must be a JSON object');
    if (Object.keys(b).length === 0) return (this.faults = { ...NO_FAULTS });
    const next = { ...this.faults };
    for (const [k, v] of Object.entries(b)) {
      if (!(k in NO_FAULTS)) throw new HttpError(400, 'invalid_request', `unknown fault ${k}`);
      const want = typeof NO_FAULTS[k as keyof Faults];
      if (typeof v !== want) throw new HttpError(400, 'invalid_request', `${k} must be a ${want}`);
      if (want === 'number' && ((v as number) < 0 || (['notify_drop', 'refund_answer_lost', 'refund_decline'].includes(k) && (v as number) > 1))) {
        throw new HttpError(400, 'invalid_request', `${k} is out of range`);
      }
      (next as any)[k] = v;
    }
    return (this.faults = next);
  }

  // ------------------------------------------------------------------ HTTP

  /** The port bound; rejects when the address cannot be taken (EADDRINUSE, EACCES, ...). */
  async listen(): Promise<number> {
    const server = (this.server = createServer((req, res) => void this.handle(req, res)));
    // Without a listener, a failed listen is an unhandled 'error' event: a crash with a stack.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as { port: number }).port;
  }

  close() {
    return new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://simulator');
      const path = url.pathname;
      const body = () => {
        try {
          return raw ? JSON.parse(raw) : {};
        } catch {
          throw new HttpError(400, 'invalid_json', 'the body is not JSON');
        }
      };
      // The simulator's own API (tests and demos): open.
      if (path === '/simulator/pay' && req.method === 'POST') {
        const b = body();
        return send(200, this.pay(b.upi_link, b.payer_vpa, b.amount_paise));
      }
      if (path === '/simulator/ledger' && req.method === 'GET') return send(200, this.ledger());
      if (path === '/simulator/faults' && req.method === 'POST') return send(200, this.setFaults(body()));
      if (path === '/simulator/faults' && req.method === 'GET') return send(200, this.faults);
      if (!path.startsWith('/v1/')) throw new HttpError(404, 'not_found', `${req.method} ${path} is not served here`);
      // A request held on its way (one, then the fault is spent): the bank meets it only now,
      // whatever it answered about its reference meanwhile.
      const held: HeldFault | undefined = HELD[`${req.method} ${path.startsWith('/v1/mobiles/') ? '/v1/mobiles/' : path}`];
      if (held && this.faults[held] > 0) {
        const ms = this.faults[held];
        this.faults[held] = 0;
        await new Promise((r) => setTimeout(r, ms));
      }

      // The connector API: only for the gateway that signs with the shared secret.
      const ts = header(req, REQUEST_TIMESTAMP);
      const expected = signRequest(this.opts.secret, ts ?? '', req.method ?? 'GET', req.url ?? '', raw);
      const problem = signatureProblem(expected, ts, header(req, REQUEST_SIGNATURE), 300_000);
      if (problem) throw new HttpError(401, problem, 'the request is not signed with the shared secret');
      if (this.faults.down) throw new HttpError(503, 'bank_down', 'the bank is down');

      const m = /^\/v1\/(refunds|payouts|mobiles)\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && path === '/v1/refunds') {
        const { answer, lose } = this.refund(body());
        // The refund is made; its answer never reaches the gateway.
        if (lose) return req.socket.destroy();
        return send(200, answer);
      }
      if (req.method === 'POST' && path === '/v1/payouts') {
        const answer = this.payout(body());
        const late = this.faults.payout_answer_delay_ms;
        if (late > 0) {
          this.faults.payout_answer_delay_ms = 0;
          await new Promise((r) => setTimeout(r, late));
        }
        return send(200, answer);
      }
      if (req.method === 'GET' && m) {
        const id = decodeURIComponent(m[2]);
        if (m[1] === 'mobiles') return send(200, this.mobile(id));
        const made = m[1] === 'refunds' ? this.refunds.get(id) : this.payouts.get(id);
        if (made && Date.now() < made.createdAt + this.faults.status_proxy_404_ms) {
          res.writeHead(404, { 'content-type': 'text/html' });
          return res.end('<html><body><h1>404 Not Found</h1></body></html>');
        }
        const found = m[1] === 'refunds' ? this.refundStatus(id) : this.payoutStatus(id);
        if (!found) throw new HttpError(404, 'not_found', `no ${m[1].slice(0, -1)} with reference ${id}`);
        return send(200, found);
      }
      if (req.method === 'GET' && path === '/v1/credits') {
        const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
        const page = this.creditsSince(url.searchParams.get('after'), limit);
        // Written out by hand: an entry is listed as the notification reports it (see reported).
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(`{"items":[${page.items.map(reported).join(',')}],"next_cursor":${JSON.stringify(page.next_cursor)}}`);
      }
      if (req.method === 'GET' && path === '/v1/statement') {
        const from = Date.parse(url.searchParams.get('from') ?? '');
        const to = Date.parse(url.searchParams.get('to') ?? '');
        if (!Number.isFinite(from) || !Number.isFinite(to)) throw new HttpError(400, 'invalid_request', 'from and to must be ISO 8601 times');
        return send(200, this.statement(from, to));
      }
      throw new HttpError(404, 'not_found', `${req.method} ${path} is not served here`);
    } catch (err) {
      if (err instanceof HttpError) return send(err.status, { error: { code: err.code, message: err.message } });
      send(500, { error: { code: 'internal_error', message: String((err as Error).message) } });
    }
  }
}

/** An event's JSON as the connector reports it: malformed as a faulty adapter would, when asked to. */
function reported(e: Event): string {
  const { seq: _seq, malformed, ...body } = e;
  if (malformed === 'amount') return JSON.stringify({ ...body, amount_paise: (body.amount_paise / 100).toFixed(2) });
  if (malformed === 'tr') return JSON.stringify(body).replace(`"tr":${JSON.stringify(body.tr)}`, `"tr":${body.tr}`);
  return JSON.stringify(body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) {
        reject(new HttpError(413, 'too_large', 'the body is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
