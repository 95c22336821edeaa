// HTTP face of the simulated UPI network: the payer's app, and the bank's notification replay.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { SandboxError } from './bank.js';
import { ownErrorHandler } from '../../web/errors.js';
import { SANDBOX_PAYERS } from './directory.js';
import { sandboxMobileApi } from './mobile-routes.js';

const PayBody = Type.Object({
  upi_link: Type.String({ minLength: 1, maxLength: 2048 }),
  payer_vpa: Type.String({ minLength: 3, maxLength: 255 }),
  amount: Type.Optional(Type.String({ pattern: '^\\d{1,7}(\\.\\d{1,2})?$', description: 'Pay another amount than the intent asks (to test refunds).' })),
});
const UtrParams = Type.Object({ utr: Type.String({ pattern: '^[0-9]{6,22}$' }) });
const tags = ['Sandbox'];
/** Errors that mean "no such record" (404), as opposed to a request the network refuses (400). */
const LOOKUP_MISSES = new Set(['payment_not_found']);

export async function sandboxApi(app: FastifyInstance, s: Services) {
  const bank = s.rails.sandbox;
  app.setErrorHandler(
    ownErrorHandler('sandbox', (err) =>
      err instanceof SandboxError
        ? { status: LOOKUP_MISSES.has(err.code) ? 404 : 400, code: err.code, message: err.message }
        : null,
    ),
  );

  app.post<{ Body: Static<typeof PayBody> }>(
    '/upi/pay',
    { schema: { tags, summary: 'A sandbox payer pays a UPI intent link', body: PayBody } },
    async (req) => bank.pay(req.body.upi_link, req.body.payer_vpa, req.body.amount),
  );

  app.get<{ Params: Static<typeof UtrParams> }>(
    '/upi/payments/:utr',
    { schema: { tags, summary: 'A sandbox payment and the refunds made against it', params: UtrParams } },
    async (req) => {
      const p = await bank.payment(req.params.utr);
      if (!p) throw new SandboxError('payment_not_found', `no sandbox payment with utr ${req.params.utr}.`);
      return p;
    },
  );

  app.post<{ Params: Static<typeof UtrParams> }>(
    '/upi/payments/:utr/notify',
    { schema: { tags, summary: "Deliver the bank's notification of a payment to the gateway again", params: UtrParams } },
    async (req) => ({ utr: req.params.utr, gateway_outcome: await bank.notify(req.params.utr) }),
  );

  await sandboxMobileApi(app, s);

  app.get('/upi/payers', { schema: { tags, summary: 'The named sandbox payers' } }, async () => ({
    items: SANDBOX_PAYERS.map((p) => ({
      vpa: p.vpa,
      name: p.name,
      account: p.account,
      ifsc: p.ifsc,
      account_type: p.accountType,
      behaviour: p.behaviour ?? 'pays',
    })),
  }));
}
