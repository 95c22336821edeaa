// Merchant webhooks against a real HTTP receiver: format, both signatures (checked here with
// nothing but the documented algorithm), retries, durability, isolation and address checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { Gateway, eventually, freePort, sleep } from './support/gateway.js';
import { Receiver, type Behaviour } from './support/receiver.js';
import { verifyCashfree } from './support/signatures.js';

type Key = { client_id: string; client_secret: string };
const uid = (p = 'w') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('webhooks', () => {
  let gw: Gateway;
  let receiver: Receiver;
  let merchant: { id: string; test_key: Key };
  before(async () => {
    receiver = await Receiver.start();
    gw = await Gateway.start({
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '700', RPD_LINK_TTL_SECONDS: '2', NOTIFICATION_GRACE_SECONDS: '0' },
    });
    merchant = await gw.merchant('Hooked');
    const set = await gw.admin('PUT', `/merchants/${merchant.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.url, receiver.url);
    assert.equal(set.json.dialect, 'cashfree');
    assert.match(set.json.secret, /^whsec_/);
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  const eventFor = (vid: string, type: string) =>
    eventually(
      async () => receiver.received.filter((r) => JSON.parse(r.body).data?.verification_id === vid && JSON.parse(r.body).event_type === type),
      (l) => l.length > 0,
      10_000,
      `${type} for ${vid}`,
    );

  it('sends RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS with the status fields and both signatures', async () => {
    const cf = gw.cashfree(merchant.test_key);
    const vid = uid();
    const created = (await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json;
    const paid = (await gw.pay(created.upi_link, 'success@upi')).json;
    const [got] = await eventFor(vid, 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS');
    const body = JSON.parse(got.body);
    assert.deepEqual(Object.keys(body), ['signature', 'event_type', 'event_time', 'version', 'data']);
    assert.equal(body.version, 'v1');
    assert.match(body.event_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const status = (await cf.status({ verification_id: vid })).json;
    assert.equal(body.data.status, 'SUCCESS');
    assert.equal(body.data.utr, paid.utr);
    assert.equal(body.data.bank_account, status.bank_account);
    assert.equal(body.data.name_at_bank, 'JOHN DOE');
    assert.equal(body.data.ref_id, String(created.ref_id));
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['x-webhook-id']), /^evt_/);
    assert.deepEqual(verifyCashfree(got.body, got.headers, merchant.test_key.client_secret), { headerOk: true, bodyOk: true });
    assert.deepEqual(verifyCashfree(got.body, got.headers, 'another-secret'), { headerOk: false, bodyOk: false });
  });

  it('sends FAILURE and EXPIRED events', async () => {
    const cf = gw.cashfree(merchant.test_key);
    const failed = uid();
    await gw.pay((await cf.createRpd({ verification_id: failed })).json.upi_link, 'failure@upi');
    const [f] = await eventFor(failed, 'RPD_BANK_ACCOUNT_VERIFICATION_FAILURE');
    assert.equal(JSON.parse(f.body).data.status, 'FAILURE');
    const expired = uid();
    await cf.createRpd({ verification_id: expired });
    const [e] = await eventFor(expired, 'RPD_BANK_ACCOUNT_VERIFICATION_EXPIRED');
    assert.equal(JSON.parse(e.body).data.status, 'EXPIRED');
    assert.deepEqual(verifyCashfree(e.body, e.headers, merchant.test_key.client_secret), { headerOk: true, bodyOk: true });
  });

  it('retries a failing receiver with backoff, logs every attempt, and keeps the event id', async () => {
    receiver.plan = [500, 503, 'hang', 200];
    const cf = gw.cashfree(merchant.test_key);
    const vid = uid();
    await gw.pay((await cf.createRpd({ verification_id: vid })).json.upi_link, 'success@upi');
    const deliveries = await eventually(
      async () => (await gw.admin('GET', `/merchants/${merchant.id}/webhook/deliveries`)).json.items,
      (items: any[]) => items.some((d) => d.ref_id && d.status === 'delivered' && d.attempts === 4),
      20_000,
      'delivery after three failures',
    );
    const d = deliveries.find((x: any) => x.attempts === 4);
    const log = (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json;
    assert.deepEqual(log.attempt_log.map((a: any) => a.status_code), [500, 503, null, 200]);
    assert.match(log.attempt_log[2].error, /timeout/);
    for (const a of log.attempt_log.slice(0, 3)) assert.ok(a.next_attempt_at, 'the schedule is in the log');
    assert.equal(log.attempt_log[3].next_attempt_at, null);
    // Backoff grows: the gap before the third retry exceeds the gap before the first.
    const t = log.attempt_log.map((a: any) => Date.parse(a.at));
    assert.ok(t[1] - t[0] >= 100 && t[3] - t[2] > t[1] - t[0] - 50, `gaps ${t[1] - t[0]}, ${t[3] - t[2]}`);
    const copies = receiver.received.filter((r) => r.headers['x-webhook-id'] === d.id);
    assert.equal(copies.length, 4);
    assert.equal(new Set(copies.map((c) => c.body)).size, 1, 'the same bytes every time');
    assert.deepEqual(copies.map((c) => c.headers['x-webhook-attempt']), ['1', '2', '3', '4']);
    // Give up a day after the event, not before.
    assert.ok(Date.parse(log.give_up_at) - Date.parse(log.created_at) >= 24 * 3_600_000);
  });

  it('after a key rotation, a retry is signed with the secret in use in the body as in the headers', async () => {
    const rotating = await Receiver.start();
    rotating.plan = [500];
    try {
      const m = await gw.merchant('Rotating Secret');
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: rotating.url, dialect: 'cashfree' });
      await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
      const [first] = await eventually(async () => rotating.received, (r) => r.length >= 1, 10_000, 'a first attempt');
      assert.deepEqual(verifyCashfree(first.body, first.headers, m.test_key.client_secret), { headerOk: true, bodyOk: true });
      // The merchant rotates: a second pair, deployed, then the first revoked.
      const fresh = await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' });
      assert.equal(fresh.status, 201, fresh.text);
      assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
      // Two more failures, so that the next attempts all started after the revocation.
      const n = rotating.received.length;
      await eventually(async () => rotating.received.length, (k) => k >= n + 2, 10_000, 'attempts after the rotation');
      rotating.plan = [200];
      const [d] = await eventually(
        async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
        (items: any[]) => items[0]?.status === 'delivered',
        10_000,
        'the delivery',
      );
      const last = rotating.received.at(-1)!;
      assert.deepEqual(verifyCashfree(last.body, last.headers, fresh.json.client_secret), { headerOk: true, bodyOk: true });
      // The event itself is unchanged: only its signature is new.
      const { signature: oldSig, ...was } = JSON.parse(first.body);
      const { signature: newSig, ...now } = JSON.parse(last.body);
      assert.deepEqual(now, was);
      assert.notEqual(newSig, oldSig);
      // The delivery log shows the body as last sent.
      assert.equal((await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json.body, last.body);
    } finally {
      await rotating.close();
    }
  });

  it('replays an event through the admin API', async () => {
    receiver.plan = [200];
    const items = (await gw.admin('GET', `/merchants/${merchant.id}/webhook/deliveries`)).json.items;
    const d = items.find((x: any) => x.status === 'delivered');
    const before = receiver.received.filter((r) => r.headers['x-webhook-id'] === d.id).length;
    const r = await gw.admin('POST', `/webhook-deliveries/${d.id}/replay`);
    assert.equal(r.status, 200);
    await eventually(
      async () => receiver.received.filter((x) => x.headers['x-webhook-id'] === d.id).length,
      (n) => n === before + 1,
      5000,
      'replayed delivery',
    );
    assert.equal((await gw.admin('POST', '/webhook-deliveries/evt_nothing/replay')).status, 404);
  });

  it('a webhook removed after its event: later attempts send nothing, and say why', async () => {
    const failing = await Receiver.start();
    failing.plan = [500];
    try {
      const m = await gw.merchant('Removed');
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: failing.url, dialect: 'cashfree' });
      const cf = gw.cashfree(m.test_key);
      await gw.pay((await cf.createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
      await eventually(async () => failing.received.length, (n) => n >= 1, 10_000, 'a first attempt');
      assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/webhook`)).status, 204);
      const [d] = (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items;
      const removed = (a: any) => /webhook or key was removed/.test(a.error ?? '');
      const log = await eventually(
        async () => (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json,
        (l) => l.attempt_log.some(removed),
        10_000,
        'an attempt after the removal',
      );
      // Each request the receiver got is an attempt that had an answer; none after the removal.
      const answered = log.attempt_log.filter((a: any) => a.status_code !== null);
      assert.ok(answered.every((a: any) => a.status_code === 500));
      assert.equal(failing.received.filter((r) => r.headers['x-webhook-id'] === d.id).length, answered.length);
      assert.ok(log.attempt_log.slice(log.attempt_log.findIndex(removed)).every((a: any) => a.status_code === null));
    } finally {
      await failing.close();
    }
  });

  it('records a refused connection and retries it', async () => {
    const dead = await Receiver.start();
    const deadUrl = dead.url;
    await dead.close(); // nothing listens there now
    const m = await gw.merchant('Refused');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: deadUrl, dialect: 'cashfree' });
    const cf = gw.cashfree(m.test_key);
    await gw.pay((await cf.createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
    const [d] = await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
      (items: any[]) => items.length === 1 && items[0].attempts >= 2,
      10_000,
      'two refused attempts',
    );
    const log = (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json;
    assert.match(log.attempt_log[0].error, /ECONNREFUSED/);
    assert.equal(log.status, 'pending');
  });
});

describe('webhooks: isolation and durability', () => {
  let gw: Gateway;
  const receivers: Receiver[] = [];
  after(async () => {
    await gw?.stop();
    for (const r of receivers) await r.close();
  });

  it("a dead receiver slows neither the API nor another merchant's deliveries", async () => {
    const dead = await Receiver.start();
    dead.plan = ['hang'];
    const live = await Receiver.start();
    receivers.push(dead, live);
    // A delivery to the dead receiver holds its slot for 10 s: anything blocked behind it would
    // take that long, far beyond the bounds below, which leave room for a busy machine.
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_RETRY_BASE_MS: '200' } });
    const a = await gw.merchant('Dead receiver');
    const b = await gw.merchant('Live receiver');
    await gw.admin('PUT', `/merchants/${a.id}/webhook`, { url: dead.url, dialect: 'cashfree' });
    await gw.admin('PUT', `/merchants/${b.id}/webhook`, { url: live.url, dialect: 'cashfree' });
    const cfa = gw.cashfree(a.test_key);
    const cfb = gw.cashfree(b.test_key);
    // Flood merchant A's dead receiver with events.
    for (let i = 0; i < 40; i++) await gw.pay((await cfa.createRpd({ verification_id: uid('a') })).json.upi_link, 'failure@upi');
    // Every slot merchant A may hold is taken by a hanging delivery.
    await eventually(async () => dead.received.length, (n) => n >= 4, 10_000, "merchant A's deliveries to hang");
    const t0 = Date.now();
    const created = await cfb.createRpd({ verification_id: uid('b') });
    const apiMs = Date.now() - t0;
    assert.equal(created.status, 200);
    assert.ok(apiMs < 3000, `create took ${apiMs} ms`);
    await gw.pay(created.json.upi_link, 'success@upi');
    const paidAt = Date.now();
    await eventually(async () => live.received.length, (n) => n === 1, 9000, "merchant B's webhook");
    assert.ok(live.received[0].at - paidAt < 5000, `B's webhook took ${live.received[0].at - paidAt} ms`);
    assert.ok(dead.received.length <= 4, `at most 4 deliveries at once to one merchant, saw ${dead.received.length}`);
  });

  it('a quick receiver may take more than the per-merchant share; once it turns slow, it is held to it again', async () => {
    const quick = await Receiver.start();
    quick.plan = [{ status: 200, afterMs: 150 }]; // quick (well under a second), but long enough to overlap
    receivers.push(quick);
    await gw.restart({ WEBHOOK_TIMEOUT_MS: '10000' });
    const m = await gw.merchant('Busy lender');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: quick.url, dialect: 'cashfree' });
    const cf = gw.cashfree(m.test_key);
    const burst = async (n: number) => {
      const links = await Promise.all(Array.from({ length: n }, async () => (await cf.createRpd({ verification_id: uid('q') })).json.upi_link));
      await Promise.all(links.map((l) => gw.pay(l, 'success@upi')));
    };
    // Its first answers come back quick: from then on up to half the runner's 32 slots.
    await burst(2);
    await eventually(async () => quick.received.length, (n) => n >= 2, 10_000, 'the first deliveries');
    await burst(40);
    await eventually(async () => quick.received.length, (n) => n >= 42, 20_000, 'the burst delivered');
    assert.ok(quick.maxInFlight > 4 && quick.maxInFlight <= 16, `deliveries in flight at once: ${quick.maxInFlight}`);

    // Now it hangs: the deliveries already sent wait for their timeout, and no more than the
    // per-merchant share is sent after the first slow answer.
    quick.plan = ['hang'];
    quick.maxInFlight = quick.inFlight;
    await burst(1); // one delivery hangs until its timeout: the receiver is slow from then on
    await eventually(async () => quick.received.length, (n) => n >= 43, 10_000, 'the first hanging delivery');
    const before = quick.received.length;
    // (The first hang answers after 10 s: until then the quick share still applies.)
    await new Promise((r) => setTimeout(r, 10_500));
    await burst(20);
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(quick.received.length - before <= 4 + 1, `sent to the slow receiver after its timeout: ${quick.received.length - before}`);
  });

  it('loses nothing when the gateway is killed mid-retry', async () => {
    const flaky = await Receiver.start();
    flaky.plan = [500];
    receivers.push(flaky);
    await gw.restart({ WEBHOOK_TIMEOUT_MS: '700' });
    const m = await gw.merchant('Mid-retry');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: flaky.url, dialect: 'cashfree' });
    const cf = gw.cashfree(m.test_key);
    const vid = uid('k');
    await gw.pay((await cf.createRpd({ verification_id: vid })).json.upi_link, 'success@upi');
    await eventually(async () => flaky.received.length, (n) => n >= 2, 10_000, 'two failed attempts');
    await gw.restart(); // SIGKILL while the delivery is between retries
    flaky.plan = [200];
    await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0],
      (d: any) => d?.status === 'delivered',
      15_000,
      'delivery after restart',
    );
    const ids = new Set(flaky.received.map((r) => r.headers['x-webhook-id']));
    assert.equal(ids.size, 1);
    assert.equal(JSON.parse(flaky.received.at(-1)!.body).data.verification_id, vid);
  });

  it('schedules the first retry within a minute by default', async () => {
    const once = await Receiver.start();
    once.plan = [500, 200];
    receivers.push(once);
    await gw.restart({ WEBHOOK_RETRY_BASE_MS: '', WEBHOOK_TIMEOUT_MS: '' });
    const m = await gw.merchant('Default schedule');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: once.url, dialect: 'cashfree' });
    await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
    const [d] = await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
      (items: any[]) => items[0]?.attempts === 1,
      5000,
      'first attempt',
    );
    const log = (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json;
    const wait = Date.parse(log.attempt_log[0].next_attempt_at) - Date.parse(log.attempt_log[0].at);
    assert.ok(wait > 0 && wait <= 60_000, `first retry after ${wait} ms`);
  });
});

// The queue is one line for every merchant: dead receivers, however many, hold at most half of
// the slots (one each once they failed), so a merchant whose receiver answers is not queued
// behind their retries.
describe('webhooks: many dead receivers at once', () => {
  let gw: Gateway;
  const receivers: Receiver[] = [];
  after(async () => {
    await gw?.stop();
    for (const r of receivers) await r.close();
  });

  it("leave half the slots to receivers that answer: another merchant's event is not queued behind their retries", async () => {
    // 8 slots, 4 a merchant: three dead receivers could hold every slot for its 6 s timeout, again
    // at each retry.
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '6000', WEBHOOK_CONCURRENCY: '8', WEBHOOK_RETRY_BASE_MS: '200' } });
    const live = await Receiver.start();
    receivers.push(live);
    const b = await gw.merchant('Answering receiver');
    await gw.admin('PUT', `/merchants/${b.id}/webhook`, { url: live.url, dialect: 'cashfree' });
    const cfb = gw.cashfree(b.test_key);
    await gw.pay((await cfb.createRpd({ verification_id: uid('b') })).json.upi_link, 'success@upi');
    await eventually(async () => live.received.length, (n) => n === 1, 10_000, "the answering merchant's first webhook");

    const deads: Receiver[] = [];
    for (let i = 0; i < 3; i++) {
      const dead = await Receiver.start();
      dead.plan = ['hang'];
      receivers.push(dead);
      deads.push(dead);
      const m = await gw.merchant(`Dead receiver ${i}`);
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: dead.url, dialect: 'cashfree' });
      const cf = gw.cashfree(m.test_key);
      for (let j = 0; j < 6; j++) await gw.pay((await cf.createRpd({ verification_id: uid('d') })).json.upi_link, 'failure@upi');
    }
    // Past the first timeouts: the retries are due as soon as slots free up.
    const sent = () => deads.reduce((n, d) => n + d.received.length, 0);
    await eventually(async () => sent(), (n) => n > 6, 20_000, 'the dead receivers retried after their first timeouts');
    for (let k = 2; k <= 3; k++) {
      await gw.pay((await cfb.createRpd({ verification_id: uid('b') })).json.upi_link, 'success@upi');
      const paidAt = Date.now();
      await eventually(async () => live.received.length, (n) => n === k, 15_000, "the answering merchant's webhook");
      assert.ok(live.received[k - 1].at - paidAt < 2500, `its webhook took ${live.received[k - 1].at - paidAt} ms`);
      await sleep(3000);
    }
    for (const d of deads) assert.ok(d.maxInFlight <= 4, `deliveries in flight at once to one dead receiver: ${d.maxInFlight}`);
    assert.ok(sent() > 8, `the dead receivers were still tried: ${sent()}`);
  });
});

/** Pays a new verification of merchant `m` and answers the first attempt to deliver its event. */
async function firstAttemptOfAPayment(gw: Gateway, m: { id: string; test_key: { client_id: string; client_secret: string } }) {
  await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: uid() })).json.upi_link, 'success@upi');
  const [d] = await eventually(
    async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
    (items: any[]) => items[0]?.attempts >= 1,
    5000,
    'an attempt',
  );
  return (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json.attempt_log[0];
}

describe('webhook addresses', () => {
  let gw: Gateway;
  let merchantId: string;
  before(async () => {
    gw = await Gateway.start();
    merchantId = (await gw.merchant('Careful')).id;
  });
  after(() => gw?.stop());

  for (const url of [
    'http://127.0.0.1:9/hook',
    'http://localhost:8080/hook',
    'http://10.1.2.3/hook',
    'http://172.20.0.1/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::7f00:1]/hook',
    'http://[::ffff:0:7f00:1]/hook',
    'http://[::ffff:0:0:7f00:1]/hook',
    'http://[100:0:0:1::1]/hook',
    'http://[4000::1]/hook',
    'http://[3fff::1]/hook',
    'http://[2002:7f00:1::]/hook',
    'http://[2001::1]/hook',
    'http://[fec0::1]/hook',
    'http://2130706433/hook',
    'http://0x7f.1/hook',
    'http://0.0.0.0/hook',
    'ftp://example.com/hook',
    'http://user:pass@example.com/hook',
    'not a url',
  ]) {
    it(`refuses ${url}`, async () => {
      const r = await gw.admin('PUT', `/merchants/${merchantId}/webhook`, { url, dialect: 'cashfree' });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'invalid_webhook_url');
      // For where it points or what it is, not merely for being plain http.
      assert.doesNotMatch(r.json.error.message, /must be https/);
    });
  }

  it('refuses an unknown dialect and an unknown merchant', async () => {
    const stripe = await gw.admin('PUT', `/merchants/${merchantId}/webhook`, { url: 'https://example.com/h', dialect: 'stripe' });
    assert.equal(stripe.status, 400);
    // The refusal names the values that would do, not the schema's wording ("must be equal to constant").
    assert.equal(stripe.json.error.message, 'dialect: must be one of cashfree, razorpayx');
    const event = await gw.admin('POST', `/merchants/${merchantId}/webhook/test`, { event: 'success' });
    assert.equal(event.status, 400);
    assert.equal(event.json.error.message, 'event: must be one of verification.success, verification.failure, verification.expired');
    assert.equal((await gw.admin('GET', `/merchants/${merchantId}/webhook`)).status, 404);
  });

  it('takes plain http only to a receiver inside the network, or anywhere with WEBHOOK_ALLOW_HTTP=true', async () => {
    const set = (url: string) => gw.admin('PUT', `/merchants/${merchantId}/webhook`, { url, dialect: 'razorpayx' });
    // Events carry payers' account numbers and names: not across the internet in clear.
    const clear = await set('http://93.184.215.14/hook');
    assert.equal(clear.status, 400, clear.text);
    assert.equal(clear.json.error.code, 'invalid_webhook_url');
    assert.match(clear.json.error.message, /url must be https/);
    assert.equal((await gw.admin('GET', `/merchants/${merchantId}/webhook`)).status, 404, 'nothing was set');
    assert.equal((await set('https://93.184.215.14/hook')).status, 200);

    await gw.restart({ WEBHOOK_ALLOW_PRIVATE: 'true' });
    assert.equal((await set('http://127.0.0.1:9/hook')).status, 200);
    assert.equal((await set('http://localhost:9/hook')).status, 200);
    assert.equal((await set('http://[::ffff:10.1.2.3]/hook')).status, 200);
    // A name only the receiver's network resolves (a compose service's): taken, held at each connection.
    assert.equal((await set('http://receiver.invalid:3000/hook')).status, 200);
    // A public IPv4 address in an IPv6 form (mapped, NAT64, 6to4) is not inside the network.
    for (const url of ['http://93.184.215.14/hook', 'http://[::ffff:8.8.8.8]/hook', 'http://[64:ff9b::808:808]/hook', 'http://[2002:808:808::1]/hook']) {
      const still = await set(url);
      assert.equal(still.status, 400, `${url}: ${still.text}`);
      assert.match(still.json.error.message, /url must be https/, url);
    }

    await gw.restart({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_ALLOW_HTTP: 'true' });
    assert.equal((await set('http://93.184.215.14/hook')).status, 200);
    assert.equal((await gw.admin('GET', `/merchants/${merchantId}/webhook`)).json.url, 'http://93.184.215.14/hook');
    // Still not into the network.
    assert.equal((await set('http://10.1.2.3/hook')).status, 400);
    await gw.admin('DELETE', `/merchants/${merchantId}/webhook`);
    await gw.restart({ WEBHOOK_ALLOW_HTTP: 'false' });
  });

  it('holds the https rule at delivery too: an http URL on the internet set while it was allowed gets no event in clear', async () => {
    const m = await gw.merchant('Clear text');
    const inside = await gw.merchant('Clear text inside');
    await gw.restart({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
    const url = 'http://93.184.215.14/hook?token=tok-8f3a1c';
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url, dialect: 'cashfree' })).status, 200);
    // Refused after the restart too, but by the private-address rule, whose advice is not https.
    assert.equal((await gw.admin('PUT', `/merchants/${inside.id}/webhook`, { url: 'http://127.0.0.1:9/hook', dialect: 'cashfree' })).status, 200);
    await gw.restart({ WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_RETRY_BASE_MS: '200' });
    // The operator hears of it at start, with the host (not the URL, which may carry a token).
    const warning = await eventually(
      async () => gw.output.split('\n').find((l) => l.includes('a webhook URL is refused') && l.includes(m.id)),
      (l) => l !== undefined,
      10_000,
      'the warning at start',
    );
    assert.match(warning!, /"host":"93\.184\.215\.14"/);
    assert.match(warning!, /url must be https/);
    assert.equal(gw.output.includes('tok-8f3a1c'), false, 'the URL\'s token is not logged');
    assert.equal(gw.output.split('\n').some((l) => l.includes('a webhook URL is refused') && l.includes(inside.id)), false);
    const attempt = await firstAttemptOfAPayment(gw, m);
    assert.match(attempt.error, /outside the network, over plain http/);
    assert.equal(attempt.status_code ?? null, null);
  });

  it('checks the address again at delivery time', async () => {
    // Allowed while set (operator opted in), refused after the operator opts out.
    const receiver = await Receiver.start();
    const m = await gw.merchant('Rebinding');
    await gw.restart({ WEBHOOK_ALLOW_PRIVATE: 'true' });
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url.replace('127.0.0.1', 'localhost'), dialect: 'cashfree' });
    await gw.restart({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_RETRY_BASE_MS: '200' });
    assert.match((await firstAttemptOfAPayment(gw, m)).error, /non-public/);
    assert.equal(receiver.received.length, 0);
    await receiver.close();
  });
});

describe('webhooks: receivers that change or misbehave', () => {
  let gw: Gateway;
  const receivers: Receiver[] = [];
  before(async () => {
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '1500' } });
  });
  after(async () => {
    await gw?.stop();
    for (const r of receivers) await r.close();
  });

  it('a receiver that answers 429 or 503 with Retry-After is not asked again sooner (seconds or a date), nor later than the longest backoff', async () => {
    const gap = async (g: Gateway, first: Behaviour) => {
      const r = await Receiver.start();
      receivers.push(r);
      r.plan = [first, 200];
      const m = await g.merchant('Busy receiver');
      await g.admin('PUT', `/merchants/${m.id}/webhook`, { url: r.url, dialect: 'cashfree' });
      await g.pay((await g.cashfree(m.test_key).createRpd({ verification_id: uid('ra') })).json.upi_link, 'success@upi');
      await eventually(async () => r.received.length, (n) => n >= 2, 15_000, 'the attempt after the first');
      // Recorded once the answer is in, a moment after the receiver has the request.
      await eventually(
        async () => (await g.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items[0]?.status,
        (s) => s === 'delivered',
        5_000,
        'the delivery recorded as delivered',
      );
      return r.received[1].at - r.received[0].at;
    };
    // The backoff alone would come back in 100-200 ms (WEBHOOK_RETRY_BASE_MS 200).
    const seconds = await gap(gw, { status: 429, headers: { 'retry-after': '2' } });
    assert.ok(seconds >= 1950 && seconds < 5000, `came back after ${seconds} ms, asked 2 s`);
    // A date, made as the receiver answers: 3 s ahead, to the second (so 2-3 s).
    const date = await gap(gw, { status: 503, headers: () => ({ 'retry-after': new Date(Date.now() + 3000).toUTCString() }) });
    assert.ok(date >= 1950 && date < 6000, `came back after ${date} ms, asked 2-3 s`);
    // Retry-After on another status, or unreadable, changes nothing.
    assert.ok((await gap(gw, { status: 500, headers: { 'retry-after': '30' } })) < 1500);
    assert.ok((await gap(gw, { status: 429, headers: { 'retry-after': 'soon' } })) < 1500);
    // Asked to wait an hour: no longer than the longest backoff (WEBHOOK_RETRY_CAP_MS).
    const capped = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_CAP_MS: '1500' } });
    try {
      const hour = await gap(capped, { status: 429, headers: { 'retry-after': '3600' } });
      assert.ok(hour >= 1450 && hour < 5000, `came back after ${hour} ms, the cap 1.5 s`);
    } finally {
      await capped.stop();
    }
  });

  it("a receiver's Retry-After holds back the merchant's other events too, not another merchant's", async () => {
    // One delivery at a time per merchant, so the order of requests is the claim's.
    const g = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_CONCURRENCY: '2', WEBHOOK_PER_MERCHANT: '1' } });
    try {
      const busy = await Receiver.start();
      const other = await Receiver.start();
      receivers.push(busy, other);
      // The first event is held while four more are made, then refused with a pause of 4 s.
      busy.plan = [{ status: 429, afterMs: 800, headers: { 'retry-after': '4' } }, 200];
      const m = await g.merchant('Paused receiver');
      const o = await g.merchant('Not paused');
      await g.admin('PUT', `/merchants/${m.id}/webhook`, { url: busy.url, dialect: 'cashfree' });
      await g.admin('PUT', `/merchants/${o.id}/webhook`, { url: other.url, dialect: 'cashfree' });
      const payFor = async (k: Key) => g.pay((await g.cashfree(k).createRpd({ verification_id: uid('pz') })).json.upi_link, 'success@upi');
      await payFor(m.test_key);
      await eventually(async () => busy.received.length, (n) => n >= 1, 10_000, 'the first event');
      for (let i = 0; i < 4; i++) await payFor(m.test_key);
      const refusedAt = busy.received[0].at + 800;
      await sleep(Math.max(0, refusedAt + 300 - Date.now()));
      // Another merchant's receiver is not held back by it.
      await payFor(o.test_key);
      await eventually(async () => other.received.length, (n) => n >= 1, 5_000, "the other merchant's event during the pause");
      const all = await eventually(
        async () => (await g.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
        (items: any[]) => items.length === 5 && items.every((d) => d.status === 'delivered'),
        15_000,
        'every event delivered after the pause',
      );
      assert.equal(all.length, 5);
      // Nothing went to the paused receiver until the 4 s it asked for were over; then each event once.
      const next = busy.received[1].at - refusedAt;
      assert.ok(next >= 3950, `the next request came ${next} ms after the 429, asked 4 s`);
      assert.equal(busy.received.length, 6, 'five events, one of them twice');
      assert.ok(other.received[0].at < busy.received[1].at, "the other merchant's event went during the pause");
    } finally {
      await g.stop();
    }
  });

  it("a receiver's pause ends when the operator replays one of its events, or when the merchant sets another URL", async () => {
    const pauseFor30s = { status: 429, headers: { 'retry-after': '30' } };
    const deliveries = async (m: { id: string }) => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items as any[];
    const payFor = async (k: Key) => gw.pay((await gw.cashfree(k).createRpd({ verification_id: uid('pe') })).json.upi_link, 'success@upi');
    const pausedWithTwo = async (name: string, r: Receiver) => {
      r.plan = [pauseFor30s, 200];
      const m = await gw.merchant(name);
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: r.url, dialect: 'cashfree' });
      await payFor(m.test_key);
      await eventually(async () => r.received.length, (n) => n >= 1, 10_000, 'the refused event');
      // Recorded (with the pause, in the same transaction) before the next event is made.
      await eventually(async () => (await deliveries(m))[0]?.attempts, (n) => n === 1, 10_000, 'the refusal recorded');
      await payFor(m.test_key);
      await sleep(1500);
      assert.equal(r.received.length, 1, 'nothing more while paused');
      return m;
    };

    const replayed = await Receiver.start();
    receivers.push(replayed);
    const a = await pausedWithTwo('Paused, replayed', replayed);
    const first = (await deliveries(a)).find((d) => d.attempts === 1)!;
    assert.equal((await gw.admin('POST', `/webhook-deliveries/${first.id}/replay`)).status, 200);
    await eventually(async () => (await deliveries(a)).map((d) => d.status), (st) => st.length === 2 && st.every((x) => x === 'delivered'), 10_000, 'both sent after the replay');

    const before = await Receiver.start();
    const after = await Receiver.start();
    receivers.push(before, after);
    const b = await pausedWithTwo('Paused, moved', before);
    assert.equal((await gw.admin('PUT', `/merchants/${b.id}/webhook`, { url: after.url, dialect: 'cashfree' })).status, 200);
    await eventually(async () => after.received.length, (n) => n >= 1, 10_000, 'the new URL reached without waiting for the pause');
    assert.equal(before.received.length, 1);
  });

  it('an event still being retried goes to the URL the merchant set since, not to the one it replaced', async () => {
    const old = await Receiver.start();
    old.plan = [500];
    const moved = await Receiver.start();
    receivers.push(old, moved);
    const m = await gw.merchant('Moved receiver');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: old.url, dialect: 'cashfree' });
    const vid = uid('mv');
    await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: vid })).json.upi_link, 'success@upi');
    await eventually(async () => old.received.length, (n) => n >= 1, 10_000, 'a first failed attempt');
    const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: moved.url, dialect: 'cashfree' });
    assert.equal(set.status, 200, set.text);
    const [got] = await eventually(async () => moved.received, (r) => r.length >= 1, 10_000, 'the event at the new URL');
    assert.equal(JSON.parse(got.body).data.verification_id, vid);
    assert.deepEqual(verifyCashfree(got.body, got.headers, m.test_key.client_secret), { headerOk: true, bodyOk: true });
    const [d] = await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
      (items: any[]) => items[0]?.status === 'delivered',
      10_000,
      'the delivery',
    );
    assert.equal(d.url, moved.url);
  });

  it("a test event's failure reads as a real failure in RazorpayX's words", async () => {
    const hooks = await Receiver.start();
    receivers.push(hooks);
    const m = await gw.merchant('Tests its receiver');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: hooks.url, dialect: 'razorpayx' });
    const basic = `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}`;
    const created = await fetch(`${gw.url}/v1/fund_accounts/validations`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ source_account_number: m.account_number, validation_type: 'upi_intent' }),
    }).then((r) => r.json());
    await gw.pay(created.upi_intent.intent_url, 'failure@upi');
    const entityOf = (r: { body: string }) => JSON.parse(r.body).payload['fund_account.validation'].entity;
    const [real] = await eventually(async () => hooks.received.filter((r) => entityOf(r).id === created.id), (l) => l.length > 0, 10_000, 'the real failure');
    const sent = await gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'verification.failure' });
    assert.equal(sent.status, 200, sent.text);
    const [test] = await eventually(
      async () => hooks.received.filter((r) => entityOf(r).notes?.test_event === 'true'),
      (l) => l.length > 0,
      10_000,
      'the test failure',
    );
    assert.equal(JSON.parse(test.body).event, JSON.parse(real.body).event);
    assert.deepEqual(entityOf(test).status_details, entityOf(real).status_details);
  });

  it('lists a merchant\'s deliveries a page at a time, newest first, each once', async () => {
    const hooks = await Receiver.start();
    receivers.push(hooks);
    const m = await gw.merchant('Many deliveries');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: hooks.url, dialect: 'cashfree' });
    // Sent together: several may be made in one millisecond, and a page may end between them.
    const sent = await Promise.all(
      Array.from({ length: 7 }, () => gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'verification.success' })),
    );
    for (const r of sent) assert.equal(r.status, 200, r.text);
    const all = (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json;
    assert.equal(all.items.length, 7);
    assert.equal(all.next, null);
    const pages: string[][] = [];
    let after: string | null = null;
    do {
      const r = await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries?limit=2${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200, r.text);
      pages.push(r.json.items.map((d: any) => d.id));
      after = r.json.next;
    } while (after && pages.length < 6);
    assert.deepEqual(pages.map((p) => p.length), [2, 2, 2, 1]);
    assert.deepEqual(pages.flat(), all.items.map((d: any) => d.id));
    const bad = await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries?after=${'x'.repeat(201)}`);
    assert.equal(bad.status, 400, bad.text);
  });

  it("a test event's success reads as a real success in Cashfree's words", async () => {
    const hooks = await Receiver.start();
    receivers.push(hooks);
    const m = await gw.merchant('Tests its Cashfree receiver');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: hooks.url, dialect: 'cashfree' });
    const vid = uid('tcf');
    await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: vid, name: 'John Doe' })).json.upi_link, 'success@upi');
    const dataOf = (r: { body: string }) => JSON.parse(r.body).data;
    const [real] = await eventually(async () => hooks.received.filter((r) => dataOf(r).verification_id === vid), (l) => l.length > 0, 10_000, 'the real success');
    const sent = await gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'verification.success' });
    assert.equal(sent.status, 200, sent.text);
    const [test] = await eventually(
      async () => hooks.received.filter((r) => String(dataOf(r).verification_id).startsWith('test_')),
      (l) => l.length > 0,
      10_000,
      'the test success',
    );
    assert.equal(JSON.parse(test.body).event_type, JSON.parse(real.body).event_type);
    assert.deepEqual(Object.keys(dataOf(test)).sort(), Object.keys(dataOf(real)).sort());
    // The same payer (success@upi) reads the same way: a receiver that switches on account_type
    // sees in a test what it will see in production.
    for (const k of ['account_type', 'bank_account', 'ifsc', 'upi', 'name_at_bank', 'name_match_result', 'reversal_status']) {
      assert.equal(dataOf(test)[k], dataOf(real)[k], k);
    }
  });

  it('a 2xx answer is a delivery even when the answer body never ends', async () => {
    const got: string[] = [];
    const streams = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => {
        got.push(String(req.headers['x-webhook-id']));
        // Accepted at once, then a body that goes on for ever (a misconfigured proxy, a stream).
        res.writeHead(200, { 'content-type': 'text/plain' });
        const tick = setInterval(() => res.write('x'.repeat(1024)), 50);
        streams.add(res);
        res.on('close', () => (clearInterval(tick), streams.delete(res)));
      });
    });
    const port = await freePort();
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
    try {
      const m = await gw.merchant('Endless answer');
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: `http://127.0.0.1:${port}/hooks`, dialect: 'cashfree' });
      await gw.pay((await gw.cashfree(m.test_key).createRpd({ verification_id: uid('en') })).json.upi_link, 'success@upi');
      const [d] = await eventually(
        async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items,
        (items: any[]) => items[0]?.attempts >= 1,
        10_000,
        'an attempt',
      );
      const log = await eventually(
        async () => (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json,
        (l) => l.attempt_log.length >= 1,
        10_000,
        'the attempt logged',
      );
      assert.equal(log.attempt_log[0].status_code, 200, JSON.stringify(log.attempt_log[0]));
      assert.equal(log.status, 'delivered');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(got.filter((id) => id === d.id).length, 1, 'sent once');
    } finally {
      for (const s of streams) s.destroy();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});
