// Wires the parts together: store, rails, engine, jobs, HTTP.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openDb, type Db } from './store/db.js';
import { schema } from './store/schema.js';
import { RailRegistry } from './rails/index.js';
import { Engine, JOB_EXPIRE, JOB_REVERSE } from './engine/verifications.js';
import { Merchants } from './engine/merchants.js';
import { JobRunner } from './jobs/runner.js';
import { buildApp } from './app.js';
import type { Services } from './services.js';

/** Opens the store and builds the services, without serving HTTP or running jobs (the CLI uses this). */
export async function openServices(cfg: Config, log: Logger): Promise<Services> {
  const db: Db = await openDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
  await db.migrate(schema(db.kind));
  const rails = new RailRegistry(db, cfg);
  await rails.sandbox.init();
  const engine = new Engine(
    db,
    rails,
    {
      rpdTtlMs: cfg.rpdTtlMs,
      reversalDelayMs: cfg.reversalDelayMs,
      refundPollMs: cfg.refundPollMs,
      refundRetryBaseMs: cfg.refundRetryBaseMs,
    },
    log,
  );
  return { cfg, db, engine, merchants: new Merchants(db, cfg.secretKey), rails };
}

export async function startGateway(cfg: Config, log: Logger) {
  const s = await openServices(cfg, log);
  const runner = new JobRunner(
    s.db,
    {
      [JOB_EXPIRE]: (job) => s.engine.expire(Number(job.subject)),
      [JOB_REVERSE]: (job) => s.engine.reverse(job.subject),
    },
    { pollMs: cfg.jobPollMs, leaseMs: 60_000, concurrency: cfg.jobConcurrency, log },
  );
  s.engine.onWork = () => runner.wake();
  const app = await buildApp(s);
  await app.listen({ port: cfg.port, host: cfg.host });
  runner.start();
  s.rails.sandbox.start(s.engine);
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
      s.rails.sandbox.stop();
      await app.close();
      await runner.stop();
      await s.db.close();
    },
  };
}
