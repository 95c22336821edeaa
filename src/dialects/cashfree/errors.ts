// Cashfree's error envelope {type, code, message} and how framework errors map onto it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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

/** Messages for fields whose value failed the schema (beyond the generic one). */
const FIELD_MESSAGES: Record<string, string> = {
  verification_id: 'verification_id can include only alphanum, dot, hyphen and underscores, at most 50 characters.',
  redirect_url: 'redirect_url should be a valid http or https URL.',
  name: 'name should be a string of at most 200 characters.',
  name_1: 'name_1 should be a non-empty string of at most 200 characters.',
  name_2: 'name_2 should be a non-empty string of at most 200 characters.',
  mobile_number: 'mobile_number should be valid.',
};

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, any>;
}

/** Turns the first schema violation into Cashfree's `<field>_missing` / `<field>_value_invalid`. */
export function fromValidation(errors: AjvError[]): CashfreeError {
  const e = errors[0];
  if (e.keyword === 'required') {
    const field = String(e.params.missingProperty);
    return invalid(`${field}_missing`, `${field} is missing in the request.`);
  }
  const field = e.instancePath.split('/').filter(Boolean).join('.');
  if (!field) return invalid('invalid_request', 'Request body should be a JSON object.');
  if (e.keyword === 'minLength' && e.params.limit === 1) {
    return invalid(`${field}_value_invalid`, `${field} is not allowed to be empty.`);
  }
  return invalid(`${field.replace(/\./g, '_')}_value_invalid`, FIELD_MESSAGES[field] ?? `${field} is invalid.`);
}

export function cashfreeErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  let out: CashfreeError;
  if (err instanceof CashfreeError) out = err;
  else if (err.validation) out = fromValidation(err.validation as AjvError[]);
  else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') out = invalid('invalid_request', 'Content-Type must be application/json.');
  else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') out = new CashfreeError(413, 'validation_error', 'invalid_request', 'Request body is too large.');
  else if ((err.statusCode ?? 500) < 500) out = invalid('invalid_request', 'Request body is not valid JSON.');
  else {
    req.log.error({ err }, 'unhandled error');
    out = new CashfreeError(500, 'internal_error', 'api_error', 'something went wrong, please try after some time');
  }
  return reply.code(out.status).send(out.body());
}
