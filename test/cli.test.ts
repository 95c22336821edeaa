// The command line as people and scripts use it: help for every command, tables or --json,
// export lines that feed the next step, an admin token that is the servers' own, progress, and
// webhooks on a laptop (trigger, listen).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ADMIN_TOKEN, Gateway, cli, eventually, needsPostgres, sleep, storeFor } from './support/gateway.js';
import { Receiver } from './support/receiver.js';
import { connectorEnv } from './support/live.js';
import { LATEST_VERSION } from '../src/store/migrate.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'pennygate.mjs');
const execP = promisify(execFile);

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ifsc');

/**
 * The CLI at a terminal (a pseudo-terminal, by util-linux's script): `answer` is typed once it
 * asks (`[y/N]`), never before; it is not asked, nothing is typed.
 */
function atTerminal(env: Record<string, string>, answer: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const { PATH, HOME } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], { env: { PATH, HOME, ...env } });
    let output = '';
    let typed = false;
    const read = (d: Buffer) => {
      output += d;
      if (!typed && output.includes('[y/N]')) (typed = true), child.stdin.write(answer);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(stuck), resolve({ code: code ?? -1, output })));
  });
}

describe('command line', () => {
  let gw: Gateway;
  let env: Record<string, string>;
  before(async () => {
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    env = { DATA_DIR: gw.dataDir, ADMIN_TOKEN, WEBHOOK_ALLOW_PRIVATE: 'true' };
  });
  after(() => gw?.stop());

  it('has --help for every command, and says so of an unknown one', async () => {
    const top = await cli(env, '--help');
    assert.equal(top.code, 0);
    // Read in an 80-column terminal.
    const narrow = (text: string, what: string) => {
      for (const l of text.split('\n')) assert.ok(l.length <= 80, `${what}: ${l.length} columns: ${l}`);
    };
    narrow(top.stdout, '--help');
    // Each usage line (indented two) starts with the command's words, then its arguments (upper
    // case or --options); the rest of a long usage and the summary are indented further.
    const commands = top.stdout
      .split('\n\n')[1]
      .split('\n')
      .filter((l) => /^ {2}[a-z]/.test(l))
      .map((l) => l.trim().split(' ').slice(0, 2).filter((w, i) => /^[a-z][a-z-]*$/.test(w) && (i === 0 || !w.startsWith('-'))).join(' '));
    assert.ok(commands.length >= 12, top.stdout);
    for (const c of commands) {
      const h = await cli(env, ...c.split(' '), '--help');
      assert.equal(h.code, 0, `${c}: ${h.stderr}`);
      assert.match(h.stdout, new RegExp(`^usage: pennygate ${c}`), c);
      narrow(h.stdout, `${c} --help`);
    }
    // The version, for a bug report: the package's, and the schema its store is migrated to.
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const v = await cli(env, flag);
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout.trim(), `pennygate ${pkg.version} (store schema version ${LATEST_VERSION})`);
    }
    // A script that asks for JSON gets its errors as JSON, with the usage error's exit code.
    const bad = await cli(env, 'merchants', 'show', 'no-such-merchant', '--json');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(JSON.parse(bad.stderr).error, /no-such-merchant/);
    assert.equal(JSON.parse((await cli(env, 'merchants', 'list', '--bogus', '--json')).stderr).usage, true);
    // A group's --help lists its commands; the group alone is still a usage error.
    const group = await cli(env, 'merchants', '--help');
    assert.equal(group.code, 0, group.stderr);
    assert.match(group.stdout, /^usage: pennygate merchants <command>/);
    for (const c of ['merchants create --name NAME', 'merchants list', 'merchants show MERCHANT']) assert.ok(group.stdout.includes(c), group.stdout);
    assert.doesNotMatch(group.stdout, /webhook set/);
    assert.equal((await cli(env, 'merchants')).code, 2);
    const unknown = await cli(env, 'merchants', 'frob');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "merchants frob"; merchants takes: create, list, show/);
    assert.match((await cli(env, 'frobnicate')).stderr, /unknown command "frobnicate"/);
    assert.match((await cli(env, 'merchants', 'list', '--bogus')).stderr, /pennygate: .*--bogus/);
    assert.equal((await cli(env)).code, 2);
  });

  it('starts the bank simulator only with a secret of 16 characters or more, from its environment', async () => {
    const args = ['bank-simulator', '--port', '0', '--gateway', 'http://127.0.0.1:9'];
    for (const e of [{}, { BANK_CONNECTOR_SECRET: 'fifteen-chars-x' }] as Record<string, string>[]) {
      const r = await cli(e, ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /bank-simulator needs BANK_CONNECTOR_SECRET in its environment/);
    }
    // With one it starts: every live suite runs it so (test/support/simulator.ts), never with --secret.
    const settle = await cli({ BANK_CONNECTOR_SECRET: 'a-simulator-secret-0123', SIMULATOR_REFUND_SETTLE_MS: '5s' }, ...args);
    assert.equal(settle.code, 2, settle.stderr);
    assert.match(settle.stderr, /SIMULATOR_REFUND_SETTLE_MS must be a whole number of milliseconds, got "5s"/);
  });

  it('runs the bank simulator collecting for the VPA given (--payee-vpa, else LIVE_PAYEE_VPA), and refuses one that is not a VPA', async () => {
    const args = ['bank-simulator', '--port', '0', '--gateway', 'http://127.0.0.1:9'];
    const secret = { BANK_CONNECTOR_SECRET: 'a-simulator-secret-0123' };
    const badEnv = await cli({ ...secret, LIVE_PAYEE_VPA: 'pennygate' }, ...args);
    assert.equal(badEnv.code, 2, badEnv.stderr);
    assert.match(badEnv.stderr, /bank-simulator: LIVE_PAYEE_VPA is not a VPA: "pennygate"/);
    const badFlag = await cli(secret, ...args, '--payee-vpa', 'acme verify@examplebank');
    assert.equal(badFlag.code, 2, badFlag.stderr);
    assert.match(badFlag.stderr, /bank-simulator: --payee-vpa is not a VPA: "acme verify@examplebank"/);

    const { PATH, HOME } = process.env;
    const proc = spawn(process.execPath, [BIN, ...args, '--payee-vpa', 'Acme.Verify@examplebank'], {
      env: { PATH, HOME, ...secret, LIVE_PAYEE_VPA: 'pennygate@simbank' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    try {
      const line = await eventually(async () => out, (o) => o.includes('listening') || proc.exitCode !== null, 10_000, 'the simulator to listen');
      assert.match(line, /collecting for Acme\.Verify@examplebank,/);
      const url = /listening on (http:\/\/[^,\s]+)/.exec(line)![1];
      const pay = async (pa: string) => {
        const upi_link = `upi://pay?pa=${pa}&pn=Acme&am=1.00&cu=INR&tr=${Date.now()}`;
        const r = await fetch(`${url}/simulator/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ upi_link, payer_vpa: 'success@upi' }) });
        return { status: r.status, json: await r.json() };
      };
      // The flag's VPA, in any case; not the environment's, nor the sandbox's.
      assert.equal((await pay('acme.verify@examplebank')).json.status, 'SUCCESS');
      for (const other of ['pennygate@simbank', 'pennygate@sandbox']) {
        const r = await pay(other);
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, { error: { code: 'payee_not_here', message: `payee ${other} is not an account of this bank: it collects for Acme.Verify@examplebank only` } });
      }
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await gone;
      }
    }
  });

  it('says which port the bank simulator cannot take, and exits, when another process holds it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const r = await cli({ BANK_CONNECTOR_SECRET: 'a-simulator-secret-0123' }, 'bank-simulator', '--port', String(port), '--gateway', 'http://127.0.0.1:9');
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, new RegExp(`^pennygate: bank-simulator: --port ${port} on 127\\.0\\.0\\.1 is in use by another process`));
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('prints export lines that set what the next step uses, tables for people and JSON for scripts', async () => {
    const shell = `eval "$(node ${JSON.stringify(BIN)} merchants create --name 'Export Co' --export)"; echo "$MERCHANT|$ID|$SECRET|$ACCOUNT_NUMBER"`;
    const { stdout } = await execP('sh', ['-c', shell], { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });
    const [merchant, id, secret, account] = stdout.trim().split('|');
    assert.match(merchant, /^mer_/);
    assert.match(account, /^\d{16}$/);
    // The exported key pair works against the running server.
    const r = await gw.cashfree({ client_id: id, client_secret: secret }).createRpd({ verification_id: 'cli-export-1' });
    assert.equal(r.status, 200, r.text);

    const human = await cli(env, 'merchants', 'list');
    assert.match(human.stdout, /^ID +NAME +ACCOUNT NUMBER +WEBHOOK +CREATED\n/);
    assert.match(human.stdout, new RegExp(`${merchant} +Export Co +${account}`));
    const machine = JSON.parse((await cli(env, 'merchants', 'list', '--json')).stdout);
    assert.ok(machine.items.some((m: any) => m.id === merchant));
  });

  it('refuses the log and store settings the gateway refuses, with the same line', async () => {
    for (const [name, value, line] of [
      ['LOG_LEVEL', 'verbose', /^pennygate: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"\n$/],
      ['LOG_FORMAT', 'text', /^pennygate: LOG_FORMAT must be one of json, pretty; got "text"\n$/],
      ['SQLITE_SYNCHRONOUS', 'OFF', /^pennygate: SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "OFF"\n$/],
    ] as const) {
      const r = await cli({ ...env, [name]: value }, 'merchants', 'list');
      assert.equal(r.code, 1, `${name}=${value}: ${r.stderr}`);
      assert.match(r.stderr, line, `${name}=${value}`);
    }
    assert.equal((await cli({ ...env, LOG_FORMAT: 'pretty' }, 'merchants', 'list')).code, 0);
  });

  it('admin-token tells the truth: the token the servers use, or what to set', async () => {
    assert.equal((await cli(env, 'admin-token')).stdout.trim(), ADMIN_TOKEN);
    assert.equal((await cli(env, 'admin-token', '--export')).stdout.trim(), `export ADMIN='${ADMIN_TOKEN}'`);
    // SQLite without ADMIN_TOKEN: the token file the server wrote and checks.
    const own = await Gateway.start({ env: { ADMIN_TOKEN: '' } });
    try {
      const token = (await cli({ DATA_DIR: own.dataDir }, 'admin-token')).stdout.trim();
      const r = await own.request('GET', '/admin/merchants', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
    } finally {
      await own.stop();
    }
    // Shared PostgreSQL without ADMIN_TOKEN: no token to tell; say what to set.
    const pg = await cli({ DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-cli-')), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' }, 'admin-token');
    assert.equal(pg.code, 2);
    assert.equal(pg.stdout, '');
    assert.match(pg.stderr, /set ADMIN_TOKEN/);
  });

  it('refuses to answer from a store that is not there, and makes no files where it was run', async () => {
    // An operator in the wrong folder (or without DATA_DIR) must not read "0 owed" from an empty
    // store made on the spot, nor get an admin token no gateway checks.
    const empty = mkdtempSync(join(tmpdir(), 'pennygate-cli-'));
    for (const args of [['refunds', 'owed'], ['merchants', 'list'], ['jobs', 'dead'], ['admin-token']]) {
      const r = await cli({ DATA_DIR: empty }, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^pennygate: .*no (store|admin token) in ${empty}: run this with the gateway's DATA_DIR`), args.join(' '));
    }
    // Without DATA_DIR, in a folder with no ./data: said too, and ./data is not made.
    const cwd = mkdtempSync(join(tmpdir(), 'pennygate-cli-'));
    const bare = await execP(process.execPath, [BIN, 'refunds', 'owed'], { cwd, env: { PATH: process.env.PATH! } }).catch((e) => e);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /no store in .*\/data \(DATA_DIR is not set: \.\/data is the default\)/);
    assert.deepEqual([readdirSync(empty), readdirSync(cwd)], [[], []]);
    // A command that sets a store up may make it in a DATA_DIR named for it.
    const made = await cli({ DATA_DIR: empty }, 'merchants', 'create', '--name', 'Before First Start');
    assert.equal(made.code, 0, made.stderr);
    // Said, for the DATA_DIR that was mistyped; not again once the store is there.
    assert.match(made.stderr, new RegExp(`no store was in ${empty}: made a new one there`));
    const owed = await cli({ DATA_DIR: empty }, 'refunds', 'owed');
    assert.equal(owed.code, 0);
    assert.doesNotMatch(owed.stderr, /made a new one/);
  });

  it('ifsc import shows progress on stderr', async () => {
    const r = await cli({ DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-cli-')) }, 'ifsc', 'import', FIXTURE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /importing: 58 records, 12\/12 files/);
    assert.match(r.stdout, /^imported 58 records from 12 files/);
    const missing = await cli({ DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-cli-')) }, 'ifsc', 'import', './no-such-ifsc-data');
    assert.equal(missing.code, 2);
    // The store the command made on the way is said too (it stays), then why it stopped.
    assert.match(missing.stderr, /^pennygate: no store was in .*: made a new one there .*\npennygate: no such file or folder: \.\/no-such-ifsc-data\n$/);
  });

  it('finds a verification from what a customer quotes and tells its story (CLI and admin API)', async () => {
    const m = await gw.merchant('Lookup Co');
    const cf = gw.cashfree(m.test_key);
    const created = (await cf.createRpd({ verification_id: 'lookup-1', name: 'John Doe' })).json;
    const paid = (await gw.pay(created.upi_link, 'success@upi')).json;
    const detail = await eventually(
      async () => (await gw.admin('GET', `/verifications/${created.ref_id}`)).json,
      (d) => d.credits?.[0]?.refund_status === 'success',
      15_000,
      'the rupee back',
    );
    const account = detail.verification.payer.account as string;
    // Whatever is quoted: the merchant's verification_id, the ref_id, the fav_ id, the UTR, the
    // account number's last digits.
    for (const q of ['lookup-1', String(created.ref_id), detail.verification.public_id, paid.utr, account.slice(-6)]) {
      const found = await cli(env, 'verifications', 'find', q, '--json');
      assert.equal(found.code, 0, found.stderr);
      const items = JSON.parse(found.stdout).items;
      assert.ok(items.some((v: any) => v.ref_id === created.ref_id && v.status === 'SUCCESS' && v.refund === 'success'), `${q}: ${found.stdout}`);
      const api = await gw.admin('GET', `/verifications?q=${encodeURIComponent(q)}`);
      assert.equal(api.status, 200, api.text);
      assert.deepEqual(api.json.items, items);
    }
    const table = await cli(env, 'verifications', 'find', 'lookup-1');
    assert.match(table.stdout, /^REF ID +MERCHANT +KIND/);
    assert.match(table.stdout, new RegExp(`${created.ref_id} +${m.id} +rpd +test +lookup-1 +SUCCESS +SUCCESS +${paid.utr} +success`));
    assert.equal(JSON.parse((await cli(env, 'verifications', 'find', 'nobody-quoted-this', '--json')).stdout).count, 0);
    // More than 50 match (the sandbox payer's account, paid 51 times more): the newest 50, said so.
    let last = 0;
    for (let i = 0; i < 51; i++) {
      const v = (await cf.createRpd({ verification_id: `lookup-many-${i}` })).json;
      assert.equal((await gw.pay(v.upi_link, 'success@upi')).status, 200);
      last = v.ref_id;
    }
    const many = JSON.parse((await cli(env, 'verifications', 'find', account.slice(-4), '--json')).stdout);
    assert.equal(many.count, 50);
    assert.equal(many.truncated, true);
    assert.equal(many.items[0].ref_id, last, 'the newest first');
    const times = many.items.map((v: any) => v.created_at);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.equal((await gw.admin('GET', `/verifications?q=${account.slice(-4)}`)).json.truncated, true);
    assert.match((await cli(env, 'verifications', 'find', account.slice(-4))).stdout, /^more match: the newest 50 shown\n/);
    assert.equal(JSON.parse((await cli(env, 'verifications', 'find', 'lookup-1', '--json')).stdout).truncated, false);

    const shown = await cli(env, 'verifications', 'show', String(created.ref_id));
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^status +SUCCESS$/m);
    assert.match(shown.stdout, /^name match +DIRECT_MATCH \(100\)$/m);
    assert.match(shown.stdout, new RegExp(`^cr_\\S+ +${paid.bank_txn_id} +1\\.00 +success +1 `, 'm'));
    assert.match(shown.stdout, /Refund success after 1 attempt/);
    const story = JSON.parse((await cli(env, 'verifications', 'show', String(created.ref_id), '--json')).stdout);
    assert.deepEqual(story.credits, detail.credits);
    assert.deepEqual(
      [...new Set(story.timeline.map((e: any) => e.kind))].sort(),
      ['created', 'credit', 'event', 'name_match', 'refund', 'status'],
    );
    assert.deepEqual(story.timeline, (await gw.admin('GET', `/verifications/${created.ref_id}`)).json.timeline);
    // Worded as the rest of the operator API is: snake_case fields, times in ISO 8601.
    assert.deepEqual(story.verification, { ...detail.verification, refund: story.verification.refund });
    assert.equal(JSON.stringify(detail).match(/"[a-z]+[A-Z]\w*":/), null, 'no camelCase field');
    assert.equal(detail.verification.status, 'SUCCESS');
    assert.match(detail.verification.created_at, /^\d{4}-\d{2}-\d{2}T.*Z$/);

    // Bad input: a usage error, never a crash, never a guess.
    for (const args of [['find'], ['find', 'x'.repeat(129)], ['show'], ['show', 'abc'], ['show', '99999999999999999'], ['show', '1']]) {
      const r = await cli(env, 'verifications', ...args);
      assert.equal(r.code, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, /^pennygate: (verifications|no verification)/, String(args));
    }
    for (const q of ['', '%20%20', 'x'.repeat(129)]) {
      const r = await gw.admin('GET', `/verifications?q=${q}`);
      assert.equal(r.status, 400, `q=${q}: ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_request');
    }
    assert.equal((await gw.admin('GET', '/verifications')).status, 400);
  });

  it('webhook remove stops the events and says when there was nothing to remove', async () => {
    const m = await gw.merchant('Quiet Co');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: 'http://127.0.0.1:9/hooks', dialect: 'cashfree' })).status, 200);
    const removed = await cli(env, 'webhook', 'remove', m.id, '--json');
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { merchant_id: m.id, webhook: null });
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/webhook`)).status, 404);
    const again = await cli(env, 'webhook', 'remove', m.id);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /no webhook set for/);
    assert.equal((await cli(env, 'webhook', 'remove', 'mer_nobody')).code, 2);
    const nobody = await cli(env, 'webhook', 'deliveries', 'mer_nobody');
    assert.equal(nobody.code, 2);
    assert.match(nobody.stderr, /no merchant mer_nobody/);
    assert.equal((await cli(env, 'webhook', 'remove')).code, 2);
  });

  it('refuses an option the command does not take and a word more than it takes, changing nothing', async () => {
    const before = JSON.parse((await cli(env, 'merchants', 'list', '--json')).stdout).items.length;
    // An unquoted name: the second word would have been dropped, the merchant named "Acme".
    const unquoted = await cli(env, 'merchants', 'create', '--name', 'Acme', 'Lending');
    assert.equal(unquoted.code, 2);
    assert.match(unquoted.stderr, /merchants create takes no word besides its options, not "Lending" .*--name "Acme Lending"/);
    const m = await gw.merchant('Strict Co');
    for (const [args, said] of [
      [['keys', 'revoke', m.id, m.test_key.client_id, 'pg_test_another'], /keys revoke takes 2 words besides its options, not "pg_test_another"/],
      [['merchants', 'list', 'extra'], /merchants list takes no word/],
      [['merchants', 'show', m.id, '--note', 'x'], /merchants show takes no --note \(usage: pennygate merchants show MERCHANT\)/],
      [['refunds', 'owed', '--state', 'open'], /refunds owed takes no --state/],
      [['verifications', 'find', 'John', 'Doe'], /verifications find takes one word besides its options, not "Doe"/],
    ] as const) {
      const r = await cli(env, ...args);
      assert.equal(r.code, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, said);
    }
    assert.equal((await gw.admin('GET', `/merchants/${m.id}/keys`)).json.items[0].status, 'active', 'nothing revoked');
    assert.equal(JSON.parse((await cli(env, 'merchants', 'list', '--json')).stdout).items.length, before + 1, 'only Strict Co made');
    // What a command does take still goes: its options, variadic words, the options of every command.
    assert.equal((await cli(env, 'allowlist', 'set', m.id, '203.0.113.7/32', '198.51.100.0/24', '--json')).code, 0);
    assert.equal((await cli(env, 'set-aside', 'list', '--state', 'all', '--json')).code, 0);
    assert.equal((await cli(env, 'webhook', 'set', m.id, '--url', 'http://127.0.0.1:9/h', '--dialect', 'cashfree', '--rotate-secret', '--json')).code, 0);
  });

  it('asks at a terminal before a change that cannot be taken back; scripts and --yes go on as asked', async () => {
    const m = await gw.merchant('Careful Co');
    const clientId = m.test_key.client_id;
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: 'http://127.0.0.1:9/hooks', dialect: 'cashfree' })).status, 200);
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/ip-allowlist`, { cidrs: ['203.0.113.7/32'] })).status, 200);
    assert.equal((await gw.admin('POST', `/merchants/${m.id}/public-key`)).status, 201);
    const state = async () => ({
      key: (await gw.admin('GET', `/merchants/${m.id}/keys`)).json.items.find((k: any) => k.client_id === clientId).status,
      webhook: (await gw.admin('GET', `/merchants/${m.id}/webhook`)).status,
      allowlist: (await gw.admin('GET', `/merchants/${m.id}/ip-allowlist`)).json.cidrs,
      publicKey: (await gw.admin('GET', `/merchants/${m.id}/public-key`)).status,
    });
    const before = await state();
    assert.deepEqual(before, { key: 'active', webhook: 200, allowlist: ['203.0.113.7/32'], publicKey: 200 });
    // Each question says what the change will do, given the merchant's other fences (it has an
    // allowlist and a 2FA key); the webhook by its host only (a URL may carry a token).
    const asks: [string[], RegExp][] = [
      // Its one test key, and a Cashfree webhook, whose events are signed with it.
      [['keys', 'revoke', m.id, clientId], /Calls made with it are refused at once, on every instance\. It is the last active test key: the webhook's cashfree events of test mode cannot be signed/],
      [['public-key', 'delete', m.id], /Calls from off its allowlist are then refused, signed or not\. \[y\/N\]/],
      [['webhook', 'remove', m.id], /events to 127\.0\.0\.1:9\? \[y\/N\]/],
      [['allowlist', 'set', m.id], /every call must then carry x-cf-signature, from any address\. \[y\/N\]/],
    ];
    for (const [args, question] of asks) {
      // No, Enter alone, anything else, Ctrl-C, Ctrl-D.
      for (const answer of ['n\n', '\n', 'maybe\n', '\x03', '\x04']) {
        const r = await atTerminal(env, answer, ...args);
        assert.match(r.output, question, `${args}: asked`);
        assert.match(r.output, /not confirmed: nothing changed/);
        assert.equal(r.code, 2, `${args} answered ${JSON.stringify(answer)}`);
      }
    }
    assert.deepEqual(await state(), before, 'nothing changed');
    // Setting addresses (not clearing them) asks nothing.
    const narrowed = await atTerminal(env, 'n\n', 'allowlist', 'set', m.id, '198.51.100.0/24');
    assert.equal(narrowed.code, 0, narrowed.output);
    assert.doesNotMatch(narrowed.output, /\[y\/N\]/);
    const yes = await atTerminal(env, 'y\n', 'keys', 'revoke', m.id, clientId);
    assert.equal(yes.code, 0, yes.output);
    assert.match(yes.output, new RegExp(`Revoke ${clientId} \\(test\\) of ${m.id}\\?`));
    const told = await atTerminal(env, 'n\n', 'webhook', 'remove', m.id, '--yes');
    assert.equal(told.code, 0, told.output);
    assert.doesNotMatch(told.output, /\[y\/N\]/);
    // No terminal (a script): as asked, without a question.
    const scripted = await cli(env, 'public-key', 'delete', m.id);
    assert.equal(scripted.code, 0, scripted.stderr);
    assert.deepEqual(await state(), { key: 'revoked', webhook: 404, allowlist: ['198.51.100.0/24'], publicKey: 404 });
  });

  it("the README's `webhook set` example works as pasted on this machine", async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => /^(\S+=\S+ )*npx pennygate webhook set /.test(l));
    assert.ok(line, 'no webhook set example in the README');
    const words = line.replace(/\s+#.*$/, '').split(/\s+/);
    const settings = Object.fromEntries(words.slice(0, words.indexOf('npx')).map((w) => w.split('=', 2)));
    const m = JSON.parse((await cli(env, 'merchants', 'create', '--name', 'Readme Co', '--json')).stdout);
    const args = words.slice(words.indexOf('npx') + 2).map((w) => (w === 'mer_...' ? m.id : w));
    // The walkthrough's environment (the store, the token) and what the line itself sets, no more.
    const r = await cli({ DATA_DIR: gw.dataDir, ADMIN_TOKEN, ...settings }, ...args);
    assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    const url = args[args.indexOf('--url') + 1];
    assert.equal(JSON.parse((await cli(env, 'webhook', 'show', m.id, '--json')).stdout).url, url);
  });

  it('a refused webhook URL names the setting that allows it', async () => {
    const strict = await Gateway.start();
    try {
      const m = await strict.merchant();
      const r = await strict.admin('PUT', `/merchants/${m.id}/webhook`, { url: 'http://127.0.0.1:9/hooks', dialect: 'cashfree' });
      assert.equal(r.status, 400);
      assert.match(r.json.error.message, /WEBHOOK_ALLOW_PRIVATE=true/);
    } finally {
      await strict.stop();
    }
  });

  it('webhook set says the setting is missing from its own environment, not the gateway\'s', async () => {
    // The gateway here runs with WEBHOOK_ALLOW_PRIVATE=true; the command, run without it, checks
    // the URL itself and refuses: telling the user to start the gateway so would send them in circles.
    const m = await gw.merchant('Local hooks');
    const { WEBHOOK_ALLOW_PRIVATE: _, ...without } = env;
    const r = await cli(without, 'webhook', 'set', m.id, '--url', 'http://127.0.0.1:9/hooks', '--dialect', 'cashfree');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1, a loopback, private or link-local address/);
    assert.match(r.stderr, /WEBHOOK_ALLOW_PRIVATE=true is set for this command too/);
    assert.doesNotMatch(r.stderr, /unless the gateway runs with/);
    const ok = await cli(env, 'webhook', 'set', m.id, '--url', 'http://127.0.0.1:9/hooks', '--dialect', 'cashfree');
    assert.equal(ok.code, 0, ok.stderr);
    // Plain http to a host on the internet: the same, for WEBHOOK_ALLOW_HTTP.
    const clear = await cli(env, 'webhook', 'set', m.id, '--url', 'http://93.184.215.14/hooks', '--dialect', 'cashfree');
    assert.equal(clear.code, 2, clear.stderr);
    assert.match(clear.stderr, /url must be https: events carry payers' account numbers and names/);
    assert.match(clear.stderr, /WEBHOOK_ALLOW_HTTP=true is set for this command too/);
    const allowed = await cli({ ...env, WEBHOOK_ALLOW_HTTP: 'true' }, 'webhook', 'set', m.id, '--url', 'http://93.184.215.14/hooks', '--dialect', 'cashfree');
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it("trigger (CLI and admin API) sends a signed test event in the merchant's dialect", async () => {
    const receiver = await Receiver.start();
    try {
      const m = await gw.merchant('Trigger Co');
      const hook = (await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' })).json;
      const t = await cli(env, 'trigger', 'verification.success', '--merchant', m.id, '--json');
      assert.equal(t.code, 0, t.stderr);
      const sent = JSON.parse(t.stdout);
      assert.equal(sent.delivery.event_type, 'fund_account.validation.completed');
      const got = await eventually(async () => receiver.received, (r) => r.length === 1, 10_000, 'the test event');
      const sig = createHmac('sha256', hook.secret).update(got[0].body).digest('hex');
      assert.equal(got[0].headers['x-razorpay-signature'], sig);
      assert.equal(JSON.parse(got[0].body).event, 'fund_account.validation.completed');
      // Ids of a real validation's shape: an integration that checks them takes the test event.
      assert.match(JSON.parse(got[0].body).payload['fund_account.validation'].entity.id, /^fav_[A-Za-z0-9]{14}$/);

      const api = await gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'verification.expired' });
      assert.equal(api.status, 200, api.text);
      assert.equal(api.json.delivery.event_type, 'fund_account.validation.failed');
      await eventually(async () => receiver.received.length, (n) => n === 2, 10_000, 'the second test event');
      assert.equal((await gw.admin('POST', `/merchants/${m.id}/webhook/test`, { event: 'nope' })).status, 400);
      assert.equal((await gw.admin('POST', '/merchants/mer_nobody/webhook/test', { event: 'verification.success' })).status, 404);
      assert.equal((await cli(env, 'trigger', 'nope', '--merchant', m.id)).code, 2);
    } finally {
      await receiver.close();
    }
  });

  it("a webhook takes the merchant's own signing secret, which a RazorpayX receiver already checks", async () => {
    const receiver = await Receiver.start();
    try {
      const m = await gw.merchant('Own Secret');
      const own = 'rzp-whsec-Abc123!';
      const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx', secret: own });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.json.secret, own);
      assert.equal((await cli(env, 'trigger', 'verification.success', '--merchant', m.id)).code, 0);
      const got = await eventually(async () => receiver.received, (r) => r.length === 1, 10_000, 'the test event');
      assert.equal(got[0].headers['x-razorpay-signature'], createHmac('sha256', own).update(got[0].body).digest('hex'));
      // Set again without one, it keeps the merchant's.
      assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' })).json.secret, own);
      // Refused, and nothing changed: too short, a space, with rotate_secret.
      for (const body of [{ secret: 'short' }, { secret: 'has a space' }, { secret: 'x'.repeat(257) }, { secret: 'another-secret', rotate_secret: true }]) {
        const r = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx', ...body });
        assert.equal(r.status, 400, JSON.stringify(body));
      }
      assert.equal((await gw.admin('GET', `/merchants/${m.id}/webhook`)).json.secret, own);
      const viaCli = await cli(env, 'webhook', 'set', m.id, '--url', receiver.url, '--dialect', 'razorpayx', '--secret', 'from-the-cli-1', '--json');
      assert.equal(viaCli.code, 0, viaCli.stderr);
      assert.equal(JSON.parse(viaCli.stdout).secret, 'from-the-cli-1');
      const bad = await cli(env, 'webhook', 'set', m.id, '--url', receiver.url, '--dialect', 'razorpayx', '--secret', 'short');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--secret must be 8-256 printable characters/);
      assert.equal((await gw.admin('GET', `/merchants/${m.id}/webhook`)).json.secret, 'from-the-cli-1');
    } finally {
      await receiver.close();
    }
  });

  it('merchants create shows the live key too when live mode is on, in every form of its output', async () => {
    // The live secret is shown once, like the test one: a form that left it out would lose it.
    const liveEnv = { ...env, ...connectorEnv('http://127.0.0.1:9', 'cli-live-shared-secret') };
    const table = await cli(liveEnv, 'merchants', 'create', '--name', 'Live Table');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /live client secret +\S+ +\(shown once/);
    const exported = await cli(liveEnv, 'merchants', 'create', '--name', 'Live Export', '--export');
    assert.equal(exported.code, 0, exported.stderr);
    const vars = Object.fromEntries([...exported.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(vars), ['MERCHANT', 'ID', 'SECRET', 'ACCOUNT_NUMBER', 'LIVE_ID', 'LIVE_SECRET']);
    assert.match(vars.LIVE_SECRET, /\S{20,}/);
    assert.notEqual(vars.LIVE_ID, vars.ID);
    const testOnly = await cli(env, 'merchants', 'create', '--name', 'Test Only', '--export');
    assert.doesNotMatch(testOnly.stdout, /LIVE_/);
  });

  it("backup and restore, the SQLite store's, point a PostgreSQL store to pg_dump and pg_restore", async () => {
    const pg = { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', ADMIN_TOKEN };
    const backup = await cli(pg, 'backup', '/nonexistent/copy.db');
    assert.equal(backup.code, 2);
    assert.match(backup.stderr, /back up PostgreSQL with pg_dump/);
    const restore = await cli(pg, 'restore', '/nonexistent/copy.db');
    assert.equal(restore.code, 2);
    assert.match(restore.stderr, /restore PostgreSQL with pg_restore/);
  });

  it('listen refuses a bad --dialect or --forward-to at once, not at the first event', async () => {
    const m = await gw.merchant('Listen Refusals');
    const dialect = await cli(env, 'listen', '--merchant', m.id, '--forward-to', 'http://127.0.0.1:9/', '--dialect', 'stripe');
    assert.equal(dialect.code, 2);
    assert.match(dialect.stderr, /--dialect must be one of cashfree, razorpayx/);
    for (const url of ['localhost:9000', 'ftp://127.0.0.1/x']) {
      const r = await cli(env, 'listen', '--merchant', m.id, '--forward-to', url);
      assert.equal(r.code, 2, url);
      assert.match(r.stderr, /--forward-to must be an http\(s\) URL/);
    }
    // RazorpayX events are signed with the webhook's secret: none set, nothing could be forwarded.
    const unsigned = await cli(env, 'listen', '--merchant', m.id, '--forward-to', 'http://127.0.0.1:9/', '--dialect', 'razorpayx');
    assert.equal(unsigned.code, 2);
    assert.match(unsigned.stderr, /signed with the webhook secret: set the merchant's webhook first/);
  });

  it("listen forwards a merchant's events, signed, to a local URL", async () => {
    const local = await Receiver.start();
    const m = await gw.merchant('Listen Co');
    const { PATH, HOME } = process.env;
    const proc = spawn(process.execPath, [BIN, 'listen', '--merchant', m.id, '--forward-to', local.url, '--json'], {
      env: { PATH, HOME, ...env },
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    try {
      await eventually(async () => err, (e) => /forwarding/.test(e), 10_000, 'listen to start');
      const cf = gw.cashfree(m.test_key);
      const created = (await cf.createRpd({ verification_id: 'listen-1', name: 'John Doe' })).json;
      await gw.pay(created.upi_link, 'success@upi');
      const got = await eventually(async () => local.received, (r) => r.length === 1, 10_000, 'the forwarded event');
      const body = JSON.parse(got[0].body);
      assert.equal(body.event_type, 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS');
      assert.equal(body.data.verification_id, 'listen-1');
      // Signed with the merchant's client secret, as Cashfree signs.
      const h = got[0].headers;
      const expected = createHmac('sha256', m.test_key.client_secret).update(String(h['x-webhook-timestamp']) + got[0].body).digest('base64');
      assert.equal(h['x-webhook-signature'], expected);
      const line = await eventually(async () => out.split('\n').filter(Boolean), (ls) => ls.length === 1, 5000, 'the listen log line');
      assert.equal(JSON.parse(line[0]).result, '200');
      // A test event reaches it too, without any webhook set.
      assert.equal((await cli(env, 'trigger', 'verification.failure', '--merchant', m.id)).code, 0);
      await eventually(async () => local.received.length, (n) => n === 2, 10_000, 'the triggered event');
      assert.equal(JSON.parse(local.received[1].body).event_type, 'RPD_BANK_ACCOUNT_VERIFICATION_FAILURE');
      // With no active test key, a test event cannot be signed: it is passed over, said so, and
      // listening goes on (before, the first such event ended the command).
      assert.equal((await gw.admin('DELETE', `/merchants/${m.id}/keys/${m.test_key.client_id}`)).status, 204);
      assert.equal((await cli(env, 'trigger', 'verification.failure', '--merchant', m.id)).code, 0);
      const skipped = await eventually(async () => out.split('\n').filter(Boolean), (ls) => ls.length === 3, 10_000, 'the passed-over line');
      assert.match(JSON.parse(skipped[2]).result, /^not forwarded: cashfree events are signed with the merchant's test client secret, and it has no active test key/);
      assert.equal(proc.exitCode, null);
      const key = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
      assert.equal((await cli(env, 'trigger', 'verification.failure', '--merchant', m.id)).code, 0);
      await eventually(async () => local.received.length, (n) => n === 3, 10_000, 'the event after a new key');
      const last = local.received[2];
      assert.equal(last.headers['x-webhook-signature'], createHmac('sha256', key.client_secret).update(String(last.headers['x-webhook-timestamp']) + last.body).digest('base64'));
      // The webhook switched to RazorpayX while listening (no --dialect): followed, said once.
      const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: 'http://127.0.0.1:9/hooks', dialect: 'razorpayx' });
      assert.equal(set.status, 200, set.text);
      assert.equal((await cli(env, 'trigger', 'verification.failure', '--merchant', m.id)).code, 0);
      await eventually(async () => local.received.length, (n) => n === 4, 10_000, 'the event after the switch');
      assert.equal(JSON.parse(local.received[3].body).entity, 'event');
      assert.equal(local.received[3].headers['x-razorpay-signature'], createHmac('sha256', set.json.secret).update(local.received[3].body).digest('hex'));
      assert.match(err, /the webhook's dialect is razorpayx now/);
    } finally {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      await gone;
      await local.close();
    }
  });
});

// `listen` follows events in the order they became visible, not by their timestamps: an event
// stamped by a clock that is behind, or whose transaction committed long after its stamp, is
// forwarded all the same.
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`listen misses no event (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let env: Record<string, string>;
    let databaseUrl: string | undefined;
    let drop: () => Promise<void> = async () => {};
    before(async () => {
      ({ databaseUrl, drop } = await storeFor(store));
      // This instance's clock is 10 s behind the machine's (and the listening CLI's).
      const behind = `data:text/javascript,${encodeURIComponent('const now = Date.now; Date.now = () => now() - 10000;')}`;
      gw = await Gateway.start({ databaseUrl, env: { NODE_OPTIONS: `--import=${behind}` } });
      env = databaseUrl ? { DATABASE_URL: databaseUrl, SECRET_KEY: gw.env.SECRET_KEY, ADMIN_TOKEN } : { DATA_DIR: gw.dataDir, ADMIN_TOKEN };
    });
    after(async () => {
      await gw?.stop();
      await drop();
    });

    /** Runs `listen` for `merchant` while `fn` runs; the verification_ids it forwarded. */
    async function listening(merchant: string, fn: (forwarded: () => string[]) => Promise<void>) {
      const local = await Receiver.start();
      const { PATH, HOME } = process.env;
      const proc = spawn(process.execPath, [BIN, 'listen', '--merchant', merchant, '--forward-to', local.url, '--json'], { env: { PATH, HOME, ...env } });
      let err = '';
      proc.stderr.on('data', (d) => (err += d));
      try {
        await eventually(async () => err, (e) => /forwarding/.test(e), 10_000, 'listen to start');
        await fn(() => local.received.map((r) => JSON.parse(r.body).data.verification_id));
      } finally {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT');
        await gone;
        await local.close();
      }
    }

    it('forwards an event stamped by an instance whose clock is behind', async () => {
      const m = await gw.merchant('Clock Behind');
      await listening(m.id, async (forwarded) => {
        const cf = gw.cashfree(m.test_key);
        await gw.pay((await cf.createRpd({ verification_id: 'behind-1' })).json.upi_link, 'success@upi');
        await eventually(async () => forwarded(), (f) => f.includes('behind-1'), 10_000, 'the event forwarded');
      });
    });

    // PostgreSQL only: on SQLite one writer at a time, so no commit waits behind a later one.
    if (store === 'postgres') it('forwards an event whose transaction committed long after its stamp, and after a later one', async () => {
      await gw.restart({ NODE_OPTIONS: '' }); // the machine's clock: only the commit is late
      const m = await gw.merchant('Slow Commit');
      const cf = gw.cashfree(m.test_key);
      const slow = (await cf.createRpd({ verification_id: 'slow-1' })).json;
      const quick = (await cf.createRpd({ verification_id: 'quick-1' })).json;
      await listening(m.id, async (forwarded) => {
        // Another session holds slow-1's row: its payment's transaction (its event stamped now)
        // waits, while quick-1's, 6 s later, commits and is forwarded.
        const holder = new pg.Client({ connectionString: databaseUrl });
        await holder.connect();
        try {
          await holder.query('BEGIN');
          await holder.query('SELECT 1 FROM verifications WHERE ref_id = $1 FOR UPDATE', [slow.ref_id]);
          const paying = gw.pay(slow.upi_link, 'success@upi');
          await eventually(
            async () => (await holder.query("SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n,
            (n) => n >= 1,
            10_000,
            "slow-1's payment to wait",
          );
          await sleep(6000);
          await gw.pay(quick.upi_link, 'success@upi');
          await eventually(async () => forwarded(), (f) => f.includes('quick-1'), 10_000, 'quick-1 forwarded');
          await holder.query('COMMIT');
          await paying;
        } finally {
          await holder.end();
        }
        await eventually(async () => forwarded(), (f) => f.includes('slow-1'), 10_000, 'slow-1 forwarded');
        assert.deepEqual(forwarded(), ['quick-1', 'slow-1']);
      });
    });
  });
}
