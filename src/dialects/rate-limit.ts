// The rate limits as both dialects apply them: per client address before authentication, and
// per merchant and operation after it, with the limit headers on every answer. Each dialect
// words the 429 in its own envelope.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import type { RateDecision } from '../engine/rate-limit.js';
import { addressBucket } from '../engine/cidr.js';

function headers(reply: FastifyReply, d: RateDecision) {
  reply.header('x-ratelimit-limit', String(d.limit));
  reply.header('x-ratelimit-remaining', String(d.remaining));
  reply.header('x-ratelimit-reset', String(d.resetSeconds));
  if (!d.allowed) reply.header('retry-after', String(d.resetSeconds));
}

/** Null when the merchant has no limit; otherwise the decision, its headers already set. */
export async function rateLimit(s: Services, req: FastifyRequest, reply: FastifyReply) {
  const p = req.principal;
  const limit = p?.merchant.settings.rateLimitPerMinute ?? s.cfg.rateLimitPerMinute;
  if (!p || !limit) return null;
  // The route's pattern, never the URL as sent: unknown routes share one bucket, and HEAD is
  // answered by the GET route, so it counts against GET's.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  // (This hook runs inside a dialect's prefix, so the URL's first segment names the dialect.)
  const operation = `${method} ${req.routeOptions.url ?? `/${req.url.split('/')[1].slice(0, 16)}/(unknown route)`}`;
  const d = await s.limiter.take(`${p.merchant.id} ${operation}`, limit);
  headers(reply, d);
  return d;
}

/** The per-address limit (RATE_LIMIT_PER_IP_PER_MINUTE), before credentials are read; null without one. */
export async function rateLimitPerIp(s: Services, address: string, reply: FastifyReply) {
  const limit = s.cfg.access.perIpPerMinute;
  if (!limit) return null;
  const d = await s.limiter.take(`ip ${addressBucket(address)}`, limit);
  headers(reply, d);
  return d;
}
