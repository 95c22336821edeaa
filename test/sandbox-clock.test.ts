// The sandbox bank across instances whose clocks disagree. It is one bank, in the shared store:
// a refund one instance wrote and another is asked about must be the same refund to both. By
// each instance's own clock, an instance a minute behind the one that took a refund found it
// "not yet visible" (the status API's lag) and answered 404 for a minute; past the gateway's
// not-found grace, the attempt was judged never received and a second one sent: two refunds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, skewedClock, sleep } from './support/gateway.js';


describe('a sandbox refund asked about by an instance a minute behind the one that sent it (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, behind: Gateway;
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    // A "not found" counts as unknown for 3 s after the send.
    const env = { REFUND_NOT_FOUND_GRACE_MS: '3000' };
    // The instance on the machine's clock sends the refund (woken by the credit it takes) and then
    // polls its jobs once an hour: the one behind asks about it.
    right = await Gateway.start({ databaseUrl: db.url, env: { ...env, JOB_POLL_MS: '3600000' } });
    behind = await Gateway.start({ databaseUrl: db.url, env: { ...env, ...skewedClock(-60_000) } });
  });
  after(async () => {
    await behind?.stop();
    await right?.stop();
    await drop?.();
  });

  it('is found, and the rupee goes back once', async () => {
    const m = await right.merchant();
    const made = (await right.cashfree(m.test_key).createRpd({ verification_id: 'sbx-1', name: 'Kavya Iyer' })).json;
    // This payer's bank takes the first refund but its answer is lost: the gateway must ask.
    const paid = (await right.pay(made.upi_link, 'refundtimeout@upi')).json;
    const refunds = async () => (await right.payment(paid.bank_txn_id)).refunds as any[];
    await eventually(refunds, (r) => r.length >= 1, 10_000, 'the first refund');
    await eventually(
      async () => (await right.cashfree(m.test_key).status({ verification_id: 'sbx-1' })).json,
      (s: any) => s.reversal_status === 'SUCCESS' || s.status === 'SUCCESS',
      10_000,
      'the verification',
    );
    // Past the grace, several questions later.
    await sleep(8000);
    const all = await refunds();
    assert.equal(all.length, 1, JSON.stringify(all));
  });
});
