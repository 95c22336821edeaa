import { createHash, randomFillSync, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn 4 KiB at a time: one call to the system's generator per ~100 creates
// instead of several per create (each id used to make its own call).
const pool = Buffer.allocUnsafe(4096);
let next = pool.length;
function randomByte(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++];
}

/** Random base62 string (rejection sampling keeps it unbiased). */
export function base62(len: number): string {
  let out = '';
  while (out.length < len) {
    const b = randomByte();
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

/** Fixed-width base62 of a non-negative integer: the alphabet is in byte order, so in byte order (SQLite's, PostgreSQL's C collation) the strings sort as the numbers. */
function base62Fixed(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export const newId = (prefix: string, len = 14) => `${prefix}_${base62(len)}`;

/**
 * An id in the same format whose first 7 characters are the time in milliseconds (until the year
 * 2081) and the last 7 random (41 bits), as Razorpay's own ids are made. Ids made close in time
 * sort together, so a burst of inserts writes to the last pages of the id's index instead of to
 * a random page per row (in byte order; a linguistic collation orders them otherwise, but ids of
 * one moment still share their first characters). Only for ids that are no secret and whose
 * insert draws again on a clash.
 */
export const newTimeId = (prefix: string) => `${prefix}_${base62Fixed(Date.now(), 7)}${base62(7)}`;

/**
 * The id of the credit the bank knows as `bankTxnId` on `rail`: `cr_` and 22 base62 characters of
 * a SHA-256 of both (128 bits). The same bank credit always gets the same id, and so its refunds
 * the same references (refundReference), even when it is recorded again after the database was
 * restored from a backup: the bank then answers the refund it already made instead of making a
 * second. Longer than the random ids of credits recorded by earlier builds, so never one of theirs.
 */
export function creditId(rail: string, bankTxnId: string): string {
  const digest = createHash('sha256').update(JSON.stringify([rail, bankTxnId])).digest();
  let n = BigInt('0x' + digest.subarray(0, 16).toString('hex'));
  let out = '';
  for (let i = 0; i < 22; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return `cr_${out}`;
}

/** Lower-case short code for customer-facing URLs (easy to read aloud, hard to guess). */
export function shortCode(len = 12): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'; // 32 letters: a byte's low 5 bits pick one without bias
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[randomByte() & 31];
  return out;
}

export function digits(len: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < len) out += String(randomInt(10));
  return out;
}

/**
 * A verification's ref_id, which is also the `tr` of its UPI intent. Random, not sequential:
 * whoever knows a live `tr` can pay that intent from their own account and have it verified,
 * so it must not be guessable from another verification's. 13-16 digits (52 random bits),
 * within JSON's safe integers.
 */
export function newRefId(): number {
  return RPD_REF_ID_MIN + randomInt(0, 2 ** 48 - 1) * 16 + randomInt(0, 16);
}

/** The least ref_id newRefId gives: the ids of the reverse penny drop are 13-16 digits. */
export const RPD_REF_ID_MIN = 1e12;

/**
 * The reference_id of a name match, a UPI mobile lookup or a mobile penny drop: 9-10 digits, below
 * 2^31. Cashfree documents these as int64, but its Java SDK reads them into a 32-bit Integer and
 * fails on anything larger. Random like a ref_id (31 bits), never one (those are 13 digits or
 * more), and no intent's `tr`: nothing is paid to it. A draw clashes about once in a million at a
 * few thousand rows; every insert of one draws again on a clash.
 */
export function newShortRefId(): number {
  return randomInt(100_000_000, 2 ** 31);
}
