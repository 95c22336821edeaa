import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, MigrationSession, Queryable, Row } from './db.js';

export const SQLITE_FILE = 'pennygate.db';

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
 * SQLite through better-sqlite3. Its calls are synchronous, so a transaction cannot
 * interleave with other statements except at the awaits inside `fn`; a promise-chain mutex
 * serialises every write so that no transaction sees another caller's statements. Statements
 * that only read run at once on a second connection: WAL gives it the last committed state,
 * so a read never waits behind writes and never sees what is not yet durable.
 */
export function openSqlite(dataDir: string): Db {
  const file = createPrivately(dataDir);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged success survives a power cut (fsync per commit). NORMAL survives a
  // process crash but may lose the last commits to an OS crash; the operator may choose it.
  const sync = (process.env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new Error('SQLITE_SYNCHRONOUS must be FULL or NORMAL');
  db.pragma(`synchronous = ${sync}`);
  db.pragma('busy_timeout = 5000'); // the CLI may write while the server runs
  db.pragma('foreign_keys = ON');
  // Erased personal data (retention) is overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');

  const reader = new Database(file);
  reader.pragma('busy_timeout = 5000');
  reader.pragma('query_only = ON');

  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  /** The reader's statement for `sql`, or null when `sql` writes (it then goes to the writer). */
  const readOnly = new Map<string, Database.Statement | null>();
  const prepareRead = (sql: string) => {
    let s = readOnly.get(sql);
    if (s === undefined) {
      s = prepare(sql).readonly ? reader.prepare(sql) : null;
      readOnly.set(sql, s);
    }
    return s;
  };
  const bind = (params: unknown[]) =>
    params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
  const run = <T>(sql: string, params: unknown[] = []): T[] => {
    const s = prepare(sql);
    if (s.reader) return s.all(...bind(params)) as T[];
    s.run(...bind(params));
    return [];
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
  const direct: Queryable = { query: async <T = Row>(sql: string, params?: unknown[]) => run<T>(sql, params) };

  // Group commit: transactions that arrive together (within one turn of the event loop, or while
  // the previous group's fsync held it) share one SQLite transaction and one fsync. Each runs in
  // its own SAVEPOINT, so one that fails rolls back alone, and none is answered before the COMMIT
  // that makes it durable.
  interface Waiting {
    fn: (q: Queryable) => Promise<unknown>;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }
  const MAX_GROUP = 64;
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
    const group = waiting.splice(0, MAX_GROUP);
    if (waiting.length) schedule();
    let members: { w: Waiting; value: unknown }[] = [];
    const failAll = (err: unknown) => {
      for (const m of members) m.w.reject(err);
      members = [];
    };
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    for (const w of group) {
      try {
        if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
        db.exec('SAVEPOINT member');
        const value = await w.fn(direct);
        db.exec('RELEASE member');
        members.push({ w, value });
      } catch (err) {
        if (db.inTransaction) {
          db.exec('ROLLBACK TO member');
          db.exec('RELEASE member');
        } else {
          // Some errors roll the whole transaction back: the members before it are undone too.
          failAll(err);
        }
        w.reject(err);
      }
    }
    try {
      if (db.inTransaction) db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      failAll(err);
      return;
    }
    for (const m of members) m.w.resolve(m.value);
  };
  const tx = <T>(fn: (q: Queryable) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      schedule();
    });

  return {
    kind: 'sqlite',
    forUpdate: '',
    skipLocked: '',
    query: async <T = Row>(sql: string, params: unknown[] = []) => {
      const r = prepareRead(sql);
      return r ? (r.all(...bind(params)) as T[]) : tx((q) => q.query<T>(sql, params));
    },
    tx,
    // BEGIN IMMEDIATE takes SQLite's write lock, which also fences another process (the CLI).
    withMigrationLock: <T>(fn: (s: MigrationSession) => Promise<T>) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn({ ...direct, exec: async (sql: string) => void db.exec(sql) });
          db.exec('COMMIT');
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        } finally {
          statements.clear(); // prepared statements may refer to tables a migration rebuilt
          readOnly.clear();
        }
      }),
    close: async () => {
      await exclusive(async () => {
        reader.close();
        db.close();
      });
    },
  };
}
