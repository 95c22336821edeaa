// The hosted page a customer opens from `url`: QR code, one button per UPI app, a countdown,
// the live status, and the way back to the merchant when the verification ends.
import { noteUnavailable } from './errors.js';
import { RETRY_AFTER_SECONDS } from '../store/db.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import type { Verification } from '../engine/types.js';
import { qrPng } from '../engine/qr.js';
import { credits, verifications } from '../store/repository.js';
import { renderNotFound, renderPage, renderTrouble, PAGE_SCRIPT, PAGE_STYLE, type Device } from './page.js';
import { cookieValue, pickLang, type Lang } from './i18n.js';
import { brandingOf, displayNameOf, linkOn, logoOrigin, logoProblem, parseDataImage, textOn } from './branding.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: '^[a-z0-9]{6,32}$' }) });
const csp = (imgSrc = "'self'") =>
  `default-src 'none'; img-src ${imgSrc}; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;
const CSP = csp();
const LANG_COOKIE = 'pg_lang';
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#1d4ed8"/><text x="16" y="22" font-size="18" text-anchor="middle" fill="#fff" font-family="sans-serif">\u20b9</text></svg>';

/**
 * Phone or desktop, from the client hint when the browser sends one, else the User-Agent. The
 * page's style sheet refines a wrong guess with pointer and width media queries.
 */
export function deviceOf(headers: Record<string, string | string[] | undefined>): Device {
  const hint = headers['sec-ch-ua-mobile'];
  if (hint === '?1') return 'phone';
  if (hint === '?0') return 'desktop';
  const ua = String(headers['user-agent'] ?? '');
  return /Android|iPhone|iPod|iPad|Mobile|Opera Mini|IEMobile/i.test(ua) ? 'phone' : 'desktop';
}

/** Where the customer goes back to, with the outcome in the query string; null without a valid URL. */
function returnUrl(v: Verification, status: string): string | null {
  if (status === 'CREATED' || status === 'CHECKING' || !v.redirectUrl) return null;
  let u: URL;
  try {
    u = new URL(v.redirectUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  u.searchParams.set('status', status);
  if (v.verificationId) u.searchParams.set('verification_id', v.verificationId);
  return u.toString();
}

/**
 * The status the page polls: nothing about the payer's account, only where the flow stands.
 * `redirect_url` (the page sends the customer there) only for `redirectWindowMs` after the
 * verification ended, so that an old link does not keep sending every visitor to the merchant's
 * site; `return_url` is the same address, offered as a link. `now` by the store's clock
 * (Db.clock), which valid_until and processed_at are set by.
 *
 * Two states the API does not have, both with the verification still `created` and `final`
 * false (the page keeps asking): FAILURE while an in-time decline is held on the open link (the
 * bank's list may still show a payment made before it: engine, failedAttempt), and CHECKING once
 * the time is up but a payment made in time may still be reported (NOTIFICATION_GRACE). Neither
 * offers paying: a payment made then would only go back.
 */
export function pageStatus(v: Verification, redirectWindowMs: number, returnedPayments = 0, now = Date.now(), declined = false) {
  const open = v.status === 'created';
  const status = open && declined ? 'FAILURE' : open && v.validUntil !== null && v.validUntil <= now ? 'CHECKING' : v.status.toUpperCase();
  const back = returnUrl(v, status);
  return {
    returned_payments: returnedPayments,
    status,
    final: !open,
    valid_until: v.validUntil === null ? null : new Date(v.validUntil).toISOString(),
    seconds_left: v.validUntil === null ? 0 : Math.max(0, Math.ceil((v.validUntil - now) / 1000)),
    redirect_url: back && !open && now - v.processedAt <= redirectWindowMs ? back : null,
    return_url: back,
  };
}

export async function hostedPage(app: FastifyInstance, s: Services) {
  const page = { tags: ['Hosted page'], security: [] as Record<string, string[]>[], params: CodeParams };
  // The path PUBLIC_URL puts before this gateway's own (a proxy that serves it under /pg takes
  // /pg off): the page's links to its assets, status and QR code carry it.
  const base = new URL(s.cfg.publicUrl).pathname.replace(/\/+$/, '');
  // Sent back over https only where the page is served so.
  const secureCookie = new URL(s.cfg.publicUrl).protocol === 'https:' ? '; Secure' : '';
  const langOf = (req: FastifyRequest) =>
    pickLang((req.query as Record<string, unknown> | undefined)?.lang, cookieValue(req.headers.cookie, LANG_COOKIE), req.headers['accept-language']);
  const notFound = (reply: any, lang: Lang = 'en') =>
    reply.code(404).type('text/html; charset=utf-8').header('content-security-policy', CSP).send(renderNotFound(lang, base));
  // A code that finds nothing, in the form of the resource asked for: its handler's answer, and
  // the error handler's for a code its schema refused (one that cannot be a code).
  const missing = (req: FastifyRequest, reply: any) => {
    const route = req.routeOptions.url ?? '';
    if (route.endsWith('/status')) return reply.code(404).send({ status: 'NOT_FOUND' });
    if (route.endsWith('/qr.png')) return reply.code(404).send();
    if (route.endsWith('/logo')) return reply.code(404).type('text/plain; charset=utf-8').send('No logo.');
    if (route.endsWith('/theme.css')) return reply.code(404).type('text/css; charset=utf-8').send('');
    return notFound(reply, langOf(req));
  };
  // Payments of another amount that reached this verification and only go back: the customer
  // is told, and may pay again while the verification is still open. (Not a late one: its page
  // says the time is up.)
  const returned = async (v: Verification) =>
    v.status === 'created' ? (await credits.forVerification(s.db, v.refId)).filter((c) => c.disposition === 'wrong_amount').length : 0;
  const stateOf = async (v: Verification) =>
    pageStatus(v, s.cfg.redirectWindowMs, await returned(v), s.db.clock(), v.status === 'created' && (await verifications.declineHeld(s.db, v.refId)));

  app.setErrorHandler((err: any, req, reply) => {
    if (err.validation) return missing(req, reply);
    // A request the page cannot take (a NUL character, a malformed query): 400 in the form of
    // the resource asked for, and nothing worth a stack trace in the log.
    if (err.statusCode && err.statusCode < 500) {
      const route = req.routeOptions.url ?? '';
      if (route.endsWith('/status')) return reply.code(400).send({ status: 'BAD_REQUEST' });
      if (!route.startsWith('/rpd/:code') || route.endsWith('/qr.png')) return reply.code(400).type('text/plain; charset=utf-8').send('Bad request.');
      return reply.code(400).type('text/html; charset=utf-8').header('content-security-policy', CSP).send(renderNotFound(langOf(req), base));
    }
    const down = noteUnavailable(err, req, reply);
    if (!down) req.log.error({ err }, 'page error');
    // In the form of the resource asked for, as a 404: the page's script reads a status answer.
    const route = req.routeOptions.url ?? '';
    reply.code(down ? 503 : 500);
    if (route.endsWith('/status')) return reply.send({ status: down ? 'UNAVAILABLE' : 'ERROR' });
    if (route !== '/rpd/:code') return reply.type('text/plain; charset=utf-8').send('Something went wrong. Please try again.');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .send(renderTrouble(langOf(req), base, down ? RETRY_AFTER_SECONDS : null));
  });

  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code', { schema: { ...page, summary: 'The hosted page: QR code, app buttons, countdown' } }, async (req, reply) => {
    const asked = (req.query as Record<string, unknown> | undefined)?.lang;
    const lang = pickLang(asked, cookieValue(req.headers.cookie, LANG_COOKIE), req.headers['accept-language']);
    // The switch's choice is remembered for this browser's next visit to any link.
    if (asked === lang) reply.header('set-cookie', `${LANG_COOKIE}=${lang}; Path=${base}/rpd; Max-Age=31536000; SameSite=Lax; HttpOnly${secureCookie}`);
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return notFound(reply, lang);
    const merchant = await s.merchants.get(v.merchantId);
    const brand = merchant ? brandingOf(merchant) : {};
    let logo: string | null = null;
    let imgSrc = "'self'";
    // A URL stored before today's rules (a private address, a local name) is not shown either.
    const logoHost = brand.logoUrl && !brand.logoUrl.startsWith('data:') && logoProblem(brand.logoUrl) === null ? logoOrigin(brand.logoUrl) : null;
    if (brand.logoUrl?.startsWith('data:')) logo = `${base}/rpd/${req.params.code}/logo`;
    else if (logoHost) {
      logo = brand.logoUrl!;
      // The merchant's own logo host, and no other, may serve an image to this page (a stored
      // URL whose host cannot be written into the policy is not shown at all).
      imgSrc = `'self' ${logoHost}`;
    }
    const upiLink = s.engine.upiLink(v);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', csp(imgSrc))
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('vary', 'accept-language, cookie, user-agent, sec-ch-ua-mobile')
      .header('accept-ch', 'Sec-CH-UA-Mobile')
      .send(
        renderPage({
          code: req.params.code,
          base,
          upiLink,
          payee: v.payeeName ?? '',
          merchant: merchant ? displayNameOf(merchant) : '',
          logo,
          themed: Boolean(brand.accentColor),
          test: v.mode === 'test' && s.cfg.sandbox.enabled,
          lang,
          device: deviceOf(req.headers),
          state: await stateOf(v),
        }),
      );
  });

  // The merchant's accent colour, as a style sheet of its own so that the page's policy can stay
  // style-src 'self' (no inline styles).
  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/theme.css', { schema: { hide: true, params: CodeParams } }, async (req, reply) => {
    const v = await verifications.byShortCode(s.db, req.params.code);
    const m = v && (await s.merchants.get(v.merchantId));
    const accent = m ? brandingOf(m).accentColor : undefined;
    reply.type('text/css; charset=utf-8').header('cache-control', 'private, max-age=300');
    if (!accent || !/^#[0-9a-f]{6}$/.test(accent)) return reply.code(v ? 200 : 404).send('');
    return reply.send(`:root{--accent:${accent};--on-accent:${textOn(accent)};--link:${linkOn(accent)}}\n`);
  });

  // A data: logo, served from this origin so that the page's policy needs no data: images.
  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/logo', { schema: { hide: true, params: CodeParams } }, async (req, reply) => {
    const v = await verifications.byShortCode(s.db, req.params.code);
    const m = v && (await s.merchants.get(v.merchantId));
    const img = m?.settings && brandingOf(m).logoUrl ? parseDataImage(brandingOf(m).logoUrl!) : null;
    if (!img) return missing(req, reply);
    return reply.type(img.type).header('cache-control', 'private, max-age=300').header('content-security-policy', "default-src 'none'").send(img.bytes);
  });

  // The page polls this every few seconds: its request lines are at debug (see QuietPolling).
  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/status', { schema: { ...page, summary: 'Where the flow stands (the page polls it)' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return missing(req, reply);
    return reply.header('cache-control', 'no-store').send(await stateOf(v));
  });

  app.get<{ Params: Static<typeof CodeParams> }>('/rpd/:code/qr.png', { schema: { ...page, summary: 'The QR code of the UPI intent' } }, async (req, reply) => {
    const v = await s.engine.findByShortCode(req.params.code);
    if (!v) return missing(req, reply);
    return reply.type('image/png').header('cache-control', 'private, max-age=600').send(qrPng(s.engine.upiLink(v)));
  });

  app.get('/assets/rpd.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAGE_SCRIPT),
  );
  // Without an icon of its own the browser asks for /favicon.ico and logs a 404 on the page.
  app.get('/assets/favicon.svg', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').header('content-security-policy', "default-src 'none'").send(FAVICON),
  );
  app.get('/assets/rpd.css', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAGE_STYLE),
  );
}
