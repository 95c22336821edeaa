// The thread that checkpoints the SQLite store's WAL for store/sqlite.ts: copying pages into the
// database file and flushing it happen here, never on the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointDone {
  id: number;
  /** Frames in the WAL, and of those now copied into the database file (SQLite's own counts). */
  log?: number;
  checkpointed?: number;
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
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    parentPort!.postMessage({ id: m.id, log: r.log, checkpointed: r.checkpointed } satisfies CheckpointDone);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies CheckpointDone);
  }
});
