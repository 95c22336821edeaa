// The one window the send fence leaves: a request that passed its fence and reaches the bank only
// after the gateway judged it never received (the bank's status API answered "not found" past
// the grace) and sent the next attempt; a request delayed in the network, or a sender that froze
// right after its fence. The connector contract has the bank refuse such a reference (`failed`,
// `not_received`): the bank simulator and the sandbox bank must, and the gateway must take the
// refusal without a second refund and without leaving anything unknown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/gateway.js';
import type { Services } from '../src/services.js';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';
import { startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

const SECRET = 'late-requests-secret-0123456789';
const uid = (p = 'late') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
// A bare date is a day in India (IST), as the bank's statement counts it.
const today = () => new Date(Date.now() + 19_800_000).toISOString().slice(0, 10);
type Key = { client_id: string; client_secret: string };

describe('requests that reach the bank simulator after their attempt was judged never received (SQLite)', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;
  // A drop's reconciler closes a payout unknown to the bank as not sent 8 s after it went
  // (MOBILE_RAIL_TIMEOUT_MS 300: its first question comes within about 2 s).
  const NOT_SENT_AFTER_MS = 8000;
  before(async () => {
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Late Requests Lending',
      env: {
        BANK_PULL_INTERVAL_MS: '400',
        RAIL_TIMEOUT_MS: '1000',
        REFUND_NOT_FOUND_GRACE_MS: '1500',
        REFUND_POLL_MS: '200',
        REFUND_POLL_CAP_MS: '500',
        REFUND_RETRY_BASE_MS: '200',
        MOBILE_RAIL_TIMEOUT_MS: '300',
        MOBILE_PAYOUT_NOT_SENT_AFTER_MS: String(NOT_SENT_AFTER_MS),
      },
    }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  const credit = async (refId: number) => (await gw.admin('GET', `/verifications/${refId}`)).json.credits[0];
  const refundsOf = async (txn: string) => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === txn);

  it('refuses a refund attempt that arrives after the next one went: one refund, and the gateway agrees', async () => {
    // Attempt 1 reaches the bank 6 s after it left: its call times out (1 s), the bank answers
    // "not found" past the 1.5 s grace, and attempt 2 goes and is taken long before.
    await sim.faults({ refund_delay_ms: 6000 });
    const r = (await gw.cashfree(live).createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    const paid = await sim.pay(r.upi_link);
    await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 2), 15_000, 'attempt 2 at the bank');
    const rs = await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 1), 15_000, 'attempt 1 at the bank, late');
    const first = rs.find((x) => x.attempt === 1);
    assert.equal(first.status, 'failed', `the late attempt is refused: ${JSON.stringify(rs)}`);
    assert.equal(first.reason, 'not_received');
    await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 2 && x.status === 'success'), 15_000, 'attempt 2 settled');
    const through = (await refundsOf(paid.bank_txn_id)).filter((x) => x.status !== 'failed');
    assert.deepEqual(through.map((x) => x.attempt), [2], 'one refund of the one rupee');

    const c = await eventually(() => credit(r.ref_id), (c) => c.refund_status === 'success', 15_000, 'the refund recorded');
    assert.equal(c.refund_attempts, 2, JSON.stringify(c));
    assert.equal(c.review_since, null, JSON.stringify(c));
  });

  const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' });
  const pennyDrop = (vid: string, mobile: string) =>
    gw.request('POST', '/verification/mobile/penny-drop', {
      headers: { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' },
      body: { verification_id: vid, mobile_number: mobile, name: 'Priya Sharma', user_consent: consent() },
    });
  const drop = async (refId: number) => (await gw.admin('GET', `/verifications/${refId}`)).json.verification;

  it('refuses a payout that arrives after the drop was closed as not sent: nothing paid', async () => {
    // The payout reaches the bank 10 s after it left: past the 8 s after which the reconciler,
    // told "not found", closes the drop as not sent.
    await sim.faults({ payout_delay_ms: NOT_SENT_AFTER_MS + 2000 });
    const r = await pennyDrop(uid('mpd'), '9876543210');
    assert.equal(r.status, 502, r.text); // no answer from the bank in time
    const refId = r.json.error.reference_id;
    const closed = await eventually(() => drop(refId), (v) => v.status !== 'CREATED', 20_000, 'the drop closed');
    assert.equal(closed.status_reason, 'payout_not_sent');
    const payout = await eventually(
      async () => (await sim.ledger()).payouts.find((p) => p.reference === closed.payout_key),
      (p) => p !== undefined,
      15_000,
      'the payout at the bank, late',
    );
    assert.equal(payout.status, 'failed', `refused: ${JSON.stringify(payout)}`);
    assert.equal(payout.reason, 'not_received');
    assert.equal(payout.utr, null);
    assert.equal((await drop(refId)).status_reason, 'payout_not_sent');
  });

  it('reads a payout refused because the bank had answered "not found" as not sent, not as an invalid account', async () => {
    // The payout reaches the bank 4 s after it left: after the reconciler's first "not found"
    // (its request's call timed out at 0.3 s), before the 8 s not-sent wait is over.
    await sim.faults({ payout_delay_ms: 4000 });
    const vid = uid('mpd');
    const r = await pennyDrop(vid, '9999999999');
    assert.equal(r.status, 502, r.text);
    const refId = r.json.error.reference_id;
    const closed = await eventually(() => drop(refId), (v) => v.status !== 'CREATED', 20_000, 'the drop closed');
    const payout = (await sim.ledger()).payouts.find((p) => p.reference === closed.payout_key);
    assert.equal(payout?.status, 'failed', JSON.stringify(payout));
    assert.equal(payout?.reason, 'not_received');
    // Nothing was paid and nothing learnt of the account: the source did not answer.
    assert.equal(closed.status_reason, 'payout_not_sent');
    const read = await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, {
      headers: { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' },
    });
    assert.equal(read.status, 502, read.text);
  });

  it('reconciles clean: one refund per credit, no payout the gateway does not know of', async () => {
    await gw.idle(30_000);
    const report = (await gw.admin('GET', `/reconciliation?from=${today()}&to=${today()}`)).json;
    assert.deepEqual(report.differences, [], JSON.stringify(report.differences));
  });
});

// A sender that froze right after its fence, with its request held on the way to the bank: the
// other instance judges the attempt never received and sends the next; the bank then refuses the
// held request, and the frozen sender, woken, hears that refusal about an attempt no longer current.
describe('a frozen sender whose refund request reaches the bank simulator late (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let sim: Simulator | undefined;
  let dropDb: () => Promise<void> = async () => {};
  after(async () => {
    for (const g of gateways) {
      g.proc.kill('SIGCONT');
      await g.kill();
    }
    await sim?.stop();
    await dropDb();
  });

  it('records the late refusal as about the past: one refund, settled', async () => {
    const db = await freshPostgres();
    dropDb = db.drop;
    // Each waits as long as it takes for the bank's answer to its refund request.
    const common = { JOB_LEASE_MS: '1000', REFUND_NOT_FOUND_GRACE_MS: '500', REFUND_RETRY_BASE_MS: '200', BANK_PULL_INTERVAL_MS: '400', RAIL_TIMEOUT_MS: '60000' };
    const started = await startLive({ secret: SECRET, merchant: 'Frozen Sender Lending', databaseUrl: db.url, env: common });
    sim = started.sim;
    gateways.push(started.gw);
    // A second instance on the same database and connector, its own port and directory.
    const { PORT: _port, DATA_DIR: _dir, ...shared } = started.gw.env;
    gateways.push(await Gateway.start({ databaseUrl: db.url, env: shared }));
    const [one] = gateways;
    const credit = async (refId: number) => (await one.admin('GET', `/verifications/${refId}`)).json.credits[0];
    const refundsOf = async (txn: string) => (await sim!.ledger()).refunds.filter((r) => r.bank_txn_id === txn);

    // Attempt 1 is held 8 s on its way to the bank.
    await sim.faults({ refund_delay_ms: 8000 });
    const r = (await one.cashfree(started.live).createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    const paid = await sim.pay(r.upi_link);
    await eventually(() => credit(r.ref_id), (c) => c?.refund_status === 'initiated' && c.refund_attempts === 1, 10_000, 'attempt 1 recorded');
    await sleep(300); // through its fence, and on its way
    // The instance that sent it (it holds the refund job) freezes; the other is left.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    let holder: string;
    try {
      holder = (await c.query("SELECT locked_by FROM jobs WHERE kind = 'credit.refund' AND subject = (SELECT id FROM credits WHERE bank_txn_id = $1)", [paid.bank_txn_id]))
        .rows[0]?.locked_by;
    } finally {
      await c.end();
    }
    const a = gateways.find((g) => holder?.includes(`:${g.proc.pid}:`));
    assert.ok(a, `an instance holds the refund job: ${holder}`);
    const b = gateways.find((g) => g !== a)!;
    a.proc.kill('SIGSTOP');

    // B takes the job once A's lease has run out: the bank has no attempt 1 past the grace, so
    // B takes it as never received and sends attempt 2. The held attempt 1 then reaches the bank.
    await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 2), 7_000, 'attempt 2 at the bank');
    const late = await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 1), 15_000, 'attempt 1 at the bank, late');
    assert.deepEqual(
      late.filter((x) => x.attempt === 1).map((x) => [x.status, x.reason]),
      [['failed', 'not_received']],
      JSON.stringify(late),
    );

    // A wakes to the bank's refusal of attempt 1, which is no longer the credit's latest.
    a.proc.kill('SIGCONT');
    await eventually(async () => a.output, (o) => /no longer current/.test(o), 15_000, "A's late answer set aside");
    const settled = await eventually(() => credit(r.ref_id), (c) => c.refund_status === 'success', 20_000, 'the refund settled');
    await b.idle(20_000);
    await a.idle(20_000);
    assert.equal(settled.refund_attempts, 2, JSON.stringify(settled));
    const through = (await refundsOf(paid.bank_txn_id)).filter((x) => x.status !== 'failed');
    assert.deepEqual(through.map((x) => x.attempt), [2], 'one refund of the one rupee');
    assert.equal((await credit(r.ref_id)).refund_status, 'success');
  });
});

// The sandbox bank in the gateway's process: a refund run that passed its fence stalls before
// the bank's write (held at the store boundary) while another run judges its attempt never
// received and sends the next. The sandbox recorded its "not found", so the write meets it.
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the sandbox bank refuses a reference it answered "not found" for (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let s: Services | undefined;
    let dropDb: () => Promise<void> = async () => {};
    after(async () => {
      s?.rails.sandbox.stop();
      await s?.qr.close();
      await s?.db.close();
      await dropDb();
    });

    it('refuses a refund attempt whose write comes after the next attempt went: one refund', async () => {
      const env: Record<string, string> = {
        DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-late-')),
        ADMIN_TOKEN: 'late-requests-admin-token-0123456789',
        REFUND_NOT_FOUND_GRACE_MS: '300',
        SANDBOX_REFUND_SETTLE_MS: '60000',
        // The attempt after a failed one may go 5-10 ms after the failure is recorded.
        REFUND_RETRY_BASE_MS: '10',
      };
      if (store === 'postgres') {
        const db = await freshPostgres();
        dropDb = db.drop;
        Object.assign(env, { DATABASE_URL: db.url, SECRET_KEY: '33'.repeat(32) });
      }
      s = await openServices(loadConfig(env), createLogger('silent'));
      const sandbox = s.rails.sandbox;
      sandbox.start(s.engine, 60_000);
      const { testKey } = await s.merchants.create('Sandbox Late Lending');
      const p = (await s.merchants.authenticate(testKey.client_id, testKey.client_secret))!;
      const v = await s.engine.createRpd(p, { dialect: 'cashfree', verificationId: uid(), name: 'John Doe', redirectUrl: null, referenceId: null, notes: null });
      assert.notEqual(v, 'duplicate');
      if (v === 'duplicate') return;
      const paid = await sandbox.pay(s.engine.upiLink(v), 'success@upi');
      const [c] = await s.engine.creditsOf(v.refId);

      // Attempt 1's run: once through its fence, its next transaction (the bank's write) waits.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let stalled!: () => void;
      const isStalled = new Promise<void>((r) => (stalled = r));
      let holdNext = false;
      const refund = sandbox.refund.bind(sandbox);
      sandbox.refund = (req) =>
        refund({
          ...req,
          fence: async () => {
            const ok = await req.fence!();
            if (ok && req.attempt === 1) holdNext = true;
            return ok;
          },
        });
      const tx = s.db.tx.bind(s.db);
      s.db.tx = (async (fn: Parameters<typeof tx>[0]) => {
        if (!holdNext) return tx(fn);
        holdNext = false;
        stalled();
        await released;
        return tx(fn);
      }) as typeof tx;

      const sender = s.engine.reverse(c.id);
      await isStalled;
      await sleep(400); // past the grace
      // Another run: "not found" past the grace, so attempt 1 was never received; then attempt 2.
      await s.engine.reverse(c.id);
      const judged = (await s.engine.creditsOf(v.refId))[0];
      assert.equal(judged.refundStatus, 'failed', JSON.stringify(judged));
      assert.equal(judged.refundError, 'not_received_by_bank');
      await sleep(50); // the backoff after the failure
      await s.engine.reverse(c.id);
      // The stalled write goes now, after attempt 2 was taken.
      release();
      const late = await sender;
      assert.ok(!('done' in late), JSON.stringify(late));

      const at = (await sandbox.payment(paid.bank_txn_id))!;
      assert.deepEqual(
        at.refunds.map((x) => [x.attempt, x.status === 'failed' ? x.reason : 'through']),
        [
          [1, 'not_received'],
          [2, 'through'],
        ],
        JSON.stringify(at.refunds),
      );
      const now = (await s.engine.creditsOf(v.refId))[0];
      assert.equal(now.refundAttempts, 2, JSON.stringify(now));
      assert.equal(now.refundStatus, 'initiated'); // attempt 2, settling
      assert.equal(await sandbox.refundStatus(c.refundKey).then((o) => o?.status), 'failed');
    });

    it('refuses a payout whose key it answered "not found" for, and pays nothing', async () => {
      const sandbox = s!.rails.sandbox;
      const key = `payout_${uid('fav')}`;
      assert.equal(await sandbox.payoutStatus(key), null);
      const o = await sandbox.payout({ key, vpa: 'success@upi', amountPaise: 100, note: 'BAV', fence: async () => true });
      assert.deepEqual(o, { status: 'failed', reason: 'not_received' });
      assert.deepEqual(await sandbox.payoutStatus(key), { status: 'failed', reason: 'not_received' });
      const listed = await sandbox.mobile.payouts({ key });
      assert.deepEqual(listed.map((x) => [x.status, x.reason, x.utr]), [['FAILED', 'not_received', null]]);
      // A key never asked about is paid as before.
      const other = await sandbox.payout({ key: `payout_${uid('fav')}`, vpa: 'success@upi', amountPaise: 100, note: 'BAV' });
      assert.equal(other.status, 'success');
    });

    // A build older than the record, in the same fleet during a rolling upgrade, reads the sandbox's
    // rows as refunds and payouts: its record of a 404 must read there as nothing paid.
    it('records its "not found" as a refusal an older build reads as nothing paid, and reads the older form of the record', async () => {
      const sandbox = s!.rails.sandbox;
      const db = s!.db;
      const refundKey = `rfd_${uid()}`;
      assert.equal(await sandbox.refundStatus(refundKey), null);
      const [rec] = await db.query('SELECT status, reason, amount_paise, settle_at FROM sandbox_refunds WHERE idempotency_key = ?', [refundKey]);
      // Those builds read a refund row not failed, from its settle_at on, as settled.
      const olderRefund = (r: Record<string, any>) => (r.status === 'failed' ? `failed ${r.reason}` : Date.now() >= Number(r.settle_at) ? 'settled' : 'pending');
      assert.equal(olderRefund(rec), 'failed not_received', JSON.stringify(rec));
      assert.equal(await sandbox.refundStatus(refundKey), null, 'still "not found" to this build');
      const payoutKey = `payout_${uid('fav')}`;
      assert.equal(await sandbox.payoutStatus(payoutKey), null);
      const [prec] = await db.query('SELECT status, reason FROM sandbox_payouts WHERE idempotency_key = ?', [payoutKey]);
      // Those builds read a payout row not success as refused, for its reason.
      assert.deepEqual({ ...prec }, { status: 'failed', reason: 'not_received' });
      assert.equal(await sandbox.payoutStatus(payoutKey), null);
      assert.deepEqual(await sandbox.mobile.payouts({ key: payoutKey }), [], 'a record is not a payout');

      // The first form of the record (status not_found), written by the builds before this one.
      const [oldRefund, oldPayout] = [`rfd_${uid()}`, `payout_${uid('fav')}`];
      const now = Date.now();
      await db.query(
        `INSERT INTO sandbox_refunds (idempotency_key, utr, amount_paise, attempt, status, refund_utr, created_at, settle_at) VALUES (?, '', 0, 0, 'not_found', '', ?, ?)`,
        [oldRefund, now, now],
      );
      await db.query(`INSERT INTO sandbox_payouts (idempotency_key, vpa, amount_paise, status, calls, created_at) VALUES (?, '', 0, 'not_found', 0, ?)`, [oldPayout, now]);
      assert.equal(await sandbox.refundStatus(oldRefund), null);
      assert.equal(await sandbox.payoutStatus(oldPayout), null);
      const refused = await sandbox.refund({ key: oldRefund, attempt: 1, bankTxnId: `TXN${uid()}`, utr: '123456789012', amountPaise: 100, payerVpa: 'success@upi', fence: async () => true });
      assert.deepEqual(refused, { status: 'failed', reason: 'not_received' });
      const unpaid = await sandbox.payout({ key: oldPayout, vpa: 'success@upi', amountPaise: 100, note: 'BAV' });
      assert.deepEqual(unpaid, { status: 'failed', reason: 'not_received' });

      // A row of no amount is a record, so a refund of none is refused unwritten, as a payout is.
      const none = `rfd_${uid()}`;
      const zero = await sandbox.refund({ key: none, attempt: 1, bankTxnId: `TXN${uid()}`, utr: '123456789012', amountPaise: 0, payerVpa: 'success@upi', fence: async () => true });
      assert.deepEqual(zero, { status: 'failed', reason: 'invalid_amount' });
      assert.deepEqual(await db.query('SELECT idempotency_key FROM sandbox_refunds WHERE idempotency_key = ?', [none]), []);
    });
  });
}
