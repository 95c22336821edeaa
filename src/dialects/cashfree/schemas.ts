// Request and response schemas: they validate requests and generate /openapi.json.
import { Type } from '@sinclair/typebox';
import { OneOf, OrNull, Verbatim } from '../schema-types.js';

export const VERIFICATION_ID = Type.String({ minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9._-]+$' });
const REDIRECT_URL = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://[^\\s]+$' });

export const ErrorBody = Type.Object(
  {
    type: Type.String({ examples: ['validation_error'] }),
    code: Type.String({ examples: ['verification_id_missing'] }),
    message: Type.String(),
    error: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'CashfreeError' },
);

export const CredentialHeaders = Type.Object({
  'x-client-id': Type.Optional(Type.String()),
  'x-client-secret': Type.Optional(Type.String()),
});

export const RpdCreateBody = Type.Object({
  verification_id: VERIFICATION_ID,
  name: Type.Optional(Type.String({ maxLength: 200 })),
  redirect_url: Type.Optional(REDIRECT_URL),
});

export const RpdCreateResponse = Type.Object({
  verification_id: Type.String(),
  ref_id: Type.Integer(),
  valid_upto: Type.String(),
  upi_link: Verbatim(),
  gpay: Verbatim(),
  bhim: Verbatim(),
  paytm: Verbatim(),
  phonepe: Verbatim(),
  qr_code: Verbatim({ description: 'Base64 PNG of the QR code of upi_link (no data: prefix).' }),
  url: Type.String({ description: 'Hosted page with the QR code and app buttons.' }),
});

export const RemitterStatusQuery = Type.Object({
  verification_id: Type.Optional(Type.String()),
  ref_id: Type.Optional(Type.String()),
});

const S = Type.Optional(Type.String());
/** The payer's details: null once the retention period erased them. */
const Erasable = Type.Optional(OrNull(Type.String()));
export const RemitterStatusResponse = Type.Object({
  bank_account: Erasable,
  ifsc: Erasable,
  upi: Erasable,
  name_at_bank: Erasable,
  verification_id: Type.String(),
  ref_id: Type.String(),
  utr: S,
  status: OneOf(['CREATED', 'SUCCESS', 'FAILURE', 'EXPIRED']),
  name_match_score: S,
  name_match_result: S,
  added_on: Type.String(),
  processed_on: Type.String(),
  penny_collected_on: S,
  reversal_status: Type.Optional(OneOf(['PENDING', 'TRANSFER_INITIATED', 'TRANSFER_SUCCESS', 'FAILED'])),
  account_type: S,
});

export const NameMatchBody = Type.Object({
  verification_id: VERIFICATION_ID,
  name_1: Type.String({ minLength: 1, maxLength: 200 }),
  name_2: Type.String({ minLength: 1, maxLength: 200 }),
});

export const NameMatchResponse = Type.Object({
  verification_id: Type.String(),
  reference_id: Type.Integer(),
  name_1: Type.String(),
  name_2: Type.String(),
  status: Type.Literal('SUCCESS'),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  reason: Type.String(),
  reason_codes: Type.String({ description: 'pennygate extension: the machine-readable reason codes, most important first.' }),
});

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
