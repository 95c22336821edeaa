// The bank_txn_id identifies a credit on every rail, so a second report of one is a duplicate.
// One that tells another payment under a recorded id (another amount, payer, UTR or tr) may be a
// payment whose rupee nobody would return: it is set aside for the operator and logged, whichever
// rail reported it, never dropped in silence. Here the sandbox bank's books are made to tell
// another payment under the id of one it reported, and it is asked to notify that payment again.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Gateway } from './support/gateway.js';

describe('a sandbox notification whose bank_txn_id was recorded with other facts', () => {
  let gw: Gateway;
  after(async () => {
    await gw?.stop();
  });

  it('is answered as a duplicate, and set aside for the operator once, with an error logged', async () => {
    gw = await Gateway.start();
    const cf = gw.cashfree((await gw.merchant('Sandbox Reused Ids')).test_key);
    const link = (await cf.createRpd({ verification_id: 'sbx-reused-1', name: 'John Doe' })).json;
    const paid = (await gw.pay(link.upi_link, 'success@upi')).json;
    assert.equal((await cf.status({ verification_id: 'sbx-reused-1' })).json.status, 'SUCCESS');
    const notify = async () => {
      const r = await gw.request('POST', `/sandbox/upi/payments/${paid.bank_txn_id}/notify`);
      assert.equal(r.status, 200, r.text);
      return r.json.gateway_outcome;
    };
    const setAside = async () => (await gw.admin('GET', '/bank/set-aside')).json;

    // The same payment told again: a duplicate, nothing set aside.
    assert.equal(await notify(), 'duplicate');
    assert.equal((await setAside()).count, 0);

    // The bank's books now tell another payment (another payer, another amount) under that id.
    const db = new Database(join(gw.dataDir, 'pennygate.db'));
    try {
      const changed = db
        .prepare("UPDATE sandbox_payments SET amount_paise = 500, payer_vpa = 'priya.sharma@okaxis' WHERE bank_txn_id = ?")
        .run(paid.bank_txn_id).changes;
      assert.equal(changed, 1);
    } finally {
      db.close();
    }
    for (let i = 0; i < 2; i++) assert.equal(await notify(), 'duplicate');
    const open = await setAside();
    assert.equal(open.count, 1, JSON.stringify(open));
    const [entry] = open.items;
    assert.equal(entry.rail, 'sandbox');
    assert.equal(entry.bank_txn_id, paid.bank_txn_id);
    assert.equal(entry.tr, String(link.ref_id));
    assert.match(entry.problem, /amount_paise.*payer/);
    assert.equal(JSON.parse(entry.raw).amountPaise, 500);
    assert.equal(entry.recorded_credit.disposition, 'verified');
    const logged = gw.output.split('\n').filter((l) => l.includes(entry.id));
    assert.ok(logged.some((l) => JSON.parse(l).level === 50), gw.output);
    // The recorded credit is unchanged and the verification stands.
    const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
    assert.deepEqual(credits.map((c: any) => c.amount), ['1.00']);
    assert.equal((await cf.status({ verification_id: 'sbx-reused-1' })).json.status, 'SUCCESS');
  });
});
