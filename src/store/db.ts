// A tiny driver layer so that one set of SQL serves both SQLite (embedded default) and
// PostgreSQL. SQL is written with `?` placeholders; the PostgreSQL driver rewrites them.
import type { PgSettings, SqliteSynchronous } from '../config.js';

export interface Queryable {
  /** Runs one statement and returns its rows (empty for statements without RETURNING). */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
}

export type Row = Record<string, any>;

export interface Db extends Queryable {
  readonly kind: 'sqlite' | 'postgres';
  /** ` FOR UPDATE` on PostgreSQL, empty on SQLite (which locks the whole database per write). */
  readonly forUpdate: string;
  /** ` FOR UPDATE SKIP LOCKED` on PostgreSQL, empty on SQLite. */
  readonly skipLocked: string;
  /** The store's clock in SQL (STORE_CLOCK): times that instances compare with each other's. */
  readonly now: string;
  /**
   * The store's clock now, in epoch milliseconds, without a round trip: for a time one instance
   * writes and another compares with its own now (a link's valid_until). On SQLite, Date.now();
   * on PostgreSQL this instance's clock corrected by its offset from the server's (syncClock).
   */
  clock(): number;
  /** Measures the offset clock() corrects by (PostgreSQL; again every 30 s from then on). */
  syncClock(): Promise<void>;
  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection while holding the store's migration lock, so that of several
   * instances starting at once exactly one changes the schema (store/migrate.ts). On SQLite the
   * whole of `fn` is one write transaction; on PostgreSQL `fn` manages its own transactions.
   */
  withMigrationLock<T>(fn: (s: MigrationSession) => Promise<T>): Promise<T>;
  /**
   * Whether the store took its writes lately: a store whose reads work but whose writes fail (the
   * SQLite disk full) answers queries, so a `SELECT 1` alone reads as ready. For /readyz: cheap
   * while writes work (no write); after a failure, a free-space count or, at most once a second, a
   * probe write, which tells when writes work again. Absent: nothing to tell beyond queries.
   */
  writeCheck?(): Promise<{ ok: true } | { ok: false; error: string }>;
  /**
   * A read that may take long (a scan of a whole table), run where it holds up nothing else: on
   * SQLite, whose statements run on the event loop, on a thread with its own connection. It reads
   * what is committed, which may include a commit not yet on disk: for figures, never for an
   * answer that acknowledges anything. Absent: run it as any query (PostgreSQL runs it on the
   * server, not in this process).
   */
  readAside?<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Tells `fn` how long each flush of the store's own took, in seconds (the SQLite server store,
   * which answers a group commit only once an fdatasync of its WAL has completed): every create
   * waits for one, so with c creates in flight no more than c / that time are answered a second.
   * Absent: the store flushes inside its commits (PostgreSQL, the CLI's SQLite).
   */
  observeFlushes?(fn: (seconds: number) => void): void;
  close(): Promise<void>;
}

/** A slow read run aside where the store can (Db.readAside), else as any query. */
export const readAside = <T = Row>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> =>
  db.readAside ? db.readAside<T>(sql, params) : db.query<T>(sql, params);

/** One connection, for schema changes: statements (several per string allowed) and queries. */
export interface MigrationSession extends Queryable {
  exec(sql: string): Promise<void>;
}

/**
 * Now, in epoch milliseconds, as an SQL expression of the store's own clock. A time one instance
 * writes and another checks (a job's lease) is read and written by this clock: instances on
 * PostgreSQL run on several hosts whose clocks may disagree by more than a lease, and the
 * server's clock is one for all of them (statement_timestamp: one value for the whole
 * statement). SQLite is one process on one machine, whose clock it reads, as Date.now() does.
 */
export const STORE_CLOCK = {
  postgres: 'CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)',
  sqlite: "CAST(ROUND(unixepoch('subsec') * 1000) AS INTEGER)",
} as const;

/** The store's clock (STORE_CLOCK) now: read from the server on PostgreSQL, at no cost on SQLite. */
export async function storeNow(db: Db): Promise<number> {
  if (db.kind === 'sqlite') return Date.now();
  const [r] = await db.query(`SELECT ${db.now} AS now`);
  return Number(r.now);
}

/** A unique-constraint violation, whichever database raised it. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** `server`: the gateway server's store (see openSqlite), not the CLI's. */
export async function openDb(opts: {
  databaseUrl?: string;
  pg: PgSettings;
  dataDir: string;
  sqliteSynchronous?: SqliteSynchronous;
  server?: boolean;
}): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(opts.databaseUrl, opts.pg);
  }
  const { openSqlite } = await import('./sqlite.js');
  return openSqlite(opts.dataDir, { server: opts.server, synchronous: opts.sqliteSynchronous });
}

// PostgreSQL's SQLSTATEs of a store that cannot serve now but may shortly: connection exceptions
// (class 08), insufficient resources (53: too many connections, disk full, out of memory), a
// server shutting down, crashed or starting up (57P01-57P03), and one that takes no writes
// (25006: a standby, or a primary made read-only, until a failover). Not an I/O error (58030):
// it may be one damaged table for good, and a job failing on it must end a dead letter an
// operator sees, not be retried for ever as an outage.
const PG_UNAVAILABLE = /^(08...|53...|57P0[123]|25006)$/;
/** The refusals a server that answers reads gives to writes: /readyz must ask (writeCheck). */
export const PG_WRITES_REFUSED = /^(53100|25006|58030)$/;
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// What pg and pg-pool say of a connection that died or never came, which carry no code.
const PG_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Query read timeout)/;
// SQLite: the disk full, an I/O error, a file made read-only or unopenable, a write lock not
// given within busy_timeout; and the store stopped after a failed flush (sqlite.ts). Only
// better-sqlite3 raises codes of this prefix, so they need no mark (see markStoreFailure).
const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|PROTOCOL)/;

/**
 * A store that cannot be reached or written right now (down, restarting, refusing connections,
 * the disk full), as opposed to a bug or a request the store refused: what a caller should hear
 * as 503 "try again", and an operator as an outage rather than a stack trace per request.
 */
export class StoreUnavailableError extends Error {
  readonly storeUnavailable = true;
}

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown; storeUnavailable?: unknown } | undefined;

/** Whether an error the PostgreSQL driver raised says the server cannot serve now. */
function pgUnavailable(err: unknown): boolean {
  for (let e = err as ErrorLike, depth = 0; e && depth < 5; e = e.cause as ErrorLike, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (PG_UNAVAILABLE.test(code) || NET_UNAVAILABLE.has(code)) return true;
    if (typeof e.message === 'string' && PG_LOST.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(pgUnavailable)) return true;
  }
  return false;
}

/**
 * Marks `err`, raised by the PostgreSQL driver (postgres.ts calls it on every failure of a
 * connection or a statement), as the store's outage when it says the server cannot serve now, and
 * returns it. A network code such as ECONNREFUSED says nothing of where it came from: the bank
 * connector's fetch and a webhook's request fail with the same codes. Counted as the store's only
 * when the store layer raised it, or a job failing on an unreachable bank would be taken for an
 * outage, never counted as failing, and retried for ever instead of ending a dead letter.
 */
export function markStoreFailure(err: unknown): unknown {
  if (err !== null && typeof err === 'object' && (err as ErrorLike)!.storeUnavailable !== true && pgUnavailable(err)) {
    try {
      // Not enumerable: the error logs and serializes as the driver raised it.
      Object.defineProperty(err, 'storeUnavailable', { value: true, configurable: true });
    } catch {
      /* a frozen error: left as it is */
    }
  }
  return err;
}

/** The store's outage: an error marked by the store layer (anywhere in its cause chain), or SQLite's. */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err as ErrorLike, depth = 0; e && depth < 5; e = e.cause as ErrorLike, depth++) {
    if (e.storeUnavailable === true) return true;
    if (typeof e.code === 'string' && SQLITE_UNAVAILABLE.test(e.code)) return true;
    if (e instanceof AggregateError && e.errors.some(isStoreUnavailable)) return true;
  }
  return false;
}

/** The row a store's writeCheck writes, once a write failed, to learn when writes work again. */
export const WRITE_PROBE_SQL = `INSERT INTO gateway_meta (key, value) VALUES ('store-write-probe', ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * A probe write for writeCheck: `write` runs at most once a second (a monotonic clock), one at a
 * time, and the caller (/readyz) waits for it 2 s at most: past that it answers not ready, and the
 * probe goes on. An instance that answers not ready is sent nothing to write by its load
 * balancer, so without a probe it would never learn that writes work again.
 */
export function writeProber(write: () => Promise<unknown>): () => Promise<void> {
  let last = -Infinity;
  let running: Promise<unknown> | null = null;
  return async () => {
    if (performance.now() - last < 1000) return;
    last = performance.now();
    running ??= write()
      .catch(() => undefined) // still failing: noted by the store as any failed write
      .finally(() => (running = null));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((ok) => {
      timer = setTimeout(ok, 2000);
      timer.unref();
    });
    await Promise.race([running, late]).finally(() => clearTimeout(timer));
  };
}

/** A row's place in a list's order: its time (ms) and its id, which breaks ties. */
export interface ListPlace {
  at: number;
  id: string | number;
}

/**
 * The condition that keeps a list's rows after `after` in its order (`at`, then `id`, ascending or
 * descending): empty for the first page. The time is bounded on its own too (>= or <=), which
 * PostgreSQL's index can seek, where a bare OR of the two is filtered row by row from the start.
 */
export function rowsAfter(at: string, id: string, order: 'asc' | 'desc', after: ListPlace | null): { sql: string; params: unknown[] } {
  if (!after) return { sql: '', params: [] };
  const [bound, past] = order === 'asc' ? ['>=', '>'] : ['<=', '<'];
  return { sql: ` AND ${at} ${bound} ? AND (${at} ${past} ? OR ${id} ${past} ?)`, params: [after.at, after.at, after.id] };
}

/**
 * The row that carries a paged list's totals (columns its statement selects beside each row):
 * the page's first row, or, for a page past the end, which has none, the totals read alone.
 */
export async function totalsRow(q: Queryable, rows: Row[], after: ListPlace | null, totals: string, params: unknown[] = []): Promise<Row | undefined> {
  if (rows.length > 0 || !after) return rows[0];
  return (await q.query(`SELECT ${totals}`, params))[0];
}

/** What a store outage is answered with: how long a caller should wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;
