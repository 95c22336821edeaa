import pg from 'pg';
import type { Db, MigrationSession, Queryable, Row } from './db.js';

/** The advisory lock that one instance holds while it changes the schema. */
const MIGRATION_LOCK = 7264001;

// BIGINT columns hold epoch milliseconds and ids that fit in a double: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

const placeholders = new Map<string, string>();
/** `?` -> `$1, $2, ...` (our SQL never has `?` inside literals). Cached per statement text. */
function toPg(sql: string): string {
  let out = placeholders.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    placeholders.set(sql, out);
  }
  return out;
}

export function openPostgres(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 10) });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const on = (c: pg.Pool | pg.PoolClient): Queryable => ({
    query: async <T = Row>(sql: string, params: unknown[] = []) =>
      (await c.query(toPg(sql), params.map((p) => (p === undefined ? null : p)))).rows as T[],
  });
  const direct = on(pool);
  return {
    kind: 'postgres',
    forUpdate: ' FOR UPDATE',
    skipLocked: ' FOR UPDATE SKIP LOCKED',
    query: direct.query,
    tx: async <T>(fn: (q: Queryable) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(on(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    withMigrationLock: async <T>(fn: (s: MigrationSession) => Promise<T>) => {
      const client = await pool.connect();
      try {
        // Several instances may start at once: one migrates, the others wait. They poll with
        // try-lock rather than queue in pg_advisory_lock, because a session left waiting inside
        // a statement holds a snapshot that CREATE INDEX CONCURRENTLY would wait for in turn.
        while (!(await client.query('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK])).rows[0].ok) {
          await new Promise((r) => setTimeout(r, 200));
        }
        try {
          return await fn({ ...on(client), exec: async (sql: string) => void (await client.query(sql)) });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
