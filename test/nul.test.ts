// NUL characters anywhere in the input: a 400 in the API's envelope, never a 500 (PostgreSQL
// refuses them in text), and nothing recorded. Likewise half a surrogate pair, which either store
// would keep as U+FFFD, not as sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, freshPostgres, needsPostgres } from './support/gateway.js';

describe('NUL characters in input (postgres)', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let drop: () => Promise<void>;
  let m: { id: string; account_number: string; test_key: { client_id: string; client_secret: string } };
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    gw = await Gateway.start({ databaseUrl: db.url });
    m = await gw.merchant('Nul');
  });
  after(async () => {
    await gw?.stop();
    await drop?.();
  });

  it('is refused by every API with its own envelope', async () => {
    const cf = gw.cashfree(m.test_key);
    const nul = 'JOHN\u0000DOE';
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account verification for payouts' };
    const cashfree = [
      await cf.createRpd({ verification_id: 'nul-1', name: nul }),
      await cf.post('/name-match', { verification_id: 'nul-2', name_1: nul, name_2: 'JOHN DOE' }),
      await cf.post('/mobile/penny-drop', { verification_id: 'nul-3', mobile_number: '9999999999', name: nul, user_consent: consent }, { 'x-api-version': '2024-12-01' }),
      await cf.post('/upi/mobile', { verification_id: 'nul-4', mobile_number: '9999999999', name: nul }),
    ];
    for (const r of cashfree) {
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.type, 'validation_error', r.text);
    }
    const auth = `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}`;
    for (const body of [
      { source_account_number: m.account_number, validation_type: 'upi_intent', reference_id: 'a\u0000b' },
      { source_account_number: m.account_number, validation_type: 'upi_intent', notes: { k: 'v\u0000' } },
      { source_account_number: m.account_number, validation_type: 'upi_intent', notes: { 'k\u0000': 'v' } },
    ]) {
      const r = await gw.request('POST', '/v1/fund_accounts/validations', { headers: { authorization: auth }, body });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'BAD_REQUEST_ERROR');
    }
    const admin = await gw.admin('POST', '/merchants', { name: nul });
    assert.equal(admin.status, 400, admin.text);
    const sandbox = await gw.pay('upi://pay?pa=pennygate@sandbox&pn=x&am=1.00&tr=1', 'success\u0000@upi');
    assert.equal(sandbox.status, 400, sandbox.text);
    // A NUL escaped inside the link is no NUL in the JSON: it appears only once the link is read.
    for (const tr of ['%00', 'abc%00def']) {
      const r = await gw.pay(`upi://pay?pa=pennygate@sandbox&pn=x&am=1.00&cu=INR&tr=${tr}`, 'success@upi');
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'invalid_upi_link', r.text);
    }
    assert.equal((await gw.admin('GET', `/merchants/${m.id}`)).json.verifications, 0);
  });

  it('refuses half a surrogate pair as it refuses a NUL, and keeps a whole pair as sent', async () => {
    const auth = `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}`;
    const validate = (body: Record<string, unknown>) =>
      gw.request('POST', '/v1/fund_accounts/validations', { headers: { authorization: auth }, body: { source_account_number: m.account_number, validation_type: 'upi_intent', ...body } });
    for (const body of [{ reference_id: 'ref-\ud800' }, { reference_id: '\udc00ref' }, { notes: { k: 'v\udbff' } }, { notes: { ['k\ud83d']: 'v' } }]) {
      const r = await validate(body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'BAD_REQUEST_ERROR');
    }
    const cf = await gw.cashfree(m.test_key).createRpd({ verification_id: 'half-\ud800', name: 'JOHN DOE' });
    assert.equal(cf.status, 400, cf.text);
    assert.equal(cf.json.type, 'validation_error', cf.text);
    assert.equal((await gw.admin('GET', `/merchants/${m.id}`)).json.verifications, 0);
    // A whole pair (an emoji) is text like any other, and reads back as sent.
    const made = await validate({ reference_id: 'ref-\ud83d\ude00' });
    assert.equal(made.status, 200, made.text);
    const read = await gw.request('GET', `/v1/fund_accounts/validations/${made.json.id}`, { headers: { authorization: auth } });
    assert.equal(read.json.reference_id, 'ref-\ud83d\ude00');
  });
});
