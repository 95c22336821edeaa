// Retention on a real process: personal data that reaches the store by less usual paths (a link
// paid again after its verification was erased, a refund the bank declined) ages out too.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, needsPostgres, sleep, storeFor, storeRows } from './support/gateway.js';

const uid = (p = 'r') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
// Data is "old" after 2 s here; the scheduled purge is kept out of the way (run by hand).
const env = { DATA_RETENTION_DAYS: String(2 / 86_400), RETENTION_INTERVAL_MINUTES: '600' };

const nothingOwed = (gw: Gateway) =>
  eventually(async () => (await gw.admin('GET', '/refunds/outstanding')).json, (o) => o.count === 0, 15_000, 'every refund settled');

for (const store of ['sqlite', 'postgres'] as const) describe(`retention of less usual rows (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
  let gw: Gateway;
  let databaseUrl: string | undefined;
  let drop = async () => {};
  after(async () => {
    await gw?.stop();
    await drop();
  });

  it('erases the payer of a link paid again after its verification was erased, once refunded', async () => {
    ({ databaseUrl, drop } = await storeFor(store));
    gw = await Gateway.start({ env, databaseUrl });
    const cf = gw.cashfree((await gw.merchant('Paid twice')).test_key);
    const v = (await cf.createRpd({ verification_id: uid('twice'), name: 'Priya Sharma' })).json;
    await gw.refundsSettled((await gw.pay(v.upi_link, 'success@upi')).json.utr);
    await nothingOwed(gw);
    await sleep(2500);
    assert.equal((await gw.admin('POST', '/retention/run')).json.removed.verifications_erased, 1);

    // The payer scans the old QR again: a second credit of the same (erased) verification.
    const again = await gw.pay(v.upi_link, 'refundtimeout@upi');
    assert.equal(again.json.status, 'SUCCESS');
    await gw.refundsSettled(again.json.utr, 20_000);
    await nothingOwed(gw);
    await sleep(2500);
    const run = await gw.admin('POST', '/retention/run');
    assert.equal(run.status, 200, run.text);

    const left = await storeRows(gw, databaseUrl, 'SELECT id, payer_vpa, payer_name, payer_account FROM credits WHERE payer_vpa IS NOT NULL OR payer_name IS NOT NULL OR payer_account IS NOT NULL');
    assert.deepEqual(left, [], 'no credit keeps its payer once refunded and old');
    assert.equal((await cf.status({ verification_id: v.verification_id })).json.status, 'SUCCESS');
  });

  it('erases the payer VPA of a refund the bank declined once the credit was returned', async () => {
    await gw.restart();
    const cf = gw.cashfree((await gw.merchant('Declined refund')).test_key);
    const v = (await cf.createRpd({ verification_id: uid('declined'), name: 'Arjun Mehta' })).json;
    const paid = await gw.pay(v.upi_link, 'refundfail@upi');
    assert.equal(paid.json.status, 'SUCCESS');
    // The first attempt is declined, the second goes through.
    await eventually(async () => (await gw.payment(paid.json.utr)).refunds as any[], (rs) => rs.some((r) => r.status === 'success'), 20_000, 'the refund');
    await nothingOwed(gw);
    await sleep(2500);
    const run = await gw.admin('POST', '/retention/run');
    assert.equal(run.status, 200, run.text);
    const left = await storeRows(gw, databaseUrl, "SELECT idempotency_key, status FROM sandbox_refunds WHERE payer_vpa = 'refundfail@upi'");
    assert.deepEqual(left, [], 'no refund row keeps the payer VPA');
  });

  it("deletes the daily payout cap's counters two days on", async () => {
    const m = await gw.merchant('Capped drops');
    await gw.admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 5 });
    const headers = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' };
    const user_consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const r = await gw.request('POST', '/verification/mobile/penny-drop', { headers, body: { verification_id: uid('cap'), mobile_number: '9999999999', user_consent } });
    assert.equal(r.json.status, 'VALID', r.text);
    const counted = "SELECT key FROM rate_counters WHERE key LIKE 'payout%' ORDER BY key";
    assert.equal((await storeRows(gw, databaseUrl, counted)).length, 2, 'the day\'s count and the drop\'s row');
    // Today's are kept; moved three days back, they go.
    await gw.admin('POST', '/retention/run');
    assert.equal((await storeRows(gw, databaseUrl, counted)).length, 2);
    await storeRows(gw, databaseUrl, 'UPDATE rate_counters SET window_start = window_start - 259200000');
    const run = (await gw.admin('POST', '/retention/run')).json;
    // With them, on PostgreSQL, the sandbox's rate-limit windows (moved back too).
    assert.ok(run.removed.rate_counters >= 2, JSON.stringify(run));
    assert.deepEqual(await storeRows(gw, databaseUrl, counted), []);
  });

  it("keeps a settled sandbox refund until the gateway has read it settled, so it is not sent twice", async () => {
    // The sandbox bank holds the refund 10 minutes; the gateway's refund job is held off, as one
    // stuck for longer than the retention period would be.
    await gw.restart({ SANDBOX_REFUND_SETTLE_MS: '600000' });
    const cf = gw.cashfree((await gw.merchant('Slow refund')).test_key);
    const v = (await cf.createRpd({ verification_id: uid('slow'), name: 'Kavya Reddy' })).json;
    const utr = (await gw.pay(v.upi_link, 'success@upi')).json.utr;
    await eventually(async () => (await gw.payment(utr)).refunds as any[], (rs) => rs.length === 1, 15_000, 'the refund sent');
    await storeRows(gw, databaseUrl, "UPDATE jobs SET run_at = run_at + 86400000 WHERE kind = 'credit.refund' AND done_at IS NULL");
    // At the bank it settled a day ago, and is old enough for retention.
    await storeRows(gw, databaseUrl, 'UPDATE sandbox_refunds SET created_at = created_at - 86400000, settle_at = settle_at - 86400000');
    await sleep(2500);
    const run = await gw.admin('POST', '/retention/run');
    assert.equal(run.status, 200, run.text);
    assert.equal(run.json.removed.sandbox_refunds ?? 0, 0, JSON.stringify(run.json));
    // The job comes back to it: it reads the refund settled, and sends nothing more.
    await storeRows(gw, databaseUrl, "UPDATE jobs SET run_at = 0 WHERE kind = 'credit.refund' AND done_at IS NULL");
    await nothingOwed(gw);
    await sleep(3000);
    const refunds = (await gw.payment(utr)).refunds as any[];
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    assert.equal(refunds[0].status, 'success');
    // Once the gateway has it, the row goes as before.
    assert.ok((await gw.admin('POST', '/retention/run')).json.removed.sandbox_refunds >= 1);
  });
});
