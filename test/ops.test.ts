// What operators run the gateway with: request ids on every answer and log line, quiet
// polling, readiness, Prometheus metrics, and start-up errors that name the setting at fault.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, Gateway, eventually, freePort } from './support/gateway.js';
import { LATEST_VERSION } from '../src/store/migrate.js';
import { SQLITE_FILE } from '../src/store/sqlite.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');
const logLines = (gw: Gateway) =>
  gw.output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

/** The value of one sample (name and labels exactly as exposed), 0 when absent. */
function metric(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

describe('request ids, logs, readiness and metrics', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  it('answers every request with an x-request-id, keeping a well-formed incoming one', async () => {
    const answers = await Promise.all([
      gw.request('GET', '/healthz'),
      gw.request('GET', '/verification/remitter/status?verification_id=x'), // 401 in Cashfree's envelope
      gw.request('GET', '/v1/fund_accounts/validations/fav_1'), // 401 in RazorpayX's
      gw.request('GET', '/admin/merchants'), // 401
      gw.request('GET', '/nowhere'), // 404
      gw.request('GET', '/verification/%E0%A4%A'), // malformed URL, answered before routing
    ]);
    const ids = answers.map((a) => a.headers.get('x-request-id'));
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(new Set(ids).size, ids.length);

    const kept = await gw.request('GET', '/healthz', { headers: { 'x-request-id': 'lb-7f3a.42:x' } });
    assert.equal(kept.headers.get('x-request-id'), 'lb-7f3a.42:x');
    // Too long, or characters that could forge log lines or headers: replaced.
    for (const bad of ['x'.repeat(129), 'a b', 'a"b', 'é']) {
      const r = await gw.request('GET', '/healthz', { headers: { 'x-request-id': bad } });
      assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, JSON.stringify(bad));
    }
    // One line per request at info, once it completed, carrying its id, what was asked and the answer.
    const lines = await eventually(
      async () => logLines(gw).filter((l) => l.reqId === 'lb-7f3a.42:x'),
      (ls) => ls.some((l) => l.msg === 'request completed'),
      5000,
      'log lines of the request',
    );
    assert.deepEqual(lines.map((l) => l.msg), ['request completed']);
    assert.equal(lines[0].level, 30);
    assert.deepEqual([lines[0].req.method, lines[0].req.url, lines[0].res.statusCode], ['GET', '/healthz', 200]);
    assert.equal(typeof lines[0].responseTime, 'number');
  });

  it("logs the hosted page's status polling at debug only", async () => {
    const key = (await gw.merchant()).test_key;
    const created = (await gw.cashfree(key).createRpd({ verification_id: 'ops-poll', name: 'John Doe' })).json;
    const code = new URL(created.url).pathname.split('/').pop();
    const page = await gw.request('GET', `/rpd/${code}`, { headers: { 'x-request-id': 'page-view' } });
    assert.equal(page.status, 200);
    const poll = await gw.request('GET', `/rpd/${code}/status`, { headers: { 'x-request-id': 'page-poll' } });
    assert.equal(poll.status, 200);
    await eventually(async () => logLines(gw).filter((l) => l.reqId === 'page-view').length, (n) => n >= 1, 5000, 'the page view in the log');
    // Logged in order: a later request's lines follow the poll's, so the poll had its chance.
    await gw.request('GET', '/healthz', { headers: { 'x-request-id': 'after-poll' } });
    await eventually(async () => logLines(gw).filter((l) => l.reqId === 'after-poll').length, (n) => n >= 1, 5000, 'a later request');
    assert.deepEqual(logLines(gw).filter((l) => l.reqId === 'page-poll'), []);
  });

  it('at LOG_LEVEL=debug the poll is logged, at debug', async () => {
    const dbg = await Gateway.start({ env: { LOG_LEVEL: 'debug' } });
    try {
      const key = (await dbg.merchant()).test_key;
      const created = (await dbg.cashfree(key).createRpd({ verification_id: 'ops-debug', name: 'John Doe' })).json;
      const code = new URL(created.url).pathname.split('/').pop();
      await dbg.request('GET', `/rpd/${code}/status`, { headers: { 'x-request-id': 'page-poll' } });
      const lines = await eventually(async () => logLines(dbg).filter((l) => l.reqId === 'page-poll'), (ls) => ls.length === 2, 5000, 'the poll lines');
      assert.deepEqual(lines.map((l) => [l.level, l.msg]), [[20, 'incoming request'], [20, 'request completed']]);
    } finally {
      await dbg.stop();
    }
  });

  it('/readyz answers ready when the store answers and its migrations are current', async () => {
    const r = await gw.request('GET', '/readyz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ready', checks: { store: { ok: true }, store_writes: { ok: true }, migrations: { ok: true } } });
  });

  it('/readyz stays ready while a newer instance has migrated ahead (a rolling upgrade), not while the schema is behind', async () => {
    const other = await Gateway.start();
    try {
      const file = new Database(join(other.dataDir, SQLITE_FILE));
      try {
        // A newer build's migration, as it would leave the store.
        file.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 1, 'from a newer build', Date.now());
        let r = await other.request('GET', '/readyz');
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.checks.migrations, { ok: true });
        // Behind this build (a backup from before the last migration, restored under it).
        file.prepare('DELETE FROM schema_migrations WHERE version >= ?').run(LATEST_VERSION);
        r = await other.request('GET', '/readyz');
        assert.equal(r.status, 503);
        assert.deepEqual(r.json.checks.migrations, { ok: false, error: `schema version ${LATEST_VERSION - 1}, this build needs ${LATEST_VERSION}` });
      } finally {
        file.close();
      }
    } finally {
      await other.stop();
    }
  });

  it('/metrics: requests, latency, verifications, credits, refunds owed, jobs and webhooks', async () => {
    const creates = 'pennygate_http_requests_total{method="POST",route="/verification/reverse-penny-drop",status="200"}';
    const before = (await gw.request('GET', '/metrics')).text;
    const createsBefore = metric(before, creates);
    const flushesBefore = metric(before, 'pennygate_sqlite_wal_flush_seconds_count');
    const codesBefore = metric(before, 'pennygate_qr_render_seconds_count');
    const m = await gw.merchant('Metrics Co');
    const cf = gw.cashfree(m.test_key);
    const created = (await cf.createRpd({ verification_id: 'ops-metrics', name: 'John Doe' })).json;
    await gw.pay(created.upi_link, 'success@upi');
    const text = await eventually(
      async () => (await gw.request('GET', '/metrics')).text,
      // The refund recorded, and its job finished (it is held a moment after the refund is).
      (t) => /pennygate_credits\{rail="sandbox",disposition="verified",refund_status="success"\} 1/.test(t) && /^pennygate_jobs_running\{kind="credit\.refund"\} 0$/m.test(t),
      10_000,
      'the refund in the metrics',
    );
    const r = await gw.request('GET', '/metrics');
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(metric(text, creates), createsBefore + 1);
    assert.equal(metric(text, creates.replace('_total{', '_duration_seconds_bucket{le="+Inf",').replace('requests_', 'request_')), createsBefore + 1);
    assert.match(text, /pennygate_verifications\{kind="rpd",mode="test",status="success"\} 1/);
    assert.match(text, /pennygate_refunds_owed\{rail="sandbox"\} 0/);
    assert.match(text, /pennygate_refunds_in_review\{rail="sandbox"\} 0/);
    assert.match(text, /^pennygate_store_up 1$/m);
    // The process's figures under their standard names, as Node.js dashboards look for them.
    assert.match(text, /^process_cpu_seconds_total \d/m);
    assert.match(text, /^nodejs_eventloop_lag_p99_seconds \d/m);
    // The create, the payment and the refund each waited for a flush of the WAL (SQLite FULL).
    const flushes = metric(text, 'pennygate_sqlite_wal_flush_seconds_count');
    assert.ok(flushes >= flushesBefore + 3, `${flushesBefore} -> ${flushes} flushes`);
    assert.ok(metric(text, 'pennygate_sqlite_wal_flush_seconds_sum') > 0);
    assert.equal(metric(text, 'pennygate_sqlite_wal_flush_seconds_bucket{le="+Inf"}'), flushes);
    // The create's QR code was asked for and drawn (on its thread) once.
    const codes = metric(text, 'pennygate_qr_render_seconds_count');
    assert.equal(codes, codesBefore + 1);
    assert.ok(metric(text, 'pennygate_qr_render_seconds_sum') > 0);
    assert.equal(metric(text, 'pennygate_qr_render_seconds_bucket{le="+Inf"}'), codes);
    assert.match(text, /pennygate_refunds_owed_rupees\{rail="sandbox"\} 0/);
    // Nothing waits, nothing went to a webhook: the series with labels known beforehand read 0
    // rather than vanish (an alert on them would see nothing, not 0).
    for (const kind of ['credit.refund', 'credit.reverse', 'verification.expire', 'webhook.deliver', 'bank.reconcile', 'mobile.reconcile', 'maintenance.retention'])
      for (const family of ['due', 'running', 'scheduled', 'oldest_due_seconds', 'dead'])
        assert.match(text, new RegExp(`^pennygate_jobs_${family}\\{kind="${kind.replace('.', '\\.')}"\\} 0$`, 'm'));
    for (const status of ['pending', 'delivered', 'failed']) assert.match(text, new RegExp(`^pennygate_webhook_deliveries\\{status="${status}"\\} 0$`, 'm'));
    for (const outcome of ['success', 'http_error', 'no_answer']) assert.match(text, new RegExp(`^pennygate_webhook_attempts\\{outcome="${outcome}"\\} 0$`, 'm'));
    assert.match(text, /^pennygate_verifications\{kind="mobile",mode="live",status="expired"\} 0$/m);
    assert.match(text, /^pennygate_verifications\{kind="rpd",mode="test",status="failure"\} 0$/m);
    assert.match(text, /^pennygate_credits\{rail="sandbox",disposition="late",refund_status="needs_review"\} 0$/m);
    assert.equal(text.match(/^pennygate_credits\{/gm)!.length, 6 * 5, 'every disposition and refund status, on the sandbox rail');
    // Unknown paths are counted under one label, not one per URL.
    const unmatched = 'pennygate_http_requests_total{method="GET",route="unmatched",status="404"}';
    const before404 = metric(text, unmatched);
    await gw.request('GET', '/no/such/path/1');
    await gw.request('GET', '/no/such/path/2');
    assert.equal(metric((await gw.request('GET', '/metrics')).text, unmatched), before404 + 2);
  });
});

describe('METRICS_TOKEN, and HSTS under an https PUBLIC_URL', () => {
  const TOKEN = 'scrape-token-0123456789';
  let gw: Gateway;
  before(async () => {
    // Written as an operator might: the scheme and host in capitals, a trailing slash.
    gw = await Gateway.start({ env: { METRICS_TOKEN: TOKEN, PUBLIC_URL: 'HTTPS://Verify.Example.IN/' } });
  });
  after(() => gw?.stop());

  it('answers /metrics to the Bearer token only, and tells browsers to come back over https', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const r = await gw.request('GET', '/metrics', { headers: authorization ? { authorization } : {} });
      assert.equal(r.status, 401, String(authorization));
      assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="metrics"');
      assert.equal(r.json.error.code, 'unauthorized');
      assert.doesNotMatch(r.text, /pennygate_/);
    }
    const ok = await gw.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    // The scheme's name is case-insensitive (RFC 7235).
    assert.equal((await gw.request('GET', '/metrics', { headers: { authorization: `bearer ${TOKEN}` } })).status, 200);
    assert.match(ok.text, /# TYPE pennygate_verifications gauge/);
    // The probes stay open: a load balancer's health check carries no token.
    assert.equal((await gw.request('GET', '/healthz')).status, 200);
    assert.equal((await gw.request('GET', '/readyz')).status, 200);
    for (const path of ['/healthz', '/metrics', '/no/such/page']) {
      assert.equal((await gw.request('GET', path)).headers.get('strict-transport-security'), 'max-age=31536000', path);
    }
  });

  it('reads the https PUBLIC_URL as https everywhere: the console and page cookies are Secure, links are written in its standard form', async () => {
    const login = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    assert.equal(login.status, 303);
    assert.match(login.headers.get('set-cookie')!, /; Secure(;|$)/);
    const m = await gw.merchant('Https Links');
    const r = await gw.cashfree(m.test_key).post('/reverse-penny-drop', { verification_id: 'https-link', name: 'Jane Doe' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.url, /^https:\/\/verify\.example\.in\/rpd\/[a-z0-9]+$/);
    // The hosted page's language cookie too.
    const page = await gw.request('GET', `${new URL(r.json.url).pathname}?lang=hi`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('set-cookie')!, /^pg_lang=hi; .*; Secure$/);
  });

  it('sends no HSTS under an http PUBLIC_URL, and refuses a METRICS_TOKEN too short to guard anything', async () => {
    const plain = await Gateway.start();
    try {
      assert.equal((await plain.request('GET', '/healthz')).headers.get('strict-transport-security'), null);
      assert.equal((await plain.request('GET', '/metrics')).status, 200);
    } finally {
      await plain.stop();
    }
    const r = await startFails({ PORT: String(await freePort()), METRICS_TOKEN: 'short' });
    assert.equal(r.code, 1);
    assert.match(r.output, /METRICS_TOKEN must be at least 16/);
  });
});

/** Runs the server with `env` and returns its exit code and output once it exits by itself. */
function startFails(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const { PATH, HOME } = process.env;
    const p = spawn(process.execPath, [MAIN], { env: { PATH, HOME, DATA_DIR: mkdtempSync(join(tmpdir(), 'pennygate-ops-')), ...env } });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('start-up errors name the setting at fault', () => {
  it('a bad PORT', async () => {
    const r = await startFails({ PORT: 'eighty' });
    assert.equal(r.code, 1);
    assert.match(r.output, /PORT must be/);
  });

  it('a PORT already in use', async () => {
    const gw = await Gateway.start();
    try {
      const r = await startFails({ PORT: String(gw.port), HOST: '127.0.0.1' });
      assert.equal(r.code, 1);
      assert.match(r.output, /PORT=\d+ .*in use/);
    } finally {
      await gw.stop();
    }
  });

  it('a PUBLIC_URL that is no http(s) base URL', async () => {
    for (const [value, why] of [
      ['verify.example.in', /PUBLIC_URL must be an absolute http or https URL/],
      ['ftp://verify.example.in', /PUBLIC_URL must be an http or https URL/],
      ['https://verify.example.in/?ref=x', /PUBLIC_URL must be a base URL without credentials, query or fragment/],
      ['https://verify.example.in/#top', /PUBLIC_URL must be a base URL/],
      ['https://user:pw@verify.example.in', /PUBLIC_URL must be a base URL/],
    ] as const) {
      const r = await startFails({ PORT: String(await freePort()), PUBLIC_URL: value });
      assert.equal(r.code, 1, value);
      assert.match(r.output, why, value);
      assert.doesNotMatch(r.output, /at new URL|stack/, value);
    }
  });

  it('an unreachable DATABASE_URL, once PG_START_WAIT_SECONDS is over', async () => {
    const r = await startFails({
      PORT: String(await freePort()),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      SECRET_KEY: '11'.repeat(32),
      PG_START_WAIT_SECONDS: '2',
    });
    assert.equal(r.code, 1);
    assert.match(r.output, /the database cannot be reached yet: waiting for it/);
    assert.match(r.output, /DATABASE_URL .*127\.0\.0\.1:1/);
    assert.doesNotMatch(r.output, /password/);
  });
});
