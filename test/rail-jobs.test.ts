// Instances sharing one PostgreSQL that do not all have the bank connector: one with it, one
// without (test keys only). The one without must leave live-rail work to the other: it cannot
// refund a live credit nor ask the bank about a live payout (each try would fail and count
// towards the job's dead-letter limit), and it does not read the bank's credits, so it cannot
// know that a live link past its time was not paid in time.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';
import { startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

const SECRET = 'rail-jobs-shared-secret-0123456789';
const uid = (p = 'rj') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' });

describe('an instance without the bank connector beside one with it (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let sim: Simulator | undefined;
  let drop: (() => Promise<void>) | undefined;
  let c: pg.Client | undefined;
  after(async () => {
    for (const g of gateways) {
      g.proc.kill('SIGCONT');
      await g.kill();
    }
    await sim?.stop();
    await c?.end();
    await drop?.();
  });

  it('leaves the live refund and payout jobs to the instance that has the connector, and expires no live link on a status read', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const common = { JOB_MAX_FAILURES: '2', NOTIFICATION_GRACE_SECONDS: '1', MOBILE_RAIL_TIMEOUT_MS: '500' };
    const started = await startLive({
      secret: SECRET,
      merchant: 'Two Kinds Lending',
      databaseUrl: db.url,
      env: {
        ...common,
        REVERSAL_DELAY_SECONDS: '3',
        RPD_LINK_TTL_SECONDS: '3',
        BANK_PULL_INTERVAL_MS: '300',
        // Its refund may first go while the bank is down (an unknown outcome, asked about).
        REFUND_NOT_FOUND_GRACE_MS: '1000',
        REFUND_POLL_CAP_MS: '1000',
      },
    });
    sim = started.sim;
    const a = started.gw;
    gateways.push(a);
    const b = await Gateway.start({ databaseUrl: db.url, env: common });
    gateways.push(b);
    const onA = a.cashfree(started.live);
    const onB = b.cashfree(started.live);

    // A live credit whose refund is due in 3 s, and a live penny drop whose payout the bank
    // made but answered "pending", and whose status the bank's API will not show for a while.
    const rpd = (await onA.createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    const paid = await sim.pay(rpd.upi_link, 'success@upi');
    await eventually(async () => (await onA.status({ verification_id: rpd.verification_id })).json.status, (s) => s === 'SUCCESS', 10_000, 'the credit');
    await sim.faults({ payout_pending: 1, status_lag_ms: 600_000 });
    const vid = uid('drop');
    const drop1 = await onA.post('/mobile/penny-drop', { verification_id: vid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent() }, { 'x-api-version': '2024-12-01' });
    assert.ok([200, 502].includes(drop1.status), drop1.text);
    // A stalls: only B polls the jobs from now on.
    a.proc.kill('SIGSTOP');
    const jobs = async () =>
      (await c!.query("SELECT kind, failures, dead_at, last_error, rail FROM jobs WHERE kind IN ('credit.refund', 'mobile.reconcile') ORDER BY kind")).rows;
    assert.deepEqual((await jobs()).map((j) => j.kind), ['credit.refund', 'mobile.reconcile']);
    // The refund job as an older build enqueued it, not marked with the rail it needs.
    await c.query("UPDATE jobs SET rail = NULL WHERE kind = 'credit.refund'");
    // Both are due within 3 s; B polls every 50 ms, and would bury each after its second failure.
    await sleep(7000);
    assert.deepEqual(
      (await jobs()).map((j) => ({ kind: j.kind, failures: j.failures, dead: j.dead_at !== null, rail: j.rail })),
      [
        { kind: 'credit.refund', failures: 0, dead: false, rail: 'connector' },
        { kind: 'mobile.reconcile', failures: 0, dead: false, rail: 'connector' },
      ],
      `B left them alone: ${JSON.stringify(await jobs())}`,
    );
    assert.match(b.output, /job needs a rail this instance does not have: handed back/);

    // A live link past its time and its grace, paid in time while the bank could not be read
    // (its notification not sent, its listing answering 503).
    a.proc.kill('SIGCONT');
    const late = (await onA.createRpd({ verification_id: uid('late'), name: 'John Doe' })).json;
    await sim.faults({ down: true });
    await sim.pay(late.upi_link, 'success@upi');
    await sleep(3000 + 1000 + 500);
    // Read through B, which does not read the bank: it must not take the link as unpaid.
    const read = await onB.status({ verification_id: late.verification_id });
    assert.equal(read.json?.status, 'CREATED', `${read.status} ${read.text}`);
    // The bank can be read again: A finds the payment, made in time, and the link is verified.
    await sim.faults({ down: false, status_lag_ms: 0 });
    await eventually(async () => (await onA.status({ verification_id: late.verification_id })).json.status, (s) => s === 'SUCCESS', 15_000, 'the late-noticed credit');

    // A, back, refunds the first credit once and settles the drop as paid.
    const refunds = await eventually(
      async () => (await sim!.ledger()).refunds.filter((r: any) => r.bank_txn_id === paid.bank_txn_id),
      (rs) => rs.some((r: any) => r.status === 'success'),
      20_000,
      'the refund',
    );
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    const settled = await eventually(
      async () => (await c!.query('SELECT status FROM verifications WHERE verification_id = $1', [vid])).rows[0].status,
      (s) => s !== 'created',
      20_000,
      'the drop settled',
    );
    assert.equal(settled, 'success');
  });
});

// The same arrangement, as a merchant's requests see it behind a load balancer that sends them to
// either instance. A live verification is read the same through each: its link is made from its
// row (payee, merchant code), not from a rail the instance lacks. A live key's create on the
// instance without the connector creates nothing and is answered 503 with Retry-After in each
// API's envelope (another instance may serve it), not a 500.
describe('a live verification read, and a live create tried, through an instance without the bank connector (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let sim: Simulator | undefined;
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const g of gateways) await g.stop();
    await sim?.stop();
    await drop?.();
  });

  it('reads answer alike on both; creates on the one without it are 503, try again', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const started = await startLive({ secret: SECRET, merchant: 'Balanced Lending', databaseUrl: db.url, env: { LIVE_MCC: '6012' } });
    sim = started.sim;
    const a = started.gw;
    gateways.push(a);
    const b = await Gateway.start({ databaseUrl: db.url });
    gateways.push(b);
    const basic = { authorization: `Basic ${Buffer.from(`${started.live.client_id}:${started.live.client_secret}`).toString('base64')}` };

    const rzp = await a.request('POST', '/v1/fund_accounts/validations', { headers: basic, body: { source_account_number: started.account, validation_type: 'upi_intent', notes: {} } });
    assert.equal(rzp.status, 200, rzp.text);
    assert.match(rzp.json.upi_intent.intent_url ?? JSON.stringify(rzp.json), /mc=6012/);
    const rpd = (await a.cashfree(started.live).createRpd({ verification_id: uid('lb'), name: 'John Doe' })).json;
    assert.match(rpd.upi_link, /mc=6012/);
    const code = new URL(rpd.url).pathname.split('/').pop();
    for (const [what, path, headers] of [
      ['RazorpayX read', `/v1/fund_accounts/validations/${rzp.json.id}`, basic],
      ['hosted page', `/rpd/${code}`, {}],
      ['QR code', `/rpd/${code}/qr.png`, {}],
    ] as const) {
      const [onA, onB] = [await a.request('GET', path, { headers }), await b.request('GET', path, { headers })];
      assert.equal(onB.status, 200, `${what} through B: ${onB.status} ${onB.text.slice(0, 200)}`);
      assert.equal(onB.text, onA.text, `${what}: the same answer through either instance`);
    }
    const read = await b.cashfree(started.live).status({ verification_id: rpd.verification_id });
    assert.equal(read.status, 200, read.text);

    const cf = await b.cashfree(started.live).createRpd({ verification_id: uid('lb'), name: 'John Doe' });
    assert.equal(cf.status, 503, cf.text);
    assert.equal(cf.headers.get('retry-after'), '5');
    assert.equal(cf.json.type, 'internal_error', cf.text);
    const mobile = await b.cashfree(started.live).post('/mobile/penny-drop', { verification_id: uid('lb'), mobile_number: '9999999999', name: 'John Doe', user_consent: consent() }, { 'x-api-version': '2024-12-01' });
    assert.equal(mobile.status, 503, mobile.text);
    const rz = await b.request('POST', '/v1/fund_accounts/validations', { headers: basic, body: { source_account_number: started.account, validation_type: 'upi_intent', notes: {} } });
    assert.equal(rz.status, 503, rz.text);
    assert.equal(rz.json.error.code, 'SERVER_ERROR', rz.text);
    assert.doesNotMatch(b.output, /"level":50/, 'nothing logged as an error');
    // Nothing was created by the refused ones: the merchant's verifications are the two made on A.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT count(*)::int AS n FROM verifications').finally(() => c.end());
    assert.equal(rows[0].n, 2);
  });
});
