// At SQLITE_SYNCHRONOUS=FULL the SQLite store commits at NORMAL and flushes the WAL itself, off
// the event loop. These tests hold that flush (fs.fdatasync, the call it goes through) and check
// what may and may not happen meanwhile: nothing is answered and nothing is read before the
// commit is on disk, and a flush that fails stops the store instead of losing answers.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs, { mkdtempSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/store/sqlite.js';
import type { Db } from '../src/store/db.js';

const realFdatasync = fs.fdatasync;
interface Held {
  fd: number;
  done: (err: NodeJS.ErrnoException | null) => void;
}

/** Settled within `ms`? (a promise that stays pending must stay so while the flush is held) */
async function settles(p: Promise<unknown>, ms = 50): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

describe('SQLite commits flushed off the event loop', () => {
  let dir: string;
  let db: Db;
  let held: Held[];
  let holding: boolean;
  /** Waits for the store to start a flush (and fails if none comes). */
  const flushStarted = async () => {
    for (let t = 0; held.length === 0; t++) {
      if (t > 2000) throw new Error('no flush was started');
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  beforeEach(async () => {
    held = [];
    holding = false;
    (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      if (!holding) return realFdatasync(fd, cb);
      held.push({ fd, done: (err) => (err ? cb(err) : realFdatasync(fd, cb)) });
    }) as typeof fs.fdatasync;
    dir = mkdtempSync(join(tmpdir(), 'pennygate-flush-'));
    db = openSqlite(dir, { server: true });
    await db.withMigrationLock((s) => s.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
  });
  afterEach(async () => {
    holding = false;
    for (const h of held.splice(0)) h.done(null);
    await db.close().catch(() => {});
    fs.fdatasync = realFdatasync;
  });

  /** Rows in t as this store reads them; a read must not wait for a flush. */
  const count = async () => {
    const read = db.query<{ n: number }>('SELECT count(*) AS n FROM t');
    assert.equal(await settles(read, 2000), true, 'a read waited for a flush');
    return (await read)[0].n;
  };
  /** Rows in t as another connection reads them: commits, flushed or not. */
  const committedRows = () => {
    const other = new Database(join(dir, 'pennygate.db'), { readonly: true });
    try {
      return (other.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    } finally {
      other.close();
    }
  };
  const until = async (what: string, ok: () => boolean) => {
    for (let t = 0; !ok(); t++) {
      assert.ok(t < 2000, what);
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  it('answers a commit, and shows it to readers, only once the WAL file is flushed', async () => {
    holding = true;
    const write = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('a') RETURNING id"));
    await flushStarted();
    // The flush is of the WAL file itself.
    const wal = fs.statSync(join(dir, 'pennygate.db-wal'));
    const flushing = fs.fstatSync(held[0].fd);
    assert.deepEqual([flushing.dev, flushing.ino], [wal.dev, wal.ino]);

    // Reads go on meanwhile, on the commits before it.
    assert.equal(await count(), 0, 'a read saw a commit before its flush');
    assert.equal(await settles(write), false, 'answered before its flush');

    // The next groups commit while that flush is under way; their flush starts after it.
    const next = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('b') RETURNING id"));
    const third = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('c') RETURNING id"));
    await until('the next groups did not commit during the flush', () => committedRows() === 3);
    assert.equal(held.length, 1, 'one flush at a time');
    assert.equal(await count(), 0, 'a read saw a commit before its flush');

    held.shift()!.done(null);
    assert.deepEqual(await write, [{ id: 1 }]);
    assert.equal(await count(), 1, 'a read missed an answered commit');
    // One flush for both groups that committed during the first.
    await flushStarted();
    assert.equal(await settles(next), false, 'answered before its flush');
    assert.equal(await settles(third), false, 'answered before its flush');
    assert.equal(await count(), 1, 'a read saw a commit before its flush');
    holding = false;
    held.shift()!.done(null);
    assert.deepEqual(await next, [{ id: 2 }]);
    assert.deepEqual(await third, [{ id: 3 }]);
    assert.equal(await count(), 3);
    assert.equal(held.length, 0);
  });

  it('reads, while one commit after another is flushed, exactly the commits on disk', async () => {
    holding = true;
    const writes = [db.tx((q) => q.query("INSERT INTO t (v) VALUES ('1')"))];
    await flushStarted();
    for (let i = 2; i <= 8; i++) {
      // Commit i while commit i - 1 is being flushed: reads see the i - 2 on disk.
      writes.push(db.tx((q) => q.query(`INSERT INTO t (v) VALUES ('${i}')`)));
      await until(`commit ${i} was not made during a flush`, () => committedRows() === i);
      assert.equal(await count(), i - 2);
      held.shift()!.done(null);
      await writes[i - 2];
      // What a caller does on its answer: read it back.
      assert.equal(await count(), i - 1, 'a read missed an answered commit');
      await flushStarted();
      assert.equal(await count(), i - 1, 'a read saw a commit before its flush');
    }
    holding = false;
    held.shift()!.done(null);
    await writes[7];
    assert.equal(await count(), 8);
  });

  it('fails the groups committed during a flush that fails', async () => {
    holding = true;
    const first = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('a')"));
    await flushStarted();
    const second = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('b')"));
    await until('the second group did not commit', () => committedRows() === 2);
    held.shift()!.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await assert.rejects(first, /restart the gateway/);
    await assert.rejects(second, /restart the gateway/);
    await assert.rejects(db.query('SELECT count(*) AS n FROM t'), /restart the gateway/);
    assert.equal(held.length, 0, 'a flush after the failed one');
  });

  it('stops answering after a flush fails, reads included, and keeps what was answered', async () => {
    await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('kept')"));
    holding = true;
    const write = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('unknown')"));
    await flushStarted();
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    held.shift()!.done(eio);
    await assert.rejects(write, /could not flush its WAL to disk \(EIO.*restart the gateway/);
    await assert.rejects(db.query('SELECT count(*) AS n FROM t'), /restart the gateway/);
    await assert.rejects(db.tx((q) => q.query("INSERT INTO t (v) VALUES ('after')")), /restart the gateway/);
    holding = false;
    await db.close();
    // A restart reads the file as it is; the answered row is there.
    db = openSqlite(dir);
    const rows = await db.query<{ v: string }>('SELECT v FROM t ORDER BY id');
    assert.equal(rows[0].v, 'kept');
  });

  it('leaves the flush inside COMMIT to SQLite in the command line\'s store, so the server never reads its changes early', async () => {
    await db.close();
    db = openSqlite(dir); // as the CLI opens it
    holding = true;
    assert.deepEqual(await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('cli') RETURNING id")), [{ id: 1 }]);
    assert.equal(held.length, 0);
  });

  it('refuses to answer when another file stands where its WAL was', async () => {
    await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('before')"));
    const wal = join(dir, 'pennygate.db-wal');
    fs.renameSync(wal, `${wal}.moved`);
    fs.writeFileSync(wal, '');
    // Never answered: SQLite may notice first (an I/O error), else the flush does.
    await assert.rejects(db.tx((q) => q.query("INSERT INTO t (v) VALUES ('after')")), /no longer the WAL file|disk I\/O error/);
    fs.renameSync(`${wal}.moved`, wal);
  });

  it('stops after a flush fails in a migration', async () => {
    const realSync = fs.fdatasyncSync;
    fs.fdatasyncSync = () => {
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    };
    try {
      await assert.rejects(db.withMigrationLock((s) => s.exec('CREATE TABLE u (id INTEGER PRIMARY KEY)')), /EIO/);
    } finally {
      fs.fdatasyncSync = realSync;
    }
    await assert.rejects(db.tx((q) => q.query("INSERT INTO t (v) VALUES ('after')")), /restart the gateway/);
    await assert.rejects(db.withMigrationLock(async () => 1), /restart the gateway/);
  });

  it('refuses statements after an error rolled the whole group back, so none is committed outside it', async () => {
    await db.withMigrationLock((s) => s.exec("CREATE TRIGGER boom BEFORE INSERT ON t WHEN NEW.v = 'boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END"));
    // Two members of one group: the second rolls back the whole transaction, catches that, and writes on.
    const first = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('first')"));
    let after: unknown = null;
    const second = db.tx(async (q) => {
      await q.query("INSERT INTO t (v) VALUES ('boom')").catch(() => {});
      await q.query("INSERT INTO t (v) VALUES ('after')").catch((err) => (after = err));
    });
    await assert.rejects(first, /rolled back with its group/); // undone with the rest of the transaction
    await assert.rejects(second);
    assert.match(String(after), /rolled back/);
    await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('next')"));
    assert.deepEqual(await db.query('SELECT v FROM t ORDER BY id'), [{ v: 'next' }]);
    await db.close();
    db = openSqlite(dir, { server: true });
    assert.deepEqual(await db.query('SELECT v FROM t ORDER BY id'), [{ v: 'next' }]);
  });

  it('undoes a single statement that fails in a group, and only that statement, without a savepoint of its own', async () => {
    await db.withMigrationLock((s) => s.exec('CREATE TABLE u (v TEXT UNIQUE)'));
    // Writes through query() are members of one statement each: issued in one turn, one group.
    const a = db.query("INSERT INTO u VALUES ('a')");
    const twoRows = db.query("INSERT INTO u VALUES ('b'), ('a')"); // 'b' is written, then 'a' clashes
    const c = db.query("INSERT INTO u VALUES ('c')");
    const inTx = db.tx(async (q) => {
      await q.query("INSERT INTO u VALUES ('d')");
      await q.query("INSERT INTO u VALUES ('c')"); // clashes with the member before it
    });
    const e = db.query("INSERT INTO u VALUES ('e')");
    await a;
    await assert.rejects(twoRows, /UNIQUE/);
    await c;
    await assert.rejects(inTx, /UNIQUE/);
    await e;
    const rows = async () => (await db.query<{ v: string }>('SELECT v FROM u ORDER BY v')).map((r) => r.v);
    assert.deepEqual(await rows(), ['a', 'c', 'e']);
    await db.close();
    db = openSqlite(dir, { server: true });
    assert.deepEqual(await rows(), ['a', 'c', 'e']);
  });

  it('answers no failure that reflects another group\'s commit before that commit is flushed', async () => {
    holding = true;
    const first = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('paid')"));
    await flushStarted();
    // As billing does: a check on the state (balance, reference already applied) that throws.
    const second = db.tx(async (q) => {
      const [r] = await q.query<{ n: number }>("SELECT count(*) AS n FROM t WHERE v = 'paid'");
      if (r.n > 0) throw new Error('already paid');
    });
    assert.equal(await settles(second), false, 'told "already paid" of a payment that is not on disk');
    held.shift()!.done(null);
    await first;
    await second.catch(() => {});
  });

  it('commits nothing after a flush failed', async () => {
    holding = true;
    const first = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('a')"));
    await flushStarted();
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    let inside = false;
    const second = db.tx(async (q) => {
      inside = true;
      await gate;
      await q.query("INSERT INTO t (v) VALUES ('after-broken')");
    });
    await until('the second group did not start', () => inside);
    held.shift()!.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await assert.rejects(first, /restart the gateway/);
    go();
    let flushedAfter = false;
    const settled = second.then(() => 'ok', (e: Error) => e);
    while (!(await settles(settled, 10))) {
      // A flush started after the failed one (held here): let it through, else second never settles.
      if (held.length > 0) (flushedAfter = true), held.shift()!.done(null);
    }
    assert.match(String(await settled), /restart the gateway/);
    const other = new Database(join(dir, 'pennygate.db'), { readonly: true });
    const n = (other.prepare("SELECT count(*) AS n FROM t WHERE v = 'after-broken'").get() as { n: number }).n;
    other.close();
    assert.equal(n, 0, 'a group was committed after the store stopped (its caller was told it failed)');
    assert.equal(flushedAfter, false, 'a flush was started after the failed one');
  });

  it('the command line\'s store holds no snapshot after a commit (it would keep checkpoints from the WAL)', async () => {
    await db.close();
    db = openSqlite(dir); // as the CLI opens it
    for (let i = 0; i < 3; i++) await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('cli')"));
    await new Promise((r) => setTimeout(r, 20));
    const other = new Database(join(dir, 'pennygate.db'));
    const [r] = other.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    other.close();
    assert.equal(r.checkpointed, r.log, `a snapshot of this store kept ${r.log - r.checkpointed} WAL frames from the checkpoint`);
  });

  it('sees another process\'s answered commit after a transaction that failed alone', async () => {
    await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('before')"));
    // A request refused inside its transaction (as billing's InsufficientBalanceError): its group commits nothing.
    await assert.rejects(db.tx(async (q) => {
      await q.query("INSERT INTO t (v) VALUES ('refused')");
      throw new Error('insufficient balance');
    }), /insufficient/);
    await new Promise((r) => setTimeout(r, 20));
    // The CLI (SQLite's FULL: durable when answered) tops up meanwhile.
    const cli = new Database(join(dir, 'pennygate.db'));
    cli.prepare("INSERT INTO t (v) VALUES ('cli')").run();
    cli.close();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await count(), 2, 'a read of this store missed a commit the CLI had answered');
    const other = new Database(join(dir, 'pennygate.db'));
    const [r] = other.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    other.close();
    assert.equal(r.checkpointed, r.log, 'a snapshot kept the checkpoint from the WAL');
  });

  it('sees another process\'s answered commit while a flush of its own is under way', async () => {
    holding = true;
    const write = db.tx((q) => q.query("INSERT INTO t (v) VALUES ('own')"));
    await flushStarted();
    // The CLI revokes a key (SQLite's FULL: on disk when it answers), then a request comes in.
    const cli = new Database(join(dir, 'pennygate.db'));
    cli.prepare("INSERT INTO t (v) VALUES ('cli')").run();
    cli.close();
    await new Promise((r) => setTimeout(r, 20));
    const read = db.query<{ n: number }>("SELECT count(*) AS n FROM t WHERE v = 'cli'");
    await settles(read, 20);
    held.shift()!.done(null);
    await write;
    const [r] = await read;
    assert.equal(r.n, 1, 'a read missed a commit another process had answered before it');
  });

  it('makes no flush per commit at SQLITE_SYNCHRONOUS=NORMAL', async () => {
    await db.close();
    db = openSqlite(dir, { server: true, synchronous: 'NORMAL' });
    holding = true;
    assert.deepEqual(await db.tx((q) => q.query("INSERT INTO t (v) VALUES ('n') RETURNING id")), [{ id: 1 }]);
    assert.equal(held.length, 0);
  });
});

describe('SQLite checkpoints on their own thread', () => {
  it('keeps the WAL short under writes that never pause, and loses nothing', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pennygate-checkpoint-'));
    let db = openSqlite(dir, { server: true });
    await db.withMigrationLock((s) => s.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
    const wal = join(dir, 'pennygate.db-wal');
    let longest = 0;
    // 1,200 groups of 40 rows of ~500 bytes, one after another: about 30 MB written to the WAL.
    for (let g = 0; g < 1200; g++) {
      await Promise.all(Array.from({ length: 40 }, (_, i) => db.tx((q) => q.query('INSERT INTO t (v) VALUES (?)', [`${g}:${i}:${'x'.repeat(500)}`]))));
      longest = Math.max(longest, fs.statSync(wal).size);
    }
    // The writer makes no checkpoint of its own (SQLite's would start at 1,000 pages); the thread
    // copies behind it, and the writes pause for a checkpoint once the WAL file passes 4,000
    // pages (16.5 MB; 18.2 MB when the pause read the last checkpoint's lagging count).
    assert.ok(longest < 17 * 1024 * 1024, `the WAL grew to ${longest} bytes`);

    // One transaction of ~24 MB makes the file that long; once the WAL starts over, the file is
    // cut down to the pause's length again, and the space given back.
    await db.tx(async (q) => {
      for (let i = 0; i < 48; i++) await q.query('INSERT INTO t (v) VALUES (?)', [`big:${i}:${'y'.repeat(500_000)}`]);
    });
    assert.ok(fs.statSync(wal).size > 20 * 1024 * 1024, `the large transaction left ${fs.statSync(wal).size} bytes`);
    let after = Infinity;
    for (let g = 0; g < 200 && after > 17 * 1024 * 1024; g++) {
      await Promise.all(Array.from({ length: 40 }, (_, i) => db.tx((q) => q.query('INSERT INTO t (v) VALUES (?)', [`after:${g}:${i}`]))));
      after = fs.statSync(wal).size;
    }
    assert.ok(after <= 17 * 1024 * 1024, `the WAL file stayed at ${after} bytes`);
    await db.close();
    db = openSqlite(dir);
    const [n] = await db.query<{ n: number }>("SELECT count(*) AS n FROM t WHERE v NOT LIKE 'big:%' AND v NOT LIKE 'after:%'");
    assert.equal(n.n, 48_000);
    await db.close();
  });
});

describe('SQLite checkpoints under writes that never leave the flush pipeline idle', () => {
  it('keeps the WAL short while each flush takes a few milliseconds and commits go on during it', { timeout: 120_000 }, async () => {
    (fs as { fdatasync: typeof fs.fdatasync }).fdatasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) =>
      setTimeout(() => realFdatasync(fd, cb), 3)) as unknown as typeof fs.fdatasync;
    const dir = mkdtempSync(join(tmpdir(), 'pennygate-pipeline-'));
    const db = openSqlite(dir, { server: true });
    try {
      await db.withMigrationLock((s) => s.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
      const wal = join(dir, 'pennygate.db-wal');
      let longest = 0;
      // Requests arriving on their own (open loop), a few every millisecond, as at a busy gateway.
      let inFlight = 0;
      const all: Promise<unknown>[] = [];
      const started = Date.now();
      await new Promise<void>((done) => {
        const tick = setInterval(() => {
          longest = Math.max(longest, fs.statSync(wal).size);
          if (longest > 40 * 1024 * 1024 || Date.now() - started > 15_000) {
            clearInterval(tick);
            return done();
          }
          for (let i = 0; i < 5 && inFlight < 400; i++) {
            inFlight++;
            all.push(db.tx((q) => q.query('INSERT INTO t (v) VALUES (?)', ['x'.repeat(2000)])).finally(() => inFlight--));
          }
        }, 1);
      });
      await Promise.all(all);
      const main = fs.statSync(join(dir, 'pennygate.db')).size;
      const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM t');
      console.log('REVIEW', { longest, main, rows: rows[0].n, ms: Date.now() - started });
      assert.ok(longest < 24 * 1024 * 1024, `the WAL grew to ${longest} bytes in ${Date.now() - started} ms; the database file is ${main} bytes (checkpoints copied nothing)`);
    } finally {
      fs.fdatasync = realFdatasync;
      await db.close();
    }
  });
});
