// Everything the operator can set, read once from the environment (documented in README.md).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { isInsideNetwork, isLocalName, parseCidr } from './engine/cidr.js';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  /** Read whether or not DATABASE_URL is set: a bad value is refused either way. */
  pg: PgSettings;
  /** SQLite's durability (see src/store/sqlite.ts); like `pg`, checked whichever store is used. */
  sqliteSynchronous: SqliteSynchronous;
  adminToken: string;
  adminTokenFile?: string;
  /** When set, `/metrics` answers only `Authorization: Bearer <it>` (a Prometheus scrape's credentials). */
  metricsToken: string | null;
  secretKey: Buffer;
  rpdTtlMs: number;
  reversalDelayMs: number;
  refundPollMs: number;
  refundRetryBaseMs: number;
  railTimeoutMs: number;
  rateLimitPerMinute: number;
  /** Access (rate limit per IP, key modes, proxies): see engine/access.ts. */
  access: AccessConfig;
  jobPollMs: number;
  jobConcurrency: number;
  /** Worker threads rendering the QR codes that creates answer with (0: on the event loop). */
  qrThreads: number;
  jobLeaseMs: number;
  jobMaxFailures: number;
  jobMaxAgeMs: number;
  /** Personal fields are erased, and events and logs deleted, this long after (0: kept for ever). */
  retentionMs: number;
  retentionEveryMs: number;
  /** A refund owed longer than this is logged at error level and flagged to the operator. */
  refundAlertMs: number;
  sandbox: {
    enabled: boolean;
    payeeVpa: string;
    payeeName: string;
    refundSettleMs: number;
    latencyMs: number;
    /** How long the sandbox's slow bank takes to answer a payout. */
    slowPayoutMs: number;
    /** How long a refund is invisible to the sandbox bank's status query after it was sent. */
    statusLagMs: number;
    /** Sandbox pay and notify calls per remote address per minute (0: none). */
    writesPerMinute: number;
  };
  /** A live bank connector's address: when set, the sandbox is off unless SANDBOX_ENABLED=true. */
  bankConnectorUrl?: string;
  /** Live mode (docs/bank-connector.md): set when BANK_CONNECTOR_URL is. */
  live?: LiveConfig;
  /** A verification expires this long after valid_upto (a notice of a payment made in time may be late). */
  notificationGraceMs: number;
  /** Longest wait between two status questions about an unsettled refund. */
  refundPollCapMs: number;
  /** A refund status "not found" counts as unknown this long after the send. */
  refundNotFoundGraceMs: number;
  /** A refund unsettled this long after it fell due (its credit plus the reversal delay) goes to the operator's review. */
  refundReviewAfterMs: number;
  /** How long after a verification ends the hosted page still sends the customer to redirect_url. */
  redirectWindowMs: number;
  http: HttpLimits;
  webhookAllowPrivate: boolean;
  /** Plain http webhook URLs to hosts on the internet (events then cross it in clear). */
  webhookAllowHttp: boolean;
  /** How long a mobile penny drop waits for each rail call before answering 502. */
  mobileRailTimeoutMs: number;
  mobilePayoutNotSentAfterMs: number;
  webhook: { timeoutMs: number; retryBaseMs: number; retryCapMs: number; retryForMs: number; concurrency: number; perMerchant: number };
  logLevel: string;
  logFormat: LogFormat;
}

export interface AccessConfig {
  /** Requests per client address per minute, before authentication (0: none). */
  perIpPerMinute: number;
  /** Key modes this instance accepts: a production instance runs ['live']. */
  modes: ('test' | 'live')[];
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[];
}

export interface LiveConfig {
  connectorUrl: string;
  /** Signs requests to the connector and verifies its notifications (HMAC-SHA256). */
  secret: string;
  payeeVpa: string;
  payeeName: string;
  mcc: string;
  /** How far a notification's timestamp may be from this clock. */
  toleranceMs: number;
  /** How often credits are pulled from the connector since the stored cursor. */
  pullEveryMs: number;
  /** How often reconciliation of the previous day runs (and logs differences at error level). */
  reconcileEveryMs: number;
}

/** PostgreSQL's pool and the safeguards on its sessions (see src/store/postgres.ts). */
export interface PgSettings {
  /** Connections per instance. */
  poolSize: number;
  /** The server ends a gateway transaction that waits this long for its next statement (0: never). */
  idleInTransactionTimeoutMs: number;
  /** A connection not made, or not free in the pool, within this fails (0: wait for ever). */
  connectTimeoutMs: number;
  /** A statement without an answer within this fails, and its connection is dropped (0: none). */
  statementDeadlineMs: number;
  /** Statements are prepared once per connection (false: sent unnamed, for a pooler that cannot keep them). */
  prepare: boolean;
  /** A gateway starting while the server cannot be reached waits this long for it before it gives up (0: not at all). */
  startWaitMs: number;
}

/** What one HTTP client may hold: timeouts and connection caps (see src/web/limits.ts). */
export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

/** A start-up failure that a setting explains; its message names the setting. */
export class SettingError extends Error {}

/** A connection URL fit for a log line: the password is hidden. */
export function safeUrl(u: string): string {
  try {
    const url = new URL(u);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(not a valid URL)';
  }
}

function num(env: NodeJS.ProcessEnv, name: string, dflt: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new SettingError(`${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * A whole number from `min` to `max`, in decimal digits only: a unit ("10s") or a fraction is
 * refused rather than read as something else (a safeguard's 0, "off", or a default).
 */
function whole(env: NodeJS.ProcessEnv, name: string, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new SettingError(`${name} must be a whole number ${range}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * A switch: `true` or `false`, else the default when unset. Anything else stops the start: read
 * as "not false", SANDBOX_ENABLED=0 turned the sandbox on, on a live instance too.
 */
function flag(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new SettingError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

const DATA_DIR_PROBLEMS: Record<string, string> = {
  ENOTDIR: 'a part of its path is a file, not a directory',
  EACCES: 'this user may not write in it',
  EPERM: 'this user may not write in it',
  EROFS: 'it is on a read-only file system',
};

/** Reads a secret from the environment, else from a file under DATA_DIR, creating it once. */
function persistentSecret(dataDir: string, file: string, make: () => string): { value: string; path: string } {
  const path = join(dataDir, file);
  let made = false;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    made = true;
    if (!existsSync(path)) writeFileSync(path, make() + '\n', { mode: 0o600, flag: 'wx' });
    return { value: readFileSync(path, 'utf8').trim(), path };
  } catch (err) {
    // The system call's own words ("EEXIST: file already exists, mkdir ...") name a path, not
    // the setting that chose it.
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EEXIST' && !made ? 'it is a file, not a directory' : DATA_DIR_PROBLEMS[e.code ?? ''];
    throw new SettingError(`DATA_DIR ${dataDir} cannot be used: ${why ? `${why} (${e.message})` : e.message}`);
  }
}

/** The SQLite store's folder: DATA_DIR, else ./data, as an absolute path. */
export const dataDirOf = (env: NodeJS.ProcessEnv = process.env) => resolve(env.DATA_DIR || './data');

function secretKeyOf(key: string): Buffer {
  const secretKey = Buffer.from(key, /^[0-9a-f]{64}$/i.test(key) ? 'hex' : 'base64');
  if (secretKey.length !== 32) throw new SettingError('SECRET_KEY must be 32 bytes, hex or base64');
  return secretKey;
}

/**
 * The key a gateway started with `env` would seal with, and where it comes from, without making
 * one: null when SECRET_KEY is unset and DATA_DIR holds no secret-key yet.
 */
export function existingSecretKey(env: NodeJS.ProcessEnv = process.env): { key: Buffer; source: string } | null {
  if (env.SECRET_KEY) return { key: secretKeyOf(env.SECRET_KEY), source: 'SECRET_KEY' };
  const path = join(dataDirOf(env), 'secret-key');
  return existsSync(path) ? { key: secretKeyOf(readFileSync(path, 'utf8').trim()), source: path } : null;
}

/** An operator token shorter than this is refused: it guards every merchant's keys and money. */
export const ADMIN_TOKEN_MIN = 24;

/**
 * PUBLIC_URL, the base of every link handed out, as the URL standard writes it (scheme and host in
 * lower case, so `HTTPS://` is https for the console cookie's Secure flag as for HSTS), without a
 * trailing slash. A value that is no http(s) base (a typo, a query or fragment that every link
 * would carry) stops the start instead of being handed to customers.
 */
function publicUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SettingError(`PUBLIC_URL must be an absolute http or https URL, got ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SettingError(`PUBLIC_URL must be an http or https URL, got ${JSON.stringify(raw)}`);
  // Tested on the text: an empty `?` or `#` leaves no search or hash to see.
  if (u.username || u.password || /[?#]/.test(raw)) {
    throw new SettingError(`PUBLIC_URL must be a base URL without credentials, query or fragment, got ${JSON.stringify(raw)}`);
  }
  return `${u.protocol}//${u.host}${u.pathname}`.replace(/\/+$/, '');
}

/** The operator token `value` (from ADMIN_TOKEN, or `file`) if it is long enough, else a SettingError. */
export function checkAdminToken(value: string, file?: string): string {
  if (value.length >= ADMIN_TOKEN_MIN) return value;
  const source = file ? `the admin token in ${file}` : 'ADMIN_TOKEN';
  throw new SettingError(
    `${source} must be at least ${ADMIN_TOKEN_MIN} characters, got ${value.length}: set a long random one (for example \`openssl rand -base64 24\`)`,
  );
}

/** `/metrics` shows business totals (verifications, rupees owed): a token guards it when set. */
function metricsToken(env: NodeJS.ProcessEnv): string | null {
  const t = env.METRICS_TOKEN;
  if (t === undefined || t === '') return null;
  if (t.length < 16 || !/^[\x21-\x7e]+$/.test(t)) {
    throw new SettingError('METRICS_TOKEN must be at least 16 visible ASCII characters (for example `openssl rand -base64 24`)');
  }
  return t;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = num(env, 'PORT', 8080);
  if (!Number.isInteger(port) || port > 65535) throw new SettingError(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(env.PORT)}`);
  const dataDir = dataDirOf(env);
  const admin = env.ADMIN_TOKEN
    ? { value: env.ADMIN_TOKEN, path: undefined }
    : persistentSecret(dataDir, 'admin-token', () => randomBytes(24).toString('base64url'));
  const secretKey = secretKeyOf(
    env.SECRET_KEY ? env.SECRET_KEY : persistentSecret(dataDir, 'secret-key', () => randomBytes(32).toString('base64')).value,
  );
  return {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl: publicUrl(env.PUBLIC_URL || `http://localhost:${port}`),
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    pg: pgSettings(env),
    sqliteSynchronous: sqliteSynchronous(env),
    adminToken: checkAdminToken(admin.value, admin.path),
    adminTokenFile: admin.path,
    metricsToken: metricsToken(env),
    secretKey,
    rpdTtlMs: num(env, 'RPD_LINK_TTL_SECONDS', 600, 1) * 1000,
    reversalDelayMs: num(env, 'REVERSAL_DELAY_SECONDS', 0) * 1000,
    refundPollMs: num(env, 'REFUND_POLL_MS', 1000, 10),
    refundRetryBaseMs: num(env, 'REFUND_RETRY_BASE_MS', 5000, 10),
    railTimeoutMs: num(env, 'RAIL_TIMEOUT_MS', 10_000, 10),
    rateLimitPerMinute: num(env, 'RATE_LIMIT_PER_MINUTE', 0),
    access: accessConfig(env),
    jobPollMs: num(env, 'JOB_POLL_MS', 250, 10),
    jobConcurrency: num(env, 'JOB_CONCURRENCY', 16, 1),
    qrThreads: Math.floor(num(env, 'QR_THREADS', 1, 0)),
    jobLeaseMs: num(env, 'JOB_LEASE_MS', 30_000, 100),
    jobMaxFailures: num(env, 'JOB_MAX_FAILURES', 20, 1),
    jobMaxAgeMs: num(env, 'JOB_MAX_AGE_HOURS', 72, 0.0001) * 3_600_000,
    retentionMs: num(env, 'DATA_RETENTION_DAYS', 90) * 86_400_000,
    retentionEveryMs: num(env, 'RETENTION_INTERVAL_MINUTES', 60, 0.01) * 60_000,
    refundAlertMs: num(env, 'REFUND_ALERT_HOURS', 48, 0.0001) * 3_600_000,
    sandbox: {
      // Off by default once a live connector is configured: a production gateway serves no simulator.
      enabled: flag(env, 'SANDBOX_ENABLED', !env.BANK_CONNECTOR_URL),
      payeeVpa: env.SANDBOX_PAYEE_VPA || 'pennygate@sandbox',
      payeeName: env.SANDBOX_PAYEE_NAME || 'pennygate',
      refundSettleMs: num(env, 'SANDBOX_REFUND_SETTLE_MS', 1000),
      latencyMs: num(env, 'SANDBOX_LATENCY_MS', 0),
      writesPerMinute: num(env, 'SANDBOX_WRITES_PER_MINUTE', 600),
      slowPayoutMs: num(env, 'SANDBOX_SLOW_PAYOUT_MS', 1500),
      statusLagMs: num(env, 'SANDBOX_STATUS_LAG_MS', 0),
    },
    bankConnectorUrl: env.BANK_CONNECTOR_URL || undefined,
    live: liveConfig(env),
    notificationGraceMs: num(env, 'NOTIFICATION_GRACE_SECONDS', 120) * 1000,
    refundPollCapMs: num(env, 'REFUND_POLL_CAP_MS', 300_000, 10),
    refundNotFoundGraceMs: num(env, 'REFUND_NOT_FOUND_GRACE_MS', 900_000),
    refundReviewAfterMs: num(env, 'REFUND_REVIEW_HOURS', 24, 0.0001) * 3_600_000,
    redirectWindowMs: num(env, 'REDIRECT_WINDOW_SECONDS', 300) * 1000,
    http: httpLimits(env),
    webhookAllowPrivate: flag(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    webhookAllowHttp: flag(env, 'WEBHOOK_ALLOW_HTTP', false),
    mobileRailTimeoutMs: num(env, 'MOBILE_RAIL_TIMEOUT_MS', 10_000, 100),
    mobilePayoutNotSentAfterMs: num(env, 'MOBILE_PAYOUT_NOT_SENT_AFTER_MS', 600_000, 1000),
    webhook: {
      timeoutMs: num(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100),
      retryBaseMs: num(env, 'WEBHOOK_RETRY_BASE_MS', 30_000, 10),
      retryCapMs: num(env, 'WEBHOOK_RETRY_CAP_MS', 2 * 3_600_000, 10),
      retryForMs: num(env, 'WEBHOOK_RETRY_HOURS', 24, 0.0001) * 3_600_000,
      concurrency: num(env, 'WEBHOOK_CONCURRENCY', 32, 1),
      perMerchant: num(env, 'WEBHOOK_PER_MERCHANT', 4, 1),
    },
    logLevel: logLevel(env),
    logFormat: logFormat(env),
  };
}

/** pino's levels and `silent`: pino throws on any other, with a stack and no word of LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: NodeJS.ProcessEnv): string {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (LOG_LEVELS.includes(raw)) return raw;
  throw new SettingError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(raw)}`);
}

/** Any other LOG_FORMAT was read as json: `text` or `PRETTY`, meant for a person, gave JSON. */
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

function logFormat(env: NodeJS.ProcessEnv): LogFormat {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '') return 'json';
  if ((LOG_FORMATS as readonly string[]).includes(raw)) return raw as LogFormat;
  throw new SettingError(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}; got ${JSON.stringify(raw)}`);
}

function accessConfig(env: NodeJS.ProcessEnv): AccessConfig {
  const list = (name: string, dflt: string) => (env[name] || dflt).split(',').map((x) => x.trim()).filter(Boolean);
  const modes = list('KEY_MODES', 'test,live');
  if (modes.length === 0 || modes.some((m) => m !== 'test' && m !== 'live')) {
    throw new SettingError(`KEY_MODES must be test, live or test,live, got ${JSON.stringify(env.KEY_MODES)}`);
  }
  const trustedProxies = list('TRUSTED_PROXIES', '');
  for (const c of trustedProxies) if (!parseCidr(c)) throw new SettingError(`TRUSTED_PROXIES: ${JSON.stringify(c)} is not an address or CIDR`);
  return { perIpPerMinute: num(env, 'RATE_LIMIT_PER_IP_PER_MINUTE', 0), modes: modes as AccessConfig['modes'], trustedProxies };
}

function liveConfig(env: NodeJS.ProcessEnv): LiveConfig | undefined {
  const url = env.BANK_CONNECTOR_URL;
  const allowHttp = flag(env, 'BANK_CONNECTOR_ALLOW_HTTP', false); // read first: a bad value stops the start either way
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new SettingError(`BANK_CONNECTOR_URL must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  // The connector's answers are not signed: over plain http, anyone on the path could list
  // credits that never came (a verified account, a refund owed) or read payers' accounts.
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol === 'http:' && !(isIP(host) ? isInsideNetwork(host) : isLocalName(host)) && !allowHttp) {
    throw new SettingError(
      `BANK_CONNECTOR_URL is plain http to ${host}, which is not inside the network: use https, or set BANK_CONNECTOR_ALLOW_HTTP=true ` +
        '(the connector\'s answers carry payers\' accounts and are not signed)',
    );
  }
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new SettingError(`${name} must be set when BANK_CONNECTOR_URL is (live mode, see docs/bank-connector.md)`);
    return v;
  };
  const secret = need('BANK_CONNECTOR_SECRET');
  if (secret.length < 16) throw new SettingError('BANK_CONNECTOR_SECRET must be at least 16 characters');
  const payeeVpa = need('LIVE_PAYEE_VPA');
  if (!/^[a-zA-Z0-9.\-_]{2,256}@[a-zA-Z]{2,64}$/.test(payeeVpa)) throw new SettingError(`LIVE_PAYEE_VPA is not a VPA: ${JSON.stringify(payeeVpa)}`);
  const mcc = need('LIVE_MCC');
  if (!/^\d{4}$/.test(mcc)) throw new SettingError(`LIVE_MCC must be a 4-digit merchant category code, got ${JSON.stringify(mcc)}`);
  return {
    connectorUrl: url.replace(/\/+$/, ''),
    secret,
    payeeVpa,
    payeeName: need('LIVE_PAYEE_NAME'),
    mcc,
    toleranceMs: num(env, 'BANK_NOTIFICATION_TOLERANCE_SECONDS', 300, 1) * 1000,
    pullEveryMs: num(env, 'BANK_PULL_INTERVAL_MS', 30_000, 50),
    reconcileEveryMs: num(env, 'RECONCILE_INTERVAL_HOURS', 24, 0.0001) * 3_600_000,
  };
}

/**
 * The longest timeout in milliseconds that Node's timers and PostgreSQL's timeout settings hold
 * (2^31 - 1): a timer set longer fires at once, and the server refuses a longer setting in every
 * transaction.
 */
const MAX_TIMEOUT_MS = 2_147_483_647;

export function pgSettings(env: NodeJS.ProcessEnv): PgSettings {
  return {
    poolSize: whole(env, 'PG_POOL_SIZE', 10, 1),
    idleInTransactionTimeoutMs: whole(env, 'PG_IDLE_IN_TRANSACTION_TIMEOUT_MS', 10_000, 0, MAX_TIMEOUT_MS),
    connectTimeoutMs: whole(env, 'PG_CONNECT_TIMEOUT_MS', 5_000, 0, MAX_TIMEOUT_MS),
    statementDeadlineMs: whole(env, 'PG_STATEMENT_DEADLINE_MS', 15_000, 0, MAX_TIMEOUT_MS),
    prepare: flag(env, 'PG_PREPARE', true),
    startWaitMs: whole(env, 'PG_START_WAIT_SECONDS', 60, 0, 86_400) * 1000,
  };
}

export type SqliteSynchronous = 'FULL' | 'NORMAL';

/**
 * Checked here rather than where the store is opened: there a bad value stopped the start with a
 * line about DATA_DIR and the SQLite store, not about the setting.
 */
function sqliteSynchronous(env: NodeJS.ProcessEnv): SqliteSynchronous {
  const raw = env.SQLITE_SYNCHRONOUS;
  if (raw === undefined || raw === '') return 'FULL';
  const v = raw.toUpperCase();
  if (v === 'FULL' || v === 'NORMAL') return v;
  throw new SettingError(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got ${JSON.stringify(raw)}`);
}

function httpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const requestTimeoutMs = num(env, 'REQUEST_TIMEOUT_MS', 30_000, 100);
  return {
    requestTimeoutMs,
    // Node refuses a header deadline later than the whole request's.
    headersTimeoutMs: Math.min(num(env, 'HEADERS_TIMEOUT_MS', 10_000, 100), requestTimeoutMs),
    keepAliveTimeoutMs: num(env, 'KEEP_ALIVE_TIMEOUT_MS', 5000, 100),
    connectionTimeoutMs: num(env, 'CONNECTION_TIMEOUT_MS', 60_000, 100),
    maxConnections: num(env, 'MAX_CONNECTIONS', 4096, 1),
    maxConnectionsPerAddress: num(env, 'MAX_CONNECTIONS_PER_ADDRESS', 256, 0),
  };
}
