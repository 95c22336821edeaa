// POST /verification/name-match and per-merchant bands, through the real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './support/gateway.js';

describe('name match API', () => {
  let gw: Gateway;
  let m: { id: string; test_key: { client_id: string; client_secret: string } };
  let cf: ReturnType<Gateway['cashfree']>;
  before(async () => {
    gw = await Gateway.start();
    m = await gw.merchant('Names');
    cf = gw.cashfree(m.test_key);
  });
  after(() => gw?.stop());

  it("answers in Cashfree's shape with a 0-1 score", async () => {
    const r = await cf.post('/name-match', { verification_id: 'nm-1', name_1: 'JOHN DOE', name_2: 'John  Doe.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.verification_id, 'nm-1');
    assert.ok(Number.isInteger(r.json.reference_id));
    assert.equal(r.json.name_1, 'JOHN DOE');
    assert.equal(r.json.status, 'SUCCESS');
    assert.equal(r.json.score, 1);
    assert.equal(r.json.reason, 'The given names are identical');
    const no = await cf.post('/name-match', { verification_id: 'nm-2', name_1: 'JOHN DOE', name_2: 'TOM' });
    assert.ok(no.json.score <= 0.33, `score ${no.json.score}`);
    const sib = await cf.post('/name-match', { verification_id: 'nm-3', name_1: 'RAHUL KUMAR SHARMA', name_2: 'ROHIT KUMAR SHARMA' });
    assert.ok(sib.json.score < 0.85, `siblings scored ${sib.json.score}`);
    assert.match(sib.json.reason_codes, /GIVEN_NAME_MISMATCH/);
  });

  it('refuses a repeated verification_id with 409 and bad input with the documented errors', async () => {
    const dup = await cf.post('/name-match', { verification_id: 'nm-1', name_1: 'A B', name_2: 'A B' });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, { type: 'validation_error', code: 'verification_id_already_exists', message: 'verification id already exists' });
    const cases: [unknown, string][] = [
      [{ name_1: 'a', name_2: 'b' }, 'verification_id_missing'],
      [{ verification_id: 'x y', name_1: 'a', name_2: 'b' }, 'verification_id_value_invalid'],
      [{ verification_id: 'nm-e1', name_2: 'b' }, 'name_1_missing'],
      [{ verification_id: 'nm-e2', name_1: 'a' }, 'name_2_missing'],
      [{ verification_id: 'nm-e3', name_1: '', name_2: 'b' }, 'name_1_value_invalid'],
      [{ verification_id: 'nm-e4', name_1: 'a', name_2: '' }, 'name_2_value_invalid'],
      [{ verification_id: 'nm-e5', name_1: 5, name_2: 'b' }, 'name_1_value_invalid'],
    ];
    for (const [body, code] of cases) {
      const r = await cf.post('/name-match', body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, code, r.text);
    }
    assert.equal((await gw.cashfree({ client_id: m.test_key.client_id, client_secret: 'x' }).post('/name-match', { verification_id: 'z', name_1: 'a', name_2: 'b' })).status, 401);
  });

  it("classifies with the merchant's own bands, in the API and in verifications", async () => {
    const before = (await cf.post('/name-match', { verification_id: 'nm-b1', name_1: 'JOHN DOE', name_2: 'J DOE' })).json;
    const bad = await gw.admin('PUT', `/merchants/${m.id}/name-match-bands`, { direct: 100, good: 50, moderate: 60, poor: 34 });
    assert.equal(bad.status, 400);
    const set = await gw.admin('PUT', `/merchants/${m.id}/name-match-bands`, { direct: 100, good: 100, moderate: 90, poor: 34 });
    assert.equal(set.status, 200, set.text);
    // A verification whose payer name is not identical now lands below GOOD (a dropped middle
    // name is one person nearly always, so it scores 98-99: MODERATE under these bands).
    const created = (await cf.createRpd({ verification_id: 'nm-rpd', name: 'Priya Ranjan Sharma' })).json;
    await gw.pay(created.upi_link, 'priya.sharma@okaxis');
    const s = (await cf.status({ verification_id: 'nm-rpd' })).json;
    assert.ok(Number(s.name_match_score) < 100, `score ${s.name_match_score}`);
    assert.equal(s.name_match_result, 'MODERATE_PARTIAL_MATCH');
    const after = (await cf.post('/name-match', { verification_id: 'nm-b2', name_1: 'JOHN DOE', name_2: 'J DOE' })).json;
    assert.equal(after.score, before.score, 'bands change the category, not the score');
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/name-match-bands`)).status, 200);
  });
});
