// Razorpay's error envelope and how framework errors map onto it:
// {"error": {"code", "description", "source", "step", "reason", "metadata": {}, "field"?}}.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TEXT_REFUSED } from '../../web/nul-guard.js';
import type { Refusal } from '../access.js';
import { InsufficientBalanceError } from '../../engine/billing.js';
import { noteUnavailable } from '../../web/errors.js';

export class RazorpayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
    readonly opts: { field?: string; source?: string; step?: string; reason?: string } = {},
  ) {
    super(description);
  }
  body() {
    return {
      error: {
        code: this.code,
        description: this.message,
        source: this.opts.source ?? 'NA',
        step: this.opts.step ?? 'NA',
        reason: this.opts.reason ?? 'NA',
        metadata: {},
        ...(this.opts.field ? { field: this.opts.field } : {}),
      },
    };
  }
}

/** A request the caller must fix: Razorpay attributes these to the business's input. */
export const badInput = (description: string, field?: string) =>
  new RazorpayError(400, 'BAD_REQUEST_ERROR', description, { field, source: 'business', reason: 'input_validation_failed' });

/**
 * Razorpay refuses a parameter it does not take instead of ignoring it, naming every one it
 * found: "<a>, <b> is/are not required and should not be sent".
 */
export function extraFields(given: object | null | undefined, allowed: readonly string[]): RazorpayError | null {
  if (!given || typeof given !== 'object' || Array.isArray(given)) return null;
  const extra = Object.keys(given).filter((k) => !allowed.includes(k));
  return extra.length === 0 ? null : badInput(`${extra.join(', ')} is/are not required and should not be sent`, extra[0]);
}

export const unauthenticated = (description: string) => new RazorpayError(401, 'BAD_REQUEST_ERROR', description);
export const NO_API_KEY = 'Please provide your api key for authentication purposes.';
export const BAD_API_KEY = 'The api key provided is invalid';

/** RazorpayX attributes an id it cannot find to the business's input, like any bad parameter. */
export const unknownId = () =>
  new RazorpayError(400, 'BAD_REQUEST_ERROR', 'The id provided does not exist', { source: 'business', reason: 'input_validation_failed' });

export const tooManyRequests = () => new RazorpayError(429, 'BAD_REQUEST_ERROR', 'Too many requests');

/** Razorpay answers a path or method it does not serve with 400, not 404. */
export const routeNotFound = () => new RazorpayError(400, 'BAD_REQUEST_ERROR', 'The requested URL was not found on the server.');

/** An access refusal (dialects/access.ts) in Razorpay's envelope. */
export function razorpayRefusal(r: Refusal): RazorpayError {
  switch (r.kind) {
    case 'too_many_per_ip':
    case 'too_many_per_operation':
      return tooManyRequests();
    // Razorpay answers a key of the other mode (test or live) as it answers a wrong key.
    case 'bad_credentials':
    case 'wrong_environment':
      return unauthenticated(BAD_API_KEY);
    // The 2FA signature is Cashfree's: Razorpay has none, so a caller off the allowlist that
    // would have to sign is told what Razorpay tells a caller off its whitelist.
    case 'ip_not_allowed':
    case 'signature_missing':
    case 'signature_invalid':
      return new RazorpayError(403, 'BAD_REQUEST_ERROR', `Access from IP address ${r.address} is not allowed: it is not whitelisted for this api key`, {
        source: 'business',
        reason: 'ip_not_whitelisted',
      });
  }
}

/** RazorpayX's words for a fault on its side (source internal); the caller may retry. */
const serverError = () =>
  new RazorpayError(500, 'SERVER_ERROR', 'We are facing some trouble completing your request at the moment. Please try again shortly.', {
    source: 'internal',
  });

const MAX_NOTE_KEY = 256;

/** Razorpay names fields in words: source_account_number -> "source account number". */
const words = (field: string) => field.replace(/_/g, ' ');

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, any>;
}

/** Turns the first schema violation into Razorpay's wording, naming the field. */
export function fromValidation(errors: AjvError[], context: string | undefined): RazorpayError {
  const e = errors[0];
  // A JSON pointer: `/notes/a~1b` names the note `a/b`.
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') {
    const field = String(e.params.missingProperty);
    return badInput(`The ${words(field)} field is required.`, field);
  }
  if (path.length === 0) {
    return context === 'body' || context === undefined
      ? badInput('The request body must be a JSON object.')
      : badInput(`The ${context} is invalid.`);
  }
  const field = path[0];
  if (field === 'notes') {
    if (path.length === 1) {
      if (e.keyword === 'maxProperties') return badInput('Number of fields in notes should be less than or equal to 15', 'notes');
      if (e.keyword === 'propertyNames' || e.keyword === 'maxLength') {
        return badInput(`The notes keys may not be greater than ${MAX_NOTE_KEY} characters.`, 'notes');
      }
      return badInput('The notes must be an object of key-value pairs.', 'notes');
    }
    const key = path.slice(1).join('/');
    if (e.keyword === 'maxLength') return badInput(`The notes value for key ${key} may not be greater than 256 characters.`, 'notes');
    return badInput(`The notes value for key ${key} must be a string or a number.`, 'notes');
  }
  if (field === 'validation_type') return badInput('The validation type must be upi_intent.', field);
  // count, skip, from and to are integers; account_number is text like the body's fields.
  if (context === 'querystring' && field !== 'account_number') return badInput(`The ${words(field)} must be an integer.`, field);
  if (e.keyword === 'maxLength') return badInput(`The ${words(field)} may not be greater than ${e.params.limit} characters.`, field);
  if (e.keyword === 'minLength') return badInput(`The ${words(field)} must be at least ${e.params.limit} characters.`, field);
  if (e.keyword === 'type') return badInput(`The ${words(field)} must be a string.`, field);
  return badInput(`The ${words(field)} is invalid.`, field);
}

export function razorpayErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  let out: RazorpayError;
  if (err instanceof RazorpayError) out = err;
  else if ((err as unknown) instanceof InsufficientBalanceError) {
    out = new RazorpayError(400, 'BAD_REQUEST_ERROR', 'Your account does not have enough balance to carry out the validation.', {
      source: 'business',
      reason: 'insufficient_balance',
    });
  } else if (err.validation) out = fromValidation(err.validation as AjvError[], err.validationContext);
  else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') out = badInput('The request body must be JSON or a form: send Content-Type: application/json or application/x-www-form-urlencoded.');
  else if (err.code === TEXT_REFUSED) out = badInput(err.message);
  else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    out = new RazorpayError(413, 'BAD_REQUEST_ERROR', 'The request body is too large.', { source: 'business', reason: 'input_validation_failed' });
  } else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') out = badInput('The request body must be a JSON object.');
  else if ((err.statusCode ?? 500) < 500) out = badInput('The request body is not valid JSON.');
  else if (noteUnavailable(err, req, reply)) {
    // The store is down or full: the same request may succeed shortly (see the Cashfree dialect).
    out = new RazorpayError(503, 'SERVER_ERROR', serverError().message, { source: 'internal' });
  } else {
    req.log.error({ err }, 'unhandled error');
    out = serverError();
  }
  return reply.code(out.status).send(out.body());
}
