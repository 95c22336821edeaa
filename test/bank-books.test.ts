// The bank's books against the gateway's: reconciliation lists a payout the gateway holds as made
// that the bank's statement lacks, and `pennygate bank-simulator` (the bank behind the connector
// contract) refuses a refund that would return more than its credit, as a real bank does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Gateway, freePort, needsPostgres, storeFor } from './support/gateway.js';
import { startLive } from './support/live.js';
import { Simulator } from './support/simulator.js';

type Key = { client_id: string; client_secret: string };
const SECRET = 'bank-books-shared-secret-0123456789';
const today = () => new Date().toISOString().slice(0, 10);
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
      ({ gw, sim, live } = await startLive({ secret: SECRET, merchant: 'Books Lending', databaseUrl }));
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
      assert.ok(ledger.payouts.some((p) => p.reference === booked.payoutKey));
      assert.ok(!ledger.payouts.some((p) => p.reference === unbooked.payoutKey));

      const report = (await gw.admin('GET', `/reconciliation?from=${today()}&to=${today()}`)).json;
      assert.equal(report.clean, false);
      assert.deepEqual(
        report.differences.map((d: any) => [d.kind, d.reference]),
        [['payout_not_at_bank', unbooked.payoutKey]],
        JSON.stringify(report.differences),
      );
      const d = report.differences[0];
      assert.equal(d.ref_id, unbooked.refId);
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
        [['payout_not_at_bank', unbooked.payoutKey]],
      );
    });
  });
}

describe('the bank simulator refuses a refund beyond what its credit has left (connector contract)', () => {
  let sim: Simulator;
  before(async () => {
    // No gateway behind it: nobody refunds its credits but the test.
    sim = await Simulator.start({ port: await freePort(), gateway: 'http://127.0.0.1:9', secret: SECRET });
  });
  after(() => sim?.stop());

  const credit = async () => {
    const paid = await sim.pay(`upi://pay?pa=pennygate.live@examplebank&pn=Pennygate&am=1.00&cu=INR&tr=${Date.now()}`);
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
