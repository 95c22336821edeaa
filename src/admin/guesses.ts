// Wrong admin tokens, counted per client address and shared by every door that takes the token
// (the admin API, the console's sign-in, the sandbox's operator reads): a limit on one door alone
// is bypassed by guessing at another.
import type { FastifyRequest } from 'fastify';
import { cidrMatcher, clientAddress } from '../engine/cidr.js';
import { addressKey } from '../web/limits.js';

export const TOKEN_TRIES = 10;
export const TOKEN_WINDOW_MS = 15 * 60_000;
const MAX_ADDRESSES = 10_000;

export class TokenGuesses {
  private failures = new Map<string, { n: number; until: number }>();
  private trusted: (address: string) => boolean;

  constructor(trustedProxies: string[] = []) {
    this.trusted = cidrMatcher(trustedProxies);
  }

  /** The caller's address, read through TRUSTED_PROXIES. */
  addressOf(req: FastifyRequest): string {
    return clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for'], this.trusted);
  }

  /** Seconds until the address may present a token again; 0 when it may now. */
  wait(address: string, now = Date.now()): number {
    const f = this.failures.get(addressKey(address));
    return f && f.until > now && f.n >= TOKEN_TRIES ? Math.ceil((f.until - now) / 1000) : 0;
  }

  failed(address: string, now = Date.now()) {
    const key = addressKey(address);
    const f = this.failures.get(key);
    this.failures.delete(key);
    // The oldest entry goes first, so that many addresses cannot wipe the count of one.
    if (this.failures.size >= MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(key, f && f.until > now ? { n: f.n + 1, until: f.until } : { n: 1, until: now + TOKEN_WINDOW_MS });
  }

  succeeded(address: string) {
    this.failures.delete(addressKey(address));
  }
}

const perGateway = new WeakMap<object, TokenGuesses>();

/** The one count of a gateway (keyed by its configuration, which its services share). */
export function tokenGuesses(cfg: { access: { trustedProxies: string[] } }): TokenGuesses {
  let g = perGateway.get(cfg);
  if (!g) perGateway.set(cfg, (g = new TokenGuesses(cfg.access.trustedProxies)));
  return g;
}
