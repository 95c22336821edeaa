// The jobs table is the outbox: jobs are inserted in the same transaction as the state change
// that causes them, and run at least once; handlers make their effects idempotent.
import { rowsAfter, totalsRow, type Db, type ListPlace, type Queryable } from '../store/db.js';

export interface Job {
  id: number;
  kind: string;
  subject: string;
  runAt: number;
  attempts: number;
  /** Runs that threw; a job that keeps failing ends dead (a dead letter), see runner.ts. */
  failures: number;
  /** Runs that failed for a store outage: they lengthen the backoff, but never end the job. */
  outages: number;
  lastError: string | null;
  createdAt: number;
  /** When the operator last retried it as a dead letter (its age counts from then), or null. */
  retriedAt: number | null;
  deadAt: number | null;
  /** The rail the job needs (only an instance that has it claims it, on PostgreSQL); null: any. */
  rail: string | null;
}

export interface NewJob {
  kind: string;
  subject: string;
  runAt: number;
  /** At most one pending-or-done job per key: enqueuing it again is a no-op. */
  dedupeKey?: string;
  /** The rail it needs, when it needs one: on a shared store only instances with it claim it. */
  rail?: string;
  /** Whose work it is, for a runner that shares its slots out by owner (a webhook's merchant). */
  lane?: string;
}

export async function enqueue(q: Queryable, j: NewJob, now = Date.now()) {
  await q.query(
    `INSERT INTO jobs (kind, subject, dedupe_key, run_at, created_at, rail, lane) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [j.kind, j.subject, j.dedupeKey ?? null, j.runAt, now, j.rail ?? null, j.lane ?? null],
  );
}

const toJob = (r: Record<string, any>): Job => ({
  id: r.id,
  kind: r.kind,
  subject: r.subject,
  runAt: r.run_at,
  attempts: r.attempts,
  failures: r.failures ?? 0,
  outages: Number(r.outages ?? 0),
  lastError: r.last_error,
  createdAt: r.created_at,
  retriedAt: r.retried_at ?? null,
  deadAt: r.dead_at ?? null,
  rail: r.rail ?? null,
});

/**
 * Takes up to `limit` due jobs for this worker for `leaseMs`. A job whose lease ran out (its
 * worker died) is due again. On PostgreSQL, SKIP LOCKED lets instances claim disjoint sets.
 * Leases are set and checked by the store's clock (Db.now), never an instance's own: another
 * instance checks this one's lease, and clocks a lease apart would let it take a running job.
 * With `rails`, only jobs that need none or one of them are taken.
 */
export async function claim(
  db: Db,
  worker: string,
  limit: number,
  leaseMs: number,
  kinds: string[],
  rails?: string[],
  now = db.clock(),
): Promise<Job[]> {
  const sql = claimSql(kinds.length, db.skipLocked, db.now, rails?.length);
  const rows = await db.query(sql, [worker, leaseMs, now, ...kinds, ...(rails ?? []), limit]);
  return rows.map(toJob).sort((a, b) => a.runAt - b.runAt);
}

/** The claim statement (exported so that a test can check its plan uses the due-jobs index). */
export function claimSql(kinds: number, skipLocked: string, clock: string, rails?: number) {
  const ours = rails === undefined ? '' : ` AND (rail IS NULL OR rail IN (${Array(rails).fill('?').join(', ')}))`;
  return `UPDATE jobs SET locked_by = ?, locked_until = ${clock} + ?, attempts = attempts + 1
      WHERE id IN (SELECT id FROM jobs
                    WHERE done_at IS NULL AND dead_at IS NULL AND run_at <= ? AND (locked_until IS NULL OR locked_until < ${clock})
                      AND kind IN (${Array(kinds).fill('?').join(', ')})${ours}
                    ORDER BY run_at LIMIT ?${skipLocked})
      RETURNING *`;
}

/**
 * Takes these jobs (picked by a runner's own policy, see RunnerOptions.claim) for this worker,
 * those still due and unclaimed: another instance may have taken one since it was picked.
 */
export async function claimIds(db: Db, worker: string, ids: number[], leaseMs: number, now = db.clock()): Promise<Job[]> {
  if (ids.length === 0) return [];
  const rows = await db.query(
    `UPDATE jobs SET locked_by = ?, locked_until = ${db.now} + ?, attempts = attempts + 1
      WHERE id IN (SELECT id FROM jobs WHERE id IN (${ids.map(() => '?').join(', ')}) AND run_at <= ?
                      AND done_at IS NULL AND dead_at IS NULL AND (locked_until IS NULL OR locked_until < ${db.now})${db.skipLocked})
      RETURNING *`,
    [worker, leaseMs, ...ids, now],
  );
  return rows.map(toJob).sort((a, b) => a.runAt - b.runAt);
}

// For a job enqueued as a safety net under a dedupe key: run it sooner, or close it once its
// work got done another way. A job claimed by a live worker is left to it; a lease that ran out
// belongs to nobody. `clock` is the store's (Db.now), which set the lease.
export async function runSooner(q: Queryable, clock: string, dedupeKey: string, runAt: number) {
  await q.query(
    `UPDATE jobs SET run_at = ? WHERE dedupe_key = ? AND done_at IS NULL AND (locked_by IS NULL OR locked_until < ${clock}) AND run_at > ?`,
    [runAt, dedupeKey, runAt],
  );
}

export async function closeByKey(q: Queryable, clock: string, dedupeKey: string, at: number) {
  await q.query(`UPDATE jobs SET done_at = ? WHERE dedupe_key = ? AND done_at IS NULL AND (locked_by IS NULL OR locked_until < ${clock})`, [
    at,
    dedupeKey,
  ]);
}

/** Keeps this worker's claim on jobs it is still running, for `leaseMs` from now by the store's clock. */
export async function extendLeases(db: Db, worker: string, ids: number[], leaseMs: number) {
  await db.query(`UPDATE jobs SET locked_until = ${db.now} + ? WHERE locked_by = ? AND id IN (${ids.map(() => '?').join(', ')})`, [
    leaseMs,
    worker,
    ...ids,
  ]);
}

export async function complete(db: Db, job: Job, worker: string, now = Date.now()) {
  await db.query('UPDATE jobs SET done_at = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?', [
    now,
    job.id,
    worker,
  ]);
}

export async function reschedule(db: Db, job: Job, worker: string, runAt: number, error: string | null) {
  await db.query(
    'UPDATE jobs SET run_at = ?, last_error = ?, outages = 0, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?',
    [runAt, error, job.id, worker],
  );
}

/**
 * A run found that the job needs `rail`, which this instance does not have: the job is marked
 * with it and released as it was (due, the claim not counted, no failure), for an instance that
 * has it; this one does not claim it again.
 */
export async function handBack(db: Db, job: Job, worker: string, rail: string) {
  await db.query(
    'UPDATE jobs SET rail = ?, attempts = attempts - 1, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?',
    [rail, job.id, worker],
  );
}

/** A run threw: counted, and tried again at `runAt`. */
export async function failed(db: Db, job: Job, worker: string, runAt: number, error: string) {
  await db.query(
    `UPDATE jobs SET failures = failures + 1, run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
      WHERE id = ? AND locked_by = ?`,
    [runAt, error, job.id, worker],
  );
}

/**
 * A run failed because the store could not serve (isStoreUnavailable): not the job's fault, so
 * not counted among its failures; counted apart, for the backoff, and tried again at `runAt`.
 */
export async function outage(db: Db, job: Job, worker: string, runAt: number, error: string) {
  await db.query(
    `UPDATE jobs SET outages = outages + 1, run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
      WHERE id = ? AND locked_by = ?`,
    [runAt, error, job.id, worker],
  );
}

/** A job that kept failing stops: a dead letter, kept with its last error until retried. */
export async function bury(db: Db, job: Job, worker: string, error: string, now = Date.now()) {
  await db.query(
    `UPDATE jobs SET failures = failures + 1, dead_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
      WHERE id = ? AND locked_by = ?`,
    [now, error, job.id, worker],
  );
}

/** Dead letters, newest first (dead_at, then id): up to `limit` after `after`, and how many in all. */
export async function deadJobs(db: Db, limit: number, after: ListPlace | null = null): Promise<{ items: Job[]; total: number }> {
  // The page and its total in one statement (one snapshot): read apart, a job buried between
  // them showed a total its page did not.
  const total = '(SELECT COUNT(*) FROM jobs WHERE dead_at IS NOT NULL) AS list_total';
  const page = rowsAfter('dead_at', 'id', 'desc', after);
  const rows = await db.query(`SELECT *, ${total} FROM jobs WHERE dead_at IS NOT NULL${page.sql} ORDER BY dead_at DESC, id DESC LIMIT ?`, [
    ...page.params,
    limit,
  ]);
  const first = await totalsRow(db, rows, after, total);
  return { items: rows.map(toJob), total: first ? Number(first.list_total) : 0 };
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/**
 * The open jobs of each of `subjects`, found by their dedupe keys (`keysOf`): whether one will
 * still run (`live`), and a dead letter's id among them (`deadId`). A subject with neither is absent.
 */
export async function jobStates(
  q: Queryable,
  subjects: string[],
  keysOf: (subject: string) => string[],
): Promise<Map<string, { live: boolean; deadId: number | null }>> {
  const out = new Map<string, { live: boolean; deadId: number | null }>();
  const keys = subjects.flatMap(keysOf);
  if (keys.length === 0) return out;
  const rows = await q.query(`SELECT id, subject, dead_at FROM jobs WHERE dedupe_key IN (${marks(keys.length)}) AND done_at IS NULL`, keys);
  for (const r of rows) {
    const j = out.get(r.subject) ?? { live: false, deadId: null };
    if (r.dead_at === null) j.live = true;
    else j.deadId = Number(r.id);
    out.set(r.subject, j);
  }
  return out;
}

/** Whether the open jobs of these dedupe keys have all ended dead letters (and there is one). */
export async function allDead(q: Queryable, keys: string[]): Promise<boolean> {
  const rows = await q.query(`SELECT dead_at FROM jobs WHERE dedupe_key IN (${marks(keys.length)}) AND done_at IS NULL`, keys);
  return rows.length > 0 && rows.every((r) => r.dead_at !== null);
}

/** Closes the dead letters of these dedupe keys as done: their work was done another way. */
export async function closeDead(q: Queryable, keys: string[], now: number) {
  await q.query(`UPDATE jobs SET dead_at = NULL, done_at = ? WHERE dedupe_key IN (${marks(keys.length)}) AND dead_at IS NOT NULL AND done_at IS NULL`, [
    now,
    ...keys,
  ]);
}

/**
 * Brings a dead job back: due now (by the store's clock, as claim reads run_at), with a fresh
 * allowance: its failures forgotten and its age (JOB_MAX_AGE_HOURS) counted from now, so that an
 * old job gets as many runs as a new one. Null when no such dead job.
 */
export async function retryDead(db: Db, id: number, now = db.clock()): Promise<Job | null> {
  const [r] = await db.query(
    'UPDATE jobs SET dead_at = NULL, failures = 0, outages = 0, retried_at = ?, run_at = ? WHERE id = ? AND dead_at IS NOT NULL RETURNING *',
    [now, now, id],
  );
  return r ? toJob(r) : null;
}

export async function pendingJobs(db: Db, subject?: string) {
  const rows = subject
    ? await db.query('SELECT * FROM jobs WHERE done_at IS NULL AND dead_at IS NULL AND subject = ? ORDER BY run_at', [subject])
    : await db.query('SELECT * FROM jobs WHERE done_at IS NULL AND dead_at IS NULL ORDER BY run_at');
  return rows.map(toJob);
}

/** Forgets finished jobs older than `before`: their effects live in the rows they changed. */
export async function purgeDone(db: Db, before: number) {
  await db.query(PURGE_DONE_SQL, [before]);
}
export const PURGE_DONE_SQL = 'DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < ?';
