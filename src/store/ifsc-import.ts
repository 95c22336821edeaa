// Imports the public IFSC dataset in Razorpay's format into the directory: a folder of per-bank
// JSON files (`<BANKCODE>.json`, IFSC -> record), one such file, or `IFSC.csv`. Re-importing
// upserts, so a newer release simply replaces older rows.
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Db } from './db.js';
import { normaliseIfsc } from '../engine/ifsc.js';
import { upsertBranches, type IfscRecord } from './ifsc.js';
import { FileRefused } from './files.js';

export interface ImportSummary {
  /** Records written (inserted or updated). */
  records: number;
  /** Records refused: no well-formed IFSC. */
  skipped: number;
  files: number;
  ms: number;
}

const BATCH = 5000;

const text = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  // Control characters (a stray NUL cannot even be stored on PostgreSQL) become spaces.
  const s = v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ').trim();
  return s === '' ? null : s;
};

const bool = (v: unknown): boolean | null => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v !== 'string') return null;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === 'yes' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === '0') return false;
  return null;
};

/**
 * One dataset record as an IfscRecord, or null without a valid IFSC. Keys are matched in any
 * case. Some files carry lower-case duplicates (`imps`, `upi`) added by the dataset's later
 * corrections, after the original key: the later non-null value wins.
 */
export function normaliseRecord(raw: unknown, key?: string): IfscRecord | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const K = k.trim().toUpperCase();
    if ((v !== null && v !== undefined) || !(K in r)) r[K] = v;
  }
  const ifsc = normaliseIfsc(String(text(r.IFSC) ?? key ?? ''));
  if (!ifsc) return null;
  return {
    ifsc,
    bank: text(r.BANK),
    branch: text(r.BRANCH),
    address: text(r.ADDRESS),
    city: text(r.CITY),
    centre: text(r.CENTRE),
    district: text(r.DISTRICT),
    state: text(r.STATE),
    contact: text(r.CONTACT),
    micr: text(r.MICR),
    swift: text(r.SWIFT),
    iso3166: text(r.ISO3166),
    neft: bool(r.NEFT),
    imps: bool(r.IMPS),
    rtgs: bool(r.RTGS),
    upi: bool(r.UPI),
  };
}

/**
 * RFC 4180 CSV, fed in chunks: quoted fields may hold commas, doubled quotes and line breaks.
 * Rows are handed to `emit` as soon as they end.
 */
export class CsvReader {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** A quote was seen inside a quoted field: the next character decides (escape or close). */
  private quotePending = false;
  private started = false;

  constructor(private emit: (row: string[]) => void) {}

  feed(s: string) {
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) i = 1; // byte order mark
    }
    const n = s.length;
    while (i < n) {
      if (this.quoted) {
        if (this.quotePending) {
          this.quotePending = false;
          if (s[i] === '"') {
            this.field += '"';
            i++;
            continue;
          }
          this.quoted = false; // that quote closed the field; read on unquoted
          continue;
        }
        const q = s.indexOf('"', i);
        if (q === -1) {
          this.field += s.slice(i);
          return;
        }
        this.field += s.slice(i, q);
        this.quotePending = true;
        i = q + 1;
        continue;
      }
      const c = s[i];
      if (c === '"' && this.field === '') {
        this.quoted = true;
        i++;
      } else if (c === ',') {
        this.row.push(this.field);
        this.field = '';
        i++;
      } else if (c === '\n') {
        this.endRow();
        i++;
      } else if (c === '\r') {
        i++; // CRLF line ends
      } else {
        // Plain run up to the next separator.
        let j = i + 1;
        while (j < n) {
          const d = s.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13) break; // , \n \r
          j++;
        }
        this.field += s.slice(i, j);
        i = j;
      }
    }
  }

  end() {
    if (this.quoted && !this.quotePending) throw new FileRefused('CSV ends inside a quoted field');
    this.quoted = false;
    this.quotePending = false;
    if (this.field !== '' || this.row.length > 0) this.endRow();
  }

  private endRow() {
    this.row.push(this.field);
    this.field = '';
    const row = this.row;
    this.row = [];
    if (row.length === 1 && row[0] === '') return; // blank line
    this.emit(row);
  }
}

class Batcher {
  private pending = new Map<string, IfscRecord>();
  records = 0;
  skipped = 0;
  constructor(private db: Db) {}
  add(r: IfscRecord | null) {
    if (!r) {
      this.skipped++;
      return;
    }
    this.pending.set(r.ifsc, r); // one IFSC twice in a batch: the later record wins
  }
  /** Records read so far, written or about to be. */
  get seen() {
    return this.records + this.pending.size;
  }
  get full() {
    return this.pending.size >= BATCH;
  }
  async flush() {
    if (this.pending.size === 0) return;
    const records = [...this.pending.values()];
    this.pending.clear();
    await upsertBranches(this.db, records, 'import', BATCH);
    this.records += records.length;
  }
}

async function importJsonFile(path: string, b: Batcher) {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new FileRefused(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (Array.isArray(data)) for (const r of data) b.add(normaliseRecord(r));
  else if (data && typeof data === 'object') for (const [k, r] of Object.entries(data)) b.add(normaliseRecord(r, k));
  else throw new FileRefused(`${path}: expected an object of IFSC -> record`);
  if (b.full) await b.flush();
}

async function importCsvFile(path: string, b: Batcher, flushed: () => void) {
  let header: string[] | null = null;
  const rows: string[][] = [];
  const reader = new CsvReader((row) => {
    if (!header) header = row.map((h) => h.trim().toUpperCase());
    else rows.push(row);
  });
  const toRecord = (row: string[]) => {
    const o: Record<string, string> = {};
    header!.forEach((h, i) => (o[h] = row[i]));
    return normaliseRecord(o);
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    reader.feed(chunk as string);
    for (const row of rows.splice(0)) b.add(toRecord(row));
    if (b.full) {
      await b.flush();
      flushed();
    }
  }
  reader.end();
  for (const row of rows.splice(0)) b.add(toRecord(row));
  if (!header) throw new FileRefused(`${path}: empty CSV file`);
  if (!(header as string[]).includes('IFSC')) throw new FileRefused(`${path}: the CSV header has no IFSC column`);
}

export interface ImportProgress {
  file: string;
  filesDone: number;
  files: number;
  /** Records read so far. */
  records: number;
}

/** Imports a dataset directory, JSON file or CSV file; `onProgress` hears after each file. */
export async function importIfsc(db: Db, path: string, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
  const started = performance.now();
  const info = await stat(path);
  let files: string[];
  if (info.isDirectory()) {
    const names = (await readdir(path)).sort();
    const json = names.filter((n) => extname(n).toLowerCase() === '.json');
    const csv = names.filter((n) => extname(n).toLowerCase() === '.csv');
    files = (json.length > 0 ? json : csv).map((n) => join(path, n));
    if (files.length === 0) throw new FileRefused(`${path}: no .json or .csv files to import`);
  } else {
    files = [path];
  }
  const b = new Batcher(db);
  try {
    for (const [i, f] of files.entries()) {
      if (extname(f).toLowerCase() === '.csv') await importCsvFile(f, b, () => onProgress?.({ file: f, filesDone: i, files: files.length, records: b.seen }));
      else await importJsonFile(f, b);
      onProgress?.({ file: f, filesDone: i + 1, files: files.length, records: b.seen });
    }
  } catch (err) {
    // A refusal once records are written is not "nothing changed": said as a failure, with
    // what was written (importing again is safe: records are upserted by IFSC).
    if (err instanceof FileRefused && b.records > 0) throw new Error(`${err.message}; ${b.records} records before it were imported`);
    throw err;
  }
  await b.flush();
  return { records: b.records, skipped: b.skipped, files: files.length, ms: Math.round(performance.now() - started) };
}
