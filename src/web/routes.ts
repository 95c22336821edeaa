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

/** The status the page polls: nothing about the payer's account, only where the flow stands. */
export function pageStatus(v: Verification, now = Date.now()) {
  return {
    status: v.status.toUpperCase(),
    valid_until: v.validUntil === null ? null : new Date(v.validUntil).toISOString(),
    seconds_left: v.validUntil === null ? 0 : Math.max(0, Math.ceil((v.validUntil - now) / 1000)),
    redirect_url: v.status === 'created' ? null : v.redirectUrl,
  };
}

export async function hostedPage(app: FastifyInstance, s: Services) {
  const page = { tags: ['Hosted page'], security: [] as Record<string, string[]>[], params: CodeParams };
  const notFound = (reply: any) =>
    reply.code(404).type('text/html; charset=utf-8').header('content-security-policy', CSP).send(renderPage(null));

  app.setErrorHandler((err: any, req, reply) => {
    if (err.validation) return notFound(reply);
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
      .send(renderPage({ code: req.params.code, upiLink, payee: v.payeeName ?? '', test: v.mode === 'test' && s.cfg.sandbox.enabled, state: pageStatus(v) }));
  });

  // The page polls this every few seconds: its request lines are at debug (see QuietPolling).
  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/status', { schema: { ...page, summary: 'Where the flow stands (the page polls it)' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return reply.code(404).send({ status: 'NOT_FOUND' });
    return reply.header('cache-control', 'no-store').send(pageStatus(v));
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
