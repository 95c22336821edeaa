// The bank's books against the gateway's: reconciliation lists a payout the gateway holds as made
// that the bank's statement lacks (and whose status the bank's API does not show, or answers
// failed), and both simulated banks (`pennygate bank-simulator` behind the connector contract, and
// the sandbox bank behind test keys) refuse a refund that would return more than its credit, or
// of a transaction they never credited, as a real bank does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/gateway.js';
import type { Services } from '../src/services.js';
import { ADMIN_TOKEN, Gateway, eventually, freePort, needsPostgres, sleep, storeFor } from './support/gateway.js';
import { LIVE_PAYEE_VPA, startLive } from './support/live.js';
import { Simulator } from './support/simulator.js';

type Key = { client_id: string; client_secret: string };
const SECRET = 'bank-books-shared-secret-0123456789';
// A bare date is a day in India (IST), as the bank's statement counts it.
const today = () => new Date(Date.now() + 19_800_000).toISOString().slice(0, 10);
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' });

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`reconciliation of payouts against the bank's statement (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let sim: Simulator;
    let live: Key;
    let dropDb: (() => Promise<void>) | undefined;
    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      // A payout answered pending is asked about again only after a minute (REFUND_POLL_MS paces
      // the penny drop's reconciler too): the gateway holds it as taken by the bank meanwhile.
      ({ gw, sim, live } = await startLive({ secret: SECRET, merchant: 'Books Lending', databaseUrl, env: { REFUND_POLL_MS: '60000' } }));
    });
    after(async () => {
      await gw?.stop();
      await sim?.stop();
      await dropDb?.();
    });

    const pennyDrop = async (mobile: string) => {
      const r = await gw.request('POST', '/verification/mobile/penny-drop', {
        headers: { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' },
        body: { verification_id: uid('mpd'), mobile_number: mobile, user_consent: consent() },
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'VALID');
      return (await gw.admin('GET', `/verifications/${r.json.reference_id}`)).json.verification;
    };

    it('lists a penny drop the gateway reported VALID whose payout the bank never booked', async () => {
      const booked = await pennyDrop('9876543210');
      // The bank (a faulty adapter) answers the next payout paid, and its books never show it.
      await sim.faults({ payout_unbooked: 1 });
      const unbooked = await pennyDrop('9999999999');
      const ledger = await sim.ledger();
      assert.ok(ledger.payouts.some((p) => p.reference === booked.payout_key));
      assert.ok(!ledger.payouts.some((p) => p.reference === unbooked.payout_key));

      const report = (await gw.admin('GET', `/reconciliation?from=${today()}&to=${today()}`)).json;
      assert.equal(report.clean, false);
      assert.deepEqual(
        report.differences.map((d: any) => [d.kind, d.reference]),
        [['payout_not_at_bank', unbooked.payout_key]],
        JSON.stringify(report.differences),
      );
      const d = report.differences[0];
      assert.equal(d.ref_id, unbooked.ref_id);
      assert.equal(d.gateway_status, 'success');
      assert.equal(d.gateway_amount_paise, 100);

      // The command line lists the same, and exits 3.
      const cli = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'src', 'cli.js'), 'reconcile', '--from', today(), '--to', today(), '--json'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env },
        encoding: 'utf8',
      });
      assert.equal(cli.status, 3, cli.stderr);
      assert.deepEqual(
        JSON.parse(cli.stdout).differences.map((d: any) => [d.kind, d.reference]),
        [['payout_not_at_bank', unbooked.payout_key]],
      );
      // Its summary line counts the gateway's payouts beside the bank's.
      const human = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'src', 'cli.js'), 'reconcile', '--from', today(), '--to', today()], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env },
        encoding: 'utf8',
      });
      const counts = JSON.parse(cli.stdout);
      assert.match(human.stdout, new RegExp(`; gateway ${counts.gateway.credits} credits, ${counts.gateway.payouts} payouts\n`));
    });

    it('reconciles days as India counts them: a bare date from midnight IST, and yesterday midnight to midnight IST on schedule', async () => {
      const day = (await gw.admin('GET', '/reconciliation?from=2026-03-01&to=2026-03-02')).json;
      assert.equal(day.from, '2026-02-28T18:30:00.000Z', JSON.stringify(day));
      assert.equal(day.to, '2026-03-02T18:30:00.000Z');
      // A time with its zone is taken as it is.
      const timed = (await gw.admin('GET', '/reconciliation?from=2026-03-01T00:00:00Z&to=2026-03-01T06:00:00%2B05:30')).json;
      assert.deepEqual([timed.from, timed.to], ['2026-03-01T00:00:00.000Z', '2026-03-01T00:30:00.000Z']);
      for (const bad of ['from=2026-02-31&to=2026-03-01', 'from=2026-03-01&to=2026-02-30', 'from=2026-03-02&to=2026-03-01', 'from=2026-03-01T10:00&to=2026-03-02',
        // A time on a day that does not exist, or past the clock's end, is refused too (not rolled over).
        'from=2026-02-31T00:00:00Z&to=2026-03-05', 'from=2026-04-31T00:00:00Z&to=2026-05-02', 'from=2026-03-01T24:00:00Z&to=2026-03-05', 'from=2026-03-01T10:60Z&to=2026-03-05']) {
        const r = await gw.admin('GET', `/reconciliation?${bad}`);
        assert.equal(r.status, 400, `${bad}: ${r.text}`);
        assert.equal(r.json.error.code, 'invalid_request');
      }
      // The scheduled run at start-up (RECONCILE_INTERVAL_HOURS 24): the last whole day in India
      // that ended an hour or more before it ran, midnight to midnight IST.
      const now = Date.now();
      const done = await eventually(
        async () => gw.output.split('\n').filter((l) => l.includes('"reconciliation done"')).map((l) => JSON.parse(l)),
        (ls) => ls.length > 0,
        15_000,
        'the scheduled reconciliation',
      );
      const [from, to] = [Date.parse(done[0].from), Date.parse(done[0].to)];
      assert.equal(new Date(to + 19_800_000).toISOString().slice(11), '00:00:00.000Z', `${done[0].to} is no midnight IST`);
      assert.equal(to - from, 86_400_000);
      assert.ok(to <= now - 3_600_000 && to > now - 3_600_000 - 86_400_000 - 120_000, `${done[0].to}: not the last such day`);
    });

    it("lists a payout the gateway holds as taken that the bank's status API answers failed, missing from a statement of paid payouts", async () => {
      // The bank takes the next payout, to a closed account, and fails it, but answers the POST
      // pending; its statement lists only the payouts it paid.
      await sim.faults({ payout_pending: 1, statement_paid_only: true });
      const r = await gw.request('POST', '/verification/mobile/penny-drop', {
        headers: { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' },
        body: { verification_id: uid('mpd'), mobile_number: '9333333333', user_consent: consent() },
      });
      const refId = r.json.reference_id ?? r.json.error?.reference_id;
      assert.ok(Number.isInteger(refId), `${r.status} ${r.text}`);
      const v = (await gw.admin('GET', `/verifications/${refId}`)).json.verification;
      assert.equal(v.status, 'CREATED', JSON.stringify(v));
      assert.equal(v.payout_state, 'accepted', JSON.stringify(v));
      const atBank = (await sim.ledger()).payouts.find((p) => p.reference === v.payout_key);
      assert.deepEqual([atBank?.status, atBank?.reason], ['failed', 'account_closed']);

      const listed = async () =>
        ((await gw.admin('GET', `/reconciliation?from=${today()}&to=${today()}`)).json.differences as any[]).filter((d) => d.reference === v.payout_key);
      const [d, ...more] = await listed();
      assert.deepEqual(more, []);
      assert.equal(d?.kind, 'payout_not_at_bank', JSON.stringify(d));
      assert.equal(d.ref_id, refId);
      assert.equal(d.gateway_status, 'accepted');
      assert.equal(d.bank_status, 'failed');
      assert.match(d.detail, /status API answers failed \(account_closed\)/);

      // A statement that lists the failed payout too shows the bank has it: nothing to list.
      await sim.faults({ statement_paid_only: false });
      assert.deepEqual(await listed(), []);
    });
  });
}

describe('the bank simulator refuses a refund beyond what its credit has left (connector contract)', () => {
  let sim: Simulator;
  before(async () => {
    // No gateway behind it: nobody refunds its credits but the test.
    sim = await Simulator.start({ port: await freePort(), gateway: 'http://127.0.0.1:9', secret: SECRET, payeeVpa: LIVE_PAYEE_VPA });
  });
  after(() => sim?.stop());

  const credit = async () => {
    const paid = await sim.pay(`upi://pay?pa=${LIVE_PAYEE_VPA}&pn=Pennygate&am=1.00&cu=INR&tr=${Date.now()}`);
    assert.equal(paid.status, 'SUCCESS');
    return paid.bank_txn_id;
  };
  const refund = async (txn: string, amount: number, reference = uid('rf')) => {
    const r = await sim.signed('POST', '/v1/refunds', { reference, attempt: 1, bank_txn_id: txn, utr: '123456789012', amount_paise: amount, payer_vpa: 'success@upi' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json;
  };

  it('answers it failed (exceeds_credit) with its record, moves nothing, and keeps it failed', async () => {
    const txn = await credit();
    const over = await refund(txn, 150);
    assert.equal(over.status, 'failed');
    assert.equal(over.reason, 'exceeds_credit');
    assert.equal(over.bank_ref, null);

    const first = await refund(txn, 60);
    assert.equal(first.status, 'pending');
    const beyond = await refund(txn, 50);
    assert.deepEqual([beyond.status, beyond.reason], ['failed', 'exceeds_credit']);
    // What is left may go; after it nothing more, not even a paisa.
    assert.equal((await refund(txn, 40)).status, 'pending');
    assert.equal((await refund(txn, 1)).status, 'failed');
    // A failed reference stays failed, by the status API and sent again.
    const status = await sim.signed('GET', `/v1/refunds/${encodeURIComponent(beyond.reference)}`);
    assert.deepEqual([status.status, status.json.status, status.json.reason], [200, 'failed', 'exceeds_credit']);
    assert.equal((await refund(txn, 50, beyond.reference)).status, 'failed');

    const through = (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === txn && r.status !== 'failed');
    assert.equal(through.reduce((sum, r) => sum + r.amount_paise, 0), 100);
  });

  it('refuses a refund of a transaction it never credited (unknown_credit) with its record, and keeps it failed', async () => {
    const never = `AXB${Date.now()}404`;
    const refused = await refund(never, 100);
    assert.deepEqual([refused.status, refused.reason, refused.bank_ref], ['failed', 'unknown_credit', null], JSON.stringify(refused));
    const status = await sim.signed('GET', `/v1/refunds/${encodeURIComponent(refused.reference)}`);
    assert.deepEqual([status.status, status.json.status, status.json.reason], [200, 'failed', 'unknown_credit']);
    assert.equal((await refund(never, 100, refused.reference)).status, 'failed');
    assert.deepEqual((await sim.ledger()).refunds.filter((r) => r.bank_txn_id === never && r.status !== 'failed'), []);
  });

  it('counts only the refunds that moved money or may: after a declined one the whole credit may go', async () => {
    const txn = await credit();
    await sim.faults({ refund_decline: 1 });
    assert.equal((await refund(txn, 100)).status, 'failed');
    await sim.faults({ refund_decline: 0 });
    assert.equal((await refund(txn, 100)).status, 'pending');
    assert.equal((await refund(txn, 100)).status, 'failed');
    // A bank without the check (the fault) makes it: what reconciliation lists as refund_doubled.
    await sim.faults({ refund_overdraw: 1 });
    assert.equal((await refund(txn, 100)).status, 'pending');
    assert.equal((await refund(txn, 100)).status, 'failed');
  });
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the sandbox bank refuses a refund beyond what its payment has left (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let s: Services;
    let dropDb: (() => Promise<void>) | undefined;
    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      // The gateway waits an hour before it sends the rupee back: the test's refunds are the only ones.
      gw = await Gateway.start({ databaseUrl, env: { REVERSAL_DELAY_SECONDS: '3600' } });
      // The sandbox bank's refund API is the rail's (the gateway calls it in process): reached
      // here through the services of a second instance on the same store.
      s = await openServices(loadConfig(gw.env), createLogger('silent'));
    });
    after(async () => {
      await s?.qr.close();
      await s?.db.close();
      await gw?.stop();
      await dropDb?.();
    });

    it('refunds up to the amount paid and fails what goes beyond it (exceeds_credit)', async () => {
      const m = await gw.merchant('Sandbox Books');
      const created = await gw.cashfree(m.test_key).createRpd({ verification_id: uid('rpd'), name: 'John Doe' });
      assert.equal(created.status, 200, created.text);
      const paid = await gw.pay(created.json.upi_link, 'success@upi');
      assert.equal(paid.status, 200, paid.text);
      const txn: string = paid.json.bank_txn_id;
      const refund = (amountPaise: number, key = uid('rf')) =>
        s.rails.sandbox.refund({ key, attempt: 1, bankTxnId: txn, utr: paid.json.utr, amountPaise, payerVpa: 'success@upi' });

      assert.deepEqual(await refund(150), { status: 'failed', reason: 'exceeds_credit' });
      assert.equal((await refund(60)).status, 'pending');
      assert.deepEqual(await refund(50), { status: 'failed', reason: 'exceeds_credit' });
      assert.equal((await refund(40)).status, 'pending');
      assert.deepEqual(await refund(1), { status: 'failed', reason: 'exceeds_credit' });

      // Two at once under different references, on a fresh payment: one goes, one is refused.
      const again = await gw.cashfree(m.test_key).createRpd({ verification_id: uid('rpd'), name: 'John Doe' });
      const second = await gw.pay(again.json.upi_link, 'success@upi');
      const both = await Promise.all(
        [1, 2].map((i) =>
          s.rails.sandbox.refund({ key: uid(`rf${i}`), attempt: 1, bankTxnId: second.json.bank_txn_id, utr: second.json.utr, amountPaise: 100, payerVpa: 'success@upi' }),
        ),
      );
      assert.deepEqual(both.map((o) => o.status).sort(), ['failed', 'pending'], JSON.stringify(both));

      // As the sandbox shows the payment: the refunds that went, 100 paise in all.
      const view = (await gw.request('GET', `/sandbox/upi/payments/${txn}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json;
      const through = view.refunds.filter((r: any) => r.status !== 'failed');
      assert.equal(through.reduce((sum: number, r: any) => sum + Math.round(Number(r.amount) * 100), 0), 100, JSON.stringify(view.refunds));
      assert.deepEqual(
        view.refunds.filter((r: any) => r.status === 'failed').map((r: any) => r.reason),
        ['exceeds_credit', 'exceeds_credit', 'exceeds_credit'],
      );
    });
  });
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the sandbox bank refuses a refund of a payment it never credited (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let s: Services;
    let dropDb: (() => Promise<void>) | undefined;
    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      // The rupee goes back 2 s after the payment; a failed attempt is tried again 0.3 s on
      // (doubling), and a refund unsettled 5 s after its credit is set aside for review.
      gw = await Gateway.start({ databaseUrl, env: { REVERSAL_DELAY_SECONDS: '2', REFUND_RETRY_BASE_MS: '300', REFUND_REVIEW_HOURS: String(5 / 3600) } });
      // The sandbox bank's tables and refund API, through a second instance on the same store.
      s = await openServices(loadConfig(gw.env), createLogger('silent'));
    });
    after(async () => {
      await s?.qr.close();
      await s?.db.close();
      await gw?.stop();
      await dropDb?.();
    });

    it('answers failed (unknown_credit), moves nothing, and the gateway keeps the rupee owed until the operator\'s review', async () => {
      const never = `SBX${Date.now()}404`;
      assert.deepEqual(
        await s.rails.sandbox.refund({ key: uid('rf'), attempt: 1, bankTxnId: never, utr: '123456789012', amountPaise: 100, payerVpa: 'success@upi' }),
        { status: 'failed', reason: 'unknown_credit' },
      );

      // A credit the gateway recorded whose payment the bank has no record of (as if it never
      // credited it): removed from the bank's books before the refund is due.
      const m = await gw.merchant('Unknown Credit');
      const cf = gw.cashfree(m.test_key);
      const vid = uid('rpd');
      const created = await cf.createRpd({ verification_id: vid, name: 'John Doe' });
      const paid = await gw.pay(created.json.upi_link, 'success@upi');
      assert.equal(paid.status, 200, paid.text);
      const txn: string = paid.json.bank_txn_id;
      await s.db.query('DELETE FROM sandbox_payments WHERE bank_txn_id = ?', [txn]);

      // Each attempt is refused; no attempt is counted returned, and after REFUND_REVIEW_HOURS it
      // is set aside for the operator, still owed, with the bank's reason.
      const item = await eventually(
        async () => ((await gw.admin('GET', '/refunds/review')).json.items as any[]).find((i) => i.bank_txn_id === txn),
        (i) => i !== undefined,
        20_000,
        'the refused refund in review',
      );
      assert.equal(item.refund_status, 'needs_review', JSON.stringify(item));
      assert.equal(item.refund_error, 'unknown_credit', JSON.stringify(item));
      assert.ok(item.refund_attempts >= 1, JSON.stringify(item));
      const owed = ((await gw.admin('GET', '/refunds/outstanding')).json.items as any[]).find((i) => i.bank_txn_id === txn);
      assert.equal(owed?.refund_status, 'needs_review');
      assert.notEqual((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_SUCCESS');

      // Backed off, never sent in a loop: a few attempts, every one refused, and none after review.
      const atBank = async () => (await s.db.query('SELECT status, reason FROM sandbox_refunds WHERE bank_txn_id = ?', [txn])) as { status: string; reason: string }[];
      const attempts = await atBank();
      assert.ok(attempts.length >= 1 && attempts.length <= 6, JSON.stringify(attempts));
      assert.deepEqual(new Set(attempts.map((r) => `${r.status}:${r.reason}`)), new Set(['failed:unknown_credit']));
      await sleep(1500);
      assert.equal((await atBank()).length, attempts.length, 'no attempt after review');
    });
  });
}
