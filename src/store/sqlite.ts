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

  return {
    kind: 'sqlite',
    forUpdate: '',
    skipLocked: '',
    query: async <T = Row>(sql: string, params: unknown[] = []) => {
      const r = prepareRead(sql);
      return r ? (r.all(...bind(params)) as T[]) : exclusive(async () => run<T>(sql, params));
    },
    tx: <T>(fn: (q: Queryable) => Promise<T>) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          db.exec('COMMIT');
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
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
