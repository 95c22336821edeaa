// PostgreSQL sessions that go wrong in the middle of their work: one the server ends (a restart,
// a failover, an operator's pg_terminate_backend), and one whose instance stops talking while it
// holds what other instances need (row locks in a transaction, the migration lock).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres } from './support/gateway.js';
import { MIGRATIONS } from '../src/store/migrations.js';

/** The backends of the database waiting for a row lock (a transaction of a gateway, here). */
const waitingForLock = (c: pg.Client) =>
  eventually(
    async () => (await c.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows,
    (rows) => rows.length > 0,
    10_000,
    'a transaction waiting for the row lock',
  );

describe('a PostgreSQL session ended by the server in the middle of a transaction', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let drop: () => Promise<void> = async () => {};
  let url = '';
  before(async () => {
    const db = await freshPostgres();
    ({ url, drop } = db);
    gw = await Gateway.start({ databaseUrl: url });
  });
  after(async () => {
    await gw?.stop();
    await drop();
  });

  it('fails that transaction only: the instance keeps serving, and the payment is taken when the bank sends it again', async () => {
    const m = await gw.merchant('Failover');
    const created = (await gw.cashfree(m.test_key).createRpd({ verification_id: 'lost-1' })).json;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Hold the verification's row, so that the credit's transaction is open (and waits) when
      // its session is ended, as a database restart would end it.
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM verifications WHERE ref_id = $1 FOR UPDATE', [created.ref_id]);
      const paying = gw.pay(created.upi_link, 'success@upi').catch((err) => ({ status: 0, error: String(err) }));
      const [waiting] = await waitingForLock(c);
      await c.query('SELECT pg_terminate_backend($1)', [waiting.pid]);
      await c.query('ROLLBACK');
      // That payment's notification failed with its session (a 5xx, not a success)...
      const answer = await paying;
      assert.ok(answer.status >= 500, `the payment was answered ${JSON.stringify(answer).slice(0, 200)}; the gateway's output ends:\n${gw.output.slice(-1500)}`);
      // ...and the bank's next delivery of it verifies the account.
      const status = await eventually(
        async () => (await gw.cashfree(m.test_key).status({ verification_id: 'lost-1' })).json,
        (s) => s?.status === 'SUCCESS',
        15_000,
        'the payment taken on its next delivery',
      );
      assert.equal(status.name_at_bank, 'JOHN DOE');
      assert.equal(gw.proc.exitCode, null);
    } finally {
      await c.end();
    }
  });
});

describe('an instance that stops in the middle of a transaction, holding a row another instance needs', { skip: needsPostgres }, () => {
  let a: Gateway;
  let b: Gateway;
  let drop: () => Promise<void> = async () => {};
  let url = '';
  // A frozen process (a paused container or VM) keeps its sockets open: without a timeout of the
  // server's, its transaction and the locks it holds would last until it woke.
  const env = { PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' };
  before(async () => {
    const db = await freshPostgres();
    ({ url, drop } = db);
    [a, b] = await Promise.all([Gateway.start({ databaseUrl: url, env }), Gateway.start({ databaseUrl: url, env })]);
  });
  after(async () => {
    a?.proc.kill('SIGCONT');
    await Promise.all([a?.stop(), b?.stop()]);
    await drop();
  });

  it('its transaction is ended after the timeout: the other instance goes on, and the stopped one serves again once it wakes', async () => {
    const m = await b.merchant('Frozen');
    const created = (await b.cashfree(m.test_key).createRpd({ verification_id: 'frozen-1' })).json;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // a's credit transaction waits for the verification's row; a stops; the row is then a's.
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM verifications WHERE ref_id = $1 FOR UPDATE', [created.ref_id]);
      const first = a.pay(created.upi_link, 'success@upi').catch((err) => ({ status: 0, error: String(err) }));
      await waitingForLock(c);
      a.proc.kill('SIGSTOP');
      await c.query('ROLLBACK');
      // Another payment of the same intent, through b, must not wait for a to wake.
      const second = await Promise.race([
        b.pay(created.upi_link, 'payer7@sandbox'),
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
      assert.ok(second, "b's payment was still waiting for the row the stopped instance held, 10 s on");
      assert.equal(second.status, 200, second.text);
      assert.equal((await b.cashfree(m.test_key).status({ verification_id: 'frozen-1' })).json.status, 'SUCCESS');
      // a wakes to a transaction the server ended: that request fails, the instance goes on.
      a.proc.kill('SIGCONT');
      const answer = await first;
      assert.ok(answer.status >= 500, `a's payment was answered ${JSON.stringify(answer).slice(0, 200)}; a's output ends:\n${a.output.slice(-1500)}`);
      assert.equal((await a.cashfree(m.test_key).createRpd({ verification_id: 'frozen-2' })).status, 200);
      // Both payments are credits: one verified, the other refunded, once each.
      const utrs = (await c.query('SELECT utr FROM sandbox_payments WHERE tr = $1', [String(created.ref_id)])).rows.map((r) => r.utr);
      assert.equal(utrs.length, 2);
      for (const utr of utrs) {
        const refunds = await b.refundsSettled(utr, 20_000);
        assert.equal(refunds.length, 1);
      }
    } finally {
      a.proc.kill('SIGCONT');
      await c.end();
    }
  });
});

describe('an instance that stops while it holds the migration lock', { skip: needsPostgres }, () => {
  let b: Gateway | undefined;
  let stopped: ChildProcess | undefined;
  let drop: () => Promise<void> = async () => {};
  after(async () => {
    stopped?.kill('SIGCONT');
    stopped?.kill('SIGKILL');
    await b?.stop();
    await drop();
  });

  it('gives the lock up after the timeout: an instance starting meanwhile migrates and serves', { timeout: 90_000 }, async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const env = { PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' };
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // a starts on the empty database and is stopped as soon as it holds the migration lock.
      const first = Gateway.start({ databaseUrl: db.url, env, onSpawn: (p) => (stopped = p) }).catch((err: Error) => err);
      await eventually(
        async () => (await c.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted")).rows[0].n,
        (n) => n > 0,
        20_000,
        'the first instance holding the migration lock',
      );
      stopped!.kill('SIGSTOP');
      // Without a timeout, b would poll for the lock as long as a stayed stopped (its start fails at 20 s).
      b = await Gateway.start({ databaseUrl: db.url, env });
      const m = await b.merchant('After the stall');
      assert.equal((await b.cashfree(m.test_key).createRpd({ verification_id: 'after-1' })).status, 200);
      const applied = (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      assert.deepEqual(applied, MIGRATIONS.map((m) => m.version));
      // a wakes to a session the server ended: whether it starts or not, it waits for nothing.
      stopped!.kill('SIGCONT');
      const woke = await first;
      if (woke instanceof Gateway) await woke.stop();
      else assert.match(woke.message, /exited|did not start/);
    } finally {
      await c.end();
    }
  });
});
