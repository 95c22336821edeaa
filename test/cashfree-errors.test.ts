// Every documented error of the RPD endpoints: the documented body, never a 500, no state change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from './support/gateway.js';

describe('Cashfree dialect: bad input', () => {
  let gw: Gateway;
  let key: { client_id: string; client_secret: string };
  let merchantId: string;
  before(async () => {
    gw = await Gateway.start();
    const m = await gw.merchant();
    key = m.test_key;
    merchantId = m.id;
  });
  after(() => gw?.stop());

  const count = async () => (await gw.admin('GET', `/merchants/${merchantId}`)).json.verifications;
  const rpd = (body: unknown, headers?: Record<string, string>, raw?: string) =>
    gw.request('POST', '/verification/reverse-penny-drop', {
      headers: {
        ...(headers ?? { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret }),
        ...(raw === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: raw === undefined ? body : undefined,
      raw,
    });
  const auth = () => ({ 'x-client-id': key.client_id, 'x-client-secret': key.client_secret });
  const err = (type: string, code: string, message?: string) => ({ type, code, ...(message ? { message } : {}) });

  const cases: [string, () => Promise<any>, number, ReturnType<typeof err>][] = [
    ['missing verification_id', () => rpd({ name: 'A' }), 400, err('validation_error', 'verification_id_missing', 'verification_id is missing in the request.')],
    ['verification_id over 50 characters', () => rpd({ verification_id: 'a'.repeat(51) }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['verification_id with a space', () => rpd({ verification_id: 'a b' }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['verification_id with a slash', () => rpd({ verification_id: '../x' }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['verification_id with unicode', () => rpd({ verification_id: 'ऐ' }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['empty verification_id', () => rpd({ verification_id: '' }), 400, err('validation_error', 'verification_id_value_invalid', 'verification_id is not allowed to be empty.')],
    ['verification_id of the wrong type', () => rpd({ verification_id: 12345 }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['verification_id null', () => rpd({ verification_id: null }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['name of the wrong type', () => rpd({ verification_id: 'ok-name-type', name: ['x'] }), 400, err('validation_error', 'name_value_invalid')],
    ['name too long', () => rpd({ verification_id: 'ok-name-long', name: 'x'.repeat(201) }), 400, err('validation_error', 'name_value_invalid')],
    ['redirect_url not http', () => rpd({ verification_id: 'ok-redirect', redirect_url: 'javascript:alert(1)' }), 400, err('validation_error', 'redirect_url_value_invalid')],
    ['body an array', () => rpd([1, 2]), 400, err('validation_error', 'invalid_request')],
    ['body a string', () => rpd('hello'), 400, err('validation_error', 'invalid_request')],
    ['malformed JSON', () => rpd(undefined, undefined, '{"verification_id": "x",'), 400, err('validation_error', 'invalid_request', 'Request body is not valid JSON.')],
    ['prototype pollution', () => rpd(undefined, undefined, '{"verification_id":"pp","__proto__":{"x":1}}'), 400, err('validation_error', 'invalid_request')],
    ['empty body', () => gw.request('POST', '/verification/reverse-penny-drop', { headers: { ...auth(), 'content-type': 'application/json' }, raw: '' }), 400, err('validation_error', 'invalid_request')],
    ['not JSON content type', () => gw.request('POST', '/verification/reverse-penny-drop', { headers: { ...auth(), 'content-type': 'text/plain' }, raw: '{"verification_id":"x"}' }), 400, err('validation_error', 'invalid_request', 'Content-Type must be application/json.')],
    ['body too large', () => rpd({ verification_id: 'big', name: 'x'.repeat(200_000) }), 413, err('validation_error', 'invalid_request')],
    ['missing x-client-id', () => rpd({ verification_id: 'a1' }, { 'x-client-secret': 'x' }), 400, err('validation_error', 'x-client-id_missing', 'x-client-id is missing in the request.')],
    ['missing x-client-secret', () => rpd({ verification_id: 'a2' }, { 'x-client-id': key.client_id }), 400, err('validation_error', 'x-client-secret_missing')],
    ['wrong secret', () => rpd({ verification_id: 'a3' }, { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret + 'x' }), 401, err('authentication_error', 'authentication_failed', 'Invalid clientId and clientSecret combination')],
    ['unknown client id', () => rpd({ verification_id: 'a4' }, { 'x-client-id': 'pg_test_nobody', 'x-client-secret': 'x' }), 401, err('authentication_error', 'authentication_failed')],
    ['status without ids', () => gw.request('GET', '/verification/remitter/status', { headers: auth() }), 400, err('validation_error', 'invalid_request', 'Please provide verification_id or ref_id')],
    ['status of an unknown verification_id', () => gw.request('GET', '/verification/remitter/status?verification_id=nope', { headers: auth() }), 400, err('validation_error', 'invalid_request', 'Please enter a valid verification_id')],
    ['status of an unknown ref_id', () => gw.request('GET', '/verification/remitter/status?ref_id=987654321', { headers: auth() }), 400, err('validation_error', 'invalid_request', 'Please enter a valid ref_id')],
    ['status of a non-numeric ref_id', () => gw.request('GET', '/verification/remitter/status?ref_id=1%20OR%201=1', { headers: auth() }), 400, err('validation_error', 'invalid_request', 'Please enter a valid ref_id')],
    ['status with a repeated query parameter', () => gw.request('GET', '/verification/remitter/status?verification_id=a&verification_id=b', { headers: auth() }), 400, err('validation_error', 'verification_id_value_invalid')],
    ['status with a wrong secret', () => gw.request('GET', '/verification/remitter/status?ref_id=1', { headers: { 'x-client-id': key.client_id, 'x-client-secret': 'nope' } }), 401, err('authentication_error', 'authentication_failed')],
    ['unknown endpoint', () => gw.request('GET', '/verification/nothing-here', { headers: auth() }), 404, err('invalid_request_error', 'not_found')],
  ];

  for (const [name, call, status, body] of cases) {
    it(`${name} -> ${status} ${body.code}`, async () => {
      const before = await count();
      const r = await call();
      assert.equal(r.status, status, r.text);
      assert.equal(typeof r.json?.message, 'string', r.text);
      for (const [k, v] of Object.entries(body)) assert.equal(r.json[k], v, `${k} in ${r.text}`);
      assert.equal(await count(), before, 'no verification was created');
    });
  }

  it('refuses a duplicate verification_id for the same merchant, but not for another merchant', async () => {
    assert.equal((await rpd({ verification_id: 'dup-1' })).status, 200);
    const again = await rpd({ verification_id: 'dup-1', name: 'Other' });
    assert.equal(again.status, 400);
    assert.deepEqual(again.json, { type: 'validation_error', code: 'invalid_verification_id', message: 'verification_id already exists' });
    const other = (await gw.merchant('Other merchant')).test_key;
    assert.equal((await gw.cashfree(other).createRpd({ verification_id: 'dup-1' })).status, 200);
  });

  it("does not show one merchant's verification to another", async () => {
    const mine = (await rpd({ verification_id: 'private-1' })).json;
    const other = gw.cashfree((await gw.merchant('Nosy')).test_key);
    assert.equal((await other.status({ verification_id: 'private-1' })).status, 400);
    assert.equal((await other.status({ ref_id: String(mine.ref_id) })).status, 400);
  });
});

describe('malformed URLs', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it("answer in each API's envelope, never a 500", async () => {
    const cf = await gw.request('GET', '/verification/remitter/status?verification_id=%E0%A4%');
    assert.ok(cf.status < 500, cf.text);
    const badPath = await gw.request('GET', '/v1/fund_accounts/validations/%E0%A4%');
    assert.equal(badPath.status, 400, badPath.text);
    assert.equal(badPath.json.error.code, 'BAD_REQUEST_ERROR');
    const long = await gw.request('GET', `/v1/fund_accounts/validations/${'a'.repeat(200)}`);
    assert.ok(long.status === 400, long.text);
    assert.equal(long.json.error.code, 'BAD_REQUEST_ERROR');
    const page = await gw.request('GET', '/rpd/%E0%A4%');
    assert.ok(page.status === 400 || page.status === 404, page.text);
  });
});
