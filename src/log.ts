import pino from 'pino';
import type { LogFormat } from './config.js';

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

/**
 * pino's options: JSON lines, or `pretty` (LOG_FORMAT=pretty) coloured lines for a person. The
 * format is the one loadConfig checked, not LOG_FORMAT read again here.
 */
export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = 'json'): pino.LoggerOptions {
  const pretty = format === 'pretty';
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { req: requestForLog },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = 'json') {
  return pino(loggerOptions(level, format));
}

/** Account numbers appear in logs only as their last four digits. */
export function maskAccount(account: string | null | undefined): string | null {
  if (!account) return null;
  return account.length <= 4 ? '****' : `${'X'.repeat(account.length - 4)}${account.slice(-4)}`;
}

/**
 * A request as its log lines show it (Fastify's own fields). The verification search's text (the
 * console's, the operator API's) is the one URL that may carry a whole account number (an
 * operator pastes it in): its digit runs are masked like any account number in the logs.
 */
export function requestForLog(req: any) {
  return {
    method: req.method,
    url: urlForLog(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

// The search text of any URL (the console's and the operator API's verification searches,
// however their path is written: doubled slashes, percent-escapes, the absolute form): its digit
// runs, anything but letters between them, masked like any account number. Not tied to the
// path, so no spelling of the path the router takes can let a whole number through.
const DIGIT_RUN = /\d(?:[^\p{L}\d]*\d){4,}/gu;

export function urlForLog(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return url;
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  if (!params.has('q')) return url;
  const masked = new URLSearchParams();
  for (const [k, v] of params) masked.append(k, k === 'q' ? v.replace(DIGIT_RUN, (d) => maskAccount(d.replace(/\D/g, ''))!) : v);
  return `${url.slice(0, at)}?${masked}`;
}
