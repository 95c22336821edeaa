// Smaller findings of the security review, each pinned: NUL characters in hosted-page URLs,
// security headers, merchant names, consent records, name-match references.
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ADMIN_TOKEN, Gateway, cli, eventually } from './support/gateway.js';

const CSP_WITH = (img: string) =>
  `default-src 'none'; img-src ${img}; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

describe('hardening', () => {
  let gw: Gateway;
  let m: { id: string; test_key: { client_id: string; client_secret: string } };
  let code: string;
  before(async () => {
    gw = await Gateway.start();
    m = await gw.merchant('Hardened');
    const created = await gw.cashfree(m.test_key).createRpd({ verification_id: 'h-1', name: 'John Doe' });
    code = new URL(created.json.url).pathname.split('/')[2];
  });
  after(() => gw?.stop());

  it('answers NUL characters in hosted-page URLs with a 4xx in the page form, and logs no error', async () => {
    const page = await gw.request('GET', `/rpd/${code}?q=%00`);
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    assert.match(page.text, /<html/);
    const status = await gw.request('GET', '/rpd/%00/status');
    assert.equal(status.status, 400);
    assert.deepEqual(status.json, { status: 'BAD_REQUEST' });
    for (const path of [`/rpd/${code}/status?x=%00`, `/rpd/${code}/qr.png?%00=1`, '/rpd/%00', '/assets/rpd.js?v=%00']) {
      const r = await gw.request('GET', path);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
    }
    // The page itself still works, and nothing above was logged as an error.
    assert.equal((await gw.request('GET', `/rpd/${code}`)).status, 200);
    assert.doesNotMatch(gw.output, /"level":50/);
  });

  it('sends security headers on every answer, and a policy on every HTML page', async () => {
    const answers = await Promise.all([
      gw.request('GET', '/healthz'),
      gw.request('GET', `/rpd/${code}`),
      gw.request('GET', '/rpd/nosuchcode99'),
      gw.request('GET', '/verification/remitter/status?verification_id=h-1'),
      gw.request('GET', '/admin/merchants'),
      gw.request('GET', '/sandbox/upi/payers'),
      gw.request('GET', '/nowhere'),
    ]);
    for (const r of answers) {
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(r.headers.get('referrer-policy'));
      if (r.headers.get('content-type')?.startsWith('text/html')) assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    }
  });

  it('tells every cache to keep no copy of an answer carrying secrets or personal data', async () => {
    const key = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret };
    const basic = { authorization: `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}` };
    const fav = await gw.request('GET', '/v1/fund_accounts/validations', { headers: basic });
    const created = await gw.admin('POST', '/merchants', { name: 'Uncached' });
    const answers = {
      'merchant created (its client secret)': created,
      'key issued': await gw.admin('POST', `/merchants/${created.json.id}/keys`, { mode: 'test' }),
      'merchant read': await gw.admin('GET', `/merchants/${m.id}`),
      'webhook set (its secret)': await gw.admin('PUT', `/merchants/${created.json.id}/webhook`, { url: 'https://1.1.1.1/hooks', dialect: 'razorpayx' }),
      'remitter status (the payer)': await gw.request('GET', '/verification/remitter/status?verification_id=h-1', { headers: key }),
      'validations listed': fav,
      'reverse penny drop created': await gw.cashfree(created.json.test_key).createRpd({ verification_id: 'h-nostore', name: 'John Doe' }),
      'name match': await gw.request('POST', '/verification/name-match', { headers: key, body: { verification_id: 'nm-nostore', name_1: 'John Doe', name_2: 'John Doe' } }),
      'refused': await gw.request('GET', '/verification/remitter/status?verification_id=h-1', { headers: { ...key, 'x-client-secret': 'wrong' } }),
    };
    for (const [what, r] of Object.entries(answers)) {
      assert.ok(r.status < 500, `${what}: ${r.status} ${r.text}`);
      assert.equal(r.headers.get('cache-control'), 'no-store', what);
    }
    // What is public and the same for everyone keeps its own rule.
    assert.match((await gw.request('GET', '/assets/rpd.js')).headers.get('cache-control') ?? '', /max-age/);
  });

  it("keeps a logo's address from writing the hosted page's policy: only a plain host name is taken", async () => {
    for (const logo_url of [
      'https://cdn.example;script-src/logo.png',
      'https://cdn.example,default-src/logo.png',
      'https://*/logo.png',
      'https://*.example/logo.png',
      'https://[::1]/logo.png',
    ]) {
      const r = await gw.admin('PUT', `/merchants/${m.id}/branding`, { logo_url });
      assert.equal(r.status, 400, `${logo_url}: ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_request');
    }
    const page = await gw.request('GET', `/rpd/${code}`);
    assert.equal(page.headers.get('content-security-policy'), CSP_WITH("'self'"));
    // A host name (an IDN as its ASCII form) and a port are what a policy's host source takes.
    const ok = await gw.admin('PUT', `/merchants/${m.id}/branding`, { logo_url: 'https://cdn.bücher.example:8443/logo.png' });
    assert.equal(ok.status, 200, ok.text);
    const branded = await gw.request('GET', `/rpd/${code}`);
    assert.equal(branded.headers.get('content-security-policy'), CSP_WITH("'self' https://cdn.xn--bcher-kva.example:8443"));
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/branding`, { logo_url: null })).status, 200);
  });

  it('refuses merchant names that are blank or carry control characters (bidirectional ones too)', async () => {
    // Zero-width characters alone show as nothing on the hosted page: blank too.
    for (const name of ['   ', '\t\t', '\u200b', ' \u200c\u200d ', '\u2060', 'Acme\nLending', 'Acme\u0007', 'Acme\u0085Co', 'Acme\u2028Co', 'Acme \u202e', 'Acme\u2067Co', '\u200fAcme']) {
      const r = await gw.admin('POST', '/merchants', { name });
      assert.equal(r.status, 400, `${JSON.stringify(name)}: ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_request');
    }
    const before = (await gw.admin('GET', '/merchants')).json.items.length;
    assert.equal((await gw.admin('POST', '/merchants', { name: '  Acme  Lending ' })).status, 201);
    assert.equal((await gw.admin('GET', '/merchants')).json.items.length, before + 1);
  });

  it('refuses a field the admin API does not know, and answers 404 for an unknown merchant\'s deliveries', async () => {
    const before = (await gw.admin('GET', '/merchants')).json.items.length;
    const refused = [
      await gw.admin('POST', '/merchants', { name: 'Acme', nmae: 'Acme' }),
      await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: 'https://example.com/h', dialect: 'cashfree', rotate_secrets: true }),
      await gw.admin('PUT', `/merchants/${m.id}/name-match-bands`, { direct: 100, good: 80, moderate: 60, poor: 34, no: 0 }),
      await gw.admin('PUT', `/merchants/${m.id}/rate-limit`, { per_minute: 10, burst: 5 }),
      await gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'verification.success', count: 2 }),
    ];
    const unknown = ['nmae', 'rotate_secrets', 'no', 'burst', 'count'];
    for (const [i, r] of refused.entries()) {
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'invalid_request', r.text);
      // The refusal names the field, so the misspelling is found without reading the schema.
      assert.equal(r.json.error.message, `body: "${unknown[i]}" is not a field this takes`, r.text);
    }
    assert.equal((await gw.admin('GET', '/merchants')).json.items.length, before);
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/webhook`)).status, 404);
    const deliveries = await gw.admin('GET', '/merchants/mer_nosuch/webhook/deliveries');
    assert.equal(deliveries.status, 404, deliveries.text);
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).status, 200);
  });

  it('refuses extra properties in user_consent with Cashfree’s validation error, recording nothing', async () => {
    const r = await gw.cashfree(m.test_key).post(
      '/mobile/penny-drop',
      {
        verification_id: 'h-consent',
        mobile_number: '9999999999',
        user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account verification for payouts', note: 'x'.repeat(5000) },
      },
      { 'x-api-version': '2024-12-01' },
    );
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.type, 'validation_error');
    assert.equal(r.json.code, 'user_consent_value_invalid');
    assert.equal((await gw.admin('GET', `/merchants/${m.id}`)).json.verifications, 1);
  });

  it('gives name matches random references that reveal no count', async () => {
    const cf = gw.cashfree(m.test_key);
    const refs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await cf.post('/name-match', { verification_id: `h-nm-${i}`, name_1: 'John Doe', name_2: 'JOHN DOE' });
      assert.equal(r.status, 200, r.text);
      refs.push(r.json.reference_id);
    }
    assert.equal(new Set(refs).size, 5);
    // Below 2^31: Cashfree's Java SDK reads a name match's reference_id into a 32-bit Integer.
    for (const ref of refs) assert.ok(Number.isInteger(ref) && ref >= 1e8 && ref < 2 ** 31, `reference ${ref}`);
    // Not a counter: consecutive checks are not consecutive numbers.
    assert.ok(refs.slice(1).some((r, i) => Math.abs(r - refs[i]) > 1000), refs.join(','));
    assert.equal((await cf.post('/name-match', { verification_id: 'h-nm-0', name_1: 'A B', name_2: 'A B' })).status, 409);
  });
  it("keeps a payer's account number out of the log when the console searches by it", async () => {
    const made = await gw.cashfree(m.test_key).createRpd({ verification_id: 'h-log', name: 'John Doe' });
    assert.equal((await gw.pay(made.json.upi_link, 'success@upi')).json.status, 'SUCCESS');
    const signIn = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    assert.equal(signIn.status, 303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    // An operator pastes the customer's whole account number into the search: the console's, or
    // the operator API's; with the path written any way the router takes.
    const searches = [
      ['/console/verifications?q=026291800001191', { cookie }],
      ['/console/verifications/?q=026291800001191', { cookie }],
      ['//console//verifications?q=026291800001191', { cookie }],
      ['/admin/verifications?q=026291800001191', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/admin/verifications/?q=026291800001191', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/admin/%76erifications?q=026291800001191', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/console/%76erifications?q=%30%32%36%32%39%31%38%30%30%30%30%31%31%39%31', { cookie }],
      ['/admin/verifications?limit=5&q=0262+9180+0001+191', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/admin/verifications?q=0262_9180/0001%E2%80%94191', { authorization: `Bearer ${ADMIN_TOKEN}` }],
    ] as const;
    for (const [path, headers] of searches) {
      const found = await gw.request('GET', path, { headers });
      assert.equal(found.status, 200, path);
      if (/^[^+_]*$/.test(path)) assert.match(found.text, /h-log/, path); // the search reads digits as typed
      // The request's log line (one, as it completes, with its URL) reaches the output after its answer.
      const reqId = found.headers.get('x-request-id')!;
      await eventually(async () => gw.output.split('\n').filter((l) => l.includes(reqId) && l.includes('request completed')).length, (n) => n >= 1, 5_000, `the log line of ${path}`);
    }
    // The absolute form of the request line (a proxy's), which fetch never sends.
    const absolute = await new Promise<number>((resolve, reject) => {
      const u = new URL(gw.url);
      const r = httpRequest(
        { host: u.hostname, port: u.port, path: `${gw.url}/admin/verifications?q=026291800001191`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      r.on('error', reject);
      r.end();
    });
    assert.ok(absolute < 500, String(absolute));
    await eventually(async () => gw.output.split('\n').filter((l) => l.includes(`"url":"${gw.url}/admin/verifications?q=`)).length, (n) => n >= 1, 5_000, 'the absolute-form log line');
    const lines = gw.output.split('\n').filter((l) => /0262\D{0,9}9180\D{0,9}0001\D{0,9}191|%30%32%36/.test(l));
    assert.deepEqual(lines, [], 'no log line carries the whole account number');
    assert.ok(gw.output.includes('XXXXXXXXXXX1191'), 'the search is still logged, masked');
  });
});

describe('guessing the admin token', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it('is slowed at every door that takes it, not only at the console sign-in', async () => {
    const guess = (i: number) => gw.request('GET', '/admin/merchants', { headers: { authorization: `Bearer guess-${i}` } });
    for (let i = 0; i < 10; i++) assert.equal((await guess(i)).status, 401);
    // From now on this address is refused even the right token (else it would learn which guess was right).
    const next = await gw.admin('GET', '/merchants');
    assert.equal(next.status, 429, next.text);
    assert.equal(next.json.error.code, 'too_many_requests');
    assert.ok(Number(next.headers.get('retry-after')) > 0);
    const sandbox = await gw.request('GET', '/sandbox/upi/payouts', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(sandbox.status, 429, sandbox.text);
    const signIn = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    assert.equal(signIn.status, 429);
  });
});

describe('guessing the admin token behind a trusted proxy', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({ env: { TRUSTED_PROXIES: '127.0.0.1/32' } });
  });
  after(() => gw?.stop());

  it("holds up the guesser's address at the console sign-in, not every client of the proxy", async () => {
    const signIn = (token: string, from: string) =>
      fetch(`${gw.url}/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': from },
        body: new URLSearchParams({ token }),
        redirect: 'manual',
      });
    for (let i = 0; i < 10; i++) assert.equal((await signIn(`guess-${i}`, '203.0.113.9')).status, 401);
    assert.equal((await signIn(ADMIN_TOKEN, '203.0.113.9')).status, 429);
    // The operator, behind the same proxy, still signs in: a stranger's guesses cannot lock the console.
    const operator = await signIn(ADMIN_TOKEN, '198.51.100.7');
    assert.equal(operator.status, 303, await operator.text());
    assert.match(operator.headers.get('set-cookie') ?? '', /^pg_console=/);
    // The guesser waits at the admin API too: one count per address, whichever door.
    const admin = await gw.request('GET', '/admin/merchants', { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(admin.status, 429, admin.text);
  });
});

describe('names and logos recorded before a rule refused them', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it('is refused by the admin API, the console and the command line, and one recorded before reaches the hosted page without it', async () => {
    // Left open, the override ran on into the page's own sentence ("… asks you to verify your
    // bank account. Pay ₹1 …"), which the customer then read reversed.
    const name = 'Acme Lending \u202e';
    assert.equal((await gw.admin('POST', '/merchants', { name })).status, 400);
    const made = await cli({ DATA_DIR: gw.dataDir }, 'merchants', 'create', '--name', name);
    assert.notEqual(made.code, 0);
    assert.match(made.stderr, /bidirectional/);
    const login = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const list = await (await fetch(`${gw.url}/console/merchants`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(list)![1];
    const posted = await fetch(`${gw.url}/console/merchants`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ _csrf: csrf, name }),
    });
    assert.equal(posted.status, 400);
    assert.match(await posted.text(), /bidirectional/);
    assert.equal((await gw.admin('GET', '/merchants')).json.items.length, 0);

    // A name recorded by an earlier version.
    const m = await gw.merchant('Acme Lending');
    await gw.kill();
    const db = new Database(join(gw.dataDir, 'pennygate.db'));
    db.prepare('UPDATE merchants SET name = ? WHERE id = ?').run('Acme \u202eLending', m.id);
    db.close();
    await gw.restart();
    const created = await gw.cashfree(m.test_key).createRpd({ verification_id: 'bidi-1' });
    const page = await (await fetch(created.json.url)).text();
    assert.doesNotMatch(page, /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(page, /<p class="merchant-name">Acme Lending<\/p>/);
    assert.match(page, /Acme Lending asks you to verify your bank account\./);
  });

  it('does not show a logo stored before private addresses were refused', async () => {
    const m = await gw.merchant('Old Logo');
    await gw.kill();
    const db = new Database(join(gw.dataDir, 'pennygate.db'));
    const settings = JSON.parse((db.prepare('SELECT settings FROM merchants WHERE id = ?').get(m.id) as { settings: string }).settings);
    db.prepare('UPDATE merchants SET settings = ? WHERE id = ?').run(JSON.stringify({ ...settings, branding: { logoUrl: 'https://192.168.1.1/logo.png' } }), m.id);
    db.close();
    await gw.restart();
    const created = await gw.cashfree(m.test_key).createRpd({ verification_id: 'old-logo-1' });
    const r = await fetch(created.json.url);
    const page = await r.text();
    assert.equal(r.status, 200);
    assert.doesNotMatch(page, /192\.168\.1\.1/);
    assert.doesNotMatch(r.headers.get('content-security-policy') ?? '', /192\.168/);
  });
});
