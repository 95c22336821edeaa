// Headers every answer carries: browsers must not sniff a JSON error into HTML, nor leak the
// hosted page's address (it holds the verification's short code) to other sites, nor cache what
// a handler did not mark cacheable; HTML gets a content security policy even when a handler set none.
// Served under an https PUBLIC_URL (TLS ended at a proxy in front), browsers are told to come back
// only over https: the hosted page and the console must not be fetched in clear on a café's network.
import type { FastifyInstance } from 'fastify';

/** For HTML that sets no policy of its own (error pages, 404s): nothing may load or frame it. */
const DEFAULT_HTML_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A year, without includeSubDomains: the operator's other hosts are not this gateway's to pin. */
const HSTS = 'max-age=31536000';

export function securityHeaders(app: FastifyInstance, o: { https: boolean }) {
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    // Browsers ignore it over plain http (RFC 6797), so it is sent whichever way this hop came.
    if (o.https) reply.header('strict-transport-security', HSTS);
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    // Answers carry client secrets, webhook secrets and payers' accounts: no cache (a proxy's, the
    // browser's disk) may keep one. What is public and the same for everyone sets its own rule.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', DEFAULT_HTML_CSP);
    }
    done(null, payload);
  });
}
