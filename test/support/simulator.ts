// Starts `pennygate bank-simulator` (the compiled CLI) as its own process, and speaks its API.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { freePort, sleep } from './gateway.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');

export class Simulator {
  proc!: ChildProcess;
  output = '';
  readonly url: string;

  private constructor(
    readonly port: number,
    readonly secret: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** `payeeVpa`: the collection VPA it pays links to (the gateway's LIVE_PAYEE_VPA); else its default. */
  static async start(o: { port: number; gateway: string; secret: string; payeeVpa?: string }): Promise<Simulator> {
    const sim = new Simulator(o.port, o.secret);
    const { PATH, HOME } = process.env;
    // The secret in the environment, as the README runs it: never on a command line. The payee
    // there too, as the README's shell exports it for the gateway and the simulator alike.
    sim.proc = spawn(process.execPath, [CLI, 'bank-simulator', '--port', String(o.port), '--gateway', o.gateway], {
      env: { PATH, HOME, BANK_CONNECTOR_SECRET: o.secret, ...(o.payeeVpa ? { LIVE_PAYEE_VPA: o.payeeVpa } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sim.proc.stdout!.on('data', (d) => (sim.output += d));
    sim.proc.stderr!.on('data', (d) => (sim.output += d));
    const deadline = performance.now() + 15_000;
    while (performance.now() < deadline) {
      if (sim.proc.exitCode !== null) throw new Error(`simulator exited ${sim.proc.exitCode}:\n${sim.output}`);
      if (sim.output.includes('listening')) return sim;
      await sleep(50);
    }
    throw new Error(`simulator did not start:\n${sim.output}`);
  }

  static freePort = freePort;

  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await gone;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const r = await fetch(this.url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : null };
  }

  async pay(upi_link: string, payer_vpa = 'success@upi', amount_paise?: number) {
    const r = await this.request('POST', '/simulator/pay', { upi_link, payer_vpa, amount_paise });
    if (r.status !== 200) throw new Error(`pay: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json as { utr: string; bank_txn_id: string; status: string };
  }

  async faults(f: Record<string, unknown>) {
    const r = await this.request('POST', '/simulator/faults', f);
    if (r.status !== 200) throw new Error(`faults: ${r.status} ${JSON.stringify(r.json)}`);
  }

  async ledger() {
    return (await this.request('GET', '/simulator/ledger')).json as { credits: any[]; refunds: any[]; payouts: any[]; notifications: any[] };
  }

  /** A call to the connector API signed as the gateway signs it (to plant what the gateway never did). */
  signed(method: string, path: string, body?: unknown) {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const ts = String(Date.now());
    const sig = 'v1=' + createHmac('sha256', this.secret).update(`${ts}.${method}.${path}.${raw}`).digest('hex');
    return this.request(method, path, body, { 'x-pennygate-timestamp': ts, 'x-pennygate-signature': sig });
  }
}

/** A notification signed as a bank signs it: HMAC-SHA256 over "<timestamp>.<raw body>". */
export function signedNotification(secret: string, body: unknown, at = Date.now()) {
  const raw = JSON.stringify(body);
  const ts = String(at);
  const sig = 'v1=' + createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex');
  return { raw, headers: { 'content-type': 'application/json', 'x-bank-timestamp': ts, 'x-bank-signature': sig } };
}
