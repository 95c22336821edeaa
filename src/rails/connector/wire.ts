// The bodies of the bank connector contract (docs/bank-connector.md), as both sides read them.
import type { CreditNotice, FailedAttemptNotice } from '../rail.js';
import type { SetAsideHold } from '../../store/set-aside.js';
import { badText, hasBadText } from '../../web/nul-guard.js';

/** A payment against one of the gateway's intents: pushed as a notification, and listed by the pull. */
export interface WireCreditEvent {
  /** The event's own id (a credit and its failed attempts each have one). */
  id: string;
  type: 'credit' | 'failed_attempt';
  bank_txn_id: string;
  utr: string;
  /** The intent's transaction reference (`tr` of the UPI link), null if the payer's app dropped it. */
  tr: string | null;
  amount_paise: number;
  /** ISO 8601: when the bank credited the account (or declined the attempt). */
  credited_at: string;
  payer: { vpa: string | null; name: string | null; account: string | null; ifsc: string | null; account_type: string | null };
  /** failed_attempt only: why the payer's bank declined. */
  reason?: string | null;
}

export interface WireRefund {
  reference: string;
  bank_txn_id: string;
  amount_paise: number;
  status: 'pending' | 'success' | 'failed';
  /** The bank's reference of the refund transfer (its UTR), once it has one. */
  bank_ref?: string | null;
  reason?: string | null;
  created_at?: string;
}

export interface WirePayout {
  reference: string;
  vpa: string;
  amount_paise: number;
  status: 'pending' | 'success' | 'failed';
  utr?: string | null;
  beneficiary?: { vpa: string; name: string | null; account: string | null; ifsc: string | null; account_type: string | null } | null;
  reason?: string | null;
  created_at?: string;
}

export interface WireStatement {
  from: string;
  to: string;
  credits: { bank_txn_id: string; utr: string; tr: string | null; amount_paise: number; credited_at: string }[];
  refunds: WireRefund[];
  payouts: WirePayout[];
}

// Text the stores can keep: JSON.parse turns an escaped NUL (\u0000) or half a surrogate pair
// into the character, which PostgreSQL refuses (a failed insert would stop the pull at the entry
// for good) and either store would change. Such an entry is malformed: set aside, or refused.
/** The largest amount the store keeps (PostgreSQL INTEGER): Rs 2,14,74,836.47. */
export const MAX_AMOUNT_PAISE = 2 ** 31 - 1;
const str = (v: unknown, max = 256): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && !badText(v);
const optStr = (v: unknown, max = 256) => v === null || v === undefined || (typeof v === 'string' && v.length <= max && !badText(v));

/** The event in a notification or a pull page, or why it is malformed. */
export function parseCreditEvent(x: unknown): WireCreditEvent | string {
  if (!x || typeof x !== 'object') return 'the body must be a JSON object';
  const e = x as Record<string, unknown>;
  if (e.type !== 'credit' && e.type !== 'failed_attempt') return 'type must be credit or failed_attempt';
  if (hasBadText(e)) return 'text must not contain NUL characters or unpaired surrogates';
  if (!str(e.id, 128)) return 'id is required';
  if (!str(e.bank_txn_id, 128)) return 'bank_txn_id is required';
  if (!str(e.utr, 64)) return 'utr is required';
  // Absent is not "none": an adapter that dropped the field would have the payment of a link
  // taken as one that pays none, and its whole record, listed later, a duplicate of it.
  if (!('tr' in e)) return 'tr is required (null when the payment carries none)';
  if (!optStr(e.tr, 64)) return 'tr must be a string';
  if (!Number.isSafeInteger(e.amount_paise) || (e.amount_paise as number) < 0) return 'amount_paise must be a whole number of paise';
  // The store's amount columns are 32-bit on PostgreSQL: a larger credit (no UPI payment is; an
  // RTGS credit to the account, or an adapter scaling amounts wrong) would fail its insert on
  // every notification and every pull, and stop the intake behind it. Set aside for the operator.
  if ((e.amount_paise as number) > MAX_AMOUNT_PAISE) return `amount_paise must be at most ${MAX_AMOUNT_PAISE} (no UPI payment is larger)`;
  // A credit of nothing is no payment: recorded, its refund could never be made (nothing can be
  // returned) and would stay owed for ever. A declined attempt moves nothing and may say 0.
  if (e.type === 'credit' && e.amount_paise === 0) return 'amount_paise of a credit must be more than 0';
  if (zonedTime(e.credited_at) === null) return 'credited_at must be an ISO 8601 time with its zone (Z or ±hh:mm)';
  const p = e.payer as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object') return 'payer is required';
  for (const k of ['vpa', 'name', 'account', 'ifsc', 'account_type']) if (!optStr(p[k])) return `payer.${k} must be a string`;
  if (!optStr(e.reason)) return 'reason must be a string';
  return e as unknown as WireCreditEvent;
}

const ZONED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO 8601 date and time with an explicit zone (`2026-11-30T10:15:00.123Z`,
 * `...T15:45:00+05:30`), or null for anything else. Not Date.parse: it reads a time without a
 * zone in the server's own zone (hours off the bank's) and takes other formats and impossible
 * dates (30 February) as some other moment.
 */
export function zonedTime(v: unknown): number | null {
  const m = typeof v === 'string' ? ZONED_TIME.exec(v) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  const [oh, om] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59) return null;
  const day = new Date(0);
  day.setUTCFullYear(y, mo - 1, d);
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return day.getTime() + ((h * 60 + mi) * 60 + sec) * 1000 + ms - (m[8] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

export function toCreditNotice(e: WireCreditEvent): CreditNotice {
  return {
    bankTxnId: e.bank_txn_id,
    utr: e.utr,
    tr: e.tr ?? null,
    amountPaise: e.amount_paise,
    payerVpa: e.payer.vpa ?? null,
    payerName: e.payer.name ?? null,
    payerAccount: e.payer.account ?? null,
    payerIfsc: e.payer.ifsc ?? null,
    payerAccountType: e.payer.account_type ?? null,
    creditedAt: zonedTime(e.credited_at)!,
  };
}

export function toFailedAttempt(e: WireCreditEvent): FailedAttemptNotice {
  return { bankTxnId: e.bank_txn_id, utr: e.utr, tr: e.tr ?? '', payerVpa: e.payer.vpa ?? null, reason: e.reason || 'payer_bank_declined', at: zonedTime(e.credited_at)! };
}

/**
 * What can still be read of a credit event the gateway cannot take (parseCreditEvent refused it),
 * to show the operator and to know which links it may be the payment of: the one its `tr` names
 * (`intent`); none when it says it carries no tr (as a well-formed credit with `tr: null` pays no
 * link); every link open when it was listed when its tr cannot be read (a number is not read: a
 * long one loses digits in JSON.parse).
 */
export function setAsideFacts(x: unknown): { bankTxnId: string | null; tr: string | null; holds: SetAsideHold } {
  const e = x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
  const bankTxnId = e && str(e.bank_txn_id, 128) ? e.bank_txn_id : null;
  if (e && str(e.tr, 64)) return { bankTxnId, tr: e.tr, holds: 'intent' };
  if (e && 'tr' in e && e.tr === null) return { bankTxnId, tr: null, holds: 'none' };
  return { bankTxnId, tr: null, holds: 'links_open_when_seen' };
}

/**
 * The exact text of each element of the top-level `items` array of a JSON document that
 * JSON.parse accepted (the last `items`, as JSON.parse keeps), or null when there is none. An entry
 * set aside is kept as the bank wrote it: re-serialising the parsed value would lose what JSON.parse
 * changed (digits of long numbers, duplicate keys, escapes).
 */
export function itemTexts(doc: string): string[] | null {
  let i = 0;
  const ws = () => {
    while (i < doc.length && (doc[i] === ' ' || doc[i] === '\t' || doc[i] === '\n' || doc[i] === '\r')) i++;
  };
  const skipString = () => {
    for (i++; i < doc.length && doc[i] !== '"'; i++) if (doc[i] === '\\') i++;
    i++;
  };
  const skipValue = (): void => {
    ws();
    const c = doc[i];
    if (c === '"') return skipString();
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (doc[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          skipString();
          ws();
          i++; // ':'
        }
        skipValue();
        ws();
        if (doc[i++] === close) return;
      }
    }
    while (i < doc.length && !',}] \t\n\r'.includes(doc[i])) i++;
  };
  ws();
  if (doc[i] !== '{') return null;
  i++;
  let found: string[] | null = null;
  ws();
  if (doc[i] === '}') return null;
  while (i < doc.length) {
    ws();
    const keyStart = i;
    skipString();
    const key = doc.slice(keyStart, i);
    ws();
    i++; // ':'
    ws();
    if (doc[i] === '[' && JSON.parse(key) === 'items') {
      const items: string[] = [];
      i++;
      ws();
      if (doc[i] === ']') i++;
      else
        for (;;) {
          ws();
          const start = i;
          skipValue();
          items.push(doc.slice(start, i));
          ws();
          if (doc[i++] === ']') break;
        }
      found = items;
    } else skipValue();
    ws();
    if (doc[i++] === '}') break;
  }
  return found;
}
