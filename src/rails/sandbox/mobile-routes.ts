// HTTP face of the sandbox's mobile side: the named mobile numbers, and the payouts the bank made.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { SANDBOX_MOBILES } from './mobile.js';

const PayoutsQuery = Type.Object({
  vpa: Type.Optional(Type.String({ minLength: 3, maxLength: 255 })),
  key: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
const tags = ['Sandbox'];

export async function sandboxMobileApi(
  app: FastifyInstance,
  s: Services,
  o: { reader: (req: FastifyRequest) => Promise<void>; security: Record<string, string[]>[] },
) {
  const network = s.rails.sandbox.mobile;

  app.get('/upi/mobiles', { schema: { tags, summary: 'The named sandbox mobile numbers and their VPAs' } }, async () => ({
    items: SANDBOX_MOBILES.map((m) => ({
      mobile_number: m.mobile,
      vpa: m.vpas[0] ?? null,
      additional_vpas: m.vpas.slice(1),
      behaviour: m.behaviour ?? (m.vpas.length ? 'linked' : 'no_vpa'),
    })),
  }));

  app.get<{ Querystring: Static<typeof PayoutsQuery> }>(
    '/upi/payouts',
    {
      schema: {
        tags,
        summary: "Payouts the sandbox bank made for the caller's verifications (newest first), by VPA or idempotency key",
        querystring: PayoutsQuery,
        security: o.security,
      },
      onRequest: o.reader,
    },
    async (req) => {
      const r = req.sandboxReader!;
      return { items: await network.payouts(req.query, r.operator ? undefined : r.merchantId) };
    },
  );
}
