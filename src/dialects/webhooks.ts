// How each dialect words and signs a webhook. The delivery mechanism (outbox, retries, address
// checks, delivery log) is the same for all of them and lives in jobs/webhooks.ts.
import type { DomainEvent } from '../engine/verifications.js';
import type { Verification } from '../engine/types.js';
import type { Queryable } from '../store/db.js';
import { cashfreeWebhook } from './cashfree/webhook.js';
import { razorpayxWebhook } from './razorpayx/webhook.js';

export interface RenderedEvent {
  /** The dialect's name for the event, e.g. RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS. */
  eventType: string;
  /** The exact bytes sent on every attempt, so receivers can de-duplicate and verify them. */
  body: string;
}

/** What a format may use while rendering, inside the event's transaction. */
export interface RenderContext {
  q: Queryable;
  /** The verification's intent link, as the API shows it. */
  upiLink: (v: Verification) => string;
}

export interface WebhookFormat {
  /** Cashfree signs with the merchant's client secret, Razorpay with a webhook secret. */
  signedWith: 'client_secret' | 'webhook_secret';
  /** The event in this dialect, or null when the dialect has no such event. */
  render(e: DomainEvent, secret: string, ctx: RenderContext): Promise<RenderedEvent | null> | RenderedEvent | null;
  headers(d: { id: string; body: string; attempt: number; now: number }, secret: string): Record<string, string>;
}

export const WEBHOOK_FORMATS: Record<string, WebhookFormat> = {
  cashfree: cashfreeWebhook,
  razorpayx: razorpayxWebhook,
};

export const WEBHOOK_DIALECTS = () => Object.keys(WEBHOOK_FORMATS);
