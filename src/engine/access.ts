// Cashfree's two-factor request signature (x-cf-signature): the merchant encrypts
// "<client_id>.<unix seconds>" with the public key the gateway handed out (RSA-OAEP, SHA-1) and
// sends it base64-encoded; the gateway decrypts it with the private key it keeps sealed.
import { constants, createPrivateKey, generateKeyPair, privateDecrypt } from 'node:crypto';
import { promisify } from 'node:util';

/** How far a signature's timestamp may be from now, either side. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export async function generateSigningPair(): Promise<{ publicKey: string; privateKey: string }> {
  return promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export type SignatureCheck = 'ok' | 'malformed' | 'wrong_client' | 'expired';

export function checkSignature(privateKeyPem: string, clientId: string, signature: string, now = Date.now()): SignatureCheck {
  // A 2048-bit ciphertext is 256 bytes: 344 base64 characters.
  if (!/^[A-Za-z0-9+/]{340,348}={0,2}$/.test(signature.trim())) return 'malformed';
  let plain: string;
  try {
    plain = privateDecrypt(
      { key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(signature.trim(), 'base64'),
    ).toString('utf8');
  } catch {
    return 'malformed';
  }
  const dot = plain.lastIndexOf('.');
  const stamp = plain.slice(dot + 1);
  if (dot <= 0 || !/^\d{1,12}$/.test(stamp)) return 'malformed';
  if (plain.slice(0, dot) !== clientId) return 'wrong_client';
  if (Math.abs(Number(stamp) - now / 1000) > SIGNATURE_WINDOW_SECONDS) return 'expired';
  return 'ok';
}
