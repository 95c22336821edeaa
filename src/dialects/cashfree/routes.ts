// The Cashfree Verification dialect (/verification/...): translation only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { CashfreeError, cashfreeErrorHandler, cashfreeRefusal, invalid } from './errors.js';
import { appLinks, remitterStatus } from './format.js';
import { givenName, nameMatchRoutes } from './name-match.js';
import { accessGate } from '../access.js';
import { RPD_REF_ID_MIN } from '../../engine/ids.js';
import { mobileRoutes } from './mobile.js';
import {
  CredentialHeaders,
  ErrorBody,
  RemitterStatusQuery,
  RemitterStatusResponse,
  RpdCreateBody,
  RpdCreateResponse,
  errorResponses,
} from './schemas.js';

const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

export async function cashfreeDialect(app: FastifyInstance, s: Services) {
  app.addSchema(ErrorBody);
  // JSON only: a text/plain body would otherwise reach validation as a string.
  app.removeContentTypeParser('text/plain');
  const gate = accessGate(s);
  app.setErrorHandler(gate.errorHandler(cashfreeErrorHandler, cashfreeRefusal));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ type: 'invalid_request_error', code: 'not_found', message: `${req.method} ${req.url} is not an endpoint.` }),
  );

  // Credentials are checked before the body is read, so a bad key never costs a parse.
  app.addHook('onRequest', async (req, reply) => {
    const early = await gate.perIp(req, reply);
    if (early) throw cashfreeRefusal(early);
    const id = header(req, 'x-client-id');
    const secret = header(req, 'x-client-secret');
    if (!id) throw invalid('x-client-id_missing', 'x-client-id is missing in the request.');
    if (!secret) throw invalid('x-client-secret_missing', 'x-client-secret is missing in the request.');
    const refusal = await gate.admit(req, reply, id, secret, { confirmLater: req.routeOptions.config.confirmsAccess === true });
    if (refusal) throw cashfreeRefusal(refusal);
  });

  const security = [{ XClientID: [], XClientSecret: [] }];
  await nameMatchRoutes(app, s);
  await mobileRoutes(app, s);

  app.post<{ Body: Static<typeof RpdCreateBody> }>(
    '/reverse-penny-drop',
    {
      config: { confirmsAccess: true },
      schema: {
        tags: ['Cashfree: reverse penny drop'],
        summary: 'Create a reverse penny drop',
        headers: CredentialHeaders,
        body: RpdCreateBody,
        response: { 200: RpdCreateResponse, ...errorResponses },
        security,
      },
    },
    async (req, reply) => {
      const b = req.body;
      const qr = s.qr.ahead();
      const create = {
        dialect: 'cashfree',
        verificationId: b.verification_id,
        name: givenName(b.name),
        redirectUrl: b.redirect_url ?? null,
        referenceId: null,
        notes: null,
      };
      const v = await gate.confirmed(req, reply, (access) => s.engine.createRpd(req.principal!, create, qr.onIntent, access), cashfreeRefusal);
      if (v === 'duplicate') throw invalid('invalid_verification_id', 'verification_id already exists');
      const upiLink = s.engine.upiLink(v);
      const apps = appLinks(upiLink);
      // A plain literal, no spread: a spread in the middle of a literal makes a dictionary object,
      // and every read of it by the response serializer missed V8's caches (as remitterStatus).
      return {
        verification_id: b.verification_id,
        ref_id: v.refId,
        valid_upto: new Date(v.validUntil!).toISOString(),
        upi_link: upiLink,
        gpay: apps.gpay,
        bhim: apps.bhim,
        paytm: apps.paytm,
        phonepe: apps.phonepe,
        qr_code: await qr.codeFor(upiLink),
        url: `${s.cfg.publicUrl}/rpd/${v.shortCode}`,
      };
    },
  );

  app.get<{ Querystring: Static<typeof RemitterStatusQuery> }>(
    '/remitter/status',
    {
      config: { confirmsAccess: true },
      schema: {
        tags: ['Cashfree: reverse penny drop'],
        summary: 'Status of a reverse penny drop',
        headers: CredentialHeaders,
        querystring: RemitterStatusQuery,
        response: { 200: RemitterStatusResponse, ...errorResponses },
        security,
      },
    },
    async (req, reply) => {
      const { verification_id: vid, ref_id: ref } = req.query;
      if (!vid && !ref) throw invalid('invalid_request', 'Please provide verification_id or ref_id');
      const find = (by: Parameters<typeof s.engine.find>[1]) =>
        gate.confirmed(req, reply, (access) => s.engine.find(req.principal!, by, 'rpd', access), cashfreeRefusal);
      // Both may come: Cashfree's PHP SDK sends each, with a placeholder for the one not given
      // (ref_id 10, verification_id 1234). A ref_id that names one of the merchant's verifications
      // decides. One that does not: if it has the form of this gateway's ref_ids (13 digits or
      // more), the verification is not there (not another one found by a placeholder
      // verification_id); a shorter one is no ref_id of ours, and the verification_id decides.
      if (ref) {
        const refId = /^[1-9]\d{0,15}$/.test(ref) ? Number(ref) : null;
        const v = refId === null ? null : await find({ refId });
        if (v) return remitterStatus(v);
        if (!vid || (refId !== null && refId >= RPD_REF_ID_MIN)) throw invalid('invalid_request', 'Please enter a valid ref_id');
      }
      const v = await find({ verificationId: vid!, kind: 'rpd' });
      if (!v) throw invalid('invalid_request', 'Please enter a valid verification_id');
      return remitterStatus(v);
    },
  );
}
