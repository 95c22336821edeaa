// PostgreSQL sessions that go wrong in the middle of a transaction: one the server ends (a
// restart, a failover, an operator's pg_terminate_backend), and one whose instance stops talking
// while it holds row locks that another instance needs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres } from './support/gateway.js';

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
