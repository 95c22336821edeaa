// The hosted page a customer opens from `url`: QR code, one button per UPI app, a countdown,
// the live status, and the way back to the merchant when the verification ends.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import type { Verification } from '../engine/types.js';
import { qrPng } from '../engine/qr.js';
import { renderPage, PAGE_SCRIPT, PAGE_STYLE } from './page.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9]{6,32}$' }) });
const CSP = "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Where the customer goes back to, with the outcome in the query string; null without a valid URL. */
function returnUrl(v: Verification): string | null {
  if (v.status === 'created' || !v.redirectUrl) return null;
  let u: URL;
  try {
    u = new URL(v.redirectUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  u.searchParams.set('status', v.status.toUpperCase());
  if (v.verificationId) u.searchParams.set('verification_id', v.verificationId);
  return u.toString();
}

/**
 * The status the page polls: nothing about the payer's account, only where the flow stands.
 * `redirect_url` (the page sends the customer there) only for `redirectWindowMs` after the
 * verification ended, so that an old link does not keep sending every visitor to the merchant's
 * site; `return_url` is the same address, offered as a link.
 */
export function pageStatus(v: Verification, redirectWindowMs: number, now = Date.now()) {
  const back = returnUrl(v);
  return {
    status: v.status.toUpperCase(),
    valid_until: v.validUntil === null ? null : new Date(v.validUntil).toISOString(),
    seconds_left: v.validUntil === null ? 0 : Math.max(0, Math.ceil((v.validUntil - now) / 1000)),
    redirect_url: back && now - v.processedAt <= redirectWindowMs ? back : null,
    return_url: back,
  };
}

export async function hostedPage(app: FastifyInstance, s: Services) {
  const page = { tags: ['Hosted page'], security: [] as Record<string, string[]>[], params: CodeParams };
  const notFound = (reply: any) =>
    reply.code(404).type('text/html; charset=utf-8').header('content-security-policy', CSP).send(renderPage(null));

  app.setErrorHandler((err: any, req, reply) => {
    if (err.validation) return notFound(reply);
    // A request the page cannot take (a NUL character, a malformed query): 400 in the form of
    // the resource asked for, and nothing worth a stack trace in the log.
    if (err.statusCode && err.statusCode < 500) {
      const route = req.routeOptions.url ?? '';
      if (route.endsWith('/status')) return reply.code(400).send({ status: 'BAD_REQUEST' });
      if (!route.startsWith('/rpd/:code') || route.endsWith('/qr.png')) return reply.code(400).type('text/plain; charset=utf-8').send('Bad request.');
      return reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', CSP).send(renderPage(null));
    }
    req.log.error({ err }, 'page error');
    return reply.code(500).type('text/plain').send('Something went wrong. Please try again.');
  });

  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code', { schema: { ...page, summary: 'The hosted page: QR code, app buttons, countdown' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return notFound(reply);
    const upiLink = s.engine.upiLink(v);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(renderPage({ code: req.params.code, upiLink, payee: v.payeeName ?? '', test: v.mode === 'test' && s.cfg.sandbox.enabled, state: pageStatus(v, s.cfg.redirectWindowMs) }));
  });

  // The page polls this every few seconds: its request lines are at debug (see QuietPolling).
  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/status', { schema: { ...page, summary: 'Where the flow stands (the page polls it)' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return reply.code(404).send({ status: 'NOT_FOUND' });
    return reply.header('cache-control', 'no-store').send(pageStatus(v, s.cfg.redirectWindowMs));
  });

  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/qr.png', { schema: { ...page, summary: 'The QR code of the UPI intent' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return reply.code(404).send();
    return reply.type('image/png').header('cache-control', 'private, max-age=600').send(qrPng(s.engine.upiLink(v)));
  });

  app.get('/assets/rpd.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAGE_SCRIPT),
  );
  app.get('/assets/rpd.css', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAGE_STYLE),
  );
}
