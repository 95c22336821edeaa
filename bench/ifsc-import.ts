// The full IFSC import through the CLI, as an operator runs it, on a fresh SQLite store and (when
// DATABASE_URL is set) on PostgreSQL, then once more to time the idempotent re-import.
//   npm run -s build && node --import tsx bench/ifsc-import.ts <dataset folder, JSON file or IFSC.csv>
// The dataset is Razorpay's public IFSC data (razorpay/ifsc-api per-bank JSON files, or IFSC.csv
// from a razorpay/ifsc release); it is not kept in the repository.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
const dataset = process.argv[2];
if (!dataset) {
  process.stderr.write('usage: node --import tsx bench/ifsc-import.ts <dataset folder, JSON file or IFSC.csv>\n');
  process.exit(2);
}

async function importOnce(env: Record<string, string>) {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [CLI, 'ifsc', 'import', dataset, '--json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    maxBuffer: 1 << 24,
  });
  const r = JSON.parse(stdout);
  return { ...r, wall_ms: Math.round(performance.now() - started) };
}

const stores: [string, Record<string, string>][] = [['sqlite', {}]];
if (process.env.DATABASE_URL) stores.push(['postgres', { DATABASE_URL: process.env.DATABASE_URL, SECRET_KEY: process.env.SECRET_KEY ?? '11'.repeat(32) }]);

for (const [store, extra] of stores) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-bench-ifsc-'));
  try {
    const env = { DATA_DIR: dataDir, ...extra };
    const first = await importOnce(env);
    const again = await importOnce(env);
    console.log(
      `${store}: ${first.records} records from ${first.files} files, skipped ${first.skipped}; ` +
        `import ${first.ms} ms (CLI wall ${first.wall_ms} ms), re-import ${again.ms} ms; directory ${again.directory_size}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
