import { createHmac } from 'node:crypto';

/** Receiver-side check of Cashfree's two webhook signatures, written from the documentation alone. */
export function verifyCashfree(raw: string, headers: Record<string, any>, clientSecret: string) {
  const b64 = (s: string) => createHmac('sha256', clientSecret).update(s).digest('base64');
  const headerOk = headers['x-webhook-signature'] === b64(headers['x-webhook-timestamp'] + raw);
  const body = JSON.parse(raw);
  const concatenated = Object.keys(body.data)
    .sort()
    .map((k) => body.data[k])
    .join('');
  const bodyOk = body.signature === b64(concatenated);
  return { headerOk, bodyOk };
}
