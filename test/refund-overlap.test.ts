// Two refund attempts of one credit must never be live at once. A run that sent attempt 1 and
// got the bank's "pending" stalls before recording it; meanwhile another run, told "not found" by
// a status API that lags past REFUND_NOT_FOUND_GRACE_MS, judges attempt 1 never received and
// records it failed. A third run reads that and is about to start attempt 2 when the stalled
// sender records the bank's acceptance, setting attempt 1 back to `initiated`. Attempt 2 must not
// start then: the bank has attempt 1, and would return the rupee twice.
//
// Driven through the services of real instances (the stores, the sandbox bank's tables, the
// engine's refund runs), with the interleaving held in place at the rail and store boundaries:
// SQLite (one instance, three runs) and PostgreSQL (two instances on one database).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/gateway.js';
import { credits } from '../src/store/repository.js';
import type { Services } from '../src/services.js';
import { eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';

const GRACE_MS = 300;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`a refund attempt accepted while another run judged it not received (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    const open: Services[] = [];
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      for (const s of open) {
        await s.qr.close();
        await s.db.close();
      }
      await drop();
    });

    it('starts no second attempt while the first is initiated: one refund', async () => {
      const env: Record<string, string> = {
        DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-refund-overlap-')),
        ADMIN_TOKEN: 'refund-overlap-admin-token-0123456789',
        REFUND_NOT_FOUND_GRACE_MS: String(GRACE_MS),
        // The bank's status API shows a refund only 2 s after it took it: past the grace.
        SANDBOX_STATUS_LAG_MS: '2000',
        SANDBOX_REFUND_SETTLE_MS: '500',
        // The attempt after a failed one may go 5-10 ms after the failure is recorded.
        REFUND_RETRY_BASE_MS: '10',
      };
      if (store === 'postgres') {
        const db = await freshPostgres();
        drop = db.drop;
        Object.assign(env, { DATABASE_URL: db.url, SECRET_KEY: '33'.repeat(32) });
      }
      const log = createLogger('silent');
      const sender = await openServices(loadConfig(env), log);
      open.push(sender);
      // PostgreSQL: the other runs are on a second instance; SQLite has one instance.
      const other = store === 'postgres' ? await openServices(loadConfig(env), log) : sender;
      if (other !== sender) open.push(other);

      const bankTxnId = `SBX${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      const utr = String(Date.now()).slice(-12);
      // The sandbox bank's record of the payment (it refuses a refund of one it never credited),
      // already told to the gateway: the credit is recorded below.
      await sender.db.query(
        "INSERT INTO sandbox_payments (bank_txn_id, utr, tr, payer_vpa, amount_paise, status, created_at, notified_at) VALUES (?, ?, NULL, 'success@upi', 100, 'success', ?, ?)",
        [bankTxnId, utr, Date.now(), Date.now()],
      );
      assert.equal(
        await sender.engine.credit('sandbox', {
          bankTxnId,
          utr,
          tr: null,
          amountPaise: 100,
          payerVpa: 'success@upi',
          payerName: 'JOHN DOE',
          payerAccount: '026291800001191',
          payerIfsc: 'YESB0000262',
          payerAccountType: 'SAVINGS',
          creditedAt: Date.now(),
        }),
        'refund',
      );
      const creditId = (await credits.byBankTxn(sender.db, 'sandbox', bankTxnId))!.id;
      const atBank = async () =>
        (await sender.db.query('SELECT attempt, status FROM sandbox_refunds WHERE bank_txn_id = ? ORDER BY attempt', [bankTxnId])).map(
          (r) => `${r.attempt}:${r.status}`,
        );

      // The sender: attempt 1 reaches the bank, which answers "pending"; then the run stalls.
      let releaseSender!: () => void;
      const senderReleased = new Promise<void>((r) => (releaseSender = r));
      const rail = sender.rails.sandbox;
      const refund = rail.refund.bind(rail);
      let stalled = false;
      rail.refund = async (req) => {
        const o = await refund(req);
        if (!stalled) {
          stalled = true;
          assert.equal(o.status, 'pending');
          await senderReleased;
        }
        return o;
      };
      const sending = sender.engine.reverse(creditId);
      await eventually(atBank, (rs) => rs.length === 1, 5000, 'attempt 1 at the bank');

      // Past the grace, another run asks about attempt 1: "not found" (the status API lags), so
      // it takes attempt 1 as never received.
      await sleep(GRACE_MS + 200);
      await other.engine.reverse(creditId);
      const judged = (await credits.get(other.db, creditId))!;
      assert.deepEqual([judged.refundAttempts, judged.refundStatus], [1, 'failed'], JSON.stringify(judged));

      // A third run reads that, once the backoff after the failure is over; between its read and
      // its start of attempt 2, the sender comes back and records the bank's acceptance of attempt 1.
      await sleep(50);
      const tx = other.db.tx.bind(other.db);
      let gate = true;
      other.db.tx = (async (fn: Parameters<typeof tx>[0]) => {
        if (gate) {
          gate = false;
          releaseSender();
          await sending;
        }
        return tx(fn);
      }) as typeof tx;
      await other.engine.reverse(creditId);
      other.db.tx = tx;
      const accepted = (await credits.get(other.db, creditId))!;
      assert.equal(accepted.refundAttempts, 1, `attempt 2 started over an initiated attempt 1: ${JSON.stringify(accepted)}`);
      assert.equal(accepted.refundStatus, 'initiated');

      // Asked again until the bank shows attempt 1: the refund settles by it alone.
      const settled = await eventually(
        async () => {
          await other.engine.reverse(creditId);
          return (await credits.get(other.db, creditId))!;
        },
        (c) => c.refundStatus === 'success',
        10_000,
        'the refund settled',
      );
      assert.equal(settled.refundAttempts, 1);
      assert.deepEqual(await atBank(), ['1:pending'], 'one attempt at the bank');
    });
  });
}
