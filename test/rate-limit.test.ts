// Per-merchant, per-operation limits with Cashfree's headers and each dialect's 429.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep } from './support/gateway.js';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RateLimiter } from '../src/engine/rate-limit.js';

// A full collection before each heap reading, so that it measures what is retained.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const retainedHeap = () => (gc(), process.memoryUsage().heapUsed);

describe('rate limits', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it('limits one merchant per operation per minute, with the limit headers, in each dialect', async () => {
    const m = await gw.merchant('Limited');
    const free = await gw.merchant('Unlimited');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 3 })).status, 200);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: -1 })).status, 400);
    const cf = gw.cashfree(m.test_key);
    // The windows are whole minutes of the clock: a burst that straddles one's end starts afresh.
    const into = Date.now() % 60_000;
    if (into > 50_000) await sleep(60_500 - into);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await cf.createRpd({ verification_id: `rl-${i}` }));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 429]);
    assert.deepEqual(answers.map((a) => a.headers.get('x-ratelimit-remaining')), ['2', '1', '0', '0']);
    assert.equal(answers[0].headers.get('x-ratelimit-limit'), '3');
    const reset = Number(answers[3].headers.get('x-ratelimit-reset'));
    assert.ok(reset >= 1 && reset <= 60, `reset ${reset}`);
    assert.deepEqual(answers[3].json, {
      type: 'rate_limit_error',
      code: 'too_many_requests_per_operation',
      message: 'Too many requests for this operation, rate limit reached',
    });
    // The refused request changed nothing.
    assert.equal((await cf.status({ verification_id: 'rl-3' })).json.code, 'invalid_request');
    // Another operation, another merchant: their own windows.
    assert.equal((await cf.status({ verification_id: 'rl-0' })).status, 200);
    assert.equal((await gw.cashfree(free.test_key).createRpd({ verification_id: 'rl-free' })).status, 200);
    assert.equal((await gw.cashfree(free.test_key).createRpd({ verification_id: 'rl-free2' })).headers.get('x-ratelimit-limit'), null);

    const auth = `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}`;
    const rzp = () =>
      gw.request('POST', '/v1/fund_accounts/validations', {
        headers: { authorization: auth },
        body: { source_account_number: m.account_number, validation_type: 'upi_intent' },
      });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await rzp()).status);
    assert.deepEqual(codes, [200, 200, 200, 429]);
    const refused = await rzp();
    assert.equal(refused.json.error.code, 'BAD_REQUEST_ERROR');
    assert.equal(refused.json.error.description, 'Too many requests');
    assert.ok(refused.headers.get('retry-after'));
  });

  it("a merchant's own limit set to null goes back to the instance's", async () => {
    const m = await gw.merchant('Reset Limit');
    const cf = gw.cashfree(m.test_key);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 1 })).status, 200);
    assert.equal((await cf.status({ verification_id: 'none' })).status, 400);
    assert.equal((await cf.status({ verification_id: 'none' })).status, 429);
    const reset = await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: null });
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    assert.deepEqual(reset.json, { per_minute: null });
    assert.equal((await gw.admin('GET', `/merchants/${m.id}`)).json.rate_limit_per_minute, null);
    // This instance has no RATE_LIMIT_PER_MINUTE: no limit, no limit headers.
    const r = await cf.status({ verification_id: 'none' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-ratelimit-limit'), null);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 'none' })).status, 400);
  });

  it('counts HEAD with GET, and every unknown route in one bucket', async () => {
    const m = await gw.merchant('Probing');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 4 })).status, 200);
    const headers = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret };
    const status = '/verification/remitter/status?verification_id=none';
    const seen = [];
    for (const method of ['GET', 'HEAD', 'GET', 'HEAD', 'GET']) seen.push((await gw.request(method, status, { headers })).status);
    assert.deepEqual(seen, [400, 400, 400, 400, 429]);

    // Distinct unknown URLs are one operation, so they neither escape the limit nor each take a key
    // (RazorpayX answers an unknown URL 400, as Razorpay does).
    const unknown = [];
    for (let i = 0; i < 5; i++) unknown.push(await gw.request('GET', `/verification/no-such-${i}-${'x'.repeat(2000)}`, { headers }));
    assert.deepEqual(unknown.map((r) => r.status), [404, 404, 404, 404, 429]);
    assert.equal(unknown[4].json.type, 'rate_limit_error');
    const auth = `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}`;
    const rzp = [];
    for (let i = 0; i < 5; i++) rzp.push((await gw.request('GET', `/v1/nothing/${i}`, { headers: { authorization: auth } })).status);
    assert.deepEqual(rzp, [400, 400, 400, 400, 429]);
  });
});

describe('rate limits shared by instances on PostgreSQL', { skip: needsPostgres }, () => {
  let gws: Gateway[] = [];
  let drop: () => Promise<void> = async () => {};
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    gws = await Promise.all(
      [0, 1, 2].map(() => Gateway.start({ databaseUrl: db.url, env: { RATE_LIMIT_PER_IP_PER_MINUTE: '40', SANDBOX_WRITES_PER_MINUTE: '6' } })),
    );
  });
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await drop();
  });
  // A burst that straddles two one-minute windows may rightly get two budgets: start early in one.
  const earlyInAWindow = () => eventually(async () => Date.now() % 60_000, (ms) => ms < 40_000, 30_000, 'the start of a window');

  it('admit the budget together, per operation and per address, not once per instance', async () => {
    await earlyInAWindow();
    const m = await gws[0].merchant('Shared budget');
    await gws[0].admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 10 });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => gws[i % 3].cashfree(m.test_key).createRpd({ verification_id: `sh-${i}` })),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 10);
    assert.equal(answers.filter((a) => a.status === 429).length, 20);
    assert.ok(answers.every((a) => a.headers.get('x-ratelimit-limit') === '10'));
    // The per-address budget (40) is shared too: 30 spent above, 10 left across the three.
    const more = await Promise.all(
      Array.from({ length: 15 }, (_, i) => gws[i % 3].request('GET', '/verification/remitter/status?verification_id=x', { headers: {} })),
    );
    assert.equal(more.filter((a) => a.status === 400).length, 10);
    assert.equal(more.filter((a) => a.status === 429 && a.json.code === 'too_many_requests_per_ip').length, 5);
  });

  it("admit the sandbox's writes per address together too", async () => {
    await earlyInAWindow();
    // Refused links (400) are writes all the same: the budget is taken before the body is read.
    const writes = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        gws[i % 3].request('POST', '/sandbox/upi/pay', { body: { upi_link: 'not a link', payer_vpa: 'success@upi' } }),
      ),
    );
    assert.deepEqual(
      writes.map((w) => w.status).sort(),
      [400, 400, 400, 400, 400, 400, 429, 429, 429],
    );
    assert.ok(writes.filter((w) => w.status === 429).every((w) => w.json.error.code === 'too_many_requests' && Number(w.headers.get('retry-after')) >= 1));
  });
});

describe('rate limiter memory', () => {
  it('holds at most its cap of windows whatever keys arrive, dropping the least recently used', () => {
    const limiter = new RateLimiter(60_000, 1000);
    const now = 1_700_000_000_000;
    const heapBefore = retainedHeap();
    // 4000 distinct 8 KB keys (flat strings, as URLs off the wire are), as a caller sending 4000
    // distinct 8 KB URLs would have made.
    const key = (i: number) => createHash('sha256').update(String(i)).digest('hex').repeat(128).slice(0, 8190) + i;
    for (let i = 0; i < 4000; i++) limiter.take(key(i), 10, now);
    assert.equal(limiter.size, 1000);
    // The 1000 kept are the most recent: an old key starts a fresh window, a recent one counts on.
    assert.equal(limiter.take(key(0), 10, now).remaining, 9);
    assert.equal(limiter.take(key(3999), 10, now).remaining, 8);
    assert.equal(limiter.size, 1000);
    // What 1000 keys of 8 KB hold (about 8 MB), not what 4000 would (32 MB of key text alone).
    const grown = retainedHeap() - heapBefore;
    assert.ok(grown < 16 * 1024 * 1024, `heap grew ${grown} bytes`);
  });

  it('keeps counting a key that is in use while others come and go', () => {
    const limiter = new RateLimiter(60_000, 10);
    const now = 1_700_000_000_000;
    for (let i = 0; i < 3; i++) limiter.take('busy', 3, now);
    for (let i = 0; i < 50; i++) {
      limiter.take(`noise-${i}`, 3, now);
      if (i % 5 === 0) assert.equal(limiter.take('busy', 3, now).allowed, false);
    }
  });
});
