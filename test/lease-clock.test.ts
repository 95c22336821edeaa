// Job leases across instances whose clocks disagree. A lease is a time written by one instance
// and checked by another: measured by each instance's own clock, a skew of more than about two
// thirds of JOB_LEASE_MS (the lease less its renewal period) lets a second instance take a job
// that the first is still running. Both instances here run on one machine; one of them is given
// a clock ahead of it by a preloaded module, as a host whose clock drifted would have.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, skewedClock, sleep } from './support/gateway.js';
import { Receiver } from './support/receiver.js';

const uid = (p = 'lc') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('job leases on PostgreSQL between instances whose clocks disagree', { skip: needsPostgres }, () => {
  const gateways: Gateway[] = [];
  let receiver: Receiver | undefined;
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    for (const g of gateways) await g.kill();
    await receiver?.close();
    await drop?.();
  });

  it('an instance whose clock is 5 s ahead does not take a job another instance is running under a 1 s lease', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    // The job: a webhook delivery whose receiver answers after 8 s, so that it runs (its lease
    // renewed every third of a second) while the second instance starts and polls.
    receiver = await Receiver.start();
    receiver.plan = [{ status: 200, afterMs: 8000 }];
    const env = { JOB_LEASE_MS: '1000', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '30000' };
    const a = await Gateway.start({ databaseUrl: db.url, env });
    gateways.push(a);
    const m = await a.merchant();
    await a.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
    const created = (await a.cashfree(m.test_key).createRpd({ verification_id: uid(), name: 'John Doe' })).json;
    await a.pay(created.upi_link, 'success@upi');
    await eventually(async () => receiver!.received.length, (n) => n === 1, 10_000, 'the delivery under way');

    const b = await Gateway.start({
      databaseUrl: db.url,
      env: { ...env, ...skewedClock(5000) },
    });
    gateways.push(b);
    // Its clock is ahead: the time in its log lines says so.
    const logged = [...b.output.matchAll(/"time":(\d+)/g)].map((x) => Number(x[1]));
    assert.ok(logged.length > 0 && logged.at(-1)! - Date.now() > 3000, `the second instance's clock runs ahead: ${b.output.slice(-300)}`);

    await eventually(
      async () => (await a.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0],
      (d: any) => d?.status === 'delivered',
      30_000,
      'the slow delivery',
    );
    await sleep(500);
    assert.equal(receiver.received.length, 1, `the receiver got ${receiver.received.length} copies: the job ran twice`);
  });
});
