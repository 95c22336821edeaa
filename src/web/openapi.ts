// The OpenAPI 3.1 document at /openapi.json, generated from the schemas that validate requests,
// and the API reference at /docs rendered from it (Swagger UI, served from the package: no CDN).
// Answers of the operator and sandbox APIs are documented here rather than declared on their
// routes, because a route's response schema would also filter what it serialises.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import { VERBATIM } from '../dialects/schema-types.js';

type Schema = Record<string, unknown>;
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const str = (description?: string): Schema => (description ? { type: 'string', description } : { type: 'string' });
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const list = (item: Schema): Schema => obj({ items: { type: 'array', items: item } }, { required: ['items'] });

/** Named answers of the operator, sandbox and operational endpoints. */
const SCHEMAS: Record<string, Schema> = {
  PennygateError: obj(
    { error: obj({ code: str(), message: str() }, { required: ['code', 'message'] }) },
    { required: ['error'], description: "pennygate's own error envelope (operator API, sandbox)" },
  ),
  Health: obj({ status: { type: 'string', enum: ['ok'] } }, { required: ['status'] }),
  Readiness: obj(
    {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: { type: 'object', additionalProperties: obj({ ok: { type: 'boolean' }, error: str() }) },
    },
    { required: ['status', 'checks'] },
  ),
  Bands: obj(
    { direct: { type: 'integer' }, good: { type: 'integer' }, moderate: { type: 'integer' }, poor: { type: 'integer' } },
    { required: ['direct', 'good', 'moderate', 'poor'], description: 'Lower bounds of the name-match categories' },
  ),
  Merchant: obj(
    {
      id: str(),
      name: str(),
      account_number: str('The source_account_number of RazorpayX validations'),
      created_at: { type: 'string', format: 'date-time' },
      webhook: nullable(obj({ url: str(), dialect: str() })),
      name_match_bands: nullable(ref('Bands')),
      rate_limit_per_minute: nullable({ type: 'integer' }),
      verifications: { type: 'integer', description: 'Only when one merchant is read' },
    },
    { required: ['id', 'name', 'account_number', 'created_at'] },
  ),
  MerchantCreated: {
    allOf: [
      ref('Merchant'),
      obj(
        { test_key: obj({ client_id: str(), client_secret: str('Shown once') }, { required: ['client_id', 'client_secret'] }) },
        { required: ['test_key'] },
      ),
    ],
  },
  MerchantList: list(ref('Merchant')),
  VerificationDetail: obj(
    {
      verification: {
        type: 'object',
        description:
          'The verification as the store keeps it, in snake_case with ISO 8601 times: ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, status (upper case), api_status (what the API answers the merchant, as in the search list), status_reason, payer, utr, name_match, refund, payout_state...',
      },
      credits: {
        type: 'array',
        items: { type: 'object', description: 'A credit received and what became of its rupee, worded as GET /admin/refunds/outstanding words it, with rail, tr, credited_at, payer, refund_key, refund_bank_ref, refund_sent_at' },
      },
      timeline: {
        type: 'array',
        description: 'What happened to the verification and its rupee, in time order (as the console shows it)',
        items: obj(
          {
            at: { type: 'string', format: 'date-time' },
            kind: { type: 'string', enum: ['created', 'credit', 'refund', 'status', 'name_match', 'event', 'webhook'] },
            title: str(),
            detail: str(),
          },
          { required: ['at', 'kind', 'title', 'detail'] },
        ),
      },
    },
    { required: ['verification', 'credits', 'timeline'] },
  ),
  VerificationMatches: obj(
    {
      count: { type: 'integer' },
      truncated: { type: 'boolean', description: 'More matched than the newest 50 listed' },
      items: {
        type: 'array',
        items: obj(
          {
            ref_id: { type: 'integer' },
            merchant_id: str(),
            kind: { type: 'string', enum: ['rpd', 'mobile', 'upi_mobile'] },
            mode: { type: 'string', enum: ['test', 'live'] },
            verification_id: nullable(str()),
            public_id: str(),
            status: { type: 'string', enum: ['CREATED', 'SUCCESS', 'FAILURE', 'EXPIRED'] },
            api_status: str(
              "What the API answers the merchant for it, in its dialect's words: SUCCESS, FAILURE, EXPIRED or CREATED (Cashfree reverse penny drop), created, completed or failed (RazorpayX), VALID, INVALID or UNABLE_TO_VALIDATE (mobile penny drop, UPI mobile lookup), the error answered ('422 fraud_account', '502 verification_failed'), or 'in flight' for a mobile penny drop whose outcome is not known yet",
            ),
            utr: nullable(str()),
            refund: nullable({ type: 'string', enum: ['pending', 'initiated', 'success', 'failed'] }),
            created_at: { type: 'string', format: 'date-time' },
          },
          { required: ['ref_id', 'merchant_id', 'kind', 'mode', 'verification_id', 'public_id', 'status', 'api_status', 'utr', 'refund', 'created_at'] },
        ),
      },
    },
    { required: ['count', 'truncated', 'items'] },
  ),
  Webhook: obj({ url: str(), dialect: { type: 'string', enum: ['cashfree', 'razorpayx'] }, secret: str() }, { required: ['url', 'dialect'] }),
  WebhookDelivery: obj(
    {
      id: str(),
      event: str(),
      status: str(),
      attempts: { type: 'integer' },
      next_attempt_at: nullable({ type: 'string', format: 'date-time' }),
      attempt_log: { type: 'array', items: { type: 'object' }, description: 'Every attempt (one delivery only)' },
    },
    { required: ['id', 'status'] },
  ),
  WebhookDeliveryList: obj({ items: { type: 'array', items: ref('WebhookDelivery') }, next: nullable(str('The cursor of the page after this one (pass it as `after`); null on the last page')) }, { required: ['items', 'next'] }),
  TestEvent: obj(
    {
      event_id: str(),
      event: str(),
      delivery: nullable(obj({ id: str(), url: str(), dialect: str(), event_type: str() })),
    },
    { required: ['event_id', 'event', 'delivery'], description: 'delivery is null when the merchant has no webhook' },
  ),
  Branding: obj(
    {
      display_name: nullable(str('Shown on the hosted page instead of the merchant name')),
      logo_url: nullable(str('An https URL, or a data: image (PNG, JPEG, WebP or GIF, at most 16 KB) the gateway serves itself')),
      accent_color: nullable(str('#rrggbb')),
    },
    { required: ['display_name', 'logo_url', 'accent_color'] },
  ),
  RateLimit: obj({ per_minute: { type: 'integer' } }, { required: ['per_minute'] }),
  Refund: obj(
    {
      credit_id: str(),
      bank_txn_id: str("The bank's own id of the credited transaction"),
      utr: str('Shown as the bank sent it; not unique'),
      ref_id: nullable({ type: 'integer' }),
      disposition: str(),
      amount: str(),
      refund_status: str('pending, initiated, failed (a new attempt follows), success, or needs_review'),
      refund_attempts: { type: 'integer' },
      refund_reference: nullable(str('The latest attempt\'s reference (one per attempt)')),
      refund_error: nullable(str()),
      received_at: { type: 'string', format: 'date-time' },
      review_since: nullable({ type: 'string', format: 'date-time' }),
      overdue: { type: 'boolean', description: 'Owed for longer than REFUND_ALERT_HOURS' },
    },
    { required: ['credit_id', 'bank_txn_id', 'refund_status'] },
  ),
  OutstandingRefunds: obj(
    {
      count: { type: 'integer' },
      amount: str('Rupees, two decimals'),
      items: { type: 'array', items: ref('Refund') },
      overdue_after_hours: { type: 'number' },
      next: nullable(str('The cursor of the page after this one (pass it as `after`); null on the last page')),
    },
    { required: ['count', 'amount', 'items', 'next'] },
  ),
  RefundReviewList: obj({ count: { type: 'integer' }, items: { type: 'array', items: ref('Refund') } }, { required: ['count', 'items'] }),
  SetAsideEntry: obj(
    {
      id: str(),
      rail: str(),
      problem: str('Why the gateway could not read it'),
      raw: str('The entry as the bank listed it'),
      bank_txn_id: nullable(str('As far as it could be read')),
      tr: nullable(str('As far as it could be read: the ref_id of the link it may pay')),
      holds: {
        type: 'string',
        enum: ['intent', 'none', 'links_open_when_seen'],
        description: 'While open, which links it keeps from expiring: the one its tr names, none (it says it has no tr), or every link open when it was listed (its tr could not be read)',
      },
      after_cursor: str('The cursor its page was listed after (empty: from the start)'),
      position: { type: 'integer' },
      seen_at: { type: 'string', format: 'date-time' },
      recorded_credit: nullable(obj({ credit_id: str(), ref_id: nullable({ type: 'integer' }), disposition: str() })),
      resolved_at: nullable({ type: 'string', format: 'date-time' }),
      resolution: nullable(str("The operator's note")),
    },
    { required: ['id', 'rail', 'problem', 'raw', 'holds', 'seen_at', 'resolved_at'] },
  ),
  UnsettledPayout: obj(
    {
      ref_id: { type: 'integer' },
      merchant_id: str(),
      mode: str('test or live'),
      verification_id: str("The merchant's id of the penny drop"),
      rail: str(),
      amount: str('Rupees, two decimals'),
      payout_key: str('The payout\'s idempotency key at the bank: look it up there'),
      payout_state: str('initiated (sent, not yet answered with the bank\'s record) or accepted (the bank has it, pending)'),
      sent_at: { type: 'string', format: 'date-time' },
      asks: nullable({ type: 'integer', description: 'Times the bank was asked so far' }),
      last_answer: nullable(str('Why the last ask settled nothing')),
      next_ask: nullable({ type: 'string', format: 'date-time' }),
      dead_since: nullable({ type: 'string', format: 'date-time', description: 'Set when the asking job became a dead letter (jobs retry brings it back)' }),
    },
    { required: ['ref_id', 'merchant_id', 'mode', 'verification_id', 'payout_key', 'payout_state', 'sent_at'] },
  ),
  UnsettledPayouts: obj(
    {
      count: { type: 'integer', description: 'All of them; items holds the oldest, up to limit' },
      review_after_hours: { type: 'number', description: 'REFUND_REVIEW_HOURS' },
      items: { type: 'array', items: ref('UnsettledPayout') },
    },
    { required: ['count', 'review_after_hours', 'items'] },
  ),
  SetAsideList: obj({ count: { type: 'integer' }, items: { type: 'array', items: ref('SetAsideEntry') } }, { required: ['count', 'items'] }),
  Reconciliation: obj(
    {
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
      bank: obj({ credits: { type: 'integer' }, refunds: { type: 'integer' }, payouts: { type: 'integer' } }),
      gateway: obj({ credits: { type: 'integer' }, payouts: { type: 'integer' } }),
      clean: { type: 'boolean' },
      differences: {
        type: 'array',
        items: obj(
          { kind: str('credit_not_recorded, credit_not_at_bank, credit_amount_differs, refund_missing, refund_doubled, refund_wrong_amount, refund_unknown, payout_unknown, payout_not_at_bank or payout_status_differs'), detail: str() },
          { required: ['kind', 'detail'] },
        ),
      },
    },
    { required: ['from', 'to', 'clean', 'differences'] },
  ),
  BankNotificationAnswer: obj({ outcome: str('applied, refund, duplicate or ignored') }, { required: ['outcome'] }),
  Job: obj(
    {
      id: { type: 'integer' },
      kind: str(),
      subject: str(),
      attempts: { type: 'integer', description: 'Times it was taken up, polls included' },
      failures: { type: 'integer', description: 'Runs that threw' },
      last_error: nullable(str()),
      created_at: { type: 'string', format: 'date-time' },
      dead_at: nullable({ type: 'string', format: 'date-time' }),
      run_at: { type: 'string', format: 'date-time' },
    },
    { required: ['id', 'kind', 'subject', 'failures', 'dead_at'] },
  ),
  DeadJobList: obj({ count: { type: 'integer' }, items: { type: 'array', items: ref('Job') }, next: nullable(str('The cursor of the page after this one (pass it as `after`); null on the last page')) }, { required: ['count', 'items', 'next'] }),
  RetentionRun: obj(
    {
      started_at: { type: 'string', format: 'date-time' },
      finished_at: { type: 'string', format: 'date-time' },
      cutoff: { type: 'string', format: 'date-time', description: 'Data from before this was erased or deleted' },
      removed: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows erased or deleted, by kind' },
      overdue_refunds: { type: 'integer', description: 'Refunds owed longer than REFUND_ALERT_HOURS (logged at error level)' },
    },
    { required: ['started_at', 'finished_at', 'cutoff', 'removed', 'overdue_refunds'] },
  ),
  Retention: obj({ retention_days: { type: 'number' }, last_run: nullable(ref('RetentionRun')) }, { required: ['retention_days', 'last_run'] }),
  SchemaVersion: obj(
    {
      version: { type: 'integer' },
      latest: { type: 'integer', description: 'The newest version this build knows' },
      migrations: { type: 'array', items: obj({ version: { type: 'integer' }, name: str(), applied_at: { type: 'string', format: 'date-time' } }) },
    },
    { required: ['version', 'latest', 'migrations'] },
  ),
  KeyIssued: obj(
    { client_id: str(), client_secret: str('Shown once'), mode: { type: 'string', enum: ['test', 'live'] } },
    { required: ['client_id', 'client_secret', 'mode'] },
  ),
  KeyList: list(
    obj(
      {
        client_id: str(),
        mode: { type: 'string', enum: ['test', 'live'] },
        status: { type: 'string', enum: ['active', 'revoked'] },
        created_at: { type: 'string', format: 'date-time' },
        revoked_at: nullable({ type: 'string', format: 'date-time' }),
      },
      { required: ['client_id', 'mode', 'status', 'created_at', 'revoked_at'] },
    ),
  ),
  IpAllowlist: obj({ cidrs: { type: 'array', items: str('An IPv4 or IPv6 address or CIDR') } }, { required: ['cidrs'] }),
  PublicKey: obj({ public_key: str('PEM (SPKI): encrypt "<client_id>.<unix seconds>" with RSA-OAEP SHA-1, send base64 as x-cf-signature') }, {
    required: ['public_key'],
  }),
  Pricing: obj(
    {
      reverse_penny_drop: { type: 'integer', description: 'paise' },
      mobile_penny_drop: { type: 'integer', description: 'paise' },
      upi_mobile: { type: 'integer', description: 'paise' },
      name_match: { type: 'integer', description: 'paise' },
    },
    { required: ['reverse_penny_drop', 'mobile_penny_drop', 'upi_mobile', 'name_match'] },
  ),
  LedgerEntry: obj(
    {
      id: str(),
      kind: { type: 'string', enum: ['top_up', 'charge'] },
      amount_paise: { type: 'integer', description: 'Positive for a top-up, negative for a charge' },
      operation: nullable(str()),
      ref_id: nullable({ type: 'integer' }),
      reference: nullable(str()),
      created_at: { type: 'string', format: 'date-time' },
    },
    { required: ['id', 'kind', 'amount_paise', 'created_at'] },
  ),
  TopUp: obj(
    { applied: { type: 'boolean', description: 'false: the reference was applied before' }, balance_paise: { type: 'integer' }, entry: ref('LedgerEntry') },
    { required: ['applied', 'balance_paise', 'entry'] },
  ),
  Balance: obj(
    { balance_paise: { type: 'integer' }, entry_count: { type: 'integer' }, entries: { type: 'array', items: ref('LedgerEntry') } },
    { required: ['balance_paise', 'entry_count', 'entries'] },
  ),
  Limits: obj(
    {
      daily_payouts: nullable({ type: 'integer' }),
      payouts_today: { type: 'integer', description: "live drops counted against the cap today (India time)" },
      test_payouts_today: { type: 'integer', description: "test drops counted against the cap today: each environment has the cap apart" },
    },
    { required: ['daily_payouts', 'payouts_today', 'test_payouts_today'] },
  ),
  SandboxPayment: obj({ bank_txn_id: str(), utr: str(), status: str(), gateway_outcome: nullable(str()), refunds: { type: 'array', items: { type: 'object' } } }),
  SandboxNotify: obj({ bank_txn_id: str(), utr: str(), gateway_outcome: str() }, { required: ['bank_txn_id', 'utr', 'gateway_outcome'] }),
  SandboxList: list({ type: 'object' }),
  PageStatus: obj(
    {
      status: str('CREATED, SUCCESS, FAILURE or EXPIRED'),
      valid_until: nullable({ type: 'string', format: 'date-time' }),
      seconds_left: { type: 'integer' },
      redirect_url: nullable(str()),
      return_url: nullable(str()),
      returned_payments: { type: 'integer', description: 'Payments to this link that only go back (a wrong amount) while it is still open' },
    },
    { required: ['status'] },
  ),
};

interface Doc {
  operationId: string;
  /** Success status -> schema name (or a media type for non-JSON answers). */
  ok?: [number, string];
  /** A second success answer (a repeated top-up answers 200). */
  also?: [number, string];
  /** The operation can answer 409 in pennygate's envelope. */
  conflict?: boolean;
  security?: Record<string, string[]>[];
}

const NONE: Record<string, string[]>[] = [];
/** The sandbox shows a bank's records only to the merchant they belong to (a test key) or the operator. */
const TEST_KEY: Record<string, string[]>[] = [{ XClientID: [], XClientSecret: [] }, { RazorpayXBasic: [] }, { AdminToken: [] }];
const OPS: Record<string, Doc> = {
  'POST /verification/reverse-penny-drop': { operationId: 'createReversePennyDrop' },
  'GET /verification/remitter/status': { operationId: 'getReversePennyDropStatus' },
  'POST /verification/name-match': { operationId: 'matchNames' },
  'POST /verification/mobile/penny-drop': { operationId: 'createMobilePennyDrop' },
  'GET /verification/mobile/penny-drop': { operationId: 'getMobilePennyDrop' },
  'POST /verification/upi/mobile': { operationId: 'lookupUpiByMobile' },
  'POST /v1/fund_accounts/validations': { operationId: 'createFundAccountValidation' },
  'GET /v1/fund_accounts/validations': { operationId: 'listFundAccountValidations' },
  'GET /v1/fund_accounts/validations/{id}': { operationId: 'getFundAccountValidation' },
  'POST /admin/merchants': { operationId: 'adminCreateMerchant', ok: [201, 'MerchantCreated'] },
  'GET /admin/merchants': { operationId: 'adminListMerchants', ok: [200, 'MerchantList'] },
  'GET /admin/merchants/{id}': { operationId: 'adminGetMerchant', ok: [200, 'Merchant'] },
  'GET /admin/verifications/{ref_id}': { operationId: 'adminGetVerification', ok: [200, 'VerificationDetail'] },
  'GET /admin/verifications': { operationId: 'adminFindVerifications', ok: [200, 'VerificationMatches'] },
  'PUT /admin/merchants/{id}/webhook': { operationId: 'adminSetWebhook', ok: [200, 'Webhook'] },
  'GET /admin/merchants/{id}/webhook': { operationId: 'adminGetWebhook', ok: [200, 'Webhook'] },
  'DELETE /admin/merchants/{id}/webhook': { operationId: 'adminDeleteWebhook', ok: [204, ''] },
  'GET /admin/merchants/{id}/webhook/deliveries': { operationId: 'adminListWebhookDeliveries', ok: [200, 'WebhookDeliveryList'] },
  'GET /admin/webhook-deliveries/{id}': { operationId: 'adminGetWebhookDelivery', ok: [200, 'WebhookDelivery'] },
  'POST /admin/webhook-deliveries/{id}/replay': { operationId: 'adminReplayWebhookDelivery', ok: [200, 'WebhookDelivery'] },
  'POST /admin/merchants/{id}/webhook/test': { operationId: 'adminSendTestEvent', ok: [200, 'TestEvent'] },
  'PUT /admin/merchants/{id}/name-match-bands': { operationId: 'adminSetNameMatchBands', ok: [200, 'Bands'] },
  'DELETE /admin/merchants/{id}/name-match-bands': { operationId: 'adminResetNameMatchBands', ok: [200, 'Bands'] },
  'PUT /admin/merchants/{id}/branding': { operationId: 'adminSetBranding', ok: [200, 'Branding'] },
  'GET /admin/merchants/{id}/branding': { operationId: 'adminGetBranding', ok: [200, 'Branding'] },
  'PUT /admin/merchants/{id}/rate-limit': { operationId: 'adminSetRateLimit', ok: [200, 'RateLimit'] },
  'GET /admin/refunds/outstanding': { operationId: 'adminListOutstandingRefunds', ok: [200, 'OutstandingRefunds'] },
  'GET /admin/refunds/review': { operationId: 'adminListRefundsInReview', ok: [200, 'RefundReviewList'] },
  'POST /admin/refunds/{credit_id}/settle': { operationId: 'adminSettleReviewedRefund', ok: [200, 'Refund'] },
  'GET /admin/reconciliation': { operationId: 'adminReconcile', ok: [200, 'Reconciliation'] },
  'GET /admin/payouts/unsettled': { operationId: 'adminListUnsettledPayouts', ok: [200, 'UnsettledPayouts'] },
  'GET /admin/bank/set-aside': { operationId: 'adminListBankEntriesSetAside', ok: [200, 'SetAsideList'] },
  'POST /admin/bank/set-aside/{id}/resolve': { operationId: 'adminResolveBankEntrySetAside', ok: [200, 'SetAsideEntry'] },
  // Signed with BANK_CONNECTOR_SECRET (docs/bank-connector.md), not with a key.
  'POST /bank/notifications': { operationId: 'bankNotification', ok: [200, 'BankNotificationAnswer'], security: NONE },
  'GET /admin/jobs/dead': { operationId: 'adminListDeadJobs', ok: [200, 'DeadJobList'] },
  'POST /admin/jobs/{id}/retry': { operationId: 'adminRetryDeadJob', ok: [200, 'Job'] },
  'GET /admin/retention': { operationId: 'adminGetRetention', ok: [200, 'Retention'] },
  'POST /admin/retention/run': { operationId: 'adminRunRetention', ok: [200, 'RetentionRun'] },
  'GET /admin/schema': { operationId: 'adminGetSchemaVersion', ok: [200, 'SchemaVersion'] },
  'POST /admin/merchants/{id}/keys': { operationId: 'adminIssueKey', ok: [201, 'KeyIssued'], conflict: true },
  'GET /admin/merchants/{id}/keys': { operationId: 'adminListKeys', ok: [200, 'KeyList'] },
  'DELETE /admin/merchants/{id}/keys/{client_id}': { operationId: 'adminRevokeKey', ok: [204, ''] },
  'PUT /admin/merchants/{id}/ip-allowlist': { operationId: 'adminSetIpAllowlist', ok: [200, 'IpAllowlist'] },
  'GET /admin/merchants/{id}/ip-allowlist': { operationId: 'adminGetIpAllowlist', ok: [200, 'IpAllowlist'] },
  'POST /admin/merchants/{id}/public-key': { operationId: 'adminCreatePublicKey', ok: [201, 'PublicKey'], conflict: true },
  'GET /admin/merchants/{id}/public-key': { operationId: 'adminGetPublicKey', ok: [200, 'PublicKey'] },
  'DELETE /admin/merchants/{id}/public-key': { operationId: 'adminDeletePublicKey', ok: [204, ''] },
  'PUT /admin/merchants/{id}/pricing': { operationId: 'adminSetPricing', ok: [200, 'Pricing'] },
  'GET /admin/merchants/{id}/pricing': { operationId: 'adminGetPricing', ok: [200, 'Pricing'] },
  'POST /admin/merchants/{id}/balance/top-ups': { operationId: 'adminTopUpBalance', ok: [201, 'TopUp'], also: [200, 'TopUp'], conflict: true },
  'GET /admin/merchants/{id}/balance': { operationId: 'adminGetBalance', ok: [200, 'Balance'] },
  'PUT /admin/merchants/{id}/limits': { operationId: 'adminSetLimits', ok: [200, 'Limits'] },
  'GET /admin/merchants/{id}/limits': { operationId: 'adminGetLimits', ok: [200, 'Limits'] },
  'POST /sandbox/upi/pay': { operationId: 'sandboxPay', ok: [200, 'SandboxPayment'], security: NONE },
  'GET /sandbox/upi/payments/{utr}': { operationId: 'sandboxGetPayment', ok: [200, 'SandboxPayment'], security: TEST_KEY },
  'POST /sandbox/upi/payments/{utr}/notify': { operationId: 'sandboxNotify', ok: [200, 'SandboxNotify'], security: NONE },
  'GET /sandbox/upi/mobiles': { operationId: 'sandboxListMobiles', ok: [200, 'SandboxList'], security: NONE },
  'GET /sandbox/upi/payouts': { operationId: 'sandboxListPayouts', ok: [200, 'SandboxList'], security: TEST_KEY },
  'GET /sandbox/upi/payers': { operationId: 'sandboxListPayers', ok: [200, 'SandboxList'], security: NONE },
  'GET /rpd/{code}': { operationId: 'hostedPage', ok: [200, 'text/html'], security: NONE },
  'GET /rpd/{code}/status': { operationId: 'hostedPageStatus', ok: [200, 'PageStatus'], security: NONE },
  'GET /rpd/{code}/qr.png': { operationId: 'hostedPageQrCode', ok: [200, 'image/png'], security: NONE },
  'GET /healthz': { operationId: 'health', ok: [200, 'Health'], security: NONE },
  'GET /readyz': { operationId: 'readiness', ok: [200, 'Readiness'], security: NONE },
  'GET /metrics': { operationId: 'metrics', ok: [200, 'text/plain'], security: NONE },
};

const DESCRIPTIONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Bad request',
  401: 'Not authenticated',
  404: 'Not found',
  409: 'Conflict',
  422: 'Refused',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Upstream unavailable',
  503: 'Not ready',
};

function content(kind: string): Schema {
  if (kind.includes('/')) {
    const schema = kind === 'image/png' ? { type: 'string', contentEncoding: 'binary' } : { type: 'string' };
    return { [kind]: { schema } };
  }
  return { 'application/json': { schema: ref(kind) } };
}

/** Drops the serializer's `format` for verbatim text (dialects/schema-types.ts): to a client it is a string. */
function plainStrings(node: unknown): void {
  if (Array.isArray(node)) for (const x of node) plainStrings(x);
  else if (node !== null && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'string' && o.format === VERBATIM) delete o.format;
    for (const x of Object.values(o)) plainStrings(x);
  }
}

/** Fills in what the generated document lacks: names, security, and an answer for every response. */
function complete(doc: any): any {
  plainStrings(doc);
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...SCHEMAS };
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (typeof op !== 'object' || !op.responses) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const d = OPS[key];
      op.operationId ??= d?.operationId ?? key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
      if (d?.security) op.security = d.security;
      if (!op.security) throw new Error(`${key}: no security declared`);
      const pennygate = path.startsWith('/admin') || path.startsWith('/sandbox');
      if (d?.ok) {
        const [status, kind] = d.ok;
        for (const s of Object.keys(op.responses)) if (/^2/.test(s) && s !== String(status)) delete op.responses[s];
        op.responses[status] = { description: DESCRIPTIONS[status], ...(kind ? { content: content(kind) } : {}) };
        if (d.also) op.responses[d.also[0]] = { description: DESCRIPTIONS[d.also[0]], content: content(d.also[1]) };
        if (d.conflict) op.responses[409] = { description: DESCRIPTIONS[409], content: content('PennygateError') };
      }
      if (pennygate) {
        const errors = path.startsWith('/admin') ? [400, 401, 404] : [400, 404];
        for (const s of errors) op.responses[s] ??= { description: DESCRIPTIONS[s], content: content('PennygateError') };
      }
      if (path.startsWith('/rpd/')) op.responses[404] ??= { description: 'No such verification' };
      if (path === '/readyz') op.responses[503] = { description: DESCRIPTIONS[503], content: content('Readiness') };
      for (const [s, r] of Object.entries<any>(op.responses)) {
        r.description ||= DESCRIPTIONS[Number(s)] ?? 'Answer';
        if (r.description === 'Default Response') r.description = DESCRIPTIONS[Number(s)] ?? 'Answer';
      }
    }
  }
  // Schemas the dialects registered but the generator inlined are dropped, not listed unused.
  const text = JSON.stringify(doc.paths) + JSON.stringify(SCHEMAS);
  for (const name of Object.keys(doc.components.schemas)) {
    if (!text.includes(`"#/components/schemas/${name}"`)) delete doc.components.schemas[name];
  }
  return doc;
}

export async function openApi(app: FastifyInstance, cfg: Config) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pennygate',
        version: '0.1.0',
        description:
          'Bank-account verification over UPI. Speaks the Cashfree Verification and RazorpayX fund account validation dialects. ' +
          "Cashfree's SDK: set its basePath to <server>/verification; Razorpay's: its base URL to <server>/v1.",
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: cfg.publicUrl, description: 'This gateway' }],
      tags: [
        { name: 'Cashfree', description: "Cashfree Verification's dialect" },
        { name: 'RazorpayX', description: "RazorpayX fund account validation's dialect" },
        { name: 'Admin', description: 'The operator API (Bearer ADMIN_TOKEN)' },
        { name: 'Sandbox', description: 'The simulated UPI network (SANDBOX_ENABLED)' },
        { name: 'Hosted page', description: 'The page a customer opens from a verification url' },
        { name: 'Operations', description: 'Health, readiness and metrics' },
      ],
      components: {
        securitySchemes: {
          XClientID: { type: 'apiKey', in: 'header', name: 'x-client-id' },
          XClientSecret: { type: 'apiKey', in: 'header', name: 'x-client-secret' },
          AdminToken: { type: 'http', scheme: 'bearer' },
          RazorpayXBasic: { type: 'http', scheme: 'basic', description: 'key_id:key_secret' },
        },
      },
    },
    // Schemas added with an $id become components under that name (not def-0, def-1...).
    refResolver: { buildLocalReference: (json: any, _base: unknown, _fragment: unknown, i: number) => json.$id || `Schema${i}` },
    transformObject: (documentObject: any) => complete(documentObject.openapiObject),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: false },
    // The reference runs its own scripts (served from here, never a CDN) and reads /docs/json:
    // without a policy of its own, the default HTML one (no scripts) left the page blank.
    // React sets inline styles and the icons are data: images.
    staticCSP:
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
