// Who may call the dialects, in the order Cashfree checks it: the caller's address within its
// per-IP budget, a valid key pair of a mode this instance serves, an allowed address or else a
// valid x-cf-signature, and the operation's budget. Every check is against the store as of this
// request (keys and merchants through a cache checked against the store's access version), so a
// revoked key or a changed allowlist holds on every instance at once. Dialects word the refusals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import { cidrMatcher, clientAddress } from '../engine/cidr.js';
import { checkSignature } from '../engine/access.js';
import { rateLimit, rateLimitPerIp } from './rate-limit.js';
import { AccessMoved } from '../engine/merchants.js';
import type { Principal } from '../engine/types.js';

export type Refusal =
  | { kind: 'too_many_per_ip' }
  | { kind: 'bad_credentials' }
  | { kind: 'wrong_environment'; mode: 'test' | 'live' }
  | { kind: 'ip_not_allowed'; address: string }
  | { kind: 'signature_missing'; address: string }
  | { kind: 'signature_invalid'; why: string; address: string }
  | { kind: 'too_many_per_operation' };

export function accessGate(s: Services) {
  const trusted = cidrMatcher(s.cfg.access.trustedProxies);
  const addressOf = (req: FastifyRequest) => clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], trusted);

  /** The merchant's fences for this request: the environment, its allowlist, its 2FA signature. */
  const fences = async (req: FastifyRequest, p: Principal): Promise<Refusal | null> => {
    if (!s.cfg.access.modes.includes(p.mode)) return { kind: 'wrong_environment', mode: p.mode };
    const address = addressOf(req);
    const allow = p.merchant.settings.ipAllowlist ?? [];
    // With a 2FA key pair, only allowlisted addresses go without a signature.
    if (allow.length === 0 || !cidrMatcher(allow)(address)) {
      const priv = p.merchant.settings.signatureRequired ? await s.merchants.signingPrivateKey(p.merchant.id) : null;
      if (priv) {
        const sig = req.headers['x-cf-signature'];
        if (typeof sig !== 'string' || sig === '') return { kind: 'signature_missing', address };
        const check = checkSignature(priv, p.clientId, sig);
        if (check !== 'ok') return { kind: 'signature_invalid', why: check, address };
      } else if (allow.length > 0) return { kind: 'ip_not_allowed', address };
    }
    return null;
  };

  return {
    addressOf,
    fences,
    /** Before credentials are read. */
    async perIp(req: FastifyRequest, reply: FastifyReply): Promise<Refusal | null> {
      const d = await rateLimitPerIp(s, addressOf(req), reply);
      return d && !d.allowed ? { kind: 'too_many_per_ip' } : null;
    },
    /**
     * Authenticates the key pair and applies the merchant's fences; sets req.principal.
     * `confirmLater` (routes whose handler reads through `confirmed`): a key this instance has
     * cached is taken without reading the store, to be checked by the handler's own statement;
     * only for a merchant with no per-operation limit, so that no budget is ever taken (or
     * refused) on settings the store may have changed, nor by a key it has revoked.
     */
    async admit(
      req: FastifyRequest,
      reply: FastifyReply,
      id: string,
      secret: string,
      opts: { confirmLater?: boolean } = {},
    ): Promise<Refusal | null> {
      const found = opts.confirmLater ? s.merchants.cached(id, secret) : null;
      const hit = found && !(found.principal.merchant.settings.rateLimitPerMinute ?? s.cfg.rateLimitPerMinute) ? found : null;
      // A refusal on cached settings is not final: the settings may have changed since.
      if (hit && (await fences(req, hit.principal)) === null) {
        req.principal = hit.principal;
        req.accessCheck = { version: hit.version, id, secret };
        return null; // no limit to take (above)
      }
      const p = await s.merchants.authenticate(id, secret);
      if (!p) return { kind: 'bad_credentials' };
      const refusal = await fences(req, p);
      if (refusal) return refusal;
      req.principal = p;
      req.accessCheck = undefined;
      const d = await rateLimit(s, req, reply);
      return d && !d.allowed ? { kind: 'too_many_per_operation' } : null;
    },
    /**
     * The dialect's error handler, for a request whose cached key no statement has checked yet (a
     * bad parameter, an unknown id): the request is admitted again from the store first, and its
     * refusal, if any, is the answer (a revoked key gets its 401, not a 400 or a 404).
     */
    errorHandler(answer: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => unknown, refuse: (r: Refusal) => Error) {
      return async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
        const check = req.accessCheck;
        req.accessCheck = undefined;
        const refusal = check ? await this.admit(req, reply, check.id, check.secret) : null;
        return answer(refusal ? (refuse(refusal) as FastifyError) : err, req, reply);
      };
    },
    /**
     * `read(access)` for the principal admitted: when it came from the cache, `read` must read the
     * access version in its own statement (Engine.find's `access`); if that moved, the request is
     * admitted again from the store (or refused, through `refuse`) and read again. A status read
     * thus costs one statement, and a revoked key or a changed fence still holds at once.
     */
    async confirmed<T>(
      req: FastifyRequest,
      reply: FastifyReply,
      read: (access?: number) => Promise<T>,
      refuse: (r: Refusal) => Error,
    ): Promise<T> {
      const check = req.accessCheck;
      if (!check) return read();
      req.accessCheck = undefined;
      try {
        return await read(check.version);
      } catch (err) {
        if (!(err instanceof AccessMoved)) throw err;
      }
      const refusal = await this.admit(req, reply, check.id, check.secret);
      if (refusal) throw refuse(refusal);
      return read();
    },
  };
}
