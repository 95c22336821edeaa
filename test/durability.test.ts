// Expiry and crash safety: jobs live in the database, the process may die at any moment.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, storeFor } from './support/gateway.js';
import { Receiver } from './support/receiver.js';

const uid = (p = 'd') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('expiry', () => {
  let gw: Gateway;
  after(() => gw?.stop());

  it('expires an unpaid link by the sweep, and refunds a payment that comes after', async () => {
    gw = await Gateway.start({ env: { RPD_LINK_TTL_SECONDS: '1', NOTIFICATION_GRACE_SECONDS: '0' } });
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const vid = uid();
    const created = (await cf.createRpd({ verification_id: vid })).json;
    // The admin view reads the stored record, so EXPIRED there proves the sweep ran.
    await eventually(
      async () => (await gw.admin('GET', `/verifications/${created.ref_id}`)).json.verification.status,
      (s) => s === 'EXPIRED',
      5000,
      'the expiry sweep',
    );
    const s = (await cf.status({ verification_id: vid })).json;
    assert.equal(s.status, 'EXPIRED');
    const late = await gw.pay(created.upi_link, 'success@upi');
    assert.equal(late.json.status, 'SUCCESS');
    await gw.refundsSettled(late.json.utr, 5000);
    assert.equal((await gw.payment(late.json.utr)).gateway_outcome, 'refund');
    assert.equal((await cf.status({ verification_id: vid })).json.status, 'EXPIRED');
  });
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`expiry sweep (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    const gws: Gateway[] = [];
    let receiver: Receiver | undefined;
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      await Promise.all(gws.map((g) => g.stop()));
      await receiver?.close();
      await drop?.();
    });

    it('expires a backlog of unpaid links left by a killed process, each once, with one webhook each', async () => {
      const s = await storeFor(store);
      drop = s.drop;
      receiver = await Receiver.start();
      const env = { WEBHOOK_ALLOW_PRIVATE: 'true', RPD_LINK_TTL_SECONDS: '2', NOTIFICATION_GRACE_SECONDS: '0' };
      const gw = await Gateway.start({ databaseUrl: s.databaseUrl, env });
      gws.push(gw);
      const m = await gw.merchant('Backlog');
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
      const cf = gw.cashfree(m.test_key);
      // More than one sweep's batch (200), created in parallel, then the process dies before any expires.
      const N = 450;
      const ids = Array.from({ length: N }, () => uid('x'));
      for (let i = 0; i < N; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => cf.createRpd({ verification_id: id })));
      gw.proc.kill('SIGKILL');
      await new Promise((r) => gw.proc.once('exit', r));
      await new Promise((r) => setTimeout(r, 2500)); // every link is now past its time
      // On PostgreSQL a second instance sweeps the same store at the same time.
      await gw.restart();
      if (s.databaseUrl) gws.push(await Gateway.start({ databaseUrl: s.databaseUrl, env }));

      // Webhooks are at least once: a delivery whose answer came too late is sent again, under
      // the same event id. What must hold is one EXPIRED event per link.
      const expiredEvents = () => {
        const events = new Map<string, string>();
        for (const r of receiver!.received) {
          const b = JSON.parse(r.body);
          if (b.event_type === 'RPD_BANK_ACCOUNT_VERIFICATION_EXPIRED') events.set(String(r.headers['x-webhook-id']), b.data.verification_id);
        }
        return events;
      };
      await eventually(async () => expiredEvents().size, (n) => n >= N, 30_000, 'an EXPIRED event per link');
      await new Promise((r) => setTimeout(r, 1000)); // room for a second event to show
      const events = expiredEvents();
      assert.equal(events.size, N, 'one EXPIRED event per link');
      assert.deepEqual([...events.values()].sort(), [...ids].sort());
      // Nothing was read before the webhooks came: the sweep alone expired them.
      const sample = (await cf.status({ verification_id: ids[N - 1] })).json;
      assert.equal(sample.status, 'EXPIRED');
      const stats = (await gw.admin('GET', `/merchants/${m.id}`)).json;
      assert.equal(stats.verifications, N);
    });
  });

  describe(`crash safety (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      await gw?.stop();
      await drop?.();
    });

    it('refunds exactly once after SIGKILL between payment and refund, and keeps every answered 200', async () => {
      const store_ = await storeFor(store);
      const databaseUrl = store_.databaseUrl;
      drop = store_.drop;
      // The refund waits 2 s, so the kill lands between the payment and the refund.
      gw = await Gateway.start({ databaseUrl, env: { REVERSAL_DELAY_SECONDS: '2' } });
      const cf = gw.cashfree((await gw.merchant()).test_key);
      const answered: any[] = [];
      for (let i = 0; i < 5; i++) answered.push((await cf.createRpd({ verification_id: uid(), name: 'John Doe' })).json);
      const paid = await gw.pay(answered[0].upi_link, 'success@upi');
      const before = (await cf.status({ verification_id: answered[0].verification_id })).json;
      assert.equal(before.status, 'SUCCESS');
      assert.equal(before.reversal_status, 'PENDING');
      // The operator sees what is owed back.
      const owed = (await gw.admin('GET', '/refunds/outstanding')).json;
      assert.equal(owed.count, 1);
      assert.equal(owed.amount, '1.00');
      assert.equal(owed.items[0].utr, paid.json.utr);
      assert.equal(owed.items[0].refund_status, 'pending');
      assert.deepEqual([owed.items[0].job, owed.items[0].dead_job_id], ['scheduled', null]);

      await gw.restart(); // SIGKILL, then start on the same store
      for (const a of answered) {
        const s = (await cf.status({ verification_id: a.verification_id })).json;
        assert.equal(s.ref_id, String(a.ref_id));
      }
      const after = await eventually(
        () => cf.status({ verification_id: answered[0].verification_id }).then((r) => r.json),
        (s) => s.reversal_status === 'TRANSFER_SUCCESS',
        15_000,
        'refund after restart',
      );
      assert.equal(after.utr, paid.json.utr);
      assert.equal((await gw.admin('GET', '/refunds/outstanding')).json.count, 0);
      await gw.idle();
      const refunds = (await gw.payment(paid.json.utr)).refunds;
      assert.equal(refunds.length, 1);
      assert.equal(refunds[0].attempt, 1);
    });

    /**
     * Pays a verification, kills the gateway while its refund is in flight (started with
     * `before`), starts it again with `after`, and returns the bank's refunds once it is settled.
     */
    async function refundAcrossKill(merchant: string, before: Record<string, string>, after: Record<string, string>) {
      await gw.restart({ REVERSAL_DELAY_SECONDS: '0', ...before });
      const cf = gw.cashfree((await gw.merchant(merchant)).test_key);
      const created = (await cf.createRpd({ verification_id: uid() })).json;
      const paid = await gw.pay(created.upi_link, 'success@upi');
      const reversal = (want: string, ms: number) =>
        eventually(() => cf.status({ verification_id: created.verification_id }).then((r) => r.json), (s) => s.reversal_status === want, ms, want);
      await reversal('TRANSFER_INITIATED', 5000);
      await gw.restart(after);
      await reversal('TRANSFER_SUCCESS', 15_000);
      return (await gw.payment(paid.json.utr)).refunds as any[];
    }

    it('finishes a refund that was in flight when the process died', async () => {
      // Refunds settle slowly (3 s): the kill lands while the refund is TRANSFER_INITIATED. It may
      // land after the refund was marked in flight but before the bank saw it: the bank then
      // answers "not found", unknown for a grace (real status APIs lag) and never received after
      // it. The sandbox does not lag, so a short grace keeps the test short.
      const refunds = await refundAcrossKill('Second', { SANDBOX_REFUND_SETTLE_MS: '3000' }, { SANDBOX_REFUND_SETTLE_MS: '300', REFUND_NOT_FOUND_GRACE_MS: '1000' });
      // One refund reached the bank: attempt 1, or attempt 2 when the kill came before the bank saw 1.
      assert.equal(refunds.length, 1);
      assert.equal(refunds[0].status, 'success');
    });

    it('sends a refund the bank never saw again, under a new reference, once its "not found" grace has passed', async () => {
      // The bank takes 3 s to receive a refund: the kill lands while the first attempt is on its way.
      const refunds = await refundAcrossKill(
        'Third',
        { SANDBOX_LATENCY_MS: '3000', SANDBOX_REFUND_SETTLE_MS: '300' },
        { SANDBOX_LATENCY_MS: '0', REFUND_NOT_FOUND_GRACE_MS: '1500' },
      );
      assert.equal(refunds.length, 1, 'the first attempt never reached the bank; the second did, once');
      assert.equal(refunds[0].attempt, 2);
      assert.equal(refunds[0].status, 'success');
    });
  });
}

describe('several instances on one PostgreSQL', { skip: needsPostgres }, () => {
  const gws: Gateway[] = [];
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const g of gws) await g.stop();
    await drop?.();
  });

  it('share the jobs: every credit is refunded exactly once', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    gws.push(await Gateway.start({ databaseUrl: db.url }));
    gws.push(await Gateway.start({ databaseUrl: db.url }));
    const key = (await gws[0].merchant()).test_key;
    const utrs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const gw = gws[i % 2];
      const created = (await gw.cashfree(key).createRpd({ verification_id: uid('multi') })).json;
      // Pay twice: one credit verifies, one goes straight back.
      utrs.push((await gw.pay(created.upi_link, 'success@upi')).json.utr);
      utrs.push((await gws[(i + 1) % 2].pay(created.upi_link, 'payer7@sandbox')).json.utr);
    }
    for (const utr of utrs) {
      const refunds = await gws[0].refundsSettled(utr, 15_000);
      assert.equal(refunds.length, 1);
      assert.equal(refunds[0].attempt, 1);
    }
  });
});

describe('job leases', () => {
  let gw: Gateway;
  let receiver: Receiver;
  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it('a job slower than its lease keeps it: a slow webhook is not sent twice at once', async () => {
    // The receiver answers after 4 s, four times the 1 s lease: without renewal the delivery job
    // would be claimed again while its first attempt is still waiting. (A lease much shorter
    // than a second could lapse on a busy machine whose renewals are late.)
    receiver = await Receiver.start();
    receiver.plan = [{ status: 200, afterMs: 4000 }];
    gw = await Gateway.start({ env: { JOB_LEASE_MS: '1000', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '20000' } });
    const m = await gw.merchant();
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
    const created = (await gw.cashfree(m.test_key).createRpd({ verification_id: uid('lease') })).json;
    await gw.pay(created.upi_link, 'success@upi');
    await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0],
      (d: any) => d?.status === 'delivered',
      20_000,
      'the slow delivery',
    );
    // A second claim would have sent its copy while the first attempt waited, so it has arrived.
    assert.equal(receiver.received.length, 1, `the receiver got ${receiver.received.length} copies`);
  });
});
