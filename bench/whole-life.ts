// The whole life of reverse penny drops at a steady rate, on the real process: create, pay in
// the sandbox, verified, the rupee refunded, the merchant's webhook delivered to a real receiver
// in this process. Open loop: lives start on a clock whatever the server's answers take, so a
// server that falls behind shows as a growing lag, not as a politely slower client.
//
//   npm run -s build && node --import tsx bench/whole-life.ts [--rate 300] [--seconds 20] [--postgres URL] [--main <dist/src/main.js>] [--warmup 3]
//   (WEBHOOK_PER_MERCHANT=N in the environment passes through: one merchant takes all the load here)
//
// Prints the rate reached for each step, latency of create and of pay-to-webhook (p50/p99), how
// long the refunds took to settle after the last payment, and the server's CPU per life.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Gateway } from '../test/support/gateway.js';
import { Receiver } from '../test/support/receiver.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '20' },
    postgres: { type: 'string' },
    main: { type: 'string' }, // another build's dist/src/main.js
    warmup: { type: 'string', default: '3' }, // seconds of the same load first, left out of the figures
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);

const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(x[11]) + Number(x[12])) * 10;
};
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);

/** The server's /metrics text, or null when it cannot be read. */
async function scrape(base: string): Promise<string | null> {
  const r = await fetch(`${base}/metrics`).catch(() => null);
  return r?.ok ? r.text() : null;
}
// The server's own latency histogram of creates: a p99 that the client measures far above it is
// the client's lag (this process also pays, and receives every webhook), not the server's.
type Buckets = Map<number, number>; // upper bound (s) -> cumulative count
const CREATE_ROUTE = '/verification/reverse-penny-drop';
function createBuckets(metrics: string | null): Buckets | null {
  if (metrics === null) return null;
  const out: Buckets = new Map();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('pennygate_http_request_duration_seconds_bucket{') || !line.includes('method="POST"')) continue;
    if (!line.includes(`route="${CREATE_ROUTE}"`) || !line.includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(line)![1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}
// The server's event-loop delay since the scrape before (prom-client resets it at each, and
// samples it every 10 ms, so 10 ms is its floor): what a request waited before Fastify saw it.
function loopLag(metrics: string | null): string {
  // Builds before the standard names had them under pennygate_process_ (a baseline may be one).
  const gauge = (name: string) =>
    Number(new RegExp(`^(?:pennygate_process_)?${name} (\\S+)$`, 'm').exec(metrics ?? '')?.[1] ?? NaN) * 1000;
  const p99 = gauge('nodejs_eventloop_lag_p99_seconds');
  const max = gauge('nodejs_eventloop_lag_max_seconds');
  return `${p99.toFixed(1)} / ${max.toFixed(1)} ms`;
}
function bucketDiff(after: Buckets | null, before: Buckets | null): Buckets | null {
  if (!after || after.size === 0) return null;
  return new Map([...after].map(([le, n]) => [le, n - (before?.get(le) ?? 0)]));
}
/** The bucket holding quantile q, as "<= X ms" (or "> X ms" past the last bound). */
function bucketOf(b: Buckets, q: number): string {
  const total = b.get(Infinity) ?? 0;
  if (total === 0) return 'none counted';
  const finite = [...b.keys()].filter(Number.isFinite).sort((x, y) => x - y);
  for (const le of finite) if (b.get(le)! >= q * total) return `<= ${le * 1000} ms`;
  return `> ${finite.at(-1)! * 1000} ms`;
}

const receiver = await Receiver.start();
const gw = await Gateway.start({
  main: values.main,
  databaseUrl: values.postgres,
  env: {
    LOG_LEVEL: 'warn',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    REVERSAL_DELAY_SECONDS: '0',
    SANDBOX_WRITES_PER_MINUTE: String(RATE * 120), // the sandbox payer is this bench, not a stranger
    MAX_CONNECTIONS_PER_ADDRESS: '0', // every client here is one address; when the server lags, they open many connections
    // One merchant takes the whole load here, so its share of the webhook runner is what limits delivery.
    ...(process.env.WEBHOOK_PER_MERCHANT ? { WEBHOOK_PER_MERCHANT: process.env.WEBHOOK_PER_MERCHANT } : {}),
  },
});
try {
  const m = await gw.merchant('Whole life');
  await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });
  // The load itself goes through node:http on kept-alive sockets, not fetch: this client shares
  // the machine with the server, and fetch cost it about twice the CPU per request, which the
  // server's threads then waited for on a small machine.
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const { port } = new URL(gw.url);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; json: any }>((ok, fail) => {
      const data = JSON.stringify(body);
      const req = request(
        { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let json: any = null;
            try {
              json = JSON.parse(text);
            } catch {
              /* not JSON: the status says what went wrong */
            }
            ok({ status: res.statusCode!, json });
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(data);
    });
  const keyHeaders = { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret };

  const paidAt = new Map<string, number>();
  const life = async (vid: string, created: number[], failures: string[]) => {
    const t0 = performance.now();
    const c = await post('/verification/reverse-penny-drop', { verification_id: vid, name: 'John Doe' }, keyHeaders);
    if (c.status !== 200) return void failures.push(`create ${c.status}`);
    created.push(performance.now() - t0);
    const p = await post('/sandbox/upi/pay', { upi_link: c.json.upi_link, payer_vpa: 'success@upi' });
    if (p.status !== 200 || p.json.status !== 'SUCCESS') return void failures.push(`pay ${p.status} ${p.json?.status}`);
    paidAt.set(vid, Date.now());
  };
  /** `count` lives started on the clock at RATE; answers once every create and payment is answered. */
  const load = async (prefix: string, count: number) => {
    const created: number[] = [];
    const failures: string[] = [];
    const start = performance.now();
    const running: Promise<void>[] = [];
    let started = 0;
    await new Promise<void>((done) => {
      const tick = setInterval(() => {
        const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * RATE));
        while (started < due) running.push(life(`${prefix}-${started++}`, created, failures).catch((err) => void failures.push(String(err.cause?.code ?? err.message))));
        if (started >= count) {
          clearInterval(tick);
          done();
        }
      }, 5);
    });
    const startedIn = (performance.now() - start) / 1000;
    await Promise.all(running);
    return { created, failures, start, startedIn, answeredIn: (performance.now() - start) / 1000 };
  };
  // Every paid verification's SUCCESS webhook, then every refund settled. Each body is parsed
  // once: this process checks every 200 ms while the server still works through its jobs.
  const successes: { vid: string; at: number }[] = [];
  let parsed = 0;
  const delivered = () => {
    for (; parsed < receiver.received.length; parsed++) {
      const { body, at } = receiver.received[parsed];
      const b = JSON.parse(body);
      if (b.event_type === 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS') successes.push({ vid: b.data.verification_id, at });
    }
    return successes;
  };
  const settle = async (start: number) => {
    const deadline = Date.now() + 120_000;
    while (delivered().length < paidAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const webhooksIn = (performance.now() - start) / 1000;
    while ((await gw.admin('GET', '/refunds/outstanding')).json.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return { webhooksIn, settledIn: (performance.now() - start) / 1000 };
  };

  // A fresh process answers its first creates slowly (code not yet compiled, sockets being
  // opened, caches cold): a server in service is past that, so the figures below leave it out,
  // after one line of its own. Its webhooks and refunds settle before the measured load starts.
  let warm: Awaited<ReturnType<typeof load>> | null = null;
  if (WARMUP > 0) {
    warm = await load('warm', Math.round(RATE * WARMUP));
    await settle(warm.start);
  }

  // This scrape also starts the server's event-loop delay over (see loopLag).
  const metrics0 = await scrape(gw.url);
  const cpu0 = cpuMs(gw.proc.pid!);
  const clientCpu0 = process.cpuUsage();
  const clientLag = monitorEventLoopDelay({ resolution: 1 });
  clientLag.enable();
  const { created, failures, start, startedIn, answeredIn } = await load('life', RATE * SECONDS);
  const clientCpu = process.cpuUsage(clientCpu0);
  clientLag.disable();
  // Every create has been answered by now: one scrape gives their buckets and the load's delay.
  const metrics = await scrape(gw.url);
  const serverCreates = bucketDiff(createBuckets(metrics), createBuckets(metrics0));
  const { webhooksIn, settledIn } = await settle(start);
  const cpu = cpuMs(gw.proc.pid!) - cpu0;

  const measuredHooks = delivered().filter((h) => h.vid.startsWith('life-'));
  const hookLatency = measuredHooks.filter((h) => paidAt.has(h.vid)).map((h) => h.at - paidAt.get(h.vid)!);
  const lives = RATE * SECONDS;
  console.log(`store ${values.postgres ? 'postgres' : 'sqlite'}, target ${RATE} lives/s for ${SECONDS} s (${lives} lives)`);
  if (warm) {
    console.log(
      `  warm-up first (left out of every figure below): ${warm.created.length} lives in ${WARMUP} s, create p50 / p99 ${pct(warm.created, 0.5).toFixed(1)} / ${pct(warm.created, 0.99).toFixed(1)} ms, failures: ${warm.failures.length}`,
    );
  }
  console.log(`  started in ${startedIn.toFixed(1)} s; every create and payment answered by ${answeredIn.toFixed(1)} s (${(lives / answeredIn).toFixed(0)} lives/s)`);
  console.log(`  create p50 / p99: ${pct(created, 0.5).toFixed(1)} / ${pct(created, 0.99).toFixed(1)} ms`);
  if (serverCreates) {
    console.log(`  the same creates as the server timed them (Fastify's onRequest to onResponse; its histogram's buckets): p50 ${bucketOf(serverCreates, 0.5)}, p99 ${bucketOf(serverCreates, 0.99)}`);
  }
  console.log(`  the server's event-loop delay during the load, p99 / max: ${loopLag(metrics)} (sampled every 10 ms)`);
  const measured = [...paidAt.keys()].filter((v) => v.startsWith('life-')).length;
  console.log(`  SUCCESS webhooks: ${measuredHooks.length} of ${measured} by ${webhooksIn.toFixed(1)} s; payment to webhook p50 / p99: ${pct(hookLatency, 0.5)} / ${pct(hookLatency, 0.99)} ms`);
  console.log(`  refunds outstanding 0 by ${settledIn.toFixed(1)} s (the last payment was answered at ${answeredIn.toFixed(1)} s)`);
  console.log(`  failures: ${failures.length}${failures.length ? ` (${[...new Set(failures)].join(', ')})` : ''}`);
  console.log(`  server CPU per life: ${((cpu * 1000) / lives).toFixed(0)} us (create, pay, verify, refund, webhook)`);
  // On the same machine, the client takes cores from the server: its share says how far the figures above understate a server alone.
  console.log(`  this client's own event-loop delay p99 / max: ${(clientLag.percentile(99) / 1e6).toFixed(1)} / ${(clientLag.max / 1e6).toFixed(1)} ms (a create's time includes it)`);
  console.log(`  this client's CPU per life while it paid: ${((clientCpu.user + clientCpu.system) / lives).toFixed(0)} us (the load, and the webhooks it received meanwhile)`);
} finally {
  await gw.stop();
  await receiver.close();
}
