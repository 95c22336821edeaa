// What a real bank's connector may send that the simulator does not: a notification missing a
// field, a listing whose cursor is not the contract's string, a refund or a payout answered with
// another record or for another amount. None of them may cost a payment made in time its
// verification, a rupee its return, or a penny drop its account.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { Gateway, eventually, freePort, freshPostgres, needsPostgres, sleep } from './support/gateway.js';
import { connectorEnv, startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

const SECRET = 'connector-payloads-shared-secret';

/** A signed delivery to the gateway, as a connector sends it. */
async function push(gw: Gateway, event: unknown) {
  const raw = JSON.stringify(event);
  const ts = String(Date.now());
  const sig = 'v1=' + createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex');
  const r = await fetch(`${gw.url}/bank/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bank-timestamp': ts, 'x-bank-signature': sig },
    body: raw,
  });
  return { status: r.status, json: await r.json() };
}

const PRIYA = { vpa: 'priya.sharma@okaxis', name: 'PRIYA SHARMA', account: '917010047162835', ifsc: 'HDFC0000001', account_type: 'SAVINGS' };
const OTHER = { vpa: 'ravi.kumar@oksbi', name: 'RAVI KUMAR', account: '30012345678', ifsc: 'SBIN0000001', account_type: 'SAVINGS' };

/** A payout record as the contract words it: paid to `to`. */
const payoutRecord = (reference: string, amount_paise: number, to: typeof PRIYA) => ({
  reference,
  vpa: to.vpa,
  amount_paise,
  status: 'success',
  utr: '633455512345',
  beneficiary: to,
  reason: null,
  created_at: new Date().toISOString(),
});

const trOf = (link: string) => new URL(link.replace('upi://', 'http://upi/')).searchParams.get('tr')!;

/** A connector in a test's hands: it answers what the test says, and records what it was asked. */
class FakeBank {
  server!: Server;
  url = '';
  events: any[] = [];
  /** How next_cursor is written: as the contract's string, or as a number (a faulty adapter). */
  cursor: 'string' | 'number' = 'string';
  /** What a refund of `amount_paise` is answered with. */
  refundAmount = (asked: number) => asked;
  refunds = new Map<string, any>();
  /** What a payout's POST, and a GET of its reference, are answered with (null: 404). */
  payoutAnswer: (asked: any) => any = (asked) => payoutRecord(asked.reference, asked.amount_paise, PRIYA);
  payoutStatus: (reference: string) => any = () => null;
  payoutsAsked: any[] = [];

  async start() {
    const port = await freePort();
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://bank');
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'GET' && url.pathname === '/v1/credits') {
          // One entry a page (a bank may answer fewer than `limit`).
          const from = Number(url.searchParams.get('after') ?? 0);
          const items = this.events.slice(from, from + 1);
          const next = from + items.length;
          return send(200, { items, next_cursor: this.cursor === 'string' ? String(next) : next });
        }
        if (req.method === 'POST' && url.pathname === '/v1/refunds') {
          const b = JSON.parse(raw);
          const r = this.refunds.get(b.reference) ?? {
            reference: b.reference,
            bank_txn_id: b.bank_txn_id,
            amount_paise: this.refundAmount(b.amount_paise),
            status: 'success',
            bank_ref: '900000000001',
            reason: null,
            created_at: new Date().toISOString(),
          };
          this.refunds.set(b.reference, r);
          return send(200, r);
        }
        if (req.method === 'POST' && url.pathname === '/v1/payouts') {
          const b = JSON.parse(raw);
          this.payoutsAsked.push(b);
          return send(200, this.payoutAnswer(b));
        }
        const p = /^\/v1\/payouts\/(.+)$/.exec(url.pathname);
        if (req.method === 'GET' && p) {
          const r = this.payoutStatus(decodeURIComponent(p[1]));
          return r ? send(200, r) : send(404, { error: { code: 'not_found', message: 'none' } });
        }
        if (req.method === 'GET' && url.pathname === '/v1/statement') {
          // Everything it holds, whatever the period.
          const credits = this.events.filter((e) => e.type === 'credit').map(({ bank_txn_id, utr, tr, amount_paise, credited_at }) => ({ bank_txn_id, utr, tr, amount_paise, credited_at }));
          return send(200, { from: url.searchParams.get('from'), to: url.searchParams.get('to'), credits, refunds: [...this.refunds.values()], payouts: [] });
        }
        if (req.method === 'GET' && url.pathname.startsWith('/v1/mobiles/')) {
          return send(200, { status: 'linked', vpa: PRIYA.vpa, name: PRIYA.name, additional_vpas: [] });
        }
        const m = /^\/v1\/refunds\/(.+)$/.exec(url.pathname);
        if (req.method === 'GET' && m) {
          const r = this.refunds.get(decodeURIComponent(m[1]));
          return r ? send(200, r) : send(404, { error: { code: 'not_found', message: 'none' } });
        }
        send(404, { error: { code: 'not_found', message: `${req.method} ${url.pathname}` } });
      });
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  credit(o: { bank_txn_id: string; tr: string | null; amount_paise?: number; credited_at?: string }) {
    this.events.push({
      id: `evt_${o.bank_txn_id}`,
      type: 'credit',
      bank_txn_id: o.bank_txn_id,
      utr: `6${o.bank_txn_id.replace(/\D/g, '').padStart(11, '0').slice(-11)}`,
      tr: o.tr,
      amount_paise: o.amount_paise ?? 100,
      credited_at: o.credited_at ?? new Date().toISOString(),
      payer: { vpa: 'john@okaxis', name: 'JOHN DOE', account: '026291800001191', ifsc: 'YESB0000262', account_type: 'SAVINGS' },
      reason: null,
    });
    return this.events.at(-1);
  }

  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('a notification without its tr', () => {
  let gw: Gateway;
  let sim: Simulator;
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('is not taken as a credit that carries none: the payment, listed whole, still verifies its link', async () => {
    let live: { client_id: string; client_secret: string };
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Partial Notices',
      env: { RPD_LINK_TTL_SECONDS: '3', NOTIFICATION_GRACE_SECONDS: '1', BANK_PULL_INTERVAL_MS: '300', RAIL_TIMEOUT_MS: '1000' },
    }));
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'partial-1', name: 'John Doe' })).json;
    // The bank's own notice is lost; its adapter then pushes the credit with `tr` left out.
    await sim.faults({ down: true });
    const paid = await sim.pay(link.upi_link);
    const listed = (await sim.request('GET', '/simulator/ledger')).json.credits.find((c: any) => c.bank_txn_id === paid.bank_txn_id);
    const partial = {
      id: 'evt_partial_1',
      type: 'credit',
      bank_txn_id: paid.bank_txn_id,
      utr: paid.utr,
      amount_paise: listed.amount_paise,
      credited_at: listed.credited_at,
      payer: { vpa: listed.payer_vpa, name: 'JOHN DOE', account: null, ifsc: null, account_type: null },
      reason: null,
    };
    await push(gw, partial);
    // The pull reads the bank's whole record of it.
    await sim.faults({ down: false });
    const s = await eventually(
      async () => (await gw.cashfree(live).status({ verification_id: 'partial-1' })).json,
      (x) => x.status !== 'CREATED',
      15_000,
      'the link to settle',
    );
    assert.equal(s.status, 'SUCCESS', `a payment made in time verifies its link: ${JSON.stringify(s)}`);
  });
});

describe('a listing whose next_cursor is not a string', () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  it('is not read as caught up: a link paid by a credit past its first page waits, and verifies once the listing can be followed', async () => {
    bank = await new FakeBank().start();
    bank.cursor = 'number';
    gw = await Gateway.start({
      env: {
        ...connectorEnv(bank.url, SECRET),
        RPD_LINK_TTL_SECONDS: '2',
        NOTIFICATION_GRACE_SECONDS: '1',
        BANK_PULL_INTERVAL_MS: '200',
        RAIL_TIMEOUT_MS: '1000',
      },
    });
    const m = (await gw.admin('POST', '/merchants', { name: 'Cursor Faults' })).json;
    const link = (await gw.cashfree(m.live_key).createRpd({ verification_id: 'cursor-1', name: 'John Doe' })).json;
    // Two credits whose notifications never came: someone else's rupee, then this link's.
    bank.credit({ bank_txn_id: 'FAKE000001', tr: null });
    bank.credit({ bank_txn_id: 'FAKE000002', tr: trOf(link.upi_link) });
    const status = async () => (await gw.cashfree(m.live_key).status({ verification_id: 'cursor-1' })).json;
    // Well past valid_upto and the grace, with many pulls.
    await sleep(2000 + 1000 + 2500);
    assert.equal((await status()).status, 'CREATED', 'the bank has not been read to its end: the link waits');
    // The adapter is fixed.
    bank.cursor = 'string';
    const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'the link to settle');
    assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
  });
});

// JSON may escape a NUL (\u0000) or half a surrogate pair, which JSON.parse turns into the
// character; PostgreSQL refuses to store a NUL. Such an entry is malformed: refused on the push,
// set aside by the pull, which goes on past it, and a refund or payout answer holding one is no
// answer. Before, the insert failed: a 500 on every push, and a pull stuck at the entry for good.
describe('a bank entry with text the stores cannot keep (PostgreSQL)', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let bank: FakeBank;
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  after(async () => {
    await gw?.stop();
    await bank?.close();
    await db?.drop();
  });

  it('is refused on the push (400), set aside by the pull, and the credits after it are still read', async () => {
    bank = await new FakeBank().start();
    db = await freshPostgres();
    gw = await Gateway.start({
      databaseUrl: db.url,
      env: {
        ...connectorEnv(bank.url, SECRET),
        NOTIFICATION_GRACE_SECONDS: '1',
        BANK_PULL_INTERVAL_MS: '200',
        RAIL_TIMEOUT_MS: '1000',
        MOBILE_RAIL_TIMEOUT_MS: '500',
        REFUND_POLL_MS: '200',
      },
    });
    const m = (await gw.admin('POST', '/merchants', { name: 'Odd Text Bank' })).json;
    const link = (await gw.cashfree(m.live_key).createRpd({ verification_id: 'nul-1', name: 'John Doe' })).json;
    // JSON.stringify escapes both (\u0000, \ud800): the body is well-formed JSON.
    for (const [i, name] of [['1', 'JOHN\u0000DOE'], ['2', 'JOHN \ud800DOE']] as const) {
      const e = bank.credit({ bank_txn_id: `FAKE00060${i}`, tr: null });
      bank.events.pop(); // pushed only: the listing below holds its own
      const r = await push(gw, { ...e, payer: { ...e.payer, name } });
      assert.equal(r.status, 400, JSON.stringify(r.json));
      assert.equal(r.json.error.code, 'invalid_notification');
    }
    // Listed: the entry with a NUL in its payer's name, then the payment of the link.
    const odd = bank.credit({ bank_txn_id: 'FAKE000610', tr: null });
    odd.payer = { ...odd.payer, name: 'JOHN\u0000DOE' };
    bank.credit({ bank_txn_id: 'FAKE000611', tr: trOf(link.upi_link) });
    const s = await eventually(
      async () => (await gw.cashfree(m.live_key).status({ verification_id: 'nul-1' })).json,
      (x) => x.status !== 'CREATED',
      15_000,
      'the link to settle',
    );
    assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
    const aside = (await gw.admin('GET', '/bank/set-aside')).json;
    assert.deepEqual(aside.items.map((x: any) => x.bank_txn_id), ['FAKE000610'], JSON.stringify(aside));
    assert.match(aside.items[0].problem, /NUL/);
  });

  it('a payout answered with such text is no answer: the drop stays open, asked about, and settles when the bank answers plainly', async () => {
    bank.payoutAnswer = (asked) => ({ ...payoutRecord(asked.reference, asked.amount_paise, PRIYA), beneficiary: { ...PRIYA, name: 'PRIYA\u0000SHARMA' } });
    let plain = false;
    bank.payoutStatus = (reference) => (plain ? payoutRecord(reference, 100, PRIYA) : null);
    const key = (await gw.admin('POST', '/merchants', { name: 'Odd Text Payouts' })).json.live_key;
    const headers = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' };
    const user_consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const r = await gw.request('POST', '/verification/mobile/penny-drop', { headers, body: { verification_id: 'nul-drop-1', mobile_number: '9876543210', user_consent } });
    assert.equal(r.status, 502, r.text);
    plain = true;
    const done = await eventually(
      async () => (await gw.request('GET', '/verification/mobile/penny-drop?verification_id=nul-drop-1', { headers })).json,
      (b) => b.status === 'VALID' || b.status === 'INVALID',
      15_000,
      'the drop to settle',
    );
    assert.equal(done.status, 'VALID', JSON.stringify(done));
    assert.equal(done.bank_account, PRIYA.account);
  });
});

describe('a refund answered for another amount', () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  it('is not recorded as the rupee returned', async () => {
    bank = await new FakeBank().start();
    bank.refundAmount = (asked) => asked / 2;
    gw = await Gateway.start({
      env: { ...connectorEnv(bank.url, SECRET), BANK_PULL_INTERVAL_MS: '200', RAIL_TIMEOUT_MS: '1000', REFUND_POLL_MS: '200' },
    });
    await gw.admin('POST', '/merchants', { name: 'Refund Amounts' });
    const e = bank.credit({ bank_txn_id: 'FAKE000101', tr: null });
    // The pull, every 200 ms, may list the credit before the push lands: then the push is its duplicate.
    const outcome = (await push(gw, e)).json.outcome;
    assert.ok(outcome === 'refund' || outcome === 'duplicate', outcome);
    await eventually(() => Promise.resolve(bank.refunds.size), (n) => n > 0, 10_000, 'a refund sent');
    await sleep(1000);
    const owed = (await gw.admin('GET', '/refunds/outstanding')).json;
    assert.equal(owed.count, 1, `the bank returned 50 of 100 paise: the credit is still owed: ${JSON.stringify(owed)}`);
  });
});

describe('a payout answered with another record', () => {
  let gw: Gateway;
  let bank: FakeBank;
  let key: { client_id: string; client_secret: string };
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  const headers = () => ({ 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' });
  const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' });
  const drop = (vid: string) =>
    gw.request('POST', '/verification/mobile/penny-drop', { headers: headers(), body: { verification_id: vid, mobile_number: '9876543210', user_consent: consent() } });
  const read = (vid: string) => gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, { headers: headers() });

  it('of another reference: not this payout\'s outcome; the account is the one its own record shows', async () => {
    bank = await new FakeBank().start();
    gw = await Gateway.start({
      env: { ...connectorEnv(bank.url, SECRET), MOBILE_RAIL_TIMEOUT_MS: '500', MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000', REFUND_POLL_MS: '200' },
    });
    key = (await gw.admin('POST', '/merchants', { name: 'Payout Records' })).json.live_key;
    // The POST is answered with someone else's payout; the status API shows this one's.
    bank.payoutAnswer = (asked) => payoutRecord(`${asked.reference}_other`, 100, OTHER);
    bank.payoutStatus = (reference) => {
      const asked = bank.payoutsAsked.find((b) => b.reference === reference);
      return asked ? payoutRecord(reference, asked.amount_paise, PRIYA) : null;
    };
    const r = await drop('payout-other-ref');
    assert.notEqual(r.json.bank_account, OTHER.account, `another payout's account is not this one's: ${r.text}`);
    const done = await eventually(async () => (await read('payout-other-ref')).json, (b) => b.status === 'VALID' || b.status === 'INVALID', 10_000, 'the payout settled');
    assert.equal(done.status, 'VALID', JSON.stringify(done));
    assert.equal(done.bank_account, PRIYA.account);
  });

  it('for another amount: neither paid nor failed; the drop stays open', async () => {
    bank.payoutAnswer = (asked) => payoutRecord(asked.reference, asked.amount_paise * 100, PRIYA);
    bank.payoutStatus = (reference) => {
      const asked = bank.payoutsAsked.find((b) => b.reference === reference);
      return asked ? payoutRecord(reference, asked.amount_paise * 100, PRIYA) : null;
    };
    const r = await drop('payout-other-amount');
    assert.equal(r.status, 502, `a payout of Rs 100 is not the rupee this drop sent: ${r.text}`);
    await sleep(1500); // the reconciler asks the bank, which shows the same record
    const later = await read('payout-other-amount');
    assert.equal(later.status, 422, later.text);
    assert.equal(later.json.code, 'verification_already_under_process');
  });
});

// A payout the bank refused (failed: nothing moved) says the customer's account is INVALID only
// when the beneficiary's side refused it (docs/bank-connector.md). The gateway's own payout
// account short of funds, a limit or the network tell nothing of the customer: answered as the
// source unavailable (502, try again), the place under the daily cap given back.
describe('a payout the bank refused', () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  it("is an invalid account when the beneficiary's side refused it, and the source unavailable otherwise", async () => {
    bank = await new FakeBank().start();
    gw = await Gateway.start({ env: connectorEnv(bank.url, SECRET) });
    const m = (await gw.admin('POST', '/merchants', { name: 'Refused Payouts' })).json;
    await gw.admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 10 });
    const headers = { 'x-client-id': m.live_key.client_id, 'x-client-secret': m.live_key.client_secret, 'x-api-version': '2024-12-01' };
    const user_consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const drop = (vid: string) => gw.request('POST', '/verification/mobile/penny-drop', { headers, body: { verification_id: vid, mobile_number: '9876543210', user_consent } });
    const refuse = (reason: string | null) => (bank.payoutAnswer = (asked) => ({ ...payoutRecord(asked.reference, asked.amount_paise, PRIYA), status: 'failed', utr: null, beneficiary: null, reason }));

    for (const reason of ['account_closed', 'account_frozen', 'invalid_vpa']) {
      refuse(reason);
      const r = await drop(`refused-${reason}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'INVALID', `${reason}: ${r.text}`);
    }
    for (const reason of ['insufficient_funds', 'daily_limit_exceeded', null]) {
      refuse(reason);
      const vid = `refused-${reason}`;
      const r = await drop(vid);
      assert.equal(r.status, 502, `${reason}: ${r.text}`);
      assert.equal(r.json.code, 'verification_failed');
      assert.ok(r.json.error.reference_id, r.text);
      const read = await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, { headers });
      assert.equal(read.status, 502, `read back: ${read.text}`);
    }
    assert.match(gw.output, /refused a payout for a reason not the beneficiary's/);
    // None of them paid: none holds a place under the cap.
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/limits`)).json.payouts_today, 0);
  });
});

describe('a credit time without a zone, or not in ISO 8601', () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  const odd = ['2026-11-30T10:15:00', '2026-11-30 10:15:00Z', '11/30/2026', 'Mon, 30 Nov 2026 10:15:00 GMT', '2026', '2026-02-30T10:15:00Z', '2026-11-30T10:15:00+0530'];

  it('is malformed on the push (400), and read once its zone is explicit', async () => {
    bank = await new FakeBank().start();
    // A zone far from UTC: a time without one would be read 5 h 30 min off.
    gw = await Gateway.start({ env: { ...connectorEnv(bank.url, SECRET), TZ: 'Asia/Kolkata', BANK_PULL_INTERVAL_MS: '200' } });
    await gw.admin('POST', '/merchants', { name: 'Credit Times' });
    for (const [i, credited_at] of odd.entries()) {
      const r = await push(gw, { ...bank.credit({ bank_txn_id: `FAKE00030${i}`, tr: null }), credited_at });
      assert.equal(r.status, 400, `${credited_at}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error.code, 'invalid_notification');
    }
    for (const [i, credited_at] of ['2026-11-30T10:15:00Z', '2026-11-30T15:45:00.123+05:30', '2026-11-30T05:15:00.123456-05:00'].entries()) {
      const r = await push(gw, { ...bank.credit({ bank_txn_id: `FAKE00031${i}`, tr: null }), credited_at });
      assert.equal(r.status, 200, `${credited_at}: ${JSON.stringify(r.json)}`);
    }
  });

  it('is set aside by the pull, not recorded', async () => {
    bank.credit({ bank_txn_id: 'FAKE000320', tr: null, credited_at: '2026-11-30T10:15:00' });
    const aside = await eventually(
      async () => (await gw.admin('GET', '/bank/set-aside')).json,
      (r) => r.count > 0,
      10_000,
      'the entry set aside',
    );
    assert.equal(aside.items[0].bank_txn_id, 'FAKE000320');
    assert.equal(aside.items[0].recorded_credit, null);
  });
});

describe('a credit of zero paise', () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  it('is malformed on the push (400): nothing was paid that a refund could return', async () => {
    bank = await new FakeBank().start();
    gw = await Gateway.start({ env: { ...connectorEnv(bank.url, SECRET), BANK_PULL_INTERVAL_MS: '200' } });
    await gw.admin('POST', '/merchants', { name: 'Zero Credits' });
    const r = await push(gw, { ...bank.credit({ bank_txn_id: 'FAKE000400', tr: null }), amount_paise: 0 });
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.equal(r.json.error.code, 'invalid_notification');
  });

  it('is set aside by the pull, not recorded as a credit owed a refund', async () => {
    bank.credit({ bank_txn_id: 'FAKE000401', tr: null, amount_paise: 0 });
    const aside = await eventually(
      async () => (await gw.admin('GET', '/bank/set-aside')).json,
      (r) => r.count > 0,
      10_000,
      'the entry set aside',
    );
    assert.equal(aside.items[0].bank_txn_id, 'FAKE000401');
    assert.equal(aside.items[0].recorded_credit, null);
    const owed = (await gw.admin('GET', '/refunds/outstanding')).json;
    assert.ok(!JSON.stringify(owed).includes('FAKE000401'), JSON.stringify(owed));
  });
});

// The bank_txn_id identifies a credit, so a second report of one is a duplicate. One that says
// otherwise (another amount, payer, UTR or tr: an adapter that reuses or truncates ids) may be
// another payment, whose rupee nobody would return: it is set aside for the operator and logged,
// never dropped in silence. A mere repeat, or one that leaves out what the first said, is not.
describe('a notification whose bank_txn_id was recorded with other facts', () => {
  let gw: Gateway;
  let sim: Simulator;
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('is answered as a duplicate, and set aside for the operator once, with an error logged', async () => {
    let live: { client_id: string; client_secret: string };
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Reused Ids',
      env: { BANK_PULL_INTERVAL_MS: '300', RAIL_TIMEOUT_MS: '1000' },
    }));
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'reused-1', name: 'John Doe' })).json;
    const paid = await sim.pay(link.upi_link);
    await eventually(async () => (await gw.cashfree(live).status({ verification_id: 'reused-1' })).json, (x) => x.status === 'SUCCESS', 10_000, 'success');
    const listed = (await sim.ledger()).credits.find((c: any) => c.bank_txn_id === paid.bank_txn_id);
    const same = {
      id: 'evt_same_1',
      type: 'credit',
      bank_txn_id: paid.bank_txn_id,
      utr: paid.utr,
      tr: String(link.ref_id),
      amount_paise: 100,
      credited_at: listed.credited_at,
      payer: { vpa: 'SUCCESS@UPI', name: 'JOHN DOE', account: null, ifsc: null, account_type: null },
      reason: null,
    };
    // The same credit again, with less said and the VPA in capitals: a duplicate, nothing set aside.
    assert.deepEqual(await push(gw, same), { status: 200, json: { outcome: 'duplicate' } });
    const other = { ...same, id: 'evt_other_1', amount_paise: 500, payer: OTHER };
    for (let i = 0; i < 2; i++) assert.deepEqual(await push(gw, other), { status: 200, json: { outcome: 'duplicate' } });
    const open = (await gw.admin('GET', '/bank/set-aside')).json;
    assert.equal(open.count, 1, JSON.stringify(open));
    const [entry] = open.items;
    assert.equal(entry.bank_txn_id, paid.bank_txn_id);
    assert.match(entry.problem, /amount_paise.*payer/);
    assert.equal(JSON.parse(entry.raw).amount_paise, 500);
    assert.equal(entry.recorded_credit.disposition, 'verified');
    const logged = gw.output.split('\n').filter((l) => l.includes(entry.id));
    assert.ok(logged.some((l) => JSON.parse(l).level === 50), gw.output);
    // The recorded credit is unchanged and refunded once, of its own amount.
    const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
    assert.deepEqual(credits.map((c: any) => c.amount), ['1.00']);
  });
});

// A bank whose books hold two credits under one bank_txn_id (the contract forbids it; a bank or
// adapter with a bug does it): the gateway records one, refunds one, and the other rupee is owed.
// The reconciliation must say so, whatever the two amounts.
describe("a statement that lists one bank_txn_id twice", () => {
  let gw: Gateway;
  let bank: FakeBank;
  after(async () => {
    await gw?.stop();
    await bank?.close();
  });

  it('lists the credit the gateway could not record as credit_not_recorded', async () => {
    bank = await new FakeBank().start();
    gw = await Gateway.start({
      env: { ...connectorEnv(bank.url, SECRET), BANK_PULL_INTERVAL_MS: '200', RAIL_TIMEOUT_MS: '1000', REFUND_POLL_MS: '200' },
    });
    await gw.admin('POST', '/merchants', { name: 'Repeated Ids' });
    bank.credit({ bank_txn_id: 'FAKE000501', tr: null });
    await eventually(() => Promise.resolve(bank.refunds.size), (n) => n > 0, 10_000, 'the first refunded');
    // Another payment, of the same amount, under the same id.
    bank.events.push({ ...bank.credit({ bank_txn_id: 'FAKE000501', tr: null }), id: 'evt_FAKE000501_b', payer: OTHER });
    bank.events.splice(-2, 1);
    await eventually(async () => (await gw.admin('GET', '/bank/set-aside')).json.count, (n) => n === 1, 10_000, 'the second set aside');
    const day = new Date(Date.now() + 19_800_000).toISOString().slice(0, 10); // today in India
    const report = (await gw.admin('GET', `/reconciliation?from=${day}&to=${day}`)).json;
    assert.deepEqual(
      report.differences.map((d: any) => [d.kind, d.bank_txn_id, d.bank_amount_paise]),
      [['credit_not_recorded', 'FAKE000501', 100]],
      JSON.stringify(report),
    );
    assert.equal(report.clean, false);
  });
});
