// The RazorpayX dialect (/v1/fund_accounts/validations): fund account validation by UPI intent.
// Translation only: the verification, its state machine and its money are the engine's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { Verification } from '../../engine/types.js';
import { NO_API_KEY, badInput, extraFields, razorpayErrorHandler, razorpayRefusal, routeNotFound, unauthenticated, unknownId } from './errors.js';
import { accessGate } from '../access.js';
import { formBodies } from '../../web/form-body.js';
import { fundAccountValidation } from './format.js';
import { bankOfIfsc } from '../../store/ifsc.js';
import {
  AuthorizationHeader,
  ErrorBody,
  FundAccountValidation,
  FundAccountValidationCollection,
  MAX_COUNT,
  ValidationCreateBody,
  ValidationListQuery,
  ValidationParams,
  errorResponses,
} from './schemas.js';

/** `Authorization: Basic base64(key_id:key_secret)`, or null when absent or not Basic. */
function basicCredentials(req: FastifyRequest): { id: string; secret: string } | null {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return null;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(auth);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

const CREATE_FIELDS = Object.keys(ValidationCreateBody.properties);
// A stray `=x` in a query names no parameter: PHP, which parses Razorpay's queries, drops it.
const LIST_PARAMS = [...Object.keys(ValidationListQuery.properties), ''];

export async function razorpayxDialect(app: FastifyInstance, s: Services) {
  app.addSchema(ErrorBody);
  app.addSchema(FundAccountValidation);
  // JSON, or a form as Razorpay's PHP SDK sends (web/form-body.ts): a text/plain body would
  // otherwise reach validation as a string.
  app.removeContentTypeParser('text/plain');
  formBodies(app);
  const gate = accessGate(s);
  app.setErrorHandler(gate.errorHandler(razorpayErrorHandler, razorpayRefusal));
  app.setNotFoundHandler((_req, reply) => {
    const e = routeNotFound();
    return reply.code(e.status).send(e.body());
  });
  // Credentials are checked before the body is read, so a bad key never costs a parse.
  app.addHook('onRequest', async (req, reply) => {
    const early = await gate.perIp(req, reply);
    if (early) throw razorpayRefusal(early);
    const key = basicCredentials(req);
    if (!key) throw unauthenticated(NO_API_KEY);
    const refusal = await gate.admit(req, reply, key.id, key.secret, { confirmLater: req.routeOptions.config.confirmsAccess === true });
    if (refusal) throw razorpayRefusal(refusal);
  });

  const entity = async (v: Verification, qrOf = (link: string) => s.qr.base64(link)) => {
    const link = s.engine.upiLink(v);
    const bank = v.status === 'success' ? await bankOfIfsc(s.db, v.payer?.ifsc ?? null) : null;
    return fundAccountValidation(v, link, await qrOf(link), bank);
  };

  const security = [{ RazorpayXBasic: [] }];
  const tags = ['RazorpayX: fund account validation'];

  app.post<{ Body: Static<typeof ValidationCreateBody> }>(
    '/fund_accounts/validations',
    {
      config: { confirmsAccess: true },
      // Razorpay's notes are a PHP array: an empty one is `[]` (what PHP clients send for no
      // notes), and Razorpay takes it as no notes.
      preValidation: async (req) => {
        const b = req.body as { notes?: unknown } | null;
        // RazorpayX's penny drop to a fund account (account_number and fund_account, no
        // validation_type): say what is served instead of calling its required fields extra.
        if (b && typeof b === 'object' && !Array.isArray(b) && !('validation_type' in b) && ('fund_account' in b || 'account_number' in b)) {
          throw badInput(
            'Only validation_type upi_intent (with source_account_number) is supported: a penny drop to a fund account is not.',
            'validation_type',
          );
        }
        const extra = extraFields(b, CREATE_FIELDS);
        if (extra) throw extra;
        if (b && typeof b === 'object' && Array.isArray(b.notes) && b.notes.length === 0) b.notes = {};
      },
      schema: {
        tags,
        summary: 'Validate a bank account by UPI intent (reverse penny drop)',
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        headers: AuthorizationHeader,
        body: ValidationCreateBody,
        response: { 200: FundAccountValidation, ...errorResponses },
        security,
      },
    },
    async (req, reply) => {
      const b = req.body;
      // A merchant's account number never changes: the cached merchant's is the store's.
      if (b.source_account_number !== req.principal!.merchant.accountNumber) {
        throw badInput('The source account number is invalid.', 'source_account_number');
      }
      // Number values are kept as text, as every note is shown: the number's text as JavaScript
      // writes it (1e-7; digits past a double's precision are gone once the JSON is read).
      const entries = Object.entries(b.notes ?? {}).map(([k, val]) => [k, String(val)]);
      const qr = s.qr.ahead();
      const create = {
        dialect: 'razorpayx',
        verificationId: null,
        name: null,
        redirectUrl: null,
        referenceId: b.reference_id ?? null,
        notes: entries.length > 0 ? Object.fromEntries(entries) : null,
      };
      const v = await gate.confirmed(req, reply, (access) => s.engine.createRpd(req.principal!, create, qr.onIntent, access), razorpayRefusal);
      // Only a verification_id can collide, and RazorpayX requests carry none.
      if (v === 'duplicate') throw new Error('unexpected duplicate verification');
      return entity(v, qr.codeFor);
    },
  );

  app.get<{ Params: Static<typeof ValidationParams> }>(
    '/fund_accounts/validations/:id',
    {
      config: { confirmsAccess: true },
      schema: {
        tags,
        summary: 'A fund account validation',
        headers: AuthorizationHeader,
        params: ValidationParams,
        response: { 200: FundAccountValidation, ...errorResponses },
        security,
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      const v = /^fav_[0-9A-Za-z]{14}$/.test(id)
        ? await gate.confirmed(req, reply, (access) => s.engine.find(req.principal!, { publicId: id }, 'rpd', access), razorpayRefusal)
        : null;
      if (!v) throw unknownId();
      return entity(v);
    },
  );

  app.get<{ Querystring: Static<typeof ValidationListQuery> }>(
    '/fund_accounts/validations',
    {
      preValidation: async (req) => {
        const extra = extraFields(req.query as object, LIST_PARAMS);
        if (extra) throw extra;
      },
      schema: {
        tags,
        summary: "The merchant's fund account validations, newest first",
        headers: AuthorizationHeader,
        querystring: ValidationListQuery,
        response: { 200: FundAccountValidationCollection, ...errorResponses },
        security,
      },
    },
    async (req) => {
      const q = req.query;
      // RazorpayX lists the validations debited to the account named; a merchant has one.
      if (q.account_number !== undefined && q.account_number !== req.principal!.merchant.accountNumber) {
        throw badInput('The account number is invalid.', 'account_number');
      }
      const count = q.count === undefined ? 10 : Number(q.count);
      if (count < 1) throw badInput('The count must be at least 1.', 'count');
      if (count > MAX_COUNT) throw badInput(`The count may not be greater than ${MAX_COUNT}.`, 'count');
      const skip = q.skip === undefined ? 0 : Number(q.skip);
      const from = q.from === undefined ? undefined : Number(q.from);
      const to = q.to === undefined ? undefined : Number(q.to);
      if (from !== undefined && to !== undefined && to < from) throw badInput('The to must be greater than or equal to from.', 'to');
      const p = req.principal!;
      const listed = await s.engine.list(p, {
        kind: 'rpd',
        from: from === undefined ? undefined : from * 1000,
        // `to` names a whole second: include everything created during it.
        to: to === undefined ? undefined : to * 1000 + 999,
        skip,
        count,
      });
      const items = [];
      for (const v of listed) items.push(await entity(v));
      return { entity: 'collection' as const, count: items.length, items };
    },
  );
}
