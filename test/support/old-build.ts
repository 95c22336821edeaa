// Builds an earlier commit of this repository from git history, so that a test can run the
// release an operator is upgrading from against the same database as this build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Whether the commit can be read (a checkout with history; not a tarball or shallow clone). */
export function hasCommit(commit: string): boolean {
  try {
    execFileSync('git', ['-C', ROOT, 'cat-file', '-e', `${commit}^{commit}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Extracts `commit` into a temporary folder and compiles it; returns its server entry point. */
export function buildCommit(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pennygate-${commit}-`));
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', ROOT, commit, dir]);
  // That release's dependencies are a subset of this one's: compile and run against ours.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
  const main = join(dir, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`building ${commit} produced no ${main}`);
  return main;
}
