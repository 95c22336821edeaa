// A database taken back to a backup while the bank remembers what happened since: the bank's
// credits made after the backup are recorded again (by the pull, from the stored cursor), and
// their refunds must go to the bank under the references it has already seen, so that it answers
// the refund it made instead of returning the same rupee twice.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, eventually } from './support/gateway.js';
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
