// Refunds when two instances both hold a credit's refund job for a while: an instance that
// stalls (a long GC pause, a frozen VM) loses its job's lease to another, and comes back later
// to an attempt that is no longer the credit's latest: it must neither send it nor record an
// answer about it over the newer attempt.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';

const uid = (p = 'rr') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('refunds from an instance that stalled (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  const drops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const g of gateways) {
      g.proc.kill('SIGCONT');
      await g.kill();
    }
    for (const d of drops) await d();
  });

  const common = { JOB_LEASE_MS: '1000', REFUND_NOT_FOUND_GRACE_MS: '500', SANDBOX_REFUND_SETTLE_MS: '4000' };
  const credit = async (gw: Gateway, refId: number) => (await gw.admin('GET', `/verifications/${refId}`)).json.credits[0];
  const refunds = async (gw: Gateway, txn: string) => (await gw.payment(txn)).refunds as any[];

  it('an attempt recorded by an instance that stalls before sending it is not sent once another judged it not received: one refund', async () => {
    const db = await freshPostgres();
    drops.push(db.drop);
    // A: every call to the bank takes 2.5 s before the bank has it, so A is easy to catch
    // between recording its attempt 1 and the bank receiving it.
    const a = await Gateway.start({ databaseUrl: db.url, env: { ...common, SANDBOX_LATENCY_MS: '2500', RAIL_TIMEOUT_MS: '60000' } });
    gateways.push(a);
    const cf = a.cashfree((await a.merchant()).test_key);
    const r = (await cf.createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    // success@upi: the bank takes every refund attempt it receives.
    const paid = (await a.pay(r.upi_link, 'success@upi')).json;
    assert.equal(paid.status, 'SUCCESS');
    await eventually(() => credit(a, r.ref_id), (c) => c?.refund_status === 'initiated' && c.refund_attempts === 1, 10_000, 'attempt 1 recorded');
    // A stalls with attempt 1 recorded and not yet at the bank.
    a.proc.kill('SIGSTOP');

    // B takes the job once A's lease has run out; the bank has no attempt 1 past the grace, so B
    // takes it as never received and sends attempt 2, which the bank takes.
    const b = await Gateway.start({ databaseUrl: db.url, env: { ...common, SANDBOX_LATENCY_MS: '0' } });
    gateways.push(b);
    await eventually(() => refunds(b, paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 2), 15_000, 'attempt 2 at the bank');
    // A comes back, past the point where it would send attempt 1.
    a.proc.kill('SIGCONT');
    await eventually(() => credit(b, r.ref_id), (c) => c.refund_status === 'success', 20_000, 'the refund settled');
    await sleep(3000); // A's 2.5 s on the way to the bank
    await b.idle(20_000);
    await a.idle(20_000);
    const made = await refunds(b, paid.bank_txn_id);
    assert.deepEqual(
      made.map((x) => x.attempt),
      [2],
      `one refund of the one rupee, attempt 1 never sent: ${JSON.stringify(made)}`,
    );
    const c = await credit(b, r.ref_id);
    assert.equal(c.refund_status, 'success', JSON.stringify(c));
    assert.equal(c.refund_attempts, 2, JSON.stringify(c));
  });

  it("a stalled instance's late answer about an attempt does not overwrite the newer attempt: one refund goes through", async () => {
    const db = await freshPostgres();
    drops.push(db.drop);
    const env = { ...common, SANDBOX_LATENCY_MS: '2500', RAIL_TIMEOUT_MS: '60000' };
    const a = await Gateway.start({ databaseUrl: db.url, env });
    gateways.push(a);
    const cf = a.cashfree((await a.merchant()).test_key);
    const r = (await cf.createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    const paid = (await a.pay(r.upi_link, 'success@upi')).json;
    await eventually(() => credit(a, r.ref_id), (c) => c?.refund_status === 'initiated' && c.refund_attempts === 1, 10_000, 'attempt 1 recorded');
    // A dies with attempt 1 recorded and never sent; started again, it takes the job back once
    // the lease has run out and asks the bank about attempt 1, which takes 2.5 s.
    await a.restart();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const holder = async () =>
        (await c.query("SELECT locked_by FROM jobs WHERE kind = 'credit.refund' AND subject = (SELECT id FROM credits WHERE bank_txn_id = $1)", [paid.bank_txn_id]))
          .rows[0]?.locked_by as string | null;
      await eventually(holder, (w) => typeof w === 'string' && w.includes(`:${a.proc.pid}:`), 15_000, 'the restarted A asking');
    } finally {
      await c.end();
    }
    await sleep(500);
    // A stalls with the question on its way.
    a.proc.kill('SIGSTOP');

    // B takes the job, finds attempt 1 never received past the grace, and sends attempt 2.
    const b = await Gateway.start({ databaseUrl: db.url, env: { ...common, SANDBOX_LATENCY_MS: '0' } });
    gateways.push(b);
    await eventually(() => refunds(b, paid.bank_txn_id), (rs) => rs.some((x) => x.attempt === 2), 15_000, 'attempt 2 at the bank');
    // A comes back with its answer about attempt 1 ("not found" past the grace: failed), which
    // is no longer the credit's latest: it is not recorded, and no third attempt goes.
    a.proc.kill('SIGCONT');
    await eventually(async () => a.output, (o) => /no longer current/.test(o), 15_000, "A's late answer set aside");
    await eventually(() => credit(b, r.ref_id), (x) => x.refund_status === 'success', 20_000, 'the refund settled');
    await b.idle(20_000);
    await a.idle(20_000);
    const made = await refunds(b, paid.bank_txn_id);
    assert.deepEqual(made.map((x) => x.attempt), [2], JSON.stringify(made));
    const settled = await credit(b, r.ref_id);
    assert.equal(settled.refund_status, 'success', JSON.stringify(settled));
    assert.equal(settled.refund_attempts, 2, JSON.stringify(settled));
  });
});
