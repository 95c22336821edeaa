// Creating a reverse penny drop and reading its status, measured on the real server process and
// compared, in the same run, with the framework's ceiling: a bare Fastify server of the bench's
// own (bench/ceiling-server.ts) that parses the same requests and answers the same bodies.
//
//   npm run -s build && node --import tsx bench/create-rpd.ts [--requests 2000] [--rounds 5] [--concurrency 8,64]
//     [--main <another build's dist/src/main.js>]   (to compare two builds, run it on each in turn)
//
// Per-request CPU comes from each server's own utime+stime (/proc/<pid>/stat), so the client's
// work does not count; throughput is requests per second of wall time with keep-alive clients.
// The two servers take turns, round by round, so drift of a shared machine hits both alike.
// Medians over rounds; the ratios are what to quote.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gateway, freePort } from '../test/support/gateway.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8,64' },
    postgres: { type: 'string' },
    main: { type: 'string' },
  },
});
const N = Number(values.requests);
const ROUNDS = Number(values.rounds);
const LEVELS = values.concurrency!.split(',').map(Number);
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function load(make: (i: number) => Promise<Response>, n: number, c: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const r = await make(next++);
        await r.arrayBuffer();
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
      }
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const gw = await Gateway.start({
  main: values.main,
  databaseUrl: values.postgres,
  // LOG_LEVEL warn: no per-request log lines. SQLITE_SYNCHRONOUS passes through to compare modes.
  env: { LOG_LEVEL: 'warn', ...(process.env.SQLITE_SYNCHRONOUS ? { SQLITE_SYNCHRONOUS: process.env.SQLITE_SYNCHRONOUS } : {}) },
});
let ceiling: ReturnType<typeof spawn> | undefined;
try {
  const key = (await gw.merchant('Bench')).test_key;
  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'content-type': 'application/json' };
  const known = (await gw.cashfree(key).createRpd({ verification_id: 'bench-known', name: 'John Doe' })).json;
  const knownStatus = (await gw.cashfree(key).status({ ref_id: String(known.ref_id) })).json;

  // The ceiling answers exactly these bodies.
  const dir = mkdtempSync(join(tmpdir(), 'pennygate-bench-'));
  writeFileSync(join(dir, 'create.json'), JSON.stringify(known));
  writeFileSync(join(dir, 'status.json'), JSON.stringify(knownStatus));
  const ceilingPort = await freePort();
  ceiling = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ceiling-server.ts'), String(ceilingPort), join(dir, 'create.json'), join(dir, 'status.json')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ok, fail) => {
    ceiling!.stdout!.on('data', (d) => String(d).includes('listening') && ok());
    ceiling!.once('exit', (code) => fail(new Error(`the ceiling server exited ${code}`)));
  });

  let seq = 0;
  const casesFor = (base: string): Record<string, () => Promise<Response>> => ({
    healthz: () => fetch(`${base}/healthz`),
    status: () => fetch(`${base}/verification/remitter/status?ref_id=${known.ref_id}`, { headers: auth }),
    create: () =>
      fetch(`${base}/verification/reverse-penny-drop`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ verification_id: `bench-${process.pid}-${seq++}`, name: 'John Doe' }),
      }),
  });
  const servers = { pennygate: { pid: gw.proc.pid!, cases: casesFor(gw.url) }, ceiling: { pid: ceiling.pid!, cases: casesFor(`http://127.0.0.1:${ceilingPort}`) } };
  for (const sv of Object.values(servers)) for (const make of Object.values(sv.cases)) await load(make, 300, 8); // warm-up

  for (const c of LEVELS) {
    const cpu: Record<string, number[]> = {};
    const rate: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const [server, sv] of Object.entries(servers)) {
        for (const [name, make] of Object.entries(sv.cases)) {
          const k = `${server} ${name}`;
          const before = cpuMs(sv.pid);
          const t0 = performance.now();
          await load(make, N, c);
          const wall = performance.now() - t0;
          (cpu[k] ??= []).push(((cpuMs(sv.pid) - before) * 1000) / N);
          (rate[k] ??= []).push(N / (wall / 1000));
        }
      }
    }
    const m = (x: Record<string, number[]>, k: string) => median(x[k]);
    console.log(`\nconcurrency ${c}, store ${values.postgres ? 'postgres' : 'sqlite'} (median of ${ROUNDS} rounds of ${N}):`);
    console.log('  case      pennygate req/s  ceiling req/s  ratio   pennygate CPU/req  ceiling CPU/req');
    for (const name of ['healthz', 'status', 'create']) {
      const p = m(rate, `pennygate ${name}`);
      const q = m(rate, `ceiling ${name}`);
      console.log(
        `  ${name.padEnd(8)} ${p.toFixed(0).padStart(15)} ${q.toFixed(0).padStart(14)} ${(p / q).toFixed(2).padStart(6)} ${m(cpu, `pennygate ${name}`).toFixed(0).padStart(15)} us ${m(cpu, `ceiling ${name}`).toFixed(0).padStart(13)} us`,
      );
    }
  }
} finally {
  ceiling?.kill();
  await gw.stop();
}
