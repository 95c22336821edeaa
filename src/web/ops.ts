// What an operator's tooling needs: a request id on every answer and log line, liveness,
// readiness and Prometheus metrics.
import { randomUUID } from 'node:crypto';
import { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Services } from '../services.js';
import { readAside, type Db } from '../store/db.js';
import { LATEST_VERSION, schemaVersion } from '../store/migrate.js';
import { setAside } from '../store/set-aside.js';
import { UNSETTLED_PAYOUTS } from '../store/mobile.js';
import type { CreditDisposition, ReversalStatus, VerificationStatus } from '../engine/types.js';
import { JOB_EXPIRE, JOB_REFUND, JOB_REVERSE } from '../engine/verifications.js';
import { JOB_MOBILE_RECONCILE } from '../engine/mobile.js';
import { JOB_RECONCILE } from '../engine/reconciliation.js';
import { DELIVERY_STATUSES, JOB_WEBHOOK } from '../jobs/webhooks.js';
import { JOB_RETENTION } from '../jobs/retention.js';
import { hashSecret, secretMatches } from '../engine/secrets.js';

/** An incoming x-request-id is kept when it is a sane token; otherwise the gateway makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:@=+\/-]{1,128}$/;
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const isPoll = (req: { url?: string }) => /^\/rpd\/[^/?]+\/status(\?|$)/.test(req.url ?? '');

/**
 * One line per request at info, when it completes, with the request's method and URL, its status
 * and its time: Fastify's two (one as it comes in) cost a status read half its CPU again at the
 * default level (69-73 us at warn, 103-131 us with two lines, 84-91 us with one). The incoming line stays, at debug. The
 * hosted page polls its status every few seconds: those lines go to debug, not info. Errors are
 * logged as Fastify logs them.
 */
export class QuietPolling extends LogController {
  incomingRequest(request: any) {
    request.log.debug({ req: request }, 'incoming request');
  }
  requestCompleted(error: any, request: any, reply: any, metadata?: Record<string, unknown>) {
    if (error) super.requestCompleted(error, request, reply, metadata);
    else if (isPoll(request)) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** How long /readyz waits for its checks before it answers not ready. */
export const READY_WITHIN_MS = 2000;

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** Whether this instance can serve: every check must pass. Further checks belong here. */
export async function readiness(db: Db): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  try {
    await db.query('SELECT 1');
    checks.store = { ok: true };
  } catch (err) {
    checks.store = { ok: false, error: (err as Error).message };
  }
  // Reads work but writes fail (the SQLite disk full): not ready either, until writes work again.
  if (checks.store.ok && db.writeCheck) {
    // A check that throws is a failed check, answered 503 like the others, never a 500.
    checks.store_writes = await db.writeCheck().catch((err: Error) => ({ ok: false as const, error: err.message }));
  }
  // A schema behind this build's (a restored backup, a migration not finished) must not take
  // traffic. A schema ahead of it is a rolling upgrade under way: a newer instance has migrated,
  // and migrations only add what older builds ignore, so this instance keeps serving until it is
  // replaced (it would refuse to start again on that schema).
  if (checks.store.ok) {
    const version = await schemaVersion(db, db.kind).catch(() => -1);
    checks.migrations =
      version >= LATEST_VERSION ? { ok: true } : { ok: false, error: `schema version ${version}, this build needs ${LATEST_VERSION}` };
  }
  return { status: Object.values(checks).every((c) => c.ok) ? 'ready' : 'not_ready', checks };
}

const tags = ['Operations'];
const security: Record<string, string[]>[] = [];

export async function operations(app: FastifyInstance, s: Services) {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });

  app.get('/healthz', { schema: { tags, security, summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));
  // One check at a time (probes that come together share it), answered within READY_WITHIN_MS:
  // a store that does not answer at all (a partition, a frozen server) is not ready, said at once,
  // not after the statement deadline and the connect timeout (20 s by default), past most probes'
  // own timeouts. A check still running after twice that is left to end on its own, and the next
  // probe starts another: one stuck on a dead connection (no statement deadline set) must not
  // answer for the store once it is back.
  let checking: { p: Promise<Readiness>; since: number } | null = null;
  app.get('/readyz', { schema: { tags, security, summary: 'Readiness: the store answers' } }, async (_req, reply) => {
    if (!checking || performance.now() - checking.since > 2 * READY_WITHIN_MS) {
      const mine: { p: Promise<Readiness>; since: number } = { p: readiness(s.db), since: performance.now() };
      mine.p.finally(() => checking === mine && (checking = null)).catch(() => undefined);
      checking = mine;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Readiness>((ok) => {
      timer = setTimeout(
        () => ok({ status: 'not_ready', checks: { store: { ok: false, error: `the store did not answer within ${READY_WITHIN_MS} ms` } } }),
        READY_WITHIN_MS,
      );
    });
    const r = await Promise.race([checking.p, late]).finally(() => clearTimeout(timer));
    return reply.code(r.status === 'ready' ? 200 : 503).send(r);
  });

  const registry = new Registry();
  // Under their standard names (process_cpu_seconds_total, nodejs_eventloop_lag_seconds...), which
  // ready-made Node.js dashboards and alerts look for.
  collectDefaultMetrics({ register: registry });
  const labels = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'pennygate_http_requests_total', help: 'HTTP requests by route and status', labelNames: labels, registers: [registry] });
  const latency = new Histogram({
    name: 'pennygate_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: labels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Waits inside a request (a WAL flush, a QR code): sub-millisecond when all is well.
  const waitBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
  // The disk's answer time as the store sees it: a SQLite create is answered only after one.
  if (s.db.observeFlushes) {
    const flushes = new Histogram({
      name: 'pennygate_sqlite_wal_flush_seconds',
      help: 'Time of each fdatasync of the SQLite WAL that group commits wait for',
      buckets: waitBuckets,
      registers: [registry],
    });
    s.db.observeFlushes((seconds) => flushes.observe(seconds));
  }
  // A create answers with its QR code: when the threads that draw them fall behind, creates wait
  // for them after their commit (QR_THREADS).
  const qrCodes = new Histogram({
    name: 'pennygate_qr_render_seconds',
    help: 'Time from asking for a QR code to its image, waiting behind other codes included',
    buckets: waitBuckets,
    registers: [registry],
  });
  s.qr.onRendered = (seconds) => qrCodes.observe(seconds);
  const route = (req: FastifyRequest) => req.routeOptions?.url ?? 'unmatched';
  app.addHook('onResponse', (req, reply, done) => {
    const l = { method: req.method, route: route(req), status: String(reply.statusCode) };
    requests.inc(l);
    latency.observe(l, reply.elapsedTime / 1000);
    done();
  });

  // Store-wide figures are read at each scrape, so every instance reports the same totals. They
  // scan whole tables (about a second over a million verifications on SQLite), so they are read
  // aside (on SQLite on a thread of their own, not on the event loop), and scrapes that arrive
  // together share one reading (the route, below).
  const scan = (sql: string, params: unknown[] = []) => readAside(s.db, sql, params);
  // A store that cannot be read (an outage) leaves its families empty, not the whole page lost:
  // the process, HTTP and event-loop figures are what an operator reads then, with
  // pennygate_store_up at 0.
  const gauge = (name: string, help: string, labelNames: string[], read: (g: Gauge) => Promise<void>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await read(this).catch(() => this.reset());
      },
    });
  gauge('pennygate_store_up', 'Whether this instance could read the store at this scrape (1) or not (0): store-wide figures are missing when 0', [], async (g) => {
    g.set(0);
    await scan('SELECT 1');
    g.set(1);
  });
  // Money by rail: the sandbox's test rupees apart from a live bank's real ones.
  const rails = () => [...new Set(['sandbox', ...(s.rails.live ? [s.rails.live.name] : [])])];
  // Series whose labels are known beforehand are written at 0 when nothing counts, so they do
  // not vanish from dashboards and alert rules (absent is not 0 to a rate() or a comparison).
  const JOB_KINDS = [JOB_EXPIRE, JOB_REFUND, JOB_REVERSE, JOB_MOBILE_RECONCILE, JOB_RECONCILE, JOB_WEBHOOK, JOB_RETENTION];
  const zeroKinds = (g: Gauge) => JOB_KINDS.forEach((kind) => g.set({ kind }, 0));
  // Every value of each type, checked against it: one added there must be added here.
  const DISPOSITIONS = Object.keys({
    verified: 1,
    unmatched: 1,
    late: 1,
    wrong_amount: 1,
    duplicate_payment: 1,
    after_terminal: 1,
  } satisfies Record<CreditDisposition, 1>);
  const STATUSES = Object.keys({ created: 1, success: 1, failure: 1, expired: 1 } satisfies Record<VerificationStatus, 1>);
  // A refund's status as the credits family words it: needs_review apart (set aside for the operator).
  const REFUND_STATUSES = [...Object.keys({ pending: 1, initiated: 1, success: 1, failed: 1 } satisfies Record<ReversalStatus, 1>), 'needs_review'];
  gauge('pennygate_verifications', 'Verifications by kind, mode (test or live) and status', ['kind', 'mode', 'status'], async (g) => {
    for (const kind of ['rpd', 'mobile'])
      for (const mode of s.cfg.access.modes)
        for (const status of STATUSES) g.set({ kind, mode, status }, 0);
    for (const r of await scan('SELECT kind, mode, status, COUNT(*) AS n FROM verifications GROUP BY kind, mode, status'))
      g.set({ kind: r.kind, mode: r.mode, status: r.status }, Number(r.n));
  });
  gauge('pennygate_credits', 'Credits received, by rail, disposition and refund status (needs_review: set aside for the operator)', ['rail', 'disposition', 'refund_status'], async (g) => {
    const rows = await scan(
      `SELECT rail, disposition, CASE WHEN refund_review_at IS NOT NULL AND refund_status <> 'success' THEN 'needs_review' ELSE refund_status END AS st,
              COUNT(*) AS n FROM credits GROUP BY 1, 2, 3`,
    );
    for (const rail of rails())
      for (const disposition of DISPOSITIONS)
        for (const refund_status of REFUND_STATUSES) g.set({ rail, disposition, refund_status }, 0);
    for (const r of rows) g.set({ rail: r.rail, disposition: r.disposition, refund_status: r.st }, Number(r.n));
  });
  const owed = (name: string, help: string, read: (r: Record<string, any>) => number, where = '') =>
    gauge(name, help, ['rail'], async (g) => {
      for (const rail of rails()) g.set({ rail }, 0);
      const rows = await scan(`SELECT rail, COUNT(*) AS n, COALESCE(SUM(amount_paise), 0) AS p FROM credits WHERE refund_status <> 'success'${where} GROUP BY rail`);
      for (const r of rows) g.set({ rail: r.rail }, read(r));
    });
  owed('pennygate_refunds_owed', 'Credits whose rupee has not gone back yet, by rail', (r) => Number(r.n));
  owed('pennygate_refunds_owed_rupees', 'Rupees still owed back, by rail (sandbox: test money)', (r) => Number(r.p) / 100);
  owed(
    'pennygate_refunds_in_review',
    'Refunds set aside for the operator (needs_review: no attempt is sent; GET /admin/refunds/review), by rail',
    (r) => Number(r.n),
    ' AND refund_review_at IS NOT NULL',
  );
  gauge(
    'pennygate_bank_entries_set_aside',
    "Entries of the bank's credit listing the gateway could not read, set aside and not yet resolved by the operator, by rail",
    ['rail'],
    async (g) => {
      if (s.rails.live) g.set({ rail: s.rails.live.name }, 0);
      for (const [rail, n] of await setAside.openByRail(s.db)) g.set({ rail }, n);
    },
  );
  gauge(
    'pennygate_payouts_unsettled',
    'Mobile penny drops whose payout the bank has left unsettled past REFUND_REVIEW_HOURS (GET /admin/payouts/unsettled)',
    [],
    async (g) => {
      const [r] = await scan(`SELECT COUNT(*) AS n FROM verifications v WHERE ${UNSETTLED_PAYOUTS}`, [Date.now() - s.cfg.refundReviewAfterMs]);
      g.set(Number(r.n));
    },
  );
  // By the store's clock, which run_at is due by (jobs/queue.ts claim).
  const now = () => s.db.clock();
  // Waiting: not finished, not a dead letter, not held by a worker (as queue.claim takes them).
  const waiting = 'done_at IS NULL AND dead_at IS NULL AND (locked_until IS NULL OR locked_until < ?)';
  gauge('pennygate_jobs_due', 'Jobs due now and waiting for a worker (queue depth), by kind', ['kind'], async (g) => {
    zeroKinds(g);
    const t = now();
    for (const r of await scan(`SELECT kind, COUNT(*) AS n FROM jobs WHERE ${waiting} AND run_at <= ? GROUP BY kind`, [t, t]))
      g.set({ kind: r.kind }, Number(r.n));
  });
  gauge('pennygate_jobs_running', 'Jobs held by a worker right now, by kind', ['kind'], async (g) => {
    zeroKinds(g);
    for (const r of await scan(`SELECT kind, COUNT(*) AS n FROM jobs WHERE done_at IS NULL AND locked_until > ${s.db.now} GROUP BY kind`))
      g.set({ kind: r.kind }, Number(r.n));
  });
  gauge('pennygate_jobs_scheduled', 'Jobs waiting for a later time, by kind', ['kind'], async (g) => {
    zeroKinds(g);
    const t = now();
    for (const r of await scan(`SELECT kind, COUNT(*) AS n FROM jobs WHERE ${waiting} AND run_at > ? GROUP BY kind`, [t, t]))
      g.set({ kind: r.kind }, Number(r.n));
  });
  gauge('pennygate_jobs_oldest_due_seconds', 'How long the oldest job due and waiting for a worker has waited, by kind', ['kind'], async (g) => {
    zeroKinds(g);
    const t = now();
    for (const r of await scan(`SELECT kind, MIN(run_at) AS at FROM jobs WHERE ${waiting} AND run_at <= ? GROUP BY kind`, [t, t]))
      g.set({ kind: r.kind }, Math.max(0, (t - Number(r.at)) / 1000));
  });
  gauge('pennygate_jobs_dead', 'Jobs that kept failing and stopped (dead letters: GET /admin/jobs/dead), by kind', ['kind'], async (g) => {
    zeroKinds(g);
    for (const r of await scan('SELECT kind, COUNT(*) AS n FROM jobs WHERE dead_at IS NOT NULL AND done_at IS NULL GROUP BY kind')) g.set({ kind: r.kind }, Number(r.n));
  });
  gauge('pennygate_webhook_deliveries', 'Webhook deliveries by status', ['status'], async (g) => {
    for (const status of DELIVERY_STATUSES) g.set({ status }, 0);
    for (const r of await scan('SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status')) g.set({ status: r.status }, Number(r.n));
  });
  gauge('pennygate_webhook_attempts', 'Webhook delivery attempts by outcome', ['outcome'], async (g) => {
    for (const outcome of ['success', 'http_error', 'no_answer']) g.set({ outcome }, 0);
    const rows = await scan(
      `SELECT CASE WHEN status_code >= 200 AND status_code < 300 THEN 'success'
                   WHEN status_code IS NULL THEN 'no_answer' ELSE 'http_error' END AS outcome, COUNT(*) AS n
         FROM webhook_attempts GROUP BY 1`,
    );
    for (const r of rows) g.set({ outcome: r.outcome }, Number(r.n));
  });

  let scrape: Promise<string> | null = null;
  const expected = s.cfg.metricsToken === null ? null : hashSecret(s.cfg.metricsToken);
  app.get('/metrics', { schema: { tags, security, summary: 'Prometheus metrics (with METRICS_TOKEN set, Authorization: Bearer <it>)' } }, async (req, reply) => {
    if (expected) {
      const auth = req.headers.authorization ?? '';
      if (!/^bearer /i.test(auth) || !secretMatches(auth.slice(7), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: { code: 'unauthorized', message: 'Authorization: Bearer <METRICS_TOKEN> is required.' } });
      }
    }
    scrape ??= registry.metrics().finally(() => (scrape = null));
    return reply.type(registry.contentType).send(await scrape);
  });
}
