// The IFSC directory: one row per bank branch, keyed by IFSC. Filled with a few built-in
// branches at startup and with the full public dataset by `pennygate ifsc import`.
// Every read is a primary-key lookup.
import type { Db, Queryable, Row } from './db.js';
import { bankCode, normaliseIfsc } from '../engine/ifsc.js';
import { BUILTIN_BRANCHES } from './ifsc-builtin.js';

export interface IfscRecord {
  ifsc: string;
  /** Null for a few banks whose records in the public dataset carry no name. */
  bank: string | null;
  branch: string | null;
  address: string | null;
  city: string | null;
  centre: string | null;
  district: string | null;
  state: string | null;
  contact: string | null;
  /** As published: nine digits for most branches, absent for many, rarely not numeric. */
  micr: string | null;
  swift: string | null;
  iso3166: string | null;
  /** Whether the branch takes NEFT/IMPS/RTGS/UPI; null when the dataset does not say. */
  neft: boolean | null;
  imps: boolean | null;
  rtgs: boolean | null;
  upi: boolean | null;
}

const TEXT = ['bank', 'branch', 'address', 'city', 'centre', 'district', 'state', 'contact', 'micr', 'swift', 'iso3166'] as const;
const FLAGS = ['neft', 'imps', 'rtgs', 'upi'] as const;
const COLUMNS = ['ifsc', ...TEXT, ...FLAGS, 'source', 'updated_at'] as const;

/** Adds the built-in branches that are not there yet (an import wins). */
export async function initIfscDirectory(db: Db) {
  await db.tx((q) => upsert(q, BUILTIN_BRANCHES, 'builtin', false, Date.now()));
}

/** The branch of an IFSC (any case), or null when it is malformed or not in the directory. */
export async function lookupIfsc(db: Queryable, ifsc: string): Promise<IfscRecord | null> {
  const code = normaliseIfsc(ifsc);
  if (!code) return null;
  const [r] = await db.query('SELECT * FROM ifsc_branches WHERE ifsc = ?', [code]);
  return r ? toRecord(r) : null;
}

/**
 * The bank of an IFSC: its branch's record, else the name most branches of the same bank code
 * carry (a primary-key range; sublet codes and co-operative banks mix names), for branches
 * newer than the imported dataset.
 */
export async function bankOfIfsc(db: Queryable, ifsc: string | null): Promise<string | null> {
  const code = ifsc ? normaliseIfsc(ifsc) : null;
  if (!code) return null;
  const [own] = await db.query('SELECT bank FROM ifsc_branches WHERE ifsc = ?', [code]);
  if (own?.bank) return own.bank;
  const [common] = await db.query(
    `SELECT bank, COUNT(*) AS n FROM ifsc_branches WHERE ifsc >= ? AND ifsc < ? AND bank IS NOT NULL
      GROUP BY bank ORDER BY n DESC, bank LIMIT 1`,
    [`${bankCode(code)}0`, `${bankCode(code)}1`],
  );
  return common?.bank ?? null;
}

export async function countIfsc(db: Queryable): Promise<number> {
  const [r] = await db.query('SELECT COUNT(*) AS n FROM ifsc_branches');
  return Number(r.n);
}

const flag = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(Number(v)));

function toRecord(r: Row): IfscRecord {
  const out = { ifsc: r.ifsc } as IfscRecord;
  for (const k of TEXT) out[k] = r[k] ?? null;
  for (const k of FLAGS) out[k] = flag(r[k]);
  return out;
}

// 18 parameters a row: 250 rows stay well under both databases' limits on bound parameters.
const ROWS_PER_STATEMENT = 250;
const statements = new Map<string, string>();

function insertSql(rows: number, replace: boolean): string {
  const key = `${rows}:${replace}`;
  let sql = statements.get(key);
  if (!sql) {
    const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
    const conflict = replace
      ? `DO UPDATE SET ${COLUMNS.filter((c) => c !== 'ifsc')
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}`
      : 'DO NOTHING';
    sql = `INSERT INTO ifsc_branches (${COLUMNS.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')} ON CONFLICT (ifsc) ${conflict}`;
    statements.set(key, sql);
  }
  return sql;
}

/**
 * Writes records in multi-row statements. `replace` updates existing rows (an import), else they
 * are kept (the built-in set never overwrites imported data). Callers pass each IFSC once.
 */
export async function upsert(q: Queryable, records: readonly IfscRecord[], source: string, replace: boolean, now: number) {
  for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
    const chunk = records.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    for (const r of chunk) {
      params.push(r.ifsc);
      for (const k of TEXT) params.push(r[k]);
      // Integers, not booleans: PostgreSQL would refuse a boolean for an INTEGER column.
      for (const k of FLAGS) params.push(r[k] === null ? null : r[k] ? 1 : 0);
      params.push(source, now);
    }
    await q.query(insertSql(chunk.length, replace), params);
  }
}

/** Writes many records in batched transactions (an import of the full dataset). */
export async function upsertBranches(db: Db, records: readonly IfscRecord[], source: string, batch = 5000) {
  const now = Date.now();
  for (let i = 0; i < records.length; i += batch) {
    const part = records.slice(i, i + batch);
    await db.tx((q) => upsert(q, part, source, true, now));
  }
}
