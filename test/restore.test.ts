// A database taken back to a backup while the bank remembers what happened since: the bank's
// credits made after the backup are recorded again (by the pull, from the stored cursor), and
// their refunds must go to the bank under the references it has already seen, so that it answers
// the refund it made instead of returning the same rupee twice.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { type Gateway, cli, eventually, sleep } from './support/gateway.js';
import { startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

const SECRET = 'restore-shared-secret-0123456789';

describe('a credit recorded again after the database is restored from a backup', () => {
  let gw: Gateway;
  let sim: Simulator;
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('is refunded once at the bank: the same credit id, the same refund reference', async () => {
    let live: { client_id: string; client_secret: string };
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Restored Lending',
      env: { BANK_PULL_INTERVAL_MS: '200', RAIL_TIMEOUT_MS: '1000', REFUND_POLL_MS: '200', REFUND_POLL_CAP_MS: '500' },
    }));
    const cf = gw.cashfree(live);
    const link = (await cf.createRpd({ verification_id: 'restore-1', name: 'John Doe' })).json;
    const status = async () => (await cf.status({ verification_id: 'restore-1' })).json;

    // The backup: a copy of the SQLite files while the gateway is stopped.
    await gw.stop();
    const backup = mkdtempSync(join(tmpdir(), 'pennygate-backup-'));
    cpSync(gw.dataDir, backup, { recursive: true });
    await gw.restart();

    const paid = await sim.pay(link.upi_link, 'success@upi');
    await eventually(status, (s) => s.reversal_status === 'TRANSFER_SUCCESS', 15_000, 'the refund');
    const refundsOf = async () => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === paid.bank_txn_id);
    assert.equal((await refundsOf()).length, 1);

    // Restored: the credit, its refund and the cursor past it are gone from the gateway's records.
    await gw.stop();
    rmSync(gw.dataDir, { recursive: true, force: true });
    cpSync(backup, gw.dataDir, { recursive: true });
    await gw.restart();

    // The pull reads the credit again; its refund settles.
    const s = await eventually(status, (x) => x.status === 'SUCCESS' && x.reversal_status === 'TRANSFER_SUCCESS', 15_000, 'the credit again, refunded');
    assert.equal(s.utr, paid.utr);
    await gw.idle();
    const through = (await refundsOf()).filter((r) => r.status !== 'failed');
    assert.equal(through.length, 1, `the bank returned the rupee once: ${JSON.stringify(await refundsOf())}`);
  });
});

// A mobile penny drop backed up between its lookup and its payout: the copy holds the drop with
// no payout recorded, while the bank paid it. Restored, the drop is settled from what the bank
// says of its payout key, not closed as never processed (the merchant would pay again).
describe('a mobile penny drop whose payout the restored database never recorded', () => {
  let gw: Gateway;
  let sim: Simulator;
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('reads VALID after the restore, with the one payout the bank made', async () => {
    let live: { client_id: string; client_secret: string };
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Restored Drops',
      env: { MOBILE_RAIL_TIMEOUT_MS: '8000', REFUND_POLL_MS: '200' },
    }));
    const headers = { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' };
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const read = () => gw.request('GET', '/verification/mobile/penny-drop?verification_id=restored-drop', { headers });

    // The lookup is held at the bank while the online backup is taken (the CLI's start included:
    // seconds on a loaded machine).
    await sim.faults({ lookup_delay_ms: 6000 });
    const sent = gw.request('POST', '/verification/mobile/penny-drop', {
      headers,
      body: { verification_id: 'restored-drop', mobile_number: '9876543210', user_consent: consent },
    });
    await sleep(500);
    const file = join(mkdtempSync(join(tmpdir(), 'pennygate-backup-')), 'copy.db');
    const backup = await cli(gw.env, 'backup', file);
    assert.equal(backup.code, 0, backup.stderr);
    // What this test is about: the copy holds the drop with no payout recorded.
    const copy = new Database(file, { readonly: true });
    try {
      const row = copy.prepare("SELECT status, payout_status FROM verifications WHERE verification_id = 'restored-drop'").get();
      assert.deepEqual(row, { status: 'created', payout_status: null }, 'the backup was taken before the payout was recorded');
    } finally {
      copy.close();
    }
    const answered = await sent;
    assert.equal(answered.json.status, 'VALID', answered.text);
    assert.equal((await sim.ledger()).payouts.length, 1);

    await gw.stop();
    const restore = await cli(gw.env, 'restore', file);
    assert.equal(restore.code, 0, restore.stderr);
    await gw.restart();
    // The restored copy holds the drop open, with no payout: the reconciler asks the bank.
    // Asked once the drop is past its grace (three rail timeouts after it was made).
    const s = await eventually(async () => (await read()).json, (b) => b.status !== undefined && b.code !== 'verification_already_under_process', 45_000, 'the drop settled');
    assert.equal(s.status, 'VALID', JSON.stringify(s));
    assert.equal(s.utr, answered.json.utr);
    assert.equal(s.bank_account, answered.json.bank_account);
    assert.equal((await sim.ledger()).payouts.length, 1, 'no second payout');
    assert.match(gw.output, /the bank has a payout this store never recorded/);
  });
});
