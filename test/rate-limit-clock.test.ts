// The shared rate limit across instances whose clocks disagree. Its windows are whole minutes; an
// instance that cut them by its own clock would count, for as long as the skew, in a window the
// others have not reached yet, and the instances together would admit a second budget.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Gateway, freshPostgres, needsPostgres, sleep } from './support/gateway.js';

const SKEWED_CLOCK = pathToFileURL(join(import.meta.dirname, 'support', 'skewed-clock.mjs')).href;
const SKEW_MS = 30_000;

describe('the per-operation rate limit between instances whose clocks disagree by 30 s (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, ahead: Gateway;
  let key: { client_id: string; client_secret: string };
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    right = await Gateway.start({ databaseUrl: db.url });
    ahead = await Gateway.start({ databaseUrl: db.url, env: { NODE_OPTIONS: `--import=${SKEWED_CLOCK}`, CLOCK_SKEW_MS: String(SKEW_MS) } });
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
