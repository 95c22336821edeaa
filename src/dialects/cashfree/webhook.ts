// Cashfree's RPD webhooks: RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS / _FAILURE / _EXPIRED with the
// status fields as `data`, signed twice as Cashfree documents (body `signature` and headers).
import { createHmac } from 'node:crypto';
import type { WebhookFormat } from '../webhooks.js';
import { istClock, remitterStatus } from './format.js';

const EVENT_TYPES: Record<string, string> = {
  'verification.success': 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS',
  'verification.failure': 'RPD_BANK_ACCOUNT_VERIFICATION_FAILURE',
  'verification.expired': 'RPD_BANK_ACCOUNT_VERIFICATION_EXPIRED',
};

const hmac64 = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('base64');

/** `2024-02-15 16:53:15` in IST, as Cashfree's event_time. */
const eventTime = (ms: number) => istClock(ms).replace('T', ' ');

/** The body signature: the values of `data`, concatenated in the order of their sorted keys. */
export function dataSignature(data: Record<string, unknown>, secret: string): string {
  const text = Object.keys(data)
    .sort()
    .filter((k) => data[k] !== undefined && data[k] !== null)
    .map((k) => String(data[k]))
    .join('');
  return hmac64(secret, text);
}

export const cashfreeWebhook: WebhookFormat = {
  signedWith: 'client_secret',
  eventType(e) {
    // Cashfree has no reversal event: reversal progress is read from the status API.
    return e.verification.kind === 'rpd' ? (EVENT_TYPES[e.type] ?? null) : null;
  },
  render(e, secret) {
    const data = JSON.parse(JSON.stringify(remitterStatus(e.verification))) as Record<string, unknown>;
    return JSON.stringify({
      signature: dataSignature(data, secret),
      event_type: EVENT_TYPES[e.type],
      event_time: eventTime(e.at),
      version: 'v1',
      data,
    });
  },
  // Cashfree signs a webhook when it sends it, with the client secret in use then (the oldest
  // active key): a retry after a rotation carries the new secret's signature in the body as well
  // as in its headers, or a receiver that checks the body refuses it. Only `signature` changes.
  resign(body, secret) {
    const parsed = JSON.parse(body) as { signature: string; data: Record<string, unknown> };
    const signature = dataSignature(parsed.data, secret);
    if (parsed.signature === signature) return body;
    const was = `{"signature":${JSON.stringify(parsed.signature)}`;
    // render puts the signature first: replace those bytes alone.
    if (body.startsWith(was)) return `{"signature":${JSON.stringify(signature)}${body.slice(was.length)}`;
    return JSON.stringify({ ...parsed, signature });
  },
  headers({ id, body, attempt, now }, secret) {
    const timestamp = String(now);
    return {
      'x-webhook-timestamp': timestamp,
      'x-webhook-signature': hmac64(secret, timestamp + body),
      'x-webhook-version': 'v1',
      'x-webhook-id': id,
      'x-webhook-attempt': String(attempt),
    };
  },
};
