// Webhook lanes: a merchant's deliveries in flight are counted in the store, over every instance,
// and how its receiver last answered is kept there too. A receiver that hangs is held to its share
// on all instances together (one once it failed), also after a restart; its waiting deliveries
// are passed over by the claim, not claimed and put back over and over; and the merchant whose
// receiver answers is not held up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, needsPostgres, sleep, storeFor, storeRows } from './support/gateway.js';
import { Receiver } from './support/receiver.js';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`webhook lanes (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gws: Gateway[] = [];
    let databaseUrl: string | undefined;
    let drop = async () => {};
    let answers: Receiver;
    let hanging: Receiver;
    const env = {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_PER_MERCHANT: '2',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_CAP_MS: '400',
    };

    before(async () => {
      ({ databaseUrl, drop } = await storeFor(store));
      // Several instances share PostgreSQL; SQLite has one.
      const n = store === 'postgres' ? 2 : 1;
      for (let i = 0; i < n; i++) gws.push(await Gateway.start({ databaseUrl, env, dataDir: gws[0]?.dataDir }));
      answers = await Receiver.start();
      hanging = await Receiver.start();
      hanging.plan = ['hang'];
    });
    after(async () => {
      for (const gw of gws) await gw.stop();
      await answers?.close();
      await hanging?.close();
      await drop();
    });

    const rows = (text: string) => storeRows(gws[0], databaseUrl, text);

    it('holds a hanging receiver to its share on every instance, then to one, also after a restart, without claiming its waiting deliveries again and again', async () => {
      const a = await gws[0].merchant('Hangs');
      const b = await gws[0].merchant('Answers');
      await gws[0].admin('PUT', `/merchants/${a.id}/webhook`, { url: hanging.url, dialect: 'cashfree' });
      await gws[0].admin('PUT', `/merchants/${b.id}/webhook`, { url: answers.url, dialect: 'cashfree' });
      for (let i = 0; i < 8; i++) {
        const gw = gws[i % gws.length];
        await gw.pay((await gw.cashfree(a.test_key).createRpd({ verification_id: `hang-${i}` })).json.upi_link, 'success@upi');
      }
      // The first two hang until their timeout; from then on the receiver is failing: one at a time.
      await eventually(async () => hanging.received.length, (n) => n >= 3, 10_000, 'an attempt after the first timeouts');
      assert.ok(hanging.maxInFlight <= 2, `deliveries in flight at once to the hanging receiver, over all instances: ${hanging.maxInFlight}`);
      hanging.maxInFlight = hanging.inFlight;

      // Meanwhile the other merchant's webhook goes at once.
      const paid = await gws.at(-1)!.pay((await gws.at(-1)!.cashfree(b.test_key).createRpd({ verification_id: 'answers-1' })).json.upi_link, 'success@upi');
      assert.equal(paid.status, 200);
      const paidAt = Date.now();
      await eventually(async () => answers.received.length, (n) => n === 1, 10_000, "the answering merchant's webhook");
      assert.ok(answers.received[0].at - paidAt < 2500, `its webhook took ${answers.received[0].at - paidAt} ms`);

      await sleep(4000);
      assert.ok(hanging.maxInFlight <= 1, `in flight at once to the failing receiver: ${hanging.maxInFlight}`);

      // Every claim of a delivery job made an attempt (or is making one now, its job still held
      // for a moment after its attempt is logged): the deliveries that wait behind the failing
      // one were passed over, not claimed and put back.
      const [c] = await rows(`SELECT (SELECT SUM(attempts) FROM jobs WHERE kind = 'webhook.deliver') AS claims,
          (SELECT COUNT(*) FROM webhook_attempts) AS logged,
          (SELECT COUNT(*) FROM jobs WHERE kind = 'webhook.deliver' AND done_at IS NULL AND locked_until IS NOT NULL) AS running`);
      assert.ok(Number(c.logged) >= 5, `attempts logged: ${c.logged}`);
      const extra = Number(c.claims) - Number(c.logged);
      assert.ok(extra >= 0 && extra <= Number(c.running), `claims ${c.claims}, attempts ${c.logged}, running ${c.running}`);
      // And a job tried keeps the error of its last attempt.
      const [lost] = await rows(`SELECT COUNT(*) AS n FROM jobs j JOIN webhook_deliveries d ON d.id = j.subject
          WHERE j.kind = 'webhook.deliver' AND j.done_at IS NULL AND d.attempts > 0 AND j.last_error IS NULL`);
      assert.equal(Number(lost.n), 0);

      // Killed and started again: the receiver is still known to fail. Once the killed
      // instances' leases (3 s in tests) have run out, one delivery at a time again. (Retries
      // backed off a minute from now on: the next test needs a receiver that fails once.)
      for (const gw of gws) await gw.kill();
      for (const gw of gws) await gw.restart({ WEBHOOK_RETRY_BASE_MS: '60000', WEBHOOK_RETRY_CAP_MS: '60000' });
      hanging.maxInFlight = hanging.inFlight;
      const before = hanging.received.length;
      await sleep(7000);
      assert.ok(hanging.received.length > before, 'the failing receiver is still tried after the restart');
      assert.ok(hanging.maxInFlight <= 1, `in flight at once to the failing receiver after the restart: ${hanging.maxInFlight}`);
    });

    it('judges a new receiver afresh: one that answers takes its share at once', async () => {
      const m = await gws[0].merchant('Moves its receiver');
      await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: hanging.url, dialect: 'cashfree' });
      const gw = gws[0];
      await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: 'move-0' })).json.upi_link, 'success@upi');
      // Failing: its first attempt timed out (the next one is a minute away).
      await eventually(
        async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0]?.attempts ?? 0,
        (n: number) => n >= 1,
        10_000,
        'the first attempt to time out',
      );
      const slow = await Receiver.start();
      try {
        slow.plan = [{ status: 200, afterMs: 1200 }]; // answers, not quickly: its share is WEBHOOK_PER_MERCHANT
        await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: slow.url, dialect: 'cashfree' });
        for (let i = 1; i <= 4; i++) await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: `move-${i}` })).json.upi_link, 'success@upi');
        await eventually(async () => slow.received.length, (n) => n >= 4, 15_000, 'the events at the new receiver');
        // Held to one (the old receiver's standing), the second would wait for the first answer.
        assert.ok(slow.maxInFlight >= 2, `in flight at once at the new receiver: ${slow.maxInFlight}`);
        const gap = slow.received[1].at - slow.received[0].at;
        assert.ok(gap < 800, `the second event went ${gap} ms after the first`);
      } finally {
        await slow.close();
      }
    });

    it('keeps the share for deliveries queued without their merchant (by an older instance, during a rolling upgrade), and gives them theirs', async () => {
      const dead = await Receiver.start();
      try {
        dead.plan = ['hang'];
        const m = await gws[0].merchant('Queued by an older build');
        await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: dead.url, dialect: 'cashfree' });
        for (let i = 0; i < 6; i++) {
          const gw = gws[i % gws.length];
          await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: `older-${i}` })).json.upi_link, 'success@upi');
        }
        const [laned] = await rows(`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'webhook.deliver' AND lane = '${m.id}'`);
        assert.equal(Number(laned.n), 6, 'each delivery job carries its merchant');
        // What a build from before lanes leaves: jobs without one.
        await rows(`UPDATE jobs SET lane = NULL WHERE kind = 'webhook.deliver' AND lane = '${m.id}'`);
        await eventually(async () => dead.received.length, (n) => n >= 4, 15_000, 'attempts at the dead receiver');
        // Never tried: WEBHOOK_PER_MERCHANT (2) at once; once it failed, one at a time.
        assert.ok(dead.maxInFlight <= 2, `in flight at once at the dead receiver: ${dead.maxInFlight}`);
        dead.maxInFlight = dead.inFlight;
        await sleep(3500);
        assert.ok(dead.maxInFlight <= 1, `in flight at once once it failed: ${dead.maxInFlight}`);
        // And the claim gave them their merchant back.
        const [given] = await rows(`SELECT COUNT(*) AS n FROM jobs WHERE kind = 'webhook.deliver' AND lane = '${m.id}'`);
        assert.equal(Number(given.n), 6);
      } finally {
        await dead.close();
      }
    });
  });
}

// Receivers not known to answer (failing, or never tried) share half of an instance's delivery
// slots and go in turn: one never tried first, then the failing one tried longest ago. Dead
// receivers whose retries are always due would otherwise hold every turn, a new merchant's first
// event waiting behind their backlog for rounds.
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`webhook turns of receivers not known to answer (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    const gws: Gateway[] = [];
    let drop = async () => {};
    let dead: Receiver;
    const env = {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_CONCURRENCY: '4', // half, 2 per instance, for the receivers not known to answer
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_CAP_MS: '200',
    };
    before(async () => {
      const s = await storeFor(store);
      drop = s.drop;
      databaseUrl = s.databaseUrl;
      const n = store === 'postgres' ? 2 : 1;
      for (let i = 0; i < n; i++) gws.push(await Gateway.start({ databaseUrl: s.databaseUrl, env, dataDir: gws[0]?.dataDir }));
      dead = await Receiver.start();
      dead.plan = ['hang'];
    });
    after(async () => {
      for (const gw of gws) await gw.stop();
      await dead?.close();
      await drop();
    });
    let databaseUrl: string | undefined;
    const rows = (text: string) => storeRows(gws[0], databaseUrl, text);

    it('a new receiver is tried ahead of the failing ones whose retries are due, each failing one gets its turns, and together they hold no more than half the slots', async () => {
      const slots = 2 * gws.length;
      // Four times the slots for them, so that waiting behind their retries would take rounds.
      const deadCount = 4 * slots;
      const failing = [];
      for (let i = 0; i < deadCount; i++) {
        const m = await gws[0].merchant(`Dead ${i}`);
        await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: dead.url, dialect: 'cashfree' });
        await gws[0].pay((await gws[0].cashfree(m.test_key).createRpd({ verification_id: `dead-${i}` })).json.upi_link, 'success@upi');
        failing.push(`dead-${i}`);
      }
      const tried = () => dead.received.map((r) => JSON.parse(r.body).data.verification_id as string);
      // Each tried once (and failed): from now on their retries are always due.
      await eventually(async () => new Set(tried()).size, (n) => n === deadCount, 20_000, 'a first attempt at each dead receiver');
      assert.ok(dead.maxInFlight <= slots, `in flight at once at the dead receivers: ${dead.maxInFlight}, slots for them ${slots}`);

      const fresh = await Receiver.start();
      try {
        const m = await gws[0].merchant('New receiver');
        await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: fresh.url, dialect: 'cashfree' });
        await gws[0].pay((await gws[0].cashfree(m.test_key).createRpd({ verification_id: 'fresh-1' })).json.upi_link, 'success@upi');
        await eventually(async () => fresh.received.length, (n) => n === 1, 10_000, "the new receiver's event");
        // Read in the store, not by the clock: from the new delivery's creation to its first
        // attempt, the dead receivers' attempts started. Its turn came at the first free slot, so
        // none but those a claim already under way had picked (one per instance). Taken oldest
        // job first, it would have waited behind every dead retry due before it (4 and more here).
        // The attempt is written once the answer is in, a moment after the receiver has it.
        const [d] = await eventually(
          () =>
            rows(`SELECT d.created_at AS made, MIN(a.started_at) AS first FROM webhook_deliveries d
              JOIN webhook_attempts a ON a.delivery_id = d.id WHERE d.merchant_id = '${m.id}' GROUP BY d.created_at`),
          (r) => r.length === 1,
          10_000,
          "the new receiver's attempt in the store",
        );
        const [ahead] = await rows(`SELECT COUNT(*) AS n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
            WHERE d.merchant_id <> '${m.id}' AND a.started_at > ${Number(d.made)} AND a.started_at < ${Number(d.first)}`);
        assert.ok(Number(ahead.n) <= gws.length, `dead receivers' attempts started ahead of the new one's first: ${ahead.n}`);
      } finally {
        await fresh.close();
      }

      // Over the next rounds every dead receiver is tried again: none is starved of turns.
      const seen = dead.received.length;
      await eventually(
        async () => new Set(tried().slice(seen)).size,
        (n) => n === deadCount,
        20_000,
        'another attempt at each dead receiver',
      );
      assert.ok(dead.maxInFlight <= slots, `in flight at once at the dead receivers: ${dead.maxInFlight}, slots for them ${slots}`);
    });
  });
}
