// Merchant access as the providers enforce it: key rotation and revocation, environments, the IP
// allowlist (with X-Forwarded-For from trusted proxies only), the x-cf-signature 2FA and the
// per-IP limit, each refused in the dialect's envelope without changing anything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, publicEncrypt } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_TOKEN, Gateway, freshPostgres, needsPostgres } from './support/gateway.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'pennygate.mjs');
async function cli(env: Record<string, string>, ...args: string[]) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { PATH, HOME, ...env } });
    return { code: 0, stdout, stderr, json: args.includes('--json') ? JSON.parse(stdout) : null };
  } catch (err: any) {
    return { code: err.code as number, stdout: String(err.stdout), stderr: String(err.stderr), json: null };
  }
}

type Key = { client_id: string; client_secret: string };

/** x-cf-signature exactly as a merchant builds it from the public key it was given. */
const sign = (publicKey: string, clientId: string, at = Math.floor(Date.now() / 1000)) =>
  publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(`${clientId}.${at}`)).toString('base64');

const basic = (k: Key) => `Basic ${Buffer.from(`${k.client_id}:${k.client_secret}`).toString('base64')}`;

describe('merchant access', () => {
  let gw: Gateway;
  before(async () => {
    // The test client is the "proxy" at 127.0.0.1, so it can speak for any address.
    gw = await Gateway.start({ env: { TRUSTED_PROXIES: '127.0.0.1/32' } });
  });
  after(() => gw?.stop());

  const rzpCreate = (m: { account_number: string }, k: Key, headers: Record<string, string> = {}) =>
    gw.request('POST', '/v1/fund_accounts/validations', {
      headers: { authorization: basic(k), ...headers },
      body: { source_account_number: m.account_number, validation_type: 'upi_intent' },
    });

  it('status reads and creates with a key the gateway has cached: a revocation, a new fence or a bad request still answered as from the store', async () => {
    const m = await gw.merchant('Cached Reads');
    const cf = gw.cashfree(m.test_key);
    const made = (await cf.createRpd({ verification_id: 'cached-1', name: 'John Doe' })).json;
    const fav = (await gw.request('POST', '/v1/fund_accounts/validations', {
      headers: { authorization: basic(m.test_key) },
      body: { source_account_number: m.account_number, validation_type: 'upi_intent' },
    })).json;
    const rzpGet = (id: string, k: Key = m.test_key) => gw.request('GET', `/v1/fund_accounts/validations/${id}`, { headers: { authorization: basic(k) } });
    // Read once: the key is cached from here on.
    assert.equal((await cf.status({ verification_id: 'cached-1' })).status, 200);
    assert.equal((await rzpGet(fav.id)).status, 200);

    // Keys and merchants change elsewhere (another merchant): the reads are still answered.
    await gw.merchant('Someone Else');
    assert.equal(String((await cf.status({ ref_id: String(made.ref_id) })).json.ref_id), String(made.ref_id));
    assert.equal((await rzpGet(fav.id)).json.id, fav.id);
    // Creates too (the insert is made only while the version stands): made once, not twice.
    await gw.merchant('Someone Else Again');
    assert.equal((await cf.createRpd({ verification_id: 'cached-2', name: 'John Doe' })).status, 200);
    assert.equal((await cf.createRpd({ verification_id: 'cached-2', name: 'John Doe' })).json.code, 'invalid_verification_id');
    await gw.merchant('Yet Another');
    assert.equal((await gw.request('POST', '/v1/fund_accounts/validations', {
      headers: { authorization: basic(m.test_key) },
      body: { source_account_number: m.account_number, validation_type: 'upi_intent' },
    })).status, 200);

    // A fence set on this merchant holds on the next read, and lifting it lets the next one through.
    await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['10.0.0.0/8'] });
    assert.equal((await cf.status({ verification_id: 'cached-1' })).json.code, 'ip_validation_failed');
    // ...and on the reads after it, with nothing changed since (the key cached with its fence).
    assert.equal((await cf.status({ verification_id: 'cached-1' })).json.code, 'ip_validation_failed');
    assert.equal((await rzpGet(fav.id)).status, 403);
    await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: [] });
    assert.equal((await cf.status({ verification_id: 'cached-1' })).status, 200);
    assert.equal((await rzpGet(fav.id)).status, 200);

    // Revoked (a second key keeps the merchant going): refused at once, whatever the first request
    // after it asks. Each revocation below is followed by a different first request.
    const second = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    assert.equal((await gw.cashfree(second).status({ verification_id: 'cached-1' })).status, 200);
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
    // A create: refused, and nothing made.
    assert.equal((await cf.createRpd({ verification_id: 'cached-3', name: 'John Doe' })).status, 401);
    assert.equal((await cf.status({ verification_id: 'cached-1' })).status, 401);
    assert.equal((await rzpGet(fav.id)).status, 401);
    assert.equal((await gw.cashfree(second).status({ verification_id: 'cached-3' })).json.code, 'invalid_request');
    // Something that is not there: still a 401, not a 400 (Cashfree)...
    const third = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    assert.equal((await rzpGet(fav.id, third)).status, 200);
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${second.client_id}`)).status, 204);
    assert.equal((await gw.cashfree(second).status({ ref_id: 'not-a-number' })).status, 401);
    // ...nor a 404 (RazorpayX).
    const fourth = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${third.client_id}`)).status, 204);
    assert.equal((await rzpGet('fav_nope', third)).status, 401);
    assert.equal((await rzpGet(fav.id, third)).status, 401);
    assert.equal((await gw.cashfree(fourth).status({ verification_id: 'cached-1' })).status, 200);
    assert.equal((await rzpGet(fav.id, fourth)).status, 200);
  });

  it('a cached key takes nothing from the merchant\'s rate limit once revoked', async () => {
    const m = await gw.merchant('Cached Budget');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 2 })).status, 200);
    const second = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    const cf = gw.cashfree(m.test_key);
    // Cache the first key (a read of an unknown id caches it too), then revoke it.
    assert.equal((await cf.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
    assert.equal((await cf.status({ verification_id: 'nope' })).status, 401);
    // The merchant's own key still has the rest of its budget (one status read used so far).
    const r = await gw.cashfree(second).status({ verification_id: 'nope' });
    assert.equal(r.status, 400, `got ${r.status} ${JSON.stringify(r.json)}`);
  });

  it('a changed rate limit holds on the next request of a cached key', async () => {
    // Lowered.
    const m = await gw.merchant('Cached Limit');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 100 })).status, 200);
    const cf = gw.cashfree(m.test_key);
    assert.equal((await cf.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await cf.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 1 })).status, 200);
    const r = await cf.status({ verification_id: 'nope' });
    assert.equal(r.status, 429, `got ${r.status} limit ${r.headers.get('x-ratelimit-limit')}`);
    // Set where there was none: the request that finds it takes its budget.
    const n = await gw.merchant('Newly Limited');
    const cn = gw.cashfree(n.test_key);
    assert.equal((await cn.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await cn.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await gw.admin('PUT', `/merchants/${n.id}/rate-limit`, { per_minute: 1 })).status, 200);
    assert.equal((await cn.status({ verification_id: 'nope' })).status, 400);
    assert.equal((await cn.status({ verification_id: 'nope' })).status, 429);
  });

  it('rotates keys: at most two active per mode, a revoked key refused at once, live keys need a connector', async () => {
    const m = await gw.merchant('Rotating');
    const second = await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' });
    assert.equal(second.status, 201);
    assert.match(second.json.client_id, /^pg_test_/);
    assert.match(second.json.client_secret, /^pgs_test_/);
    const third = await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' });
    assert.equal(third.status, 409);
    assert.equal(third.json.error.code, 'too_many_keys');
    const live = await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'live' });
    assert.equal(live.status, 409);
    assert.equal(live.json.error.code, 'live_unavailable');
    assert.match(live.json.error.message, /BANK_CONNECTOR_URL/);
    assert.equal((await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'prod' })).status, 400);
    assert.equal((await gw.admin('POST', `/merchants/mer_nope/keys`, { mode: 'test' })).status, 404);

    // Both work side by side.
    assert.equal((await gw.cashfree(m.test_key).createRpd({ verification_id: 'rot-1' })).status, 200);
    assert.equal((await gw.cashfree(second.json).createRpd({ verification_id: 'rot-2' })).status, 200);
    const listed = (await gw.admin('GET', `/merchants/${m.id}/keys`)).json.items;
    assert.deepEqual(listed.map((k: any) => k.status), ['active', 'active']);
    assert.ok(listed.every((k: any) => !('client_secret' in k)));

    // Revoking the old one: refused on its very next request, in both dialects.
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
    const refused = await gw.cashfree(m.test_key).createRpd({ verification_id: 'rot-3' });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.code, 'authentication_failed');
    assert.equal((await rzpCreate(m, m.test_key)).status, 401);
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 404);
    // The other merchant's key cannot be revoked through this merchant.
    const other = await gw.merchant('Other');
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${other.test_key.client_id}`)).status, 404);
    assert.equal((await gw.cashfree(other.test_key).createRpd({ verification_id: 'rot-o' })).status, 200);
    // A slot is free again.
    assert.equal((await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).status, 201);
    assert.equal((await gw.cashfree(second.json).status({ verification_id: 'rot-3' })).json.code, 'invalid_request');
  });

  it('refuses callers off the allowlist with the address they came from, in each dialect', async () => {
    const m = await gw.merchant('Fenced');
    const cf = gw.cashfree(m.test_key);
    const bad = await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['203.0.113.7/33'] });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /not an IPv4 or IPv6/);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['nonsense'] })).status, 400);
    assert.deepEqual((await gw.admin('GET', `/merchants/${m.id}/ip-allowlist`)).json, { cidrs: [] });

    const set = await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['203.0.113.7/32', '2001:db8::/32'] });
    assert.deepEqual(set.json, { cidrs: ['203.0.113.7/32', '2001:db8::/32'] });
    const from = (address: string) => ({ 'x-forwarded-for': address });

    const refused = await cf.post('/reverse-penny-drop', { verification_id: 'ip-1' }, from('198.51.100.20'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.type, 'authentication_error');
    assert.equal(refused.json.code, 'ip_validation_failed');
    assert.match(refused.json.message, /^IP not whitelisted your current ip is 198\.51\.100\.20\./);
    // Nothing was created.
    assert.equal((await cf.post('/reverse-penny-drop', { verification_id: 'ip-1' }, from('203.0.113.7'))).status, 200);
    assert.equal((await cf.post('/reverse-penny-drop', { verification_id: 'ip-2' }, from('2001:db8:1::5'))).status, 200);
    const v6 = await cf.post('/reverse-penny-drop', { verification_id: 'ip-3' }, from('2001:db9::5'));
    assert.equal(v6.status, 403);
    assert.match(v6.json.message, /current ip is 2001:db9::5\./);
    // The direct peer 127.0.0.1 is not listed either.
    assert.equal((await cf.createRpd({ verification_id: 'ip-4' })).status, 403);

    const rzp = await rzpCreate(m, m.test_key, from('198.51.100.20'));
    assert.equal(rzp.status, 403);
    assert.equal(rzp.json.error.code, 'BAD_REQUEST_ERROR');
    assert.match(rzp.json.error.description, /198\.51\.100\.20/);
    assert.equal((await rzpCreate(m, m.test_key, from('203.0.113.7'))).status, 200);

    // An empty list lets any address in again.
    await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: [] });
    assert.equal((await cf.post('/reverse-penny-drop', { verification_id: 'ip-5' }, from('198.51.100.20'))).status, 200);
  });

  it('signs with x-cf-signature: missing, wrong client, stale, future and garbage are 403; a fresh one passes', async () => {
    const m = await gw.merchant('Signing');
    const created = await gw.admin('POST', `/merchants/${m.id}/public-key`);
    assert.equal(created.status, 201);
    const pem: string = created.json.public_key;
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/public-key`)).json.public_key, pem);
    await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['203.0.113.7/32'] });
    const cf = gw.cashfree(m.test_key);
    const elsewhere = { 'x-forwarded-for': '198.51.100.20' };
    const call = (vid: string, sig?: string) =>
      cf.post('/reverse-penny-drop', { verification_id: vid }, sig === undefined ? elsewhere : { ...elsewhere, 'x-cf-signature': sig });

    const missing = await call('sig-1');
    assert.equal(missing.status, 403);
    assert.deepEqual(missing.json, { type: 'validation_error', code: 'authentication_failed', message: 'x-cf-signature missing in the request header' });
    const now = Math.floor(Date.now() / 1000);
    for (const [why, sig] of [
      ['another client id', sign(pem, 'pg_test_someoneelse', now)],
      ['stale', sign(pem, m.test_key.client_id, now - 330)],
      ['future', sign(pem, m.test_key.client_id, now + 330)],
      ['garbage', 'bm90IGEgc2lnbmF0dXJl'],
      ['another key', sign((await gw.admin('POST', `/merchants/${(await gw.merchant('X')).id}/public-key`)).json.public_key, m.test_key.client_id, now)],
    ] as const) {
      const r = await call('sig-1', sig);
      assert.equal(r.status, 403, why);
      assert.equal(r.json.code, 'authentication_failed', why);
    }
    // Nothing was created by the refusals; a signature within five minutes either side passes.
    assert.equal((await call('sig-1', sign(pem, m.test_key.client_id))).status, 200);
    assert.equal((await call('sig-2', sign(pem, m.test_key.client_id, now - 240))).status, 200);
    assert.equal((await call('sig-3', sign(pem, m.test_key.client_id, now + 240))).status, 200);
    // An allowlisted address needs no signature.
    assert.equal((await cf.post('/reverse-penny-drop', { verification_id: 'sig-4' }, { 'x-forwarded-for': '203.0.113.7' })).status, 200);
    // RazorpayX callers off the list are refused in Razorpay's envelope, as off its whitelist:
    // Razorpay has no request signature, so the answer names none.
    const rzp = await rzpCreate(m, m.test_key, elsewhere);
    assert.equal(rzp.status, 403);
    assert.equal(rzp.json.error.code, 'BAD_REQUEST_ERROR');
    assert.equal(rzp.json.error.reason, 'ip_not_whitelisted');
    assert.doesNotMatch(rzp.json.error.description, /signature/);
    // A second create (a retry after a lost answer, say) keeps the key pair the merchant has;
    // replacing it must be asked for, and then the old key's signatures are refused.
    const again = await gw.admin('POST', `/merchants/${m.id}/public-key`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'key_exists');
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/public-key`)).json.public_key, pem);
    assert.equal((await call('sig-6', sign(pem, m.test_key.client_id))).status, 200);
    for (const body of [{ replace: 'yes' }, { replace: true, also: 1 }, []]) {
      assert.equal((await gw.admin('POST', `/merchants/${m.id}/public-key`, body)).status, 400, JSON.stringify(body));
    }
    const replaced = await gw.admin('POST', `/merchants/${m.id}/public-key`, { replace: true });
    assert.equal(replaced.status, 201);
    assert.notEqual(replaced.json.public_key, pem);
    assert.equal((await call('sig-7', sign(pem, m.test_key.client_id))).status, 403);
    assert.equal((await call('sig-7', sign(replaced.json.public_key, m.test_key.client_id))).status, 200);
    // Turning 2FA off leaves the allowlist alone.
    assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/public-key`)).status, 204);
    assert.equal((await call('sig-5', sign(pem, m.test_key.client_id))).json.code, 'ip_validation_failed');
  });
});

describe('X-Forwarded-For without trusted proxies', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: '5' } });
  });
  after(() => gw?.stop());

  it('is ignored: a caller cannot claim an allowlisted address', async () => {
    const m = await gw.merchant('Spoofed');
    await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['203.0.113.7/32'] });
    const r = await gw.cashfree(m.test_key).post('/reverse-penny-drop', { verification_id: 'sp-1' }, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal(r.status, 403);
    assert.match(r.json.message, /current ip is 127\.0\.0\.1\./);
  });

  it('limits each address per minute before credentials are read, with the limit headers', async () => {
    const seen = [];
    // The previous test spent one request of this address's budget.
    for (let i = 0; i < 5; i++) {
      seen.push(await gw.request('GET', '/verification/remitter/status?verification_id=x', { headers: { 'x-client-id': 'pg_test_nobody', 'x-client-secret': 'nope' } }));
    }
    assert.deepEqual(seen.map((r) => r.status), [401, 401, 401, 401, 429]);
    assert.equal(seen[0].headers.get('x-ratelimit-limit'), '5');
    assert.deepEqual(seen[4].json, { type: 'rate_limit_error', code: 'too_many_requests_per_ip', message: 'Too many requests from the IP, rate limit reached' });
    const rzp = await gw.request('GET', '/v1/fund_accounts/validations', { headers: { authorization: 'Basic eDp5' } });
    assert.equal(rzp.status, 429);
    assert.equal(rzp.json.error.description, 'Too many requests');
  });
});

describe('a live-only instance', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({ env: { KEY_MODES: 'live' } });
  });
  after(() => gw?.stop());

  it('tells a test key it belongs to the test environment', async () => {
    const m = await gw.merchant('Live Only');
    const r = await gw.cashfree(m.test_key).createRpd({ verification_id: 'lo-1' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { type: 'validation_error', code: 'x-client-secret_value_invalid', message: 'Client secret belongs to test environment' });
    // RazorpayX words a key of the other mode as any invalid key.
    const rzp = await gw.request('GET', '/v1/fund_accounts/validations', { headers: { authorization: basic(m.test_key) } });
    assert.equal(rzp.status, 401);
    assert.equal(rzp.json.error.description, 'The api key provided is invalid');
  });
});

describe('key revocation across instances on PostgreSQL', { skip: needsPostgres }, () => {
  let a: Gateway;
  let b: Gateway;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    a = await Gateway.start({ databaseUrl: db.url });
    b = await Gateway.start({ databaseUrl: db.url });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await drop?.();
  });

  it('a key revoked through one instance is refused by the other on its next request', async () => {
    const m = await a.merchant('Shared');
    const second = (await a.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    // Both keys have been used on b (b now knows them), then change through a.
    assert.equal((await b.cashfree(m.test_key).createRpd({ verification_id: 'pg-1' })).status, 200);
    assert.equal((await b.cashfree(second).status({ verification_id: 'pg-1' })).status, 200);
    assert.equal((await a.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
    // A status read checks a cached key within its own statement: refused all the same.
    assert.equal((await b.cashfree(m.test_key).status({ verification_id: 'pg-1' })).status, 401);
    assert.equal((await b.cashfree(m.test_key).createRpd({ verification_id: 'pg-2' })).status, 401);
    // The allowlist and the 2FA key pair likewise hold on both at once, for a key b has just
    // read again (filed under the version the revocation moved to): only the merchant changes.
    assert.equal((await b.cashfree(second).status({ verification_id: 'pg-1' })).status, 200);
    await a.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['10.0.0.0/8'] });
    assert.equal((await b.cashfree(second).createRpd({ verification_id: 'pg-3' })).json.code, 'ip_validation_failed');
    const k = (await a.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
    assert.equal((await b.cashfree(k).createRpd({ verification_id: 'pg-3' })).json.code, 'ip_validation_failed');
  });
});

describe('merchant access from the command line', () => {
  let gw: Gateway;
  let env: Record<string, string>;
  before(async () => {
    gw = await Gateway.start();
    env = { DATA_DIR: gw.dataDir, ADMIN_TOKEN };
  });
  after(() => gw?.stop());

  it('rotates keys, fences by address, signs, prices, tops up and caps, as the admin API does', async () => {
    const m = await gw.merchant('Command Line');
    const issued = await cli(env, 'keys', 'create', m.id, '--mode', 'test', '--json');
    assert.equal(issued.code, 0, issued.stderr);
    assert.match(issued.json.client_secret, /^pgs_test_/);
    const third = await cli(env, 'keys', 'create', m.id, '--mode', 'test');
    assert.equal(third.code, 2);
    assert.match(third.stderr, /already has 2 active test keys/);
    assert.match((await cli(env, 'keys', 'create', m.id, '--mode', 'live')).stderr, /live bank connector/);
    assert.equal((await cli(env, 'keys', 'revoke', m.id, m.test_key.client_id)).code, 0);
    assert.equal((await gw.cashfree(m.test_key).createRpd({ verification_id: 'cli-1' })).status, 401);
    const keys = await cli(env, 'keys', 'list', m.id);
    assert.match(keys.stdout, new RegExp(`${m.test_key.client_id}\\s+test\\s+revoked`));

    assert.equal((await cli(env, 'allowlist', 'set', m.id, '10.0.0.0/8', 'fd00::/8')).code, 0);
    assert.deepEqual((await cli(env, 'allowlist', 'show', m.id, '--json')).json, { cidrs: ['10.0.0.0/8', 'fd00::/8'] });
    assert.equal((await cli(env, 'allowlist', 'set', m.id, '10.0.0.0/99')).code, 2);
    assert.equal((await gw.cashfree(issued.json).createRpd({ verification_id: 'cli-2' })).json.code, 'ip_validation_failed');
    const pem = (await cli(env, 'public-key', 'create', m.id)).stdout;
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----/);
    const signed = await gw.cashfree(issued.json).post('/reverse-penny-drop', { verification_id: 'cli-2' }, { 'x-cf-signature': sign(pem, issued.json.client_id) });
    assert.equal(signed.status, 200);
    const again = await cli(env, 'public-key', 'create', m.id);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /has a 2FA key pair: --replace replaces it/);
    const replaced = await cli(env, 'public-key', 'create', m.id, '--replace');
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.notEqual(replaced.stdout, pem);
    assert.equal((await gw.cashfree(issued.json).post('/reverse-penny-drop', { verification_id: 'cli-2b' }, { 'x-cf-signature': sign(pem, issued.json.client_id) })).status, 403);
    assert.equal((await cli(env, 'allowlist', 'set', m.id)).code, 0);
    assert.equal((await cli(env, 'public-key', 'delete', m.id)).code, 0);

    assert.equal((await cli(env, 'pricing', 'set', m.id, '--reverse-penny-drop', '100')).code, 0);
    assert.equal((await cli(env, 'pricing', 'show', m.id, '--json')).json.reverse_penny_drop, 100);
    assert.equal((await cli(env, 'balance', 'top-up', m.id, '--amount', '100', '--reference', 'cli-ref', '--json')).json.applied, true);
    assert.equal((await cli(env, 'balance', 'top-up', m.id, '--amount', '100', '--reference', 'cli-ref', '--json')).json.applied, false);
    assert.equal((await gw.cashfree(issued.json).createRpd({ verification_id: 'cli-3' })).status, 200);
    assert.equal((await gw.cashfree(issued.json).createRpd({ verification_id: 'cli-4' })).status, 422);
    const bal = await cli(env, 'balance', 'show', m.id, '--json');
    assert.equal(bal.json.balance_paise, 0);
    assert.equal(bal.json.entry_count, 2);
    assert.deepEqual((await cli(env, 'limits', 'set', m.id, '--daily-payouts', '3', '--json')).json, { daily_payouts: 3, payouts_today: 0, test_payouts_today: 0 });
    assert.equal((await cli(env, 'limits', 'set', m.id, '--daily-payouts', 'lots')).code, 2);
    assert.match((await cli(env, 'balance', 'show', 'mer_nobody')).stderr, /no such merchant/);
  });
});
