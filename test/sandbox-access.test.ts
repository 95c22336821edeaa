// The sandbox serves test mode only: its records are read with a test key (each merchant sees
// its own) or the admin token, anyone holding a test intent's link may pay it but never a live
// one, its writes are bounded per address, and it is off by default once a live connector is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, Gateway } from './support/gateway.js';

type Key = { client_id: string; client_secret: string };
const cashfreeHeaders = (k: Key) => ({ 'x-client-id': k.client_id, 'x-client-secret': k.client_secret });
const basic = (k: Key) => ({ authorization: `Basic ${Buffer.from(`${k.client_id}:${k.client_secret}`).toString('base64')}` });
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account verification for payouts' });

/** A POST from a chosen local address (any 127.x reaches the loopback gateway). */
function postFrom(gw: Gateway, from: string, path: string, body: unknown): Promise<{ status: number; json: any; headers: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port: gw.port, localAddress: from, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('sandbox access', () => {
  let gw: Gateway;
  let a: { id: string; test_key: Key };
  let b: { id: string; test_key: Key };
  let db: Database.Database;
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  before(async () => {
    gw = await Gateway.start();
    a = await gw.merchant('Sandbox A');
    b = await gw.merchant('Sandbox B');
    db = new Database(join(gw.dataDir, 'pennygate.db'), { readonly: true });
  });
  after(async () => {
    db?.close();
    await gw?.stop();
  });

  it("shows a payment only to the operator and to the merchant whose intent it paid", async () => {
    const created = await gw.cashfree(a.test_key).createRpd({ verification_id: 'sbx-1', name: 'John Doe' });
    // Paying stays open to whoever holds the link.
    const paid = await gw.pay(created.json.upi_link, 'success@upi');
    assert.equal(paid.status, 200, paid.text);
    const path = `/sandbox/upi/payments/${paid.json.utr}`;

    const anonymous = await gw.request('GET', path);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'unauthorized');
    assert.equal((await gw.request('GET', path, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await gw.request('GET', path, { headers: { 'x-client-id': a.test_key.client_id, 'x-client-secret': 'nope' } })).status, 401);

    for (const headers of [cashfreeHeaders(a.test_key), basic(a.test_key), admin]) {
      const r = await gw.request('GET', path, { headers });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.utr, paid.json.utr);
    }
    const other = await gw.request('GET', path, { headers: cashfreeHeaders(b.test_key) });
    assert.equal(other.status, 404);
    assert.equal(other.json.error.code, 'payment_not_found');

    // A payment of no verification (an unknown tr) is the operator's to see only.
    const stray = await gw.pay('upi://pay?pa=pennygate@sandbox&pn=pennygate&am=1.00&cu=INR&tr=999999999', 'success@upi');
    assert.equal(stray.status, 200, stray.text);
    assert.equal((await gw.request('GET', `/sandbox/upi/payments/${stray.json.utr}`, { headers: cashfreeHeaders(a.test_key) })).status, 404);
    assert.equal((await gw.request('GET', `/sandbox/upi/payments/${stray.json.utr}`, { headers: admin })).status, 200);
  });

  it("lists payouts only to the operator and to the merchant whose verification made them", async () => {
    const r = await gw.request('POST', '/verification/mobile/penny-drop', {
      headers: { ...cashfreeHeaders(a.test_key), 'x-api-version': '2024-12-01' },
      body: { verification_id: 'sbx-mpd-1', mobile_number: '9999999999', name: 'John Doe', user_consent: consent() },
    });
    assert.equal(r.status, 200, r.text);
    const q = '/sandbox/upi/payouts?vpa=success@upi';

    const anonymous = await gw.request('GET', q);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'unauthorized');
    const mine = await gw.request('GET', q, { headers: basic(a.test_key) });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.items.map((p: any) => p.utr), [r.json.utr]);
    assert.deepEqual((await gw.request('GET', '/sandbox/upi/payouts', { headers: cashfreeHeaders(b.test_key) })).json.items, []);
    assert.equal((await gw.request('GET', '/sandbox/upi/payouts', { headers: admin })).json.items.length, 1);
  });

  it("holds a merchant's fences: its key read from off its allowlist is refused, as the APIs refuse it", async () => {
    const c = await gw.merchant('Sandbox Fenced');
    const created = await gw.cashfree(c.test_key).createRpd({ verification_id: 'sbx-fenced', name: 'John Doe' });
    const paid = await gw.pay(created.json.upi_link, 'success@upi');
    const path = `/sandbox/upi/payments/${paid.json.utr}`;
    assert.equal((await gw.request('GET', path, { headers: cashfreeHeaders(c.test_key) })).status, 200);
    // The tests call from 127.0.0.1, which the allowlist leaves out.
    assert.equal((await gw.admin('PUT', `/merchants/${c.id}/ip-allowlist`, { cidrs: ['203.0.113.7/32'] })).status, 200);
    assert.equal((await gw.cashfree(c.test_key).status({ verification_id: 'sbx-fenced' })).status, 403);
    for (const read of [path, '/sandbox/upi/payouts']) {
      for (const headers of [cashfreeHeaders(c.test_key), basic(c.test_key)]) {
        const r = await gw.request('GET', read, { headers });
        assert.equal(r.status, 403, `${read}: ${r.text}`);
        assert.equal(r.json.error.code, 'ip_not_allowed');
        assert.equal(r.json.payer_vpa, undefined);
      }
    }
  });

  it('never pays a live intent, and a refused payment records nothing', async () => {
    // A live verification, as a live connector would have made it.
    const rw = new Database(join(gw.dataDir, 'pennygate.db'));
    rw.prepare(
      `INSERT INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, status, rail, intent_tr, payee_vpa,
         amount_paise, valid_until, created_at, processed_at)
       VALUES (4242424242424242, ?, 'live', 'rpd', 'cashfree', 'live_public_1', 'created', 'bank', '4242424242424242',
         'pennygate@sandbox', 100, ?, ?, ?)`,
    ).run(a.id, Date.now() + 600_000, Date.now(), Date.now());
    rw.close();
    const before = count('sandbox_payments');
    const r = await gw.pay('upi://pay?pa=pennygate@sandbox&pn=pennygate&am=1.00&cu=INR&tr=4242424242424242', 'success@upi');
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'not_a_test_intent');
    assert.equal(count('sandbox_payments'), before);
  });

  it('answers unknown routes and over-large bodies in its envelope', async () => {
    const unknown = await gw.request('GET', '/sandbox/upi/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'not_found');
    assert.equal(typeof unknown.json.error.message, 'string');
    const before = count('sandbox_payments');
    const big = await gw.request('POST', '/sandbox/upi/pay', { body: { upi_link: 'upi://pay?pa=x', payer_vpa: 'success@upi', pad: 'x'.repeat(20_000) } });
    assert.equal(big.status, 413);
    assert.equal(typeof big.json.error.code, 'string');
    assert.equal(count('sandbox_payments'), before);
  });
});

describe('sandbox writes per address', () => {
  let gw: Gateway;
  before(async () => {
    // A live connector is configured, and the operator still turns the sandbox on.
    gw = await Gateway.start({ env: { SANDBOX_WRITES_PER_MINUTE: '3', BANK_CONNECTOR_URL: 'http://127.0.0.1:9', BANK_CONNECTOR_SECRET: 'a-connector-secret-0123', LIVE_PAYEE_VPA: 'acme@examplebank', LIVE_PAYEE_NAME: 'Acme', LIVE_MCC: '6012', SANDBOX_ENABLED: 'true' } });
  });
  after(() => gw?.stop());

  it('limits pay and notify per address with a 429 in the envelope', async () => {
    const m = await gw.merchant('Busy');
    const link = (await gw.cashfree(m.test_key).createRpd({ verification_id: 'w-1' })).json.upi_link;
    const paid = await postFrom(gw, '127.0.0.2', '/sandbox/upi/pay', { upi_link: link, payer_vpa: 'success@upi' });
    assert.equal(paid.status, 200);
    assert.equal((await postFrom(gw, '127.0.0.2', `/sandbox/upi/payments/${paid.json.utr}/notify`, {})).status, 200);
    assert.equal((await postFrom(gw, '127.0.0.2', '/sandbox/upi/pay', { upi_link: 'not a link', payer_vpa: 'success@upi' })).status, 400);
    const refused = await postFrom(gw, '127.0.0.2', `/sandbox/upi/payments/${paid.json.utr}/notify`, {});
    assert.equal(refused.status, 429);
    assert.equal(refused.json.error.code, 'too_many_requests');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal((await postFrom(gw, '127.0.0.2', '/sandbox/upi/pay', { upi_link: link, payer_vpa: 'success@upi' })).status, 429);
    // Another address has its own allowance; reads are not writes.
    const elsewhere = await postFrom(gw, '127.0.0.3', `/sandbox/upi/payments/${paid.json.utr}/notify`, {});
    assert.equal(elsewhere.status, 200);
    assert.equal(elsewhere.json.gateway_outcome, 'duplicate');
    assert.equal((await gw.request('GET', '/sandbox/upi/payers')).status, 200);
  });
});

describe('sandbox writes per address behind a trusted proxy', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({ env: { SANDBOX_WRITES_PER_MINUTE: '2', TRUSTED_PROXIES: '127.0.0.1/32' } });
  });
  after(() => gw?.stop());

  it("counts each caller the proxy names, so one caller's writes do not use up everyone's", async () => {
    const m = await gw.merchant('Proxied');
    const link = (await gw.cashfree(m.test_key).createRpd({ verification_id: 'px-1' })).json.upi_link;
    const payFrom = (caller: string) =>
      gw.request('POST', '/sandbox/upi/pay', { headers: { 'x-forwarded-for': caller }, body: { upi_link: link, payer_vpa: 'success@upi' } });
    assert.equal((await payFrom('203.0.113.1')).status, 200);
    assert.equal((await payFrom('203.0.113.1')).status, 200);
    assert.equal((await payFrom('203.0.113.1')).status, 429);
    const other = await payFrom('203.0.113.2');
    assert.equal(other.status, 200, other.text);
  });
});

describe('sandbox with a live connector configured', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({ env: { BANK_CONNECTOR_URL: 'http://127.0.0.1:9', BANK_CONNECTOR_SECRET: 'a-connector-secret-0123', LIVE_PAYEE_VPA: 'acme@examplebank', LIVE_PAYEE_NAME: 'Acme', LIVE_MCC: '6012' } });
  });
  after(() => gw?.stop());

  it('is off unless SANDBOX_ENABLED=true', async () => {
    assert.equal((await gw.request('GET', '/sandbox/upi/payers')).status, 404);
    assert.equal((await gw.request('POST', '/sandbox/upi/pay', { body: { upi_link: 'upi://pay?pa=x', payer_vpa: 'success@upi' } })).status, 404);
    const m = await gw.merchant('No Sandbox');
    const created = await gw.cashfree(m.test_key).createRpd({ verification_id: 'ns-1' });
    const page = await gw.request('GET', new URL(created.json.url).pathname);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /pay-as/);
  });
});
