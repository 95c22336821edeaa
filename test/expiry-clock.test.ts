// A link's validity across instances whose clocks disagree. valid_until is written by the instance
// that creates the link; it is checked by whichever instance sweeps, reads the link or takes its
// payment, and the sandbox bank's credit time is stamped by the instance that took the payment.
// Measured by each instance's own clock, a skew longer than the link's time (or than the grace)
// expires a fresh link, or counts a payment made at once as late. Three instances on one
// PostgreSQL database: one on the machine's clock, one a minute behind it, one a minute ahead.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, needsPostgres, skewedInstances, sleep } from './support/gateway.js';

const SKEW_MS = 60_000;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe('link expiry between instances whose clocks disagree by a minute (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, behind: Gateway, ahead: Gateway;
  let key: { client_id: string; client_secret: string };
  let close: (() => Promise<void>) | undefined;

  before(async () => {
    // A link payable for 30 s, expired 5 s after that: shorter than the skew.
    const env = { RPD_LINK_TTL_SECONDS: '30', NOTIFICATION_GRACE_SECONDS: '5' };
    ({ right, behind, ahead, close } = await skewedInstances(env, SKEW_MS));
    key = (await right.merchant()).test_key;
  });
  after(async () => {
    await close?.();
  });

  const status = async (g: Gateway, id: string) => (await g.cashfree(key).status({ verification_id: id })).json.status;

  it('a link made by the instance behind stays open on the others, and its payment counts', async () => {
    const id = uid('behind');
    const made = await behind.cashfree(key).createRpd({ verification_id: id, name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    // Every instance sweeps every 250 ms: give the sweep a few turns.
    await sleep(1500);
    assert.equal(await status(right, id), 'CREATED');
    assert.equal(await status(ahead, id), 'CREATED');
    const paid = await right.pay(made.json.upi_link, 'success@upi');
    assert.equal(paid.status, 200, paid.text);
    assert.equal(await eventually(() => status(right, id), (s) => s !== 'CREATED', 10_000, 'the payment taken'), 'SUCCESS');
  });

  it('a link read at once on the instance ahead stays open', async () => {
    const id = uid('read');
    const made = await right.cashfree(key).createRpd({ verification_id: id, name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    assert.equal(await status(ahead, id), 'CREATED');
  });

  it('a payment taken at once by the instance ahead counts', async () => {
    const id = uid('pay');
    const made = await right.cashfree(key).createRpd({ verification_id: id, name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    const paid = await ahead.pay(made.json.upi_link, 'success@upi');
    assert.equal(paid.status, 200, paid.text);
    assert.equal(await eventually(() => status(right, id), (s) => s !== 'CREATED', 10_000, 'the payment taken'), 'SUCCESS');
  });
});
