// The shared rate limit across instances whose clocks disagree. Its windows are whole minutes; an
// instance that cut them by its own clock would count, for as long as the skew, in a window the
// others have not reached yet, and the instances together would admit a second budget.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Gateway, freshPostgres, needsPostgres, skewedClock, sleep } from './support/gateway.js';

const SKEW_MS = 30_000;

describe('the per-operation rate limit between instances whose clocks disagree by 30 s (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, ahead: Gateway;
  let key: { client_id: string; client_secret: string };
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    right = await Gateway.start({ databaseUrl: db.url });
    ahead = await Gateway.start({ databaseUrl: db.url, env: skewedClock(SKEW_MS) });
    const m = await right.merchant();
    key = m.test_key;
    assert.equal((await right.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 3 })).status, 200);
  });
  after(async () => {
    await ahead?.stop();
    await right?.stop();
    await drop?.();
  });

  it('admits the budget once across both instances within one minute', async () => {
    // In the second half of a minute, when the instance ahead has reached the next minute.
    while (Date.now() % 60_000 < 33_000 || Date.now() % 60_000 > 45_000) await sleep(250);
    const codes: number[] = [];
    for (const g of [right, right, right, ahead, ahead, ahead]) {
      codes.push((await g.cashfree(key).status({ verification_id: 'nobody' })).status);
    }
    assert.equal(codes.filter((c) => c === 429).length, 3, `answers: ${codes.join(' ')}`);
  });
});

// The daily payout cap counts in days of India's time (a counter per day). Two instances a minute
// apart count in different days for that minute around midnight, each admitting the cap. To meet
// that minute now, the second instance's clock is put just past the next midnight.
describe('the daily payout cap across midnight between instances whose clocks disagree (postgres)', { skip: needsPostgres }, () => {
  const DAY_MS = 86_400_000;
  const IST_MS = 5.5 * 3_600_000;
  let right: Gateway, tomorrow: Gateway;
  let m: { id: string; test_key: { client_id: string; client_secret: string } };
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const untilMidnight = DAY_MS - ((Date.now() + IST_MS) % DAY_MS);
    right = await Gateway.start({ databaseUrl: db.url });
    tomorrow = await Gateway.start({
      databaseUrl: db.url,
      env: skewedClock(untilMidnight + 30_000),
    });
    m = await right.merchant();
    assert.equal((await right.admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 1 })).status, 200);
  });
  after(async () => {
    await tomorrow?.stop();
    await right?.stop();
    await drop?.();
  });

  it('admits the cap once, whichever instance runs the drop', async () => {
    const headers = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' };
    const pennyDrop = (g: Gateway, vid: string) =>
      g.request('POST', '/verification/mobile/penny-drop', {
        headers,
        body: {
          verification_id: vid,
          mobile_number: '9999999999',
          user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' },
        },
      });
    const first = await pennyDrop(right, 'cap-1');
    assert.equal(first.status, 200, first.text);
    const second = await pennyDrop(tomorrow, 'cap-2');
    assert.equal(second.status, 429, second.text);
    assert.equal(second.json.code, 'daily_payout_limit_reached');
  });
});
