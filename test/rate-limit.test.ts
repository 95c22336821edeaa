// Per-merchant, per-operation limits with Cashfree's headers and each dialect's 429.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './support/gateway.js';

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
});
