// HTTP face of the simulated UPI network: the payer's app, and the bank's notification replay.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { SandboxError } from './bank.js';
import { ownErrorHandler } from '../../web/errors.js';
import { SANDBOX_PAYERS } from './directory.js';
import { sandboxMobileApi } from './mobile-routes.js';
import { SandboxAuthError, gates, sandboxReader, type SandboxReader } from './auth.js';
import { addressKey } from '../../web/limits.js';

const PayBody = Type.Object({
  upi_link: Type.String({ minLength: 1, maxLength: 2048 }),
  payer_vpa: Type.String({ minLength: 3, maxLength: 255 }),
  amount: Type.Optional(Type.String({ pattern: '^\\d{1,7}(\\.\\d{1,2})?$', description: 'Pay another amount than the intent asks (to test refunds).' })),
  utr: Type.Optional(
    Type.String({ pattern: '^[0-9]{12}$', description: 'Carry this UTR (an earlier payment\'s, say): real RRNs repeat, bank transaction ids do not.' }),
  ),
});
const UtrParams = Type.Object({
  utr: Type.String({ pattern: '^[0-9A-Za-z]{6,32}$', description: 'A bank_txn_id, or a UTR (its latest payment)' }),
});
const tags = ['Sandbox'];
/** Errors that mean "no such record" (404), as opposed to a request the network refuses (400). */
const LOOKUP_MISSES = new Set(['payment_not_found']);
const TOO_MANY = 'too_many_requests';
/** Readers of the sandbox's records. */
const security: Record<string, string[]>[] = [{ XClientID: [], XClientSecret: [] }, { RazorpayXBasic: [] }, { AdminToken: [] }];

declare module 'fastify' {
  interface FastifyRequest {
    sandboxReader?: SandboxReader;
  }
}

export async function sandboxApi(app: FastifyInstance, s: Services) {
  const bank = s.rails.sandbox;
  app.setErrorHandler(
    ownErrorHandler('sandbox', (err) =>
      err instanceof SandboxAuthError
        ? { status: err.status, code: err.code, message: err.message }
        : err instanceof SandboxError
          ? { status: err.code === TOO_MANY ? 429 : LOOKUP_MISSES.has(err.code) ? 404 : 400, code: err.code, message: err.message }
          : null,
    ),
  );
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `${req.method} ${req.url.split('?')[0].slice(0, 200)} is not a sandbox endpoint.` } }),
  );

  // Pay and notify stay open to whoever holds a link, as for a real payer, but each address may
  // write only so often: the sandbox cannot be used to fill the database. Counted by the
  // gateway's limiter, as the API's limits are: in the database on PostgreSQL, so that instances
  // sharing it admit the budget together (not once each) and a restart does not refill it.
  // The caller is read through TRUSTED_PROXIES, as for the API's limits: by the socket's address,
  // every client of a reverse proxy shared one allowance, and one of them could use it all up.
  const gate = gates(s);
  const limitWrites = async (req: FastifyRequest, reply: FastifyReply) => {
    const limit = s.cfg.sandbox.writesPerMinute;
    if (!limit) return;
    const d = await s.limiter.take(`sandbox ${addressKey(gate.addressOf(req))}`, limit);
    if (!d.allowed) {
      reply.header('retry-after', String(d.resetSeconds));
      throw new SandboxError(TOO_MANY, `Too many sandbox payments from this address; try again in ${d.resetSeconds} s.`);
    }
  };
  // Records (accounts and names of payers) are read with a test key or the admin token.
  const reader = async (req: FastifyRequest) => {
    req.sandboxReader = await sandboxReader(s, req);
  };

  app.post<{ Body: Static<typeof PayBody> }>(
    '/upi/pay',
    { schema: { tags, summary: 'A sandbox payer pays a test-mode UPI intent link', body: PayBody }, bodyLimit: 8 * 1024, onRequest: limitWrites },
    async (req) => bank.pay(req.body.upi_link, req.body.payer_vpa, req.body.amount, req.body.utr),
  );

  app.get<{ Params: Static<typeof UtrParams> }>(
    '/upi/payments/:utr',
    {
      schema: { tags, summary: "A sandbox payment of the caller's verifications and the refunds made against it", params: UtrParams, security },
      onRequest: reader,
    },
    async (req) => {
      const r = req.sandboxReader!;
      const p = await bank.payment(req.params.utr, r.operator ? undefined : r.merchantId);
      if (!p) throw new SandboxError('payment_not_found', `no sandbox payment with bank_txn_id or utr ${req.params.utr}.`);
      return p;
    },
  );

  app.post<{ Params: Static<typeof UtrParams> }>(
    '/upi/payments/:utr/notify',
    {
      schema: { tags, summary: "Deliver the bank's notification of a payment to the gateway again", params: UtrParams },
      bodyLimit: 1024,
      onRequest: limitWrites,
    },
    async (req) => bank.notify(req.params.utr),
  );

  await sandboxMobileApi(app, s, { reader, security });

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
