// The store going away under a running gateway and coming back: the SQLite disk full, then space
// again. Nothing may be acknowledged that is not committed, and the gateway recovers without a
// restart: new requests succeed, and every rupee taken goes back exactly once.
// And the converse: a job failing on another network call (the bank) is not taken for the store's outage.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ADMIN_TOKEN, Gateway, eventually, freePort, freshPostgres, needsPostgres, sleep, storeFor } from './support/gateway.js';
import { connectorEnv } from './support/live.js';
import { SQLITE_FILE } from '../src/store/sqlite.js';
import { Receiver } from './support/receiver.js';

/** A small file system of its own (tmpfs) for the SQLite store; mounting one needs privileges. */
function mountTmpfs(dir: string, size: string) {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
}
const unmount = (dir: string) => execFileSync('umount', [dir], { stdio: 'pipe' });
const needsTmpfs: string | false = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'pennygate-tmpfs-probe-'));
  try {
    mountTmpfs(probe, '1m');
    unmount(probe);
    return false;
  } catch {
    return 'needs to mount a tmpfs (root, or a container allowed to mount) to fill a disk';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

const free = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

describe('SQLite: the data directory\'s disk fills up, then has space again', { skip: needsTmpfs }, () => {
  it('answers errors while full, acknowledges only what it kept, and serves again once space returns', { timeout: 60_000 }, async () => {
    // Mounted and unmounted here, not in hooks: a run filtered by test name runs a suite's
    // before hook but not always its after hook, and would leave the mount behind.
    const mnt = mkdtempSync(join(tmpdir(), 'pennygate-full-'));
    // 64 MB: room for the WAL's most (below) beside the database with a wide margin, so that a
    // request refused after space came back is the store's fault, not the margin's.
    mountTmpfs(mnt, '64m');
    let gw: Gateway | undefined;
    try {
      gw = await Gateway.start({
        dataDir: join(mnt, 'data'),
        env: { LOG_LEVEL: 'warn', SANDBOX_WRITES_PER_MINUTE: '0', REFUND_NOT_FOUND_GRACE_MS: '500', REFUND_POLL_CAP_MS: '300' },
      });
      await diskFillsAndEmpties(gw, mnt);
    } finally {
      await gw?.stop();
      unmount(mnt);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});

/**
 * Ready again, with no request that writes first (a load balancer sends an instance that answers
 * not ready none), and then `refusedCreate`, refused while writes failed and so not kept, served.
 */
async function readyByItself(gw: Gateway, refusedCreate: () => Promise<{ status: number; text: string }>) {
  const ready = await eventually(
    async () => gw.request('GET', '/readyz'),
    (r) => r.status === 200,
    10_000,
    'ready again, with no request that writes',
  );
  assert.deepEqual(ready.json.checks.store_writes, { ok: true });
  const again = await refusedCreate();
  assert.equal(again.status, 200, `the refused create was not kept: ${again.text}`);
}

/** Whether a file here can be made immutable (chattr +i: even root's writes to it fail, EPERM). */
const needsChattr: string | false = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'pennygate-chattr-probe-'));
  const f = join(dir, 'f');
  try {
    writeFileSync(f, 'x');
    execFileSync('chattr', ['+i', f], { stdio: 'pipe' });
    execFileSync('chattr', ['-i', f], { stdio: 'pipe' });
    return false;
  } catch {
    return 'needs chattr +i (e2fsprogs, a file system with the immutable flag, root) to make writes fail';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

describe('SQLite: writes fail with an I/O error, then work again, with no request to write', { skip: needsChattr }, () => {
  it('answers not ready while they fail, and ready again by itself once they work', { timeout: 60_000 }, async () => {
    // No job polling: nothing but the check itself may write once writes work again.
    const gw = await Gateway.start({ env: { LOG_LEVEL: 'warn', JOB_POLL_MS: '60000' } });
    const wal = join(gw.dataDir, `${SQLITE_FILE}-wal`);
    try {
      const m = await gw.merchant('Failing disk');
      const cf = gw.cashfree(m.test_key);
      assert.equal((await cf.createRpd({ verification_id: 'io-1' })).status, 200);
      assert.equal((await gw.request('GET', '/readyz')).status, 200);

      // The WAL file made immutable: SQLite's writes to it fail (SQLITE_IOERR), reads go on.
      execFileSync('chattr', ['+i', wal]);
      const refused = await cf.createRpd({ verification_id: 'io-2' });
      assert.equal(refused.status, 503, refused.text);
      const failing = await gw.request('GET', '/readyz');
      assert.equal(failing.status, 503, failing.text);
      assert.equal(failing.json.checks.store.ok, true);
      assert.equal(failing.json.checks.store_writes.ok, false);
      assert.match(failing.json.checks.store_writes.error, /SQLITE_IOERR/);
      // Still failing a while later: the check's own write fails too.
      await sleep(1_200);
      assert.equal((await gw.request('GET', '/readyz')).status, 503);

      // Writes work again. A load balancer sends an instance that answers not ready nothing to
      // write, so readiness must find out by itself.
      execFileSync('chattr', ['-i', wal]);
      await readyByItself(gw, () => cf.createRpd({ verification_id: 'io-2' }));
      assert.equal((await cf.status({ verification_id: 'io-1' })).status, 200);
    } finally {
      spawnSync('chattr', ['-i', wal]);
      await gw.stop();
    }
  });
});

async function diskFillsAndEmpties(gw: Gateway, mnt: string) {
  {
    const m = await gw.merchant('Disk');
    const cf = gw.cashfree(m.test_key);
    const answered: { vid: string; refId: string }[] = [];
    const paid: string[] = [];
    const refused: { status: number; json: any; headers: Headers }[] = [];
    let n = 0;
    /** A create and its payment; returns whether both succeeded. */
    const life = async () => {
      const vid = `disk-${n++}`;
      const c = await cf.createRpd({ verification_id: vid, name: 'John Doe' });
      if (c.status !== 200) {
        refused.push(c);
        return false;
      }
      answered.push({ vid, refId: String(c.json.ref_id) });
      const p = await gw.pay(c.json.upi_link, 'success@upi');
      if (p.status === 200 && p.json.status === 'SUCCESS') paid.push(p.json.utr);
      else refused.push(p);
      return p.status === 200;
    };
    for (let i = 0; i < 5; i++) assert.ok(await life());

    // The disk fills: a file takes all but 64 KB of it.
    const filler = join(mnt, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(Math.max(0, free(mnt) - 64 * 1024)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err; // the gateway wrote meanwhile: full all the same
    }
    for (let i = 0; i < 400 && refused.length < 20; i++) await life();
    assert.ok(refused.length >= 20, `only ${refused.length} requests failed on a full disk`);
    for (const r of refused) {
      // Unavailable, try again: not a 500 that reads as a fault to report.
      assert.equal(r.status, 503, `a ${r.status} on a full disk: ${JSON.stringify(r.json)}`);
      assert.equal(r.headers.get('retry-after'), '5');
      assert.match(r.json?.message ?? r.json?.error?.message ?? '', /try again/i);
      // Cashfree's envelope (a create) or pennygate's own (the sandbox's payment).
      const envelope = r.json?.type ? r.json.code && r.json.message : r.json?.error?.code && r.json.error.message;
      assert.ok(envelope, `an answer outside the envelope: ${JSON.stringify(r.json)}`);
    }

    // Reads still work, writes do not: not ready, saying why, in /readyz's shape. A write may
    // still go through on the full disk (SQLite reuses its WAL's frames from the start once a
    // checkpoint has emptied it, and a commit that goes through is readiness again), so ask
    // after a write the full disk refused, a few times over if need be.
    let full = await gw.request('GET', '/readyz');
    for (let i = 0; i < 50 && full.status === 200; i++) {
      await life();
      full = await gw.request('GET', '/readyz');
    }
    assert.equal(full.status, 503, full.text);
    assert.equal(full.json.status, 'not_ready');
    assert.equal(full.json.checks.store.ok, true);
    assert.equal(full.json.checks.store_writes.ok, false);
    assert.match(full.json.checks.store_writes.error, /SQLITE_FULL|disk is full/);

    // Space again: ready at once, and a few seconds of creates and payments, every one served.
    unlinkSync(filler);
    const ready = await gw.request('GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.json.checks.store_writes, { ok: true });
    const failures: string[] = [];
    let longestWal = 0;
    const until = Date.now() + 6_000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until && failures.length < 5) {
          const before = refused.length;
          if (!(await life())) failures.push(JSON.stringify(refused.slice(before).map((r) => [r.status, r.json])).slice(0, 300));
          longestWal = Math.max(longestWal, statSync(join(mnt, 'data', 'pennygate.db-wal')).size);
        }
      }),
    );
    assert.deepEqual(failures, [], `requests failed after space came back (the WAL grew to ${longestWal} bytes); the output ends:\n${gw.output.slice(-1500)}`);
    // The checkpoints that start the WAL over came back with the space, and the writes pause for
    // one once the WAL file passes 4,000 frames (16.5 MB): the WAL stays there, and one group's
    // pages more. (With the pause read from the last checkpoint's count, which lags behind the
    // writes, it reached 19 MB on a quiet machine and 25.5 MB under the whole suite on two cores.)
    assert.ok(longestWal < 20 * 1024 * 1024, `the WAL grew to ${longestWal} bytes`);

    // Every create answered is there, and every payment answered goes back exactly once.
    for (const a of answered) {
      const s = await cf.status({ verification_id: a.vid });
      assert.equal(String(s.json?.ref_id), a.refId, `${a.vid}: ${s.status} ${s.text}`);
    }
    for (const utr of paid) {
      const refunds = await gw.refundsSettled(utr, 20_000);
      assert.equal(refunds.filter((r) => r.status !== 'failed').length, 1, `${utr} refunded ${JSON.stringify(refunds)}`);
    }
    const owed = await eventually(
      async () => (await gw.admin('GET', '/refunds/outstanding')).json,
      (o) => o.count === 0,
      20_000,
      'nothing owed',
    );
    assert.equal(owed.count, 0);
    await sleep(0);
    assert.equal(gw.proc.exitCode, null);
  }
}

/**
 * A TCP proxy in front of PostgreSQL that the test can cut: `refuse` drops every connection and
 * every new one at once (a server stopped or restarting), `blackhole` accepts and forwards nothing
 * either way (a frozen server, a network partition), `pass` forwards again.
 */
class PgProxy {
  mode: 'pass' | 'refuse' | 'blackhole' = 'pass';
  /** Connections dropped at once in `refuse`. */
  refused = 0;
  private pairs = new Set<Socket>();
  private constructor(
    private server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<PgProxy> {
    let proxy!: PgProxy;
    const server = createServer((down) => {
      proxy.pairs.add(down);
      down.on('close', () => proxy.pairs.delete(down));
      down.on('error', () => undefined);
      if (proxy.mode === 'refuse') return void (proxy.refused++, down.destroy());
      if (proxy.mode === 'blackhole') return;
      const up = createConnection(target);
      proxy.pairs.add(up);
      up.on('close', () => (proxy.pairs.delete(up), down.destroy()));
      down.on('close', () => up.destroy());
      up.on('error', () => undefined);
      // Bytes sent while the network is cut are lost, as a partition loses them.
      up.on('data', (d) => void (proxy.mode === 'pass' && down.write(d)));
      down.on('data', (d) => void (proxy.mode === 'pass' && up.write(d)));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    proxy = new PgProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  set(mode: PgProxy['mode']) {
    this.mode = mode;
    if (mode === 'refuse') for (const s of this.pairs) s.destroy();
  }

  close() {
    for (const s of this.pairs) s.destroy();
    return new Promise((ok) => this.server.close(ok));
  }
}

describe('PostgreSQL goes away under a running gateway, and comes back', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let proxy: PgProxy;
  let drop: () => Promise<void> = async () => {};
  let m: Awaited<ReturnType<Gateway['merchant']>>;
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const url = new URL(db.url);
    proxy = await PgProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    gw = await Gateway.start({
      databaseUrl: url.toString(),
      // A mobile drop's safety net runs three rail timeouts after it was made: 10 s here.
      env: { LOG_LEVEL: 'warn', PG_CONNECT_TIMEOUT_MS: '1000', PG_STATEMENT_DEADLINE_MS: '2000', REFUND_NOT_FOUND_GRACE_MS: '500', MOBILE_RAIL_TIMEOUT_MS: '3000' },
    });
    m = await gw.merchant('Outage');
  });
  after(async () => {
    await gw?.stop();
    await proxy?.close();
    await drop();
  });

  const rzp = () => ({ authorization: `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}` });

  /** While the store is away: every API answers 503 in its envelope, soon; health stays up. */
  async function answersUnavailable(upiLink: string, within: number, pageUrl?: string) {
    const cf = gw.cashfree(m.test_key);
    const timed = async (what: string, call: () => ReturnType<Gateway['request']>, retryAfter = true) => {
      const t0 = Date.now();
      const r = await call();
      const ms = Date.now() - t0;
      assert.ok(ms < within, `${what} took ${ms} ms`);
      assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
      if (retryAfter) assert.equal(r.headers.get('retry-after'), '5', what);
      return r.json;
    };
    const results = await Promise.all([
      timed('create', () => cf.createRpd({ verification_id: `down-${Date.now()}`, name: 'John Doe' })),
      timed('status', () => cf.status({ verification_id: 'up-1' })),
      timed('validation', () => gw.request('GET', '/v1/fund_accounts/validations?count=1', { headers: rzp() })),
      timed('payment', () => gw.pay(upiLink, 'success@upi')),
      timed('admin', () => gw.admin('GET', `/merchants/${m.id}`)),
    ]);
    const [create, status, validation, payment, admin] = results;
    for (const cfBody of [create, status]) {
      assert.equal(cfBody.type, 'internal_error');
      assert.match(cfBody.message, /try again/i);
    }
    assert.equal(create.code, 'api_error');
    assert.equal(status.code, 'request_failed');
    assert.equal(validation.error.code, 'SERVER_ERROR');
    assert.match(validation.error.description, /try again/i);
    for (const own of [payment, admin]) assert.deepEqual(Object.keys(own.error), ['code', 'message']);
    const ready = await timed('readyz', () => gw.request('GET', '/readyz'), false);
    assert.equal(ready.status, 'not_ready');
    assert.equal((await gw.request('GET', '/healthz')).status, 200);
    if (pageUrl) {
      // The customer's page: a page in their language that loads itself again, and its status
      // read in the form its script reads.
      const page = await fetch(`${pageUrl}?lang=hi`);
      const html = await page.text();
      assert.deepEqual([page.status, page.headers.get('content-type'), page.headers.get('retry-after')], [503, 'text/html; charset=utf-8', '5']);
      assert.match(html, /<html lang="hi">/);
      assert.match(html, /<meta http-equiv="refresh" content="5">/);
      assert.match(html, /कुछ गड़बड़ हो गई/);
      const status = await fetch(`${pageUrl}/status`);
      assert.deepEqual([status.status, await status.json()], [503, { status: 'UNAVAILABLE' }]);
    }
  }

  /** Back: served again without a restart, and the payment taken then goes back. */
  async function recovers(vid: string) {
    await eventually(async () => (await gw.request('GET', '/readyz')).status, (s) => s === 200, 15_000, 'ready again');
    const cf = gw.cashfree(m.test_key);
    // More requests than the pool has connections: none may meet a connection the outage killed.
    const lives = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const c = await cf.createRpd({ verification_id: `${vid}-${i}`, name: 'John Doe' });
        assert.equal(c.status, 200, c.text);
        const p = await gw.pay(c.json.upi_link, 'success@upi');
        assert.equal(p.status, 200, p.text);
        assert.equal((await cf.status({ verification_id: `${vid}-${i}` })).json.status, 'SUCCESS');
        return p.json.utr as string;
      }),
    );
    for (const utr of lives) assert.equal((await gw.refundsSettled(utr, 15_000)).length, 1);
    assert.equal(gw.proc.exitCode, null);
  }

  it('refused (a stop or restart of the server): 503 at once, and served again when it is back', { timeout: 30_000 }, async () => {
    const cf = gw.cashfree(m.test_key);
    const before = await cf.createRpd({ verification_id: 'up-1', name: 'John Doe' });
    assert.equal(before.status, 200);
    const from = gw.output.length;
    proxy.set('refuse');
    try {
      await answersUnavailable(before.json.upi_link, 3_000, before.json.url);
      // The scrape still answers, with what this instance knows, and says the store is not read.
      const metrics = await gw.request('GET', '/metrics');
      assert.equal(metrics.status, 200, metrics.text);
      assert.match(metrics.text, /^pennygate_store_up 0$/m);
      assert.match(metrics.text, /^process_cpu_seconds_total \d/m);
      assert.match(metrics.text, /^pennygate_http_requests_total\{/m);
      assert.doesNotMatch(metrics.text, /^pennygate_verifications\{/m);
      await sleep(1_000); // twenty job polls at this gateway's 50 ms
    } finally {
      proxy.set('pass');
    }
    // The background loops say so once (a warning, no stack), not once per turn as errors.
    const loops = gw.output.slice(from).split('\n').filter((l) => /job poll failed|lease renewal failed|expiry sweep failed/.test(l));
    assert.ok(loops.length >= 1 && loops.length <= 3, `${loops.length} lines:\n${loops.slice(0, 5).join('\n')}`);
    for (const l of loops) assert.match(l, /"level":40/);
    await recovers('back-1');
  });
  it('a mobile penny drop whose store fails after its payout went out: 502 with its reference_id, read back once the store is back, paid once', { timeout: 45_000 }, async () => {
    const headers = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' };
    const vid = 'outage-drop-1';
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' };
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const made = async () => (await gw.request('GET', '/sandbox/upi/payouts?vpa=slow.bank%40upi', { headers: admin })).json.items as { key: string }[];
    const before = (await made()).length;
    // 9444444444's bank answers a payout it has made only after SANDBOX_SLOW_PAYOUT_MS: the
    // store goes away in between.
    const pending = gw.request('POST', '/verification/mobile/penny-drop', {
      headers,
      body: { verification_id: vid, mobile_number: '9444444444', name: 'John Doe', user_consent: consent },
    });
    await eventually(made, (items) => items.length > before, 5_000, 'the payout at the bank');
    proxy.set('refuse');
    let r;
    try {
      r = await pending;
    } finally {
      proxy.set('pass');
    }
    // Not a plain "try again" (a merchant would pay again under a new id): the documented 502
    // with the drop's reference_id, to read back.
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.code, 'verification_failed');
    const refId = r.json.error?.reference_id;
    assert.ok(Number.isInteger(refId), r.text);
    const read = await eventually(
      () => gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, { headers }),
      (x) => x.status === 200,
      25_000,
      'the outcome read back',
    );
    assert.equal(read.json.status, 'VALID', read.text);
    assert.equal(read.json.reference_id, refId);
    assert.equal((await made()).length, before + 1, 'paid once');
  });
  it('silent (a frozen server, a partition): 503 within the deadlines, never a hang, and served again', { timeout: 30_000 }, async () => {
    const cf = gw.cashfree(m.test_key);
    const before = await cf.createRpd({ verification_id: 'up-2', name: 'John Doe' });
    assert.equal(before.status, 200);
    proxy.set('blackhole');
    try {
      // A connection within PG_CONNECT_TIMEOUT_MS (1 s here), a statement within
      // PG_STATEMENT_DEADLINE_MS (2 s): 503 well before a client gives up.
      await answersUnavailable(before.json.upi_link, 5_000);
    } finally {
      proxy.set('pass');
    }
    await recovers('back-2');
  });
});

/** A fresh database reached through a PgProxy: `url` goes through the proxy, `db.url` around it. */
async function proxiedPostgres() {
  const db = await freshPostgres();
  const url = new URL(db.url);
  const proxy = await PgProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { db, proxy, url: url.toString(), close: async () => (await proxy.close(), await db.drop()) };
}

describe('readiness when PostgreSQL stops answering, with the default deadlines (PostgreSQL)', { skip: needsPostgres }, () => {
  it('answers not ready within 2 s, not after the statement deadline and the connect timeout', { timeout: 60_000 }, async () => {
    const { db, proxy, url, close } = await proxiedPostgres();
    const gw = await Gateway.start({ databaseUrl: url, env: { LOG_LEVEL: 'warn' } });
    try {
      assert.equal((await gw.request('GET', '/readyz')).status, 200);
      proxy.set('blackhole');
      // Probes that come together (a load balancer's and an orchestrator's) share one check.
      const t0 = Date.now();
      const answers = await Promise.all([gw.request('GET', '/readyz'), gw.request('GET', '/readyz'), gw.request('GET', '/readyz')]);
      const ms = Date.now() - t0;
      assert.ok(ms < 2_800, `readyz took ${ms} ms`);
      for (const r of answers) {
        assert.equal(r.status, 503, r.text);
        assert.match(r.json.checks.store.error, /did not answer within 2000 ms/);
      }
      proxy.set('pass');
      await eventually(async () => (await gw.request('GET', '/readyz')).status, (st) => st === 200, 40_000, 'ready again');
    } finally {
      proxy.set('pass');
      await gw.stop();
      await close();
    }
  });
});

describe('readiness after a check that never ends (PostgreSQL)', { skip: needsPostgres }, () => {
  it('starts a new check instead of answering from the stuck one for ever', { timeout: 60_000 }, async () => {
    const { proxy, url, close } = await proxiedPostgres();
    // No statement deadline (a setting the README allows): a statement whose bytes a partition
    // lost waits on its connection for ever.
    const gw = await Gateway.start({ databaseUrl: url, env: { LOG_LEVEL: 'warn', PG_STATEMENT_DEADLINE_MS: '0' } });
    try {
      proxy.set('blackhole');
      const during = await gw.request('GET', '/readyz');
      assert.equal(during.status, 503, during.text);
      proxy.set('pass'); // the network is back; the check's statement was lost with it
      await eventually(async () => (await gw.request('GET', '/readyz')).status, (st) => st === 200, 15_000, 'ready once the store answers');
      // A stop still ends, within its bound, though the stuck statement holds a connection.
      const t0 = Date.now();
      await gw.stop();
      assert.ok(Date.now() - t0 < 25_000, `stopped after ${Date.now() - t0} ms`);
      assert.match(gw.output, /shutdown did not finish in time: exiting/);
    } finally {
      proxy.set('pass');
      await gw.stop();
      await close();
    }
  });
});

describe('a gateway started before its database (PostgreSQL)', { skip: needsPostgres }, () => {
  it('waits for the server, saying so, and serves once it answers; gives up after PG_START_WAIT_SECONDS', { timeout: 60_000 }, async () => {
    const { db, proxy, url, close } = await proxiedPostgres();
    let gw: Gateway | undefined;
    try {
      proxy.set('refuse'); // the server not up yet: connections refused
      const starting = Gateway.start({ databaseUrl: url, env: { LOG_LEVEL: 'warn' } });
      // Until it has been refused and tried again, not for a fixed time: a loaded machine may take
      // longer than that to start the process at all.
      await eventually(async () => proxy.refused, (n) => n >= 2, 30_000, 'the gateway tries the database, refused');
      proxy.set('pass');
      gw = await starting;
      assert.match(gw.output, /the database cannot be reached yet: waiting for it/);
      const m = await gw.merchant('Started early');
      assert.equal((await gw.cashfree(m.test_key).createRpd({ verification_id: 'early-1', name: 'John Doe' })).status, 200);
      await gw.stop();
      gw = undefined;
      // Not for ever: past the wait it exits, naming the database.
      proxy.set('refuse');
      const t0 = Date.now();
      await assert.rejects(
        Gateway.start({ databaseUrl: url, env: { LOG_LEVEL: 'warn', PG_START_WAIT_SECONDS: '2' } }),
        /gateway exited 1:[\s\S]*failed to start: DATABASE_URL .* cannot be used/,
      );
      assert.ok(Date.now() - t0 < 10_000, `gave up after ${Date.now() - t0} ms`);
    } finally {
      proxy.set('pass');
      await gw?.stop();
      await close();
    }
  });
});

describe('pennygate listen while its store is away (PostgreSQL)', { skip: needsPostgres }, () => {
  it('waits, says so once, and forwards every event made meanwhile once the store answers again', { timeout: 60_000 }, async () => {
    // The gateway reaches the store directly; listen through a proxy that goes away: the events
    // made while listen cannot read them must be forwarded when it can.
    const { db, proxy, url, close } = await proxiedPostgres();
    const gw = await Gateway.start({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn' } });
    const local = await Receiver.start();
    const m = await gw.merchant('Listens through an outage');
    const cf = gw.cashfree(m.test_key);
    const { PATH, HOME } = process.env;
    const bin = join(import.meta.dirname, '..', 'bin', 'pennygate.mjs');
    const env = { PATH, HOME, DATABASE_URL: url, SECRET_KEY: '11'.repeat(32), ADMIN_TOKEN, PG_CONNECT_TIMEOUT_MS: '1000' };
    const proc = spawn(process.execPath, [bin, 'listen', '--merchant', m.id, '--forward-to', local.url, '--dialect', 'cashfree'], { env });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const paid = async (vid: string) => {
      const made = await cf.createRpd({ verification_id: vid, name: 'John Doe' });
      assert.equal(made.status, 200, made.text);
      assert.equal((await gw.pay(made.json.upi_link, 'success@upi')).status, 200);
    };
    const forwarded = () => local.received.map((r) => JSON.parse(r.body).data.verification_id as string);
    try {
      await eventually(async () => err, (e) => /forwarding/.test(e), 10_000, 'listen to start');
      await paid('before-outage');
      await eventually(async () => forwarded(), (f) => f.includes('before-outage'), 10_000, 'the first event');
      proxy.set('refuse');
      await eventually(async () => err, (e) => /the store is unavailable/.test(e), 10_000, 'listen to say the store is away');
      for (let i = 0; i < 3; i++) await paid(`during-outage-${i}`);
      await sleep(1500);
      assert.equal(proc.exitCode, null, `listen ended: ${err}`);
      assert.equal(err.match(/the store is unavailable/g)!.length, 1, err);
      proxy.set('pass');
      await eventually(async () => forwarded().length, (n) => n === 4, 20_000, 'the events made during the outage');
      assert.deepEqual(forwarded().sort(), ['before-outage', 'during-outage-0', 'during-outage-1', 'during-outage-2']);
      await eventually(async () => err, (e) => /the store answers again/.test(e), 5_000, 'listen to say the store is back');
      await paid('after-outage');
      await eventually(async () => forwarded().length, (n) => n === 5, 10_000, 'an event after the outage');
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT');
        await gone;
      }
      await local.close();
      await gw.stop();
      await close();
    }
  });
});

describe('PostgreSQL answers reads but refuses writes (a standby, a primary made read-only), then takes them again', { skip: needsPostgres }, () => {
  it('answers 503 and not ready while writes are refused, and ready again by itself', { timeout: 60_000 }, async () => {
    const db = await freshPostgres();
    const name = new URL(db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // Every session of the gateway's pool begins anew, taking the database's defaults.
    const reconnectAll = () =>
      admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    const gw = await Gateway.start({ databaseUrl: db.url, env: { LOG_LEVEL: 'warn', JOB_POLL_MS: '60000' } });
    try {
      const m = await gw.merchant('Read only');
      const cf = gw.cashfree(m.test_key);
      assert.equal((await cf.createRpd({ verification_id: 'ro-1' })).status, 200);

      await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
      await reconnectAll();
      // Creates until the server's own refusal (25006, cannot execute INSERT in a read-only
      // transaction) has been seen: the first may meet a pooled connection just ended, a 503 too.
      // Every one is answered 503 with Retry-After, none 500, none 200.
      const answers: { status: number; retryAfter: string | null; text: string }[] = [];
      const notReady = await eventually(
        async () => {
          const c = await cf.createRpd({ verification_id: 'ro-2' });
          answers.push({ status: c.status, retryAfter: c.headers.get('retry-after'), text: c.text });
          return gw.request('GET', '/readyz');
        },
        (r) => r.status === 503 && r.json?.checks?.store_writes?.ok === false,
        10_000,
        'not ready for writes',
      );
      for (const a of answers) {
        assert.equal(a.status, 503, a.text);
        assert.equal(a.retryAfter, '5');
      }
      assert.equal(notReady.json.checks.store.ok, true, 'reads still work');
      assert.match(notReady.json.checks.store_writes.error, /25006/);
      assert.equal((await cf.status({ verification_id: 'ro-1' })).status, 200, 'a read is served');

      await admin.query(`ALTER DATABASE ${name} RESET default_transaction_read_only`);
      await reconnectAll();
      await readyByItself(gw, () => cf.createRpd({ verification_id: 'ro-2' }));
    } finally {
      await gw.stop();
      await admin.end();
      await db.drop();
    }
  });
});

describe('Jobs and a store that fails them (PostgreSQL)', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let receiver: Receiver;
  let db: { url: string; drop: () => Promise<void> };
  before(async () => {
    db = await freshPostgres();
    receiver = await Receiver.start();
    // Every job is "old" within 3.6 s of its creation (JOB_MAX_AGE_HOURS), and three failures end one.
    gw = await Gateway.start({
      databaseUrl: db.url,
      env: { LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE: 'true', JOB_MAX_AGE_HOURS: '0.001', JOB_MAX_FAILURES: '3' },
    });
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
    await db?.drop();
  });

  async function onStore(sql: string) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }
  /** The delivery log's writes fail with `sqlstate`: 53100 is PostgreSQL's disk full. */
  const refuseLog = (sqlstate: string) =>
    onStore(`CREATE OR REPLACE FUNCTION refuse_attempts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'cannot write the log' USING ERRCODE = '${sqlstate}'; END $$;
             DROP TRIGGER IF EXISTS refuse_attempts ON webhook_attempts;
             CREATE TRIGGER refuse_attempts BEFORE INSERT ON webhook_attempts FOR EACH ROW EXECUTE FUNCTION refuse_attempts()`);
  const deadOf = async (subject: string) => ((await gw.admin('GET', '/jobs/dead')).json.items as any[]).find((j) => j.subject === subject);

  it('a job past JOB_MAX_AGE_HOURS that fails for a store outage is tried again after it, with backoff, not buried', { timeout: 60_000 }, async () => {
    const m = await gw.merchant('Old Jobs');
    assert.equal((await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' })).status, 200);
    await refuseLog('53100');
    const cf = gw.cashfree(m.test_key);
    await gw.pay((await cf.createRpd({ verification_id: 'old-job-1', name: 'John Doe' })).json.upi_link, 'success@upi');
    const [d] = await eventually(
      async () => (await gw.admin('GET', `/merchants/${m.id}/webhook/deliveries`)).json.items as any[],
      (items) => items.length === 1,
      10_000,
      'the delivery',
    );
    // The outage outlasts the job's age and its failure limit: each run POSTs, then cannot log it.
    await sleep(6_000);
    assert.equal(await deadOf(d.id), undefined, 'buried for a store outage');
    const posts = receiver.received.filter((r) => r.headers['x-webhook-id'] === d.id).length;
    // Backoff (1 s doubling): a handful of runs in 6 s, not one per poll.
    assert.ok(posts >= 3 && posts <= 6, `${posts} runs in 6 s`);

    // A failure that is the job's own (not an outage) ends it at once: it is that old.
    await refuseLog('P0001');
    const dead = await eventually(() => deadOf(d.id), (j) => j !== undefined, 20_000, 'the job to die');
    assert.match(dead.last_error, /cannot write the log/);

    // Retried by the operator, the job has a fresh allowance (JOB_MAX_FAILURES runs, its age
    // counted from the retry), not one try before it is dead again.
    const retried = await gw.admin('POST', `/jobs/${dead.id}/retry`);
    assert.equal(retried.status, 200, retried.text);
    const again = await eventually(() => deadOf(d.id), (j) => j !== undefined, 20_000, 'the job to die again');
    assert.equal(again.failures, 3, JSON.stringify(again));

    // Mended: retried once more, it is delivered.
    await onStore('DROP TRIGGER refuse_attempts ON webhook_attempts');
    assert.equal((await gw.admin('POST', `/jobs/${dead.id}/retry`)).status, 200);
    await eventually(async () => (await gw.admin('GET', `/webhook-deliveries/${d.id}`)).json.status, (s) => s === 'delivered', 10_000, 'delivered');
  });
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`A job failing on the bank, with the store up (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway | undefined;
    let drop: () => Promise<void> = async () => {};
    after(async () => {
      await gw?.stop();
      await drop();
    });

    it('an unreachable bank connector (ECONNREFUSED) is the job\'s failure, not an outage: counted, and past JOB_MAX_FAILURES a dead letter', { timeout: 30_000 }, async () => {
      const db = await storeFor(store);
      drop = db.drop;
      // Nothing listens on the bank's port: every call to it is refused, with the same code a
      // database that is down refuses a connection with.
      const closed = await freePort();
      gw = await Gateway.start({
        databaseUrl: db.databaseUrl,
        env: { ...connectorEnv(`http://127.0.0.1:${closed}`, 'closed-bank-shared-secret-0123456789'), LOG_LEVEL: 'warn', JOB_MAX_FAILURES: '2' },
      });
      // The reconciliation of the last day is enqueued at start: it reads the bank's statement.
      const dead = await eventually(
        async () => ((await gw!.admin('GET', '/jobs/dead')).json.items as any[]).find((j) => j.kind === 'bank.reconcile'),
        (j) => j !== undefined,
        15_000,
        'the reconciliation job to end a dead letter',
      );
      assert.equal(dead.failures, 2, JSON.stringify(dead));
      assert.match(dead.last_error, /bank connector GET \/v1\/statement: .*ECONNREFUSED/);
      // Logged as the job's failure, never as the store's outage.
      assert.doesNotMatch(gw.output, /store is unavailable|to run again after the outage/);
      // The store itself is fine all along.
      assert.equal((await gw.request('GET', '/readyz')).status, 200);
    });
  });
}
