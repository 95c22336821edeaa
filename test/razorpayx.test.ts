// The RazorpayX dialect against the real server process, with Razorpay's own Node SDK as the
// client and a real webhook receiver: fund account validation by UPI intent, its webhooks, its
// errors, and the same verification read through the Cashfree dialect.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Razorpay from 'razorpay';
import pg from 'pg';
import { Gateway, eventually, freshPostgres, needsPostgres, sleep, storeFor } from './support/gateway.js';
import { Receiver } from './support/receiver.js';
import { decodeQr, intentParams, pngHeader } from './support/upi.js';

type Key = { client_id: string; client_secret: string };
type Merchant = { id: string; account_number: string; test_key: Key };

/** The official SDK, pointed at the gateway instead of api.razorpay.com. */
function razorpayClient(gw: Gateway, key: Key) {
  const rzp = new Razorpay({ key_id: key.client_id, key_secret: key.client_secret });
  // The SDK hard-codes its host on the axios instance it makes; move that instance's base URL.
  (rzp.api as any).rq.defaults.baseURL = gw.url;
  // The SDK has no fund-account-validation method: its generic calls carry its own Basic auth.
  return {
    create: (data: Record<string, unknown>) => rzp.api.post<any, any>({ url: '/fund_accounts/validations', data }),
    fetch: (id: string) => rzp.api.get<any, any>({ url: `/fund_accounts/validations/${id}` }),
    list: (data: Record<string, unknown> = {}) => rzp.api.get<any, any>({ url: '/fund_accounts/validations', data }),
  };
}

const basic = (key: Key) => ({ authorization: `Basic ${Buffer.from(`${key.client_id}:${key.client_secret}`).toString('base64')}` });

const ENTITY_KEYS = [
  'id', 'entity', 'status', 'utr', 'upi_intent', 'validation_results', 'status_details', 'reference_id', 'notes', 'created_at',
];
const NO_RESULTS = {
  account_status: null,
  registered_name: null,
  details: null,
  name_match_score: null,
  validated_account_type: null,
  bank_account: { bank_routing_code: null, account_number: null, bank_name: null, account_type: null },
};
const CREATED_DETAILS = { description: 'Validation request is created', source: 'internal', reason: 'validation_request_created' };

/** Checks the webhook signature as a merchant does, with the SDK's own helper. */
const signedBy = (raw: string, headers: Record<string, any>, secret: string) =>
  Razorpay.validateWebhookSignature(raw, String(headers['x-razorpay-signature']), secret);

function eventsFor(receiver: Receiver, favId: string, event?: string) {
  return receiver.received.filter((r) => {
    const b = JSON.parse(r.body);
    return b.payload?.['fund_account.validation']?.entity?.id === favId && (!event || b.event === event);
  });
}
const eventFor = (receiver: Receiver, favId: string, event: string) =>
  eventually(async () => eventsFor(receiver, favId, event), (l) => l.length > 0, 10_000, `${event} for ${favId}`).then((l) => l[0]);

/** Creates a validation, pays it, and checks the whole flow; shared by the SQLite and PostgreSQL suites. */
async function paidFlow(gw: Gateway, receiver: Receiver, m: Merchant, secret: string) {
  const rzp = razorpayClient(gw, m.test_key);
  const cf = gw.cashfree(m.test_key);
  const created = await rzp.create({
    source_account_number: m.account_number,
    validation_type: 'upi_intent',
    reference_id: 'order-112233',
    notes: { purpose: 'Payout account', attempt: 2 },
  });
  assert.equal(created.status, 'created');
  const tr = intentParams(created.upi_intent.intent_url).tr;

  // The same verification, seen through Cashfree before payment.
  const cfBefore = (await cf.status({ ref_id: tr })).json;
  assert.equal(cfBefore.status, 'CREATED');
  assert.equal(cfBefore.verification_id, created.id, 'a verification without a Cashfree id shows its public id');

  const paid = await gw.pay(created.upi_intent.intent_url, 'success@upi');
  assert.equal(paid.status, 200, paid.text);
  assert.equal(paid.json.status, 'SUCCESS');

  const got = await rzp.fetch(created.id);
  assert.deepEqual(Object.keys(got), ENTITY_KEYS);
  assert.equal(got.id, created.id);
  assert.equal(got.status, 'completed');
  assert.equal(got.utr, paid.json.utr);
  assert.deepEqual(got.upi_intent, created.upi_intent, 'the intent is shown as it was issued');
  assert.deepEqual(got.validation_results, {
    account_status: 'active',
    registered_name: 'JOHN DOE',
    details: null,
    name_match_score: null,
    validated_account_type: 'bank_account',
    upi_intent: { vpa: 'success@upi' },
    bank_account: { bank_routing_code: 'YESB0000262', account_number: '026291800001191', bank_name: 'Yes Bank', account_type: 'savings' },
  });
  assert.deepEqual(got.status_details, { description: 'Validation request is completed', source: 'beneficiary_bank', reason: 'validation_completed' });
  assert.equal(got.reference_id, 'order-112233');
  assert.deepEqual(got.notes, { purpose: 'Payout account', attempt: '2' });
  assert.equal(got.created_at, created.created_at);

  // Through Cashfree: the same payer, the same UTR.
  const cfAfter = (await cf.status({ ref_id: tr })).json;
  assert.equal(cfAfter.status, 'SUCCESS');
  assert.equal(cfAfter.bank_account, '026291800001191');
  assert.equal(cfAfter.ifsc, 'YESB0000262');
  assert.equal(cfAfter.upi, 'success@upi');
  assert.equal(cfAfter.name_at_bank, 'JOHN DOE');
  assert.equal(cfAfter.utr, got.utr);
  assert.equal(cfAfter.account_type, 'SAVINGS');

  // The webhook: Razorpay's envelope, the entity as the API shows it, Razorpay's signature.
  const hook = await eventFor(receiver, created.id, 'fund_account.validation.completed');
  const body = JSON.parse(hook.body);
  assert.deepEqual(Object.keys(body), ['entity', 'account_id', 'event', 'contains', 'payload', 'created_at']);
  assert.equal(body.entity, 'event');
  assert.match(body.account_id, /^acc_[0-9A-Za-z]{14}$/);
  assert.equal(body.account_id, `acc_${m.id.slice(4)}`);
  assert.deepEqual(body.contains, ['fund_account.validation']);
  assert.deepEqual(Object.keys(body.payload), ['fund_account.validation']);
  assert.deepEqual(body.payload['fund_account.validation'].entity, got);
  assert.equal(JSON.stringify(body.payload['fund_account.validation'].entity), JSON.stringify(got), 'in the same field order');
  assert.ok(Number.isInteger(body.created_at) && Math.abs(body.created_at - Date.now() / 1000) < 60);
  assert.equal(hook.headers['content-type'], 'application/json');
  assert.match(String(hook.headers['x-razorpay-event-id']), /^evt_/);
  assert.match(String(hook.headers['x-razorpay-signature']), /^[0-9a-f]{64}$/);
  assert.equal(signedBy(hook.body, hook.headers, secret), true);
  assert.equal(signedBy(hook.body, hook.headers, secret + 'x'), false);
  assert.equal(signedBy(hook.body.replace('JOHN DOE', 'JANE DOE'), hook.headers, secret), false);

  // The rupee goes back exactly once, and no event other than the completion is sent for it.
  await gw.refundsSettled(paid.json.utr);
  await eventually(async () => (await cf.status({ ref_id: tr })).json.reversal_status, (s) => s === 'TRANSFER_SUCCESS', 10_000, 'reversal');
  await gw.idle();
  const refunds = (await gw.payment(paid.json.utr)).refunds as any[];
  assert.equal(refunds.length, 1);
  assert.equal(refunds[0].amount, '1.00');
  assert.deepEqual(eventsFor(receiver, created.id).map((r) => JSON.parse(r.body).event), ['fund_account.validation.completed']);
  assert.deepEqual(await rzp.fetch(created.id), got, 'the reversal changes nothing RazorpayX shows');
  return { created, got };
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`RazorpayX: fund account validation by UPI intent (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let receiver: Receiver;
    let m: Merchant;
    let secret: string;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      receiver = await Receiver.start();
      gw = await Gateway.start({ databaseUrl, env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200' } });
      m = await gw.merchant('RazorpayX Lending');
      const set = await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.json.dialect, 'razorpayx');
      secret = set.json.secret;
      assert.ok(secret);
    });
    after(async () => {
      await gw?.stop();
      await receiver?.close();
      await dropDb?.();
    });

    it('draws validation ids that sort by the time they were made, as Razorpay\'s do', async () => {
      const rzp = razorpayClient(gw, m.test_key);
      const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
      const ms = (id: string) => [...id.slice(4, 11)].reduce((n, ch) => n * 62 + B62.indexOf(ch), 0);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const before = Date.now();
        const v = await rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent', reference_id: `sorted-${i}` });
        assert.match(v.id, /^fav_[0-9A-Za-z]{14}$/);
        assert.ok(ms(v.id) >= before && ms(v.id) <= Date.now(), `${v.id} carries its time`);
        ids.push(v.id);
        await new Promise((r) => setTimeout(r, 3));
      }
      assert.deepEqual([...ids].sort(), ids);
      assert.equal(new Set(ids.map((id) => id.slice(11))).size, ids.length, 'the random part differs');
    });

    it('creates a validation with exactly the documented entity', async () => {
      const rzp = razorpayClient(gw, m.test_key);
      const before = Math.floor(Date.now() / 1000);
      const v = await rzp.create({
        source_account_number: m.account_number,
        validation_type: 'upi_intent',
        reference_id: '112233',
        notes: { random_key_1: 'Make it so.', random_key_2: 'Tea. Earl Grey. Hot.' },
      });
      assert.deepEqual(Object.keys(v), ENTITY_KEYS);
      assert.match(v.id, /^fav_[0-9A-Za-z]{14}$/);
      assert.equal(v.entity, 'fund_account.validation');
      assert.equal(v.status, 'created');
      assert.equal(v.utr, null);
      assert.deepEqual(Object.keys(v.upi_intent), ['intent_url', 'phonepe_url', 'gpay_url', 'paytm_url', 'bhim_url', 'encoded_qr_code']);
      assert.match(v.upi_intent.intent_url, /^upi:\/\/pay\?pa=[^&]+@[^&]+&pn=/);
      const p = intentParams(v.upi_intent.intent_url);
      assert.equal(p.pa, 'pennygate@sandbox');
      assert.equal(p.am, '1.00');
      assert.equal(p.cu, 'INR');
      assert.equal(p.tn, 'BAV');
      assert.match(p.tr, /^[1-9]\d*$/);
      const query = v.upi_intent.intent_url.slice('upi://pay?'.length);
      assert.equal(v.upi_intent.phonepe_url, `phonepe://upi/pay?${query}`);
      assert.equal(v.upi_intent.gpay_url, `tez://upi/pay?${query}`);
      assert.equal(v.upi_intent.paytm_url, `paytmmp://upi/pay?${query}`);
      assert.equal(v.upi_intent.bhim_url, `bhim://upi/pay?${query}`);
      assert.doesNotMatch(v.upi_intent.encoded_qr_code, /^data:/);
      assert.equal(pngHeader(v.upi_intent.encoded_qr_code).width, 256);
      assert.equal(decodeQr(v.upi_intent.encoded_qr_code), v.upi_intent.intent_url);
      assert.deepEqual(v.validation_results, NO_RESULTS);
      assert.deepEqual(v.status_details, CREATED_DETAILS);
      assert.equal(v.reference_id, '112233');
      assert.deepEqual(v.notes, { random_key_1: 'Make it so.', random_key_2: 'Tea. Earl Grey. Hot.' });
      assert.ok(v.created_at >= before && v.created_at <= Math.floor(Date.now() / 1000), `created_at ${v.created_at}`);
      // Read back unchanged; the SDK's own fetch of the same id.
      assert.deepEqual(await rzp.fetch(v.id), v);
    });

    it('completes on payment, sends fund_account.validation.completed, reads the same through Cashfree, and refunds once', async () => {
      await paidFlow(gw, receiver, m, secret);
    });

    it('keeps optional fields optional: no reference_id, no notes', async () => {
      const v = await razorpayClient(gw, m.test_key).create({ source_account_number: m.account_number, validation_type: 'upi_intent' });
      assert.equal(v.reference_id, null);
      assert.deepEqual(v.notes, {});
      assert.equal(v.status, 'created');
    });
  });
}

describe('RazorpayX: outcomes, lists and cross-dialect reads (sqlite)', () => {
  let gw: Gateway;
  let receiver: Receiver;
  let m: Merchant;
  let other: Merchant;
  let secret: string;
  let rzp: ReturnType<typeof razorpayClient>;

  before(async () => {
    receiver = await Receiver.start();
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200' } });
    m = await gw.merchant('Lists and outcomes');
    other = await gw.merchant('Someone else');
    secret = (await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' })).json.secret;
    rzp = razorpayClient(gw, m.test_key);
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  const create = (extra: Record<string, unknown> = {}) =>
    rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent', ...extra });

  it('reports a declined payment as failed, and refunds a later payment without changing it', async () => {
    const v = await create({ reference_id: 'declined' });
    const failed = await gw.pay(v.upi_intent.intent_url, 'failure@upi');
    assert.equal(failed.json.status, 'FAILURE');
    const got = await rzp.fetch(v.id);
    assert.equal(got.status, 'failed');
    assert.equal(got.utr, null);
    assert.deepEqual(got.validation_results, NO_RESULTS);
    assert.equal(got.status_details.source, 'beneficiary_bank');
    assert.equal(got.status_details.reason, 'payment_declined_by_bank');
    assert.match(got.status_details.description, /declined/);

    const hook = await eventFor(receiver, v.id, 'fund_account.validation.failed');
    assert.equal(signedBy(hook.body, hook.headers, secret), true);
    assert.deepEqual(JSON.parse(hook.body).payload['fund_account.validation'].entity, got);

    const tr = intentParams(v.upi_intent.intent_url).tr;
    assert.equal((await gw.cashfree(m.test_key).status({ ref_id: tr })).json.status, 'FAILURE');

    const late = await gw.pay(v.upi_intent.intent_url, 'success@upi');
    assert.equal(late.json.status, 'SUCCESS');
    assert.equal((await gw.refundsSettled(late.json.utr)).length, 1);
    assert.deepEqual(await rzp.fetch(v.id), got);
    assert.equal(eventsFor(receiver, v.id).length, 1);
  });

  for (const [vpa, ifsc, bank, type] of [
    ['priya.sharma@okaxis', 'UTIB0000007', 'Axis Bank', 'savings'],
    ['rkumar.trading@okicici', 'ICIC0000006', 'ICICI Bank', 'current'],
    ['mohd.irfan@ybl', 'INDB0000006', 'Indusind Bank', 'savings'],
    ['lakshmi.n@okhdfcbank', 'KKBK0000142', 'Kotak Mahindra Bank', 'savings'],
  ]) {
    it(`names the bank of ${ifsc} and the account type of ${vpa}`, async () => {
      const v = await create();
      await gw.pay(v.upi_intent.intent_url, vpa);
      const got = await rzp.fetch(v.id);
      assert.equal(got.validation_results.upi_intent.vpa, vpa);
      assert.equal(got.validation_results.bank_account.bank_routing_code, ifsc);
      assert.equal(got.validation_results.bank_account.bank_name, bank);
      assert.equal(got.validation_results.bank_account.account_type, type);
      const hook = await eventFor(receiver, v.id, 'fund_account.validation.completed');
      assert.deepEqual(JSON.parse(hook.body).payload['fund_account.validation'].entity, got, 'the webhook names the bank alike');
    });
  }

  it("lists the merchant's validations newest first, with count, skip, from and to", async () => {
    const mine: Awaited<ReturnType<typeof create>>[] = [];
    for (let i = 0; i < 8; i++) mine.push(await create({ reference_id: `list-${i}` }));
    // A Cashfree-made verification is a validation too; another merchant's is not listed.
    const cfMade = (await gw.cashfree(m.test_key).createRpd({ verification_id: `cf-${Date.now()}`, name: 'John Doe' })).json;
    await razorpayClient(gw, other.test_key).create({ source_account_number: other.account_number, validation_type: 'upi_intent' });

    const all = await rzp.list({ count: 100 });
    assert.equal(all.entity, 'collection');
    assert.equal(all.count, all.items.length);
    const times = all.items.map((x: any) => x.created_at);
    assert.deepEqual(times, [...times].sort((a: number, b: number) => b - a), 'newest first');
    const ids = all.items.map((x: any) => x.id);
    for (const v of mine) assert.ok(ids.includes(v.id));
    const first = all.items[0];
    assert.equal(intentParams(first.upi_intent.intent_url).tr, String(cfMade.ref_id), 'the Cashfree-made verification, newest');
    assert.equal(first.status, 'created');
    assert.deepEqual(Object.keys(first), ENTITY_KEYS);

    const two = await rzp.list({ count: 2 });
    assert.equal(two.count, 2);
    assert.deepEqual(two.items.map((x: any) => x.id), ids.slice(0, 2));
    const skipped = await rzp.list({ count: 2, skip: 1 });
    assert.deepEqual(skipped.items.map((x: any) => x.id), ids.slice(1, 3));
    assert.deepEqual(
      mine.map((v) => v.id).reverse(),
      ids.filter((id: string) => mine.some((v) => v.id === id)),
      'in the reverse order of creation',
    );
    assert.ok(ids.length > 10);
    assert.equal((await rzp.list()).count, 10, 'count defaults to 10');
    const stray = await gw.request('GET', '/v1/fund_accounts/validations?=x&count=2&', { headers: basic(m.test_key) });
    assert.equal(stray.json.count, 2, 'an empty parameter name is no parameter');

    const t = mine[1].created_at;
    const window = await rzp.list({ from: t, to: t, count: 100 });
    assert.ok(window.items.some((x: any) => x.id === mine[1].id));
    assert.ok(window.items.every((x: any) => x.created_at === t));
    assert.equal((await rzp.list({ from: t + 3600 })).count, 0);
    assert.equal((await rzp.list({ to: 946684800 })).count, 0);

    // RazorpayX's list names the source account (account_number, required there).
    const named = await rzp.list({ account_number: m.account_number, count: 100 });
    assert.deepEqual(named.items.map((x: any) => x.id), ids);
    await assert.rejects(rzp.list({ account_number: other.account_number }), (e: any) => {
      assert.equal(e.statusCode, 400);
      assert.equal(e.error.field, 'account_number');
      return true;
    });

    const theirs = await razorpayClient(gw, other.test_key).list();
    assert.equal(theirs.count, 1);
    assert.ok(!theirs.items.some((x: any) => ids.includes(x.id)));
  });

  it('reads a verification made through either dialect the same way', async () => {
    const cf = gw.cashfree(m.test_key);
    const made = (await cf.createRpd({ verification_id: `cross-${Date.now()}`, name: 'John Doe' })).json;
    const paid = await gw.pay(made.upi_link, 'success@upi');
    const listed = (await rzp.list({ count: 100 })).items.find((x: any) => intentParams(x.upi_intent.intent_url).tr === String(made.ref_id));
    assert.ok(listed, 'listed through RazorpayX');
    assert.equal(listed.upi_intent.intent_url, made.upi_link, 'one intent, whichever dialect shows it');
    const got = await rzp.fetch(listed.id);
    assert.equal(got.status, 'completed');
    assert.equal(got.utr, paid.json.utr);
    assert.equal(got.validation_results.registered_name, 'JOHN DOE');
    assert.equal(got.validation_results.name_match_score, 100, 'the name Cashfree was given is matched');
    assert.equal(got.validation_results.bank_account.account_number, '026291800001191');
  });

  it('gives a RazorpayX validation one verification_id in the Cashfree dialect: found by it, never taken by another', async () => {
    const v = await create();
    const cf = gw.cashfree(m.test_key);
    const byRef = (await cf.status({ ref_id: String(intentParams(v.upi_intent.intent_url).tr) })).json;
    assert.equal(byRef.verification_id, v.id);
    const byId = await cf.status({ verification_id: v.id });
    assert.equal(byId.status, 200, byId.text);
    assert.equal(byId.json.ref_id, byRef.ref_id);
    const taken = await cf.createRpd({ verification_id: v.id, name: 'Someone Else' });
    assert.equal(taken.status, 400, taken.text);
    assert.match(taken.json.message, /already exists/);
    assert.equal((await rzp.fetch(v.id)).id, v.id);
  });
});

describe('RazorpayX: an intent nobody pays (sqlite)', () => {
  let gw: Gateway;
  let receiver: Receiver;
  let m: Merchant;
  let secret: string;
  before(async () => {
    receiver = await Receiver.start();
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', RPD_LINK_TTL_SECONDS: '1', NOTIFICATION_GRACE_SECONDS: '0' } });
    m = await gw.merchant('Expiring');
    secret = (await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' })).json.secret;
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it('fails the validation with reason validation_expired, sends .failed, and refunds a late payment', async () => {
    const rzp = razorpayClient(gw, m.test_key);
    const v = await rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent' });
    const hook = await eventFor(receiver, v.id, 'fund_account.validation.failed');
    assert.equal(signedBy(hook.body, hook.headers, secret), true);
    const got = await rzp.fetch(v.id);
    assert.equal(got.status, 'failed');
    assert.deepEqual(got.status_details, {
      description: 'The customer did not pay before the UPI intent expired',
      source: 'internal',
      reason: 'validation_expired',
    });
    assert.deepEqual(got.validation_results, NO_RESULTS);
    assert.deepEqual(JSON.parse(hook.body).payload['fund_account.validation'].entity, got);
    const tr = intentParams(v.upi_intent.intent_url).tr;
    assert.equal((await gw.cashfree(m.test_key).status({ ref_id: tr })).json.status, 'EXPIRED');

    const late = await gw.pay(v.upi_intent.intent_url, 'success@upi');
    assert.equal(late.json.status, 'SUCCESS');
    assert.equal((await gw.refundsSettled(late.json.utr)).length, 1);
    assert.deepEqual(await rzp.fetch(v.id), got);
    await gw.idle();
    assert.equal(eventsFor(receiver, v.id).length, 1, 'one event per validation');
  });

});

describe('RazorpayX: reads of an overdue intent (sqlite)', () => {
  let gw: Gateway;
  let receiver: Receiver;
  let m: Merchant;
  before(async () => {
    receiver = await Receiver.start();
    // Jobs poll once in ten minutes: only a read can notice the expiry.
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', RPD_LINK_TTL_SECONDS: '1', NOTIFICATION_GRACE_SECONDS: '0', JOB_POLL_MS: '600000' } });
    m = await gw.merchant('Overdue');
    await gw.admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'razorpayx' });
  });
  after(async () => {
    await gw?.stop();
    await receiver?.close();
  });

  it('never lists or shows an overdue validation as created', async () => {
    const rzp = razorpayClient(gw, m.test_key);
    const a = await rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent' });
    const b = await rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent' });
    await sleep(1200);
    const listed = (await rzp.list()).items;
    assert.deepEqual(listed.map((x: any) => [x.id, x.status, x.status_details.reason]), [
      [b.id, 'failed', 'validation_expired'],
      [a.id, 'failed', 'validation_expired'],
    ]);
    assert.equal((await rzp.fetch(a.id)).status, 'failed');
    // The expiry a read applied is an event like any other.
    await eventFor(receiver, a.id, 'fund_account.validation.failed');
    await eventFor(receiver, b.id, 'fund_account.validation.failed');
  });
});

describe('RazorpayX: faults on the server side and what the store cannot hold (postgres)', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  before(async () => {
    db = await freshPostgres();
    gw = await Gateway.start({ databaseUrl: db.url });
  });
  after(async () => {
    await gw?.stop();
    await db?.drop();
  });

  it("answers 500 with RazorpayX's SERVER_ERROR, source internal, and creates nothing", async () => {
    const m = await gw.merchant('Unlucky');
    const rzp = razorpayClient(gw, m.test_key);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // The store fails every statement on validations while the table is away.
      await c.query('ALTER TABLE verifications RENAME TO verifications_away');
      const calls = [
        () => rzp.create({ source_account_number: m.account_number, validation_type: 'upi_intent' }),
        () => rzp.list(),
        () => rzp.fetch('fav_00000000000000'),
      ];
      for (const call of calls) {
        await assert.rejects(call(), (e: any) => {
          assert.equal(e.statusCode, 500);
          assert.deepEqual(e.error, {
            code: 'SERVER_ERROR',
            description: 'We are facing some trouble completing your request at the moment. Please try again shortly.',
            source: 'internal',
            step: 'NA',
            reason: 'NA',
            metadata: {},
          });
          return true;
        });
      }
    } finally {
      await c.query('ALTER TABLE verifications_away RENAME TO verifications');
      await c.end();
    }
    assert.equal((await rzp.list()).count, 0);
  });

  it('answers a key with a NUL in its id or secret as an invalid key, not as a fault', async () => {
    const m = await gw.merchant('Careless');
    for (const k of [
      { client_id: `${m.test_key.client_id}\u0000`, client_secret: m.test_key.client_secret },
      { client_id: m.test_key.client_id, client_secret: `${m.test_key.client_secret}\u0000` },
    ]) {
      for (const call of [
        () => razorpayClient(gw, k).create({ source_account_number: m.account_number, validation_type: 'upi_intent' }),
        () => razorpayClient(gw, k).list(),
      ]) {
        await assert.rejects(call(), (e: any) => {
          assert.equal(e.statusCode, 401);
          assert.equal(e.error.code, 'BAD_REQUEST_ERROR');
          assert.equal(e.error.description, 'The api key provided is invalid');
          return true;
        });
      }
    }
    assert.equal((await razorpayClient(gw, m.test_key).list()).count, 0);
  });
});

describe('RazorpayX: bad input', () => {
  let gw: Gateway;
  let m: Merchant;
  let other: Merchant;
  let existing: string;
  before(async () => {
    gw = await Gateway.start();
    m = await gw.merchant('Careful caller');
    other = await gw.merchant('Other');
    existing = (await razorpayClient(gw, other.test_key).create({ source_account_number: other.account_number, validation_type: 'upi_intent' })).id;
  });
  after(() => gw?.stop());

  const count = async () => (await gw.admin('GET', `/merchants/${m.id}`)).json.verifications;
  const post = (body: unknown, o: { headers?: Record<string, string>; raw?: string; contentType?: string } = {}) =>
    gw.request('POST', '/v1/fund_accounts/validations', {
      headers: { ...(o.headers ?? basic(m.test_key)), ...(o.contentType ? { 'content-type': o.contentType } : {}) },
      body: o.raw === undefined ? body : undefined,
      raw: o.raw,
    });
  const get = (path: string, headers = basic(m.test_key)) => gw.request('GET', `/v1${path}`, { headers });
  const form = (raw: string, contentType = 'application/x-www-form-urlencoded') => post(undefined, { raw, contentType });
  const okForm = () => `source_account_number=${m.account_number}&validation_type=upi_intent`;
  const ok = () => ({ source_account_number: m.account_number, validation_type: 'upi_intent' });
  const notes = (n: number, value = 'v') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));

  const input = (description: string | RegExp, field?: string) => ({ status: 400, description, field, source: 'business', reason: 'input_validation_failed' });
  const na = (status: number, description: string | RegExp) => ({ status, description, field: undefined, source: 'NA', reason: 'NA' });
  const NO_KEY = 'Please provide your api key for authentication purposes.';
  const BAD_KEY = 'The api key provided is invalid';

  const cases: [string, () => Promise<any>, ReturnType<typeof input>][] = [
    ['no credentials', () => post(ok(), { headers: {} }), na(401, NO_KEY)],
    ['a Bearer token instead of Basic', () => post(ok(), { headers: { authorization: 'Bearer abc' } }), na(401, NO_KEY)],
    ['Basic without a colon', () => post(ok(), { headers: { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` } }), na(401, NO_KEY)],
    ['a wrong secret', () => post(ok(), { headers: basic({ ...m.test_key, client_secret: m.test_key.client_secret + 'x' }) }), na(401, BAD_KEY)],
    ['an unknown key id', () => post(ok(), { headers: basic({ client_id: 'rzp_test_nobody', client_secret: 'x' }) }), na(401, BAD_KEY)],
    ['Cashfree headers on a RazorpayX route', () => post(ok(), { headers: { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret } }), na(401, NO_KEY)],
    ['missing source_account_number', () => post({ validation_type: 'upi_intent' }), input('The source account number field is required.', 'source_account_number')],
    ["another merchant's source account", () => post({ ...ok(), source_account_number: other.account_number }), input('The source account number is invalid.', 'source_account_number')],
    ['an unknown source account', () => post({ ...ok(), source_account_number: '7878780080316316' }), input('The source account number is invalid.', 'source_account_number')],
    ['source_account_number as a number', () => post({ ...ok(), source_account_number: 1234 }), input(/source account number/, 'source_account_number')],
    ['empty source_account_number', () => post({ ...ok(), source_account_number: '' }), input(/source account number/, 'source_account_number')],
    ['missing validation_type', () => post({ source_account_number: m.account_number }), input('The validation type field is required.', 'validation_type')],
    ['validation_type pennydrop', () => post({ ...ok(), validation_type: 'pennydrop' }), input('The validation type must be upi_intent.', 'validation_type')],
    ['validation_type in capitals', () => post({ ...ok(), validation_type: 'UPI_INTENT' }), input('The validation type must be upi_intent.', 'validation_type')],
    ['validation_type null', () => post({ ...ok(), validation_type: null }), input('The validation type must be upi_intent.', 'validation_type')],
    ['reference_id over 40 characters', () => post({ ...ok(), reference_id: 'r'.repeat(41) }), input('The reference id may not be greater than 40 characters.', 'reference_id')],
    ['reference_id a number', () => post({ ...ok(), reference_id: 112233 }), input('The reference id must be a string.', 'reference_id')],
    ['reference_id an object', () => post({ ...ok(), reference_id: { a: 1 } }), input('The reference id must be a string.', 'reference_id')],
    ['16 notes', () => post({ ...ok(), notes: notes(16) }), input('Number of fields in notes should be less than or equal to 15', 'notes')],
    ['a note over 256 characters', () => post({ ...ok(), notes: { a: 'x'.repeat(257) } }), input('The notes value for key a may not be greater than 256 characters.', 'notes')],
    ['a note key over 256 characters', () => post({ ...ok(), notes: { ['k'.repeat(257)]: 'v' } }), input('The notes keys may not be greater than 256 characters.', 'notes')],
    ['a long note under a key with a slash', () => post({ ...ok(), notes: { 'a/b~c': 'x'.repeat(300) } }), input('The notes value for key a/b~c may not be greater than 256 characters.', 'notes')],
    ['a boolean note', () => post({ ...ok(), notes: { flag: true } }), input('The notes value for key flag must be a string or a number.', 'notes')],
    ['a null note', () => post({ ...ok(), notes: { gone: null } }), input('The notes value for key gone must be a string or a number.', 'notes')],
    ['a nested note', () => post({ ...ok(), notes: { deep: { x: 1 } } }), input('The notes value for key deep must be a string or a number.', 'notes')],
    ['notes an array', () => post({ ...ok(), notes: ['a'] }), input('The notes must be an object of key-value pairs.', 'notes')],
    ['notes a string', () => post({ ...ok(), notes: 'hello' }), input('The notes must be an object of key-value pairs.', 'notes')],
    // Razorpay refuses parameters it does not take, rather than creating something else than asked.
    ['an unknown field', () => post({ ...ok(), extra: 1 }), input('extra is/are not required and should not be sent', 'extra')],
    [
      'bank-account validation fields on a upi_intent validation',
      () => post({ ...ok(), fund_account: { id: 'fa_00000000000001' }, amount: 100, currency: 'INR' }),
      input('fund_account, amount, currency is/are not required and should not be sent', 'fund_account'),
    ],
    [
      "RazorpayX's penny drop to a fund account",
      () =>
        post({
          account_number: m.account_number,
          fund_account: { account_type: 'bank_account', bank_account: { name: 'Gaurav Kumar', ifsc: 'HDFC0000053', account_number: '765432123456789' } },
          amount: 100,
          currency: 'INR',
        }),
      input('Only validation_type upi_intent (with source_account_number) is supported: a penny drop to a fund account is not.', 'validation_type'),
    ],
    ['malformed JSON', () => post(undefined, { raw: '{"validation_type": "upi_intent",', contentType: 'application/json' }), input('The request body is not valid JSON.')],
    ['prototype pollution', () => post(undefined, { raw: '{"validation_type":"upi_intent","__proto__":{"x":1}}', contentType: 'application/json' }), input(/JSON/)],
    ['an empty JSON body', () => post(undefined, { raw: '', contentType: 'application/json' }), input('The request body must be a JSON object.')],
    ['no body at all', () => post(undefined), input('The request body must be a JSON object.')],
    ['a text/plain body', () => post(undefined, { raw: JSON.stringify(ok()), contentType: 'text/plain' }), input(/Content-Type: application\/json/)],
    ['a form body without source_account_number', () => form('validation_type=upi_intent'), input('The source account number field is required.', 'source_account_number')],
    ['a form body with a field RazorpayX does not take', () => form(`${okForm()}&extra=1`), input('extra is/are not required and should not be sent', 'extra')],
    ['a form body with notes as a list', () => form(`${okForm()}&notes%5B%5D=a`), input('The notes must be an object of key-value pairs.', 'notes')],
    ['a form body with a percent-escape that is not UTF-8', () => form(`${okForm()}&notes%5Ba%5D=%FF`), input('The form body has a percent-escape that is not UTF-8.')],
    ['a form body with a broken percent-escape', () => form(`${okForm()}&reference_id=50%`), input('The form body has a percent-escape that is not UTF-8.')],
    ['a form body with a NUL', () => form(`${okForm()}&notes%5Ba%5D=x%00y`), input(/NUL/)],
    ['a form body in another charset', () => form(okForm(), 'application/x-www-form-urlencoded; charset=iso-8859-1'), input('A form body must be in UTF-8.')],
    ['a form body of raw bytes that are not UTF-8', () => post(undefined, { raw: Buffer.from([0x61, 0x3d, 0xff]) as any, contentType: 'application/x-www-form-urlencoded' }), input('A form body must be in UTF-8.')],
    ['a form body with over 100 parameters', () => form(`${okForm()}${'&notes%5Bk%5D=v'.repeat(100)}`), input(/The form body is too large/)],
    ['a form body with a __proto__ key', () => form(`${okForm()}&__proto__%5Bx%5D=1`), input(/may not have a key named __proto__ or constructor/)],
    ['a form body with a note keyed constructor', () => form(`${okForm()}&notes[constructor]=1`), input(/may not have a key named __proto__ or constructor/)],
    ['a form body with a note nested too deep', () => form(`${okForm()}&notes%5Ba%5D%5Bb%5D=1`), input('The notes value for key a must be a string or a number.', 'notes')],
    ['a JSON array body', () => post([ok()]), input('The request body must be a JSON object.')],
    ['a JSON string body', () => post('upi_intent'), input('The request body must be a JSON object.')],
    ['a JSON null body', () => post(undefined, { raw: 'null', contentType: 'application/json' }), input('The request body must be a JSON object.')],
    ['a body too large', () => post({ ...ok(), notes: { a: 'x'.repeat(70_000) } }), { ...input('The request body is too large.'), status: 413 }],
    // RazorpayX documents this error with source business and reason input_validation_failed.
    ['an unknown id', () => get('/fund_accounts/validations/fav_00000000000000'), input('The id provided does not exist')],
    ["another merchant's id", () => get(`/fund_accounts/validations/${existing}`), input('The id provided does not exist')],
    ['a malformed id', () => get("/fund_accounts/validations/fav_1'%20OR%201=1"), input('The id provided does not exist')],
    ['a GET without credentials', () => get(`/fund_accounts/validations/${existing}`, {} as any), na(401, NO_KEY)],
    ['count 0', () => get('/fund_accounts/validations?count=0'), input('The count must be at least 1.', 'count')],
    ['count 101', () => get('/fund_accounts/validations?count=101'), input('The count may not be greater than 100.', 'count')],
    ['count not a number', () => get('/fund_accounts/validations?count=ten'), input('The count must be an integer.', 'count')],
    ['a negative skip', () => get('/fund_accounts/validations?skip=-1'), input('The skip must be an integer.', 'skip')],
    ['from not a number', () => get('/fund_accounts/validations?from=yesterday'), input('The from must be an integer.', 'from')],
    ['to a fraction', () => get('/fund_accounts/validations?to=1.5'), input('The to must be an integer.', 'to')],
    ['to before from', () => get('/fund_accounts/validations?from=1700000000&to=1600000000'), input('The to must be greater than or equal to from.', 'to')],
    ['a repeated account_number', () => get('/fund_accounts/validations?account_number=1&account_number=2'), input('The account number must be a string.', 'account_number')],
    ['an account_number over 64 characters', () => get(`/fund_accounts/validations?account_number=${'1'.repeat(65)}`), input('The account number may not be greater than 64 characters.', 'account_number')],
    ['an unknown list parameter', () => get('/fund_accounts/validations?status=completed'), input('status is/are not required and should not be sent', 'status')],
    ['a repeated count', () => get('/fund_accounts/validations?count=1&count=2'), input('The count must be an integer.', 'count')],
    ['an unknown route under /v1', () => get('/payouts'), na(400, 'The requested URL was not found on the server.')],
    ['a deeper unknown route', () => get(`/fund_accounts/validations/${existing}/cancel`), na(400, 'The requested URL was not found on the server.')],
    ['an unsupported method', () => gw.request('DELETE', '/v1/fund_accounts/validations', { headers: basic(m.test_key) }), na(400, 'The requested URL was not found on the server.')],
  ];

  for (const [name, call, want] of cases) {
    it(`answers ${name} with Razorpay's error envelope`, async () => {
      const before = await count();
      const r = await call();
      assert.equal(r.status, want.status, r.text);
      assert.deepEqual(Object.keys(r.json), ['error']);
      const e = r.json.error;
      assert.deepEqual(Object.keys(e), ['code', 'description', 'source', 'step', 'reason', 'metadata', ...(want.field ? ['field'] : [])]);
      assert.equal(e.code, 'BAD_REQUEST_ERROR');
      if (typeof want.description === 'string') assert.equal(e.description, want.description);
      else assert.match(e.description, want.description);
      assert.equal(e.source, want.source);
      assert.equal(e.step, 'NA');
      assert.equal(e.reason, want.reason);
      assert.deepEqual(e.metadata, {});
      assert.equal(e.field, want.field);
      assert.equal(await count(), before, 'no verification was created');
    });
  }

  it('accepts the limits themselves: 15 notes, 256-character values, a 40-character reference_id, numbers as notes', async () => {
    const r = await post({ ...ok(), reference_id: 'r'.repeat(40), notes: { ...notes(14, 'x'.repeat(256)), n: 42.5 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(Object.keys(r.json.notes).length, 15);
    assert.equal(r.json.notes.n, '42.5');
    assert.equal(r.json.reference_id.length, 40);
  });

  it('takes an empty notes array, as PHP clients send no notes, as no notes', async () => {
    const r = await post({ ...ok(), notes: [] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.notes, {});
  });

  it("takes a form body as Razorpay's PHP SDK sends it, brackets and all, as it takes JSON", async () => {
    // PHP's http_build_query of ['source_account_number' => ..., 'validation_type' => 'upi_intent',
    // 'reference_id' => 'ref 1/2', 'notes' => ['purpose' => 'Loan KYC', 'customer' => 'रवि कुमार',
    // 'n' => 42, 'ok' => true]], as PHP 8.2 wrote it.
    const body =
      `source_account_number=${m.account_number}&validation_type=upi_intent&reference_id=ref+1%2F2&notes%5Bpurpose%5D=Loan+KYC` +
      '&notes%5Bcustomer%5D=%E0%A4%B0%E0%A4%B5%E0%A4%BF+%E0%A4%95%E0%A5%81%E0%A4%AE%E0%A4%BE%E0%A4%B0&notes%5Bn%5D=42&notes%5Bok%5D=1';
    const before = await count();
    const r = await form(body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.entity, 'fund_account.validation');
    assert.equal(r.json.status, 'created');
    assert.equal(r.json.reference_id, 'ref 1/2');
    assert.deepEqual(r.json.notes, { purpose: 'Loan KYC', customer: 'रवि कुमार', n: '42', ok: '1' });
    // A note named after a member of Object is kept, as in JSON.
    const named = await form(`${okForm()}&notes%5BtoString%5D=kept`);
    assert.equal(named.status, 200, named.text);
    assert.deepEqual(named.json.notes, { toString: 'kept' });
    assert.equal(await count(), before + 2);
    const read = await get(`/fund_accounts/validations/${r.json.id}`);
    assert.deepEqual({ ...read.json, upi_intent: undefined }, { ...r.json, upi_intent: undefined });
    // Unbracketed, with a charset and a repeated key (PHP keeps the last), and no notes at all.
    const plain = await form(`validation_type=pennydrop&${okForm()}`, 'application/x-www-form-urlencoded; charset=UTF-8');
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(plain.json.notes, {});
    assert.equal(plain.json.reference_id, null);
  });

  it("takes paths as SDKs build them: a trailing slash (Razorpay's PHP SDK), a doubled one (a base URL ending in a slash)", async () => {
    for (const path of ['/v1/fund_accounts/validations/', '//v1/fund_accounts/validations']) {
      const made = await gw.request('POST', path, { headers: basic(m.test_key), body: ok() });
      assert.equal(made.status, 200, `${path}: ${made.text}`);
      assert.equal(made.json.entity, 'fund_account.validation');
      const one = await gw.request('GET', `${path.replace(/\/$/, '')}/${made.json.id}/`, { headers: basic(m.test_key) });
      assert.equal(one.json.id, made.json.id, path);
    }
    const list = await get('/fund_accounts/validations/?count=2');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.entity, 'collection');
    assert.equal(list.json.count, 2);
    const cf = await gw.request('GET', '//verification/remitter/status/?ref_id=1', {
      headers: { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret },
    });
    assert.equal(cf.json.message, 'Please enter a valid ref_id', cf.text);
  });

  it('surfaces errors through the SDK as Razorpay errors', async () => {
    const rzp = razorpayClient(gw, m.test_key);
    await assert.rejects(rzp.create({ ...ok(), validation_type: 'pennydrop' }), (e: any) => {
      assert.equal(e.statusCode, 400);
      assert.equal(e.error.code, 'BAD_REQUEST_ERROR');
      assert.equal(e.error.field, 'validation_type');
      return true;
    });
    await assert.rejects(razorpayClient(gw, { ...m.test_key, client_secret: 'wrong' }).fetch(existing), (e: any) => {
      assert.equal(e.statusCode, 401);
      assert.equal(e.error.description, BAD_KEY);
      return true;
    });
    // Razorpay answers a path it does not serve with 400 and this description.
    const sdk = new Razorpay({ key_id: m.test_key.client_id, key_secret: m.test_key.client_secret });
    (sdk.api as any).rq.defaults.baseURL = gw.url;
    await assert.rejects(sdk.api.get({ url: '/payouts/pout_00000000000001' }), (e: any) => {
      assert.equal(e.statusCode, 400);
      assert.equal(e.error.description, 'The requested URL was not found on the server.');
      return true;
    });
  });

  it('documents the endpoints in /openapi.json', async () => {
    const doc = (await gw.request('GET', '/openapi.json')).json;
    assert.ok(doc.paths['/v1/fund_accounts/validations'].post);
    assert.ok(doc.paths['/v1/fund_accounts/validations'].get);
    assert.ok(doc.paths['/v1/fund_accounts/validations/{id}'].get);
    assert.deepEqual(doc.components.securitySchemes.RazorpayXBasic, { type: 'http', scheme: 'basic', description: 'key_id:key_secret' });
  });
});
