// Request and response schemas of the RazorpayX dialect: they validate requests and generate
// /openapi.json.
import { Type } from '@sinclair/typebox';
import { OneOf, OrNull, Verbatim } from '../schema-types.js';

export const MAX_NOTES = 15;
export const MAX_NOTE_LENGTH = 256;
export const MAX_REFERENCE_ID = 40;
export const MAX_COUNT = 100;

const NullableString = OrNull(Type.String());

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ examples: ['BAD_REQUEST_ERROR'] }),
      description: Type.String(),
      source: Type.String({ examples: ['business', 'NA'] }),
      step: Type.String({ examples: ['NA'] }),
      reason: Type.String({ examples: ['input_validation_failed', 'NA'] }),
      metadata: Type.Object({}),
      field: Type.Optional(Type.String()),
    }),
  },
  { $id: 'RazorpayXError' },
);

export const AuthorizationHeader = Type.Object({
  authorization: Type.Optional(Type.String({ description: 'Basic base64(key_id:key_secret)' })),
});

export const Notes = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: MAX_NOTE_LENGTH }), Type.Number()]),
  {
    maxProperties: MAX_NOTES,
    propertyNames: { maxLength: MAX_NOTE_LENGTH },
    description: `Key-value pairs kept with the validation: at most ${MAX_NOTES}, values at most ${MAX_NOTE_LENGTH} characters.`,
  },
);

export const ValidationCreateBody = Type.Object({
  source_account_number: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "The merchant's source account number (the admin API's account_number).",
  }),
  validation_type: Type.Literal('upi_intent'),
  reference_id: Type.Optional(OrNull(Type.String({ maxLength: MAX_REFERENCE_ID }))),
  notes: Type.Optional(Notes),
});

export const ValidationParams = Type.Object({ id: Type.String({ examples: ['fav_00000000000001'] }) });

const UNSIGNED = '^[0-9]{1,15}$';
export const ValidationListQuery = Type.Object({
  account_number: Type.Optional(
    Type.String({ maxLength: 64, description: "The merchant's source account number, which RazorpayX requires here" }),
  ),
  count: Type.Optional(Type.String({ pattern: UNSIGNED, description: `1 to ${MAX_COUNT}; default 10` })),
  skip: Type.Optional(Type.String({ pattern: UNSIGNED, description: 'default 0' })),
  from: Type.Optional(Type.String({ pattern: UNSIGNED, description: 'created at or after (unix seconds)' })),
  to: Type.Optional(Type.String({ pattern: UNSIGNED, description: 'created at or before (unix seconds)' })),
});

const UpiIntent = Type.Object({
  intent_url: Verbatim(),
  phonepe_url: Verbatim(),
  gpay_url: Verbatim(),
  paytm_url: Verbatim(),
  bhim_url: Verbatim(),
  encoded_qr_code: Verbatim({ description: 'Base64 PNG of the QR code of intent_url.' }),
});

export const FundAccountValidation = Type.Object(
  {
    id: Type.String({ examples: ['fav_00000000000001'] }),
    entity: Type.Literal('fund_account.validation'),
    status: OneOf(['created', 'completed', 'failed']),
    utr: NullableString,
    upi_intent: UpiIntent,
    validation_results: Type.Object({
      account_status: OrNull(Type.String({ examples: ['active', 'invalid'] })),
      registered_name: NullableString,
      details: NullableString,
      name_match_score: OrNull(Type.Number()),
      validated_account_type: OrNull(Type.String({ examples: ['bank_account', 'vpa'] })),
      bank_account: Type.Object({
        bank_routing_code: NullableString,
        account_number: NullableString,
        bank_name: NullableString,
        account_type: NullableString,
      }),
      upi_intent: Type.Optional(Type.Object({ vpa: NullableString }, { description: 'The payer VPA, once paid.' })),
    }),
    status_details: Type.Object({
      description: Type.String(),
      source: OneOf(['internal', 'gateway', 'beneficiary_bank', 'business']),
      reason: Type.String(),
    }),
    reference_id: NullableString,
    notes: Type.Record(Type.String(), Type.String()),
    created_at: Type.Integer({ description: 'Unix seconds.' }),
  },
  { $id: 'FundAccountValidation' },
);

export const FundAccountValidationCollection = Type.Object({
  entity: Type.Literal('collection'),
  count: Type.Integer(),
  items: Type.Array(Type.Ref('FundAccountValidation')),
});

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
