// Caller input at the edges of HTTP and JSON, sent as raw bytes where a client library would
// tidy it up. Each refusal is in the dialect's envelope and changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connect } from 'node:net';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, Gateway } from './support/gateway.js';

type Key = { client_id: string; client_secret: string };

/** One request written byte for byte on a fresh connection; the status line, headers and body of the answer. */
function raw(port: number, bytes: Buffer): Promise<{ status: number; head: string; body: string; json: any }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      // Skip an interim 100 Continue.
      const final = text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const [head, ...rest] = final.split('\r\n\r\n');
      let body = rest.join('\r\n\r\n');
      if (/transfer-encoding: chunked/i.test(head)) body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      let json: any = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      resolve({ status: Number(head.split(' ')[1]), head, body, json });
    });
    s.setTimeout(5000, () => s.destroy(new Error('no answer in 5 s')));
    s.write(bytes);
  });
}

function request(method: string, path: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)) {
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body.length > 0 || method === 'POST') lines.push(`content-length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

const cashfreeHeaders = (k: Key) => ({ 'x-client-id': k.client_id, 'x-client-secret': k.client_secret });
const basic = (k: Key) => ({ authorization: `Basic ${Buffer.from(`${k.client_id}:${k.client_secret}`).toString('base64')}` });

describe('caller input at the edges of HTTP and JSON', () => {
  let gw: Gateway;
  let db: Database.Database;
  let m: { id: string; account_number: string; test_key: Key };
  const port = () => Number(new URL(gw.url).port);

  /** The rows a request could create, and the merchant's balance. */
  const state = async () => {
    const rows = db
      .prepare('SELECT (SELECT count(*) FROM verifications) AS v, (SELECT count(*) FROM name_matches) AS n')
      .get() as Record<string, number>;
    const balance = (await gw.admin('GET', `/merchants/${m.id}/balance`)).json.balance_paise;
    return JSON.stringify({ ...rows, balance });
  };

  before(async () => {
    gw = await Gateway.start();
    m = await gw.merchant('Edge Cases');
    db = new Database(join(gw.dataDir, 'pennygate.db'), { readonly: true });
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/pricing`, { reverse_penny_drop: 100, name_match: 10 })).status, 200);
    assert.equal((await gw.admin('POST', `/merchants/${m.id}/balance/top-ups`, { amount_paise: 100_000, reference: 'edge-1' })).status, 201);
  });
  after(async () => {
    db?.close();
    await gw?.stop();
  });

  it('refuses a JSON body that is not UTF-8 in each dialect, instead of keeping U+FFFD for the bytes it could not read', async () => {
    const before = await state();
    const json = { 'content-type': 'application/json' };
    const latin1 = { 'content-type': 'application/json; charset=iso-8859-1' };
    const cases: [string, Record<string, string>, Buffer][] = [
      // José in Latin-1: the é is one byte, 0xE9, which is no UTF-8.
      ['/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...json }, Buffer.from('{"verification_id":"latin-1","name":"Jos\xe9 Doe"}', 'latin1')],
      ['/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...latin1 }, Buffer.from('{"verification_id":"latin-2","name":"Jos\xe9 Doe"}', 'latin1')],
      // Declared Latin-1, read as UTF-8: the same bytes would be other text.
      ['/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...latin1 }, Buffer.from('{"verification_id":"latin-3","name":"Jos\xc3\xa9"}', 'latin1')],
      ['/verification/name-match', { ...cashfreeHeaders(m.test_key), ...json }, Buffer.from('{"verification_id":"latin-4","name_1":"Jos\xe9","name_2":"Jose"}', 'latin1')],
      [
        '/v1/fund_accounts/validations',
        { ...basic(m.test_key), ...json },
        Buffer.from(`{"source_account_number":"${m.account_number}","validation_type":"upi_intent","reference_id":"inv-\xff\xfe"}`, 'latin1'),
      ],
      [
        '/v1/fund_accounts/validations',
        { ...basic(m.test_key), ...json },
        Buffer.from(`{"source_account_number":"${m.account_number}","validation_type":"upi_intent","notes":{"k\xe9y":"v"}}`, 'latin1'),
      ],
    ];
    for (const [path, headers, body] of cases) {
      const r = await raw(port(), request('POST', path, headers, body));
      const what = `${path} ${body.toString('latin1')} -> ${r.status} ${r.body.slice(0, 200)}`;
      assert.equal(r.status, 400, what);
      if (path.startsWith('/v1')) {
        assert.equal(r.json?.error?.code, 'BAD_REQUEST_ERROR', what);
        assert.equal(r.json.error.reason, 'input_validation_failed', what);
      } else {
        assert.deepEqual(Object.keys(r.json ?? {}).sort(), ['code', 'message', 'type'], what);
        assert.equal(r.json.type, 'validation_error', what);
      }
    }
    assert.equal(await state(), before, 'a refused body created or charged something');
    // UTF-8, declared or not, is taken; a byte order mark too.
    for (const [ct, prefix] of [
      ['application/json; charset=utf-8', ''],
      ['application/json; charset="UTF-8"', ''],
      ['application/json; charset=utf8', ''],
      ['application/json', '\ufeff'],
    ]) {
      const id = `utf8-${Math.random().toString(36).slice(2, 10)}`;
      const r = await raw(port(), request('POST', '/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), 'content-type': ct }, Buffer.from(`${prefix}{"verification_id":"${id}","name":"José Doe"}`)));
      assert.equal(r.status, 200, `${ct}: ${r.body.slice(0, 200)}`);
    }
  });

  it('refuses a compressed body by its Content-Encoding in each API, instead of reading its bytes as JSON', async () => {
    const { gzipSync } = await import('node:zlib');
    const before = await state();
    const json = { 'content-type': 'application/json' };
    const rpd = (id: string) => Buffer.from(JSON.stringify({ verification_id: id, name: 'Jane Doe' }));
    const cases: [string, Record<string, string>, Buffer][] = [
      ['/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...json, 'content-encoding': 'gzip' }, gzipSync(rpd('gz-1'))],
      // A plain body labelled as compressed is not taken either: the label says it is something else.
      ['/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...json, 'content-encoding': 'br' }, rpd('gz-2')],
      [
        '/v1/fund_accounts/validations',
        { ...basic(m.test_key), ...json, 'content-encoding': 'gzip' },
        gzipSync(Buffer.from(JSON.stringify({ source_account_number: m.account_number, validation_type: 'upi_intent', reference_id: 'gz-3' }))),
      ],
      ['/admin/merchants', { authorization: `Bearer ${ADMIN_TOKEN}`, ...json, 'content-encoding': 'deflate' }, Buffer.from('{"name":"Compressed"}')],
    ];
    for (const [path, headers, body] of cases) {
      const r = await raw(port(), request('POST', path, headers, body));
      const what = `${path} ${headers['content-encoding']} -> ${r.status} ${r.body.slice(0, 200)}`;
      assert.equal(r.status, 400, what);
      assert.match(r.body, /uncompressed: Content-Encoding (gzip|br|deflate)/, what);
      if (path.startsWith('/v1')) assert.equal(r.json?.error?.code, 'BAD_REQUEST_ERROR', what);
      else if (path.startsWith('/verification')) assert.equal(r.json?.type, 'validation_error', what);
      else assert.equal(r.json?.error?.code, 'invalid_request', what);
    }
    assert.equal(await state(), before, 'a compressed body created or charged something');
    assert.equal((await gw.admin('GET', '/merchants')).json.items.filter((x: any) => x.name === 'Compressed').length, 0);
    // identity is no compression, and is taken.
    const r = await raw(port(), request('POST', '/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), ...json, 'content-encoding': 'identity' }, rpd('gz-identity')));
    assert.equal(r.status, 200, r.body.slice(0, 200));
  });

  it('refuses a name match of a name made only of invisible characters, and charges nothing', async () => {
    const before = await state();
    for (const name of ['\u200b', '\u200b\u200c\u200d', '\u0007', '\u202e', '\u2060', '\u00ad', ' \u200b \u0009']) {
      for (const field of ['name_1', 'name_2'] as const) {
        const body = { verification_id: `blank-${field}`, name_1: 'John Doe', name_2: 'John Doe', [field]: name };
        const r = await gw.cashfree(m.test_key).post('/name-match', body);
        assert.equal(r.status, 400, `${JSON.stringify(name)} as ${field}: ${r.text}`);
        assert.deepEqual(r.json, { type: 'validation_error', code: `${field}_value_invalid`, message: `${field} is not allowed to be empty.` });
      }
    }
    assert.equal(await state(), before, 'a name of nothing visible was scored and charged');
    // A name with such characters inside is still a name.
    const ok = await gw.cashfree(m.test_key).post('/name-match', { verification_id: 'zw-inside', name_1: 'John\u200bDoe', name_2: 'John Doe' });
    assert.equal(ok.status, 200, ok.text);
  });

  it('answers an expectation it cannot meet in the dialect envelope, creating nothing', async () => {
    const before = await state();
    const cf = await raw(
      port(),
      request('POST', '/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), 'content-type': 'application/json', expect: '200-ok' }, Buffer.from('{"verification_id":"expect-1"}')),
    );
    assert.ok(cf.status >= 400 && cf.status < 500, `${cf.status} ${cf.body}`);
    assert.deepEqual(Object.keys(cf.json ?? {}).sort(), ['code', 'message', 'type'], `${cf.status} ${cf.body}`);
    const rz = await raw(
      port(),
      request('POST', '/v1/fund_accounts/validations', { ...basic(m.test_key), 'content-type': 'application/json', expect: 'x' }, Buffer.from(`{"source_account_number":"${m.account_number}","validation_type":"upi_intent"}`)),
    );
    assert.ok(rz.status >= 400 && rz.status < 500, `${rz.status} ${rz.body}`);
    assert.equal(rz.json?.error?.code, 'BAD_REQUEST_ERROR', `${rz.status} ${rz.body}`);
    assert.equal(await state(), before);
  });
  it('refuses an HTTP/1.1 request without a Host header in the envelope of the API asked, creating nothing; HTTP/1.0 needs none', async () => {
    const before = await state();
    const noHost = (method: string, path: string, headers: Record<string, string>, body: string, version = '1.1') =>
      Buffer.from(
        [`${method} ${path} HTTP/${version}`, 'connection: close', `content-length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n') +
          `\r\n\r\n${body}`,
        'latin1',
      );
    const cf = await raw(port(), noHost('POST', '/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), 'content-type': 'application/json' }, '{"verification_id":"nohost-1"}'));
    assert.equal(cf.status, 400, cf.head);
    assert.equal(cf.json?.type, 'validation_error', cf.body);
    assert.match(cf.json?.message, /Host header/);
    const rz = await raw(
      port(),
      noHost('POST', '/v1/fund_accounts/validations', { ...basic(m.test_key), 'content-type': 'application/json' }, `{"source_account_number":"${m.account_number}","validation_type":"upi_intent"}`),
    );
    assert.equal(rz.status, 400, rz.head);
    assert.equal(rz.json?.error?.code, 'BAD_REQUEST_ERROR', rz.body);
    assert.match(rz.head, /x-request-id: /i);
    assert.equal(await state(), before);
    const old = await raw(port(), noHost('GET', '/healthz', {}, '', '1.0'));
    assert.equal(old.status, 200, old.head);
  });

  it('Expect: 100-continue: a wrong key is refused before the body is asked for; a right one gets 100 Continue and is served', async () => {
    const before = await state();
    const body = Buffer.from('{"verification_id":"continue-1","name":"John Doe"}');
    /** Headers only, then what arrives within 800 ms; the body is sent only after a 100. */
    const headersFirst = (path: string, headers: Record<string, string>) =>
      new Promise<{ first: string; all: string; closed: boolean }>((resolve, reject) => {
        const sock = connect(port(), '127.0.0.1');
        const lines = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/json', `content-length: ${body.length}`, 'expect: 100-continue',
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
        let text = '';
        let first = '';
        let closed = false;
        sock.on('data', (d) => {
          text += d.toString('latin1');
          if (!first && text.includes('\r\n\r\n')) {
            first = text.split('\r\n')[0];
            if (first === 'HTTP/1.1 100 Continue') sock.write(body);
          }
        });
        sock.on('end', () => (closed = true));
        sock.on('error', reject);
        sock.write(`${lines.join('\r\n')}\r\n\r\n`);
        setTimeout(() => {
          sock.destroy();
          resolve({ first, all: text, closed });
        }, 800);
      });
    const wrong = { 'x-client-id': m.test_key.client_id, 'x-client-secret': 'not-the-secret' };
    const refused = await headersFirst('/verification/reverse-penny-drop', wrong);
    assert.equal(refused.first, 'HTTP/1.1 401 Unauthorized', refused.all);
    assert.doesNotMatch(refused.all, /100 Continue/);
    assert.match(refused.all, /\r\nconnection: close\r\n/i);
    assert.ok(refused.closed, 'the connection is closed, the body never expected');
    const rzRefused = await headersFirst('/v1/fund_accounts/validations', { authorization: `Basic ${Buffer.from(`${m.test_key.client_id}:wrong`).toString('base64')}` });
    assert.equal(rzRefused.first, 'HTTP/1.1 401 Unauthorized', rzRefused.all);
    assert.doesNotMatch(rzRefused.all, /100 Continue/);
    assert.equal(await state(), before);

    const served = await headersFirst('/verification/reverse-penny-drop', cashfreeHeaders(m.test_key));
    assert.equal(served.first, 'HTTP/1.1 100 Continue', served.all);
    assert.match(served.all, /\r\n\r\nHTTP\/1\.1 200 OK\r\n/, served.all);
    assert.doesNotMatch(served.all, /connection: close/i, 'kept alive once the key passed');
    assert.match(served.all, /"verification_id":"continue-1"/);
  });
  it('answers a request HTTP cannot frame (two lengths, a bad chunk, headers too large) in the envelope of the API it was sent to', async () => {
    const before = await state();
    const body = Buffer.from('{"verification_id":"framing-1"}');
    const cases: [string, Buffer][] = [
      // Two Content-Length headers that disagree.
      ['/verification/reverse-penny-drop', request('POST', '/verification/reverse-penny-drop', { ...cashfreeHeaders(m.test_key), 'content-type': 'application/json', 'content-length': '3' }, body)],
      ['/v1/fund_accounts/validations', request('POST', '/v1/fund_accounts/validations', { ...basic(m.test_key), 'content-type': 'application/json', 'content-length': '3' }, body)],
      [
        '/verification/reverse-penny-drop',
        // Headers, then a chunk size that is no number.
        Buffer.from(
          `POST /verification/reverse-penny-drop HTTP/1.1\r\nhost: 127.0.0.1\r\nx-client-id: ${m.test_key.client_id}\r\nx-client-secret: ${m.test_key.client_secret}\r\n` +
            'content-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
        ),
      ],
      ['/v1/fund_accounts/validations', request('GET', '/v1/fund_accounts/validations', { ...basic(m.test_key), 'x-padding': 'p'.repeat(20_000) })],
      ['/verification/remitter/status', request('GET', '/verification/remitter/status?ref_id=1', { ...cashfreeHeaders(m.test_key), 'x-padding': 'p'.repeat(20_000) })],
    ];
    for (const [path, bytes] of cases) {
      const r = await raw(port(), bytes);
      const what = `${bytes.toString('latin1').slice(0, 120)} -> ${r.status} ${r.body.slice(0, 200)}`;
      assert.ok(r.status >= 400 && r.status < 500, what);
      if (path.startsWith('/v1')) assert.equal(r.json?.error?.code, 'BAD_REQUEST_ERROR', what);
      else assert.deepEqual(Object.keys(r.json ?? {}).sort(), ['code', 'message', 'type'], what);
      assert.match(r.head, /x-content-type-options: nosniff/i, what);
    }
    assert.equal(await state(), before);
  });
  it("answers a path outside every API (a prefix in the wrong case, a typo) in pennygate's own envelope", async () => {
    for (const path of ['/V1/fund_accounts/validations', '/Verification/remitter/status?ref_id=1', '/v1x', '/verificationx', '/nowhere']) {
      const r = await gw.request('GET', path, { headers: cashfreeHeaders(m.test_key) });
      assert.equal(r.status, 404, `${path}: ${r.text}`);
      assert.equal(r.json?.error?.code, 'not_found', `${path}: ${r.text}`);
      assert.equal(typeof r.json.error.message, 'string', `${path}: ${r.text}`);
    }
  });
});
