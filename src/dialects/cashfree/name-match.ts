// POST /verification/name-match in Cashfree's shape: score 0-1 and a reason in words.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { checkNames } from '../../engine/name-checks.js';
import { INVISIBLE } from '../../engine/merchants.js';
import { CashfreeError, invalid } from './errors.js';
import { CredentialHeaders, NameMatchBody, NameMatchResponse, errorResponses, ErrorBody } from './schemas.js';

/** Cashfree words its reasons ("Word missing", "Initials penalty"); the engine gives codes. */
const PHRASES: Record<string, string> = {
  EXACT: 'The given names are identical',
  HONORIFIC_REMOVED: 'Title ignored',
  RELATION_REMOVED: "Father's or husband's name ignored",
  TOKEN_ORDER: 'Word order differs',
  INITIALS: 'Initials penalty',
  TRANSLITERATION: 'Spelling variant',
  JOINED_TOKENS: 'Words joined or split',
  MISSING_TOKEN: 'Word missing',
  TRUNCATED: 'Name truncated',
  TYPO: 'Spelling mistake',
  AMBIGUOUS_INITIAL: 'Initial does not determine the name',
  SINGLE_TOKEN: 'Single word against a full name',
  GIVEN_NAME_MISSING: 'Given name missing',
  TOKEN_MISMATCH: 'Words differ',
  RELATION_MISMATCH: "Father's or husband's name differs",
  SURNAME_MISMATCH: 'Surname differs',
  GENDER_VARIANT: 'Masculine and feminine forms of a name',
  GIVEN_NAME_MISMATCH: 'Given names differ',
  DIFFERENT: 'The given names are different',
  EMPTY: 'A name is empty',
};

/**
 * An optional name as given, or null when nothing visible is left: spaces, control and format
 * characters alone (zero-width spaces, bidi marks) are no name, as an empty one is, and are not
 * kept to be scored as a mismatch later.
 */
export const givenName = (name: string | undefined): string | null => (name === undefined || INVISIBLE.test(name) ? null : name.trim());

export const reasonInWords = (codes: string) =>
  codes
    .split(',')
    .map((c) => PHRASES[c.trim()] ?? c.trim())
    .join(', ');

export async function nameMatchRoutes(app: FastifyInstance, s: Services) {
  app.post<{ Body: Static<typeof NameMatchBody> }>(
    '/name-match',
    {
      schema: {
        tags: ['Cashfree: name match'],
        summary: 'Score two names (0-1) with a reason',
        headers: CredentialHeaders,
        body: NameMatchBody,
        response: { 200: NameMatchResponse, 409: ErrorBody, ...errorResponses },
        security: [{ XClientID: [], XClientSecret: [] }],
      },
    },
    async (req) => {
      const b = req.body;
      // A name of nothing but spaces is as empty as "": refused, not scored (and charged) as a mismatch.
      // So is one of nothing visible: control and format characters (zero-width spaces, bidi marks).
      for (const field of ['name_1', 'name_2'] as const) {
        if (INVISIBLE.test(b[field])) throw invalid(`${field}_value_invalid`, `${field} is not allowed to be empty.`);
      }
      const p = req.principal!;
      const r = await checkNames(s.db, p, { verificationId: b.verification_id, name1: b.name_1, name2: b.name_2 }, (q, ref) =>
        s.billing.charge(q, p.merchant, 'name_match', ref),
      );
      if (r === 'duplicate') {
        throw new CashfreeError(409, 'validation_error', 'verification_id_already_exists', 'verification id already exists');
      }
      return {
        verification_id: r.verificationId,
        reference_id: r.referenceId,
        name_1: r.name1,
        name_2: r.name2,
        status: 'SUCCESS' as const,
        score: r.score / 100,
        reason: reasonInWords(r.reason),
        reason_codes: r.reason,
      };
    },
  );
}
