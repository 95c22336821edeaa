// What the operator relies on: the admin API, the CLI, /openapi.json, /healthz, and logs
// that never carry a secret or a full account number.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ADMIN_TOKEN, Gateway, eventually, freshPostgres, needsPostgres } from './support/gateway.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');

describe('operator', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it('serves /healthz', async () => {
    const r = await gw.request('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
  });

  it('creates a merchant through the admin API with the documented fields', async () => {
    const r = await gw.admin('POST', '/merchants', { name: 'Acme' });
    assert.equal(r.status, 201);
    assert.match(r.json.id, /^mer_/);
    assert.equal(r.json.name, 'Acme');
    assert.match(r.json.account_number, /^\d{16}$/);
    assert.match(r.json.test_key.client_id, /^pg_test_/);
    assert.ok(r.json.test_key.client_secret.length >= 40);
    const shown = await gw.admin('GET', `/merchants/${r.json.id}`);
    assert.equal(shown.json.account_number, r.json.account_number);
    assert.equal(JSON.stringify(shown.json).includes(r.json.test_key.client_secret), false, 'the secret is shown once');
  });

  it('refuses the admin API without the token, and bad admin input', async () => {
    const none = await gw.request('POST', '/admin/merchants', { body: { name: 'x' } });
    assert.equal(none.status, 401);
    const wrong = await gw.request('POST', '/admin/merchants', { headers: { authorization: 'Bearer nope' }, body: { name: 'x' } });
    assert.equal(wrong.status, 401);
    // The scheme is matched without case, as HTTP has it.
    assert.equal((await gw.request('GET', '/admin/merchants', { headers: { authorization: `bearer ${ADMIN_TOKEN}` } })).status, 200);
    assert.equal((await gw.request('GET', '/admin/merchants', { headers: { authorization: `Basic ${ADMIN_TOKEN}` } })).status, 401);
    assert.equal((await gw.admin('POST', '/merchants', {})).status, 400);
    assert.equal((await gw.admin('POST', '/merchants', { name: '' })).status, 400);
    assert.equal((await gw.admin('POST', '/merchants', { name: 7 })).status, 400);
    assert.equal((await gw.admin('GET', '/merchants/mer_nobody')).status, 404);
  });

  it('creates a merchant from the command line whose keys work against the running server', async () => {
    const env = { ...process.env, DATA_DIR: gw.dataDir, ADMIN_TOKEN };
    const { stdout } = await run(process.execPath, [CLI, 'merchants', 'create', '--name', 'From the CLI', '--json'], { env });
    const m = JSON.parse(stdout);
    assert.equal(m.name, 'From the CLI');
    const r = await gw.cashfree(m.test_key).createRpd({ verification_id: 'cli-made-1' });
    assert.equal(r.status, 200, r.text);
    const list = JSON.parse((await run(process.execPath, [CLI, 'merchants', 'list', '--json'], { env })).stdout);
    assert.ok(list.items.some((x: any) => x.id === m.id));
    await assert.rejects(run(process.execPath, [CLI, 'merchants', 'create'], { env }), /--name/);
  });

  it('publishes the OpenAPI document generated from the validating schemas', async () => {
    const r = await gw.request('GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    const create = r.json.paths['/verification/reverse-penny-drop'].post;
    const schema = create.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['verification_id']);
    assert.equal(schema.properties.verification_id.maxLength, 50);
    assert.equal(schema.properties.verification_id.pattern, '^[A-Za-z0-9._-]+$');
    assert.ok(create.responses['200'].content['application/json'].schema.properties.qr_code);
    assert.ok(r.json.paths['/verification/remitter/status'].get);
  });

  it('never logs a client secret or a full account number', async () => {
    const { test_key } = await gw.merchant('Logged');
    const cf = gw.cashfree(test_key);
    const created = (await cf.createRpd({ verification_id: 'log-1', name: 'John Doe' })).json;
    await cf.createRpd({ verification_id: 'log-2' }); // and a request that fails auth:
    await gw.request('POST', '/verification/reverse-penny-drop', {
      headers: { 'x-client-id': test_key.client_id, 'x-client-secret': 'wrong-secret-value' },
      body: { verification_id: 'log-3' },
    });
    const paid = await gw.pay(created.upi_link, 'success@upi');
    await gw.refundsSettled(paid.json.utr, 5000);
    assert.match(gw.output, /credit recorded/);
    assert.ok(!gw.output.includes(test_key.client_secret), 'client secret in logs');
    assert.ok(!gw.output.includes('wrong-secret-value'), 'presented secret in logs');
    assert.ok(!gw.output.includes('026291800001191'), 'full account number in logs');
    assert.match(gw.output, /XXXXXXXXXXX1191/);
  });
});

describe('secret key', () => {
  it('refuses to start with another SECRET_KEY than the store was set up with', async () => {
    const gw = await Gateway.start({ env: { SECRET_KEY: 'aa'.repeat(32) } });
    await gw.merchant('Sealed');
    await gw.stop();
    await assert.rejects(
      Gateway.start({ dataDir: gw.dataDir, env: { SECRET_KEY: 'bb'.repeat(32) } }),
      /SECRET_KEY does not match/,
    );
    const again = await Gateway.start({ dataDir: gw.dataDir, env: { SECRET_KEY: 'aa'.repeat(32) } });
    await again.stop();
  });
});

describe('operator token', () => {
  it('refuses to start on an ADMIN_TOKEN shorter than 24 characters, naming the setting; 24 start', async () => {
    for (const token of ['x', 'admin', 'a'.repeat(23)]) {
      await assert.rejects(Gateway.start({ env: { ADMIN_TOKEN: token } }), /ADMIN_TOKEN must be at least 24 characters/, `ADMIN_TOKEN of ${token.length}`);
    }
    const gw = await Gateway.start({ env: { ADMIN_TOKEN: 'b'.repeat(24) } });
    try {
      const r = await gw.request('GET', '/admin/jobs/dead', { headers: { authorization: `Bearer ${'b'.repeat(24)}` } });
      assert.equal(r.status, 200, r.text);
    } finally {
      await gw.stop();
    }
    // The CLI reads the same setting and says the same.
    const cli = await run(process.execPath, [CLI, 'admin-token'], { env: { ...process.env, DATA_DIR: gw.dataDir, ADMIN_TOKEN: 'short' } }).then(
      () => '',
      (err) => String(err.stderr),
    );
    assert.match(cli, /ADMIN_TOKEN must be at least 24 characters/);
  });
});

describe('sandbox switch', () => {
  it('refuses to start on a switch it cannot read as true or false, rather than guess: SANDBOX_ENABLED=0 served the sandbox', async () => {
    // A live instance, whose sandbox is off unless the operator turns it on.
    const live = {
      BANK_CONNECTOR_URL: 'http://127.0.0.1:9',
      BANK_CONNECTOR_SECRET: 'a-connector-secret-0123',
      LIVE_PAYEE_VPA: 'acme@examplebank',
      LIVE_PAYEE_NAME: 'Acme',
      LIVE_MCC: '6012',
    };
    const start = async (env: Record<string, string>) => {
      let gw: Gateway;
      try {
        gw = await Gateway.start({ env: { ...live, ...env } });
      } catch (err) {
        return (err as Error).message;
      }
      const sandbox = (await gw.request('GET', '/sandbox/upi/payers')).status;
      await gw.stop();
      return `started, /sandbox answering ${sandbox}`;
    };
    for (const value of ['0', 'no', 'False', 'off']) {
      assert.match(await start({ SANDBOX_ENABLED: value }), /SANDBOX_ENABLED must be true or false/, `SANDBOX_ENABLED=${value}`);
    }
    for (const value of ['1', 'yes', 'TRUE']) {
      assert.match(await start({ WEBHOOK_ALLOW_PRIVATE: value }), /WEBHOOK_ALLOW_PRIVATE must be true or false/, `WEBHOOK_ALLOW_PRIVATE=${value}`);
    }
  });

  it('serves no /sandbox and no "pay as" buttons when SANDBOX_ENABLED=false', async () => {
    const gw = await Gateway.start({ env: { SANDBOX_ENABLED: 'false' } });
    try {
      const created = (await gw.cashfree((await gw.merchant()).test_key).createRpd({ verification_id: 'nosb-1' })).json;
      const pay = await gw.pay(created.upi_link, 'success@upi');
      assert.equal(pay.status, 404);
      const page = await gw.request('GET', new URL(created.url).pathname);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /pay-as/);
    } finally {
      await gw.stop();
    }
  });
});

// The lists read a page at a time take back only the cursors they gave: anything else is a 400,
// on either store (PostgreSQL refused a NUL inside the statement: a 500).
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`paged lists and a cursor they did not give (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      let databaseUrl: string | undefined;
      if (store === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      gw = await Gateway.start({ databaseUrl });
    });
    after(async () => {
      await gw?.stop();
      await drop?.();
    });

    it('answers 400 invalid_request, never a 500', async () => {
      const m = await gw.merchant('Pages');
      const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
      const hostile = [
        b64([1, '\u0000']),
        b64([1, 'a\u0000b']),
        b64([1, 'é']),
        b64([1, "x' OR 1=1 --"]),
        b64('not json'),
        b64([1e400, 'a']),
        b64([1.5, 'a']),
        b64([2 ** 60, 'a']),
        b64({ at: 1, id: 'a' }),
        b64([1, 'a', 'b']),
        b64([1, 12345678901234567]),
      ];
      // A job's id is a number, within what a double holds exactly.
      const notJobs = [b64([1, '9'.repeat(16)]), b64([1, 'abc']), b64([1, '0'])];
      const numbered = ['/jobs/dead', '/payouts/unsettled'];
      const oldestFirst = ['/refunds/outstanding', '/refunds/review', '/payouts/unsettled', '/bank/set-aside?state=all&'];
      for (const path of [...oldestFirst, '/jobs/dead', `/merchants/${m.id}/webhook/deliveries`]) {
        const url = (cursor: string) => `${path}${path.endsWith('&') ? '' : '?'}after=${cursor}`;
        for (const cursor of numbered.includes(path) ? [...hostile, ...notJobs] : hostile) {
          const r = await gw.admin('GET', url(cursor));
          assert.equal(r.status, 400, `${path} ${Buffer.from(cursor, 'base64url').toString()}: ${r.text}`);
          assert.equal(r.json.error.code, 'invalid_request');
        }
        // A well-formed place past the end: an empty page, the totals still there.
        const end = await gw.admin('GET', url(b64([Date.now() + 86_400_000 * (oldestFirst.includes(path) ? 1 : -1), '1'])));
        assert.equal(end.status, 200, end.text);
        assert.deepEqual([end.json.items, end.json.next], [[], null]);
        // A ref_id of 16 digits, as earlier builds gave mobile penny drops, is a place of its list.
        if (path === '/payouts/unsettled') assert.equal((await gw.admin('GET', url(b64([1, '4503599627370497'])))).status, 200);
      }
    });
  });
}
