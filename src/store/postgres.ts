import pg from 'pg';
import type { PgSettings } from '../config.js';
import { PG_WRITES_REFUSED, STORE_CLOCK, StoreUnavailableError, WRITE_PROBE_SQL, markStoreFailure, writeProber, type Db, type MigrationSession, type Queryable, type Row } from './db.js';

/** The advisory lock that one instance holds while it changes the schema. */
const MIGRATION_LOCK = 7264001;

// BIGINT columns hold epoch milliseconds and ids that fit in a double: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

// A server that stops answering without closing its sockets (frozen, paused, cut off by the
// network) would otherwise hold every request that reaches the store, and /readyz, until TCP gave
// up on it, minutes on, while the pool's queue grew. A connection not made within
// PG_CONNECT_TIMEOUT_MS (or not free in the pool by then) fails; a statement without an answer
// within PG_STATEMENT_DEADLINE_MS fails too, and its connection is dropped: its answer, should it
// still come, would be read by the next caller. Either is answered 503, try again, and nothing is
// acknowledged. The gateway's statements take milliseconds; a row lock held by a frozen instance
// is freed by the idle-in-transaction timeout, below the deadline. Migrations run without it (an
// index built concurrently may take minutes).

/** `running` on `client`, failed at the deadline, which also ends the client's connection. */
function withDeadline<T>(deadlineMs: number, client: pg.PoolClient | pg.Client, running: Promise<T>, lose: (err: Error) => void): Promise<T> {
  if (deadlineMs === 0) return running;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new StoreUnavailableError(`the database did not answer within ${deadlineMs} ms (PG_STATEMENT_DEADLINE_MS)`);
      lose(err);
      // The statement in flight then fails as its connection ends; its failure is this one.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      reject(err);
    }, deadlineMs);
  });
  return Promise.race([running, late]).finally(() => clearTimeout(timer));
}

/**
 * `p`, a call on the driver (a connection, a statement), whose failure is marked as the store's
 * outage when the driver says the server cannot serve (markStoreFailure): the boundary where an
 * ECONNREFUSED is known to be the database's, and not the bank's or a webhook receiver's.
 */
function fromStore<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    throw markStoreFailure(err);
  });
}

interface Statement { text: string; name?: string }
const statements = new Map<string, Statement>();
let names = 0;
/** `?` -> `$1, $2, ...` (our SQL never has `?` inside literals), and a name. Cached per statement text. */
function toPg(sql: string): Statement {
  let out = statements.get(sql);
  if (out === undefined) {
    let i = 0;
    out = { text: sql.replace(/\?/g, () => `$${++i}`), name: `pg${names++}` };
    statements.set(sql, out);
  }
  return out;
}

/**
 * A prepared `SELECT *` whose table gained a column (another instance ran a migration) fails
 * once with "cached plan must not change result type": the statement gets a new name, so the
 * next run prepares it again, and the caller runs it (or its transaction) once more.
 */
const isStalePlan = (err: unknown) =>
  (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
function forget(sql: string) {
  const s = statements.get(sql);
  if (s) s.name = `pg${names++}`;
}

/**
 * A client taken from the pool for a transaction (or the migration lock) has no listener of the
 * pool's while it is out: should the server end its session meanwhile (a restart, a failover, an
 * operator's pg_terminate_backend), the client's 'error' event would go unheard and end the whole
 * process, and every instance with a transaction open at that moment with it. The statement in
 * flight fails anyway, and so does the transaction; this hears the event and, on release, drops
 * the client instead of handing a dead connection to the next caller.
 */
function heedLoss(client: pg.PoolClient) {
  let lost: Error | undefined;
  const heard = (err: Error) => (lost ??= err);
  client.on('error', heard);
  return {
    /** The connection is not to be used again (a statement missed its deadline). */
    lose: heard,
    release() {
      client.removeListener('error', heard);
      client.release(lost);
    },
  };
}

/** A clock measurement whose round trip took longer than this keeps the offset measured before. */
const MAX_SYNC_RTT_MS = 200;

/** `settings`: read and checked with the others (config.ts), so that a bad one stops the start. */
export function openPostgres(url: string, settings: PgSettings): Db {
  const { statementDeadlineMs: deadlineMs, idleInTransactionTimeoutMs: idleMs } = settings;
  // A transaction of this gateway never waits between its statements for anything but its own
  // event loop. One whose session falls silent (its instance frozen, a paused container or VM, or
  // cut off from the server) would otherwise keep its row locks until it woke or TCP gave up on it,
  // hours on, while every other instance's requests for those rows waited behind it and took their
  // pools' connections. The server ends such a transaction after PG_IDLE_IN_TRANSACTION_TIMEOUT_MS
  // (0: never). Set within the BEGIN's round trip, per transaction, so that it holds through a
  // pooler (PgBouncer) too.
  const begin = idleMs > 0 ? `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${idleMs}` : 'BEGIN';
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.poolSize,
    ...(settings.connectTimeoutMs ? { connectionTimeoutMillis: settings.connectTimeoutMs } : {}),
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  // The last write the server refused while it may still answer reads (the disk full, a standby
  // or a read-only primary, an I/O error): SELECT 1 alone would read as ready (see writeCheck).
  let writeFailure: string | null = null;
  let writeFailures = 0; // how many were noted: a probe clears only if none came after it began
  /** Notes a refusal of writes; a read-only server's connection is dropped, so that the pool's next one can reach the new primary after a failover. */
  const noteWriteRefusal = (err: unknown, lose?: (err: Error) => void): never => {
    const code = String((err as { code?: unknown })?.code ?? '');
    if (PG_WRITES_REFUSED.test(code)) {
      writeFailure = `${code}: ${(err as Error).message}`;
      writeFailures++;
      if (code === '25006') lose?.(err as Error);
    }
    throw err;
  };
  /** `client`'s statements; `lose` (with a deadline) drops the connection once one misses it. */
  const on = (c: pg.PoolClient, inTx: boolean, lose?: (err: Error) => void): Queryable => {
    const run = (s: Statement, values: unknown[]) => {
      // Statements are prepared once per connection (named): PostgreSQL then skips parsing and,
      // after a few runs, planning, which halved the database's share of a status read.
      // PG_PREPARE=false sends them unnamed, for a pooler that cannot keep prepared statements
      // (PgBouncer in transaction mode before 1.21).
      const q = c.query({ text: s.text, name: settings.prepare ? s.name : undefined, values });
      return fromStore(lose ? withDeadline(deadlineMs, c, q, lose) : q).catch((err) => noteWriteRefusal(err, lose));
    };
    return {
      query: async <T = Row>(sql: string, params: unknown[] = []) => {
        const values = params.map((p) => (p === undefined ? null : p));
        try {
          return (await run(toPg(sql), values)).rows as T[];
        } catch (err) {
          if (!isStalePlan(err)) throw err;
          forget(sql);
          if (inTx) throw err; // the transaction is aborted: tx() runs it again
          return (await run(toPg(sql), values)).rows as T[];
        }
      },
    };
  };
  // One statement outside a transaction, on a connection of its own from the pool (as pool.query
  // would take one), so that a statement past its deadline drops that connection.
  const direct: Queryable = {
    query: async <T = Row>(sql: string, params: unknown[] = []) => {
      const client = await fromStore(pool.connect());
      const watch = heedLoss(client);
      try {
        return await on(client, false, watch.lose).query<T>(sql, params);
      } finally {
        watch.release();
      }
    },
  };
  // The server's clock less this host's, measured by the middle of a round trip (off by at most
  // half of it): instances on several hosts disagree by seconds or more, the server is one. Of a
  // few round trips the shortest is kept, and none slower than MAX_SYNC_RTT_MS is taken: under
  // load a query may wait for a pooled connection, and the wait would count as half error.
  let offset = 0;
  let synced = false;
  let resync: NodeJS.Timeout | undefined;
  const measure = async () => {
    let best: { rtt: number; offset: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const sent = Date.now();
      const [r] = await direct.query(`SELECT ${STORE_CLOCK.postgres} AS now`);
      const back = Date.now();
      const sample = { rtt: back - sent, offset: Number(r.now) - Math.round((sent + back) / 2) };
      if (!best || sample.rtt < best.rtt) best = sample;
    }
    if (best && (best.rtt <= MAX_SYNC_RTT_MS || !synced)) {
      offset = best.offset;
      synced = true;
    }
  };
  // Once a write was refused, readiness writes one row to learn when writes work again; a success
  // clears the failure only if no other was noted while it ran.
  const probeWrites = writeProber(async () => {
    const seen = writeFailures;
    await direct.query(WRITE_PROBE_SQL, [String(Date.now())]);
    if (writeFailures === seen) writeFailure = null;
  });
  const writeCheck = async () => {
    if (writeFailure !== null) await probeWrites();
    return writeFailure === null
      ? { ok: true as const }
      : { ok: false as const, error: `PostgreSQL refuses this instance's writes: ${writeFailure}` };
  };
  return {
    kind: 'postgres',
    writeCheck,
    forUpdate: ' FOR UPDATE',
    skipLocked: ' FOR UPDATE SKIP LOCKED',
    now: STORE_CLOCK.postgres,
    clock: () => Date.now() + offset,
    syncClock: async () => {
      await measure();
      if (resync) return;
      // A clock drifts, or is stepped (NTP): measured again; a failed measure keeps the last.
      resync = setInterval(() => void measure().catch(() => undefined), 30_000);
      resync.unref();
    },
    query: direct.query,
    tx: async <T>(fn: (q: Queryable) => Promise<T>) => {
      for (let attempt = 0; ; attempt++) {
        const client = await fromStore(pool.connect());
        const watch = heedLoss(client);
        try {
          await fromStore(withDeadline(deadlineMs, client, client.query(begin), watch.lose));
          const out = await fn(on(client, true, watch.lose));
          // A COMMIT past its deadline may yet commit: its caller is told of a failure, never a success.
          await fromStore(withDeadline(deadlineMs, client, client.query('COMMIT'), watch.lose)).catch((err) => noteWriteRefusal(err, watch.lose));
          return out;
        } catch (err) {
          await withDeadline(deadlineMs, client, client.query('ROLLBACK'), watch.lose).catch(() => undefined);
          // Rolled back whole, so running it again is safe; a stale plan is renamed by then.
          if (!isStalePlan(err) || attempt >= 3) throw err;
        } finally {
          watch.release();
        }
      }
    },
    withMigrationLock: async <T>(fn: (s: MigrationSession) => Promise<T>) => {
      const client = await fromStore(pool.connect());
      const watch = heedLoss(client);
      try {
        // Several instances may start at once: one migrates, the others wait. They poll with
        // try-lock rather than queue in pg_advisory_lock, because a session left waiting inside
        // a statement holds a snapshot that CREATE INDEX CONCURRENTLY would wait for in turn.
        // The lock lives as long as this session. Should the migrating instance fall silent (see
        // PG_IDLE_IN_TRANSACTION_TIMEOUT_MS), the server ends the session, in or out of a transaction, and another
        // instance takes the lock and migrates (every migration can run again from its start)
        // instead of waiting for this one to wake. Set before the lock is taken, so that no
        // moment holds it without them. idle_session_timeout is PostgreSQL 14's.
        await fromStore(client.query(`SET idle_in_transaction_session_timeout = ${idleMs}`));
        await client.query(`SET idle_session_timeout = ${idleMs}`).catch(() => undefined);
        while (!(await fromStore(client.query('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK]))).rows[0].ok) {
          // Within the idle timeout, which would otherwise end a waiting session.
          await new Promise((r) => setTimeout(r, idleMs > 0 ? Math.min(200, idleMs / 4) : 200));
        }
        try {
          return await fn({ ...on(client, false), exec: async (sql: string) => void (await fromStore(client.query(sql))) });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        }
      } finally {
        // Back in the pool, the session waits idle, as any other does.
        await client.query('RESET idle_in_transaction_session_timeout').catch(() => undefined);
        await client.query('RESET idle_session_timeout').catch(() => undefined);
        watch.release();
      }
    },
    close: () => {
      clearInterval(resync);
      return pool.end();
    },
  };
}
