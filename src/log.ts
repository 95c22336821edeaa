import pino from 'pino';

/** Paths that must never reach a log line, whatever logs them. */
export const REDACT = [
  'req.headers["x-client-secret"]',
  'req.headers.authorization',
  'headers["x-client-secret"]',
  'headers.authorization',
  '*.client_secret',
  '*.clientSecret',
  '*.secret',
];

/** pino's options: JSON lines, or with LOG_FORMAT=pretty coloured lines for a person. */
export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info'): pino.LoggerOptions {
  const pretty = process.env.LOG_FORMAT === 'pretty';
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

export function createLogger(level = process.env.LOG_LEVEL ?? 'info') {
  return pino(loggerOptions(level));
}

/** Account numbers appear in logs only as their last four digits. */
export function maskAccount(account: string | null | undefined): string | null {
  if (!account) return null;
  return account.length <= 4 ? '****' : `${'X'.repeat(account.length - 4)}${account.slice(-4)}`;
}
