// Starts the real gateway (the compiled server, as `npm start` runs it) in a child process.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js');

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'pennygate.mjs');
const execP = promisify(execFile);

/** Runs the operator's command line (`pennygate ...`) with `env` as its whole environment (and PATH, HOME). */
export async function cli(env: Record<string, string>, ...args: string[]) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout, stderr } = await execP(process.execPath, [BIN, ...args], { env: { PATH, HOME, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err: any) {
    return { code: err.code as number, stdout: String(err.stdout), stderr: String(err.stderr) };
  }
}

/**
 * Settings that start a gateway with its wall clock `ms` apart from the machine's (skewed-clock.mjs),
 * as an instance on a host whose clock drifted. Replaces any NODE_OPTIONS of the caller's env.
 */
export const skewedClock = (ms: number): Record<string, string> => ({
  NODE_OPTIONS: `--import=${pathToFileURL(join(import.meta.dirname, 'skewed-clock.mjs')).href}`,
  CLOCK_SKEW_MS: String(ms),
});

/**
 * A port free now, for a server that will listen on it a moment later (a gateway started as its own
 * process). Drawn at random below the kernel's ephemeral range (32768 and up), not with listen(0):
 * a port the kernel handed out and took back is the one it may hand to the next listen(0) of
 * another test file running alongside, which then holds the gateway's port before it starts.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' || e.code === 'EACCES') && attempt < 50 ? resolve(false) : reject(e));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface GatewayOptions {
  env?: Record<string, string>;
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
  /** The server's entry point: another build (an earlier release) instead of this one. */
  main?: string;
  /** A command the server runs under (a profiler: `['valgrind', '--tool=callgrind']`). */
  wrapper?: string[];
  /** Told the process as soon as it is spawned, before it is up (to signal it while it starts). */
  onSpawn?: (proc: ChildProcess) => void;
}

export class Gateway {
  proc!: ChildProcess;
  output = '';
  readonly url: string;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly env: Record<string, string>,
    readonly main = MAIN,
    readonly wrapper: string[] = [],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(o: GatewayOptions = {}): Promise<Gateway> {
    const port = o.port ?? (await freePort());
    const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'pennygate-test-'));
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      JOB_POLL_MS: '50',
      REFUND_POLL_MS: '150',
      REFUND_RETRY_BASE_MS: '200',
      SANDBOX_REFUND_SETTLE_MS: '300',
      // A job held by a killed process is taken up again when its lease runs out: keep it short
      // (every sandbox call answers in milliseconds).
      JOB_LEASE_MS: '3000',
      ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl, SECRET_KEY: '11'.repeat(32) } : {}),
      ...o.env,
    };
    const gw = new Gateway(port, dataDir, env, o.main, o.wrapper);
    await gw.spawn(o.onSpawn);
    return gw;
  }

  private async spawn(onSpawn?: (proc: ChildProcess) => void) {
    const { PATH, HOME } = process.env;
    const [command, ...args] = [...this.wrapper, process.execPath, this.main];
    this.proc = spawn(command, args, { env: { PATH, HOME, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(this.proc);
    this.proc.stdout!.on('data', (d) => (this.output += d));
    this.proc.stderr!.on('data', (d) => (this.output += d));
    // Under a profiler such as valgrind a start takes far longer.
    const deadline = performance.now() + (this.wrapper.length ? 180_000 : 20_000);
    while (performance.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`gateway exited ${this.proc.exitCode}:\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        // Another process may have taken the port since it was chosen (or since the kill of a
        // restart) and answer for this one, which then fails to listen and exits.
        if (r.ok && (this.wrapper.length > 0 || listensOn(this.proc.pid!, this.port))) return;
      } catch {
        /* not up yet */
      }
      await sleep(50);
    }
    // Not left running: a test whose start failed has no handle to stop it, and its pipes would
    // keep the test file's process alive after the suite ends.
    await this.kill();
    throw new Error(`gateway did not start:\n${this.output}`);
  }

  /** Kills the process the hard way (no shutdown hooks run) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(signal);
    await gone;
  }

  /** Stops the process (SIGKILL by default: no shutdown hooks run) and starts it again. */
  async restart(env: Record<string, string> = {}, signal: NodeJS.Signals = 'SIGKILL') {
    await this.kill(signal);
    Object.assign(this.env, env);
    await this.spawn();
  }

  /**
   * Kills and starts the process again, as restart does; when another process took its port in
   * between, starts it on the same store on another port and answers with that instance (its
   * output carried on). A harness that restarts under load on a shared machine meets both.
   */
  async restartAnywhere(): Promise<Gateway> {
    try {
      await this.restart();
      return this;
    } catch (err) {
      if (!(err as Error).message.includes('is in use by another process')) throw err;
    }
    const { PORT: _taken, ...env } = this.env;
    let moved: Gateway;
    try {
      moved = await Gateway.start({ main: this.main, wrapper: this.wrapper, dataDir: this.dataDir, env });
    } catch (err) {
      throw new Error(`its port was taken, and on another port: ${(err as Error).message}`, { cause: err });
    }
    moved.output = this.output + moved.output;
    return moved;
  }

  stop() {
    return this.kill('SIGTERM');
  }

  async request(method: string, path: string, o: { headers?: Record<string, string>; body?: unknown; raw?: string } = {}) {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    // A kept-alive socket that the server closed as it idled out (after a long wait in a test,
    // on a loaded machine) fails the next request sent on it: any HTTP client retries a read so,
    // once. Anything else, or a second failure, is the test's failure, with the process's state
    // and last output to tell a crash from a network slip.
    const read = method === 'GET' || method === 'HEAD';
    let r: Response | undefined;
    for (let attempt = 1; !r; attempt++) {
      try {
        r = await fetch(this.url + path, { method, headers, body });
      } catch (e) {
        const code = (e as { cause?: { code?: string } }).cause?.code;
        if (!(read && attempt === 1 && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET'))) throw this.failure(e, method, path);
      }
    }
    const text = await r.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, json, text, headers: r.headers };
  }

  private failure(e: unknown, method: string, path: string): Error {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const state = this.proc.exitCode !== null || this.proc.signalCode !== null ? `exited (${this.proc.exitCode ?? this.proc.signalCode})` : 'running';
    return new Error(`${method} ${path}: ${(e as Error).message} (${cause?.code ?? cause?.message ?? 'no cause'}); gateway ${state}; its last output:\n${this.output.slice(-2000)}`, { cause: e });
  }

  admin(method: string, path: string, body?: unknown) {
    return this.request(method, `/admin${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body });
  }

  async merchant(name = 'Acme Lending') {
    const r = await this.admin('POST', '/merchants', { name });
    if (r.status !== 201) throw new Error(`merchant create failed: ${r.status} ${r.text}`);
    return r.json as { id: string; name: string; account_number: string; test_key: { client_id: string; client_secret: string } };
  }

  /** A Cashfree-dialect client for one merchant's key pair. */
  cashfree(key: { client_id: string; client_secret: string }) {
    const headers = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret };
    return {
      createRpd: (body: unknown) => this.request('POST', '/verification/reverse-penny-drop', { headers, body }),
      status: (q: Record<string, string>) => this.request('GET', `/verification/remitter/status?${new URLSearchParams(q)}`, { headers }),
      post: (path: string, body: unknown, extra: Record<string, string> = {}) =>
        this.request('POST', `/verification${path}`, { headers: { ...headers, ...extra }, body }),
    };
  }

  pay(upi_link: string, payer_vpa: string, amount?: string) {
    return this.request('POST', '/sandbox/upi/pay', { body: { upi_link, payer_vpa, ...(amount ? { amount } : {}) } });
  }

  /** A sandbox payment as the operator sees it, or as the merchant whose test key is given. */
  async payment(utr: string, key?: { client_id: string; client_secret: string }) {
    const headers: Record<string, string> = key
      ? { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret }
      : { authorization: `Bearer ${ADMIN_TOKEN}` };
    return (await this.request('GET', `/sandbox/upi/payments/${utr}`, { headers })).json;
  }

  /**
   * Waits until the gateway has no work left to do soon: no job due, running, or scheduled
   * other than link expiries (minutes away). A check that something did NOT happen (a second
   * refund, a second event) holds from then on, whatever the machine's load.
   */
  idle(ms = 15_000) {
    return eventually(
      async () => (await this.request('GET', '/metrics')).text,
      (text) =>
        text
          .split('\n')
          .filter((l) => /^pennygate_jobs_(due|running|scheduled)\{/.test(l) && !l.includes('kind="verification.expire"'))
          .every((l) => Number(l.split(' ').pop()) === 0),
      ms,
      'the job queue to drain',
    );
  }

  /** Waits until every refund the sandbox bank made against a payment has settled; returns them. */
  refundsSettled(utr: string, ms = 10_000): Promise<any[]> {
    return eventually(
      async () => (await this.payment(utr)).refunds as any[],
      (rs) => rs.length > 0 && rs.every((r) => r.status === 'success'),
      ms,
      `refund of ${utr}`,
    );
  }
}

/**
 * Whether process `pid` holds the socket listening on `port`, read from /proc; true where there
 * is no /proc to tell (not Linux).
 */
function listensOn(pid: number, port: number): boolean {
  if (!existsSync('/proc/net/tcp')) return true;
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    const rows = ['/proc/net/tcp', '/proc/net/tcp6'].filter((f) => existsSync(f)).flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1));
    // Columns: sl, local address, remote address, state (0A: listening), ..., inode (the 10th).
    const sockets = new Set(
      rows
        .map((r) => r.trim().split(/\s+/))
        .filter((c) => c[1]?.endsWith(local) && c[3] === '0A')
        .map((c) => `socket:[${c[9]}]`),
    );
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process is gone
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until `ok` holds of its result, or fails after `ms`. Timed on the monotonic clock:
 * a step of the machine's wall clock (seen in CI) once ended a 20 s wait after 2.3 s.
 */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = performance.now() + ms;
  let last: T;
  do {
    last = await fn();
    if (ok(last)) return last;
    await sleep(50);
  } while (performance.now() < deadline);
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last!)}`);
}

// ---------------------------------------------------------------- PostgreSQL

export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set by CI: a suite that would be skipped for want of PostgreSQL or Chromium fails instead. */
export const REQUIRE_ALL = process.env.REQUIRE_ALL_TESTS === '1';

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * `skip` option of the suites that need PostgreSQL: false when it answers (or when CI requires
 * every suite), else the one line that says what to install.
 */
export const needsPostgres: string | false =
  REQUIRE_ALL || (await postgresReachable())
    ? false
    : `needs PostgreSQL at ${redactUrl(PG_ADMIN_URL)}: install and start it (apt-get install postgresql) or set TEST_DATABASE_URL`;

/** `skip` option of the suites that drive a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const needsChromium: string | false =
  REQUIRE_ALL || existsSync(CHROMIUM_PATH)
    ? false
    : `needs Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`;

function redactUrl(u: string) {
  try {
    const url = new URL(u);
    url.password = url.password ? '***' : '';
    return url.toString();
  } catch {
    return u;
  }
}

/**
 * Three gateways on one fresh PostgreSQL database: one on the machine's clock, one `skewMs`
 * behind it and one `skewMs` ahead; `close` stops them and drops the database.
 */
export async function skewedInstances(env: Record<string, string>, skewMs: number) {
  const db = await freshPostgres();
  const started: Gateway[] = [];
  const close = async () => {
    for (const g of started) await g.stop();
    await db.drop();
  };
  try {
    for (const ms of [0, -skewMs, skewMs]) started.push(await Gateway.start({ databaseUrl: db.url, env: { ...env, ...(ms ? skewedClock(ms) : {}) } }));
  } catch (err) {
    await close();
    throw err;
  }
  const [right, behind, ahead] = started;
  return { right, behind, ahead, close };
}

/** Where a suite runs: SQLite (no URL) or a fresh PostgreSQL database, with its cleanup. */
/**
 * A statement on a gateway's store, run beside it as another process sharing the store would
 * ($n parameters): its rows, or none for a statement that returns none.
 */
export async function storeRows(gw: Gateway, databaseUrl: string | undefined, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (!databaseUrl) {
    const db = new Database(join(gw.dataDir, 'pennygate.db'));
    try {
      db.pragma('busy_timeout = 5000');
      const st = db.prepare(text.replace(/\$\d+/g, '?'));
      return st.reader ? (st.all(...params) as Record<string, unknown>[]) : (st.run(...params), []);
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

export async function storeFor(store: 'sqlite' | 'postgres'): Promise<{ databaseUrl?: string; drop: () => Promise<void> }> {
  if (store === 'sqlite') return { drop: async () => {} };
  const db = await freshPostgres();
  return { databaseUrl: db.url, drop: db.drop };
}

/** A fresh, empty database for one test suite; dropped by the returned cleanup. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pennygate_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${redactUrl(PG_ADMIN_URL)} is unreachable: ${(err as Error).message}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
