// Creating a reverse penny drop and reading its status, measured on the real server process and
// compared, in the same run, with the framework's ceiling: a bare Fastify server of the bench's
// own (bench/ceiling-server.ts) that parses the same requests and answers the same bodies.
//
//   npm run -s build && node --import tsx bench/create-rpd.ts [--seconds 5] [--rounds 5] [--concurrency 8,64]
//     [--postgres URL | --with-postgres URL] [--main <another build's dist/src/main.js>] [--client wrk|node] [--cases create,status]
//     [--baseline <dist/src/main.js> | --baseline-commit <commit>] [--baseline-postgres URL] [--baseline-fill N] [--fill N]
//
// The load comes from wrk (Debian package `wrk`) when it is installed: a C client in its own
// process, one thread, so the client never caps the ceiling. Without it, keep-alive fetch
// clients in this process do (they top out near 5,500 creates/s here, which flatters the
// ratios). `--postgres` runs the build on PostgreSQL instead of SQLite; `--with-postgres` runs it on
// both stores in the same run (a second server, `postgres`), against the same ceiling.
// Per-request CPU comes from each server's own utime+stime (/proc/<pid>/stat), so the
// client's work does not count; on PostgreSQL running on this host, the cluster's own CPU per
// request is printed beside it (all of the server's processes, every database's, so run it on a
// PostgreSQL server that nothing else is using).
// A SQLite server that reports its WAL flushes (/metrics) gets their mean time in each create run
// and the creates answered per flush: with c requests in flight, c / that time bounds the rate.
// Every create row also gives the mean time from asking for its QR code to its image (its
// thread's queue included): a create waits for that after its commit when the thread falls behind.
// Throughput is requests per second of wall time.
// The two servers take turns, round by round, so drift of a shared machine hits both alike.
// Medians over rounds; the ratios are what to quote.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Gateway, freePort } from '../test/support/gateway.js';
import { SQLITE_FILE } from '../src/store/sqlite.js';
import { buildCommit } from '../test/support/old-build.js';
import { benchCases, pathOf, type Case } from './cases.js';
import { fillStore } from './fill.js';

const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '2000' }, // node client only: requests per round
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8,64' },
    postgres: { type: 'string' },
    'with-postgres': { type: 'string' },
    main: { type: 'string' },
    // A second build taking turns with this one in the same run: its dist/src/main.js, or a
    // commit built from git history (e.g. the first release, f2b9ebd).
    baseline: { type: 'string' },
    'baseline-commit': { type: 'string' },
    'baseline-postgres': { type: 'string' },
    // The baseline on a SQLite store already holding this many verifications (this build unless
    // --baseline names another): does a full store slow creates and reads?
    'baseline-fill': { type: 'string' },
    // Both builds on SQLite stores already holding this many verifications: how they compare on
    // a store that has been in use, not on an empty one.
    fill: { type: 'string' },
    client: { type: 'string', default: hasWrk ? 'wrk' : 'node' },
    cases: { type: 'string', default: 'healthz,status,create' },
  },
});
const SECONDS = Number(values.seconds);
const N = Number(values.requests);
const ROUNDS = Number(values.rounds);
const LEVELS = values.concurrency!.split(',').map(Number);
const CASES = values.cases!.split(',');
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux
if (values.client === 'wrk' && !hasWrk) throw new Error('wrk is not installed (apt-get install wrk)');

/** A process's CPU so far; with `reaped`, also that of its children that have exited. */
function cpuMs(pid: number, reaped = false): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (reaped ? own + Number(fields[13]) + Number(fields[14]) : own) * TICK_MS;
}

/**
 * The CPU of a PostgreSQL server on this host (the postmaster and its children: backends,
 * writers, autovacuum, and those that have exited), found from a backend of `url`; null when the
 * server is elsewhere (another host, a container: its pids are not this /proc's).
 */
async function databaseCpu(url: string): Promise<(() => number) | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const [{ pid }] = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const ppid = (p: number | string) => Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1]);
    const postmaster = ppid(pid);
    const isPostgres = (p: number) => readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'postgres';
    if (!postmaster || !isPostgres(pid) || !isPostgres(postmaster)) return null;
    return () => {
      let ms = cpuMs(postmaster, true);
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          if (ppid(p) === postmaster) ms += cpuMs(Number(p));
        } catch {
          // gone meanwhile
        }
      }
      return ms;
    };
  } catch {
    return null; // not on this host (no such process here)
  } finally {
    await c.end();
  }
}

type Tally = { count: number; seconds: number };
/**
 * From the server's /metrics so far: its WAL flushes (SQLite) and the waits for its QR codes, each
 * null when it reports none.
 */
async function waits(base: string): Promise<{ flushes: Tally | null; qr: Tally | null } | null> {
  const r = await fetch(`${base}/metrics`).catch(() => null);
  if (!r?.ok) return null;
  const text = await r.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const tally = (histogram: string) => {
    const count = value(`${histogram}_count`);
    return Number.isNaN(count) ? null : { count, seconds: value(`${histogram}_sum`) };
  };
  return { flushes: tally('pennygate_sqlite_wal_flush_seconds'), qr: tally('pennygate_qr_render_seconds') };
}

interface Run { requests: number; seconds: number; p50: number; p99: number }

const dir = mkdtempSync(join(tmpdir(), 'pennygate-bench-'));
let runSeq = 0;

// wrk with a Lua script: every create gets its own verification_id; any non-2xx answer or socket
// error fails the bench rather than counting as a fast request.
function wrkRun(base: string, cs: Case, c: number): Run {
  const prefix = `b${process.pid}x${runSeq++}`;
  const lines = [
    `wrk.method = "${cs.method}"`,
    ...Object.entries(cs.headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`),
    'local n = 0',
  ];
  if (cs.body) {
    const [before, after] = cs.body(0).split('@N@');
    lines.push(
      'request = function()',
      '  n = n + 1',
      `  return wrk.format(nil, nil, nil, '${before}${prefix}-' .. n .. '${after}')`,
      'end',
    );
  } else if (cs.paths) {
    lines.push(
      `local paths = {${cs.paths.map((x) => `'${x}'`).join(',')}}`,
      'request = function()',
      '  n = n + 1',
      '  return wrk.format(nil, paths[(n % #paths) + 1])',
      'end',
    );
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  );
  const script = join(dir, `${prefix}.lua`);
  writeFileSync(script, lines.join('\n'));
  const out = execFileSync('wrk', ['-t1', `-c${c}`, `-d${SECONDS}s`, '--timeout', '10s', '-s', script, `${base}${cs.path}`], { encoding: 'utf8' });
  const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  if (!m) throw new Error(`wrk printed no result:\n${out}`);
  const [requests, durationUs, p50, p99, bad, errors] = m.slice(1).map(Number);
  if (bad > 0 || errors > 0) throw new Error(`${bad} non-2xx answers and ${errors} socket errors on ${cs.path}:\n${out}`);
  return { requests, seconds: durationUs / 1e6, p50: p50 / 1000, p99: p99 / 1000 };
}

async function nodeRun(base: string, cs: Case, c: number, n = N): Promise<Run> {
  let next = 0;
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        const r = await fetch(`${base}${pathOf(cs, i)}`, {
          method: cs.method,
          headers: cs.headers,
          body: cs.body?.(0).replace('@N@', `n${process.pid}x${runSeq}-${i}`),
        });
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        lat.push(performance.now() - s);
      }
    }),
  );
  runSeq++;
  lat.sort((a, b) => a - b);
  return { requests: n, seconds: (performance.now() - t0) / 1000, p50: lat[Math.floor(n * 0.5)], p99: lat[Math.floor(n * 0.99)] };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// LOG_LEVEL warn: no per-request log lines. SQLITE_SYNCHRONOUS passes through to compare modes.
const env = { LOG_LEVEL: 'warn', ...(process.env.SQLITE_SYNCHRONOUS ? { SQLITE_SYNCHRONOUS: process.env.SQLITE_SYNCHRONOUS } : {}) };
const baselineMain = values['baseline-commit'] ? buildCommit(values['baseline-commit']) : values.baseline;
if (values['baseline-postgres'] && values['baseline-postgres'] === (values.postgres ?? values['with-postgres'])) {
  throw new Error('--baseline-postgres needs a database of its own: two servers on one would share its jobs');
}
if (values.postgres && values['with-postgres']) throw new Error('--postgres runs this build on PostgreSQL only; --with-postgres on both stores: give one');
if (baselineMain && values.postgres && !values['baseline-postgres']) throw new Error('--baseline on PostgreSQL needs its own database: --baseline-postgres URL');
const gateways: Gateway[] = [];
let ceiling: ReturnType<typeof spawn> | undefined;
try {
  /** `db`: the CPU of its PostgreSQL cluster, when that runs on this host. */
  interface Server { pid: number; base: string; cases: Record<string, Case>; db?: () => number }
  const servers: Record<string, Server> = {};
  /** `databaseUrl`: the PostgreSQL it runs on, whose CPU is then counted too (if on this host). */
  const setUp = async (gw: Gateway, databaseUrl?: string) => {
    gateways.push(gw);
    const { cases, known, knownStatus } = await benchCases(gw);
    const db = databaseUrl ? ((await databaseCpu(databaseUrl)) ?? undefined) : undefined;
    const server: Server = { pid: gw.proc.pid!, base: gw.url, cases, db };
    return { server, known, knownStatus };
  };
  const fillBoth = Number(values.fill ?? 0);
  if (fillBoth > 0 && (values.postgres || values['baseline-postgres'] || values['with-postgres'])) throw new Error('--fill fills SQLite stores only');
  /** Stops `gw`, writes `n` verifications into its store and starts it again. */
  const filled = async (gw: Gateway, server: Server, n: number, which: string) => {
    await gw.stop();
    const t0 = performance.now();
    fillStore(join(gw.dataDir, SQLITE_FILE), n);
    console.log(`${which} store filled with ${n} verifications in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await gw.restart({}, 'SIGTERM');
    server.pid = gw.proc.pid!;
  };
  const mineGw = await Gateway.start({ main: values.main, databaseUrl: values.postgres, env });
  const mine = await setUp(mineGw, values.postgres);
  if (fillBoth > 0) await filled(mineGw, mine.server, fillBoth, 'this build\'s');
  servers.pennygate = mine.server;
  if (values['with-postgres']) {
    // Its cases (the status case's keys) are its own store's; the ceiling answers the SQLite
    // build's bodies, which have the same shape.
    const onPg = await setUp(await Gateway.start({ main: values.main, databaseUrl: values['with-postgres'], env }), values['with-postgres']);
    servers.postgres = onPg.server;
  }
  const fill = Number(values['baseline-fill'] ?? fillBoth);
  if (baselineMain || fill > 0) {
    const gw = await Gateway.start({ main: baselineMain ?? values.main, databaseUrl: values['baseline-postgres'], env });
    const base = await setUp(gw, values['baseline-postgres']);
    if (fill > 0) {
      if (values['baseline-postgres']) throw new Error('--baseline-fill fills a SQLite store only');
      await filled(gw, base.server, fill, 'baseline');
    }
    servers.baseline = base.server;
  }

  // The ceiling answers exactly this build's bodies.
  writeFileSync(join(dir, 'create.json'), JSON.stringify(mine.known));
  writeFileSync(join(dir, 'status.json'), JSON.stringify(mine.knownStatus));
  const ceilingPort = await freePort();
  ceiling = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ceiling-server.ts'), String(ceilingPort), join(dir, 'create.json'), join(dir, 'status.json')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    ceiling!.stdout!.on('data', (d) => String(d).includes('listening') && ok());
    ceiling!.once('exit', (code) => fail(new Error(`the ceiling server exited ${code}`)));
  });
  servers.ceiling = { pid: ceiling.pid!, base: `http://127.0.0.1:${ceilingPort}`, cases: mine.server.cases };
  for (const sv of Object.values(servers)) for (const name of CASES) await nodeRun(sv.base, sv.cases[name], 8, 300); // warm-up

  console.log(
    `client ${values.client}, store ${values.postgres ? 'postgres' : values['with-postgres'] ? 'sqlite (pennygate) and postgres' : 'sqlite'}, ${values.main ? `build ${values.main}` : 'this build'}` +
      (baselineMain || fill > 0 ? `, baseline ${values['baseline-commit'] ?? baselineMain ?? 'this build'}${fill > 0 ? ` holding ${fill} verifications` : ''}` : ''),
  );
  for (const c of LEVELS) {
    const cpu: Record<string, number[]> = {};
    const rate: Record<string, number[]> = {};
    const p50: Record<string, number[]> = {};
    const p99: Record<string, number[]> = {};
    const dbCpu: Record<string, number[]> = {};
    // A SQLite server's WAL flushes in the run: their mean time, and requests answered per flush;
    // and the mean time from asking for a create's QR code to its image.
    const flushMs: Record<string, number[]> = {};
    const perFlush: Record<string, number[]> = {};
    const qrMs: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const [server, sv] of Object.entries(servers)) {
        for (const name of CASES) {
          const k = `${server} ${name}`;
          // Creates only: other cases write nothing themselves (a flush then is a job's). Read
          // outside the CPU window: a scrape counts whole tables, which is not the run's work.
          const waitsBefore = server === 'ceiling' || name !== 'create' ? null : await waits(sv.base);
          const before = cpuMs(sv.pid);
          const dbBefore = sv.db?.() ?? 0;
          const run = values.client === 'wrk' ? wrkRun(sv.base, sv.cases[name], c) : await nodeRun(sv.base, sv.cases[name], c);
          (cpu[k] ??= []).push(((cpuMs(sv.pid) - before) * 1000) / run.requests);
          if (sv.db) (dbCpu[k] ??= []).push(((sv.db() - dbBefore) * 1000) / run.requests);
          const waitsAfter = waitsBefore && (await waits(sv.base));
          const [f0, f1] = [waitsBefore?.flushes, waitsAfter?.flushes];
          if (f0 && f1 && f1.count > f0.count) {
            const n = f1.count - f0.count;
            (flushMs[k] ??= []).push(((f1.seconds - f0.seconds) * 1000) / n);
            (perFlush[k] ??= []).push(run.requests / n);
          }
          const [q0, q1] = [waitsBefore?.qr, waitsAfter?.qr];
          if (q0 && q1 && q1.count > q0.count) (qrMs[k] ??= []).push(((q1.seconds - q0.seconds) * 1000) / (q1.count - q0.count));
          (rate[k] ??= []).push(run.requests / run.seconds);
          (p50[k] ??= []).push(run.p50);
          (p99[k] ??= []).push(run.p99);
        }
      }
    }
    const m = (x: Record<string, number[]>, k: string) => median(x[k]);
    console.log(`\nconcurrency ${c} (median of ${ROUNDS} rounds${values.client === 'wrk' ? ` of ${SECONDS} s` : ` of ${N}`}):`);
    console.log('  case      server        req/s  of ceiling    CPU/req   p50 / p99 ms');
    for (const name of CASES) {
      for (const server of Object.keys(servers)) {
        const k = `${server} ${name}`;
        console.log(
          `  ${name.padEnd(8)}  ${server.padEnd(10)} ${m(rate, k).toFixed(0).padStart(7)} ${(m(rate, k) / m(rate, `ceiling ${name}`)).toFixed(2).padStart(11)} ${m(cpu, k).toFixed(0).padStart(7)} us   ${m(p50, k).toFixed(1)} / ${m(p99, k).toFixed(1)}` +
            (dbCpu[k] ? `   + ${m(dbCpu, k).toFixed(0)} us in PostgreSQL` : '') +
            (flushMs[k] ? `   flushes of ${m(flushMs, k).toFixed(2)} ms, ${m(perFlush, k).toFixed(1)} requests each` : '') +
            (qrMs[k] ? `   QR codes in ${m(qrMs, k).toFixed(2)} ms` : ''),
        );
      }
    }
  }
  const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  console.log(`\nresident memory at the end: ${Object.entries(servers).map(([k, sv]) => `${k} ${rss(sv.pid).toFixed(0)} MiB`).join(', ')}`);
} finally {
  ceiling?.kill();
  await Promise.all(gateways.map((g) => g.stop()));
}
