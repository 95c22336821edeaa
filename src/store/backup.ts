// Online backup and restore of the SQLite store. The backup copies every page in one step of
// SQLite's backup API, on its own connection: one consistent snapshot, taken while the gateway
// keeps writing (WAL lets the copy read beside the writer).
import Database from 'better-sqlite3';
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE } from './sqlite.js';
import { LATEST_VERSION } from './migrate.js';
import { SECRET_KEY_PROBE, unseal } from '../engine/secrets.js';
import { FileRefused } from './files.js';

export const PID_FILE = 'pennygate.pid';

export interface BackupSummary {
  file: string;
  bytes: number;
  schema_version: number;
  verifications: number;
}

function describe(file: string): BackupSummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new FileRefused(`${file} is damaged: ${check}`);
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    if (!has('verifications')) throw new FileRefused(`${file} is not a pennygate database`);
    const version = has('schema_migrations') ? Number((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as any).v ?? 0) : 0;
    const verifications = Number((db.prepare('SELECT COUNT(*) AS n FROM verifications').get() as any).n);
    return { file, bytes: statSync(file).size, schema_version: version, verifications };
  } finally {
    db.close();
  }
}

/** Copies the store under `dataDir` to `file` (which must not exist yet), readable by its owner only. */
export async function backupSqlite(dataDir: string, file: string): Promise<BackupSummary> {
  const source = join(dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new FileRefused(`no database at ${source} (set DATA_DIR)`);
  if (existsSync(file)) throw new FileRefused(`${file} exists already: choose a new file name`);
  closeSync(openSync(file, 'wx', 0o600));
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // All remaining pages in one step: the copy is of one moment, never a mix of two.
    await db.backup(file, { progress: () => 0x7fffffff });
  } catch (err) {
    unlinkSync(file);
    throw err;
  } finally {
    db.close();
  }
  // The copy comes out in the store's WAL mode, and the read-only check below would then leave an
  // empty -wal and a -shm beside it (SQLite keeps them when a read-only connection closes last).
  // A backup is one file: a rollback journal makes it so; a gateway started on it turns WAL back on.
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  return describe(file);
}

// Several gateways may run on one data folder (a rolling upgrade runs old and new side by side),
// so each keeps its own pid file, `pennygate.<pid>.pid`. `pennygate.pid` is kept too, held by one
// live gateway at a time, for the builds before this one, which read and write only that name.
const OWN_PID_FILE = /^pennygate\.(\d+)\.pid$/;
const ownPidFile = (pid: number) => `pennygate.${pid}.pid`;

const alive = (pid: number) => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

const readPid = (path: string) => {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return 0; // gone meanwhile
  }
};

/** The live gateways on this data folder (each keeps its pid there), other than this process. */
function gatewaysOn(dataDir: string): number[] {
  const pids = new Set<number>();
  for (const name of existsSync(dataDir) ? readdirSync(dataDir) : []) {
    const own = OWN_PID_FILE.exec(name);
    const pid = own ? Number(own[1]) : name === PID_FILE ? readPid(join(dataDir, name)) : 0;
    if (pid !== process.pid && alive(pid)) pids.add(pid);
  }
  return [...pids];
}

/** Whether a gateway process is running on this data folder: one of their pids, or null. */
export function runningGateway(dataDir: string): number | null {
  return gatewaysOn(dataDir)[0] ?? null; // those that died without cleaning up are not counted
}

export function writePidFile(dataDir: string) {
  writeFileSync(join(dataDir, ownPidFile(process.pid)), `${process.pid}\n`, { mode: 0o600 });
  // The shared name is taken only from a gateway that is gone: an older one beside this reads it.
  if (!alive(readPid(join(dataDir, PID_FILE)))) writeFileSync(join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o600 });
}

export function removePidFile(dataDir: string) {
  const own = join(dataDir, ownPidFile(process.pid));
  if (existsSync(own)) unlinkSync(own);
  const shared = join(dataDir, PID_FILE);
  if (readPid(shared) !== process.pid) return;
  // Handed to another live gateway, so that an older build's restore still sees one is running.
  const next = gatewaysOn(dataDir)[0];
  if (next) writeFileSync(shared, `${next}\n`, { mode: 0o600 });
  else unlinkSync(shared);
}

/**
 * A backup's webhook secrets are sealed with the key of the gateway it came from; restored beside
 * another key, the gateway would refuse to start (or, on a fresh machine, a new key would be made
 * that opens nothing). Said here, before the store in place is moved aside.
 */
function keyProblem(file: string, dataDir: string, key: { key: Buffer; source: string } | null) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let check: string | undefined;
  try {
    const meta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'gateway_meta'").get();
    check = meta ? (db.prepare("SELECT value FROM gateway_meta WHERE key = 'secret_key_check'").get() as any)?.value : undefined;
  } finally {
    db.close();
  }
  if (check === undefined) return; // a store no gateway has started on yet
  const bring = `bring the secret-key file from the DATA_DIR of the gateway the backup came from into ${dataDir} (mode 0600), or set SECRET_KEY to it`;
  if (!key) throw new FileRefused(`${dataDir} has no secret-key and SECRET_KEY is not set: ${bring}, then restore again`);
  try {
    if (unseal(check, key.key) === SECRET_KEY_PROBE) return;
  } catch {
    /* another key */
  }
  throw new FileRefused(`${file} was not sealed with the key in ${key.source}: ${bring}, then restore again`);
}

/**
 * Puts a backup in place of the store under `dataDir`, with the gateway stopped. The store it
 * replaces is kept beside it (`pennygate.db.before-restore-<time>`), never deleted.
 */
export function restoreSqlite(
  dataDir: string,
  file: string,
  key: { key: Buffer; source: string } | null,
): BackupSummary & { previous: string | null } {
  const pid = runningGateway(dataDir);
  if (pid) throw new FileRefused(`a gateway (pid ${pid}) is running on ${dataDir}: stop it before restoring`);
  const summary = describe(file);
  if (summary.schema_version > LATEST_VERSION) {
    throw new FileRefused(`${file} is at schema version ${summary.schema_version}, newer than this build knows (${LATEST_VERSION})`);
  }
  keyProblem(file, dataDir, key);
  const target = join(dataDir, SQLITE_FILE);
  const staged = `${target}.restoring`;
  copyFileSync(file, staged);
  chmodSync(staged, 0o600);
  const fd = openSync(staged, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, previous + suffix);
  }
  renameSync(staged, target);
  return { ...summary, file: target, previous };
}
