// Rules of mobile-number verifications. Pure: no I/O.

/**
 * An Indian mobile number as the providers take it: exactly ten digits, the first 6-9. Prefixes
 * (+91, 91, 0) are refused rather than stripped: the providers document the bare ten digits and
 * echo the number back, so accepting more would let an integration pass here and fail there.
 */
export const MOBILE_PATTERN = /^[6-9][0-9]{9}$/;
export const isIndianMobile = (s: string) => MOBILE_PATTERN.test(s);

export interface Consent {
  obtained: boolean;
  type: string;
  timestamp: string;
  purpose: string;
}

/** How far the consent timestamp may be from now, either way. */
export const CONSENT_WINDOW_MS = 5 * 60_000;
export const CONSENT_PURPOSE = /^[A-Za-z0-9 ./&_-]{20,100}$/;
/** ISO 8601 date-time; a missing offset means UTC (the providers document UTC timestamps). */
export const CONSENT_TIMESTAMP = '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?$';
const DATE_TIME = new RegExp(CONSENT_TIMESTAMP);

export type ConsentViolation = 'obtained' | 'type' | 'timestamp_format' | 'timestamp_window' | 'purpose';

/** Parses a consent timestamp to epoch ms, or null when it is not a real date-time. */
export function parseConsentTime(s: string): number | null {
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null; // 31 February and friends
  const ms = Date.parse(m[8] ? s : s + 'Z'); // Date.parse would read a bare date-time as local time
  return Number.isFinite(ms) ? ms : null;
}

/** The first rule the customer's consent breaks, or null when it holds. */
export function consentViolation(c: Consent, now: number): ConsentViolation | null {
  if (c.obtained !== true) return 'obtained';
  if (c.type !== 'EXPLICIT') return 'type';
  const at = typeof c.timestamp === 'string' ? parseConsentTime(c.timestamp) : null;
  if (at === null) return 'timestamp_format';
  if (Math.abs(now - at) > CONSENT_WINDOW_MS) return 'timestamp_window';
  if (typeof c.purpose !== 'string' || !CONSENT_PURPOSE.test(c.purpose)) return 'purpose';
  return null;
}
