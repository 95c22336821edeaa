// Wires the parts together: store, rails, engine, jobs, HTTP.
import type { Logger } from 'pino';
import { SettingError, safeUrl, type Config } from './config.js';
import { isStoreUnavailable, openDb, type Db } from './store/db.js';
import { migrate, SchemaTooNewError } from './store/migrate.js';
import { RailRegistry } from './rails/index.js';
import { UnknownRail } from './rails/rail.js';
import { startExpirySweep } from './jobs/expiry.js';
import { loopFailureLog } from './jobs/outage-log.js';
import { Engine, JOB_EXPIRE, JOB_REFUND, JOB_REVERSE } from './engine/verifications.js';
import { Merchants } from './engine/merchants.js';
import { RateLimiter, SharedRateLimiter } from './engine/rate-limit.js';
import { Billing, priceOf } from './engine/billing.js';
import { JobRunner } from './jobs/runner.js';
import { JOB_WEBHOOK, Webhooks } from './jobs/webhooks.js';
import { buildApp } from './app.js';
import { JOB_MOBILE_RECONCILE, MobileVerifications } from './engine/mobile.js';
import { initIfscDirectory } from './store/ifsc.js';
import type { Services } from './services.js';
import { looserThanPrivate } from './store/files.js';
import { JOB_RETENTION, Retention } from './jobs/retention.js';
import { removePidFile, writePidFile } from './store/backup.js';
import { BankIntake } from './rails/connector/intake.js';
import { JOB_RECONCILE, Reconciliation } from './engine/reconciliation.js';
import { QrRenderer } from './engine/qr-pool.js';

/**
 * Opens the store and builds the services, without serving HTTP or running jobs. The CLI uses
 * this with `server` false: no worker threads (it renders the odd QR code, and SQLite makes its
 * checkpoints, on its own thread).
 */
export async function openServices(cfg: Config, log: Logger, server = false): Promise<Services> {
  const db = await openStore(cfg, log, server);
  const qr = new QrRenderer(server ? cfg.qrThreads : 0, log);
  const rails = new RailRegistry(db, cfg);
  await initIfscDirectory(db);
  const engine = new Engine(
    db,
    rails,
    {
      rpdTtlMs: cfg.rpdTtlMs,
      reversalDelayMs: cfg.reversalDelayMs,
      refundPollMs: cfg.refundPollMs,
      refundRetryBaseMs: cfg.refundRetryBaseMs,
      railTimeoutMs: cfg.railTimeoutMs,
      refundPollCapMs: cfg.refundPollCapMs,
      refundNotFoundGraceMs: cfg.refundNotFoundGraceMs,
      refundReviewAfterMs: cfg.refundReviewAfterMs,
      notificationGraceMs: cfg.notificationGraceMs,
    },
    log,
  );
  const merchants = new Merchants(db, cfg.secretKey, { liveKeys: rails.live !== null });
  await merchants.checkSecretKey();
  const webhooks = new Webhooks(db, merchants, cfg, log, (v) => engine.upiLink(v), (text) => qr.base64(text));
  engine.onEvent = webhooks.onEvent;
  const mobile = new MobileVerifications(
    db,
    rails,
    engine,
    { railTimeoutMs: cfg.mobileRailTimeoutMs, pollMs: cfg.refundPollMs, notSentAfterMs: cfg.mobilePayoutNotSentAfterMs, reviewAfterMs: cfg.refundReviewAfterMs },
    log,
  );
  const retention = new Retention(db, cfg, log);
  const billing = new Billing(db);
  engine.charge = mobile.charge = (q, p, op, refId) => billing.charge(q, p.merchant, op, refId);
  engine.priced = (p, op) => priceOf(p.merchant.settings, op) > 0;
  mobile.countPayout = (q, p, refId, at) => billing.countPayout(q, p.merchant, p.mode, refId, at);
  mobile.releasePayout = (q, merchantId, mode, refId, createdAt) => billing.releasePayout(q, merchantId, mode, refId, createdAt);
  mobile.affordable = (p, op) => billing.affordable(p.merchant, op);
  // Instances sharing PostgreSQL share their counters; a SQLite store has one instance.
  const limiter = db.kind === 'postgres' ? new SharedRateLimiter(db) : new RateLimiter();
  const bank = rails.live && cfg.live ? new BankIntake(db, rails.live, engine, cfg.live, log, cfg.notificationGraceMs) : null;
  engine.intakeCaughtUp = async (rail) =>
    rail === rails.sandbox.name ? rails.sandbox.caughtUpTo() : bank && rail === bank.rail.name ? bank.caughtUpTo() : db.clock();
  engine.intakeListingLagMs = (rail) => (bank && rail === bank.rail.name ? bank.listingLagMs : 0);
  const reconciliation = rails.live && cfg.live ? new Reconciliation(db, rails.live, cfg.live, log) : null;
  return { cfg, db, engine, merchants, rails, webhooks, mobile, retention, bank, reconciliation, limiter, billing, qr };
}

/** Opens and migrates the store; a failure names the setting that chose it. */
async function openStore(cfg: Config, log: Logger, server: boolean): Promise<Db> {
  // A gateway started with its database (a host booting, a whole stack brought up at once) may
  // come up first: it waits for the server, saying so, rather than exit for its supervisor to
  // start it again until a restart limit gives up on it. The command line does not wait.
  const waitUntil = server && cfg.databaseUrl ? Date.now() + cfg.pg.startWaitMs : 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStoreOnce(cfg, log, server);
    } catch (err) {
      const cause = err instanceof SettingError ? err.cause : err;
      const pause = Math.min(5000, 500 * 2 ** Math.min(attempt, 4));
      if (!isStoreUnavailable(cause) || Date.now() + pause > waitUntil) throw err;
      log.warn({ attempt, reason: (cause as Error).message, waits_until: new Date(waitUntil).toISOString() }, 'the database cannot be reached yet: waiting for it (PG_START_WAIT_SECONDS)');
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

async function openStoreOnce(cfg: Config, log: Logger, server: boolean): Promise<Db> {
  let db: Db | undefined;
  try {
    db = await openDb({ databaseUrl: cfg.databaseUrl, pg: cfg.pg, dataDir: cfg.dataDir, sqliteSynchronous: cfg.sqliteSynchronous, server });
    await migrate(db, log);
    await db.syncClock();
    return db;
  } catch (err) {
    await db?.close().catch(() => {});
    if (err instanceof SchemaTooNewError) throw err; // the store is fine; this build is too old for it
    const why = (err as Error).message;
    if (cfg.databaseUrl) throw new SettingError(`DATABASE_URL ${safeUrl(cfg.databaseUrl)} cannot be used: ${why}`, { cause: err });
    throw new SettingError(`DATA_DIR ${cfg.dataDir}: the SQLite store cannot be opened: ${why}`, { cause: err });
  }
}

export async function startGateway(cfg: Config, log: Logger) {
  const s = await openServices(cfg, log, true);
  const runner: JobRunner = new JobRunner(
    s.db,
    {
      [JOB_EXPIRE]: (job) => s.engine.expire(Number(job.subject)),
      // With the run's lease, which the send of an attempt is fenced on (Engine.reverse).
      [JOB_REFUND]: (job) => s.engine.reverse(job.subject, { jobId: job.id, worker: runner.worker }),
      [JOB_REVERSE]: (job) => s.engine.reverse(job.subject, { jobId: job.id, worker: runner.worker }),
      [JOB_MOBILE_RECONCILE]: (job) => s.mobile.reconcile(Number(job.subject), job.attempts),
      [JOB_RETENTION]: s.retention.handler,
      ...(s.reconciliation ? { [JOB_RECONCILE]: s.reconciliation.handler } : {}),
    },
    {
      pollMs: cfg.jobPollMs,
      leaseMs: cfg.jobLeaseMs,
      concurrency: cfg.jobConcurrency,
      maxFailures: cfg.jobMaxFailures,
      maxAgeMs: cfg.jobMaxAgeMs,
      log,
      // Instances sharing PostgreSQL may differ in rails (one without the bank connector): each
      // claims only the jobs it can run. A SQLite store has one instance: a job of a rail it lacks
      // fails, and ends a dead letter for the operator.
      ...(s.db.kind === 'postgres' ? { rails: s.rails.names(), needs: (err: unknown) => (err instanceof UnknownRail ? err.rail : null) } : {}),
    },
  );
  // Webhooks run apart from money jobs, so a slow receiver never delays a refund or an expiry.
  const webhookRunner = new JobRunner(
    s.db,
    { [JOB_WEBHOOK]: (job) => s.webhooks.deliver(job.subject, job.id) },
    {
      pollMs: cfg.jobPollMs,
      leaseMs: cfg.jobLeaseMs,
      concurrency: cfg.webhook.concurrency,
      maxFailures: cfg.jobMaxFailures,
      maxAgeMs: cfg.jobMaxAgeMs,
      log,
      // Per merchant lanes: a receiver at its share is passed over, not claimed and put back.
      claim: s.webhooks.claim,
    },
  );
  s.webhooks.onWork = () => webhookRunner.wake();
  s.engine.onWork = () => {
    runner.wake();
    webhookRunner.wake();
  };

  if (s.db.kind === 'sqlite') {
    writePidFile(cfg.dataDir); // `pennygate restore` refuses to run under a live gateway
    for (const f of looserThanPrivate(cfg.dataDir)) {
      log.warn({ path: f.path, mode: f.mode }, 'readable by other users: it holds personal data and secrets (chmod go-rwx)');
    }
  }
  const app = await buildApp(s);
  try {
    await app.listen({ port: cfg.port, host: cfg.host });
  } catch (err) {
    await app.close().catch(() => {});
    await s.qr.close();
    await s.db.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    const where = `PORT=${cfg.port} on HOST=${cfg.host}`;
    if (code === 'EADDRINUSE') throw new SettingError(`${where} is in use by another process: choose another PORT`);
    if (code === 'EACCES') throw new SettingError(`${where} needs privileges: choose a PORT above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new SettingError(`HOST=${cfg.host} is not an address of this machine`);
    throw err;
  }
  runner.start();
  webhookRunner.start();
  void s.webhooks.refusedUrls().then(
    (refused) => {
      for (const w of refused) {
        log.warn({ merchant_id: w.merchantId, host: w.host, reason: w.reason }, 'a webhook URL is refused: its events are not delivered until it is set again with https (or the gateway runs with WEBHOOK_ALLOW_HTTP=true)');
      }
    },
    (err) => log.warn({ err }, 'checking the stored webhook URLs failed'),
  );
  const expiry = startExpirySweep((limit) => s.engine.expireDue(limit), cfg.jobPollMs, log);
  // Any instance may enqueue the interval's purge; its dedupe key lets exactly one run it.
  // Each runs once a minute: while the store is unreachable, a warning now and then, not a stack a minute.
  const retentionFailed = loopFailureLog(log, 'scheduling the retention purge failed');
  const scheduleRetention = () => void s.retention.schedule().then(() => runner.wake(), retentionFailed);
  scheduleRetention();
  const retentionTimer = setInterval(scheduleRetention, Math.min(cfg.retentionEveryMs, 60_000));
  retentionTimer.unref();
  s.rails.sandbox.start(s.engine);
  // Live mode: credits whose notification never came are pulled on a schedule, and yesterday's
  // statement is reconciled daily (one instance runs each day's job, by its dedupe key).
  s.bank?.start();
  const reconcileFailed = loopFailureLog(log, 'scheduling the reconciliation failed');
  const scheduleReconcile = () => void s.reconciliation?.schedule().then(() => runner.wake(), reconcileFailed);
  scheduleReconcile();
  const reconcileTimer = setInterval(scheduleReconcile, Math.min(cfg.live?.reconcileEveryMs ?? 60_000, 60_000));
  reconcileTimer.unref();
  log.info(
    {
      port: cfg.port,
      store: s.db.kind,
      data_dir: s.db.kind === 'sqlite' ? cfg.dataDir : undefined,
      public_url: cfg.publicUrl,
      admin_token_file: cfg.adminTokenFile,
    },
    'pennygate listening',
  );
  return {
    app,
    services: s,
    async stop() {
      clearInterval(retentionTimer);
      clearInterval(reconcileTimer);
      s.rails.sandbox.stop();
      s.bank?.stop();
      await app.close();
      await s.qr.close();
      await expiry.stop();
      await runner.stop();
      await webhookRunner.stop();
      await s.db.close();
      if (s.db.kind === 'sqlite') removePidFile(cfg.dataDir);
    },
  };
}
