#!/usr/bin/env node
// `npx pennygate` / `npm run -s cli`: runs the compiled CLI, compiling it first when the sources
// are newer than the build (a fresh clone, or after a pull). The compile is incremental.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'src', 'cli.js');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const stale = !existsSync(built) || newest(join(root, 'src')) > statSync(built).mtimeMs ||
  statSync(join(root, 'tsconfig.json')).mtimeMs > statSync(built).mtimeMs;
if (stale && existsSync(join(root, 'src'))) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('pennygate: the build is missing or older than the sources, and TypeScript is not installed: run npm ci && npm run build\n');
    process.exit(1);
  }
  process.stderr.write('pennygate: building (sources changed)...\n');
  const r = spawnSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(pathToFileURL(built).href);
