// Jobs' times across instances whose clocks disagree. A job's run_at is written by the instance
// that enqueues it (its change's time and a delay) and compared by every instance that claims
// jobs; the mobile penny drop's safety net compares its drop's created_at, written by the
// instance running the request, with the time of the instance that runs the net. Three instances
// on one PostgreSQL database: one on the machine's clock, one a minute behind, one a minute ahead.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, needsPostgres, skewedInstances, sleep } from './support/gateway.js';

const SKEW_MS = 60_000;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const consent = () => ({
  obtained: true,
  type: 'EXPLICIT',
  timestamp: new Date().toISOString(),
  purpose: 'Testing the entire flow for penny drop verification',
});

describe('jobs between instances whose clocks disagree by a minute (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, behind: Gateway, ahead: Gateway;
  let key: { client_id: string; client_secret: string };
  let close: (() => Promise<void>) | undefined;

  before(async () => {
    const env = {
      // The rupee goes back 20 s after the credit.
      REVERSAL_DELAY_SECONDS: '20',
      // A penny drop's request lasts about 1.5 s (two sandbox calls of 700 ms); its safety net
      // may close it as never processed 4 s (three rail timeouts and a second) after it began.
      MOBILE_RAIL_TIMEOUT_MS: '1000',
      SANDBOX_LATENCY_MS: '700',
    };
    ({ right, behind, ahead, close } = await skewedInstances(env, SKEW_MS));
    key = (await right.merchant()).test_key;
  });
  after(async () => {
    await close?.();
  });

  it('the rupee goes back no sooner than the reversal delay, whichever instance claims its job', async () => {
    const made = await right.cashfree(key).createRpd({ verification_id: uid('rev'), name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    const paid = await right.pay(made.json.upi_link, 'success@upi');
    assert.equal(paid.status, 200, paid.text);
    // Every instance polls its jobs every 250 ms.
    await sleep(3000);
    const refunds = (await right.payment(paid.json.bank_txn_id)).refunds;
    assert.deepEqual(refunds, [], 'refunded before the reversal delay');
  });

  it('a penny drop run by the instance behind is not closed as never processed while its request runs', async () => {
    const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' };
    const body = { verification_id: uid('pd'), mobile_number: '9999999999', name: 'John Doe', user_consent: consent() };
    const r = await behind.request('POST', '/verification/mobile/penny-drop', { headers: auth, body });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'VALID', r.text);
  });
});
