import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string (rejection sampling keeps it unbiased). */
export function base62(len: number): string {
  let out = '';
  while (out.length < len) {
    for (const b of randomBytes(len * 2)) {
      if (b < 248 && out.length < len) out += BASE62[b % 62];
    }
  }
  return out;
}

export const newId = (prefix: string, len = 14) => `${prefix}_${base62(len)}`;

/** Lower-case short code for customer-facing URLs (easy to read aloud, hard to guess). */
export function shortCode(len = 12): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[randomInt(alphabet.length)];
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
  return 1e12 + randomInt(0, 2 ** 48 - 1) * 16 + randomInt(0, 16);
}
