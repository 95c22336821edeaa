// Refunds when two instances both hold a credit's refund job for a while: an instance that
// stalls (a long GC pause, a frozen VM) loses its job's lease to another, and comes back later
// with an answer about an attempt that is no longer the credit's latest.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';

const uid = (p = 'rr') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('refund outcomes from an instance that stalled (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const g of gateways) {
      g.proc.kill('SIGCONT');
      await g.kill();
    }
    await drop?.();
  });

  it("an old attempt's late answer does not overwrite a newer attempt: one refund goes through", async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const common = { JOB_LEASE_MS: '1000', REFUND_NOT_FOUND_GRACE_MS: '500', SANDBOX_REFUND_SETTLE_MS: '4000' };
    // A: every call to the bank takes 2.5 s, so its first attempt is easy to catch in flight.
    const a = await Gateway.start({ databaseUrl: db.url, env: { ...common, SANDBOX_LATENCY_MS: '2500', RAIL_TIMEOUT_MS: '60000' } });
    gateways.push(a);
    const cf = a.cashfree((await a.merchant()).test_key);
    const r = (await cf.createRpd({ verification_id: uid(), name: 'Arjun Mehta' })).json;
    // refundfail@upi: the bank declines the first attempt of a refund, and takes the next.
    const paid = (await a.pay(r.upi_link, 'refundfail@upi')).json;
    assert.equal(paid.status, 'SUCCESS');
    const credit = async (gw: Gateway) => (await gw.admin('GET', `/verifications/${r.ref_id}`)).json.credits[0];
    await eventually(() => credit(a), (c) => c?.refundStatus === 'initiated' && c.refundAttempts === 1, 10_000, 'attempt 1 in flight');
    // A stalls with attempt 1 on its way to the bank.
    a.proc.kill('SIGSTOP');

    // B takes the job once A's lease has run out; the bank has no attempt 1 past the grace, so
    // B sends attempt 2, which the bank takes (settling 4 s later).
    const b = await Gateway.start({ databaseUrl: db.url, env: { ...common, SANDBOX_LATENCY_MS: '0' } });
    gateways.push(b);
    await eventually(
      async () => (await b.payment(paid.bank_txn_id)).refunds as any[],
      (rs) => rs.some((x) => x.attempt === 2),
      15_000,
      'attempt 2 at the bank',
    );
    // A comes back: its attempt 1 reaches the bank and is declined, and A records that answer.
    a.proc.kill('SIGCONT');
    await eventually(
      async () => (await b.payment(paid.bank_txn_id)).refunds as any[],
      (rs) => rs.some((x) => x.attempt === 1),
      15_000,
      "A's attempt 1 answered",
    );
    await eventually(() => credit(b), (c) => c.refundStatus === 'success', 20_000, 'the refund settled');
    await b.idle(20_000);
    await a.idle(20_000);
    await sleep(500);
    const refunds = (await b.payment(paid.bank_txn_id)).refunds as any[];
    const through = refunds.filter((x) => x.status !== 'failed');
    assert.equal(through.length, 1, `one refund went through: ${JSON.stringify(refunds)}`);
    const c = await credit(b);
    assert.equal(c.refundStatus, 'success', JSON.stringify(c));
    assert.equal(c.refundAttempts, 2, JSON.stringify(c));
  });
});
