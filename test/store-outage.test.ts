// The store going away under a running gateway and coming back: the SQLite disk full, then space
// again. Nothing may be acknowledged that is not committed, and the gateway recovers without a
// restart: new requests succeed, and every rupee taken goes back exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gateway, eventually, sleep } from './support/gateway.js';

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
  let mnt = '';
  let gw: Gateway;
  before(async () => {
    mnt = mkdtempSync(join(tmpdir(), 'pennygate-full-'));
    mountTmpfs(mnt, '40m');
    gw = await Gateway.start({
      dataDir: join(mnt, 'data'),
      env: { LOG_LEVEL: 'warn', SANDBOX_WRITES_PER_MINUTE: '0', REFUND_NOT_FOUND_GRACE_MS: '500', REFUND_POLL_CAP_MS: '300' },
    });
  });
  after(async () => {
    await gw?.stop();
    if (mnt) {
      unmount(mnt);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it('answers errors while full, acknowledges only what it kept, and serves again once space returns', { timeout: 60_000 }, async () => {
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
      assert.ok(r.status >= 500, `a ${r.status} on a full disk: ${JSON.stringify(r.json)}`);
      // Cashfree's envelope (a create) or pennygate's own (the sandbox's payment).
      const envelope = r.json?.type ? r.json.code && r.json.message : r.json?.error?.code && r.json.error.message;
      assert.ok(envelope, `an answer outside the envelope: ${JSON.stringify(r.json)}`);
    }

    // Space again: a few seconds of creates and payments, every one of them served.
    unlinkSync(filler);
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
    // The checkpoints that start the WAL over came back with the space (about 4,000 pages at most).
    assert.ok(longestWal < 24 * 1024 * 1024, `the WAL grew to ${longestWal} bytes`);

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
  });
});
