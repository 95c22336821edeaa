// API secrets are stored as SHA-256 digests (they are 240-bit random strings, so a slow KDF
// adds nothing) and compared in constant time. Cashfree-format webhooks are signed with the
// client secret itself, so a copy is also kept sealed with AES-256-GCM under the instance key.
import * as crypto from 'node:crypto';

const { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } = crypto;

// crypto.hash (Node 20.12) hashes in one call, without a Hash object: a third of the cost on each
// request. Read off the namespace: a named import of it would fail to load on an older Node 20.
export const hashSecret =
  typeof crypto.hash === 'function'
    ? (secret: string) => crypto.hash('sha256', secret, 'hex')
    : (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What every gateway on a store seals first (gateway_meta secret_key_check): a wrong key cannot open it. */
export const SECRET_KEY_PROBE = 'pennygate secret key check';

export function seal(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
}

export function unseal(sealed: string, key: Buffer): string {
  const [v, iv, body, tag] = sealed.split('.');
  if (v !== 'v1') throw new Error('unknown sealed secret format');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
}
