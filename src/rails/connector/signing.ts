// How the gateway and a bank connector authenticate each other (docs/bank-connector.md):
// HMAC-SHA256 with the shared BANK_CONNECTOR_SECRET over a timestamp and the exact bytes sent.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a notification the connector sends to the gateway. */
export const NOTIFY_TIMESTAMP = 'x-bank-timestamp';
export const NOTIFY_SIGNATURE = 'x-bank-signature';
/** Headers of a request the gateway sends to the connector. */
export const REQUEST_TIMESTAMP = 'x-pennygate-timestamp';
export const REQUEST_SIGNATURE = 'x-pennygate-signature';

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex');

/** `v1=<hex>` over `<timestamp>.<raw body>`: what a notification carries. */
export function signNotification(secret: string, timestamp: string, rawBody: string): string {
  return `v1=${hmac(secret, `${timestamp}.${rawBody}`)}`;
}

/** `v1=<hex>` over `<timestamp>.<METHOD>.<path with query>.<raw body>`: what a gateway request carries. */
export function signRequest(secret: string, timestamp: string, method: string, path: string, rawBody: string): string {
  return `v1=${hmac(secret, `${timestamp}.${method.toUpperCase()}.${path}.${rawBody}`)}`;
}

export type SignatureProblem = 'missing_signature' | 'invalid_signature' | 'stale_timestamp';

/**
 * Why a signed message cannot be trusted, or null. The timestamp (Unix milliseconds) must be within
 * `toleranceMs` of this clock, so that a captured message cannot be replayed later.
 */
export function signatureProblem(
  expected: string,
  timestamp: string | undefined,
  signature: string | undefined,
  toleranceMs: number,
  now = Date.now(),
): SignatureProblem | null {
  if (!timestamp || !signature) return 'missing_signature';
  if (!/^\d{1,15}$/.test(timestamp)) return 'stale_timestamp';
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'invalid_signature';
  if (Math.abs(now - Number(timestamp)) > toleranceMs) return 'stale_timestamp';
  return null;
}

/** A message's timestamp: Unix milliseconds, so that two deliveries of one event are signed apart. */
export const timestampNow = (ms = Date.now()) => String(Math.floor(ms));
