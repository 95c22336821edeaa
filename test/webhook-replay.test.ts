// An operator's webhook replay, as the admin API offers it: whatever became of the delivery's
// job before (dead, or an attempt still on its way), the event is sent once more and the attempt
// is logged. On SQLite and on PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Gateway, eventually, needsPostgres, storeFor } from './support/gateway.js';
import { Receiver } from './support/receiver.js';

const uid = (p = 'rp') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`webhook replay (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let receiver: Receiver;
    let databaseUrl: string | undefined;
    let drop: () => Promise<void> = async () => {};
    before(async () => {
      receiver = await Receiver.start();
      ({ databaseUrl, drop } = await storeFor(store));
      gw = await Gateway.start({
        databaseUrl,
        env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '3000', JOB_MAX_FAILURES: '2' },
      });
    });
    after(async () => {
      await gw?.stop();
      await receiver?.close();
      await drop();
    });

    /** Runs `sql` on the gateway's store, as an operator with a database shell would. */
    async function onStore(sql: string) {
      if (!databaseUrl) {
        const db = new Database(join(gw.dataDir, 'pennygate.db'));
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
        return;
      }
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    }

    const copiesOf = (id: string) => receiver.received.filter((r) => r.headers['x-webhook-id'] === id);

    async function paidEvent(name: string) {
      const m = await gw.merchant(name);
      const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
      assert.equal(set.status, 200, set.text);
      const cf = gw.cashfree(m.test_key);
      await gw.pay((await cf.createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
      const [d] = await eventually(
        async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
        (items: any[]) => items.length === 1,
        10_000,
        'the delivery',
      );
      return d.id as string;
    }

    it('sends the event again when the delivery job is dead', async () => {
      // The store refuses the delivery log's writes (a full disk, a broken table): every run of the
      // job throws after its POST, so the job ends as a dead letter after JOB_MAX_FAILURES runs.
      await onStore(
        databaseUrl
          ? `CREATE FUNCTION refuse_attempts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the log cannot be written'; END $$;
             CREATE TRIGGER refuse_attempts BEFORE INSERT ON webhook_attempts FOR EACH ROW EXECUTE FUNCTION refuse_attempts()`
          : "CREATE TRIGGER refuse_attempts BEFORE INSERT ON webhook_attempts BEGIN SELECT RAISE(ABORT, 'the log cannot be written'); END",
      );
      const id = await paidEvent('Dead Letter');
      const dead = await eventually(
        async () => (await gw.admin('GET', '/jobs/dead')).json.items as any[],
        (items) => items.some((j) => j.subject === id),
        20_000,
        'the delivery job to die',
      );
      assert.match(dead.find((j) => j.subject === id).last_error, /the log cannot be written/);
      // Mended; the operator replays the delivery instead of retrying the job.
      await onStore(databaseUrl ? 'DROP TRIGGER refuse_attempts ON webhook_attempts' : 'DROP TRIGGER refuse_attempts');
      const before = copiesOf(id).length;
      const r = await gw.admin('POST', `/webhook-deliveries/${id}/replay`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'pending');
      await eventually(async () => copiesOf(id).length, (n) => n === before + 1, 10_000, 'the replayed event');
      const log = await eventually(
        async () => (await gw.admin('GET', `/webhook-deliveries/${id}`)).json,
        (l) => l.status === 'delivered',
        10_000,
        'the replay logged',
      );
      assert.deepEqual(log.attempt_log.map((a: any) => a.status_code), [200]);
      // The replay took the dead letter's place: it is no longer listed as dead.
      assert.ok(!(await gw.admin('GET', '/jobs/dead')).json.items.some((j: any) => j.subject === id));
    });

    it('sends the event once more when the replay comes while an attempt is on its way, and that attempt succeeds', async () => {
      // The first attempt is answered 200 after 1.5 s; the operator replays within that time.
      receiver.plan = [{ status: 200, afterMs: 1500 }, 200];
      const id = await paidEvent('Replayed In Flight');
      await eventually(async () => copiesOf(id).length, (n) => n === 1, 10_000, 'the first attempt to reach the receiver');
      const r = await gw.admin('POST', `/webhook-deliveries/${id}/replay`);
      assert.equal(r.status, 200, r.text);
      await eventually(async () => copiesOf(id).length, (n) => n === 2, 10_000, 'the replay after the attempt in flight');
      const log = await eventually(
        async () => (await gw.admin('GET', `/webhook-deliveries/${id}`)).json,
        (l) => l.status === 'delivered' && l.attempt_log.length === 2,
        10_000,
        'both attempts logged',
      );
      assert.deepEqual(log.attempt_log.map((a: any) => [a.attempt, a.status_code]), [[1, 200], [2, 200]]);
      // One after the other, not both at once; and no third copy.
      assert.equal(receiver.maxInFlight, 1);
      await gw.idle();
      assert.equal(copiesOf(id).length, 2);
      assert.deepEqual(copiesOf(id).map((c) => c.headers['x-webhook-attempt']), ['1', '2']);
    });
  });
}
