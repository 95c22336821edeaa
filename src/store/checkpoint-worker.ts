// The thread that checkpoints the SQLite store's WAL for store/sqlite.ts: copying pages into the
// database file and flushing it happen here, never on the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** A checkpoint's answer: its error, when it failed. */
export interface CheckpointDone {
  id: number;
  error?: string;
}

const db = new Database((workerData as { file: string }).file);
db.pragma('busy_timeout = 5000');
// NORMAL: SQLite flushes the WAL before it copies from it, and the database file after, before
// it counts the frames as copied (so before any writer may start the WAL over).
db.pragma('synchronous = NORMAL');

parentPort!.on('message', (m: { id: number } | 'close') => {
  if (m === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort!.postMessage({ id: m.id } satisfies CheckpointDone);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies CheckpointDone);
  }
});
