// POST /verification/mobile/penny-drop and POST /verification/upi/mobile in Cashfree's shape:
// translation only; the rules live in engine/mobile.ts.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { ConsentViolation } from '../../engine/mobile-rules.js';
import type { PennyDropResult } from '../../engine/mobile.js';
import type { Verification } from '../../engine/types.js';
import type { IfscRecord } from '../../store/ifsc.js';
import { CashfreeError, cashfreeErrorHandler, invalid, invalidField } from './errors.js';
import { ErrorBody, VERIFICATION_ID, errorResponses } from './schemas.js';
import { givenName } from './name-match.js';
import {
  MobilePennyDropBody,
  MobilePennyDropHeaders,
  MobilePennyDropResponse,
  UpiMobileBody,
  UpiMobileResponse,
} from './mobile-schemas.js';

const security = [{ XClientID: [], XClientSecret: [] }];
const responses = { ...errorResponses, 409: ErrorBody, 422: ErrorBody, 502: ErrorBody };

const duplicate = (message: string) => new CashfreeError(409, 'validation_error', 'verification_id_already_exists', message);
const fraud = (refId: number) =>
  new CashfreeError(422, 'validation_error', 'fraud_account', 'Fraud activity detected for this account.', { reference_id: refId });

function consentError(v: ConsentViolation): CashfreeError {
  if (v === 'timestamp_window') {
    return invalid('user_consent_timestamp_value_invalid', 'user_consent.timestamp should be within 5 minutes of the current time.');
  }
  return invalidField(`user_consent.${v === 'timestamp_format' ? 'timestamp' : v}`);
}

/** x-api-version: required, a real calendar date written YYYY-MM-DD. */
function checkApiVersion(req: FastifyRequest) {
  const v = req.headers['x-api-version'];
  if (v === undefined || v === '') throw invalid('x-api-version_missing', 'x-api-version is missing in the request.');
  const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!date || date.getUTCMonth() !== +m![2] - 1 || date.getUTCDate() !== +m![3]) throw invalidField('x-api-version');
}

const live = (b: boolean | null) => (b === null ? null : b ? 'Live' : 'Not Live');

/**
 * The branch in Cashfree's ifsc_details. Cashfree types every field as a string or an integer,
 * never null, so a field the IFSC dataset lacks is left out: category and nbin always (the
 * public dataset carries neither the NEFT membership category nor the NBIN), swift_code for the
 * many branches without a SWIFT code, micr when it is missing or not numeric.
 */
function ifscDetails(b: IfscRecord | null): Record<string, string | number> {
  if (!b) return {};
  const micr = b.micr && /^\d{1,15}$/.test(b.micr) ? Number(b.micr) : null;
  const fields: Record<string, string | number | null> = {
    bank: b.bank,
    neft: live(b.neft),
    imps: live(b.imps),
    rtgs: live(b.rtgs),
    upi: live(b.upi),
    address: b.address,
    city: b.city,
    state: b.state,
    branch: b.branch,
    swift_code: b.swift,
    micr,
  };
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== '') out[k] = v;
  return out;
}

function pennyDropBody(v: Verification, branch: IfscRecord | null) {
  const valid = v.status === 'success';
  return {
    verification_id: v.verificationId!,
    reference_id: v.refId,
    status: valid ? ('VALID' as const) : ('INVALID' as const),
    ifsc: valid ? (v.payer?.ifsc ?? null) : null,
    vpa: valid ? (v.payer?.vpa ?? null) : null,
    mobile_number: v.mobileNumber,
    account_type: valid ? (v.payer?.accountType ?? null) : null,
    name: valid ? v.name : null,
    name_at_bank: valid ? (v.payer?.name ?? null) : null,
    utr: valid ? v.utr : null,
    bank_account: valid ? (v.payer?.account ?? null) : null,
    name_match_score: valid && v.nameMatch ? String(v.nameMatch.score) : null,
    name_match_result: valid && v.nameMatch ? v.nameMatch.result : null,
    ifsc_details: valid ? ifscDetails(branch) : {},
  };
}

export async function mobileRoutes(app: FastifyInstance, s: Services) {
  app.post<{ Body: Static<typeof MobilePennyDropBody> }>(
    '/mobile/penny-drop',
    {
      schema: {
        tags: ['Cashfree: mobile penny drop'],
        summary: "Verify the bank account behind a mobile number: Rs 1 to its VPA, account read from the payout",
        headers: MobilePennyDropHeaders,
        body: MobilePennyDropBody,
        response: { 200: MobilePennyDropResponse, ...responses },
        security,
      },
      // Headers before the body, as the credentials are.
      preValidation: async (req) => checkApiVersion(req),
    },
    async (req) => {
      const b = req.body;
      const r = await s.mobile.pennyDrop(req.principal!, {
        dialect: 'cashfree',
        verificationId: b.verification_id,
        mobile: b.mobile_number,
        name: givenName(b.name),
        consent: b.user_consent,
      });
      return answer(r);
    },
  );

  app.get<{ Querystring: { verification_id: string } }>(
    '/mobile/penny-drop',
    {
      schema: {
        tags: ['Cashfree: mobile penny drop'],
        summary:
          'pennygate extension: the outcome of an earlier mobile penny drop (after a 502, read it here instead of paying again)',
        headers: MobilePennyDropHeaders,
        querystring: Type.Object({ verification_id: VERIFICATION_ID }, { required: ['verification_id'] }),
        response: { 200: MobilePennyDropResponse, ...responses },
        security,
      },
      preValidation: async (req) => checkApiVersion(req),
    },
    async (req) => {
      const r = await s.mobile.outcome(req.principal!, req.query.verification_id);
      if (r.outcome === 'not_found') throw invalid('invalid_request', 'Please enter a valid verification_id');
      return answer(r);
    },
  );

  const UNAVAILABLE =
    'Authorised source is temporarily unavailable; the outcome is not known yet: read it back with GET /verification/mobile/penny-drop?verification_id= before trying again under a new verification_id';

  const NOT_SENT = 'Authorised source is temporarily unavailable, please try again shortly';

  /** A penny drop's outcome in Cashfree's words: the body, or the documented error. */
  function answer(r: PennyDropResult) {
    switch (r.outcome) {
      case 'valid':
        return pennyDropBody(r.v, r.branch);
      case 'invalid':
        return pennyDropBody(r.v, null);
      case 'invalid_mobile':
        throw invalidField('mobile_number');
      case 'invalid_consent':
        throw consentError(r.violation);
      case 'duplicate':
        throw duplicate('verification ID already exists');
      case 'in_flight':
        throw new CashfreeError(422, 'validation_error', 'verification_already_under_process', 'verification already under process.', {
          reference_id: r.refId,
        });
      case 'fraud':
        throw fraud(r.refId);
      case 'unavailable':
        // Cashfree's words, but not its "please try again": the payout may have gone, and a retry
        // under a new id would send a second rupee. The caller is told where the outcome is read.
        throw new CashfreeError(502, 'internal_error', 'verification_failed', UNAVAILABLE, { reference_id: r.refId });
      case 'not_sent':
        // Closed, and no rupee went: Cashfree's own answer, whose "try again" is safe here.
        throw new CashfreeError(502, 'internal_error', 'verification_failed', NOT_SENT, { reference_id: r.refId });
    }
  }

  // This endpoint words an invalid number differently from the penny drop.
  const upiErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e = (err.validation as { keyword: string; instancePath: string }[] | undefined)?.[0];
    if (e && e.keyword !== 'required' && e.instancePath === '/mobile_number') {
      return reply.code(400).send(invalid('mobile_number_value_invalid', 'Mobile number entered is invalid.').body());
    }
    return cashfreeErrorHandler(err, req, reply);
  };

  app.post<{ Body: Static<typeof UpiMobileBody> }>(
    '/upi/mobile',
    {
      schema: {
        tags: ['Cashfree: UPI'],
        summary: 'The VPAs linked to a mobile number, and the name at the bank (no money moves)',
        body: UpiMobileBody,
        response: { 200: UpiMobileResponse, ...responses },
        security,
      },
      errorHandler: upiErrors,
    },
    async (req) => {
      const b = req.body;
      const r = await s.mobile.lookup(req.principal!, {
        dialect: 'cashfree',
        verificationId: b.verification_id,
        mobile: b.mobile_number,
        name: givenName(b.name),
      });
      const base = { verification_id: b.verification_id, mobile_number: b.mobile_number };
      switch (r.outcome) {
        case 'valid':
          return {
            status: 'SUCCESS' as const,
            ...base,
            reference_id: r.refId,
            account_status: 'VALID' as const,
            vpa: r.vpa,
            name_at_bank: r.name,
            additional_vpas: b.additional_vpas === true ? r.additionalVpas : [],
          };
        case 'invalid':
        case 'unable': {
          const unable = r.outcome === 'unable';
          return {
            status: unable ? ('FAILURE' as const) : ('SUCCESS' as const),
            ...base,
            message: unable ? 'Unable to validate, please retry later' : 'No UPI ID found linked to the Mobile Number',
            reference_id: r.refId,
            account_status: unable ? ('UNABLE_TO_VALIDATE' as const) : ('INVALID' as const),
            vpa: null,
            name_at_bank: null,
            additional_vpas: [],
          };
        }
        case 'invalid_mobile':
          throw invalid('mobile_number_value_invalid', 'Mobile number entered is invalid.');
        case 'duplicate':
          throw duplicate('verification id already exists');
        case 'fraud':
          throw fraud(r.refId);
      }
    },
  );
}
