// JSON bodies are read as UTF-8, the only encoding JSON has (RFC 8259), and strictly: a body
// declared in another charset, or with bytes that are not UTF-8, is refused. Decoded leniently,
// such bytes became U+FFFD and the gateway kept other text than the caller sent (a name or a
// reference_id that no longer matches the caller's own), as nul-guard.ts refuses for escapes.
import type { FastifyInstance } from 'fastify';
import { TEXT_REFUSED } from './nul-guard.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

const notUtf8 = () => Object.assign(new Error('The request body must be JSON in UTF-8.'), { statusCode: 400, code: TEXT_REFUSED });
// No body is decompressed: a gzip or br body read as it came is bytes, not JSON, and a plain
// body so labelled would be taken as what the label says it is not. Either is refused by name.
const compressed = (coding: string) =>
  Object.assign(new Error(`The request body must be sent uncompressed: Content-Encoding ${coding} is not accepted.`), { statusCode: 400, code: TEXT_REFUSED });

/** The refusal of a body whose Content-Encoding is not identity, or null. */
export function refusedCoding(header: string | undefined): Error | null {
  const coding = header?.trim();
  return coding && !/^identity$/i.test(coding) ? compressed(coding.slice(0, 40)) : null;
}

/** Replaces the JSON parser of `app` and the instances it encapsulates. */
export function strictJsonBodies(app: FastifyInstance) {
  // Fastify's own parser (empty bodies, __proto__ and constructor poisoning), fed checked text.
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const coding = refusedCoding(req.headers['content-encoding']);
    if (coding) return done(coding, undefined);
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(notUtf8(), undefined);
    let text: string;
    try {
      text = decoder.decode(body as Buffer); // a leading byte order mark is dropped
    } catch {
      return done(notUtf8(), undefined);
    }
    parse(req, text, done);
  });
}
