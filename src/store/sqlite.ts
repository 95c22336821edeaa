import Database from 'better-sqlite3';
import fs, { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_CLOCK, StoreUnavailableError, WRITE_PROBE_SQL, writeProber, type Db, type MigrationSession, type Queryable, type Row } from './db.js';
import { startWorker } from '../worker-thread.js';
import type { AsideDone, AsideRead } from './aside-worker.js';
import type { CheckpointDone } from './checkpoint-worker.js';
import type { SqliteSynchronous } from '../config.js';

export const SQLITE_FILE = 'pennygate.db';
/** The WAL's length, in frames (pages), past which the server's writes wait for a checkpoint (see openSqlite). */
const CHECKPOINT_PAUSE_FRAMES = 4000;

/**
 * The data directory and the database file hold account numbers, names and mobile numbers:
 * created readable by the gateway's user alone. SQLite gives the -wal and -shm files the mode
 * of the database file.
 */
export function createPrivately(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SQLITE_FILE);
  closeSync(openSync(file, 'a', 0o600));
  return file;
}

/**
 * Rows as plain objects, built by a function made once per statement from its column names.
 * better-sqlite3's own row objects cost more than the query itself on a status read: it looks
 * up every column name in V8's string table and grows each object key by key. Columns that
 * share a name keep the last, as there.
 *
 * A statement is prepared again by SQLite when the schema changes (another process may migrate
 * the file), and `SELECT *` may then return other columns or the same in another order. So a
 * statement's columns are learnt together with the schema version they belong to, and a read
 * whose version is not the one its columns were learnt at learns them again. `version` says
 * the schema version of the transaction the statement runs in, or null outside one; then the
 * version is read before and after the run, and a read that saw it change runs again.
 */
function rowReader(conn: Database.Database, version: () => number | null) {
  const schemaVersion = conn.prepare('PRAGMA schema_version').pluck();
  const known = new WeakMap<Database.Statement, { version: number; build: (r: unknown[]) => Row } | null>();
  const builder = (s: Database.Statement) =>
    new Function('r', `return { ${s.columns().map((c, i) => `${JSON.stringify(c.name)}: r[${i}]`).join(', ')} };`) as (r: unknown[]) => Row;
  const map = (raw: unknown[][], build: (r: unknown[]) => Row) => {
    const out = new Array<Row>(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = build(raw[i]);
    return out;
  };
  return (s: Database.Statement, params: unknown[]): Row[] => {
    const k = known.get(s);
    if (k === null) return s.all(...params) as Row[];
    const inTx = version();
    if (inTx !== null) {
      // Inside a transaction the schema cannot change under us: run once, learn if needed.
      if (k !== undefined && k.version === inTx) return map(s.all(...params) as unknown[][], k.build);
    } else if (k !== undefined) {
      const raw = s.all(...params) as unknown[][];
      if (schemaVersion.get() === k.version) return map(raw, k.build);
      known.delete(s);
      // A write ran once, in our own transaction, on the schema as it is now.
      if (!s.readonly) return map(raw, builder(s));
    }
    // A column named __proto__ would set the prototype of an object literal.
    if (s.columns().some((c) => c.name === '__proto__')) {
      known.set(s, null);
      s.raw(false);
      return s.all(...params) as Row[];
    }
    s.raw(true);
    if (inTx !== null) {
      const raw = s.all(...params) as unknown[][];
      const build = builder(s);
      known.set(s, { version: inTx, build });
      return map(raw, build);
    }
    for (;;) {
      const before = schemaVersion.get() as number;
      const raw = s.all(...params) as unknown[][];
      const build = builder(s);
      if (schemaVersion.get() === before) {
        known.set(s, { version: before, build });
        return map(raw, build);
      }
      if (!s.readonly) return map(raw, build);
    }
  };
}

/**
 * Flushes the WAL file to disk: `later()` on libuv's thread pool, `now()` on the calling thread.
 * The file is opened once, as soon as it exists (so that a write-back error on it is seen from
 * then on), and never again: SQLite goes on writing through its own descriptor to the file it
 * opened, so if another file ever stands at the path, flushing that one would be no flush at all,
 * and a flush fails instead.
 */
function walSyncer(path: string) {
  let fd: number | null = null;
  // The file's identity, read once: a descriptor's file never changes.
  let ours: fs.Stats | null = null;
  const open = () => {
    if (fd === null) {
      const opened = fs.openSync(path, 'r');
      try {
        ours = fs.fstatSync(opened);
      } catch (err) {
        fs.closeSync(opened);
        throw err;
      }
      fd = opened;
    }
    return fd;
  };
  try {
    open();
  } catch {
    // Not there yet: opened by the first flush, after the first commit has made it.
  }
  const current = () => {
    const theFd = open();
    const atPath = fs.statSync(path, { throwIfNoEntry: false });
    if (!atPath || atPath.ino !== ours!.ino || atPath.dev !== ours!.dev) {
      throw new Error(`${path} is no longer the WAL file this process writes`);
    }
    return theFd;
  };
  return {
    later: () =>
      new Promise<void>((ok, fail) => {
        const theFd = current();
        fs.fdatasync(theFd, (err) => (err ? fail(err) : ok()));
      }),
    now: () => fs.fdatasyncSync(current()),
    close: () => {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
      ours = null;
    },
  };
}

/**
 * Checkpoints on a worker thread with its own connection (checkpoint-worker.ts). `run()` answers
 * whether the checkpoint failed, or null once the thread is gone.
 */
function checkpointThread(file: string) {
  const worker = startWorker(import.meta.url, 'checkpoint-worker', { file });
  worker.unref();
  let seq = 0;
  const pending = new Map<number, (r: CheckpointDone | null) => void>();
  let gone = false;
  const lost = () => {
    gone = true;
    for (const done of pending.values()) done(null);
    pending.clear();
  };
  worker.on('message', (m: CheckpointDone) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
  });
  worker.on('error', lost);
  worker.on('exit', lost);
  return {
    run: () =>
      new Promise<CheckpointDone | null>((done) => {
        if (gone) return done(null);
        const id = ++seq;
        pending.set(id, done);
        worker.ref(); // an idle thread keeps no process alive, one at work does
        worker.postMessage({ id });
      }),
    close: async () => {
      if (gone) return;
      const exited = new Promise((ok) => worker.once('exit', ok));
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

/**
 * Slow reads on a worker thread with its own read-only connection (aside-worker.ts), started on
 * first use. `run()` answers the rows, or null once the thread is gone (the caller then reads on
 * the event loop). An idle thread keeps no process alive.
 */
function asideThread(file: string) {
  let worker: ReturnType<typeof startWorker> | null = null;
  let seq = 0;
  const pending = new Map<number, { ok: (rows: Row[] | null) => void; fail: (err: Error) => void }>();
  let gone = false;
  const lost = () => {
    gone = true;
    for (const p of pending.values()) p.ok(null);
    pending.clear();
  };
  const start = () => {
    const w = startWorker(import.meta.url, 'aside-worker', { file });
    w.unref();
    w.on('message', (m: AsideDone) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error !== undefined) p?.fail(new Error(m.error));
      else p?.ok(m.rows as Row[]);
    });
    w.on('error', lost);
    w.on('exit', lost);
    return w;
  };
  return {
    run: (sql: string, params: unknown[]) =>
      new Promise<Row[] | null>((ok, fail) => {
        if (gone) return ok(null);
        worker ??= start();
        const id = ++seq;
        pending.set(id, { ok, fail });
        worker.ref();
        worker.postMessage({ id, sql, params } satisfies AsideRead);
      }),
    close: async () => {
      if (gone || !worker) return;
      const exited = new Promise((ok) => worker!.once('exit', ok));
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

/**
 * A read-only connection holding at most one snapshot (a read transaction), labelled with the
 * commits of this process it sees (`seq`), with its own prepared statements.
 */
function readConnection(file: string) {
  const conn = new Database(file);
  conn.pragma('busy_timeout = 5000');
  conn.pragma('query_only = ON');
  const schemaVersion = conn.prepare('PRAGMA schema_version').pluck();
  const begin = conn.prepare('BEGIN');
  const commit = conn.prepare('COMMIT');
  const statements = new Map<string, Database.Statement>();
  const state = { version: null as number | null };
  const rows = rowReader(conn, () => state.version);
  const r = {
    /** The schema version its snapshot read; null without a snapshot. */
    get version() {
      return state.version;
    },
    seq: 0,
    /** The writer's data_version when it was taken: another process's commits it includes. */
    external: 0,
    open(seq: number, external: number) {
      if (conn.inTransaction) commit.run(); // left open by a failed end
      begin.run();
      try {
        state.version = schemaVersion.get() as number; // the first read: this takes the snapshot
      } catch (err) {
        commit.run();
        throw err;
      }
      r.seq = seq;
      r.external = external;
    },
    end() {
      if (state.version === null) return;
      state.version = null;
      if (conn.inTransaction) commit.run();
    },
    rows,
    statement(sql: string) {
      let st = statements.get(sql);
      if (!st) {
        st = conn.prepare(sql);
        statements.set(sql, st);
      }
      return st;
    },
    forget: () => statements.clear(),
    close: () => conn.close(),
  };
  return r;
}

/**
 * SQLite through better-sqlite3. Its calls are synchronous, so a transaction cannot
 * interleave with other statements except at the awaits inside `fn`; a promise-chain mutex
 * serialises every write so that no transaction sees another caller's statements. Statements
 * that only read run on two other connections: WAL gives each a snapshot of committed state, so
 * a read never waits behind writes nor for a flush, and reads the commits that are on disk, no
 * fewer and no more (see `readers`). `server`: the store of the gateway's server,
 * which flushes the WAL itself off the event loop and checkpoints on a worker thread (below);
 * the CLI's store leaves both to SQLite. `synchronous`: SQLITE_SYNCHRONOUS as loadConfig checked
 * it (FULL when not given).
 */
export function openSqlite(dataDir: string, opts: { server?: boolean; synchronous?: SqliteSynchronous } = {}): Db {
  const file = createPrivately(dataDir);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged success survives a power cut (an fsync before it). NORMAL survives a
  // process crash but may lose the last commits to an OS crash; the operator may choose it.
  const sync = opts.synchronous ?? 'FULL';
  // At FULL, SQLite fsyncs the WAL inside COMMIT, holding the event loop for the disk's flush
  // (1-5 ms per group on a shared disk). The server's store runs at NORMAL instead (COMMIT
  // writes the WAL, checkpoints still sync) and flushes the WAL itself (walSync below) on
  // libuv's thread pool: a group is answered only after that flush, and no read of this process
  // sees a commit before it (see `readable`). A commit's frames are on disk before anyone is
  // told of it, and one flush covers every frame written before it. Another process (the CLI,
  // a backup) may read a commit up to one flush before it is on disk; the CLI itself keeps
  // SQLite's FULL, so the server never reads the CLI's changes before they are.
  const ownFlush = sync === 'FULL' && opts.server === true;
  db.pragma(`synchronous = ${ownFlush ? 'NORMAL' : sync}`);
  const walSync = ownFlush ? walSyncer(`${file}-wal`) : null;
  db.pragma('busy_timeout = 5000'); // the CLI may write while the server runs
  db.pragma('foreign_keys = ON');
  // Erased personal data (retention) is overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  // Each member of a group commit runs in a SAVEPOINT, whose undo copies of pages go to a
  // statement journal: in memory, not a temporary file written on every create. It only ever
  // serves a rollback to the savepoint, never recovery, so nothing durable lives there.
  db.pragma('temp_store = MEMORY');
  // When SQLite starts the WAL over, it cuts the file down to the pause's length (below): a WAL
  // that grew longer (a single large transaction, writes that outran the checkpoints after a full
  // disk) gives the space back, and a file longer than that is all WAL written since it started
  // over (the pause reads it). Not shorter: frames written past the file's end make every flush
  // write the file's size too (a 4 MB limit cost a tenth of the creates per second in
  // bench/create-rpd.ts).
  const walPauseBytes = 32 + CHECKPOINT_PAUSE_FRAMES * ((db.pragma('page_size', { simple: true }) as number) + 24);
  db.pragma(`journal_size_limit = ${walPauseBytes}`);

  // Commit sequence numbers: the groups this process has committed (commitSeq), and how many of
  // them are on disk (flushedSeq; one flush at a time, see startFlush).
  let commitSeq = 0;
  let flushedSeq = 0;

  // Reads share read transactions (snapshots): each statement outside a transaction would take
  // and drop SQLite's file locks (four fcntl calls) and read the schema version on its own. A
  // snapshot is labelled with the commits it sees, and a read uses one only while that label is
  // flushedSeq: it sees every commit that may have been answered, and none that is not yet on
  // disk. Two connections, so that reads never wait for a flush: one holds the snapshot of the
  // commits on disk, while the other takes one as a flush starts, of the commits it covers, to
  // serve reads once it completes. A snapshot is ended at the end of the turn of the event loop
  // that took it, or once a later one is on disk, or once flushes catch up with commits: another
  // process's commit is seen from then on.
  const readers = [readConnection(file), readConnection(file)];
  // Moves when another process (the CLI) commits; read before a snapshot is taken, so a snapshot
  // includes at least the commits it counts. A read whose snapshot predates another process's
  // commit takes a new one, waiting for this process's flush under way if there is one: that
  // commit may have been answered (the CLI's are on disk when it answers).
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const external = () => dataVersion.get() as number;
  const endSnapshots = () => {
    for (const r of readers) r.end();
  };
  const endIdleSnapshots = () => {
    try {
      if (commitSeq === flushedSeq) endSnapshots();
      else for (const r of readers) if (r.version !== null && r.seq < flushedSeq) r.end();
    } catch {
      // Ending a read-only transaction does not fail in practice; if it did, the next open
      // ends it again, in a request that can report the error.
    }
  };
  /** The connection whose snapshot reads may use now, if any. */
  const current = () => {
    for (const r of readers) if (r.version !== null && r.seq === flushedSeq) return r;
    return null;
  };
  /** A snapshot of every commit so far, on the connection reads are not using. */
  const snapshotAtCommitSeq = () => {
    if (readers.some((r) => r.version !== null && r.seq === commitSeq)) return;
    const now = current();
    const r = readers[0] === now ? readers[1] : readers[0];
    r.end();
    r.open(commitSeq, external());
  };

  // The writer's schema version while a group transaction holds the write lock (no DDL runs in
  // one, and no other process can change the schema then); null elsewhere, as in migrations.
  const writeSchemaVersion = db.prepare('PRAGMA schema_version').pluck();
  let groupVersion: number | null = null;
  const rows = rowReader(db, () => groupVersion);
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  /** Whether `sql` only reads (it then goes to a read connection, else to the writer). */
  const readOnly = new Map<string, boolean>();
  const onlyReads = (sql: string) => {
    let ro = readOnly.get(sql);
    if (ro === undefined) {
      ro = prepare(sql).readonly;
      readOnly.set(sql, ro);
    }
    return ro;
  };
  const bind = (params: unknown[]) =>
    params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
  // Rows changed in the group being committed: a commit that changed none wrote nothing, and so
  // says nothing of whether writes work again (see writeFailure).
  let groupChanges = 0;
  const run = <T>(sql: string, params: unknown[] = []): T[] => {
    const s = prepare(sql);
    if (s.reader) return rows(s, bind(params)) as T[];
    groupChanges += s.run(...bind(params)).changes;
    return [];
  };

  // The last write that failed because the store could not take it (the disk full, an I/O error,
  // the file made read-only), until writes work again: reads go on meanwhile, so /readyz would
  // otherwise say ready (writeCheck). A full disk is over once the data directory has room again
  // (a free-space count, no write); any such failure is over once a commit that changed rows is
  // on disk (writeCheck makes one to find out).
  const WRITE_ROOM_BYTES = 8 * 1024 * 1024;
  let writeFailure: { message: string; full: boolean } | null = null;
  const noteWriteError = (err: unknown) => {
    const code = String((err as { code?: unknown })?.code ?? '');
    if (!/^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code)) return;
    const full = code.startsWith('SQLITE_FULL');
    writeFailure = { message: `${full ? 'the disk is full' : 'writes fail'} (${code}: ${(err as Error).message})`, full };
  };
  // A commit that changed rows clears writeFailure (see commitGroup): the probe is one.
  const probeWrites = writeProber(() => tx((q) => q.query(WRITE_PROBE_SQL, [String(Date.now())])));
  const roomAgain = () => {
    try {
      const f = fs.statfsSync(dataDir);
      return f.bavail * f.bsize >= WRITE_ROOM_BYTES;
    } catch {
      return false;
    }
  };

  // A flush that failed leaves the file's state on disk unknown (the kernel may have dropped the
  // pages it could not write): from then on nothing is answered, until a restart recovers the
  // store from what is on disk.
  let broken: Error | null = null;
  const stop = (err: Error) =>
    (broken = new StoreUnavailableError(`the SQLite store could not flush its WAL to disk (${err.message}): restart the gateway`, { cause: err }));

  // One flush at a time, of every commit made before it starts; commits go on meanwhile, and
  // the next flush starts when it completes. A group is answered once a flush that started after
  // its COMMIT has completed, and every flush before it succeeded.
  let flushing = false;
  const unanswered: { seq: number; answer: (err: Error | null) => void }[] = [];
  const flushWaiters: (() => void)[] = [];
  /** Settles at the next flush that completes (or fails); only awaited while one is under way. */
  const flushDone = () => new Promise<void>((ok) => flushWaiters.push(ok));
  let flushObserver: ((seconds: number) => void) | null = null;
  const startFlush = () => {
    flushing = true;
    const covers = commitSeq;
    const started = performance.now();
    // The snapshot reads will use once this flush completes (see `readers`).
    try {
      snapshotAtCommitSeq();
    } catch {
      // Reads then wait for this flush instead (see `readable`).
    }
    const finish = (failed: Error | null) => {
      flushing = false;
      if (!failed && flushObserver) {
        try {
          flushObserver((performance.now() - started) / 1000);
        } catch {
          // A figure for /metrics: nothing that answers commits may wait on it or fail by it.
        }
      }
      if (failed) stop(failed);
      else if (!broken) flushedSeq = covers;
      while (unanswered.length > 0 && (broken || unanswered[0].seq <= flushedSeq)) unanswered.shift()!.answer(broken);
      endIdleSnapshots();
      for (const ok of flushWaiters.splice(0)) ok();
      if (!broken && commitSeq > flushedSeq) startFlush();
      // Under load the pipeline may never be idle: checkpoint behind it all the same.
      if (!broken) checkpointSoon();
    };
    try {
      walSync!.later().then(
        () => finish(null),
        (err: Error) => finish(err),
      );
    } catch (err) {
      queueMicrotask(() => finish(err as Error));
    }
  };
  /** After a group's COMMIT: `answer` is called once it is on disk (with null) or never will be. */
  const committed = (answer: (err: Error | null) => void) => {
    const seq = ++commitSeq;
    if (broken) return answer(broken);
    if (!walSync) {
      flushedSeq = seq; // SQLite flushed inside COMMIT (or, at NORMAL, nothing is owed)
      answer(null);
      checkpointSoon();
      return;
    }
    unanswered.push({ seq, answer });
    if (!flushing) startFlush();
  };
  /**
   * A failure is an answer too: one found in a transaction may reflect any commit made before it
   * (another group's, not yet on disk): told once every commit up to `seen` is on disk.
   */
  const failLater = (seen: number, fail: (err: Error | null) => void) => {
    if (broken || seen <= flushedSeq) return fail(broken);
    let i = unanswered.length;
    while (i > 0 && unanswered[i - 1].seq > seen) i--;
    unanswered.splice(i, 0, { seq: seen, answer: fail });
  };
  /** Waits until every commit is on disk (or the store has stopped). */
  const allFlushed = async () => {
    while (commitSeq > flushedSeq && !broken) await flushDone();
  };
  /**
   * The connection a read runs on now: one whose snapshot sees exactly this process's commits that
   * are on disk and every other process's commit, or a new snapshot when every commit is on disk.
   * Null (wait for the flush under way) when neither: another process has committed since the
   * snapshot was taken, or a snapshot could not be taken.
   */
  const readable = () => {
    if (broken) throw broken;
    const r = current();
    const ext = external();
    if (r && r.external === ext) return r;
    if (commitSeq !== flushedSeq) return null;
    endSnapshots();
    readers[0].open(commitSeq, ext);
    setImmediate(endIdleSnapshots);
    return readers[0];
  };
  const durableNow = () => {
    try {
      walSync?.now();
    } catch (err) {
      throw stop(err as Error);
    }
  };

  /** Every write, group and schema change runs in turn on the one writing connection. */
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(fn, fn);
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
  // Only ever used inside a transaction (a group's, a migration's). Some errors (SQLITE_FULL, an
  // I/O error, RAISE(ROLLBACK)) roll the whole transaction back: a caller that caught one and
  // went on would otherwise autocommit each statement, unflushed and outside its group.
  const direct: Queryable = {
    query: async <T = Row>(sql: string, params?: unknown[]) => {
      if (!db.inTransaction) throw new Error('the transaction was rolled back by an earlier error: nothing more runs in it');
      return run<T>(sql, params);
    },
  };

  // Group commit: transactions that arrive together (within one turn of the event loop, or while
  // the previous group's commit and WAL flush were under way) share one SQLite transaction and
  // one flush. Each runs in its own SAVEPOINT, so one that fails rolls back alone, and none is
  // answered before the flush that makes it durable (SQLite's inside COMMIT, or walSync's).
  interface Waiting {
    fn: (q: Queryable) => Promise<unknown>;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
    /**
     * A member that is one statement (a write through `query`): SQLite undoes a statement that
     * fails on its own and leaves the transaction open, so it needs no SAVEPOINT of its own.
     * Two statements per create fewer, and no statement journal opened and truncated for it.
     */
    single: boolean;
  }
  const MAX_GROUP = 64;

  // Checkpoints (copying the WAL into the database file, and flushing that file). SQLite's own
  // run inside the COMMIT that takes the WAL past 1,000 pages, holding the event loop for the
  // copy and two flushes. With a checkpoint thread (the server's store), the writer makes none:
  // the thread copies the WAL after group commits, at most every CHECKPOINT_EVERY_MS, while
  // writes go on. SQLite starts the WAL over at the first write after a checkpoint that copied
  // all of it; should writes never leave it that moment, and the WAL pass CHECKPOINT_PAUSE_FRAMES,
  // the next group first waits for a checkpoint with no writer (reads go on meanwhile).
  const CHECKPOINT_EVERY_MS = 50;
  let checkpoints = opts.server ? checkpointThread(file) : null;
  if (checkpoints) db.pragma('wal_autocheckpoint = 0');
  // Whether the WAL is past the pause's length, by its file's size: SQLite cuts the file down to
  // that length when the WAL starts over (journal_size_limit above), so past it the size is the
  // WAL's own. Not by a checkpoint's count of frames, as it once was: that lags behind the writes
  // by all they wrote while the checkpoint ran, counts nothing when it fails (a full disk), and
  // under load let the WAL outgrow the pause by half again. One stat a group.
  const walFile = `${file}-wal`;
  const walPastPause = () => {
    try {
      return (fs.statSync(walFile, { throwIfNoEntry: false })?.size ?? 0) > walPauseBytes;
    } catch {
      return false; // unreadable: the flush that follows the commit reports it
    }
  };
  let checkpointing: Promise<void> | null = null;
  let lastCheckpoint = 0;
  // A checkpoint that failed (the disk full, an I/O error) is tried again on the same thread, a
  // tenth of a second apart: it is what starts the WAL over, and under load the WAL grows by
  // megabytes in each wait once space is back (a second apart: ~30 MB). Turned off instead, as it
  // once was, the WAL grew without end (SQLite's own checkpoints cannot start it over while reads
  // hold snapshots) and filled the disk again within seconds.
  const CHECKPOINT_RETRY_MS = 100;
  let checkpointFailing = false;
  const checkpoint = () =>
    (checkpointing ??= (async () => {
      lastCheckpoint = Date.now();
      const r = await checkpoints!.run();
      if (r && r.error === undefined) {
        checkpointFailing = false;
      } else if (r) {
        checkpointFailing = true;
      } else if (checkpoints) {
        // The thread is gone: SQLite's own checkpoints again.
        checkpoints = null;
        db.pragma('wal_autocheckpoint = 1000');
      }
      checkpointing = null;
    })());
  const checkpointSoon = () => {
    const every = checkpointFailing ? CHECKPOINT_RETRY_MS : CHECKPOINT_EVERY_MS;
    if (checkpoints && !checkpointing && Date.now() - lastCheckpoint >= every) void checkpoint();
  };
  // Prepared once: exec() would parse these again for every member.
  const savepoint = db.prepare('SAVEPOINT member');
  const release = db.prepare('RELEASE member');
  const rollbackTo = db.prepare('ROLLBACK TO member');
  const waiting: Waiting[] = [];
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate, not a microtask: requests parsed in this turn of the loop join the group.
    setImmediate(() => {
      scheduled = false;
      void exclusive(commitGroup);
    });
  };
  const commitGroup = async () => {
    if (checkpoints && walPastPause()) {
      await allFlushed();
      endSnapshots(); // they would keep the checkpoint from copying the frames after them
      await checkpointing;
      await checkpoint(); // no writer now: it copies all of the WAL, which starts over below
      // Those taken meanwhile, before the copy ended, would keep the WAL from starting over.
      endSnapshots();
    }
    const group = waiting.splice(0, MAX_GROUP);
    if (waiting.length) schedule();
    // Turns of the loop during a flush each queue a commit; the first takes them all.
    if (group.length === 0) return;
    if (broken) {
      for (const w of group) w.reject(broken);
      return;
    }
    let members: { w: Waiting; value: unknown }[] = [];
    // Members that failed: answered with the group (below), as their failure may reflect commits
    // that are not on disk yet (the group's own, or earlier groups' still being flushed).
    const failed: { w: Waiting; err: unknown }[] = [];
    const failAll = (err: unknown) => {
      for (const m of members) failed.push({ w: m.w, err });
      members = [];
    };
    const seen = commitSeq; // the commits of this process that a member may have read
    const answerFailed = (err: Error | null) => {
      for (const f of failed.splice(0)) f.w.reject(err ?? f.err);
    };
    const begin = () => {
      db.exec('BEGIN IMMEDIATE');
      groupVersion = writeSchemaVersion.get() as number;
    };
    try {
      begin();
    } catch (err) {
      groupVersion = null;
      if (db.inTransaction) db.exec('ROLLBACK');
      noteWriteError(err);
      for (const w of group) w.reject(err);
      return;
    }
    groupChanges = 0;
    let tookSnapshot = false;
    for (const w of group) {
      try {
        if (!db.inTransaction) begin();
        if (w.single) {
          members.push({ w, value: await w.fn(direct) });
          continue;
        }
        savepoint.run();
        const value = await w.fn(direct);
        release.run();
        members.push({ w, value });
      } catch (err) {
        noteWriteError(err);
        if (db.inTransaction) {
          if (!w.single) {
            rollbackTo.run();
            release.run();
          }
        } else {
          // Some errors roll the whole transaction back: the members before it are undone too.
          failAll(new Error(`rolled back with its group by another transaction's error (${(err as Error).message})`, { cause: err }));
        }
        failed.push({ w, err });
      }
    }
    try {
      // With no flush under way, reads have no snapshot of the commits on disk once this one is
      // made: take one now. (Taken after a checkpoint has copied the whole WAL, it reads the
      // database file alone, and so does not keep this COMMIT from starting the WAL over.)
      // Nothing is committed after a flush failed (its caller would be told of a failure).
      if (broken) throw broken;
      if (members.length > 0 && !flushing && commitSeq === flushedSeq && !current()) {
        try {
          tookSnapshot = true;
          snapshotAtCommitSeq();
        } catch {
          // Reads then wait for this group's flush instead (see `readable`): no reason to fail it.
        }
      }
      if (db.inTransaction) db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      noteWriteError(err);
      failAll(err);
      failLater(seen, answerFailed);
      return;
    } finally {
      groupVersion = null;
      // Not held past this turn should no flush follow (at NORMAL, in the CLI, after a failure).
      if (tookSnapshot) setImmediate(endIdleSnapshots);
    }
    if (members.length === 0) return failLater(seen, answerFailed);
    const wrote = groupChanges > 0;
    // Answered once on disk; the next group may commit meanwhile.
    committed((err) => {
      if (err) failAll(err);
      else if (wrote) writeFailure = null;
      for (const m of members) m.w.resolve(m.value);
      answerFailed(err);
    });
  };
  const member = <T>(fn: (q: Queryable) => Promise<T>, single: boolean) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject, single });
      schedule();
    });
  const tx = <T>(fn: (q: Queryable) => Promise<T>) => member(fn, false);
  const query = async <T = Row>(sql: string, params: unknown[] = []) => {
    if (!onlyReads(sql)) return member((q) => q.query<T>(sql, params), true);
    let r;
    while (!(r = readable())) await flushDone();
    return r.rows(r.statement(sql), bind(params)) as T[];
  };
  const aside = opts.server ? asideThread(file) : null;

  return {
    kind: 'sqlite',
    forUpdate: '',
    skipLocked: '',
    now: STORE_CLOCK.sqlite,
    clock: () => Date.now(),
    syncClock: async () => {},
    query,
    readAside: async <T = Row>(sql: string, params: unknown[] = []) => {
      if (broken) throw broken;
      if (!onlyReads(sql)) throw new Error('only statements that read run aside');
      // The thread gone (it should not be): on the event loop, as any read.
      return ((aside ? await aside.run(sql, bind(params)) : null) as T[] | null) ?? query<T>(sql, params);
    },
    tx,
    observeFlushes: walSync
      ? (fn: (seconds: number) => void) => {
          flushObserver = fn;
        }
      : undefined,
    writeCheck: async () => {
      if (writeFailure?.full && roomAgain()) writeFailure = null;
      // Any other failure (an I/O error, the file made read-only) is over only once a write goes
      // through, and an instance that answers not ready is sent none by its load balancer: so
      // write one, at most once a second. Answered ready only once it is on disk (a group's).
      if (writeFailure && !writeFailure.full && !broken) await probeWrites();
      return writeFailure ? { ok: false, error: `the SQLite store cannot take writes: ${writeFailure.message}` } : { ok: true };
    },
    // BEGIN IMMEDIATE takes SQLite's write lock, which also fences another process (the CLI).
    withMigrationLock: <T>(fn: (s: MigrationSession) => Promise<T>) =>
      exclusive(async () => {
        await allFlushed();
        if (broken) throw broken;
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn({ ...direct, exec: async (sql: string) => void db.exec(sql) });
          endSnapshots();
          db.exec('COMMIT');
          durableNow(); // rare (start-up): on this thread
          flushedSeq = ++commitSeq; // a snapshot from before it is not read again
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          statements.clear(); // prepared statements may refer to tables a migration rebuilt
          readOnly.clear();
          for (const r of readers) r.forget();
        }
      }),
    close: async () => {
      await exclusive(async () => {
        await allFlushed();
        await checkpointing;
        await checkpoints?.close();
        await aside?.close();
        endSnapshots();
        for (const r of readers) r.close();
        db.close();
        walSync?.close();
      });
    },
  };
}
