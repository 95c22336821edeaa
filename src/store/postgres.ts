import pg from 'pg';
import type { Db, Queryable, Row } from './db.js';

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
    migrate: async (ddl: string) => {
      const client = await pool.connect();
      try {
        // Several instances may start at once: one migrates, the others wait for it.
        await client.query('SELECT pg_advisory_lock(7264001)');
        await client.query(ddl);
      } finally {
        await client.query('SELECT pg_advisory_unlock(7264001)').catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
