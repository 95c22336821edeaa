// Webhook retries across instances whose clocks disagree. A failed attempt's next time is its
// job's run_at, written by the instance that made the attempt and due by the store's clock on
// every instance: by the attempting instance's own clock, one a minute behind would retry at once
// whatever the backoff asked, and the log would show the next attempt a minute early.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, skewedClock, sleep } from './support/gateway.js';
import { Receiver } from './support/receiver.js';


describe('webhook retries made by an instance a minute behind (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, behind: Gateway;
  let receiver: Receiver;
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    receiver = await Receiver.start();
    // The first retry 10-20 s after a failure.
    const env = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '20000' };
    // The instance on the machine's clock serves the merchant and polls its jobs once an hour: the
    // one behind runs them.
    right = await Gateway.start({ databaseUrl: db.url, env: { ...env, JOB_POLL_MS: '3600000' } });
    behind = await Gateway.start({ databaseUrl: db.url, env: { ...env, ...skewedClock(-60_000) } });
  });
  after(async () => {
    await behind?.stop();
    await right?.stop();
    await receiver?.close();
    await drop?.();
  });

  it('waits the backoff before the second attempt', async () => {
    const m = await right.merchant();
    await right.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
    receiver.plan = [500, 200];
    const made = (await right.cashfree(m.test_key).createRpd({ verification_id: 'wh-1', name: 'John Doe' })).json;
    await behind.pay(made.upi_link, 'success@upi');
    await eventually(async () => receiver.received.length, (n) => n >= 1, 10_000, 'the first attempt');
    await sleep(4000);
    assert.equal(receiver.received.length, 1, 'retried before the backoff');
    const d = (await right.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0];
    const next = Date.parse((await right.admin('GET', `/webhook-deliveries/${d.id}`)).json.attempts?.[0]?.next_attempt_at ?? 'x');
    if (Number.isFinite(next)) assert.ok(next - Date.now() > 3000, `the next attempt logged at ${new Date(next).toISOString()}`);
  });
});
