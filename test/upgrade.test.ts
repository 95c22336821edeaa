// Upgrading in place: the first release (built here from git history) writes a database full of
// live state; this build starts on it and carries on with nothing lost. Also: a database newer
// than the code refuses to start, and a start on a current database changes no schema.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Gateway, REQUIRE_ALL, eventually, freshPostgres, needsPostgres, storeFor, storeRows } from './support/gateway.js';
import { Receiver } from './support/receiver.js';
import { buildCommit, hasCommit } from './support/old-build.js';
import { decodeQr, intentParams } from './support/upi.js';

/** The first release: the schema of every start as `CREATE ... IF NOT EXISTS`, no migrations. */
const FIRST_RELEASE = 'f2b9ebd';
const uid = (p = 'u') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the account for a loan' });

/** Since the first release, `ifsc_details` leaves out the fields the dataset lacks instead of sending null. */
function withoutNullBranchFields(body: any) {
  if (body?.ifsc_details) body.ifsc_details = Object.fromEntries(Object.entries(body.ifsc_details).filter(([, v]) => v !== null));
  return body;
}

/** Since the QR code is built as one byte-mode segment, its image differs; what it encodes must not. */
function qrAsText(body: any) {
  if (body?.upi_intent?.encoded_qr_code) body.upi_intent.encoded_qr_code = decodeQr(body.upi_intent.encoded_qr_code);
  return body;
}

/** Since the first release, a completed RazorpayX validation's status_details.description is RazorpayX's documented one. */
function completedAsDocumented(body: any) {
  if (body?.status_details?.reason === 'validation_completed') body.status_details.description = 'Validation request is completed';
  return body;
}

/** Skips a suite without the commit it builds (a tarball, a shallow clone), unless CI requires it. */
const needHistory = (commit: string) =>
  REQUIRE_ALL || hasCommit(commit) ? false : `needs the git history (commit ${commit}): run from a full clone`;
const skipFor = (commit: string, store: 'sqlite' | 'postgres') => ({
  skip: needHistory(commit) || (store === 'postgres' && needsPostgres),
});
let oldMain = '';
before(() => {
  if (!needHistory(FIRST_RELEASE)) oldMain = buildCommit(FIRST_RELEASE);
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`upgrade from the first release (${store})`, skipFor(FIRST_RELEASE, store), () => {
    let old: Gateway | undefined;
    let gw: Gateway | undefined;
    let receiver: Receiver;
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      await old?.stop();
      await gw?.stop();
      await receiver?.close();
      await drop();
    });

    it('starts on a database the first release wrote and loses nothing', async () => {
      const s = await storeFor(store);
      drop = s.drop;
      receiver = await Receiver.start();
      receiver.plan = [500]; // deliveries keep retrying while the old release runs
      const oldEnv = {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_BASE_MS: '300',
        WEBHOOK_RETRY_CAP_MS: '1000',
        RPD_LINK_TTL_SECONDS: '1',
      };

      // The first release: one link left to expire, then everything else with a long TTL.
      const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-upgrade-'));
      old = await Gateway.start({ main: oldMain, dataDir, databaseUrl: s.databaseUrl, env: oldEnv });
      const a = await old.merchant('Old Lending');
      const b = await old.merchant('Old Payments');
      assert.equal((await old.admin('PUT', `/merchants/${a.id}/webhook`, { url: receiver.url, dialect: 'cashfree' })).status, 200);
      assert.equal((await old.admin('PUT', `/merchants/${b.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' })).status, 200);
      let cf = old.cashfree(a.test_key);
      const expired = uid('exp');
      await cf.createRpd({ verification_id: expired, name: 'John Doe' });
      await eventually(async () => (await cf.status({ verification_id: expired })).json.status, (x) => x === 'EXPIRED', 10_000, 'expiry');
      await old.restart({ RPD_LINK_TTL_SECONDS: '600', REVERSAL_DELAY_SECONDS: '8' }); // refunds owed at the upgrade
      cf = old.cashfree(a.test_key);

      const open = (await cf.createRpd({ verification_id: uid('open'), name: 'John Doe' })).json;
      const paid = (await cf.createRpd({ verification_id: uid('paid'), name: 'John Doe' })).json;
      const failed = (await cf.createRpd({ verification_id: uid('fail'), name: 'John Doe' })).json;
      const rzpAuth = { authorization: 'Basic ' + Buffer.from(`${b.test_key.client_id}:${b.test_key.client_secret}`).toString('base64') };
      const fav = (
        await old.request('POST', '/v1/fund_accounts/validations', {
          headers: rzpAuth,
          body: { source_account_number: b.account_number, validation_type: 'upi_intent', reference_id: uid('rzp') },
        })
      ).json;
      const mobileVid = uid('mpd');
      const mobile = await cf.post(
        '/mobile/penny-drop',
        { verification_id: mobileVid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent() },
        { 'x-api-version': '2024-12-01' },
      );
      assert.equal(mobile.json.status, 'VALID', mobile.text);
      const utrs = [
        (await old.pay(paid.upi_link, 'success@upi')).json.utr,
        (await old.pay(paid.upi_link, 'priya.sharma@okaxis')).json.utr, // a second payment: owed back too
        (await old.pay(fav.upi_intent.intent_url, 'mohd.irfan@ybl')).json.utr,
      ];
      assert.equal((await old.pay(failed.upi_link, 'failure@upi')).json.status, 'FAILURE');
      const nameMatchVid = uid('nm');
      assert.equal((await cf.post('/name-match', { verification_id: nameMatchVid, name_1: 'John Doe', name_2: 'JOHN DOE' })).status, 200);

      // What the first release answers, just before it stops.
      const cfReads = async (g: Gateway) => {
        const c = g.cashfree(a.test_key);
        return Promise.all(
          [expired, open.verification_id, paid.verification_id, failed.verification_id].map(async (vid) => {
            const r = (await c.status({ verification_id: vid })).json;
            delete r.reversal_status; // the rupee goes back after the upgrade
            return r;
          }),
        );
      };
      const readAll = async (g: Gateway) => ({
        cashfree: await cfReads(g),
        razorpayx: completedAsDocumented(qrAsText((await g.request('GET', `/v1/fund_accounts/validations/${fav.id}`, { headers: rzpAuth })).json)),
        mobile: withoutNullBranchFields(
          (
            await g.request('GET', `/verification/mobile/penny-drop?verification_id=${mobileVid}`, {
              headers: { 'x-client-id': a.test_key.client_id, 'x-client-secret': a.test_key.client_secret, 'x-api-version': '2024-12-01' },
            })
          ).json,
        ),
        merchants: (await g.admin('GET', '/merchants')).json,
      });
      const before = await readAll(old);
      assert.deepEqual(
        before.cashfree.map((r: any) => r.status),
        ['EXPIRED', 'CREATED', 'SUCCESS', 'FAILURE'],
      );
      assert.equal(before.razorpayx.status, 'completed');
      const owed = (await old.admin('GET', '/refunds/outstanding')).json;
      assert.equal(owed.count, 3);
      const pendingDeliveries = (await old.admin('GET', `/merchants/${a.id}/webhook/deliveries`)).json;
      await old.stop();
      old = undefined;

      // This build on the same database.
      receiver.plan = [200];
      gw = await Gateway.start({
        databaseUrl: s.databaseUrl,
        dataDir,
        env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '300' },
      });
      await eventually(async () => gw!.output, (o) => /schema migration applied/.test(o), 5000, 'the migrations logged');
      assert.deepEqual(await readAll(gw), before);

      // Owed refunds are paid, each exactly once.
      await eventually(async () => (await gw!.admin('GET', '/refunds/outstanding')).json.count, (n) => n === 0, 30_000, 'owed refunds');
      for (const utr of utrs) assert.equal((await gw.refundsSettled(utr)).length, 1, `one refund for ${utr}`);
      assert.equal((await gw.cashfree(a.test_key).status({ verification_id: paid.verification_id })).json.reversal_status, 'TRANSFER_SUCCESS');

      // Deliveries the old release kept retrying arrive, each event answered 200 once.
      const expectIds = new Set<string>((pendingDeliveries.items ?? pendingDeliveries).map((d: any) => d.id));
      assert.ok(expectIds.size >= 3, JSON.stringify(pendingDeliveries));
      await eventually(
        async () => (await gw!.admin('GET', `/merchants/${a.id}/webhook/deliveries`)).json,
        (l: any) => (l.items ?? l).every((d: any) => d.status === 'delivered'),
        30_000,
        'pending webhooks delivered',
      );
      // Their jobs, queued before jobs had lanes, were given their merchant's by the upgrade.
      const lanes = await storeRows(gw, s.databaseUrl, `SELECT subject, lane FROM jobs WHERE kind = 'webhook.deliver'`);
      for (const id of expectIds) assert.equal(lanes.find((j) => j.subject === id)?.lane, a.id, `the lane of ${id}'s job`);
      await eventually(
        async () => (await gw!.admin('GET', `/merchants/${b.id}/webhook/deliveries`)).json,
        (l: any) => (l.items ?? l).length > 0 && (l.items ?? l).every((d: any) => d.status === 'delivered'),
        30_000,
        'razorpayx webhooks delivered',
      );

      // A link the first release issued is still payable, and new work runs on the upgraded store.
      const late = await gw.pay(open.upi_link, 'success@upi');
      assert.equal(late.json.status, 'SUCCESS');
      assert.equal((await gw.cashfree(a.test_key).status({ verification_id: open.verification_id })).json.status, 'SUCCESS');
      await gw.refundsSettled(late.json.utr);
      const fresh = await gw.cashfree(a.test_key).createRpd({ verification_id: uid('new'), name: 'John Doe' });
      assert.equal(fresh.status, 200, fresh.text);
      // A name match's id the first release recorded (with no mode) is still used.
      assert.equal((await gw.cashfree(a.test_key).post('/name-match', { verification_id: nameMatchVid, name_1: 'A B', name_2: 'A B' })).status, 409);
      // The ids the first release took are used in their own product only (each product keeps
      // its own ids since version 41): a reverse penny drop's id is free for a mobile penny drop,
      // the mobile penny drop's for a reverse penny drop, and each is still refused in its own.
      const upgraded = gw.cashfree(a.test_key);
      const mpd = (vid: string) =>
        upgraded.post('/mobile/penny-drop', { verification_id: vid, mobile_number: '9812345670', user_consent: consent() }, { 'x-api-version': '2024-12-01' });
      const crossed = await mpd(paid.verification_id);
      assert.equal(crossed.status, 200, crossed.text);
      assert.equal((await upgraded.createRpd({ verification_id: mobileVid, name: 'John Doe' })).status, 200);
      assert.equal((await mpd(mobileVid)).status, 409);
      assert.equal((await upgraded.createRpd({ verification_id: paid.verification_id, name: 'John Doe' })).status, 400);
      assert.equal((await upgraded.status({ verification_id: paid.verification_id })).json.status, 'SUCCESS');

      // Restarting on the now-current database applies nothing.
      const mark = gw.output.length;
      await gw.restart();
      // The start-up lines come in order from one logger: once "listening" is there, so is any migration.
      const restarted = await eventually(async () => gw!.output.slice(mark), (o) => o.includes('pennygate listening'), 5000, 'the restart logged');
      assert.doesNotMatch(restarted, /schema migration applied/);
    });
  });
}

for (const store of ['sqlite', 'postgres'] as const) {
  // Builds before 1d7ecb5 left a RazorpayX validation's verification_id empty (this build gives a
  // new one its fav id). The first release, built already for the suites above, writes such rows
  // as the last of those builds does.
  describe(`a RazorpayX validation the first release made, read through Cashfree (${store})`, skipFor(FIRST_RELEASE, store), () => {
    let gw: Gateway | undefined;
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      await gw?.stop();
      await drop();
    });

    it('is found by its fav id, which no other verification can take; a fav id already taken stays with its taker', async () => {
      const s = await storeFor(store);
      drop = s.drop;
      const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-upgrade-fav-'));
      gw = await Gateway.start({ main: oldMain, dataDir, databaseUrl: s.databaseUrl });
      const m = await gw.merchant('Old Payouts');
      const validate = async () =>
        (
          await gw!.request('POST', '/v1/fund_accounts/validations', {
            headers: { authorization: 'Basic ' + Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64') },
            body: { source_account_number: m.account_number, validation_type: 'upi_intent', reference_id: uid('rzp') },
          })
        ).json;
      const fav = await validate();
      // That build let a Cashfree verification take another validation's fav id.
      const taken = await validate();
      const taker = await gw.cashfree(m.test_key).createRpd({ verification_id: taken.id, name: 'John Doe' });
      assert.equal(taker.status, 200, taker.text);
      await gw.stop();

      gw = await Gateway.start({ dataDir, databaseUrl: s.databaseUrl });
      const cf = gw.cashfree(m.test_key);
      const byRef = await cf.status({ ref_id: String(intentParams(fav.upi_intent.intent_url).tr) });
      assert.equal(byRef.json.verification_id, fav.id, byRef.text);
      const byId = await cf.status({ verification_id: fav.id });
      assert.equal(byId.status, 200, byId.text);
      assert.deepEqual(byId.json, byRef.json);
      const again = await cf.createRpd({ verification_id: fav.id, name: 'Someone Else' });
      assert.equal(again.status, 400, again.text);
      assert.deepEqual(again.json, { type: 'validation_error', code: 'invalid_verification_id', message: 'verification_id already exists' });

      const kept = await cf.status({ verification_id: taken.id });
      assert.equal(kept.status, 200, kept.text);
      assert.equal(kept.json.ref_id, String(taker.json.ref_id)); // a number in the create's answer
    });
  });
}

describe('a refund the first release left in flight (SQLite)', skipFor(FIRST_RELEASE, 'sqlite'), () => {
  let gw: Gateway | undefined;
  after(() => gw?.stop());

  it('is asked about for the "not found" grace from when that build sent it, not from when the credit came: one refund', async () => {
    // The first release sends the rupee back 15 s after the credit (REVERSAL_DELAY_SECONDS) and
    // records the send only in refund_updated_at (it has no refund_sent_at). The refund is still
    // pending at the bank when the upgrade stops it.
    const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-upgrade-refund-'));
    gw = await Gateway.start({ main: oldMain, dataDir, env: { REVERSAL_DELAY_SECONDS: '15', SANDBOX_REFUND_SETTLE_MS: '12000' } });
    const cf = gw.cashfree((await gw.merchant('Old Lending')).test_key);
    const link = (await cf.createRpd({ verification_id: uid('inflight'), name: 'John Doe' })).json;
    const paid = (await gw.pay(link.upi_link, 'success@upi')).json;
    assert.equal(paid.status, 'SUCCESS');
    const file = join(dataDir, 'pennygate.db');
    const read = () => {
      const db = new Database(file, { readonly: true });
      try {
        return {
          credit: db.prepare('SELECT received_at, refund_status, refund_attempts, refund_updated_at FROM credits WHERE utr = ?').get(paid.utr) as any,
          atBank: db.prepare('SELECT created_at FROM sandbox_refunds WHERE utr = ?').all(paid.utr) as any[],
        };
      } finally {
        db.close();
      }
    };
    const sent = await eventually(
      async () => read(),
      (r) => r.credit?.refund_status === 'initiated' && r.atBank.length === 1,
      30_000,
      'the first release sending the refund',
    );
    await gw.stop();
    assert.ok(sent.credit.refund_updated_at - sent.credit.received_at >= 14_000, JSON.stringify(sent));

    // This build: the bank's status API lags 8 s behind its refunds, and a refund the bank has not
    // shown is taken as never received after a grace of 12 s. The credit came more than 12 s ago,
    // the attempt was sent under 8 s ago: its "not found" is the lag, and no second rupee may go.
    gw = await Gateway.start({ dataDir, env: { SANDBOX_STATUS_LAG_MS: '8000', REFUND_NOT_FOUND_GRACE_MS: '12000' } });
    await eventually(async () => (await gw!.admin('GET', '/refunds/outstanding')).json.count, (n) => n === 0, 40_000, 'the refund settled');
    await gw.idle();
    const refunds = (await gw.payment(paid.utr)).refunds as any[];
    assert.equal(refunds.length, 1, `one refund reached the bank: ${JSON.stringify(refunds)}`);
    assert.equal(refunds[0].status, 'success');
    // The premise: this build asked while the bank's status still lagged.
    assert.match(gw.output, /not found yet/);
  });
});

describe('rolling upgrade and restarts under load (PostgreSQL)', skipFor(FIRST_RELEASE, 'postgres'), () => {
  const running: Gateway[] = [];
  let drop: () => Promise<void> = async () => {};
  after(async () => {
    await Promise.all(running.map((g) => g.stop()));
    await drop();
  });

  it('upgrades and restarts one instance while the other takes payments: no failed start, no 5xx, nothing lost', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    // The first release takes payments; this build joins it on the same database.
    let serving = await Gateway.start({ main: oldMain, databaseUrl: db.url });
    running.push(serving);
    const key = (await serving.merchant('Rolling')).test_key;
    const answers: { status: number; what: string; body: string }[] = [];
    const created: string[] = [];
    const utrs: string[] = [];
    let loading = true;
    const busy = new Map<Gateway, number>(); // iterations in flight per instance, to drain one
    const load = [0, 1, 2, 3].map(async () => {
      while (loading) {
        const gw = serving;
        busy.set(gw, (busy.get(gw) ?? 0) + 1);
        try {
          await payOnce(gw);
        } finally {
          busy.set(gw, busy.get(gw)! - 1);
        }
      }
    });
    async function payOnce(gw: Gateway) {
      {
        const vid = uid('roll');
        const c = await gw.cashfree(key).createRpd({ verification_id: vid, name: 'John Doe' });
        answers.push({ status: c.status, what: 'create', body: c.text });
        if (c.status !== 200) return;
        created.push(vid);
        const p = await gw.pay(c.json.upi_link, 'success@upi');
        answers.push({ status: p.status, what: 'pay', body: p.text });
        if (p.json?.utr) utrs.push(p.json.utr);
      }
    }

    // A refund attempt cut off by a SIGKILL before the bank saw it is "not found" there; this
    // build tries again only after REFUND_NOT_FOUND_GRACE_MS (two minutes by default, for banks
    // whose status lags). The sandbox answers at once, so a short grace fits the test's wait.
    const quickGrace = { REFUND_NOT_FOUND_GRACE_MS: '3000' };
    const other = await Gateway.start({ databaseUrl: db.url, env: quickGrace }); // migrates the live database
    running.push(other);
    await eventually(async () => other.output, (o) => /schema migration applied/.test(o), 5000, 'the migrations logged');
    for (const signal of ['SIGTERM', 'SIGKILL', 'SIGTERM', 'SIGKILL'] as const) {
      const before = answers.length;
      await other.restart({}, signal);
      await eventually(async () => answers.length, (n) => n > before + 8, 20_000, 'payments while restarting');
    }
    // Finish the rollout: the old instance is replaced by this build, under load on the other.
    serving = other;
    const old = running.shift()!;
    await eventually(async () => busy.get(old) ?? 0, (n) => n === 0, 10_000, 'the old instance drained');
    await old.stop();
    const upgraded = await Gateway.start({ databaseUrl: db.url, port: old.port, env: quickGrace });
    running.push(upgraded);
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const before = answers.length;
      await upgraded.restart({}, signal);
      await eventually(async () => answers.length, (n) => n > before + 8, 20_000, 'payments while restarting');
    }
    loading = false;
    await Promise.all(load);

    const failures = answers.filter((a) => a.status >= 500 || a.status === 0);

    const errors = [old, ...running].flatMap((g) => g.output.split('\n').filter((l) => l.includes('"level":50')));
    assert.deepEqual(failures, [], `no request failed while instances restarted; errors logged:\n${errors.join('\n')}`);
    assert.ok(utrs.length >= 40, `payments made: ${utrs.length}`);
    for (const g of running) assert.doesNotMatch(g.output, /deadlock detected|failed to start/);

    // Every acknowledged create is there, every credit recorded once and refunded once.
    await eventually(async () => (await serving.admin('GET', '/refunds/outstanding')).json.count, (n) => n === 0, 60_000, 'every refund');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const stored = await c.query('SELECT COUNT(*)::int AS n FROM verifications WHERE verification_id = ANY($1)', [created]);
      assert.equal(stored.rows[0].n, created.length);
      const credits = await c.query('SELECT COUNT(*)::int AS n FROM credits WHERE utr = ANY($1)', [utrs]);
      assert.equal(credits.rows[0].n, utrs.length);
      const refunded = await c.query("SELECT COUNT(*)::int AS n FROM credits WHERE utr = ANY($1) AND refund_status = 'success'", [utrs]);
      assert.equal(refunded.rows[0].n, utrs.length);
      // The bank's side: one refund per payment, settled (the sandbox settles a pending refund at settle_at).
      const bank = await c.query(
        "SELECT COUNT(*)::int AS n, COUNT(DISTINCT utr)::int AS utrs FROM sandbox_refunds WHERE utr = ANY($1) AND status = 'pending' AND settle_at <= $2",
        [utrs, Date.now()],
      );
      assert.deepEqual(bank.rows[0], { n: utrs.length, utrs: utrs.length });
    } finally {
      await c.end();
    }
  });
});

/** A build from before the first release: webhook bodies NOT NULL, no mobile columns, no name_matches. */
const EARLY_BUILD = 'cdc81c1';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`upgrade from an early build (${store})`, skipFor(EARLY_BUILD, store), () => {
    let gw: Gateway | undefined;
    let receiver: Receiver;
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      await gw?.stop();
      await receiver?.close();
      await drop();
    });

    it('records the first credit for a merchant with a webhook, and runs what that build never had', async () => {
      const s = await storeFor(store);
      drop = s.drop;
      receiver = await Receiver.start();
      const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-early-'));
      const env = { WEBHOOK_ALLOW_PRIVATE: 'true' };
      gw = await Gateway.start({ main: buildCommit(EARLY_BUILD), dataDir, databaseUrl: s.databaseUrl, env });
      const m = await gw.merchant('Early Lending');
      assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' })).status, 200);
      const v = (await gw.cashfree(m.test_key).createRpd({ verification_id: uid('early'), name: 'John Doe' })).json;
      await gw.stop();

      gw = await Gateway.start({ dataDir, databaseUrl: s.databaseUrl, env });
      const cf = gw.cashfree(m.test_key);
      const paid = await gw.pay(v.upi_link, 'success@upi');
      assert.equal(paid.json.status, 'SUCCESS', paid.text);
      assert.equal((await cf.status({ verification_id: v.verification_id })).json.status, 'SUCCESS');
      await gw.refundsSettled(paid.json.utr);
      await eventually(async () => receiver.received.length, (n) => n >= 1, 10_000, 'the webhook');
      const mobile = await cf.post(
        '/mobile/penny-drop',
        { verification_id: uid('mpd'), mobile_number: '9999999999', user_consent: consent() },
        { 'x-api-version': '2024-12-01' },
      );
      assert.equal(mobile.json.status, 'VALID', mobile.text);
      assert.equal((await cf.post('/name-match', { verification_id: uid('nm'), name_1: 'John Doe', name_2: 'JOHN DOE' })).status, 200);
    });
  });
}
