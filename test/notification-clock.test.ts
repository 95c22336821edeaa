// The bank's signed notifications across instances whose clocks disagree. The replay guard keeps
// every signature taken until no instance could take its timestamp again; by each instance's own
// clock, one instance forgot a signature (its sweep) while another, behind it, still found the
// timestamp fresh, and took the same captured notification a second time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, freePort, freshPostgres, needsPostgres, skewedClock, sleep } from './support/gateway.js';
import { Simulator, signedNotification } from './support/simulator.js';
import { connectorEnv } from './support/live.js';

const SECRET = 'notification-clock-secret-0123456789';

describe('a captured bank notification replayed to an instance whose clock is behind (postgres)', { skip: needsPostgres }, () => {
  let right: Gateway, behind: Gateway, sim: Simulator;
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const [simPort, rightPort] = [await freePort(), await freePort()];
    sim = await Simulator.start({ port: simPort, gateway: `http://127.0.0.1:${rightPort}`, secret: SECRET });
    // A 5 s window; the instance on the machine's clock sweeps old signatures every 200 ms.
    const env = { ...connectorEnv(sim.url, SECRET), BANK_NOTIFICATION_TOLERANCE_SECONDS: '5' };
    right = await Gateway.start({ databaseUrl: db.url, port: rightPort, env: { ...env, BANK_PULL_INTERVAL_MS: '200' } });
    behind = await Gateway.start({ databaseUrl: db.url, env: { ...env, ...skewedClock(-4000) } });
  });
  after(async () => {
    await behind?.stop();
    await right?.stop();
    await sim?.stop();
    await drop?.();
  });

  it('is refused: the same signed bytes are taken once, whichever instance they reach', async () => {
    const m = (await right.admin('POST', '/merchants', { name: 'Clockwork Loans' })).json;
    const r = (await right.cashfree(m.live_key).createRpd({ verification_id: 'clock-1', name: 'John Doe' })).json;
    const note = signedNotification(SECRET, {
      id: 'evt_clock_1',
      type: 'credit',
      bank_txn_id: 'CLOCK0000000001',
      utr: '123456789012',
      tr: String(r.ref_id),
      amount_paise: 100,
      credited_at: new Date().toISOString(),
      payer: { vpa: 'success@upi', name: 'JOHN DOE', account: '026291800001191', ifsc: 'YESB0000262', account_type: 'SAVINGS' },
      reason: null,
    });
    const post = (gw: Gateway) => gw.request('POST', '/bank/notifications', { raw: note.raw, headers: note.headers });
    const first = await post(behind);
    assert.equal(first.status, 200, first.text);
    // 7.5 s on: past twice the window since it was taken, by the instance on the machine's clock;
    // 3.5 s after its timestamp by the clock of the instance behind.
    await sleep(7500);
    const again = await post(behind);
    assert.equal(again.status, 401, `a replay was taken: ${again.text}`);
  });
});
