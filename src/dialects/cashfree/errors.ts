// Cashfree's error envelope {type, code, message} and how framework errors map onto it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { TEXT_REFUSED } from '../../web/nul-guard.js';
import type { Refusal } from '../access.js';
import { InsufficientBalanceError, PayoutCapError } from '../../engine/billing.js';
import { noteUnavailable } from '../../web/errors.js';

export class CashfreeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
  body() {
    return { type: this.type, code: this.code, message: this.message, ...(this.extra ? { error: this.extra } : {}) };
  }
}

export const invalid = (code: string, message: string) => new CashfreeError(400, 'validation_error', code, message);

/** An access refusal (dialects/access.ts) in Cashfree's words. */
export function cashfreeRefusal(r: Refusal): CashfreeError {
  switch (r.kind) {
    case 'too_many_per_ip':
      return new CashfreeError(429, 'rate_limit_error', 'too_many_requests_per_ip', 'Too many requests from the IP, rate limit reached');
    case 'too_many_per_operation':
      return new CashfreeError(429, 'rate_limit_error', 'too_many_requests_per_operation', 'Too many requests for this operation, rate limit reached');
    case 'bad_credentials':
      return new CashfreeError(401, 'authentication_error', 'authentication_failed', 'Invalid clientId and clientSecret combination');
    case 'wrong_environment':
      return invalid('x-client-secret_value_invalid', `Client secret belongs to ${r.mode === 'test' ? 'test' : 'production'} environment`);
    case 'ip_not_allowed':
      return new CashfreeError(
        403,
        'authentication_error',
        'ip_validation_failed',
        `IP not whitelisted your current ip is ${r.address}.For IP whitelisting assistance, visit our guide at https://www.cashfree.com/docs/secure-id/get-started/integration/ip-whitelisting-verification`,
      );
    case 'signature_missing':
      return new CashfreeError(403, 'validation_error', 'authentication_failed', 'x-cf-signature missing in the request header');
    case 'signature_invalid':
      return new CashfreeError(
        403,
        'validation_error',
        'authentication_failed',
        r.why === 'expired' ? 'x-cf-signature has expired, sign a fresh timestamp' : 'x-cf-signature is invalid',
      );
  }
}

/** Messages for fields whose value failed the schema (beyond the generic one). */
const FIELD_MESSAGES: Record<string, string> = {
  verification_id: 'verification_id can include only alphanum, dot, hyphen and underscores.',
  redirect_url: 'redirect_url should be a valid http or https URL.',
  name: 'name should be a string of at most 200 characters.',
  name_1: 'name_1 should be a non-empty string of at most 200 characters.',
  name_2: 'name_2 should be a non-empty string of at most 200 characters.',
  mobile_number: 'mobile_number should be valid.',
  email: 'email should be a valid email address.',
  additional_vpas: 'additional_vpas should be true or false.',
  'x-api-version': 'x-api-version should be a date in YYYY-MM-DD format, e.g. 2024-12-01.',
  user_consent: 'user_consent should be an object with obtained, type, timestamp and purpose.',
  'user_consent.obtained': "user_consent.obtained should be true: the customer's consent is required.",
  'user_consent.type': 'user_consent.type should be EXPLICIT.',
  'user_consent.timestamp': 'user_consent.timestamp should be a date-time in UTC, e.g. 2025-10-27T09:24:36Z.',
  'user_consent.purpose': 'user_consent.purpose should be 20 to 100 characters of letters, digits, spaces and . / & _ -',
};

/** `<field>_value_invalid` with the field's message (dotted paths for nested fields). */
export const invalidField = (field: string) =>
  invalid(`${field.replace(/\./g, '_')}_value_invalid`, FIELD_MESSAGES[field] ?? `${field} is invalid.`);

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, any>;
}

/** Turns the first schema violation into Cashfree's `<field>_missing` / `<field>_value_invalid`. */
export function fromValidation(errors: AjvError[]): CashfreeError {
  const e = errors[0];
  if (e.keyword === 'required') {
    // Nested fields are named by their path: user_consent.purpose -> user_consent_purpose_missing.
    const field = [...e.instancePath.split('/').filter(Boolean), String(e.params.missingProperty)].join('.');
    return invalid(`${field.replace(/\./g, '_')}_missing`, `${field} is missing in the request.`);
  }
  const field = e.instancePath.split('/').filter(Boolean).join('.');
  if (!field) return invalid('invalid_request', 'Request body should be a JSON object.');
  if (e.keyword === 'additionalProperties') {
    return invalid(`${field.replace(/\./g, '_')}_value_invalid`, `${field} does not take the property ${String(e.params.additionalProperty).slice(0, 50)}.`);
  }
  if (e.keyword === 'minLength' && e.params.limit === 1) {
    return invalid(`${field}_value_invalid`, `${field} is not allowed to be empty.`);
  }
  // Cashfree words the length apart from the characters.
  if (e.keyword === 'maxLength' && field === 'verification_id') {
    return invalid('verification_id_value_invalid', `verification_id can include a maximum of ${e.params.limit} characters.`);
  }
  return invalid(`${field.replace(/\./g, '_')}_value_invalid`, FIELD_MESSAGES[field] ?? `${field} is invalid.`);
}

/**
 * The 500 each operation documents, where it is not the reverse penny drop's `api_error`
 * (Cashfree words its own failures differently per API).
 */
const INTERNAL_ERRORS: Record<string, [code: string, message: string]> = {
  '/verification/remitter/status': ['request_failed', 'Unable to process your request. Try again after some time'],
  '/verification/mobile/penny-drop': ['request_failed', 'Unable to process your request. Try again after some time'],
  '/verification/name-match': ['verification_failed', 'something went wrong'],
  '/verification/upi/mobile': ['verification_failed', 'something went wrong'],
};

export function cashfreeErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  let out: CashfreeError;
  if (err instanceof CashfreeError) out = err;
  else if ((err as unknown) instanceof InsufficientBalanceError) {
    out = new CashfreeError(422, 'validation_error', 'insufficient_balance', 'Insufficient balance to process this request');
  } else if ((err as unknown) instanceof PayoutCapError) out = new CashfreeError(429, 'rate_limit_error', 'daily_payout_limit_reached', err.message);
  else if (err.validation) out = fromValidation(err.validation as AjvError[]);
  else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') out = invalid('invalid_request', 'Content-Type must be application/json.');
  else if (err.code === TEXT_REFUSED) out = invalid('invalid_request', err.message);
  else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') out = new CashfreeError(413, 'validation_error', 'invalid_request', 'Request body is too large.');
  else if ((err.statusCode ?? 500) < 500) out = invalid('invalid_request', 'Request body is not valid JSON.');
  else if (noteUnavailable(err, req, reply)) {
    // The store is down or full: nothing was acknowledged, and the same request may succeed
    // shortly. 503, in the operation's own code, rather than a 500 that reads as a fault of ours.
    const [code] = INTERNAL_ERRORS[req.routeOptions.url ?? ''] ?? ['api_error'];
    out = new CashfreeError(503, 'internal_error', code, 'Service temporarily unavailable. Try again after some time');
  } else {
    req.log.error({ err }, 'unhandled error');
    const [code, message] = INTERNAL_ERRORS[req.routeOptions.url ?? ''] ?? ['api_error', 'something went wrong, please try after some time'];
    out = new CashfreeError(500, 'internal_error', code, message);
  }
  return reply.code(out.status).send(out.body());
}
