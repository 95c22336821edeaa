// Who may call the dialects, in the order Cashfree checks it: the caller's address within its
// per-IP budget, a valid key pair of a mode this instance serves, an allowed address or else a
// valid x-cf-signature, and the operation's budget. Every check is against the store as of this
// request (keys and merchants through a cache checked against the store's access version), so a
// revoked key or a changed allowlist holds on every instance at once. Dialects word the refusals.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { cidrMatcher, clientAddress } from '../engine/cidr.js';
import { checkSignature } from '../engine/access.js';
import { rateLimit, rateLimitPerIp } from './rate-limit.js';

export type Refusal =
  | { kind: 'too_many_per_ip' }
  | { kind: 'bad_credentials' }
  | { kind: 'wrong_environment'; mode: 'test' | 'live' }
  | { kind: 'ip_not_allowed'; address: string }
  | { kind: 'signature_missing' }
  | { kind: 'signature_invalid'; why: string }
  | { kind: 'too_many_per_operation' };

export function accessGate(s: Services) {
  const trusted = cidrMatcher(s.cfg.access.trustedProxies);
  const addressOf = (req: FastifyRequest) => clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], trusted);

  return {
    addressOf,
    /** Before credentials are read. */
    async perIp(req: FastifyRequest, reply: FastifyReply): Promise<Refusal | null> {
      const d = await rateLimitPerIp(s, addressOf(req), reply);
      return d && !d.allowed ? { kind: 'too_many_per_ip' } : null;
    },
    /** Authenticates the key pair and applies the merchant's fences; sets req.principal. */
    async admit(req: FastifyRequest, reply: FastifyReply, id: string, secret: string): Promise<Refusal | null> {
      const p = await s.merchants.authenticate(id, secret);
      if (!p) return { kind: 'bad_credentials' };
      if (!s.cfg.access.modes.includes(p.mode)) return { kind: 'wrong_environment', mode: p.mode };
      const address = addressOf(req);
      const allow = p.merchant.settings.ipAllowlist ?? [];
      // With a 2FA key pair, only allowlisted addresses go without a signature.
      if (allow.length === 0 || !cidrMatcher(allow)(address)) {
        const priv = p.merchant.settings.signatureRequired ? await s.merchants.signingPrivateKey(p.merchant.id) : null;
        if (priv) {
          const sig = req.headers['x-cf-signature'];
          if (typeof sig !== 'string' || sig === '') return { kind: 'signature_missing' };
          const check = checkSignature(priv, p.clientId, sig);
          if (check !== 'ok') return { kind: 'signature_invalid', why: check };
        } else if (allow.length > 0) return { kind: 'ip_not_allowed', address };
      }
      req.principal = p;
      const d = await rateLimit(s, req, reply);
      return d && !d.allowed ? { kind: 'too_many_per_operation' } : null;
    },
  };
}
