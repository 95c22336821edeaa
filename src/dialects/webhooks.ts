// How each dialect words and signs a webhook. The delivery mechanism (outbox, retries, address
// checks, delivery log) is the same for all of them and lives in jobs/webhooks.ts.
import type { DomainEvent } from '../engine/verifications.js';
import type { Verification } from '../engine/types.js';
import type { Queryable } from '../store/db.js';
import { cashfreeWebhook } from './cashfree/webhook.js';
import { razorpayxWebhook } from './razorpayx/webhook.js';

/** What a format may use while rendering. */
export interface RenderContext {
  q: Queryable;
  /** The verification's intent link, as the API shows it. */
  upiLink: (v: Verification) => string;
  /** A QR code as a base64 PNG. */
  qr: (text: string) => Promise<string>;
}

export interface WebhookFormat {
  /** Cashfree signs with the merchant's client secret, Razorpay with a webhook secret. */
  signedWith: 'client_secret' | 'webhook_secret';
  /**
   * The dialect's name for the event, or null when the dialect has no such event. Pure and
   * cheap: it runs inside the transaction of the change, which must never fail because of it.
   */
  eventType(e: DomainEvent): string | null;
  /** The body, rendered and signed once, at the first delivery attempt. */
  render(e: DomainEvent, secret: string, ctx: RenderContext): Promise<string> | string;
  /**
   * For a format that signs inside the body: the rendered body with that signature made with
   * `secret`, every other byte the same. Each attempt is sent through it, so that a body rendered
   * before the merchant's secret changed is signed as the headers are.
   */
  resign?(body: string, secret: string): string;
  headers(d: { id: string; body: string; attempt: number; now: number }, secret: string): Record<string, string>;
}

export const WEBHOOK_FORMATS: Record<string, WebhookFormat> = {
  cashfree: cashfreeWebhook,
  razorpayx: razorpayxWebhook,
};

export const WEBHOOK_DIALECTS = () => Object.keys(WEBHOOK_FORMATS);
