// Form bodies (application/x-www-form-urlencoded), for the APIs whose clients send them:
// Razorpay's PHP SDK posts its arrays form-encoded (`notes[purpose]=kyc`), as PHP's
// http_build_query writes them, and Razorpay's API reads them as it reads JSON. Parsed by qs,
// PHP's bracket notation included, as strictly as JSON bodies are (json-body.ts): UTF-8 only,
// nothing compressed, and a percent-escape that is not UTF-8 refused rather than kept as typed.
import type { FastifyInstance } from 'fastify';
import qs from 'qs';
import { TEXT_REFUSED } from './nul-guard.js';
import { refusedCoding } from './json-body.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const refused = (message: string) => Object.assign(new Error(message), { statusCode: 400, code: TEXT_REFUSED });

/** Throws on a malformed or non-UTF-8 escape (qs's own decoder would keep it as typed). */
const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

const OPTIONS: qs.IParseOptions = {
  // notes[key] (and a fund account's fund_account[vpa][address], refused by name later).
  depth: 2,
  parameterLimit: 100,
  arrayLimit: 20,
  throwOnLimitExceeded: true,
  // PHP's parse_str, which Razorpay's API reads forms with, keeps the last of a repeated key.
  duplicates: 'last',
  // Objects without a prototype: otherwise qs drops a key named after one of Object's members
  // (notes[toString]) without a word. __proto__ it drops either way: refused first (below).
  plainObjects: true,
  decoder: decode,
};

/** Adds a form parser to `app` (and the instances it encapsulates). */
export function formBodies(app: FastifyInstance) {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body, done) => {
    const coding = refusedCoding(req.headers['content-encoding']);
    if (coding) return done(coding, undefined);
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(refused('A form body must be in UTF-8.'), undefined);
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      return done(refused('A form body must be in UTF-8.'), undefined);
    }
    try {
      // Refused by name, as a JSON body with such a key is, rather than dropped by qs.
      for (const pair of text.split('&')) {
        const key = decode(pair.split('=', 1)[0]);
        if (/(^|\[)(__proto__|constructor)(?=[[\]]|$)/.test(key)) return done(refused(`The form body may not have a key named __proto__ or constructor: ${key.slice(0, 60)}.`), undefined);
      }
      done(null, qs.parse(text, OPTIONS));
    } catch (err) {
      const what = err instanceof URIError ? 'has a percent-escape that is not UTF-8' : `is too large: ${(err as Error).message}`;
      done(refused(`The form body ${what}.`), undefined);
    }
  });
}
