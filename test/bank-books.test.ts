// The bank's books against the gateway's: reconciliation lists a payout the gateway holds as made
// that the bank's statement lacks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Gateway, needsPostgres, storeFor } from './support/gateway.js';
import { startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

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
