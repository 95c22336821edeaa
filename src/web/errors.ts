// pennygate's own error envelope, for the APIs that are not a provider's dialect (admin,
// sandbox): {"error": {"code", "message"}}. Caller errors are 4xx, never a 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RETRY_AFTER_SECONDS, isStoreUnavailable } from '../store/db.js';
import { NoLiveRail } from '../rails/rail.js';

export interface KnownError {
  status: number;
  code: string;
  message: string;
}

export function ownErrorHandler(what: string, known: (err: unknown) => KnownError | null) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const k = known(err);
    if (k) return reply.code(k.status).send({ error: { code: k.code, message: k.message } });
    if (err.validation) {
      const e = err.validation[0];
      const field = e.keyword === 'required' ? e.params.missingProperty : e.instancePath.slice(1) || 'body';
      // A choice of literals fails once per literal ("must be equal to constant"): name them instead.
      const allowed = err.validation
        .filter((x) => x.instancePath === e.instancePath && (x.keyword === 'const' || x.keyword === 'enum'))
        .flatMap((x) => (x.keyword === 'const' ? [x.params.allowedValue] : (x.params.allowedValues as unknown[])));
      const message =
        allowed.length && (e.keyword === 'const' || e.keyword === 'enum')
          ? `must be one of ${allowed.join(', ')}`
          : e.keyword === 'additionalProperties'
            ? // The field that is not taken (a misspelling, most often), not only that there is one.
              `${JSON.stringify(String(e.params.additionalProperty).slice(0, 64))} is not a field this takes`
            : e.message;
      return reply.code(400).send({ error: { code: 'invalid_request', message: `${field}: ${message}` } });
    }
    if ((err.statusCode ?? 500) < 500) return reply.code(err.statusCode ?? 400).send({ error: { code: 'invalid_request', message: err.message } });
    if (noteUnavailable(err, req, reply)) return storeUnavailable(reply);
    req.log.error({ err }, `${what} error`);
    return reply.code(500).send({ error: { code: 'internal_error', message: 'internal error' } });
  };
}

/**
 * What every error handler does with a store outage, whatever its envelope: a warning without the
 * stack (one per request, not a trace) and Retry-After. Returns whether `err` is one. A live
 * key's request on an instance without the bank connector is answered the same way (503, try
 * again: another instance may serve it), with its own warning.
 */
export function noteUnavailable(err: { message?: string; code?: unknown }, req: FastifyRequest, reply: FastifyReply): boolean {
  if (err instanceof NoLiveRail) {
    req.log.warn(err.message);
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return true;
  }
  if (!isStoreUnavailable(err)) return false;
  req.log.warn({ err: { message: err.message, code: err.code } }, 'store unavailable: answered 503');
  reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return true;
}

/** A store outage (down, refusing connections, the disk full): 503, try again, in pennygate's envelope. */
function storeUnavailable(reply: FastifyReply) {
  return reply.code(503).send({ error: { code: 'unavailable', message: 'The store is unavailable right now. Try again shortly.' } });
}
