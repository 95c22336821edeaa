// The thread that runs the SQLite store's slow reads for store/sqlite.ts (readAside): scans of
// whole tables, such as the counts /metrics reports, which would otherwise hold the event loop
// for as long as they take (about a second over a million verifications).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface AsideRead {
  id: number;
  sql: string;
  params: unknown[];
}
export interface AsideDone {
  id: number;
  rows?: Record<string, unknown>[];
  error?: string;
}

const db = new Database((workerData as { file: string }).file);
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');
const statements = new Map<string, Database.Statement>();

parentPort!.on('message', (m: AsideRead | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    let s = statements.get(m.sql);
    if (!s) {
      s = db.prepare(m.sql);
      if (!s.reader) throw new Error('only statements that read run aside');
      statements.set(m.sql, s);
    }
    parentPort!.postMessage({ id: m.id, rows: s.all(...m.params) as Record<string, unknown>[] } satisfies AsideDone);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies AsideDone);
  }
});
