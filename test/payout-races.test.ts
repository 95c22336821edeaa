// A mobile penny drop's "not sent" close against a run that records the bank's acceptance
// between the closer's read and its write. The closer (the reconcile job) reads the drop with its
// payout merely `initiated`, asks the bank, and is told "not found" (its status API lags); past
// MOBILE_PAYOUT_NOT_SENT_AFTER_MS it would close the drop as not sent. Meanwhile the request that
// sent the payout, which stalled after the bank answered it "pending", records the acceptance.
// The closer's write must then change nothing: a drop closed as not sent while the bank paid
// would tell the merchant the account was never verified, with the rupee gone.
//
// Driven through the services of real instances (the stores, the live rail over signed HTTP,
// the bank simulator), with the interleaving held in place at the rail and store boundaries:
// SQLite (one instance, two runs) and PostgreSQL (two instances on one database).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/gateway.js';
import { BankSimulator } from '../src/rails/connector/simulator/bank.js';
import { verifications } from '../src/store/repository.js';
import { ownerOf } from '../src/engine/types.js';
import type { Services } from '../src/services.js';
import pg from 'pg';
import { Gateway, eventually, freePort, freshPostgres, needsPostgres, sleep } from './support/gateway.js';
import { connectorEnv } from './support/live.js';

const SECRET = 'payout-race-secret-0123456789';
// 2 x (3 x 500 + 1000) ms: how long after the send the closer may take a payout as not sent.
const RAIL_TIMEOUT_MS = 500;
const NOT_SENT_AFTER_MS = 2 * (3 * RAIL_TIMEOUT_MS + 1000);

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`a payout accepted while the "not sent" close runs (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    const open: Services[] = [];
    let sim: BankSimulator | undefined;
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      for (const s of open) {
        await s.qr.close();
        await s.db.close();
      }
      await sim?.close();
      await drop();
    });

    it('leaves the drop open (accepted), and reads it as paid once the bank shows the payout', async () => {
      sim = new BankSimulator({ port: await freePort(), gateway: 'http://127.0.0.1:9', secret: SECRET });
      const simUrl = `http://127.0.0.1:${await sim.listen()}`;
      const env: Record<string, string> = {
        DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-payout-race-')),
        ADMIN_TOKEN: 'payout-race-admin-token-0123456789',
        ...connectorEnv(simUrl, SECRET),
        MOBILE_RAIL_TIMEOUT_MS: String(RAIL_TIMEOUT_MS),
        MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000',
      };
      if (store === 'postgres') {
        const db = await freshPostgres();
        drop = db.drop;
        Object.assign(env, { DATABASE_URL: db.url, SECRET_KEY: '22'.repeat(32) });
      }
      const log = createLogger('silent');
      const closer = await openServices(loadConfig(env), log);
      open.push(closer);
      // PostgreSQL: the request runs on a second instance; SQLite has one instance, two runs.
      const sender = store === 'postgres' ? await openServices(loadConfig(env), log) : closer;
      if (sender !== closer) open.push(sender);

      const { liveKey } = await closer.merchants.create('Payout Race Lending');
      const principal = (await sender.merchants.authenticate(liveKey!.client_id, liveKey!.client_secret))!;
      assert.equal(principal.mode, 'live');

      // The bank makes the payout and answers its POST "pending"; its status API does not show it.
      sim.setFaults({ payout_pending: 1, status_lag_ms: 600_000 });

      // The sender stalls once the bank has answered: its next transaction (the one recording the
      // acceptance) waits until the closer has read the drop and asked the bank, and then holds
      // its write uncommitted for a while, so that the closer's write comes while it is open (on
      // PostgreSQL it waits for the row and must check it again once the acceptance commits).
      let answered = false;
      let gateUsed = false;
      let holdEnded = false;
      let releaseSender!: () => void;
      const senderReleased = new Promise<void>((r) => (releaseSender = r));
      let acceptanceDone!: () => void;
      const acceptanceWritten = new Promise<void>((r) => (acceptanceDone = r));
      const senderRail = sender.rails.live!;
      const payout = senderRail.payout.bind(senderRail);
      senderRail.payout = async (req) => {
        const o = await payout(req);
        assert.equal(o.status, 'pending');
        answered = true;
        return o;
      };
      const senderTx = sender.db.tx.bind(sender.db);
      sender.db.tx = (async (fn: Parameters<typeof senderTx>[0]) => {
        if (!answered || gateUsed) return senderTx(fn);
        gateUsed = true;
        await senderReleased;
        return senderTx(async (q) => {
          const written = await fn(q);
          acceptanceDone();
          await sleep(500);
          // Set before the COMMIT is sent: the closer, held by the row until then, cannot finish
          // first; set after it, the closer's continuation might run before this one does.
          holdEnded = true;
          return written;
        });
      }) as typeof senderTx;

      // The closer: between its read and its write, the sender records the acceptance.
      let raced = false;
      const closerRail = closer.rails.live!;
      const payoutStatus = closerRail.payoutStatus.bind(closerRail);
      closerRail.payoutStatus = async (reference, amountPaise) => {
        const known = await payoutStatus(reference, amountPaise);
        if (!raced) {
          raced = true;
          assert.equal(known, null, 'the status API lags');
          releaseSender();
          await acceptanceWritten;
        }
        return known;
      };

      const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
      const request = sender.mobile.pennyDrop(principal, {
        dialect: 'cashfree',
        verificationId: 'payout-race',
        mobile: '9876543210',
        name: 'Priya Sharma',
        consent,
      });
      const deadline = performance.now() + 10_000;
      while (!answered && performance.now() < deadline) await sleep(20);
      assert.ok(answered, 'the bank answered the payout');
      const sent = (await verifications.byOwner(closer.db, ownerOf(principal), { verificationId: 'payout-race', kind: 'mobile' }))!;
      assert.equal(sent.status, 'created');
      assert.equal(sent.payoutState, 'initiated'); // what the closer will read
      await sleep(Math.max(0, sent.payoutAt! + NOT_SENT_AFTER_MS + 200 - Date.now()));

      const first = await closer.mobile.reconcile(sent.refId, 3);
      assert.ok(raced, 'the closer asked the bank');
      assert.ok(holdEnded, "the closer's write waited for the acceptance to commit");
      assert.ok(!('done' in first && first.done), `the closer carries on asking: ${JSON.stringify(first)}`);
      const r = await request;
      assert.equal(r.outcome, 'unavailable'); // the request ended without a final answer
      const meanwhile = (await verifications.byRef(closer.db, sent.refId))!;
      assert.equal(meanwhile.status, 'created', `not closed as not sent: ${meanwhile.statusReason}`);
      assert.equal(meanwhile.payoutState, 'accepted');

      // The bank's status API catches up: the drop reads as paid, with the bank's one payout.
      sim.setFaults({ status_lag_ms: 0 });
      const second = await closer.mobile.reconcile(sent.refId, 4);
      assert.ok('done' in second && second.done, JSON.stringify(second));
      const done = (await verifications.byRef(closer.db, sent.refId))!;
      const payouts = sim.ledger().payouts;
      assert.equal(payouts.length, 1);
      assert.equal(done.status, 'success', `${done.status} ${done.statusReason}`);
      assert.equal(done.utr, payouts[0].utr);
    });
  });
}

// The case no conditional write can catch: nothing recorded the bank's acceptance (its answer to
// the payout was lost) and its status API did not show the payout past the not-sent wait (which
// the connector contract forbids), so the drop was closed as not sent, and the bank made the
// payout. The statement's reconciliation must list it: a rupee paid out on a verification the
// merchant was told never went through.
describe('a payout the bank made for a drop closed as not sent (SQLite)', () => {
  let s: Services | undefined;
  let sim: BankSimulator | undefined;
  after(async () => {
    await s?.qr.close();
    await s?.db.close();
    await sim?.close();
  });

  it('is a difference in the reconciliation', async () => {
    sim = new BankSimulator({ port: await freePort(), gateway: 'http://127.0.0.1:9', secret: SECRET });
    const simUrl = `http://127.0.0.1:${await sim.listen()}`;
    s = await openServices(
      loadConfig({
        DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-payout-unsent-')),
        ADMIN_TOKEN: 'payout-race-admin-token-0123456789',
        ...connectorEnv(simUrl, SECRET),
        MOBILE_RAIL_TIMEOUT_MS: String(RAIL_TIMEOUT_MS),
        MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000',
      }),
      createLogger('silent'),
    );
    const { liveKey } = await s.merchants.create('Unsent Payout Lending');
    const principal = (await s.merchants.authenticate(liveKey!.client_id, liveKey!.client_secret))!;
    sim.setFaults({ status_lag_ms: 600_000 });
    // The bank makes the payout; its answer is lost on the way back (what a timeout looks like).
    const rail = s.rails.live!;
    const payout = rail.payout.bind(rail);
    rail.payout = async (req) => {
      await payout(req);
      return { status: 'unknown', reason: 'the answer was lost' };
    };
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const from = Date.now() - 60_000;
    const r = await s.mobile.pennyDrop(principal, { dialect: 'cashfree', verificationId: 'unsent', mobile: '9876543210', name: 'Priya Sharma', consent });
    assert.equal(r.outcome, 'unavailable');
    const sent = (await verifications.byOwner(s.db, ownerOf(principal), { verificationId: 'unsent', kind: 'mobile' }))!;
    await sleep(Math.max(0, sent.payoutAt! + NOT_SENT_AFTER_MS + 200 - Date.now()));
    assert.deepEqual(await s.mobile.reconcile(sent.refId, 3), { done: true });
    const closed = (await verifications.byRef(s.db, sent.refId))!;
    assert.equal(closed.statusReason, 'payout_not_sent');

    const payouts = sim.ledger().payouts;
    assert.equal(payouts.length, 1);
    assert.equal(payouts[0].status, 'success');
    const report = await s.reconciliation!.run(from, Date.now() + 60_000);
    const found = report.differences.filter((d) => d.reference === payouts[0].reference);
    assert.deepEqual(found.map((d) => d.kind), ['payout_status_differs'], JSON.stringify(report));
    assert.equal(found[0].bank_status, 'success');
    assert.equal(found[0].gateway_status, 'not_sent');
  });
});

// The gap between recording a payout and sending it: an instance that stalls there (a long GC
// pause, a frozen VM) while another closes the drop as not sent must not send it when it wakes,
// or the bank pays out on a verification the merchant was told never went through.
describe('a payout whose sender stalls before the bank has it, while another instance closes it as not sent (PostgreSQL)', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let drop: () => Promise<void> = async () => {};
  after(async () => {
    for (const g of gateways) {
      g.proc.kill('SIGCONT');
      await g.kill();
    }
    await drop();
  });

  it('is not sent once the drop is closed: no payout is made', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    // A: every call to the sandbox bank takes 1.2 s before the bank has it (within the 2 s each
    // call may take), so A is easy to catch between recording the payout and the bank taking it.
    const a = await Gateway.start({ databaseUrl: db.url, env: { SANDBOX_LATENCY_MS: '1200', MOBILE_RAIL_TIMEOUT_MS: '2000' } });
    gateways.push(a);
    const key = (await a.merchant('Stalled Payout Lending')).test_key;
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const vid = `stalled-${Date.now().toString(36)}`;
    const request = a
      .request('POST', '/verification/mobile/penny-drop', {
        headers: { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' },
        body: { verification_id: vid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent },
      })
      .catch((err) => ({ status: 0, json: null, text: String(err) }));
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const row = async () =>
        (await c.query('SELECT ref_id, status, status_reason, payout_status, payout_key FROM verifications WHERE verification_id = $1', [vid])).rows[0];
      const sent = await eventually(row, (v) => v?.payout_status === 'initiated', 10_000, 'the payout recorded');
      // A stalls with the payout recorded and not yet at the bank.
      a.proc.kill('SIGSTOP');

      // B runs the drop's reconcile job: the bank has no such payout, past the not-sent wait
      // (B's own: 2 x (3 x 0.5 s + 1 s)), so B closes the drop as not sent.
      const b = await Gateway.start({ databaseUrl: db.url, env: { SANDBOX_LATENCY_MS: '0', MOBILE_RAIL_TIMEOUT_MS: '500', MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000' } });
      gateways.push(b);
      const closed = await eventually(row, (v) => v.status !== 'created', 30_000, 'the drop closed');
      assert.equal(closed.status_reason, 'payout_not_sent');

      // A comes back, past the point where it would send the payout.
      a.proc.kill('SIGCONT');
      const answered = await request;
      assert.equal(answered.status, 502, answered.text); // the request ended without an answer from the bank
      await sleep(2000);
      await a.idle(20_000);
      // The bank keeps the record of its "not found" answer (a failed row of no amount), which pays nothing.
      const made = (await c.query("SELECT idempotency_key, status FROM sandbox_payouts WHERE idempotency_key = $1 AND status = 'success'", [sent.payout_key])).rows;
      assert.deepEqual(made, [], 'no payout for a drop closed as not sent');
      const after = await row();
      assert.equal(after.status, 'failure');
      assert.equal(after.status_reason, 'payout_not_sent');
    } finally {
      await c.end();
    }
  });
});
