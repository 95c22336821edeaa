// A setting the gateway cannot read as the operator meant it stops the start, with one line that
// names it: never a default in its place, nor a safeguard quietly turned off.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { ADMIN_TOKEN, Gateway, needsPostgres, storeFor, type GatewayOptions } from './support/gateway.js';

/** What the gateway said as it refused to start, or `started` (it is then stopped). */
async function start(o: GatewayOptions): Promise<string> {
  let gw: Gateway;
  try {
    gw = await Gateway.start(o);
  } catch (err) {
    return (err as Error).message;
  }
  await gw.stop();
  return 'started';
}

/** A refusal is a line for the operator, not a crash: no stack trace. */
function refused(said: string, line: RegExp, what: string) {
  assert.match(said, line, what);
  assert.doesNotMatch(said, /^\s+at /m, `${what}: a stack trace`);
}

describe('DATA_DIR', () => {
  it('a file, or a path under one, stops the start with a line naming DATA_DIR', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pennygate-settings-')), 'not-a-dir');
    writeFileSync(file, 'x');
    refused(await start({ dataDir: file }), /DATA_DIR \S*not-a-dir cannot be used: it is a file, not a directory/, 'DATA_DIR a file');
    refused(await start({ dataDir: join(file, 'data') }), /DATA_DIR \S*not-a-dir\/data cannot be used: .*is a file/, 'DATA_DIR under a file');
  });

  it('a directory this user may not write stops the start with a line naming DATA_DIR', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pennygate-settings-'));
    chmodSync(dir, 0o555);
    // Root writes anywhere: the gateway then runs as nobody, for whom the mode holds.
    let wrapper: string[] = [];
    if (process.getuid?.() === 0) {
      const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
      if (!setpriv) return t.skip('run as root without setpriv: no user to whom the directory is closed');
      wrapper = [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups'];
    }
    refused(await start({ dataDir: dir, wrapper }), /DATA_DIR \S+ cannot be used: this user may not write in it/, 'DATA_DIR read-only');
  });
});

describe('LOG_LEVEL', () => {
  it('an unknown level stops the start with a line listing the levels', async () => {
    for (const level of ['verbose', 'INFO']) {
      refused(
        await start({ env: { LOG_LEVEL: level } }),
        new RegExp(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${level}"`),
        `LOG_LEVEL=${level}`,
      );
    }
    assert.equal(await start({ env: { LOG_LEVEL: 'trace' } }), 'started');
  });

  it('accepts the levels pino has, and only levels pino takes', () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-settings-')), ADMIN_TOKEN, SECRET_KEY: '11'.repeat(32) };
    for (const level of [...Object.keys(pino.levels.values), 'silent']) {
      const cfg = loadConfig({ ...env, LOG_LEVEL: level });
      assert.equal(cfg.logLevel, level);
      assert.doesNotThrow(() => createLogger(cfg.logLevel), level);
    }
  });
});

describe('LOG_FORMAT', () => {
  it('an unknown format stops the start with a line listing the formats', async () => {
    // Each was read as JSON: `text` or `PRETTY` meant for a person gave JSON all the same.
    for (const format of ['text', 'PRETTY']) {
      refused(await start({ env: { LOG_FORMAT: format } }), new RegExp(`LOG_FORMAT must be one of json, pretty; got "${format}"`), `LOG_FORMAT=${format}`);
    }
    assert.equal(await start({ env: { LOG_FORMAT: 'json' } }), 'started');
    assert.equal(await start({ env: { LOG_FORMAT: 'pretty' } }), 'started');
  });
});

describe('SQLITE_SYNCHRONOUS', () => {
  it('a value other than FULL or NORMAL stops the start with a line about it, not about DATA_DIR', async () => {
    for (const value of ['OFF', 'EXTRA', 'yes']) {
      const said = await start({ env: { SQLITE_SYNCHRONOUS: value } });
      refused(said, new RegExp(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${value}"`), `SQLITE_SYNCHRONOUS=${value}`);
      assert.doesNotMatch(said, /DATA_DIR|cannot be opened/, `SQLITE_SYNCHRONOUS=${value}`);
    }
    assert.equal(await start({ env: { SQLITE_SYNCHRONOUS: 'normal' } }), 'started');
  });
});

describe('PostgreSQL settings', { skip: needsPostgres }, () => {
  let databaseUrl: string | undefined;
  let drop: () => Promise<void> = async () => {};
  before(async () => {
    ({ databaseUrl, drop } = await storeFor('postgres'));
  });
  after(() => drop());

  it('a timeout that is not a whole number of milliseconds stops the start rather than turn the safeguard off', async () => {
    for (const name of ['PG_STATEMENT_DEADLINE_MS', 'PG_IDLE_IN_TRANSACTION_TIMEOUT_MS', 'PG_CONNECT_TIMEOUT_MS']) {
      // 2^31 ms: past what a timer or the server's setting holds.
      for (const value of ['10s', '-1', '2.5', '2147483648']) {
        refused(
          await start({ databaseUrl, env: { [name]: value } }),
          new RegExp(`${name} must be a whole number from 0 to 2147483647, got "${value}"`),
          `${name}=${value}`,
        );
      }
    }
  });

  it('a pool size that is not a whole number of 1 or more stops the start rather than become 10', async () => {
    for (const value of ['abc', '0', '2.5']) {
      refused(await start({ databaseUrl, env: { PG_POOL_SIZE: value } }), new RegExp(`PG_POOL_SIZE must be a whole number >= 1, got "${value}"`), `PG_POOL_SIZE=${value}`);
    }
  });

  it('PG_PREPARE other than true or false stops the start rather than be ignored', async () => {
    for (const value of ['no', '0', 'False']) {
      refused(await start({ databaseUrl, env: { PG_PREPARE: value } }), /PG_PREPARE must be true or false/, `PG_PREPARE=${value}`);
    }
  });

  it('a bad SQLITE_SYNCHRONOUS stops the start on PostgreSQL too: it is wrong either way', async () => {
    refused(await start({ databaseUrl, env: { SQLITE_SYNCHRONOUS: 'OFF' } }), /SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "OFF"/, 'SQLITE_SYNCHRONOUS on PostgreSQL');
  });

  it('starts and serves with the values the README gives', async () => {
    const gw = await Gateway.start({
      databaseUrl,
      env: { PG_PREPARE: 'false', PG_POOL_SIZE: '2', PG_STATEMENT_DEADLINE_MS: '0', PG_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0', PG_CONNECT_TIMEOUT_MS: '0' },
    });
    try {
      const cf = gw.cashfree((await gw.merchant()).test_key);
      assert.equal((await cf.createRpd({ verification_id: 'settings-1' })).status, 200);
      assert.equal((await cf.status({ verification_id: 'settings-1' })).status, 200);
    } finally {
      await gw.stop();
    }
  });
});

describe('PostgreSQL settings on SQLite', () => {
  it('a bad one stops the start too: it is wrong either way', async () => {
    refused(await start({ env: { PG_STATEMENT_DEADLINE_MS: '10s' } }), /PG_STATEMENT_DEADLINE_MS must be a whole number/, 'PG_STATEMENT_DEADLINE_MS on SQLite');
    refused(await start({ env: { PG_PREPARE: 'no' } }), /PG_PREPARE must be true or false/, 'PG_PREPARE on SQLite');
  });
});
