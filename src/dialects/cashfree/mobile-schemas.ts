// Schemas of Cashfree's mobile penny drop and UPI mobile lookup: they validate requests and
// generate /openapi.json.
import { Type } from '@sinclair/typebox';
import { CONSENT_TIMESTAMP } from '../../engine/mobile-rules.js';
import { VERIFICATION_ID } from './schemas.js';
import { OneOf, OrNull } from '../schema-types.js';

const MOBILE_NUMBER = Type.String({
  pattern: '^[6-9][0-9]{9}$',
  description: 'Ten digits starting 6-9, without a +91 or 0 prefix.',
  examples: ['9999999999'],
});
const NAME = Type.String({ maxLength: 200 });
const NS = OrNull(Type.String());

export const MobilePennyDropHeaders = Type.Object({
  'x-client-id': Type.Optional(Type.String()),
  'x-client-secret': Type.Optional(Type.String()),
  'x-api-version': Type.String({ description: 'API version, YYYY-MM-DD.', examples: ['2024-12-01'] }),
});

export const UserConsent = Type.Object(
  {
    obtained: Type.Literal(true, { description: 'The customer gave consent.' }),
    type: Type.Literal('EXPLICIT'),
    timestamp: Type.String({
      pattern: CONSENT_TIMESTAMP,
      description: 'When consent was given, in UTC; within 5 minutes of the request.',
      examples: ['2025-10-27T09:24:36Z'],
    }),
    purpose: Type.String({
      minLength: 20,
      maxLength: 100,
      pattern: '^[A-Za-z0-9 ./&_-]+$',
      examples: ['Testing the entire flow for penny drop verification'],
    }),
  },
  // Stored as the consent record: nothing but these four properties.
  { description: 'The customer\'s consent to the verification.', additionalProperties: false },
);

export const MobilePennyDropBody = Type.Object({
  verification_id: VERIFICATION_ID,
  mobile_number: MOBILE_NUMBER,
  name: Type.Optional(NAME),
  user_consent: UserConsent,
});

// Never null: a field the IFSC dataset lacks is left out (see ifscDetails in mobile.ts).
export const IfscDetails = Type.Object(
  {
    bank: Type.Optional(Type.String()),
    neft: Type.Optional(Type.String()),
    imps: Type.Optional(Type.String()),
    rtgs: Type.Optional(Type.String()),
    upi: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    branch: Type.Optional(Type.String()),
    category: Type.Optional(Type.String({ description: 'Not in the public IFSC dataset: never sent.' })),
    swift_code: Type.Optional(Type.String({ description: 'Sent when the imported IFSC dataset has the branch\'s SWIFT code.' })),
    micr: Type.Optional(Type.Integer()),
    nbin: Type.Optional(Type.Integer({ description: 'Not in the public IFSC dataset: never sent.' })),
  },
  { description: 'The branch of the IFSC ("Live" / "Not Live" per payment system); a field the dataset lacks is left out; {} when unknown.' },
);

export const MobilePennyDropResponse = Type.Object({
  verification_id: Type.String(),
  reference_id: Type.Integer(),
  status: OneOf(['VALID', 'INVALID']),
  ifsc: NS,
  vpa: NS,
  mobile_number: NS, // null once the retention period erased it
  account_type: NS,
  name: NS,
  name_at_bank: NS,
  utr: NS,
  bank_account: NS,
  name_match_score: NS,
  name_match_result: NS,
  ifsc_details: IfscDetails,
});

export const UpiMobileBody = Type.Object({
  verification_id: VERIFICATION_ID,
  mobile_number: MOBILE_NUMBER,
  name: Type.Optional(NAME),
  email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  additional_vpas: Type.Optional(Type.Boolean({ description: 'Also list the number\'s other VPAs.' })),
});

export const UpiMobileResponse = Type.Object({
  status: OneOf(['SUCCESS', 'FAILURE']),
  verification_id: Type.String(),
  reference_id: Type.Integer(),
  message: Type.Optional(Type.String()),
  account_status: OneOf(['VALID', 'INVALID', 'UNABLE_TO_VALIDATE']),
  mobile_number: Type.String(),
  vpa: NS,
  name_at_bank: NS,
  additional_vpas: Type.Array(Type.String()),
});
