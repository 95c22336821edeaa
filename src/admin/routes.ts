// The operator's API (Bearer ADMIN_TOKEN). The CLI offers the same operations.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { merchantView } from './views.js';
import { ownErrorHandler } from '../web/errors.js';
import { verifications } from '../store/repository.js';
import { WebhookAddressError } from '../jobs/webhook-address.js';
import { WEBHOOK_SECRET } from '../jobs/webhooks.js';
import { WEBHOOK_DIALECTS } from '../dialects/webhooks.js';
import { DEFAULT_BANDS, validateBands } from '../engine/namematch/index.js';
import { AdminError } from './errors.js';
import { operationsApi } from './operations.js';
import { accessApi } from './access.js';
import { merchantNameProblem } from '../engine/merchants.js';
import { TEST_EVENTS, sendTestEvent } from '../jobs/test-events.js';
import { applyBranding, brandingChangeProblem, brandingOf, brandingView } from '../web/branding.js';
import { liveAdminApi, owedRefunds } from './live.js';
import { tokenGuesses } from './guesses.js';
import { searchVerifications, verificationStory, verificationSummary } from './lookup.js';
import { PagedQuery, deliveryPage, pagedList } from './pages.js';

const digest = (s: string) => createHash('sha256').update(s).digest();


const AdminErrorBody = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });
// Every body refuses fields it does not know, as the access routes do: a misspelt field would
// otherwise be dropped unseen.
const Strict = { additionalProperties: false } as const;
const MerchantCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, Strict);
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const RefParams = Type.Object({ ref_id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });
const SearchQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: 128 }) });
const WebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    dialect: Type.Union(WEBHOOK_DIALECTS().map((d) => Type.Literal(d))),
    rotate_secret: Type.Optional(Type.Boolean()),
    // The merchant's own signing secret (RazorpayX lets the merchant choose it): a receiver that
    // already checks one keeps working when the base URL changes.
    secret: Type.Optional(Type.String(WEBHOOK_SECRET)),
  },
  Strict,
);
const Bands = Type.Object({ direct: Type.Integer(), good: Type.Integer(), moderate: Type.Integer(), poor: Type.Integer() }, Strict);
// null: back to RATE_LIMIT_PER_MINUTE.
const RateLimitBody = Type.Object({ per_minute: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()]) }, Strict);
const TestEventBody = Type.Object({ event: Type.Union(Object.keys(TEST_EVENTS).map((e) => Type.Literal(e))) }, Strict);
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Optional(Type.Union([t, Type.Null()]));
const BrandingBody = Type.Object(
  {
    display_name: Nullable(Type.String({ maxLength: 200 })),
    logo_url: Nullable(Type.String({ maxLength: 32 * 1024 })),
    accent_color: Nullable(Type.String({ maxLength: 7 })),
  },
  Strict,
);
const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export async function adminApi(app: FastifyInstance, s: Services) {
  const expected = digest(s.cfg.adminToken);
  const guesses = tokenGuesses(s.cfg);
  app.addHook('onRequest', async (req, reply) => {
    const address = guesses.addressOf(req);
    // An address that guessed wrong too often is refused even the right token, or guessing would go on.
    const wait = guesses.wait(address);
    if (wait) {
      reply.header('retry-after', String(wait));
      throw new AdminError(429, 'too_many_requests', 'Too many wrong admin tokens from this address: wait a quarter of an hour.');
    }
    const auth = req.headers.authorization ?? '';
    const token = /^bearer /i.test(auth) ? auth.slice(7) : ''; // the scheme has no case (RFC 9110)
    // Compare digests: constant time, and no length leak.
    if (!token || !timingSafeEqual(digest(token), expected)) {
      if (token) guesses.failed(address);
      throw new AdminError(401, 'unauthorized', 'Authorization: Bearer <ADMIN_TOKEN> is required.');
    }
  });
  app.setErrorHandler(
    ownErrorHandler('admin', (err) =>
      err instanceof AdminError
        ? err
        : err instanceof WebhookAddressError
          ? { status: 400, code: 'invalid_webhook_url', message: err.message }
          : null,
    ),
  );
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such endpoint' } }));

  const security = [{ AdminToken: [] }];
  const tags = ['Admin'];

  app.post<{ Body: Static<typeof MerchantCreate> }>(
    '/merchants',
    { schema: { tags, security, summary: 'Create a merchant with a test key pair', body: MerchantCreate, response: { 400: AdminErrorBody } } },
    async (req, reply) => {
      const problem = merchantNameProblem(req.body.name);
      if (problem) throw new AdminError(400, 'invalid_request', problem);
      const { merchant, testKey, liveKey } = await s.merchants.create(req.body.name.trim());
      return reply.code(201).send({ ...merchantView(merchant), test_key: testKey, ...(liveKey ? { live_key: liveKey } : {}) });
    },
  );

  app.get('/merchants', { schema: { tags, security, summary: 'List merchants' } }, async () => ({
    items: (await s.merchants.list()).map(merchantView),
  }));

  app.get<{ Params: Static<typeof IdParams> }>(
    '/merchants/:id',
    { schema: { tags, security, summary: 'A merchant', params: IdParams } },
    async (req) => {
      const m = await s.merchants.get(req.params.id);
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return { ...merchantView(m), verifications: await verifications.count(s.db, m.id) };
    },
  );

  app.get<{ Params: Static<typeof RefParams> }>(
    '/verifications/:ref_id',
    { schema: { tags, security, summary: 'A verification with every credit it received', params: RefParams } },
    async (req) => {
      const refId = Number(req.params.ref_id);
      const v = await verifications.byRef(s.db, refId);
      if (!v) throw new AdminError(404, 'not_found', 'no such verification');
      return verificationStory(s.db, v);
    },
  );

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/verifications',
    {
      schema: {
        tags,
        security,
        summary: "Verifications matching a ref_id, a fav_ id, a verification_id (any merchant's), a UTR, or the last 4+ digits of the payer's account number",
        querystring: SearchQuery,
      },
    },
    async (req) => {
      if (!req.query.q.trim()) throw new AdminError(400, 'invalid_request', 'q is what to look for: a ref_id, fav_ id, verification_id, UTR or account digits');
      const found = await searchVerifications(s.db, req.query.q);
      return { count: found.items.length, truncated: found.truncated, items: found.items.map(verificationSummary) };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof WebhookBody> }>(
    '/merchants/:id/webhook',
    { schema: { tags, security, summary: "Set where the merchant's events go, and in which dialect", params: IdParams, body: WebhookBody } },
    async (req) => {
      if (req.body.secret !== undefined && req.body.rotate_secret) throw new AdminError(400, 'invalid_request', 'send secret or rotate_secret, not both');
      const w = await s.webhooks.configure(req.params.id, req.body.url, req.body.dialect, req.body.secret ?? Boolean(req.body.rotate_secret));
      if (!w) throw new AdminError(404, 'not_found', 'no such merchant');
      return w;
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/merchants/:id/webhook',
    { schema: { tags, security, summary: "The merchant's webhook", params: IdParams } },
    async (req) => {
      const w = await s.webhooks.current(req.params.id);
      if (!w) throw new AdminError(404, 'not_found', 'no webhook is set for this merchant');
      return w;
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/merchants/:id/webhook',
    { schema: { tags, security, summary: "Stop sending the merchant's events", params: IdParams } },
    async (req, reply) => {
      if (!(await s.webhooks.remove(req.params.id))) throw new AdminError(404, 'not_found', 'no such merchant');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof TestEventBody> }>(
    '/merchants/:id/webhook/test',
    {
      schema: {
        tags,
        security,
        summary: "Send a signed test event of a made-up verification to the merchant's webhook, in its dialect",
        params: IdParams,
        body: TestEventBody,
      },
    },
    async (req) => {
      if (!(await s.merchants.get(req.params.id))) throw new AdminError(404, 'not_found', 'no such merchant');
      return sendTestEvent(s.db, s.webhooks, req.params.id, req.body.event);
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PagedQuery> }>(
    '/merchants/:id/webhook/deliveries',
    {
      schema: {
        tags,
        security,
        summary: "The merchant's webhook deliveries, newest first; `next` gives the page after (as `after`)",
        params: IdParams,
        querystring: PagedQuery,
      },
    },
    async (req) => deliveryPage(s, req.params.id, Number(req.query.limit ?? 50), req.query.after),
  );

  app.get<{ Params: Static<typeof DeliveryParams> }>(
    '/webhook-deliveries/:id',
    { schema: { tags, security, summary: 'A delivery with every attempt and the retry schedule', params: DeliveryParams } },
    async (req) => {
      const d = await s.webhooks.get(req.params.id);
      if (!d) throw new AdminError(404, 'not_found', 'no such delivery');
      return d;
    },
  );

  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/webhook-deliveries/:id/replay',
    { schema: { tags, security, summary: 'Send an event again now (same id and body)', params: DeliveryParams } },
    async (req) => {
      const d = await s.webhooks.replay(req.params.id);
      if (!d) throw new AdminError(404, 'not_found', 'no such delivery');
      return d;
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof Bands> }>(
    '/merchants/:id/name-match-bands',
    {
      schema: {
        tags,
        security,
        summary: "Set the score bands of the merchant's name-match categories (lower bounds)",
        params: IdParams,
        body: Bands,
      },
    },
    async (req) => {
      const bands = validateBands(req.body);
      if (typeof bands === 'string') throw new AdminError(400, 'invalid_request', bands);
      const m = await s.merchants.updateSettings(req.params.id, (st) => ({ ...st, nameMatchBands: bands }));
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return bands;
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/merchants/:id/name-match-bands',
    { schema: { tags, security, summary: "Back to the default bands (DIRECT 100, GOOD 85, MODERATE 60, POOR 34)", params: IdParams } },
    async (req) => {
      const m = await s.merchants.updateSettings(req.params.id, ({ nameMatchBands: _drop, ...rest }) => rest);
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return DEFAULT_BANDS;
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof RateLimitBody> }>(
    '/merchants/:id/rate-limit',
    {
      schema: {
        tags,
        security,
        summary: "Requests per operation per minute for the merchant's keys (0: no limit; null: the instance's RATE_LIMIT_PER_MINUTE)",
        params: IdParams,
        body: RateLimitBody,
      },
    },
    async (req) => {
      const perMinute = req.body.per_minute;
      const m = await s.merchants.updateSettings(req.params.id, ({ rateLimitPerMinute: _, ...st }) => (perMinute === null ? st : { ...st, rateLimitPerMinute: perMinute }));
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return { per_minute: req.body.per_minute };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof BrandingBody> }>(
    '/merchants/:id/branding',
    {
      schema: {
        tags,
        security,
        summary: "How the hosted page presents the merchant: display name, logo (https URL or small data: image) and accent colour; null clears a field, an absent field is kept",
        params: IdParams,
        body: BrandingBody,
      },
      // A data: logo of 16 KB is about 22 KB of base64.
      bodyLimit: 40 * 1024,
    },
    async (req) => {
      const problem = brandingChangeProblem(req.body);
      if (problem) throw new AdminError(400, 'invalid_request', problem);
      const m = await s.merchants.updateSettings(req.params.id, (st) => applyBranding(st, req.body));
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return brandingView(brandingOf(m));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/merchants/:id/branding',
    { schema: { tags, security, summary: 'How the hosted page presents the merchant', params: IdParams } },
    async (req) => {
      const m = await s.merchants.get(req.params.id);
      if (!m) throw new AdminError(404, 'not_found', 'no such merchant');
      return brandingView(brandingOf(m));
    },
  );

  pagedList(app, '/refunds/outstanding', 'Credits whose rupee has not gone back yet (pending, in flight or failed and awaiting retry), oldest first', (limit, after) =>
    owedRefunds(s, limit, after),
  );

  operationsApi(app, s);
  accessApi(app, s);
  liveAdminApi(app, s);
}
