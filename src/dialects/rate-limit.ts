// The rate limit as both dialects apply it: after authentication, per merchant and operation,
// with the limit headers on every answer. Each dialect words the 429 in its own envelope.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';

/** Null when the merchant has no limit; otherwise the decision, its headers already set. */
export function rateLimit(s: Services, req: FastifyRequest, reply: FastifyReply) {
  const p = req.principal;
  const limit = p?.merchant.settings.rateLimitPerMinute ?? s.cfg.rateLimitPerMinute;
  if (!p || !limit) return null;
  // The route's pattern, never the URL as sent: unknown routes share one bucket, and HEAD is
  // answered by the GET route, so it counts against GET's.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  // (This hook runs inside a dialect's prefix, so the URL's first segment names the dialect.)
  const operation = `${method} ${req.routeOptions.url ?? `/${req.url.split('/')[1].slice(0, 16)}/(unknown route)`}`;
  const d = s.limiter.take(`${p.merchant.id} ${operation}`, limit);
  reply.header('x-ratelimit-limit', String(d.limit));
  reply.header('x-ratelimit-remaining', String(d.remaining));
  reply.header('x-ratelimit-reset', String(d.resetSeconds));
  if (!d.allowed) reply.header('retry-after', String(d.resetSeconds));
  return d;
}
