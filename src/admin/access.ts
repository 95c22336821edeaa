// The operator's control of merchant access: key pairs (rotation, revocation), the IP allowlist,
// the 2FA key pair, prices, prepaid balance and the daily payout cap. The same operations back
// the admin API (accessApi) and the command line (accessOps), so both answer alike.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { AdminError } from './errors.js';
import { parseCidr } from '../engine/cidr.js';
import { MAX_ACTIVE_KEYS } from '../engine/merchants.js';
import { PRICED_OPERATIONS, TopUpConflictError, entryView, type Pricing } from '../engine/billing.js';
import type { Mode } from '../engine/types.js';

const MAX_CIDRS = 100;
const MAX_PAISE = 100_000_000_00; // Rs 10 crore: far above any real top-up, far below 2^53

const notFound = () => new AdminError(404, 'not_found', 'no such merchant');

export function accessOps(s: Services) {
  const merchant = async (id: string) => {
    const m = await s.merchants.get(id);
    if (!m) throw notFound();
    return m;
  };
  const liveAvailable = () => {
    try {
      s.rails.forMode('live');
      return true;
    } catch {
      return false;
    }
  };
  const pricingView = (p: Pricing | undefined) => Object.fromEntries(PRICED_OPERATIONS.map((op) => [op, p?.[op] ?? 0])) as Record<string, number>;

  return {
    async issueKey(id: string, mode: Mode) {
      const k = await s.merchants.issueKey(id, mode, liveAvailable());
      if (k === 'not_found') throw notFound();
      if (k === 'too_many') {
        throw new AdminError(409, 'too_many_keys', `the merchant already has ${MAX_ACTIVE_KEYS} active ${mode} keys: revoke one first`);
      }
      if (k === 'live_unavailable') {
        throw new AdminError(409, 'live_unavailable', 'live keys need a live bank connector, and none is configured (BANK_CONNECTOR_URL)');
      }
      return { ...k, mode };
    },
    async keys(id: string) {
      await merchant(id);
      return { items: await s.merchants.keys(id) };
    },
    async revokeKey(id: string, clientId: string) {
      await merchant(id);
      if (!(await s.merchants.revokeKey(id, clientId))) throw new AdminError(404, 'not_found', 'the merchant has no active key with that client_id');
    },
    async setAllowlist(id: string, cidrs: string[]) {
      if (cidrs.length > MAX_CIDRS) throw new AdminError(400, 'invalid_request', `at most ${MAX_CIDRS} CIDRs`);
      const bad = cidrs.find((c) => !parseCidr(c));
      if (bad !== undefined) throw new AdminError(400, 'invalid_request', `${JSON.stringify(bad.slice(0, 64))} is not an IPv4 or IPv6 address or CIDR`);
      const list = [...new Set(cidrs.map((c) => c.trim()))];
      const m = await s.merchants.updateSettings(id, (st) => ({ ...st, ipAllowlist: list }));
      if (!m) throw notFound();
      return { cidrs: list };
    },
    async allowlist(id: string) {
      return { cidrs: (await merchant(id)).settings.ipAllowlist ?? [] };
    },
    async createPublicKey(id: string, replace = false) {
      const pem = await s.merchants.createSigningKey(id, replace);
      if (!pem) throw notFound();
      if (pem === 'exists') {
        throw new AdminError(
          409,
          'key_exists',
          'the merchant has a 2FA key pair: GET this path reads its public key; {"replace": true} replaces the pair (calls signed with the old key are then refused)',
        );
      }
      return { public_key: pem };
    },
    async publicKey(id: string) {
      await merchant(id);
      const pem = await s.merchants.signingPublicKey(id);
      if (!pem) throw new AdminError(404, 'not_found', 'the merchant has no 2FA key pair');
      return { public_key: pem };
    },
    async removePublicKey(id: string) {
      await merchant(id);
      if (!(await s.merchants.removeSigningKey(id))) throw new AdminError(404, 'not_found', 'the merchant has no 2FA key pair');
    },
    async setPricing(id: string, prices: Pricing) {
      for (const [op, v] of Object.entries(prices)) {
        if (!(PRICED_OPERATIONS as readonly string[]).includes(op)) throw new AdminError(400, 'invalid_request', `unknown operation ${op.slice(0, 40)}`);
        if (!Number.isSafeInteger(v) || v < 0 || v > MAX_PAISE) throw new AdminError(400, 'invalid_request', `${op} must be a whole number of paise from 0`);
      }
      const m = await s.merchants.updateSettings(id, (st) => ({ ...st, pricing: { ...st.pricing, ...prices } }));
      if (!m) throw notFound();
      return pricingView(m.settings.pricing);
    },
    async pricing(id: string) {
      return pricingView((await merchant(id)).settings.pricing);
    },
    async topUp(id: string, amountPaise: number, reference: string) {
      if (!Number.isSafeInteger(amountPaise) || amountPaise < 1 || amountPaise > MAX_PAISE) {
        throw new AdminError(400, 'invalid_request', 'amount_paise must be a whole number of paise from 1');
      }
      if (!/^[\x21-\x7e]{1,100}$/.test(reference)) throw new AdminError(400, 'invalid_request', 'reference must be 1-100 printable ASCII characters without spaces');
      await merchant(id);
      try {
        const r = await s.billing.topUp(id, amountPaise, reference);
        return { applied: r.applied, balance_paise: r.balancePaise, entry: entryView(r.entry) };
      } catch (err) {
        if (err instanceof TopUpConflictError) throw new AdminError(409, 'reference_conflict', err.message);
        throw err;
      }
    },
    async balance(id: string, limit = 100) {
      await merchant(id);
      const st = await s.billing.statement(id, limit);
      return { balance_paise: st.balancePaise, entry_count: st.entryCount, entries: st.entries.map(entryView) };
    },
    async setLimits(id: string, dailyPayouts: number | null) {
      if (dailyPayouts !== null && (!Number.isSafeInteger(dailyPayouts) || dailyPayouts < 0)) {
        throw new AdminError(400, 'invalid_request', 'daily_payouts must be a whole number from 0, or null for no cap');
      }
      const m = await s.merchants.updateSettings(id, (st) => ({ ...st, limits: { ...st.limits, dailyPayouts } }));
      if (!m) throw notFound();
      return this.limits(id);
    },
    async limits(id: string) {
      const m = await merchant(id);
      // Live and test drops are counted apart, each against the cap.
      return {
        daily_payouts: m.settings.limits?.dailyPayouts ?? null,
        payouts_today: await s.billing.payoutsToday(id, 'live'),
        test_payouts_today: await s.billing.payoutsToday(id, 'test'),
      };
    },
  };
}

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const KeyParams = Type.Object({ id: Type.String({ maxLength: 64 }), client_id: Type.String({ maxLength: 64 }) });
const KeyBody = Type.Object({ mode: Type.Union([Type.Literal('test'), Type.Literal('live')]) }, { additionalProperties: false });
const PublicKeyBody = Type.Object({ replace: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const AllowlistBody = Type.Object(
  { cidrs: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_CIDRS }) },
  { additionalProperties: false },
);
const Paise = Type.Integer({ minimum: 0, maximum: MAX_PAISE });
const PricingBody = Type.Object(
  {
    reverse_penny_drop: Type.Optional(Paise),
    mobile_penny_drop: Type.Optional(Paise),
    upi_mobile: Type.Optional(Paise),
    name_match: Type.Optional(Paise),
  },
  { additionalProperties: false },
);
const TopUpBody = Type.Object(
  { amount_paise: Type.Integer({ minimum: 1, maximum: MAX_PAISE }), reference: Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' }) },
  { additionalProperties: false },
);
const LimitsBody = Type.Object(
  { daily_payouts: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), Type.Null()]) },
  { additionalProperties: false },
);
const EntriesQuery = Type.Object({ limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })) });

export function accessApi(app: FastifyInstance, s: Services) {
  const ops = accessOps(s);
  const security = [{ AdminToken: [] }];
  const tags = ['Admin'];
  const schema = (summary: string, more: Record<string, unknown> = {}) => ({ schema: { tags, security, summary, params: IdParams, ...more } });

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof KeyBody> }>(
    '/merchants/:id/keys',
    schema(`Issue another key pair (at most ${MAX_ACTIVE_KEYS} active per mode); the secret is shown once`, { body: KeyBody }),
    async (req, reply) => reply.code(201).send(await ops.issueKey(req.params.id, req.body.mode)),
  );
  app.get<{ Params: Static<typeof IdParams> }>('/merchants/:id/keys', schema("The merchant's key pairs (never their secrets)"), (req) =>
    ops.keys(req.params.id),
  );
  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/merchants/:id/keys/:client_id',
    { schema: { tags, security, summary: 'Revoke a key pair at once, on every instance', params: KeyParams } },
    async (req, reply) => {
      await ops.revokeKey(req.params.id, req.params.client_id);
      return reply.code(204).send();
    },
  );
  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof AllowlistBody> }>(
    '/merchants/:id/ip-allowlist',
    schema('Set the addresses (IPv4/IPv6 CIDRs) the merchant may call from; an empty list allows any', { body: AllowlistBody }),
    (req) => ops.setAllowlist(req.params.id, req.body.cidrs),
  );
  app.get<{ Params: Static<typeof IdParams> }>('/merchants/:id/ip-allowlist', schema("The merchant's IP allowlist"), (req) =>
    ops.allowlist(req.params.id),
  );
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof PublicKeyBody> | undefined }>(
    '/merchants/:id/public-key',
    {
      ...schema('Generate the 2FA key pair (RSA 2048): callers off the allowlist must then send x-cf-signature; one that exists is replaced only with {"replace": true}', {
        body: PublicKeyBody,
      }),
      // The body is optional (a bare POST creates the first pair): none reads as {}.
      preValidation: async (req: { body: unknown }) => {
        if (req.body === undefined) req.body = {};
      },
    },
    async (req, reply) => reply.code(201).send(await ops.createPublicKey(req.params.id, req.body?.replace === true)),
  );
  app.get<{ Params: Static<typeof IdParams> }>('/merchants/:id/public-key', schema("The merchant's 2FA public key"), (req) =>
    ops.publicKey(req.params.id),
  );
  app.delete<{ Params: Static<typeof IdParams> }>('/merchants/:id/public-key', schema('Turn 2FA signatures off'), async (req, reply) => {
    await ops.removePublicKey(req.params.id);
    return reply.code(204).send();
  });
  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof PricingBody> }>(
    '/merchants/:id/pricing',
    schema('Set prices per operation in paise (unset: unchanged; 0: free)', { body: PricingBody }),
    (req) => ops.setPricing(req.params.id, req.body),
  );
  app.get<{ Params: Static<typeof IdParams> }>('/merchants/:id/pricing', schema("The merchant's prices in paise"), (req) =>
    ops.pricing(req.params.id),
  );
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TopUpBody> }>(
    '/merchants/:id/balance/top-ups',
    schema('Add to the prepaid balance; a reference already applied changes nothing', { body: TopUpBody }),
    async (req, reply) => {
      const r = await ops.topUp(req.params.id, req.body.amount_paise, req.body.reference);
      return reply.code(r.applied ? 201 : 200).send(r);
    },
  );
  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof EntriesQuery> }>(
    '/merchants/:id/balance',
    schema('The prepaid balance and its ledger entries, newest first', { querystring: EntriesQuery }),
    (req) => ops.balance(req.params.id, Number(req.query.limit ?? 100)),
  );
  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof LimitsBody> }>(
    '/merchants/:id/limits',
    schema('Set the daily cap of mobile penny drops (payouts), counted per day in India time; null: no cap', { body: LimitsBody }),
    (req) => ops.setLimits(req.params.id, req.body.daily_payouts),
  );
  app.get<{ Params: Static<typeof IdParams> }>('/merchants/:id/limits', schema("The merchant's daily payout cap and today's count"), (req) =>
    ops.limits(req.params.id),
  );
}
