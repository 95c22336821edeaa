// Instructions the server executes per request, counted by valgrind's callgrind: unlike CPU
// time on a shared machine, the count barely moves between runs, so a change of a few percent
// shows. Each build runs under callgrind with counting off; after a warm-up (so V8 has
// optimised the hot paths) counting is switched on for a fixed number of requests, then off.
//
//   npm run -s build && node --import tsx bench/instructions.ts [--cases status,create,healthz]
//     [--requests 1000] [--repeats 3] [--warmup 3000] [--concurrency 8] [--baseline-commit <commit> | --baseline <main.js>]
//     [--main <another build's dist/src/main.js>] [--no-ceiling]
//
// Needs valgrind (Debian package `valgrind`). Background jobs poll once a minute, so they add
// little to the count. A run takes a few minutes: everything runs some 50 times slower.
// Only the main thread is counted (the event loop, which bounds throughput); the kernel's work
// (fsync, socket writes) is not, and a `rep stos` counts once per byte, so clearing memory reads
// larger than it costs. VERBOSE=1 prints every count; KEEP_DUMP=<prefix> keeps each case's dump
// for callgrind_annotate.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gateway, freePort } from '../test/support/gateway.js';
import { buildCommit } from '../test/support/old-build.js';
import { benchCases, pathOf, type Case } from './cases.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: 'healthz,status,create' },
    requests: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '3000' },
    repeats: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    main: { type: 'string' }, // another build's dist/src/main.js instead of this one
    'no-ceiling': { type: 'boolean', default: false },
    baseline: { type: 'string' },
    'baseline-commit': { type: 'string' },
  },
});
if (spawnSync('valgrind', ['--version']).error) throw new Error('valgrind is not installed (apt-get install valgrind)');
const CASES = values.cases!.split(',');
const N = Number(values.requests);
const WARMUP = Number(values.warmup);
const C = Number(values.concurrency);
const REPEATS = Number(values.repeats);


/** `n` requests, `c` at a time over keep-alive connections; any answer but a 2xx fails the bench. */
async function drive(base: string, cs: Case, n: number, c: number, tag: string) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const path = pathOf(cs, i);
      const r = await fetch(base + path, { method: cs.method, headers: cs.headers, body: cs.body?.(i).replace('@N@', `${tag}-${i}`) });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${cs.method} ${path}: ${r.status} ${text}`);
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
}

const VG_ENV = { USER: 'bench', LOGNAME: 'bench' };
// (HOST is the server's listening address; valgrind reads it too.)
const control = (...args: string[]) =>
  execFileSync('callgrind_control', args, { env: { ...process.env, ...VG_ENV, HOST: '127.0.0.1' }, stdio: 'ignore' });

/** The sum of a callgrind dump's self costs (its summary line stays 0 after a --zero). */
function sumCosts(dump: string): number {
  let total = 0;
  let calls = false;
  for (const line of dump.split('\n')) {
    // A cost line after `calls=` is the inclusive cost of that call: already counted in the callee.
    if (line.startsWith('calls=')) {
      calls = true;
      continue;
    }
    if (/^[+-]?\d|^\*/.test(line)) {
      if (!calls) total += Number(line.trim().split(/\s+/)[1] ?? 0);
      calls = false;
    }
  }
  return total;
}

const callgrind = (out: string) => [
  'valgrind',
  '--tool=callgrind',
  '--instr-atstart=no',
  // V8 writes code at run time: valgrind must look for changed code everywhere but in files.
  '--smc-check=all-non-file',
  // One count per thread: the main thread's is the event loop, which bounds throughput. V8's
  // optimising compiler and much of its garbage collection run on helper threads.
  '--separate-threads=yes',
  `--callgrind-out-file=${join(out, 'cg.%p')}`,
];

/** Instructions per request of each case, on a server already running under callgrind. */
async function count(pid: number, out: string, base: string, cases: Record<string, Case>) {
  const result: Record<string, number> = {};
  const spread: Record<string, number[]> = {};
  // Every case is warm before any is counted: they share most of their code.
  for (const name of CASES) await drive(base, cases[name], WARMUP, C, `warm-${name}`);
  for (const name of CASES) {
    // The median of several counts: a major garbage collection lands in one count or another.
    const counts: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      control('--zero', String(pid));
      control('--instr=on', String(pid));
      await drive(base, cases[name], N, C, `run${r}-${name}`);
      control('--instr=off', String(pid));
      control('--dump', String(pid));
      const dumps = readdirSync(out).filter((f) => f.startsWith('cg.'));
      // cg.<pid>.<dump>-01 is the main thread's count in the dump just taken.
      const last = dumps.filter((f) => f.endsWith('-01')).sort((a, b) => a.length - b.length || a.localeCompare(b)).at(-1)!;
      const dump = readFileSync(join(out, last), 'utf8');
      counts.push(Number(/^totals: (\d+)/m.exec(dump)?.[1] ?? sumCosts(dump)) / N);
      if (process.env.KEEP_DUMP) writeFileSync(`${process.env.KEEP_DUMP}.${name}`, dump);
      for (const f of dumps) rmSync(join(out, f));
    }
    result[name] = counts.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
    spread[name] = counts;
  }
  if (process.env.VERBOSE) console.log(Object.entries(spread).map(([k, v]) => `${k}: ${v.map((x) => (x / 1000).toFixed(0)).join(' ')}`).join('; '));
  return result;
}

const show = (label: string, r: Record<string, number>) =>
  console.log(`${label.padEnd(10)} ${CASES.map((c) => `${c} ${(r[c] / 1000).toFixed(0).padStart(5)}k`).join('   ')}`);

async function measure(main: string | undefined, label: string) {
  const out = mkdtempSync(join(tmpdir(), 'pennygate-callgrind-'));
  const gw = await Gateway.start({
    main,
    wrapper: callgrind(out),
    // valgrind names its control pipe after the user and host: callgrind_control must find it.
    env: { LOG_LEVEL: 'warn', JOB_POLL_MS: '60000', REFUND_POLL_MS: '60000', ...VG_ENV },
  });
  try {
    const { cases, known, knownStatus } = await benchCases(gw);
    const result = await count(gw.proc.pid!, out, gw.url, cases);
    show(label, result);
    return { result, cases, known, knownStatus };
  } finally {
    await gw.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

/** The bare Fastify server of bench/create-rpd.ts, answering this build's bodies. */
async function ceiling(cases: Record<string, Case>, created: unknown, status: unknown) {
  const out = mkdtempSync(join(tmpdir(), 'pennygate-callgrind-'));
  writeFileSync(join(out, 'create.json'), JSON.stringify(created));
  writeFileSync(join(out, 'status.json'), JSON.stringify(status));
  const port = await freePort();
  const [command, ...args] = [
    ...callgrind(out),
    process.execPath,
    '--import',
    'tsx',
    join(import.meta.dirname, 'ceiling-server.ts'),
    String(port),
    join(out, 'create.json'),
    join(out, 'status.json'),
  ];
  const proc = spawn(command, args, { env: { ...process.env, ...VG_ENV, HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((ok, fail) => {
      proc.stdout!.on('data', (d) => String(d).includes('listening') && ok());
      proc.once('exit', (code) => fail(new Error(`the ceiling server exited ${code}`)));
    });
    const result = await count(proc.pid!, out, `http://127.0.0.1:${port}`, cases);
    show('ceiling', result);
    return result;
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(out, { recursive: true, force: true });
  }
}

const baselineMain = values['baseline-commit'] ? buildCommit(values['baseline-commit']) : values.baseline;
console.log(`instructions per request (callgrind), ${N} requests after ${WARMUP} of warm-up, ${C} at a time`);
const mine = await measure(values.main, values.main ? 'build' : 'this build');
const ratio = (label: string, a: Record<string, number>, b: Record<string, number>) =>
  console.log(`${label.padEnd(22)} ${CASES.map((c) => `${c} ${(a[c] / b[c]).toFixed(2)}`).join('   ')}`);
const top = !values['no-ceiling'] ? await ceiling(mine.cases, mine.known, mine.knownStatus) : null;
if (top) ratio('this build / ceiling', mine.result, top);
if (baselineMain) {
  const base = await measure(baselineMain, 'baseline');
  if (top) ratio('baseline / ceiling', base.result, top);
  ratio('this build / baseline', mine.result, base.result);
}
