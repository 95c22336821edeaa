// Who reads the sandbox's records: the operator (Bearer ADMIN_TOKEN) sees everything, a merchant's
// test key (Cashfree's x-client-id/x-client-secret or RazorpayX's Basic key_id:key_secret) sees
// that merchant's own payments and payouts. Live keys have no business with the simulator.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services.js';
import { SandboxError } from './bank.js';
import { tokenGuesses } from '../../admin/guesses.js';
import { accessGate, type Refusal } from '../../dialects/access.js';

const digest = (v: string) => createHash('sha256').update(v).digest();

export type SandboxReader = { operator: true } | { operator: false; merchantId: string };

export class SandboxAuthError extends SandboxError {
  constructor(
    readonly status: 401 | 403 | 429,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

function credentials(req: FastifyRequest): { id: string; secret: string } | null {
  const id = req.headers['x-client-id'];
  const secret = req.headers['x-client-secret'];
  if (typeof id === 'string' && typeof secret === 'string') return { id, secret };
  const m = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } : null;
}

/** The caller reading sandbox records, or an error saying what is missing. */
export async function sandboxReader(s: Services, req: FastifyRequest): Promise<SandboxReader> {
  const auth = req.headers.authorization ?? '';
  if (/^bearer /i.test(auth)) {
    // Wrong tokens count with the admin API's and the console's.
    const guesses = tokenGuesses(s.cfg);
    const address = guesses.addressOf(req);
    if (guesses.wait(address)) throw new SandboxAuthError(429, 'too_many_requests', 'Too many wrong admin tokens from this address: wait a quarter of an hour.');
    // Digests compare in constant time and reveal no length.
    if (timingSafeEqual(digest(auth.slice(7)), digest(s.cfg.adminToken))) return { operator: true };
    guesses.failed(address);
    throw new SandboxAuthError(401, 'unauthorized', 'The admin token is not valid.');
  }
  const key = credentials(req);
  if (!key) {
    throw new SandboxAuthError(
      401,
      'unauthorized',
      'A test key (x-client-id and x-client-secret, or Basic key_id:key_secret) or the admin token is required.',
    );
  }
  const p = await s.merchants.authenticate(key.id, key.secret);
  if (!p) throw new SandboxAuthError(401, 'unauthorized', 'Invalid client id and secret combination.');
  if (p.mode !== 'test') throw new SandboxAuthError(403, 'test_key_required', 'The sandbox serves test keys only.');
  // The merchant's fences hold here as at the APIs: a key used from off its allowlist (without a
  // valid x-cf-signature) read the payments it could not read there, and learnt the key was good.
  const refusal = await gates(s).fences(req, p);
  if (refusal) throw fenced(refusal);
  return { operator: false, merchantId: p.merchant.id };
}

const gateOf = new WeakMap<Services, ReturnType<typeof accessGate>>();
/** The APIs' access gate (fences, the caller's address through TRUSTED_PROXIES), one per Services. */
export function gates(s: Services) {
  let g = gateOf.get(s);
  if (!g) gateOf.set(s, (g = accessGate(s)));
  return g;
}

function fenced(r: Refusal): SandboxAuthError {
  switch (r.kind) {
    case 'ip_not_allowed':
      return new SandboxAuthError(403, 'ip_not_allowed', `IP not whitelisted: your current ip is ${r.address}.`);
    case 'signature_missing':
      return new SandboxAuthError(403, 'signature_missing', 'x-cf-signature missing in the request header.');
    case 'signature_invalid':
      return new SandboxAuthError(403, 'signature_invalid', 'x-cf-signature is not valid.');
    case 'wrong_environment':
      return new SandboxAuthError(403, 'test_key_not_served', 'This instance serves no test keys (KEY_MODES).');
    default:
      return new SandboxAuthError(403, 'forbidden', 'The key may not be used from here.');
  }
}
