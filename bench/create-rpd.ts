// CPU cost of creating a reverse penny drop, measured on the real server process and compared,
// in the same run, with two baselines on the same process: /healthz (the framework alone) and an
// authenticated status read (framework + auth + one indexed query).
//
//   npm run -s build && node --import tsx bench/create-rpd.ts [--requests 2000] [--rounds 5] [--concurrency 8]
//     [--main <another build's dist/src/main.js>]   (to compare two builds, run it on each in turn)
//
// Per-request CPU comes from the server's own utime+stime (/proc/<pid>/stat), so the client's
// work and the machine's noise from other processes do not count. Medians over rounds.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Gateway } from '../test/support/gateway.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '8' },
    postgres: { type: 'string' },
    main: { type: 'string' },
  },
});
const N = Number(values.requests);
const ROUNDS = Number(values.rounds);
const C = Number(values.concurrency);
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function load(make: (i: number) => Promise<Response>, n: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
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
try {
  const key = (await gw.merchant('Bench')).test_key;
  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'content-type': 'application/json' };
  const known = (await gw.cashfree(key).createRpd({ verification_id: 'bench-known' })).json;
  const pid = gw.proc.pid!;
  let seq = 0;
  const cases: Record<string, (i: number) => Promise<Response>> = {
    healthz: () => fetch(`${gw.url}/healthz`),
    status: () => fetch(`${gw.url}/verification/remitter/status?ref_id=${known.ref_id}`, { headers: auth }),
    create: () =>
      fetch(`${gw.url}/verification/reverse-penny-drop`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ verification_id: `bench-${process.pid}-${seq++}`, name: 'John Doe' }),
      }),
  };
  for (const make of Object.values(cases)) await load(make, 300); // warm-up: JIT, statement caches
  const per: Record<string, number[]> = { healthz: [], status: [], create: [] };
  const rate: Record<string, number[]> = { healthz: [], status: [], create: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, make] of Object.entries(cases)) {
      const before = cpuMs(pid);
      const t0 = performance.now();
      await load(make, N);
      const wall = performance.now() - t0;
      per[name].push(((cpuMs(pid) - before) * 1000) / N);
      rate[name].push(N / (wall / 1000));
    }
  }
  const m = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, median(v)]));
  console.log(`\nserver CPU per request (median of ${ROUNDS} rounds of ${N}, concurrency ${C}, store ${values.postgres ? 'postgres' : 'sqlite'}):`);
  for (const [k, v] of Object.entries(m)) {
    console.log(`  ${k.padEnd(8)} ${v.toFixed(0).padStart(6)} us   ${median(rate[k]).toFixed(0).padStart(6)} req/s   (rounds: ${per[k].map((x) => x.toFixed(0)).join(', ')} us)`);
  }
  console.log(`  create - healthz = ${(m.create - m.healthz).toFixed(0)} us beyond the framework`);
  console.log(`  create - status  = ${(m.create - m.status).toFixed(0)} us beyond an authenticated read`);
  console.log(`  ratio create/healthz = ${(m.create / m.healthz).toFixed(2)}`);
} finally {
  await gw.stop();
}
