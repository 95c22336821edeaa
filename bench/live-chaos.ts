// Crashes and a misbehaving bank, in live mode. The gateway runs against `pennygate bank-simulator`
// (its ledger is the truth about money), N instances on one store, while:
//   - clients create reverse penny drops with a live key (Cashfree and RazorpayX dialects) and pay
//     them at the simulator from its payer directory (once, twice, a wrong amount, declined,
//     declined then paid, after the link expired, or never), and run mobile penny drops;
//   - instances are SIGKILLed at random times and started again after a random pause;
//   - the simulator's faults change every few seconds (notifications duplicated, dropped or
//     delayed, refund answers lost, refunds declined, status lag, requests held, payouts answered
//     pending, UTRs reused, the bank down), and two small proxies misbehave too: one in front of
//     the instances spreads the bank's notifications over them, loses some answers and replays
//     some deliveries (each must be refused as a replay); one in front of the bank refuses, holds
//     or loses the answer to some connector calls.
// Then the faults stop, the run waits for quiescence, and the money is checked against the bank:
//   - every credit the bank took was refunded exactly once, of its amount (no refund of anything
//     else), and the gateway owes nothing, has nothing in review, no dead job, nothing set aside;
//   - every mobile penny drop: at most one payout reference and one payout; answered VALID, paid
//     out once with that UTR; what the gateway reads back agrees with the bank's payouts; and no
//     payout went to an account no drop of this run was for;
//   - reconciliation over the run is clean;
//   - every create answered 200 is there; a link paid in time reads SUCCESS with one of its
//     credits' UTRs, one only declined reads FAILURE, one paid only after it expired is not SUCCESS;
//   - no replayed notification was taken, no 5xx answer (but a mobile drop's documented 502 for
//     an outcome not known yet), every restart started, no instance exited but by a kill.
//
//   npm run -s build && node --import tsx bench/live-chaos.ts [--store sqlite|postgres] [--instances 2]
//     [--seconds 60] [--kills 6] [--concurrency 4] [--seed N] [--no-faults] [--settle 180] [--log-level warn] [--keep]
//
// SQLite runs one instance. PostgreSQL gets a fresh database (TEST_DATABASE_URL as the tests, the
// server at postgres://postgres@127.0.0.1:5432/postgres by default), dropped after a clean run.
// The seed fixes the plan (kill times, targets and pauses, fault phases) and every client's and
// proxy's draws; the timing of a run on a shared machine is not reproducible, nor are the
// simulator's own random faults. On a broken rule the logs, the bank's ledger and the run's
// records are written to a directory (printed), the database kept, and the exit code is 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN, Gateway, freshPostgres, sleep } from '../test/support/gateway.js';
import { LIVE_PAYEE_VPA, connectorEnv } from '../test/support/live.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    instances: { type: 'string' },
    seconds: { type: 'string', default: '60' },
    kills: { type: 'string', default: '6' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string' },
    'no-faults': { type: 'boolean', default: false },
    settle: { type: 'string', default: '180' },
    'log-level': { type: 'string', default: 'warn' },
    keep: { type: 'boolean', default: false },
  },
});
if (values.store !== 'sqlite' && values.store !== 'postgres') {
  console.error('--store is sqlite or postgres');
  process.exit(2);
}
const PG = values.store === 'postgres';
const N = PG ? Number(values.instances ?? 2) : 1;
if (!PG && values.instances && values.instances !== '1') console.error('sqlite runs one instance (one writer): --instances ignored');
const SECONDS = Number(values.seconds);
const KILLS = Number(values.kills);
const C = Number(values.concurrency);
const SEED = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const FAULTS = !values['no-faults'];
const SETTLE_MS = Number(values.settle) * 1000;

const SECRET = 'live-chaos-shared-secret-0123456789';
const BIN = join(import.meta.dirname, '..', 'bin', 'pennygate.mjs');
const TTL_S = 15;
const GRACE_S = 10;
// A late payment comes this long after its create: past valid_upto and the notification grace.
const LATE_MS = (TTL_S + GRACE_S + 3) * 1000;

const env: Record<string, string> = {
  LOG_LEVEL: values['log-level']!,
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  RPD_LINK_TTL_SECONDS: String(TTL_S),
  NOTIFICATION_GRACE_SECONDS: String(GRACE_S),
  // Every instance pulls each second: a notification the bank dropped, or sent to an instance
  // being killed, is found within a second or two.
  BANK_PULL_INTERVAL_MS: '1000',
  // A second's wait before each refund, as a live deployment has one (shorter: the run settles).
  REVERSAL_DELAY_SECONDS: '1',
  // Unknown outcomes are settled in seconds, not minutes: a refund or payout the bank has not
  // shown 8 s after it was sent is taken as never received. That must outlast the longest a
  // request can be held on its way (2.8 s by the proxy, 2.5 s more by the simulator) plus the
  // status lag (1.5 s): a bank that took the request and still answers 404 past it is read as
  // not having it, and the next attempt goes (refused as exceeds_credit: set aside for review).
  RAIL_TIMEOUT_MS: '2000',
  MOBILE_RAIL_TIMEOUT_MS: '2000',
  REFUND_NOT_FOUND_GRACE_MS: '8000',
  REFUND_POLL_CAP_MS: '1000',
  MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '8000',
};

// ------------------------------------------------------------------ seeded draws

/** mulberry32: a small PRNG, one stream per user so that their draws do not interleave. */
function stream(n: number) {
  let a = (SEED + Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}
type Stream = ReturnType<typeof stream>;

// ------------------------------------------------------------------ bookkeeping

const broken: string[] = [];
const counts = {
  cutOff: 0,
  serverErrors: 0,
  unavailable502: 0,
  front: { forwarded: 0, noInstance: 0, answerLost: 0, replays: 0, replaysRefused: 0, replaysTaken: 0, replaysOther: 0 },
  bank: { forwarded: 0, refused: 0, held: 0, answerLost: 0 },
  phases: {} as Record<string, number>,
  kills: 0,
};
const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

// ------------------------------------------------------------------ proxies

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends the request on to `base` unchanged (the signatures cover method, path and bytes). */
function forward(base: string, method: string, path: string, headers: IncomingMessage['headers'], body: Buffer) {
  const u = new URL(base);
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
    const r = httpRequest(
      { host: u.hostname, port: u.port, method, path, headers: { ...headers, host: u.host, 'content-length': String(body.length) }, timeout: 15_000 },
      (res) => readBody(res).then((b) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }), reject),
    );
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end(body);
  });
}

function answer(res: ServerResponse, a: { status: number; headers: IncomingMessage['headers']; body: Buffer }) {
  res.writeHead(a.status, { 'content-type': String(a.headers['content-type'] ?? 'application/json'), 'content-length': String(a.body.length) });
  res.end(a.body);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) =>
    void handler(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'proxy_error', message: String((err as Error).message) } }));
      } else res.destroy();
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

/** Whether the proxies misbehave (off for the settle and the checks). */
let proxiesMisbehave = FAULTS;

// ------------------------------------------------------------------ the run

const startedAt = Date.now();
const logDir = () => (savedLogs ??= mkdtempSync(join(tmpdir(), `pennygate-live-chaos-${SEED}-`)));
let savedLogs: string | undefined;
let db: { url: string; drop: () => Promise<void> } | undefined;
const gws: Gateway[] = [];
const up: boolean[] = [];
const ours: boolean[] = [];
let sim: ChildProcess | undefined;
let simOutput = '';
let simUrl = '';
let frontServer: Server | undefined;
let bankServer: Server | undefined;

type Link = {
  n: number;
  dialect: 'cashfree' | 'razorpayx';
  id: string; // verification_id (Cashfree) or the validation's id (RazorpayX)
  refId: string;
  kind: 'once' | 'twice' | 'wrong_amount' | 'declined' | 'declined_then_paid' | 'late' | 'unpaid';
  payments: { utr: string; bank_txn_id: string; status: string; payer: string; amount_paise: number }[];
};
type Drop = { vid: string; mobile: string; vpa: string | null; answered: number | null; code: string | null; utr: string | null };
const links: Link[] = [];
const drops: Drop[] = [];
const replayLog: { bank_txn_id: string; first: number; replay: number | null; code: string | null }[] = [];

try {
  if (PG) db = await freshPostgres();

  // The front: the bank's notifications to one of the instances that are up.
  const frontRng = stream(1001);
  const front = await listen(async (req, res) => {
    const body = await readBody(req);
    const live = gws.filter((_, i) => up[i]);
    if (live.length === 0) {
      counts.front.noInstance++;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"no_instance","message":"no instance is up"}}');
      return;
    }
    const target = frontRng.pick(live);
    const lose = proxiesMisbehave && frontRng.next() < 0.05;
    const replay = proxiesMisbehave && frontRng.next() < 0.08;
    const a = await forward(target.url, req.method!, req.url!, req.headers, body);
    counts.front.forwarded++;
    // The same signed bytes again, to any instance: a capture played back, to be refused.
    if (replay && a.status === 200) {
      counts.front.replays++;
      const again = frontRng.pick(gws.filter((_, i) => up[i]).concat(target));
      const r = await forward(again.url, req.method!, req.url!, req.headers, body).catch(() => null);
      let code: string | null = null;
      try {
        code = r ? JSON.parse(r.body.toString()).error?.code ?? null : null;
      } catch {
        /* not JSON */
      }
      if (r?.status === 401 && code === 'replayed') counts.front.replaysRefused++;
      else if (r && r.status >= 200 && r.status < 300) counts.front.replaysTaken++;
      else counts.front.replaysOther++;
      let txn = '?';
      try {
        txn = JSON.parse(body.toString()).bank_txn_id;
      } catch {
        /* not JSON */
      }
      replayLog.push({ bank_txn_id: txn, first: a.status, replay: r?.status ?? null, code });
    }
    if (lose) {
      // Taken by the gateway, but the bank never hears so.
      counts.front.answerLost++;
      req.socket.destroy();
      return;
    }
    answer(res, a);
  });
  frontServer = front.server;

  // The simulator, notifying through the front.
  {
    const { PATH, HOME } = process.env;
    // The secret in the environment, never on a command line.
    const p = spawn(process.execPath, [BIN, 'bank-simulator', '--port', '0', '--gateway', front.url], {
      // The bank credits only its collection VPA: the one the gateway's links are made out to.
      env: { PATH, HOME, BANK_CONNECTOR_SECRET: SECRET, SIMULATOR_REFUND_SETTLE_MS: '300', LIVE_PAYEE_VPA },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sim = p;
    p.stdout!.on('data', (d) => (simOutput += d));
    p.stderr!.on('data', (d) => (simOutput += d));
    const deadline = performance.now() + 30_000;
    for (;;) {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(simOutput);
      if (m) {
        simUrl = m[1];
        break;
      }
      if (p.exitCode !== null || performance.now() > deadline) throw new Error(`the bank simulator did not start:\n${simOutput}`);
      await sleep(50);
    }
  }

  // In front of the bank: connector calls refused (nothing sent on), held, or their answers lost.
  const bankRng = stream(1002);
  const bank = await listen(async (req, res) => {
    const body = await readBody(req);
    const misbehave = proxiesMisbehave && req.url !== '/v1/statement' && !req.url!.startsWith('/v1/statement?');
    const r = bankRng.next();
    if (misbehave && r < 0.03) {
      counts.bank.refused++;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable","message":"the proxy refused it"}}');
      return;
    }
    if (misbehave && r < 0.06) {
      counts.bank.held++;
      await sleep(200 + bankRng.int(2600));
    }
    const lose = misbehave && req.method === 'POST' && r >= 0.06 && r < 0.1;
    const a = await forward(simUrl, req.method!, req.url!, req.headers, body);
    counts.bank.forwarded++;
    if (lose) {
      counts.bank.answerLost++;
      req.socket.destroy();
      return;
    }
    answer(res, a);
  });
  bankServer = bank.server;

  const simCall = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(simUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
  };
  const setFaults = async (f: Record<string, unknown>) => {
    const r = await simCall('POST', '/simulator/faults', f);
    if (r.status !== 200) throw new Error(`faults ${JSON.stringify(f)}: ${r.status} ${JSON.stringify(r.json)}`);
  };

  const gwEnv = { ...env, ...connectorEnv(bank.url, SECRET) };
  for (let i = 0; i < N; i++) {
    gws.push(await Gateway.start({ databaseUrl: db?.url, env: gwEnv }));
    up.push(true);
    ours.push(false);
  }
  const watch = (i: number) => {
    const p = gws[i].proc;
    p.once('exit', (code, signal) => {
      if (ours[i] || gws[i].proc !== p) return;
      up[i] = false;
      broken.push(`instance ${i} exited on its own (${signal ?? `exit code ${code}`}): ${gws[i].output.slice(-1000)}`);
    });
  };
  gws.forEach((_, i) => watch(i));

  const m = await gws[0].merchant('Live Chaos');
  const live = (m as unknown as { live_key: { client_id: string; client_secret: string } }).live_key;
  if (!live) throw new Error('the merchant has no live key: is live mode on?');
  const cfHeaders = { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret };
  const mobileHeaders = { ...cfHeaders, 'x-api-version': '2024-12-01' };
  const rzpHeaders = { authorization: 'Basic ' + Buffer.from(`${live.client_id}:${live.client_secret}`).toString('base64') };

  let stop = false;
  const anyUp = async (rng: Stream) => {
    for (;;) {
      const l = gws.filter((_, i) => up[i]);
      if (l.length) return rng.pick(l);
      if (stop) return null;
      await sleep(20);
    }
  };
  /** One request through some instance: its answer, or null when none came (a kill, or none was up). */
  const call = async (rng: Stream, method: string, path: string, o: { headers?: Record<string, string>; body?: unknown } = {}) => {
    const gw = await anyUp(rng);
    if (!gw) return null;
    try {
      const r = await gw.request(method, path, o);
      if (r.status === 502 && r.json?.code === 'verification_failed') counts.unavailable502++;
      else if (r.status >= 500) {
        counts.serverErrors++;
        broken.push(`a ${r.status} answer to ${method} ${path}: ${r.text.slice(0, 300)}`);
      }
      return r;
    } catch {
      counts.cutOff++;
      return null;
    }
  };

  const PAYERS = ['success@upi', 'priya.sharma@okaxis', 'rkumar.trading@okicici', 'mohd.irfan@ybl', 'lakshmi.n@okhdfcbank'];
  const payer = (rng: Stream) => (rng.next() < 0.5 ? rng.pick(PAYERS) : `payer${50_001 + rng.int(50_000)}@sandbox`);
  const pay = async (l: Link, upiLink: string, payerVpa: string, amount_paise?: number) => {
    const r = await simCall('POST', '/simulator/pay', { upi_link: upiLink, payer_vpa: payerVpa, amount_paise });
    if (r.status !== 200) throw new Error(`the simulator refused a payment: ${r.status} ${JSON.stringify(r.json)}`);
    l.payments.push({ ...r.json, payer: payerVpa, amount_paise: amount_paise ?? 100 });
  };
  const latePayments: Promise<void>[] = [];

  const t0 = Date.now();
  const loadEnd = t0 + SECONDS * 1000;
  let n = 0;
  const rpd = async (rng: Stream) => {
    const k = n++;
    const dialect = rng.next() < 0.25 ? 'razorpayx' : 'cashfree';
    let upiLink: string;
    let id: string;
    if (dialect === 'cashfree') {
      id = `lc-${SEED}-${k}`;
      const r = await call(rng, 'POST', '/verification/reverse-penny-drop', { headers: cfHeaders, body: { verification_id: id, name: 'John Doe' } });
      if (r?.status !== 200) return;
      upiLink = r.json.upi_link;
    } else {
      const r = await call(rng, 'POST', '/v1/fund_accounts/validations', {
        headers: rzpHeaders,
        body: { source_account_number: m.account_number, validation_type: 'upi_intent', reference_id: `lc-${SEED}-${k}` },
      });
      if (r?.status !== 200) return;
      id = r.json.id;
      upiLink = r.json.upi_intent.intent_url;
    }
    const refId = new URL(upiLink.replace(/^upi:/, 'http:')).searchParams.get('tr')!;
    const x = rng.next();
    // Late payments only where the run lasts long enough to make them.
    const kind: Link['kind'] =
      x < 0.6 ? 'once' : x < 0.72 ? 'twice' : x < 0.77 ? 'wrong_amount' : x < 0.83 ? 'declined' : x < 0.88 ? 'declined_then_paid' : x < 0.94 ? (Date.now() + LATE_MS < loadEnd + 10_000 ? 'late' : 'once') : 'unpaid';
    const l: Link = { n: k, dialect, id, refId, kind, payments: [] };
    links.push(l);
    const p = payer(rng);
    switch (kind) {
      case 'once':
        return pay(l, upiLink, p);
      case 'twice':
        await pay(l, upiLink, p);
        return pay(l, upiLink, payer(rng));
      case 'wrong_amount':
        return pay(l, upiLink, p, rng.pick([50, 200, 10_000]));
      case 'declined':
        return pay(l, upiLink, 'failure@upi');
      case 'declined_then_paid':
        await pay(l, upiLink, 'failure@upi');
        return pay(l, upiLink, p);
      case 'late':
        latePayments.push(sleep(LATE_MS).then(() => pay(l, upiLink, p)));
        return;
      case 'unpaid':
        return;
    }
  };
  let numbers = 0;
  const mobile = async (rng: Stream) => {
    const x = rng.next();
    // Mostly a number of its own (payer<n>@sandbox, n up to 50000); some whose account is closed
    // (the payout fails: INVALID), some with no VPA (nothing paid).
    let mobileNumber: string;
    let vpa: string | null;
    if (x < 0.9 && numbers < 50_000) {
      const k = ++numbers;
      mobileNumber = String(9_000_000_000 + k);
      vpa = `payer${k}@sandbox`;
    } else if (x < 0.95) [mobileNumber, vpa] = ['9333333333', 'closed.account@upi'];
    else [mobileNumber, vpa] = ['8888888888', null];
    const vid = `lcm-${SEED}-${drops.length}`;
    const d: Drop = { vid, mobile: mobileNumber, vpa, answered: null, code: null, utr: null };
    drops.push(d);
    const r = await call(rng, 'POST', '/verification/mobile/penny-drop', {
      headers: mobileHeaders,
      body: {
        verification_id: vid,
        mobile_number: mobileNumber,
        user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Checking the account behind a number' },
      },
    });
    if (!r) return;
    d.answered = r.status;
    d.code = r.status === 200 ? r.json.status : (r.json?.code ?? null);
    d.utr = r.status === 200 && r.json.status === 'VALID' ? r.json.utr : null;
  };
  const client = async (c: number) => {
    const rng = stream(c);
    while (!stop) {
      try {
        if (rng.next() < 0.3) await mobile(rng);
        else await rpd(rng);
      } catch (err) {
        broken.push(`client ${c}: ${(err as Error).message.slice(0, 500)}`);
        await sleep(200);
      }
    }
  };

  // The kills: times, targets and pauses drawn up front.
  const killRng = stream(1003);
  const plan = Array.from({ length: KILLS }, () => ({ at: t0 + (0.05 + 0.8 * killRng.next()) * SECONDS * 1000, target: killRng.int(N), pauseMs: killRng.int(3000) })).sort(
    (a, b) => a.at - b.at,
  );
  const restarts: Promise<void>[] = [];
  const restart = async (i: number, pauseMs: number) => {
    await sleep(pauseMs);
    try {
      // On another port if another process took this one meanwhile (the front finds it by its
      // new address).
      gws[i] = await gws[i].restartAnywhere();
    } catch (err) {
      broken.push(`instance ${i} did not start again: ${(err as Error).message.slice(0, 500)}`);
      return;
    }
    ours[i] = false;
    watch(i);
    up[i] = true;
  };
  const killer = async () => {
    for (const k of plan) {
      await sleep(k.at - Date.now());
      // The planned target, or the next one up; when none is (all killed at once, or the one
      // SQLite instance still starting), the first to come back.
      const pickUp = () => [...Array(N).keys()].map((j) => (k.target + j) % N).find((j) => up[j]);
      let i = pickUp();
      while (i === undefined && !broken.some((b) => b.includes('did not start again'))) {
        await sleep(50);
        i = pickUp();
      }
      if (i === undefined) return;
      up[i] = false;
      ours[i] = true;
      await gws[i].kill();
      counts.kills++;
      restarts.push(restart(i, k.pauseMs));
    }
  };

  // The simulator's faults, phase by phase.
  const faultRng = stream(1004);
  const BASE = { notify_drop: 0.1, status_lag_ms: 300, refund_answer_lost: 0.05, refund_decline: 0.05 };
  const PHASES: [string, Record<string, unknown>, number][] = [
    ['calm', {}, 5000],
    ['notify_duplicates', { notify_duplicates: 2 }, 5000],
    ['notify_delay', { notify_delay_ms: 1500 }, 5000],
    ['notify_drop_half', { notify_drop: 0.5 }, 5000],
    ['refund_answer_lost', { refund_answer_lost: 0.4 }, 5000],
    ['refund_decline', { refund_decline: 0.4 }, 5000],
    ['refund_delay', { refund_delay_ms: 2500 }, 4000],
    ['payout_delay', { payout_delay_ms: 2500 }, 4000],
    ['payout_pending', { payout_pending: 3 }, 5000],
    ['status_lag', { status_lag_ms: 1500 }, 5000],
    ['reuse_utr', { reuse_utr: true }, 4000],
    ['bank_down', { down: true }, 2500],
  ];
  const phaser = async () => {
    if (!FAULTS) return;
    while (!stop) {
      const [name, f, ms] = faultRng.pick(PHASES);
      bump(counts.phases, name);
      await setFaults({});
      await setFaults({ ...BASE, ...f });
      const until = Date.now() + ms;
      while (!stop && Date.now() < until) await sleep(100);
    }
  };

  const clients = Array.from({ length: C }, (_, c) => client(c));
  const phasing = phaser();
  await Promise.all([sleep(SECONDS * 1000), killer()]);
  stop = true;
  await Promise.all([...clients, phasing]);
  const loadSeconds = (Date.now() - t0) / 1000;
  await Promise.all(restarts);
  await Promise.all(latePayments);
  const loadAndLate = (Date.now() - t0) / 1000;

  // ---------------------------------------------------------------- quiescence
  await setFaults({});
  proxiesMisbehave = false;
  const down = gws.flatMap((_, i) => (up[i] ? [] : [i]));
  if (down.length) throw new Error(`instance ${down.join(', ')} did not come back: nothing to check`);
  const gw = gws[0];
  const admin = async (path: string) => {
    const r = await gw.admin('GET', path);
    if (r.status !== 200) throw new Error(`GET /admin${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  type Ledger = {
    credits: { bank_txn_id: string; utr: string; tr: string | null; amount_paise: number; payer_vpa: string; status: string }[];
    refunds: { reference: string; bank_txn_id: string; attempt: number | null; amount_paise: number; status: string; reason: string | null }[];
    payouts: { reference: string; vpa: string; amount_paise: number; status: string; utr: string | null }[];
    notifications: { bank_txn_id: string; status: number | null }[];
  };
  const ledger = async () => (await simCall('GET', '/simulator/ledger')).json as Ledger;
  /** Credits the bank took whose rupee has not come back, or not once: what the settle waits for. */
  const unsettledCredits = (l: Ledger) =>
    l.credits.filter((c) => {
      if (c.status !== 'credited') return false;
      const through = l.refunds.filter((r) => r.bank_txn_id === c.bank_txn_id && r.status !== 'failed');
      return !(through.length === 1 && through[0].status === 'success');
    });
  const dropOutcome = (d: Drop) => gw.request('GET', `/verification/mobile/penny-drop?verification_id=${d.vid}`, { headers: mobileHeaders });
  const inFlight = new Set(drops);
  const settleBy = Date.now() + SETTLE_MS;
  let quiet = 0;
  let last = { credits: -1, owed: -1, drops: -1 };
  while (Date.now() < settleBy) {
    for (const d of [...inFlight]) {
      const r = await dropOutcome(d);
      if (!(r.status === 422 && r.json?.code === 'verification_already_under_process')) inFlight.delete(d);
    }
    const l = await ledger();
    const owed = (await admin('/refunds/outstanding')).count as number;
    // A refund set aside for review waits for the operator: no use waiting for it (it is reported below).
    const inReview = (await admin('/refunds/review')).count as number;
    last = { credits: unsettledCredits(l).length, owed, drops: inFlight.size };
    // Twice in a row, a second apart: a refund the gateway is about to send shows as owed.
    quiet = last.credits === 0 && last.owed === inReview && last.drops === 0 ? quiet + 1 : 0;
    if (quiet >= 2) break;
    await sleep(1000);
  }
  const settleSeconds = (Date.now() - t0) / 1000 - loadAndLate;
  if (quiet < 2) broken.push(`not quiet after ${SETTLE_MS / 1000} s: ${last.credits} credits not refunded once at the bank, ${last.owed} owed by the gateway, ${last.drops} mobile drops in flight`);

  // ---------------------------------------------------------------- the money against the bank
  const l = await ledger();
  const credits = l.credits.filter((c) => c.status === 'credited');
  const byTxn = new Map(credits.map((c) => [c.bank_txn_id, c]));
  const examples = (xs: string[]) => (xs.length ? `, e.g. ${xs.slice(0, 3).join('; ')}` : '');
  const unrefunded: string[] = [];
  const twice: string[] = [];
  const wrongAmount: string[] = [];
  for (const c of credits) {
    const rs = l.refunds.filter((r) => r.bank_txn_id === c.bank_txn_id && r.status !== 'failed');
    const show = () => `${c.bank_txn_id} (tr ${c.tr}, ${c.amount_paise} paise): ${JSON.stringify(l.refunds.filter((r) => r.bank_txn_id === c.bank_txn_id))}`;
    if (!rs.some((r) => r.status === 'success')) unrefunded.push(show());
    if (rs.length > 1) twice.push(show());
    if (rs.some((r) => r.amount_paise !== c.amount_paise)) wrongAmount.push(show());
  }
  const refundOfNothing = l.refunds.filter((r) => r.status !== 'failed' && !byTxn.has(r.bank_txn_id)).map((r) => JSON.stringify(r));
  if (unrefunded.length) broken.push(`${unrefunded.length} credits never refunded${examples(unrefunded)}`);
  if (twice.length) broken.push(`${twice.length} credits refunded more than once${examples(twice)}`);
  if (wrongAmount.length) broken.push(`${wrongAmount.length} credits refunded another amount${examples(wrongAmount)}`);
  if (refundOfNothing.length) broken.push(`${refundOfNothing.length} refunds of no credit${examples(refundOfNothing)}`);
  // Every payment the bank answered SUCCESS is a credit in its ledger (the harness's own sanity).
  const notAtBank = links.flatMap((x) => x.payments).filter((p) => p.status === 'SUCCESS' && !byTxn.has(p.bank_txn_id));
  if (notAtBank.length) broken.push(`${notAtBank.length} payments answered SUCCESS missing from the bank's ledger (harness)`);

  const owed = await admin('/refunds/outstanding');
  const review = await admin('/refunds/review');
  const dead = await admin('/jobs/dead');
  const setAside = await admin('/bank/set-aside');
  if (owed.count) broken.push(`the gateway still owes ${owed.count} refunds: ${JSON.stringify(owed.items.slice(0, 3))}`);
  if (review.count) broken.push(`${review.count} refunds in review: ${JSON.stringify(review.items.slice(0, 3))}`);
  if (dead.count) broken.push(`${dead.count} dead jobs: ${JSON.stringify(dead.items.slice(0, 3))}`);
  if (setAside.count) broken.push(`${setAside.count} credit listings set aside: ${JSON.stringify(setAside.items.slice(0, 3))}`);

  // Mobile penny drops against the bank's payouts. Each drop to a number of its own has a VPA no
  // other drop pays; the shared ones (closed account, no VPA) must never be paid.
  const payoutsTo = new Map<string, Ledger['payouts']>();
  for (const p of l.payouts) payoutsTo.set(p.vpa, [...(payoutsTo.get(p.vpa) ?? []), p]);
  const ownVpas = new Set(drops.filter((d) => d.vpa && d.mobile !== '9333333333').map((d) => d.vpa!));
  const strayPayouts = l.payouts.filter((p) => p.status === 'success' && !ownVpas.has(p.vpa)).map((p) => JSON.stringify(p));
  if (strayPayouts.length) broken.push(`${strayPayouts.length} payouts no drop of this run asked for (or to a closed account)${examples(strayPayouts)}`);
  const twoReferences: string[] = [];
  const paidTwice: string[] = [];
  const validUnpaid: string[] = [];
  const disagree: string[] = [];
  const outcomes: Record<string, number> = {};
  for (const d of drops) {
    if (!d.vpa || d.mobile === '9333333333') {
      const r = await dropOutcome(d);
      bump(outcomes, `${r.status} ${r.status === 200 ? r.json.status : r.json?.code}`);
      if (r.status === 200 && r.json.status === 'VALID') disagree.push(`${d.vid} (${d.mobile}) reads VALID: ${r.text.slice(0, 200)}`);
      continue;
    }
    const out = payoutsTo.get(d.vpa) ?? [];
    const paid = out.filter((p) => p.status === 'success');
    if (new Set(out.map((p) => p.reference)).size > 1) twoReferences.push(`${d.vid}: ${JSON.stringify(out)}`);
    if (paid.length > 1) paidTwice.push(`${d.vid}: ${JSON.stringify(out)}`);
    if (d.utr !== null && (paid.length !== 1 || paid[0].utr !== d.utr)) validUnpaid.push(`${d.vid} answered VALID with ${d.utr}: ${JSON.stringify(out)}`);
    const r = await dropOutcome(d);
    const what = `${r.status} ${r.status === 200 ? r.json.status : r.json?.code}`;
    bump(outcomes, what);
    let agrees: boolean;
    if (r.status === 200 && r.json.status === 'VALID') agrees = paid.length === 1 && paid[0].utr === r.json.utr;
    else if (r.status === 422 && r.json?.code === 'verification_already_under_process') agrees = false; // still in flight after the settle
    // INVALID, never recorded (the kill came first), refused, or closed as not sent.
    else if ([200, 400, 422, 502].includes(r.status)) agrees = paid.length === 0;
    else agrees = false;
    if (!agrees) disagree.push(`${d.vid} (answered ${d.answered ?? 'nothing'}) reads ${what} against payouts ${JSON.stringify(out)}`);
  }
  if (twoReferences.length) broken.push(`${twoReferences.length} mobile drops with more than one payout reference${examples(twoReferences)}`);
  if (paidTwice.length) broken.push(`${paidTwice.length} mobile drops paid out more than once${examples(paidTwice)}`);
  if (validUnpaid.length) broken.push(`${validUnpaid.length} mobile drops answered VALID without that one payout${examples(validUnpaid)}`);
  if (disagree.length) broken.push(`${disagree.length} mobile drops whose outcome disagrees with the bank's payouts${examples(disagree)}`);

  // Reconciliation over the whole run (the bank's clock is this machine's).
  const rec = await gw.admin('GET', `/reconciliation?from=${new Date(startedAt - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`);
  if (rec.status !== 200) broken.push(`reconciliation answered ${rec.status}: ${rec.text.slice(0, 300)}`);
  else if (!rec.json.clean) broken.push(`reconciliation lists ${rec.json.differences.length} differences: ${JSON.stringify(rec.json.differences.slice(0, 5))}`);

  // What the gateway reads for each link against what was paid.
  const linkBroken: string[] = [];
  const lateRecorded: string[] = [];
  const statuses: Record<string, number> = {};
  for (const x of links) {
    const there =
      x.dialect === 'cashfree'
        ? await gw.request('GET', `/verification/remitter/status?verification_id=${x.id}`, { headers: cfHeaders })
        : await gw.request('GET', `/v1/fund_accounts/validations/${x.id}`, { headers: rzpHeaders });
    const sameRef = x.dialect === 'cashfree' ? String(there.json?.ref_id) === x.refId : String(there.json?.upi_intent?.intent_url ?? '').endsWith(`tr=${x.refId}`);
    if (there.status !== 200 || !sameRef) {
      linkBroken.push(`${x.id}: answered 200 at its create, now ${there.status} ${there.text.slice(0, 200)}`);
      continue;
    }
    const v = await admin(`/verifications/${x.refId}`);
    const status = v.verification.status as string;
    bump(statuses, `${x.kind} ${status}`);
    const utrs = new Set(x.payments.filter((p) => p.status === 'SUCCESS').map((p) => p.utr));
    const show = () => `${x.id} (${x.kind}, tr ${x.refId}) reads ${status} ${v.verification.utr ?? ''}, paid ${JSON.stringify(x.payments)}`;
    if (x.kind === 'once' || x.kind === 'twice') {
      if (status === 'SUCCESS' && utrs.has(v.verification.utr)) continue;
      // A payment made in time but recorded after valid_upto and its grace (an instance down for
      // that long) is refunded and the link expires: no defect, said apart.
      const first = (v.credits as { received_at: string }[]).reduce((a, c) => Math.min(a, Date.parse(c.received_at)), Infinity);
      if (status === 'EXPIRED' && first > Date.parse(v.verification.valid_until) + GRACE_S * 1000) lateRecorded.push(show());
      else linkBroken.push(show());
    } else if (x.kind === 'declined' && status !== 'FAILURE') linkBroken.push(show());
    else if (x.kind === 'late' && status === 'SUCCESS') linkBroken.push(show());
  }
  if (linkBroken.length) broken.push(`${linkBroken.length} links whose outcome disagrees with their payments${examples(linkBroken)}`);

  if (counts.front.replaysTaken) broken.push(`${counts.front.replaysTaken} replayed notifications taken: ${JSON.stringify(replayLog.filter((r) => r.replay !== null && r.replay < 300).slice(0, 3))}`);

  // ---------------------------------------------------------------- summary
  const list = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
  const kinds: Record<string, number> = {};
  for (const x of links) bump(kinds, x.kind);
  const noAnswer = l.notifications.filter((x) => x.status === null || x.status >= 500).length;
  console.log(
    `${PG ? `postgres, ${N} instances` : 'sqlite, 1 instance'}, seed ${SEED}, faults ${FAULTS ? 'on' : 'off'}: load ${loadSeconds.toFixed(0)} s, the last late payment ${(loadAndLate - loadSeconds).toFixed(0)} s after, settled in ${settleSeconds.toFixed(0)} s, ${counts.kills} kills, ${counts.cutOff} requests cut off`,
  );
  console.log(
    `  links ${links.length} (${links.filter((x) => x.dialect === 'razorpayx').length} RazorpayX): ${list(kinds)}`,
  );
  console.log(
    `  bank: ${credits.length} credits, ${l.credits.length - credits.length} declined, ${l.refunds.length} refund attempts (${l.refunds.filter((r) => r.status === 'failed').length} failed), ${l.payouts.length} payouts (${l.payouts.filter((p) => p.status === 'success').length} paid); ${l.notifications.length} notifications sent, ${noAnswer} unanswered or 5xx`,
  );
  const answered: Record<string, number> = {};
  for (const d of drops) bump(answered, d.answered === null ? 'cut off' : `${d.answered} ${d.code}`);
  console.log(`  mobile drops ${drops.length}: answered ${list(answered)}; read back ${list(outcomes)}`);
  if (FAULTS) {
    console.log(`  fault phases: ${list(counts.phases)}`);
    console.log(
      `  front: ${counts.front.forwarded} notifications forwarded, ${counts.front.noInstance} with no instance up, ${counts.front.answerLost} answers lost, ${counts.front.replays} replayed (${counts.front.replaysRefused} refused, ${counts.front.replaysTaken} taken, ${counts.front.replaysOther} other); bank proxy: ${counts.bank.forwarded} calls, ${counts.bank.refused} refused, ${counts.bank.held} held, ${counts.bank.answerLost} answers lost`,
    );
  }
  console.log(
    `  unrefunded ${unrefunded.length}, refunded twice ${twice.length}, wrong amount ${wrongAmount.length}, refunds of nothing ${refundOfNothing.length}; owed ${owed.count}, in review ${review.count}, dead jobs ${dead.count}, set aside ${setAside.count}; reconciliation ${rec.json?.clean ? 'clean' : 'NOT clean'}`,
  );
  console.log(
    `  drops: two references ${twoReferences.length}, paid twice ${paidTwice.length}, VALID unpaid ${validUnpaid.length}, books disagree ${disagree.length}, stray payouts ${strayPayouts.length}; links disagreeing ${linkBroken.length} (recorded too late to verify: ${lateRecorded.length}); 5xx ${counts.serverErrors}`,
  );
  if (broken.length || values.keep) {
    writeFileSync(join(logDir(), 'ledger.json'), JSON.stringify(l, null, 1));
    writeFileSync(join(logDir(), 'run.json'), JSON.stringify({ seed: SEED, options: values, env, links, drops, replays: replayLog, statuses }, null, 1));
  }
} catch (err) {
  broken.push(String((err as Error)?.stack ?? err));
} finally {
  ours.fill(true);
  const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0);
  if (broken.length || values.keep) {
    const dir = logDir();
    gws.forEach((g, i) => writeFileSync(join(dir, `gateway-${i}.log`), g.output));
    writeFileSync(join(dir, 'simulator.log'), simOutput);
    writeFileSync(join(dir, 'broken.txt'), broken.join('\n') + '\n');
  }
  if (broken.length) {
    console.log(`BROKEN (${elapsed} s):\n  ${broken.join('\n  ')}`);
    process.exitCode = 1;
  } else console.log(`every money rule held (${elapsed} s)`);
  if (savedLogs) console.log(`logs, the bank's ledger and the run's records: ${savedLogs}`);
  for (const g of gws) await g.stop().catch(() => undefined);
  if (sim && sim.exitCode === null) {
    const gone = new Promise((r) => sim!.once('exit', r));
    sim.kill('SIGTERM');
    await gone;
  }
  for (const s of [frontServer, bankServer]) {
    s?.close();
    s?.closeAllConnections();
  }
  if (db) {
    if (broken.length || values.keep) console.log(`database kept: ${db.url}`);
    else await db.drop();
  }
}
