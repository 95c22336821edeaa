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

export function createLogger(level = process.env.LOG_LEVEL ?? 'info') {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } });
}

/** Account numbers appear in logs only as their last four digits. */
export function maskAccount(account: string | null | undefined): string | null {
  if (!account) return null;
  return account.length <= 4 ? '****' : `${'X'.repeat(account.length - 4)}${account.slice(-4)}`;
}
