import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startGateway } from './gateway.js';

const cfg = loadConfig();
const log = createLogger(cfg.logLevel);
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
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  },
);
