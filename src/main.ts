import { SettingError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { startGateway } from './gateway.js';

/** How long a graceful stop may take (below an orchestrator's usual 30 s before it kills). */
const SHUTDOWN_WITHIN_MS = 20_000;

let cfg: Config;
try {
  cfg = loadConfig();
} catch (err) {
  // Before a logger exists: one plain line naming the setting.
  process.stderr.write(`pennygate: ${(err as Error).message}\n`);
  process.exit(1);
}
const log = createLogger(cfg.logLevel, cfg.logFormat);
startGateway(cfg, log).then(
  (gw) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      // Bounded: a statement stuck on a dead connection (PG_STATEMENT_DEADLINE_MS=0) would hold the
      // pool's close for ever. What is still in flight then ends as after a crash: its transaction
      // rolls back, and its jobs are taken up again by the next instance.
      setTimeout(() => {
        log.error({ signal, within_ms: SHUTDOWN_WITHIN_MS }, 'shutdown did not finish in time: exiting');
        log.flush?.(() => process.exit(1));
        setTimeout(() => process.exit(1), 500).unref();
      }, SHUTDOWN_WITHIN_MS).unref();
      gw.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  },
  (err) => {
    if (err instanceof SettingError) log.fatal(`failed to start: ${err.message}`);
    else log.fatal({ err }, 'failed to start');
    // Let the log line out (a pretty-printing transport writes from a worker) before exiting.
    log.flush?.(() => process.exit(1));
    setTimeout(() => process.exit(1), 500).unref();
  },
);
