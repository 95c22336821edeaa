// Live mode end to end through two real processes: the gateway with a bank connector, and
// `pennygate bank-simulator` as the bank, on SQLite and PostgreSQL. Test keys keep running on
// the sandbox in the same gateway.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_TOKEN, Gateway, eventually, needsPostgres, sleep, storeFor, storeRows } from './support/gateway.js';
import { Receiver } from './support/receiver.js';
import { verifyCashfree } from './support/signatures.js';
import { LIVE_PAYEE_VPA, startLive } from './support/live.js';
import { type Simulator, signedNotification } from './support/simulator.js';
import { intentParams } from './support/upi.js';

type Key = { client_id: string; client_secret: string };
const uid = (p = 'l') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const SECRET = 'simulator-shared-secret-0123456789';
const PAYEE = LIVE_PAYEE_VPA;
const TTL_S = 3;
// A bare date is a day in India (IST), as the bank's statement counts it.
const today = () => new Date(Date.now() + 19_800_000).toISOString().slice(0, 10);

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`live mode through a bank connector (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let sim: Simulator;
    let receiver: Receiver;
    let live: Key;
    let test: Key;
    let account: string;
    let dropDb: (() => Promise<void>) | undefined;
    let databaseUrl: string | undefined;

    before(async () => {
      const db = await storeFor(store);
      databaseUrl = db.databaseUrl;
      dropDb = db.drop;
      // Listening before the gateway's port is picked, so that it cannot take that port.
      receiver = await Receiver.start();
      ({ gw, sim, live, test, account } = await startLive({
        secret: SECRET,
        merchant: 'Live Lending',
        databaseUrl,
        env: {
          SANDBOX_ENABLED: 'true',
          RPD_LINK_TTL_SECONDS: String(TTL_S),
          BANK_PULL_INTERVAL_MS: '400',
          RAIL_TIMEOUT_MS: '2000',
          REFUND_NOT_FOUND_GRACE_MS: '1500',
          REFUND_POLL_CAP_MS: '1000',
          // The scheduled reconciliation runs every 3 s (a day in production).
          RECONCILE_INTERVAL_HOURS: String(3 / 3600),
          WEBHOOK_ALLOW_PRIVATE: 'true',
        },
      }));
    });
    after(async () => {
      await gw?.stop();
      await sim?.stop();
      await receiver?.close();
      await dropDb?.();
    });

    const sql = (text: string, params: unknown[] = []) => storeRows(gw, databaseUrl, text, params);
    const cf = (k: Key = live) => gw.cashfree(k);
    const create = async (k: Key = live) => {
      const vid = uid();
      const r = await cf(k).createRpd({ verification_id: vid, name: 'John Doe' });
      assert.equal(r.status, 200, r.text);
      return { vid, ...r.json };
    };
    const status = async (vid: string) => (await cf().status({ verification_id: vid })).json;
    const reversed = (vid: string, ms = 15_000) =>
      eventually(() => status(vid), (s) => s.reversal_status === 'TRANSFER_SUCCESS', ms, `reversal of ${vid}`);
    const refundsOf = async (txn: string) => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === txn);
    /** Exactly one refund went through for the transaction, of its amount. */
    const oneRefund = async (txn: string) => {
      const rs = await eventually(() => refundsOf(txn), (rs) => rs.some((r) => r.status === 'success'), 15_000, `refund of ${txn}`);
      const through = rs.filter((r) => r.status !== 'failed');
      assert.equal(through.length, 1, JSON.stringify(rs));
      assert.equal(through[0].amount_paise, 100);
      return rs;
    };

    it('refuses to start live mode without the settings it needs, naming the one missing', async () => {
      const partial = await Gateway.start({ env: { BANK_CONNECTOR_URL: sim.url, BANK_CONNECTOR_SECRET: SECRET } }).then(
        (g) => g.stop().then(() => 'started'),
        (err: Error) => err.message,
      );
      assert.match(partial, /LIVE_PAYEE_VPA must be set when BANK_CONNECTOR_URL is/);
      // Without a connector, no live key is issued.
      const plain = await Gateway.start();
      try {
        const m = await plain.merchant();
        assert.equal('live_key' in m, false);
        assert.match(m.test_key.client_id, /^pg_test_/);
      } finally {
        await plain.stop();
      }
    });

    it('talks to a connector on the internet over https only: its answers are not signed', async () => {
      const env = { BANK_CONNECTOR_SECRET: SECRET, LIVE_PAYEE_VPA: 'pennygate@simbank', LIVE_PAYEE_NAME: 'Pennygate', LIVE_MCC: '6012' };
      const start = (more: Record<string, string>) =>
        Gateway.start({ env: { ...env, BANK_PULL_INTERVAL_MS: '600000', ...more } }).then((g) => g.stop().then(() => 'started'), (err: Error) => err.message);
      assert.match(await start({ BANK_CONNECTOR_URL: 'http://connector.example.com:8443' }), /BANK_CONNECTOR_URL is plain http to connector\.example\.com.*BANK_CONNECTOR_ALLOW_HTTP=true/);
      assert.match(await start({ BANK_CONNECTOR_URL: 'http://203.0.113.7' }), /plain http to 203\.0\.113\.7/);
      assert.match(await start({ BANK_CONNECTOR_URL: 'http://connector.example.com.' }), /plain http to connector\.example\.com\./);
      // One label written absolute is a top-level name on the internet, not a local one.
      assert.match(await start({ BANK_CONNECTOR_URL: 'http://ai.:9090' }), /plain http to ai\./);
      // A setting that is neither true nor false stops the start, whatever the URL.
      assert.match(await start({ BANK_CONNECTOR_URL: 'https://connector.example.com', BANK_CONNECTOR_ALLOW_HTTP: 'yes' }), /BANK_CONNECTOR_ALLOW_HTTP must be true or false/);
      // https anywhere, plain http inside the network or with the setting.
      for (const url of ['https://connector.example.com:8443', 'http://connector.internal:8443', 'http://bank-adapter:9090', 'http://localhost.:9090', 'http://10.1.2.3', 'http://[fd00::5]:9090']) {
        assert.equal(await start({ BANK_CONNECTOR_URL: url }), 'started', url);
      }
      assert.equal(await start({ BANK_CONNECTOR_URL: 'http://connector.example.com', BANK_CONNECTOR_ALLOW_HTTP: 'true' }), 'started');
    });

    it('issues live keys that run on the connector, while test keys stay on the sandbox', async () => {
      assert.match(live.client_id, /^pg_live_/);
      assert.match(live.client_secret, /^pgs_live_/);
      assert.match(test.client_id, /^pg_test_/);
      const l = await create();
      const p = intentParams(l.upi_link);
      assert.equal(p.pa, PAYEE);
      assert.equal(p.pn, 'Pennygate Live');
      assert.equal(p.mc, '6012');
      assert.equal(p.tr, String(l.ref_id));
      const t = await create(test);
      assert.equal(intentParams(t.upi_link).pa, 'pennygate@sandbox');
      // The sandbox never pays a live intent.
      assert.equal((await gw.pay(l.upi_link, 'success@upi')).status, 400);
      const paid = await gw.pay(t.upi_link, 'success@upi');
      assert.equal(paid.json.status, 'SUCCESS');
      assert.equal((await cf(test).status({ verification_id: t.vid })).json.status, 'SUCCESS');
    });

    it('pays at the bank only links made out to its collection VPA: a test-mode link there is refused and credits nothing', async () => {
      const [l, t] = [await create(), await create(test)];
      // The sandbox's link (the walkthrough's mistake), and the live link made out to someone else.
      const elsewhere = l.upi_link.replace(`pa=${PAYEE}`, 'pa=someone.else@examplebank');
      for (const [link, pa] of [[t.upi_link, 'pennygate@sandbox'], [elsewhere, 'someone.else@examplebank']]) {
        const r = await sim.request('POST', '/simulator/pay', { upi_link: link, payer_vpa: 'success@upi' });
        assert.equal(r.status, 400, JSON.stringify(r.json));
        assert.equal(r.json.error.code, 'payee_not_here');
        assert.ok(r.json.error.message.includes(pa) && r.json.error.message.includes(PAYEE), r.json.error.message);
      }
      // VPAs are case-insensitive: its own, written in capitals, is paid (quickly: links live TTL_S).
      const shouting = l.upi_link.replace(`pa=${PAYEE}`, `pa=${PAYEE.toUpperCase()}`);
      const paid = await sim.pay(shouting, 'success@upi');
      assert.equal(paid.status, 'SUCCESS');
      const s = await eventually(() => status(l.vid), (s) => s.status === 'SUCCESS', 10_000, 'success');
      assert.equal(s.utr, paid.utr);
      // The refused payments moved nothing: the bank credited that one payment alone, and a pull
      // (every 400 ms) finds nothing of the test-mode link's.
      await sleep(1_000);
      const credits = (await sim.ledger()).credits;
      const { tr: liveTr } = intentParams(l.upi_link);
      const { tr: testTr } = intentParams(t.upi_link);
      assert.deepEqual(credits.filter((c) => c.tr === liveTr).map((c) => c.bank_txn_id), [paid.bank_txn_id]);
      assert.deepEqual(credits.filter((c) => c.tr === testTr), []);
      assert.notEqual((await cf(test).status({ verification_id: t.vid })).json.status, 'SUCCESS');
    });

    it('verifies and refunds in the Cashfree dialect', async () => {
      const r = await create();
      const paid = await sim.pay(r.upi_link, 'success@upi');
      const s = await eventually(() => status(r.vid), (s) => s.status === 'SUCCESS', 10_000, 'success');
      assert.equal(s.bank_account, '026291800001191');
      assert.equal(s.ifsc, 'YESB0000262');
      assert.equal(s.name_at_bank, 'JOHN DOE');
      assert.equal(s.utr, paid.utr);
      await reversed(r.vid);
      const rs = await oneRefund(paid.bank_txn_id);
      assert.equal(rs.length, 1);
      assert.match(rs[0].reference, /^rf_cr_/);
    });

    it("signs a live verification's Cashfree webhook with the live key's secret, a test one's with the test key's", async () => {
      const m = (await gw.admin('POST', '/merchants', { name: 'Live Hooks' })).json;
      const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
      assert.equal(set.status, 200, set.text);
      const [l, t] = [await create(m.live_key), await create(m.test_key)];
      await sim.pay(l.upi_link, 'success@upi');
      await gw.pay(t.upi_link, 'success@upi');
      const hookOf = (vid: string) =>
        eventually(
          async () => receiver.received.find((r) => JSON.parse(r.body).data?.verification_id === vid),
          (r) => r !== undefined,
          10_000,
          `the webhook of ${vid}`,
        );
      const [hl, ht] = [await hookOf(l.vid), await hookOf(t.vid)];
      assert.equal(JSON.parse(hl!.body).event_type, 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS');
      assert.deepEqual(verifyCashfree(hl!.body, hl!.headers, m.live_key.client_secret), { headerOk: true, bodyOk: true });
      assert.deepEqual(verifyCashfree(hl!.body, hl!.headers, m.test_key.client_secret), { headerOk: false, bodyOk: false });
      assert.deepEqual(verifyCashfree(ht!.body, ht!.headers, m.test_key.client_secret), { headerOk: true, bodyOk: true });
      assert.deepEqual(verifyCashfree(ht!.body, ht!.headers, m.live_key.client_secret), { headerOk: false, bodyOk: false });
    });

    it('verifies and refunds in the RazorpayX dialect', async () => {
      const auth = { authorization: 'Basic ' + Buffer.from(`${live.client_id}:${live.client_secret}`).toString('base64') };
      const v = (
        await gw.request('POST', '/v1/fund_accounts/validations', {
          headers: auth,
          body: { source_account_number: account, validation_type: 'upi_intent', reference_id: uid('rzp') },
        })
      ).json;
      assert.equal(v.status, 'created', JSON.stringify(v));
      assert.equal(intentParams(v.upi_intent.intent_url).pa, PAYEE);
      const paid = await sim.pay(v.upi_intent.intent_url, 'priya.sharma@okaxis');
      const got = await eventually(
        async () => (await gw.request('GET', `/v1/fund_accounts/validations/${v.id}`, { headers: auth })).json,
        (x) => x.status === 'completed',
        10_000,
        'completed',
      );
      assert.equal(got.utr, paid.utr);
      assert.equal(got.validation_results.registered_name, 'PRIYA SHARMA');
      assert.equal(got.validation_results.bank_account.account_number, '917010047162835');
      await oneRefund(paid.bank_txn_id);
    });

    it('runs the mobile penny drop and the UPI mobile lookup on the connector', async () => {
      const headers = { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' };
      const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' };
      const vid = uid('mpd');
      const r = await gw.request('POST', '/verification/mobile/penny-drop', {
        headers,
        body: { verification_id: vid, mobile_number: '9876543210', name: 'Priya Sharma', user_consent: consent },
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'VALID');
      assert.equal(r.json.bank_account, '917010047162835');
      const payouts = (await sim.ledger()).payouts.filter((p) => p.status === 'success' && p.vpa === 'priya.sharma@okaxis');
      assert.equal(payouts.length, 1);
      assert.equal(payouts[0].utr, r.json.utr);
      const lookup = await gw.request('POST', '/verification/upi/mobile', { headers, body: { verification_id: uid('upi'), mobile_number: '9876543210' } });
      assert.equal(lookup.status, 200, lookup.text);
      assert.equal(lookup.json.vpa, 'priya.sharma@okaxis');
      const none = await gw.request('POST', '/verification/upi/mobile', { headers, body: { verification_id: uid('upi'), mobile_number: '8888888888' } });
      assert.equal(none.status, 200, none.text);
      assert.notEqual(none.json.status, 'VALID');
    });

    it("counts a test key's drops against the daily payout cap apart from the live key's", async () => {
      // The sandbox pays nothing: its drops must not use up the live cap (a merchant's CI would
      // otherwise refuse its customers' drops for the rest of the day), and are capped on their own.
      const id = (await gw.admin('GET', '/merchants')).json.items.find((m: any) => m.name === 'Live Lending').id;
      const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' };
      const drop = (k: Key, mobile: string) =>
        gw.request('POST', '/verification/mobile/penny-drop', {
          headers: { 'x-client-id': k.client_id, 'x-client-secret': k.client_secret, 'x-api-version': '2024-12-01' },
          body: { verification_id: uid('cap'), mobile_number: mobile, user_consent: consent },
        });
      const limits = async () => (await gw.admin('GET', `/merchants/${id}/limits`)).json;
      const before = await limits();
      // Drops are counted with no cap set too: the cap is one above the larger count, so each
      // environment has room for at least one more, and each is refused once at its own count.
      const cap = Math.max(before.payouts_today, before.test_payouts_today) + 1;
      await gw.admin('PUT', `/merchants/${id}/limits`, { daily_payouts: cap });
      try {
        for (let n = before.test_payouts_today; n < cap; n++) {
          const t = await drop(test, '9999999999');
          assert.equal(t.status, 200, t.text);
        }
        assert.equal((await drop(test, '9999999999')).status, 429, 'the test environment has the cap too');
        for (let n = before.payouts_today; n < cap; n++) {
          const l = await drop(live, '9876543210');
          assert.equal(l.status, 200, `the live drop is not held up by the test ones: ${l.text}`);
          assert.equal(l.json.status, 'VALID');
        }
        assert.equal((await drop(live, '9876543210')).status, 429);
        assert.deepEqual(await limits(), { daily_payouts: cap, payouts_today: cap, test_payouts_today: cap });
      } finally {
        await gw.admin('PUT', `/merchants/${id}/limits`, { daily_payouts: null });
      }
    });

    it("leaves a test drop's count where a build older than the per-environment counters cannot give it to the live one", async () => {
      // During a rolling upgrade an older instance may close a drop this one counted. That build
      // gives the slot a marker names back to the live counter: it must not find a test drop's.
      const id = (await gw.admin('GET', '/merchants')).json.items.find((m: any) => m.name === 'Live Lending').id;
      const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' };
      const drop = (k: Key) =>
        gw.request('POST', '/verification/mobile/penny-drop', {
          headers: { 'x-client-id': k.client_id, 'x-client-secret': k.client_secret, 'x-api-version': '2024-12-01' },
          body: { verification_id: uid('old'), mobile_number: k === live ? '9876543210' : '9999999999', user_consent: consent },
        });
      const limits = async () => (await gw.admin('GET', `/merchants/${id}/limits`)).json;
      assert.equal((await drop(live)).status, 200);
      const markers = async () => (await sql("SELECT key FROM rate_counters WHERE key LIKE 'payout counted %'")).map((r) => r.key as string);
      const seen = new Set(await markers());
      assert.equal((await drop(test)).status, 200);
      const mine = (await markers()).filter((k) => !seen.has(k));
      assert.equal(mine.length, 1, 'the test drop is marked as counted');
      const before = await limits();
      assert.ok(before.payouts_today > 0);
      // What the older build does when it closes a drop that paid nothing, for the test drop's ref.
      const ref = /(\d+)$/.exec(mine[0])![1];
      const released = await sql('DELETE FROM rate_counters WHERE key = $1 RETURNING key', [`payout counted ${ref}`]);
      if (released.length) await sql('UPDATE rate_counters SET count = count - 1 WHERE key = $1 AND count > 0', [`payouts ${id}`]);
      assert.equal((await limits()).payouts_today, before.payouts_today, 'the live count keeps its drops');
    });

    it('takes duplicate, dropped, delayed and out-of-order notifications once each', async () => {
      // Three copies of every notification.
      await sim.faults({ notify_duplicates: 2 });
      const dup = await create();
      const dupPaid = await sim.pay(dup.upi_link);
      // Dropped: the pull finds it.
      await sim.faults({ notify_duplicates: 0, notify_drop: 1 });
      const dropped = await create();
      const droppedPaid = await sim.pay(dropped.upi_link);
      // Delayed: the first payment's notice comes after the second's.
      await sim.faults({ notify_drop: 0, notify_delay_ms: 1500 });
      const early = await create();
      const earlyPaid = await sim.pay(early.upi_link);
      await sim.faults({ notify_delay_ms: 0 });
      const late = await create();
      const latePaid = await sim.pay(late.upi_link);
      for (const [v, p] of [
        [dup, dupPaid],
        [dropped, droppedPaid],
        [early, earlyPaid],
        [late, latePaid],
      ] as const) {
        await reversed(v.vid);
        assert.equal((await status(v.vid)).utr, p.utr);
        await oneRefund(p.bank_txn_id);
        const credits = (await gw.admin('GET', `/verifications/${v.ref_id}`)).json.credits;
        assert.equal(credits.length, 1, `one credit for ${v.vid}`);
      }
      // The delayed notice comes (after the pull may have found its credit): it changes nothing.
      await eventually(async () => (await sim.ledger()).notifications, (ns) => ns.some((n) => n.bank_txn_id === earlyPaid.bank_txn_id), 10_000, 'the delayed notice');
      await gw.idle();
      const sent = (await sim.ledger()).notifications;
      const to = (p: { bank_txn_id: string }) => sent.filter((n) => n.bank_txn_id === p.bank_txn_id);
      assert.deepEqual(to(dupPaid).map((n) => n.status), [200, 200, 200], gw.output.split('\n').filter((l) => l.includes('refused')).join('\n'));
      assert.deepEqual(to(droppedPaid), [], 'the dropped notice never came: the pull recovered it');
      assert.ok(Date.parse(to(earlyPaid)[0].at) > Date.parse(to(latePaid)[0].at), 'the first payment was notified last');
      assert.deepEqual(to(earlyPaid).map((n) => n.status), [200]);
      assert.equal((await gw.admin('GET', `/verifications/${dup.ref_id}`)).json.credits.length, 1, 'duplicates recorded once');
    });

    it('takes two payments that carry one UTR as two credits, each refunded', async () => {
      const a = await create();
      const b = await create();
      await sim.faults({ reuse_utr: true });
      const pa = await sim.pay(a.upi_link, 'success@upi');
      const pb = await sim.pay(b.upi_link, 'mohd.irfan@ybl');
      await sim.faults({});
      assert.equal(pa.utr, pb.utr);
      assert.notEqual(pa.bank_txn_id, pb.bank_txn_id);
      const [sa, sb] = await Promise.all([a, b].map((v) => eventually(() => status(v.vid), (s) => s.status === 'SUCCESS', 10_000, 'success')));
      assert.equal(sa.name_at_bank, 'JOHN DOE');
      assert.equal(sb.name_at_bank, 'MOHAMMED IRFAN');
      await oneRefund(pa.bank_txn_id);
      await oneRefund(pb.bank_txn_id);
    });

    it('refunds exactly once when the answer to the refund is lost, asking before sending again', async () => {
      await sim.faults({ refund_answer_lost: 1, status_lag_ms: 600 });
      const r = await create();
      const paid = await sim.pay(r.upi_link);
      await reversed(r.vid);
      await sim.faults({});
      await gw.idle();
      const rs = await oneRefund(paid.bank_txn_id);
      assert.equal(rs.length, 1, 'the lost refund was not sent again');
    });

    it("takes a proxy's 404 page on a status query as no answer, not as a refund the bank never got", async () => {
      // The refund is made, its answer lost, and for longer than REFUND_NOT_FOUND_GRACE_MS a proxy
      // answers the status queries with its own 404 page: taken as "none", a second attempt went.
      await sim.faults({ refund_answer_lost: 1, status_proxy_404_ms: 4000 });
      const r = await create();
      const paid = await sim.pay(r.upi_link);
      await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.length >= 1, 15_000, 'the refund made');
      await sim.faults({ refund_answer_lost: 0 });
      await reversed(r.vid, 20_000);
      await sim.faults({});
      await gw.idle();
      const rs = await oneRefund(paid.bank_txn_id);
      assert.deepEqual(rs.map((x) => x.attempt), [1], 'no second attempt was sent');
    });

    it('sends a new attempt under a new reference only after the bank declined the last one', async () => {
      await sim.faults({ refund_decline: 1 });
      const r = await create();
      const paid = await sim.pay(r.upi_link);
      await eventually(() => refundsOf(paid.bank_txn_id), (rs) => rs.length >= 2, 15_000, 'two declined attempts');
      await sim.faults({});
      await reversed(r.vid);
      await gw.idle();
      const rs = await oneRefund(paid.bank_txn_id);
      const refs = rs.map((x) => x.reference);
      assert.equal(new Set(refs).size, refs.length, 'every attempt has its own reference');
      assert.ok(rs.slice(0, -1).every((x) => x.status === 'failed'), 'a declined reference stays declined');
      assert.deepEqual(rs.map((x) => x.attempt), rs.map((_, i) => i + 1));
    });

    it('completes everything once a bank that was down comes back', async () => {
      await sim.faults({ down: true });
      const r = await create();
      const paid = await sim.pay(r.upi_link);
      // Nothing reaches the gateway: no notification, and its pulls fail.
      const failedPulls = () => gw.output.split('pulling credits from the bank failed').length;
      const before = failedPulls();
      await eventually(async () => failedPulls(), (n) => n >= before + 2, 10_000, 'pulls to fail while the bank is down');
      assert.equal((await status(r.vid)).status, 'CREATED');
      await sim.faults({ down: false });
      await eventually(() => status(r.vid), (s) => s.status === 'SUCCESS', 10_000, 'success after the bank returned');
      await reversed(r.vid);
      await oneRefund(paid.bank_txn_id);
    });

    it('counts a payment made before valid_upto whose notice comes after it', async () => {
      await sim.faults({ down: true });
      const r = await create();
      const paid = await sim.pay(r.upi_link);
      const validUpto = Date.parse(r.valid_upto);
      // Past valid_upto, within the grace: still CREATED, not EXPIRED.
      await eventually(async () => Date.now(), (t) => t > validUpto + 500, TTL_S * 1000 + 5000, 'valid_upto to pass');
      assert.equal((await status(r.vid)).status, 'CREATED');
      await sim.faults({ down: false });
      const s = await eventually(() => status(r.vid), (s) => s.status !== 'CREATED', 10_000, 'the late notice');
      assert.equal(s.status, 'SUCCESS');
      const credit = (await gw.admin('GET', `/verifications/${r.ref_id}`)).json.credits[0];
      assert.ok(Date.parse(credit.credited_at) < validUpto && Date.parse(credit.received_at) > validUpto, JSON.stringify(credit));
      await oneRefund(paid.bank_txn_id);
    });

    it('refuses forged, stale and replayed notifications, and changes nothing', async () => {
      const r = await create();
      const body = {
        id: uid('evt'),
        type: 'credit',
        bank_txn_id: uid('FORGED'),
        utr: '123456789012',
        tr: String(r.ref_id),
        amount_paise: 100,
        credited_at: new Date().toISOString(),
        payer: { vpa: 'mallory@upi', name: 'JOHN DOE', account: '999999999999', ifsc: 'YESB0000262', account_type: 'SAVINGS' },
      };
      const post = (raw: string, headers: Record<string, string>) => gw.request('POST', '/bank/notifications', { raw, headers });
      const forged = signedNotification('not-the-shared-secret-000000', body);
      const a = await post(forged.raw, forged.headers);
      assert.equal(a.status, 401);
      assert.equal(a.json.error.code, 'invalid_signature');
      const unsigned = await post(forged.raw, { 'content-type': 'application/json' });
      assert.equal(unsigned.status, 401);
      const stale = signedNotification(SECRET, body, Date.now() - 3600_000);
      assert.equal((await post(stale.raw, stale.headers)).json.error.code, 'stale_timestamp');
      const good = signedNotification(SECRET, body);
      const tampered = await post(good.raw.replace('"amount_paise":100', '"amount_paise":1'), good.headers);
      assert.equal(tampered.status, 401);
      assert.equal((await gw.admin('GET', `/verifications/${r.ref_id}`)).json.credits.length, 0);
      assert.equal((await status(r.vid)).status, 'CREATED');

      // A real payment's notification, taken once; the same signed bytes again are a replay.
      await sim.faults({ notify_drop: 1 });
      const paid = await sim.pay(r.upi_link);
      await sim.faults({});
      const real = signedNotification(SECRET, {
        ...body,
        bank_txn_id: paid.bank_txn_id,
        utr: paid.utr,
        payer: { vpa: 'success@upi', name: 'JOHN DOE', account: '026291800001191', ifsc: 'YESB0000262', account_type: 'SAVINGS' },
      });
      const first = await post(real.raw, real.headers);
      assert.equal(first.status, 200, first.text);
      const replay = await post(real.raw, real.headers);
      assert.equal(replay.status, 401);
      assert.equal(replay.json.error.code, 'replayed');
      const bad = signedNotification(SECRET, { ...body, amount_paise: 'one' });
      assert.equal((await post(bad.raw, bad.headers)).status, 400);
      await oneRefund(paid.bank_txn_id);
      assert.equal((await gw.admin('GET', `/verifications/${r.ref_id}`)).json.credits.length, 1);
    });

    it('reconciles clean after all that, and lists the differences a test plants', async () => {
      await gw.idle(30_000);
      const q = `/reconciliation?from=${today()}&to=${today()}`;
      const clean = (await gw.admin('GET', q)).json;
      assert.deepEqual(clean.differences, [], JSON.stringify(clean.differences));
      assert.equal(clean.clean, true);
      assert.ok(clean.bank.credits >= 10, JSON.stringify(clean.bank));

      // Planted at the bank behind the gateway's back: a payout it never sent, a second refund
      // (which the simulator, as a real bank, refuses unless told to let it through).
      const payout = await sim.signed('POST', '/v1/payouts', { reference: uid('planted'), vpa: 'success@upi', amount_paise: 100, note: 'x' });
      assert.equal(payout.status, 200);
      const credited = (await sim.ledger()).credits.find((c) => c.status === 'credited')!;
      await sim.faults({ refund_overdraw: 1 });
      const refund = await sim.signed('POST', '/v1/refunds', { reference: uid('planted'), bank_txn_id: credited.bank_txn_id, amount_paise: 100 });
      assert.equal(refund.status, 200);
      const report = (await gw.admin('GET', q)).json;
      assert.equal(report.clean, false);
      assert.deepEqual(report.differences.map((d: any) => d.kind).sort(), ['payout_unknown', 'refund_doubled']);
      assert.equal(report.differences.find((d: any) => d.kind === 'payout_unknown').reference, payout.json.reference);

      // The same from the command line, which exits 3 on differences.
      const cli = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'src', 'cli.js'), 'reconcile', '--from', today(), '--to', today(), '--json'], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env },
        encoding: 'utf8',
      });
      assert.equal(cli.status, 3, cli.stderr);
      assert.deepEqual(JSON.parse(cli.stdout).differences.map((d: any) => d.kind).sort(), ['payout_unknown', 'refund_doubled']);

      // The scheduled run of the period that held the planted payout logs it at error level.
      const logged = await eventually(
        async () => gw.output.split('\n').filter((l) => l.includes('reconciliation: payout_unknown')),
        (ls) => ls.some((l) => l.includes(payout.json.reference)),
        15_000,
        'the scheduled reconciliation',
      );
      assert.equal(JSON.parse(logged.find((l) => l.includes(payout.json.reference))!).level, 50);

      const bad = await gw.admin('GET', '/reconciliation?from=yesterday&to=today');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'invalid_request');
      assert.equal((await gw.request('GET', `/admin${q}`)).status, 401);
      assert.equal((await gw.request('GET', `/admin${q}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } })).status, 401);
    });
  });
}

describe('a refund the bank refuses because the credit was already returned by other means', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;
  before(async () => {
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Refunded Elsewhere',
      // The rupee goes back 2 s after the credit, leaving time to return it at the bank first;
      // a failed attempt would be followed by another within 0.2 s, doubling.
      // A refund unsettled 1 s after it fell due goes to review.
      env: { REVERSAL_DELAY_SECONDS: '2', BANK_PULL_INTERVAL_MS: '400', REFUND_RETRY_BASE_MS: '200', REFUND_POLL_CAP_MS: '300', REFUND_REVIEW_HOURS: String(1 / 3600) },
    }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('goes to review at once (exceeds_credit), sends no further attempt, and is settled on the operator\'s word', async () => {
    const cf = gw.cashfree(live);
    const vid = uid();
    const r = (await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json;
    const paid = await sim.pay(r.upi_link);
    // Returned at the bank behind the gateway's back (an operator at the bank's portal).
    const portal = uid('portal');
    const planted = await sim.signed('POST', '/v1/refunds', { reference: portal, bank_txn_id: paid.bank_txn_id, amount_paise: 100 });
    assert.ok(['pending', 'success'].includes(planted.json.status), JSON.stringify(planted.json));
    const item = await eventually(
      async () => (await gw.admin('GET', '/refunds/review')).json.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id),
      (x) => x !== undefined,
      10_000,
      'the refund in review',
    );
    assert.deepEqual([item.refund_status, item.refund_attempts, item.refund_error], ['needs_review', 1, 'exceeds_credit']);
    assert.match(gw.output, /refund refused by the bank, whose books disagree with ours/);
    // The rupee went back by other means: not FAILED, which the merchant could take as owed.
    assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_INITIATED');
    // Time for several more attempts, had they gone.
    await sleep(1500);
    const refunds = (await sim.ledger()).refunds.filter((x) => x.bank_txn_id === paid.bank_txn_id);
    assert.equal(refunds.length, 2, JSON.stringify(refunds));
    assert.equal(refunds[0].reference, portal);
    assert.deepEqual([refunds[1].status, refunds[1].reason], ['failed', 'exceeds_credit']);
    const settled = await gw.admin('POST', `/refunds/${item.credit_id}/settle`, { note: 'returned at the bank portal' });
    assert.equal(settled.json.refund_status, 'success', settled.text);
    assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_SUCCESS');
  });

  it('reads TRANSFER_INITIATED while declined attempts are followed by others, and FAILED once none will follow', async () => {
    const cf = gw.cashfree(live);
    const vid = uid();
    await sim.faults({ refund_decline: 1 });
    try {
      const paid = await sim.pay((await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json.upi_link);
      const seen: string[] = [];
      await eventually(
        async () => {
          const s = (await cf.status({ verification_id: vid })).json.reversal_status;
          if (s && s !== 'PENDING' && s !== seen.at(-1)) seen.push(s);
          return (await gw.admin('GET', '/refunds/review')).json.items.some((i: any) => i.bank_txn_id === paid.bank_txn_id);
        },
        (inReview) => inReview,
        10_000,
        'the refund in review',
      );
      // Never FAILED and then under way again: FAILED, once read, stays.
      assert.equal(seen.join(' '), 'TRANSFER_INITIATED' + (seen.includes('FAILED') ? ' FAILED' : ''));
      assert.ok((await sim.ledger()).refunds.filter((x) => x.bank_txn_id === paid.bank_txn_id).length >= 2, 'declined attempts were followed by others');
      assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'FAILED');
    } finally {
      await sim.faults({});
    }
  });
});
