// Test events: a made-up verification of a merchant reaching an outcome, recorded like a real
// event, so that it is delivered to the merchant's webhook (in its dialect, signed) and shown
// by `pennygate listen`. The verification itself is not stored: no API answers for it.
import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Verification } from '../engine/types.js';
import type { DomainEvent, EventType } from '../engine/verifications.js';
import type { Webhooks } from './webhooks.js';

export const TEST_EVENTS: Record<string, EventType> = {
  'verification.success': 'verification.success',
  'verification.failure': 'verification.failure',
  'verification.expired': 'verification.expired',
};

export async function sendTestEvent(db: Db, webhooks: Webhooks, merchantId: string, event: string, now = db.clock()) {
  const type = TEST_EVENTS[event];
  if (!type) throw new TestEventError(`event must be one of ${Object.keys(TEST_EVENTS).join(', ')}`);
  const paid = type === 'verification.success';
  // 10 hex digits: its fav_ id has a real one's shape (14 letters and digits after fav_).
  const tag = randomBytes(5).toString('hex');
  const v: Verification = {
    refId: 0, // no stored verification has it
    merchantId,
    mode: 'test',
    kind: 'rpd',
    dialect: 'cashfree',
    publicId: `fav_test${tag}`,
    verificationId: `test_${tag}`,
    shortCode: null,
    name: 'John Doe',
    redirectUrl: null,
    referenceId: null,
    notes: { test_event: 'true' },
    status: type.slice('verification.'.length) as Verification['status'],
    // The engine's own reasons, so that a format wording them (RazorpayX's status_details) shows
    // a test event as it will show a real one.
    statusReason: paid ? null : type === 'verification.expired' ? 'link_expired' : 'payer_bank_declined',
    rail: 'sandbox',
    intentTr: `test${tag}`,
    payeeVpa: 'pennygate@sandbox',
    payeeName: 'pennygate',
    payeeMc: null,
    amountPaise: 100,
    validUntil: now,
    createdAt: now - 60_000,
    processedAt: now,
    creditId: null,
    // success@upi as the sandbox's bank reports it (upper case, as real credits and payouts carry it).
    payer: paid ? { vpa: 'success@upi', name: 'JOHN DOE', account: '026291800001191', ifsc: 'YESB0000262', accountType: 'SAVINGS' } : null,
    utr: paid ? String(randomInt(100_000_000_000, 999_999_999_999)) : null,
    collectedAt: paid ? now : null,
    nameMatch: paid ? { score: 100, result: 'DIRECT_MATCH' } : null,
    reversal: paid ? 'pending' : null,
    mobileNumber: null,
    payoutKey: null,
    payoutState: null,
    payoutAt: null,
    purgedAt: null,
  };
  const e: DomainEvent = { id: `evt_test_${tag}`, merchantId, type, verification: v, at: now };
  await db.tx(async (q) => {
    await q.query('INSERT INTO events (id, merchant_id, type, ref_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      e.id,
      merchantId,
      type,
      null,
      JSON.stringify(v),
      now,
    ]);
    await webhooks.onEvent(q, e);
  });
  webhooks.onWork();
  const [d] = await db.query('SELECT id, url, dialect, event_type FROM webhook_deliveries WHERE id = ?', [e.id]);
  return { event_id: e.id, event, delivery: d ? { id: d.id as string, url: d.url as string, dialect: d.dialect as string, event_type: d.event_type as string } : null };
}

export class TestEventError extends Error {}
