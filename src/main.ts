import { SettingError, loadConfig, type Config } from './config.js';
import { createLogger } from './log.js';
import { startGateway } from './gateway.js';

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
