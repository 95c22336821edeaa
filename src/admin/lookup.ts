// What an operator reads about verifications: finding one from whatever a customer or a
// merchant quotes, and everything that happened to it. Shared by the admin API, the CLI and the
// console. Reads only.
import { readAside, type Db, type Row } from '../store/db.js';
import { toCredit, verifications } from '../store/repository.js';
import type { Credit, Payer, Verification } from '../engine/types.js';
import { refundView } from './live.js';
import { closedAs } from '../engine/mobile.js';
import { favStatus } from '../dialects/razorpayx/format.js';

const LIMIT = 50;

/** A ref_id as typed (1 to 16 digits, no leading zero, a safe integer), or null. */
export function refIdOf(text: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/**
 * Verifications matching what an operator pasted: a ref_id, a fav_ id, a verification_id (any
 * merchant's), a UTR (of the verifying credit or of any credit that reached the verification),
 * or the last digits of the payer's account number (4 or more). The newest 50; `truncated` when
 * there were more.
 */
export async function searchVerifications(db: Db, query: string): Promise<{ items: Verification[]; truncated: boolean }> {
  const q = query.trim();
  if (!q || q.length > 128) return { items: [], truncated: false };
  const refs = new Set<number>();
  const add = (rows: Row[]) => rows.forEach((r) => r.ref_id !== null && refs.add(Number(r.ref_id)));
  // One more than is listed from each: a query that fills it tells that more match.
  const PER = LIMIT + 1;
  if (/^\d{1,16}$/.test(q) && Number.isSafeInteger(Number(q))) add(await db.query('SELECT ref_id FROM verifications WHERE ref_id = ?', [Number(q)]));
  if (/^fav_[A-Za-z0-9]+$/.test(q)) add(await db.query('SELECT ref_id FROM verifications WHERE public_id = ? LIMIT ?', [q, PER]));
  add(await db.query('SELECT ref_id FROM verifications WHERE verification_id = ? LIMIT ?', [q, PER]));
  if (/^[0-9A-Za-z]{6,35}$/.test(q)) {
    add(await db.query('SELECT ref_id FROM verifications WHERE utr = ? LIMIT ?', [q, PER]));
    add(await db.query('SELECT ref_id FROM credits WHERE utr = ? AND ref_id IS NOT NULL GROUP BY ref_id LIMIT ?', [q, PER]));
  }
  // Digits only, so the LIKE pattern holds no wildcard of the caller's. A scan of whole tables
  // (about a second over a million verifications), so read aside: on SQLite off the event loop.
  if (/^\d{4,18}$/.test(q)) {
    add(await readAside(db, 'SELECT ref_id FROM verifications WHERE payer_account LIKE ? ORDER BY created_at DESC LIMIT ?', [`%${q}`, PER]));
    add(
      await readAside(
        db,
        'SELECT ref_id FROM credits WHERE payer_account LIKE ? AND ref_id IS NOT NULL GROUP BY ref_id ORDER BY MAX(received_at) DESC LIMIT ?',
        [`%${q}`, PER],
      ),
    );
  }
  // Every match read, then the newest kept: cut before the sort, which 50 were kept would
  // depend on which query found them.
  const found: Verification[] = [];
  for (const ref of refs) {
    const v = await verifications.byRef(db, ref);
    if (v) found.push(v);
  }
  found.sort((a, b) => b.createdAt - a.createdAt || b.refId - a.refId);
  return { items: found.slice(0, LIMIT), truncated: found.length > LIMIT };
}

export interface TimelineEntry {
  at: number;
  kind: 'created' | 'credit' | 'refund' | 'status' | 'name_match' | 'event' | 'webhook';
  title: string;
  detail: string;
}

/**
 * Everything that happened to one verification and its rupee, in time order; with its credits
 * (as the engine reads them: credits.forVerification) and webhook deliveries, read once here.
 */
export async function timeline(db: Db, v: Verification) {
  const creditRows = await db.query('SELECT * FROM credits WHERE ref_id = ? ORDER BY received_at', [v.refId]);
  const events = await db.query('SELECT id, type, created_at FROM events WHERE merchant_id = ? AND ref_id = ? ORDER BY created_at', [
    v.merchantId,
    v.refId,
  ]);
  const deliveries = await db.query('SELECT * FROM webhook_deliveries WHERE merchant_id = ? AND ref_id = ? ORDER BY created_at', [
    v.merchantId,
    v.refId,
  ]);
  const attempts = deliveries.length
    ? await db.query(
        `SELECT * FROM webhook_attempts WHERE delivery_id IN (${deliveries.map(() => '?').join(', ')}) ORDER BY started_at`,
        deliveries.map((d) => d.id),
      )
    : [];
  const t: TimelineEntry[] = [];
  t.push({
    at: v.createdAt,
    kind: 'created',
    title: 'Created',
    detail: `${v.kind} in ${v.mode} mode through the ${v.dialect} dialect; valid until ${v.validUntil ? new Date(v.validUntil).toISOString() : 'no limit'}`,
  });
  for (const c of creditRows) {
    t.push({
      at: Number(c.received_at),
      kind: 'credit',
      title: `Credit of ₹${(c.amount_paise / 100).toFixed(2)}: ${c.disposition}`,
      detail: `UTR ${c.utr} from ${c.payer_vpa ?? 'unknown VPA'}${c.payer_account ? `, account ${c.payer_account} (${c.payer_ifsc ?? 'no IFSC'})` : ''}`,
    });
    t.push({
      at: Number(c.refund_updated_at ?? c.received_at),
      kind: 'refund',
      title: `Refund ${c.refund_status} after ${c.refund_attempts} attempt(s)`,
      detail: `key ${c.refund_key}${c.refund_ref ? `, bank reference ${c.refund_ref}` : ''}${c.refund_error ? `, last error: ${c.refund_error}` : ''}`,
    });
  }
  if (v.nameMatch && v.collectedAt) {
    t.push({ at: v.collectedAt, kind: 'name_match', title: `Name match ${v.nameMatch.result} (${v.nameMatch.score})`, detail: `given "${v.name ?? ''}", at the bank "${v.payer?.name ?? ''}"` });
  }
  if (v.status !== 'created') {
    t.push({ at: v.processedAt, kind: 'status', title: `Status ${v.status.toUpperCase()}`, detail: v.statusReason ?? '' });
  }
  for (const e of events) t.push({ at: Number(e.created_at), kind: 'event', title: `Event ${e.type}`, detail: e.id });
  const byDelivery = new Map(deliveries.map((d) => [d.id, d]));
  for (const a of attempts) {
    const d = byDelivery.get(a.delivery_id)!;
    t.push({
      at: Number(a.started_at),
      kind: 'webhook',
      title: `Webhook ${d.event_type} attempt ${a.attempt}: ${a.status_code ?? 'no answer'}`,
      detail: `${a.url} in ${a.latency_ms} ms${a.error ? `, ${a.error}` : ''}${a.next_attempt_at ? `, next attempt ${new Date(Number(a.next_attempt_at)).toISOString()}` : ''}`,
    });
  }
  t.sort((a, b) => a.at - b.at);
  return { entries: t, credits: creditRows.map(toCredit), deliveries };
}

/**
 * What the merchant's API answered (or answers) for the verification, in its dialect's words,
 * beside the store's status: a mobile penny drop the store has as SUCCESS was answered VALID,
 * one closed unsent a 502, a UPI mobile lookup that found no VPA INVALID.
 */
export function apiStatus(v: Verification): string {
  if (v.kind === 'rpd') return v.dialect === 'razorpayx' ? favStatus(v) : v.status.toUpperCase();
  if (v.status === 'success') return 'VALID';
  if (v.kind === 'upi_mobile') {
    if (v.statusReason === 'fraud_account') return '422 fraud_account';
    return v.statusReason === 'unable_to_validate' ? 'UNABLE_TO_VALIDATE' : 'INVALID';
  }
  // Its request ended without an outcome (a 502), or is still running: a read answers 422.
  if (v.status === 'created') return 'in flight';
  return { fraud: '422 fraud_account', not_sent: '502 verification_failed', invalid: 'INVALID' }[closedAs(v)];
}

/** A verification in a list of matches: enough to tell it apart and pick it. */
export function verificationSummary(v: Verification) {
  return {
    ref_id: v.refId,
    merchant_id: v.merchantId,
    kind: v.kind,
    mode: v.mode,
    verification_id: v.verificationId,
    public_id: v.publicId,
    status: v.status.toUpperCase(),
    api_status: apiStatus(v),
    utr: v.utr,
    refund: v.reversal,
    created_at: new Date(v.createdAt).toISOString(),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const payerView = (p: Payer | null) => p && { vpa: p.vpa, name: p.name, account: p.account, ifsc: p.ifsc, account_type: p.accountType };

/** A verification as the operator reads it whole (admin API, CLI --json): every field the store keeps. */
export function verificationDetail(v: Verification) {
  return {
    ref_id: v.refId,
    merchant_id: v.merchantId,
    mode: v.mode,
    kind: v.kind,
    dialect: v.dialect,
    public_id: v.publicId,
    verification_id: v.verificationId,
    short_code: v.shortCode,
    name: v.name,
    redirect_url: v.redirectUrl,
    reference_id: v.referenceId,
    notes: v.notes,
    status: v.status.toUpperCase(),
    api_status: apiStatus(v),
    status_reason: v.statusReason,
    rail: v.rail,
    intent_tr: v.intentTr,
    payee_vpa: v.payeeVpa,
    payee_name: v.payeeName,
    payee_mcc: v.payeeMc,
    amount: (v.amountPaise / 100).toFixed(2),
    valid_until: iso(v.validUntil),
    created_at: iso(v.createdAt),
    processed_at: iso(v.processedAt),
    credit_id: v.creditId,
    payer: payerView(v.payer),
    utr: v.utr,
    collected_at: iso(v.collectedAt),
    name_match: v.nameMatch && { score: v.nameMatch.score, result: v.nameMatch.result },
    refund: v.reversal,
    mobile_number: v.mobileNumber,
    payout_key: v.payoutKey,
    payout_state: v.payoutState,
    payout_at: iso(v.payoutAt),
    purged_at: iso(v.purgedAt),
  };
}

/** A credit as the operator reads it whole: its refund as the owed list shows it, and the rest. */
export function creditDetail(c: Credit) {
  return {
    ...refundView(c),
    rail: c.rail,
    tr: c.tr,
    credited_at: iso(c.creditedAt),
    payer: payerView(c.payer),
    refund_key: c.refundKey,
    refund_bank_ref: c.refundRef,
    refund_sent_at: iso(c.refundSentAt),
  };
}

/** One verification's whole story (admin API, CLI --json): the verification, its credits, what happened when. */
export async function verificationStory(db: Db, v: Verification) {
  const t = await timeline(db, v);
  return {
    verification: verificationDetail(v),
    credits: t.credits.map(creditDetail),
    timeline: t.entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  };
}
