// RazorpayX's webhooks: fund_account.validation.completed / .failed in Razorpay's event envelope,
// signed with the merchant's webhook secret (X-Razorpay-Signature: hex HMAC-SHA256 of the raw
// body), with X-Razorpay-Event-Id for de-duplication.
import { createHash, createHmac } from 'node:crypto';
import type { WebhookFormat } from '../webhooks.js';
import { bankOfIfsc } from '../../store/ifsc.js';
import { ENTITY, fundAccountValidation, unixSeconds } from './format.js';

const EVENTS: Record<string, string> = {
  'verification.success': 'fund_account.validation.completed',
  'verification.failure': 'fund_account.validation.failed',
  // An intent nobody paid in time is a failed validation (status_details.reason validation_expired).
  'verification.expired': 'fund_account.validation.failed',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Razorpay's `account_id`: `acc_` and 14 characters, stable for a merchant. */
export function accountId(merchantId: string): string {
  const m = /^mer_([0-9A-Za-z]{14})$/.exec(merchantId);
  if (m) return `acc_${m[1]}`;
  const digest = createHash('sha256').update(merchantId).digest();
  return `acc_${Array.from(digest.subarray(0, 14), (b) => BASE62[b % 62]).join('')}`;
}

export const razorpayxWebhook: WebhookFormat = {
  signedWith: 'webhook_secret',
  eventType(e) {
    // Razorpay has no event for the rupee's return; reversal.updated is not sent.
    return e.verification.kind === 'rpd' ? (EVENTS[e.type] ?? null) : null;
  },
  async render(e, _secret, ctx) {
    const v = e.verification;
    const link = ctx.upiLink(v);
    const bank = v.status === 'success' ? await bankOfIfsc(ctx.q, v.payer?.ifsc ?? null) : null;
    const entity = fundAccountValidation(v, link, await ctx.qr(link), bank);
    return JSON.stringify({
      entity: 'event',
      account_id: accountId(e.merchantId),
      event: EVENTS[e.type],
      contains: [ENTITY],
      payload: { [ENTITY]: { entity } },
      created_at: unixSeconds(e.at),
    });
  },
  headers({ id, body }, secret) {
    return {
      'x-razorpay-signature': createHmac('sha256', secret).update(body, 'utf8').digest('hex'),
      'x-razorpay-event-id': id,
    };
  },
};
