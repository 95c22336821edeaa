// Applies the ordered list of schema migrations (store/migrations.ts) once, whichever instance
// gets there first. A start on a current database only reads the version: no DDL, no lock.
//
// A small runner rather than a library: the store has no query builder to plug a migrator
// into, and what matters here is specific to the two databases (PostgreSQL's advisory lock,
// lock_timeout with retries, CREATE INDEX CONCURRENTLY outside a transaction; SQLite's
// write lock around the whole upgrade), which the generic migrators leave to the caller.
import type { Db, MigrationSession, Row } from './db.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

interface Log {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
}

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database schema is at version ${found}, newer than this build of pennygate knows (${known}): ` +
        'run a build at least as new as the one that upgraded it, or restore a backup taken before that upgrade',
    );
  }
}

/** What the schema looks like, for code that must adapt to it (migrations) or report it (/readyz). */
export interface Introspect {
  kind: 'sqlite' | 'postgres';
  hasTable(name: string): Promise<boolean>;
  hasIndex(name: string): Promise<boolean>;
  hasColumn(table: string, column: string): Promise<boolean>;
  /** Whether the column refuses NULL; null when the column does not exist. */
  notNull(table: string, column: string): Promise<boolean | null>;
}

export function introspect(kind: 'sqlite' | 'postgres', q: { query(sql: string, p?: unknown[]): Promise<Row[]> }): Introspect {
  if (kind === 'sqlite') {
    const master = async (type: string, name: string) =>
      (await q.query('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?', [type, name])).length > 0;
    const column = async (table: string, column: string) =>
      (await q.query('SELECT "notnull" AS nn FROM pragma_table_info(?) WHERE name = ?', [table, column]))[0];
    return {
      kind,
      hasTable: (n) => master('table', n),
      hasIndex: (n) => master('index', n),
      hasColumn: async (t, c) => (await column(t, c)) !== undefined,
      notNull: async (t, c) => {
        const r = await column(t, c);
        return r ? r.nn === 1 : null;
      },
    };
  }
  const regclass = async (name: string) => (await q.query('SELECT to_regclass(?) IS NOT NULL AS ok', [name]))[0].ok === true;
  const column = async (table: string, column: string) =>
    (
      await q.query(
        `SELECT is_nullable FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?`,
        [table, column],
      )
    )[0];
  return {
    kind,
    hasTable: regclass,
    hasIndex: regclass,
    hasColumn: async (t, c) => (await column(t, c)) !== undefined,
    notNull: async (t, c) => {
      const r = await column(t, c);
      return r ? r.is_nullable === 'NO' : null;
    },
  };
}

/** The highest version recorded, 0 for a database that never ran a migration. Reads only. */
export async function schemaVersion(db: Db | MigrationSession, kind: 'sqlite' | 'postgres'): Promise<number> {
  if (!(await introspect(kind, db).hasTable('schema_migrations'))) return 0;
  const [r] = await db.query('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(r?.v ?? 0);
}

/** The versions applied and when, for the operator. */
export async function appliedMigrations(db: Db): Promise<{ version: number; name: string; applied_at: number }[]> {
  if (!(await introspect(db.kind, db).hasTable('schema_migrations'))) return [];
  return db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
}

export async function migrate(db: Db, log: Log, migrations: Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
  const latest = migrations[migrations.length - 1].version;
  const seen = await schemaVersion(db, db.kind);
  if (seen > latest) throw new SchemaTooNewError(seen, latest);
  if (seen === latest) return { from: seen, to: seen };

  return db.withMigrationLock(async (s) => {
    // Another instance may have migrated while this one waited for the lock.
    const from = await schemaVersion(s, db.kind);
    if (from > latest) throw new SchemaTooNewError(from, latest);
    const pending = migrations.filter((m) => m.version > from);
    if (pending.length === 0) return { from, to: from };
    await s.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    for (const m of pending) {
      const started = Date.now();
      if (db.kind === 'sqlite') await apply(s, db.kind, m); // the whole upgrade is one transaction
      else await applyPostgres(s, m, log);
      log.info({ version: m.version, migration: m.name, ms: Date.now() - started }, 'schema migration applied');
    }
    return { from, to: latest };
  });
}

async function apply(s: MigrationSession, kind: 'sqlite' | 'postgres', m: Migration) {
  await m.up({ ...introspect(kind, s), exec: (sql) => s.exec(sql), query: (sql, p) => s.query(sql, p) });
  await s.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
}

/**
 * On PostgreSQL a migration waits at most LOCK_TIMEOUT for each table lock, then gives way and
 * tries again: a DDL statement queued behind a long transaction would otherwise hold up every
 * request queued behind it. Migrations that must not lock at all (CREATE INDEX CONCURRENTLY)
 * run outside a transaction and are written to be re-run after a crash.
 */
const LOCK_TIMEOUT = '1s';
const LOCK_RETRY_FOR_MS = 10 * 60_000;

async function applyPostgres(s: MigrationSession, m: Migration, log: Log) {
  const deadline = Date.now() + LOCK_RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      if (m.transactional === false) {
        await s.exec(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
        try {
          await apply(s, 'postgres', m);
        } finally {
          await s.exec('RESET lock_timeout');
        }
      } else {
        await s.exec('BEGIN');
        try {
          await s.exec(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await apply(s, 'postgres', m);
          await s.exec('COMMIT');
        } catch (err) {
          await s.exec('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
      return;
    } catch (err) {
      // 55P03 lock_not_available: the table is busy; 40P01: chosen as a deadlock victim.
      const code = (err as { code?: string }).code;
      if ((code !== '55P03' && code !== '40P01') || Date.now() > deadline) throw err;
      log.warn({ version: m.version, migration: m.name, attempt }, 'schema migration waiting for a busy table');
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * attempt) * (0.5 + Math.random())));
    }
  }
}
