// The data directory holds account numbers, names, mobile numbers and the keys that seal
// secrets: it is created for the gateway's user alone, and a start on looser permissions (a
// directory made by hand, an older build) says so.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PRIVATE_FILES = ['pennygate.db', 'pennygate.db-wal', 'pennygate.db-shm', 'admin-token', 'secret-key'];

/** Paths under `dataDir` that others than the owner may read or write, with their modes. */
export function looserThanPrivate(dataDir: string): { path: string; mode: string }[] {
  const out: { path: string; mode: string }[] = [];
  const check = (path: string, allowed: number) => {
    if (!existsSync(path)) return;
    const mode = statSync(path).mode & 0o777;
    if (mode & ~allowed) out.push({ path, mode: mode.toString(8).padStart(4, '0') });
  };
  check(dataDir, 0o700);
  for (const f of PRIVATE_FILES) check(join(dataDir, f), 0o600);
  return out;
}

/**
 * A file the operator named cannot be used as it is (exists already, damaged, sealed with
 * another key, not a dataset) or not now (a gateway runs on it): a refusal, not a failure.
 */
export class FileRefused extends Error {}
