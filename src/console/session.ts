// The console's session: a signed cookie, not a stored row, so that it works on every instance
// that shares SECRET_KEY and ADMIN_TOKEN. It holds an expiry and a random id; the CSRF token of
// every form is derived from that id. The signing key is derived from SECRET_KEY and the admin
// token, so that changing the admin token ends every session.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'pg_console';
export const SESSION_TTL_MS = 8 * 3_600_000;

export interface Session {
  id: string;
  exp: number;
}

export class ConsoleSessions {
  private key: Buffer;

  constructor(secretKey: Buffer, adminToken: string, private ttlMs = SESSION_TTL_MS) {
    const tokenDigest = createHash('sha256').update(adminToken).digest();
    this.key = createHmac('sha256', secretKey).update('pennygate console session\0').update(tokenDigest).digest();
  }

  private mac(what: string) {
    return createHmac('sha256', this.key).update(what).digest('base64url');
  }

  issue(now = Date.now()): { value: string; session: Session } {
    const session = { id: randomBytes(16).toString('base64url'), exp: now + this.ttlMs };
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    return { value: `${payload}.${this.mac(`session:${payload}`)}`, session };
  }

  /** The session a cookie value carries, or null when it is forged, malformed or expired. */
  open(value: string | undefined, now = Date.now()): Session | null {
    if (!value || value.length > 512) return null;
    const dot = value.indexOf('.');
    if (dot < 1) return null;
    const payload = value.slice(0, dot);
    if (!equal(value.slice(dot + 1), this.mac(`session:${payload}`))) return null;
    try {
      const s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof s?.id !== 'string' || typeof s?.exp !== 'number' || s.exp <= now) return null;
      return { id: s.id, exp: s.exp };
    } catch {
      return null;
    }
  }

  csrf(s: Session) {
    return this.mac(`csrf:${s.id}`);
  }

  csrfOk(s: Session, token: unknown) {
    return typeof token === 'string' && equal(token, this.csrf(s));
  }
}

/** Constant-time comparison of two strings (digests first, so lengths leak nothing). */
export function equal(a: string, b: string) {
  const d = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(d(a), d(b));
}
