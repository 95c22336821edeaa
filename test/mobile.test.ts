// Mobile penny drop and UPI mobile lookup in the Cashfree dialect, against the real server
// process, on SQLite and on PostgreSQL: the documented bodies, the rules (fraud flag, one penny
// drop in flight per number, duplicate ids), and the money rule that one verification never
// pays out twice, also across a timeout, a crash and several instances.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, Gateway, cli, eventually, freshPostgres, needsPostgres } from './support/gateway.js';

type Key = { client_id: string; client_secret: string };
const uid = (p = 'm') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const PURPOSE = 'Testing the entire flow for penny drop verification';
const consent = (o: Record<string, unknown> = {}) => ({
  obtained: true,
  type: 'EXPLICIT',
  timestamp: new Date().toISOString(),
  purpose: PURPOSE,
  ...o,
});

const YESB0000262 = {
  bank: 'Yes Bank',
  neft: 'Live',
  imps: 'Live',
  rtgs: 'Live',
  upi: 'Live',
  address: 'GROUND FLOOR SHOP NO 1 RINKU CO OP HOUSING SOCIETY LTD PLOT NO 317 LINKING ROAD KHAR WEST MUMBAI MAHARASTRA 400052',
  city: 'GREATER BOMBAY',
  state: 'MAHARASHTRA',
  branch: 'SANTACRUZ, MUMBAI',
  // No category, swift_code or nbin: the dataset has none for this branch, and Cashfree's schema
  // types them as strings and integers, never null (see mobile-schema.test.ts).
  micr: 400532038,
};

/** A Cashfree client for the two mobile endpoints. */
function client(gw: Gateway, key: Key) {
  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret };
  return {
    pennyDrop: (body: unknown, headers: Record<string, string> = { 'x-api-version': '2024-12-01' }) =>
      gw.request('POST', '/verification/mobile/penny-drop', { headers: { ...auth, ...headers }, body }),
    lookup: (body: unknown) => gw.request('POST', '/verification/upi/mobile', { headers: auth, body }),
    outcome: (vid: string) =>
      gw.request('GET', `/verification/mobile/penny-drop?verification_id=${encodeURIComponent(vid)}`, {
        headers: { ...auth, 'x-api-version': '2024-12-01' },
      }),
  };
}

const payouts = async (gw: Gateway, q: Record<string, string>) =>
  (await gw.request('GET', `/sandbox/upi/payouts?${new URLSearchParams(q)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json
    .items as any[];
const stored = async (gw: Gateway, refId: number) => (await gw.admin('GET', `/verifications/${refId}`)).json.verification;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`mobile penny drop (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let other: Gateway | undefined;
    let key: Key;
    let cf: ReturnType<typeof client>;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      let databaseUrl: string | undefined;
      if (store === 'postgres') ({ url: databaseUrl, drop: dropDb } = await freshPostgres());
      // The slow bank answers after 2.5 s, so concurrent requests overlap even on a busy machine;
      // the rail timeout is far longer, so that answer is never mistaken for a lost one.
      const env = { MOBILE_RAIL_TIMEOUT_MS: '6000', SANDBOX_SLOW_PAYOUT_MS: '2500' };
      gw = await Gateway.start({ databaseUrl, env });
      // A second instance on the same database: the in-flight rule must hold across instances.
      if (databaseUrl) other = await Gateway.start({ databaseUrl, env });
      key = (await gw.merchant()).test_key;
      cf = client(gw, key);
    });
    after(async () => {
      await other?.stop();
      await gw?.stop();
      await dropDb?.();
    });

    const drop = (mobile: string, extra: Record<string, unknown> = {}) =>
      cf.pennyDrop({ verification_id: uid(), mobile_number: mobile, user_consent: consent(), ...extra });

    it('VALID: the account behind the number, name match and ifsc_details', async () => {
      const vid = uid();
      const r = await cf.pennyDrop({ verification_id: vid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent() });
      assert.equal(r.status, 200, r.text);
      // Below 2^31, as Cashfree's Java SDK reads reference_id into a 32-bit Integer.
      assert.ok(Number.isInteger(r.json.reference_id) && r.json.reference_id > 0 && r.json.reference_id < 2 ** 31, String(r.json.reference_id));
      assert.match(r.json.utr, /^\d{12}$/);
      assert.deepEqual(r.json, {
        verification_id: vid,
        reference_id: r.json.reference_id,
        status: 'VALID',
        ifsc: 'YESB0000262',
        vpa: 'success@upi',
        mobile_number: '9999999999',
        account_type: 'SAVINGS',
        name: 'John Doe',
        name_at_bank: 'JOHN DOE',
        utr: r.json.utr,
        bank_account: '026291800001191',
        name_match_score: '100',
        name_match_result: 'DIRECT_MATCH',
        ifsc_details: YESB0000262,
      });
      // The rupee went out once, with this verification's key, to the number's VPA.
      const mine = (await payouts(gw, { vpa: 'success@upi' })).filter((p) => p.utr === r.json.utr);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].amount, '1.00');
      assert.equal(mine[0].calls, 1);
      const v = await stored(gw, r.json.reference_id);
      assert.equal(v.kind, 'mobile');
      assert.equal(v.status, 'SUCCESS');
      // The operator reads what the merchant was answered beside the store's status, in the
      // search list and in the CLI's view too.
      assert.equal(v.api_status, 'VALID');
      const found = (await gw.admin('GET', `/verifications?q=${r.json.reference_id}`)).json.items;
      assert.deepEqual(found.map((x: any) => [x.kind, x.status, x.api_status]), [['mobile', 'SUCCESS', 'VALID']]);
      if (store === 'sqlite') {
        const shown = await cli({ DATA_DIR: gw.dataDir }, 'verifications', 'show', String(r.json.reference_id));
        assert.match(shown.stdout, /^answered\s+VALID$/m, shown.stdout);
      }
    });

    it('VALID without a name: no name match', async () => {
      const r = await drop('9876543210');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'VALID');
      assert.equal(r.json.vpa, 'priya.sharma@okaxis');
      assert.equal(r.json.bank_account, '917010047162835');
      assert.equal(r.json.ifsc_details.bank, 'Axis Bank');
      assert.equal(r.json.ifsc_details.micr, 110211002);
      assert.equal(r.json.name, null);
      assert.equal(r.json.name_match_score, null);
      assert.equal(r.json.name_match_result, null);
    });

    it('VALID for a number of the generated directory, and a partial name match', async () => {
      const r = await drop('9000012345', { name: 'Mehta' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.vpa, 'payer12345@sandbox');
      assert.ok(['POOR_PARTIAL_MATCH', 'MODERATE_PARTIAL_MATCH', 'GOOD_PARTIAL_MATCH', 'NO_MATCH'].includes(r.json.name_match_result));
      assert.match(r.json.name_match_score, /^\d{1,3}$/);
    });

    it('INVALID when no VPA is linked: exactly the documented nulls', async () => {
      const vid = uid();
      const r = await cf.pennyDrop({ verification_id: vid, mobile_number: '8888888888', name: 'John Doe', user_consent: consent() });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, {
        verification_id: vid,
        reference_id: r.json.reference_id,
        status: 'INVALID',
        ifsc: null,
        vpa: null,
        mobile_number: '8888888888',
        account_type: null,
        name: null,
        name_at_bank: null,
        utr: null,
        bank_account: null,
        name_match_score: null,
        name_match_result: null,
        ifsc_details: {},
      });
      const v = await stored(gw, r.json.reference_id);
      assert.deepEqual([v.status, v.api_status], ['FAILURE', 'INVALID']);
    });

    it('INVALID when the beneficiary bank declines the payout', async () => {
      const r = await drop('9333333333');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'INVALID');
      assert.equal(r.json.bank_account, null);
      const p = await payouts(gw, { vpa: 'closed.account@upi' });
      assert.ok(p.length >= 1 && p.every((x) => x.status === 'FAILED'));
    });

    it('a flagged number: 422 fraud_account with the reference_id, and no payout', async () => {
      const r = await drop('7777777777');
      assert.equal(r.status, 422, r.text);
      assert.deepEqual(r.json, {
        type: 'validation_error',
        code: 'fraud_account',
        message: 'Fraud activity detected for this account.',
        error: { reference_id: r.json.error.reference_id },
      });
      assert.ok(Number.isInteger(r.json.error.reference_id));
      const v = await stored(gw, r.json.error.reference_id);
      assert.equal(v.status, 'FAILURE');
      assert.equal(v.status_reason, 'fraud_account');
      assert.equal(v.api_status, '422 fraud_account');
      // Not held as in flight: the next request is refused for fraud again, not as busy.
      assert.equal((await drop('7777777777')).json.code, 'fraud_account');
    });

    it('a repeated verification_id: 409, and no second payout', async () => {
      const vid = uid();
      const first = await cf.pennyDrop({ verification_id: vid, mobile_number: '9812345670', user_consent: consent() });
      assert.equal(first.status, 200, first.text);
      const before = await payouts(gw, { vpa: 'mohd.irfan@ybl' });
      for (const mobile of ['9812345670', '9999999999']) {
        const again = await cf.pennyDrop({ verification_id: vid, mobile_number: mobile, user_consent: consent() });
        assert.equal(again.status, 409, again.text);
        assert.deepEqual(again.json, {
          type: 'validation_error',
          code: 'verification_id_already_exists',
          message: 'verification ID already exists',
        });
      }
      assert.equal((await payouts(gw, { vpa: 'mohd.irfan@ybl' })).length, before.length);
    });

    it('one verification_id for each product: a lookup, a mobile penny drop and a reverse penny drop, each read back as itself', async () => {
      // As at Cashfree, where each product keeps its own ids: a number looked up, then verified,
      // under the integration's one id for the customer.
      const vid = uid('one-id');
      const rpd = gw.cashfree(key);
      const looked = await cf.lookup({ verification_id: vid, mobile_number: '9812345670' });
      assert.equal(looked.status, 200, looked.text);
      const dropped = await cf.pennyDrop({ verification_id: vid, mobile_number: '9812345670', user_consent: consent() });
      assert.equal(dropped.status, 200, dropped.text);
      assert.equal(dropped.json.status, 'VALID');
      const made = await rpd.createRpd({ verification_id: vid, name: 'Mohd Irfan' });
      assert.equal(made.status, 200, made.text);
      assert.notEqual(dropped.json.reference_id, looked.json.reference_id);
      // Read together (one statement on each instance for the reads that arrive together), each
      // by its own product.
      const gws = other ? [gw, other] : [gw];
      const reads = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 ? client(gws[i % gws.length], key).outcome(vid) : gws[(i >> 1) % gws.length].cashfree(key).status({ verification_id: vid }),
        ),
      );
      for (const [i, r] of reads.entries()) {
        assert.equal(r.status, 200, r.text);
        if (i % 2) assert.equal(r.json.reference_id, dropped.json.reference_id, r.text);
        else assert.equal(String(r.json.ref_id), String(made.json.ref_id), r.text);
      }
      // Within a product the id is still the merchant's one verification, refused again in that
      // product's words.
      const lookupAgain = await cf.lookup({ verification_id: vid, mobile_number: '9812345670' });
      assert.equal(lookupAgain.status, 409, lookupAgain.text);
      assert.equal(lookupAgain.json.code, 'verification_id_already_exists');
      const dropAgain = await cf.pennyDrop({ verification_id: vid, mobile_number: '9812345670', user_consent: consent() });
      assert.equal(dropAgain.status, 409, dropAgain.text);
      const rpdAgain = await rpd.createRpd({ verification_id: vid, name: 'Mohd Irfan' });
      assert.equal(rpdAgain.status, 400, rpdAgain.text);
      assert.equal(rpdAgain.json.code, 'invalid_verification_id');
      // A lookup alone does not make the id a penny drop's: its outcome read is not found.
      const onlyLooked = uid('looked');
      assert.equal((await cf.lookup({ verification_id: onlyLooked, mobile_number: '9812345670' })).status, 200);
      const none = await cf.outcome(onlyLooked);
      assert.equal(none.status, 400, none.text);
      assert.equal((await rpd.status({ verification_id: onlyLooked })).status, 400);
    });

    it('concurrent requests for one number: one is verified, the rest get 422 under process', async () => {
      // 9444444444's bank answers a payout after 2.5 s, so the requests overlap.
      const before = (await payouts(gw, { vpa: 'slow.bank@upi' })).length;
      const gws = other ? [gw, other] : [gw];
      const rs = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          client(gws[i % gws.length], key).pennyDrop({ verification_id: uid('race'), mobile_number: '9444444444', user_consent: consent() }),
        ),
      );
      const ok = rs.filter((r) => r.status === 200);
      const busy = rs.filter((r) => r.status === 422);
      assert.equal(ok.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
      assert.equal(busy.length, 5);
      assert.equal(ok[0].json.status, 'VALID');
      assert.equal(ok[0].json.name_at_bank, 'ANIL GUPTA');
      for (const b of busy) {
        assert.deepEqual(b.json, {
          type: 'validation_error',
          code: 'verification_already_under_process',
          message: 'verification already under process.',
          error: { reference_id: ok[0].json.reference_id },
        });
      }
      assert.equal((await payouts(gw, { vpa: 'slow.bank@upi' })).length, before + 1);
      // Once it is done, the number can be verified again.
      const next = await drop('9444444444');
      assert.equal(next.status, 200, next.text);
      // Another merchant is not held up by this merchant's request.
      const otherKey = (await gw.merchant('Other lender')).test_key;
      const [mine, theirs] = await Promise.all([drop('9444444444'), client(gw, otherKey).pennyDrop({ verification_id: uid(), mobile_number: '9444444444', user_consent: consent() })]);
      assert.equal(mine.status, 200, mine.text);
      assert.equal(theirs.status, 200, theirs.text);
    });

    it('the payout answer times out: 502, then the job asks the bank and settles it, paying once', async () => {
      const vid = uid();
      const r = await cf.pennyDrop({ verification_id: vid, mobile_number: '9111111111', name: 'Neha Kapoor', user_consent: consent() });
      assert.equal(r.status, 502, r.text);
      assert.deepEqual(r.json, {
        type: 'internal_error',
        code: 'verification_failed',
        // Not Cashfree's "please try again": the rupee may be gone; the answer says where to read it.
        message:
          'Authorised source is temporarily unavailable; the outcome is not known yet: read it back with GET /verification/mobile/penny-drop?verification_id= before trying again under a new verification_id',
        error: { reference_id: r.json.error.reference_id },
      });
      const refId = r.json.error.reference_id;
      // The merchant reads the outcome back instead of paying again under a new id.
      const early = await cf.outcome(vid);
      assert.ok(early.status === 422 || early.status === 200, early.text);
      if (early.status === 422) assert.equal(early.json.code, 'verification_already_under_process');
      const read = await eventually(() => cf.outcome(vid), (x) => x.status === 200, 10_000, 'the outcome');
      assert.equal(read.json.status, 'VALID');
      assert.equal(read.json.bank_account, '026291800001195');
      assert.equal(read.json.reference_id, refId);
      assert.equal((await cf.outcome('never-made')).json.code, 'invalid_request');
      const v = await eventually(() => stored(gw, refId), (x) => x.status !== 'CREATED', 10_000, 'reconciliation');
      assert.equal(v.status, 'SUCCESS');
      assert.equal(v.payer.account, '026291800001195');
      assert.equal(v.payer.name, 'NEHA KAPOOR');
      assert.equal(v.name_match.result, 'DIRECT_MATCH');
      const key = `payout_${v.public_id}`;
      const p = await payouts(gw, { key });
      assert.equal(p.length, 1);
      assert.equal(p[0].calls, 1, 'the reconciler asked; it never sent the payout again');
      assert.equal(p[0].utr, v.utr);
      // Asking again with the same id changes nothing and pays nothing.
      assert.equal((await cf.pennyDrop({ verification_id: vid, mobile_number: '9111111111', user_consent: consent() })).status, 409);
      await gw.idle();
      assert.equal((await payouts(gw, { key }))[0].calls, 1);
    });

    it('the mapper does not answer: 502, closed without a payout', async () => {
      const vid = uid();
      const r = await drop('9222222222', { verification_id: vid });
      assert.equal(r.status, 502, r.text);
      assert.equal(r.json.code, 'verification_failed');
      // Closed, with nothing sent: Cashfree's own "try again" (safe), said again when read back.
      assert.equal(r.json.message, 'Authorised source is temporarily unavailable, please try again shortly');
      const v = await stored(gw, r.json.error.reference_id);
      assert.equal(v.status, 'FAILURE');
      assert.equal(v.status_reason, 'source_unavailable');
      assert.equal(v.api_status, '502 verification_failed');
      const read = await cf.outcome(vid);
      assert.equal(read.status, 502, read.text);
      assert.deepEqual(read.json, r.json);
      // Nothing is in flight: the number can be tried again at once.
      assert.equal((await drop('9222222222')).status, 502);
    });

    it('upi/mobile: the VPA, the name at the bank, and additional VPAs only when asked', async () => {
      const vid = uid();
      const r = await cf.lookup({ verification_id: vid, mobile_number: '6666666666', name: 'John Doe', email: 'JohnDoe@gmail.com', additional_vpas: true });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, {
        status: 'SUCCESS',
        verification_id: vid,
        reference_id: r.json.reference_id,
        account_status: 'VALID',
        mobile_number: '6666666666',
        vpa: '6666666666@upi',
        name_at_bank: 'JOHN DOE',
        additional_vpas: ['6666666666@paytm', '6666666666@ybl'],
      });
      assert.ok(Number.isInteger(r.json.reference_id) && r.json.reference_id < 2 ** 31, String(r.json.reference_id));
      const plain = await cf.lookup({ verification_id: uid(), mobile_number: '6666666666' });
      assert.deepEqual(plain.json.additional_vpas, []);
      assert.equal(plain.json.vpa, '6666666666@upi');
      const one = await cf.lookup({ verification_id: uid(), mobile_number: '9999999999', additional_vpas: true });
      assert.equal(one.json.vpa, 'success@upi');
      assert.deepEqual(one.json.additional_vpas, []);
      const dup = await cf.lookup({ verification_id: vid, mobile_number: '6666666666' });
      assert.equal(dup.status, 409, dup.text);
      assert.deepEqual(dup.json, { type: 'validation_error', code: 'verification_id_already_exists', message: 'verification id already exists' });
      // A lookup moves no money.
      assert.equal((await payouts(gw, { vpa: '6666666666@upi' })).length, 0);
    });

    it('upi/mobile: no VPA linked, and the mapper unavailable', async () => {
      const vid = uid();
      const none = await cf.lookup({ verification_id: vid, mobile_number: '8888888888', additional_vpas: true });
      assert.equal(none.status, 200, none.text);
      assert.deepEqual(none.json, {
        status: 'SUCCESS',
        verification_id: vid,
        message: 'No UPI ID found linked to the Mobile Number',
        reference_id: none.json.reference_id,
        account_status: 'INVALID',
        mobile_number: '8888888888',
        vpa: null,
        name_at_bank: null,
        additional_vpas: [],
      });
      const unable = await cf.lookup({ verification_id: uid(), mobile_number: '9222222222' });
      assert.equal(unable.status, 200, unable.text);
      assert.equal(unable.json.status, 'FAILURE');
      assert.equal(unable.json.account_status, 'UNABLE_TO_VALIDATE');
      assert.equal(unable.json.message, 'Unable to validate, please retry later');
      const flagged = await cf.lookup({ verification_id: uid(), mobile_number: '7777777777' });
      assert.equal(flagged.status, 422, flagged.text);
      assert.equal(flagged.json.code, 'fraud_account');
      // The operator's views say what each lookup was answered.
      const answered = async (refId: number) => (await stored(gw, refId)).api_status;
      assert.equal(await answered(none.json.reference_id), 'INVALID');
      assert.equal(await answered(unable.json.reference_id), 'UNABLE_TO_VALIDATE');
      assert.equal(await answered(flagged.json.error.reference_id), '422 fraud_account');
    });
  });
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`mobile penny drop: crash safety (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let drop: (() => Promise<void>) | undefined;
    after(async () => {
      await gw?.stop();
      await drop?.();
    });

    it('a crash while the payout is answered: reconciled after restart, never paid twice', async () => {
      let databaseUrl: string | undefined;
      if (store === 'postgres') ({ url: databaseUrl, drop } = await freshPostgres());
      // The slow bank makes the payout at once and answers 8 s later, and the gateway would give up
      // after 5 s: time enough, even on a busy machine, to see the payout and kill the gateway
      // before either. Reconciliation starts 3 rail timeouts + 1 s after the payout (16 s).
      gw = await Gateway.start({ databaseUrl, env: { MOBILE_RAIL_TIMEOUT_MS: '5000', SANDBOX_SLOW_PAYOUT_MS: '8000' } });
      const key = (await gw.merchant()).test_key;
      const vid = uid('crash');
      const pending = client(gw, key)
        .pennyDrop({ verification_id: vid, mobile_number: '9444444444', user_consent: consent() })
        .catch((err) => err);
      await eventually(() => payouts(gw, { vpa: 'slow.bank@upi' }), (p) => p.length === 1, 7000, 'the payout');
      await gw.restart(); // SIGKILL mid-request, then start on the same store
      assert.ok((await pending) instanceof Error, 'the request died with the process');

      // Still in flight after the restart: the number is held, and its reference is shown.
      const cf = client(gw, key);
      const busy = await cf.pennyDrop({ verification_id: uid(), mobile_number: '9444444444', user_consent: consent() });
      assert.equal(busy.status, 422, busy.text);
      assert.equal(busy.json.code, 'verification_already_under_process');
      const refId = busy.json.error.reference_id;

      const v = await eventually(() => stored(gw, refId), (x) => x.status !== 'CREATED', 30_000, 'reconciliation after restart');
      assert.equal(v.verification_id, vid);
      assert.equal(v.status, 'SUCCESS');
      assert.equal(v.payer.account, '026291800001197');
      const p = await payouts(gw, { vpa: 'slow.bank@upi' });
      assert.equal(p.length, 1);
      assert.equal(p[0].idempotency_key, `payout_${v.public_id}`);
      assert.equal(p[0].calls, 1);
      // Retrying the dead request: 409, nothing paid.
      assert.equal((await cf.pennyDrop({ verification_id: vid, mobile_number: '9444444444', user_consent: consent() })).status, 409);
      assert.equal((await payouts(gw, { vpa: 'slow.bank@upi' })).length, 1);
    });

    it("the gateway's own timeout: 502 while the bank is slow, then reconciled, paid once", async () => {
      await gw.restart({ MOBILE_RAIL_TIMEOUT_MS: '500' });
      const cf = client(gw, (await gw.merchant('Impatient')).test_key);
      const r = await cf.pennyDrop({ verification_id: uid(), mobile_number: '9444444444', user_consent: consent() });
      assert.equal(r.status, 502, r.text);
      const v = await eventually(() => stored(gw, r.json.error.reference_id), (x) => x.status !== 'CREATED', 10_000, 'reconciliation');
      assert.equal(v.status, 'SUCCESS');
      const p = await payouts(gw, { key: `payout_${v.public_id}` });
      assert.equal(p.length, 1);
      assert.equal(p[0].calls, 1);
    });
  });
}

describe('mobile endpoints: bad input', () => {
  let gw: Gateway;
  let key: Key;
  let merchantId: string;
  before(async () => {
    gw = await Gateway.start();
    const m = await gw.merchant();
    key = m.test_key;
    merchantId = m.id;
  });
  after(() => gw?.stop());

  const count = async () => (await gw.admin('GET', `/merchants/${merchantId}`)).json.verifications;
  const auth = () => ({ 'x-client-id': key.client_id, 'x-client-secret': key.client_secret });
  const pd = (body: Record<string, unknown>, headers: Record<string, string> = { ...auth(), 'x-api-version': '2024-12-01' }) =>
    gw.request('POST', '/verification/mobile/penny-drop', { headers, body });
  const ok = (o: Record<string, unknown> = {}) => ({ verification_id: uid(), mobile_number: '9999999999', user_consent: consent(), ...o });
  const withConsent = (o: Record<string, unknown>) => ok({ user_consent: consent(o) });
  const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
  const lookup = (body: Record<string, unknown>) => gw.request('POST', '/verification/upi/mobile', { headers: auth(), body });

  const cases: [string, () => Promise<any>, number, string, string?][] = [
    ['missing x-api-version', () => pd(ok(), auth()), 400, 'x-api-version_missing', 'x-api-version is missing in the request.'],
    ['x-api-version not a date', () => pd(ok(), { ...auth(), 'x-api-version': 'v2' }), 400, 'x-api-version_value_invalid'],
    ['x-api-version with slashes', () => pd(ok(), { ...auth(), 'x-api-version': '2024/12/01' }), 400, 'x-api-version_value_invalid'],
    ['x-api-version not a calendar date', () => pd(ok(), { ...auth(), 'x-api-version': '2024-02-30' }), 400, 'x-api-version_value_invalid'],
    ['missing credentials come first', () => pd({}, { 'x-api-version': '2024-12-01' }), 400, 'x-client-id_missing'],
    ['missing verification_id', () => pd(ok({ verification_id: undefined })), 400, 'verification_id_missing', 'verification_id is missing in the request.'],
    ['bad verification_id', () => pd(ok({ verification_id: 'a b' })), 400, 'verification_id_value_invalid'],
    ['missing mobile_number', () => pd(ok({ mobile_number: undefined })), 400, 'mobile_number_missing', 'mobile_number is missing in the request.'],
    ['mobile_number too short', () => pd(ok({ mobile_number: '99999' })), 400, 'mobile_number_value_invalid', 'mobile_number should be valid.'],
    ['mobile_number starting 5', () => pd(ok({ mobile_number: '5999999999' })), 400, 'mobile_number_value_invalid', 'mobile_number should be valid.'],
    ['mobile_number with +91', () => pd(ok({ mobile_number: '+919999999999' })), 400, 'mobile_number_value_invalid'],
    ['mobile_number with 91', () => pd(ok({ mobile_number: '919999999999' })), 400, 'mobile_number_value_invalid'],
    ['mobile_number with 0', () => pd(ok({ mobile_number: '09999999999' })), 400, 'mobile_number_value_invalid'],
    ['mobile_number with spaces', () => pd(ok({ mobile_number: '99999 99999' })), 400, 'mobile_number_value_invalid'],
    ['mobile_number a number', () => pd(ok({ mobile_number: 9999999999 })), 400, 'mobile_number_value_invalid'],
    ['mobile_number empty', () => pd(ok({ mobile_number: '' })), 400, 'mobile_number_value_invalid'],
    ['missing user_consent', () => pd(ok({ user_consent: undefined })), 400, 'user_consent_missing', 'user_consent is missing in the request.'],
    ['user_consent not an object', () => pd(ok({ user_consent: 'yes' })), 400, 'user_consent_value_invalid'],
    ['consent not obtained', () => pd(withConsent({ obtained: false })), 400, 'user_consent_obtained_value_invalid', "user_consent.obtained should be true: the customer's consent is required."],
    ['consent obtained as a string', () => pd(withConsent({ obtained: 'true' })), 400, 'user_consent_obtained_value_invalid'],
    ['consent of another type', () => pd(withConsent({ type: 'IMPLICIT' })), 400, 'user_consent_type_value_invalid', 'user_consent.type should be EXPLICIT.'],
    ['consent timestamp not a date-time', () => pd(withConsent({ timestamp: 'yesterday' })), 400, 'user_consent_timestamp_value_invalid', 'user_consent.timestamp should be a date-time in UTC, e.g. 2025-10-27T09:24:36Z.'],
    ['consent timestamp not a calendar date', () => pd(withConsent({ timestamp: '2025-02-30T10:00:00Z' })), 400, 'user_consent_timestamp_value_invalid', 'user_consent.timestamp should be a date-time in UTC, e.g. 2025-10-27T09:24:36Z.'],
    ['consent 6 minutes old', () => pd(withConsent({ timestamp: minutes(-6) })), 400, 'user_consent_timestamp_value_invalid', 'user_consent.timestamp should be within 5 minutes of the current time.'],
    ['consent 6 minutes ahead', () => pd(withConsent({ timestamp: minutes(6) })), 400, 'user_consent_timestamp_value_invalid', 'user_consent.timestamp should be within 5 minutes of the current time.'],
    ['consent purpose too short', () => pd(withConsent({ purpose: 'loan check' })), 400, 'user_consent_purpose_value_invalid', 'user_consent.purpose should be 20 to 100 characters of letters, digits, spaces and . / & _ -'],
    ['consent purpose too long', () => pd(withConsent({ purpose: 'x'.repeat(101) })), 400, 'user_consent_purpose_value_invalid'],
    ['consent purpose with other characters', () => pd(withConsent({ purpose: 'Verify the account for loan #42 <b>' })), 400, 'user_consent_purpose_value_invalid'],
    ['consent without purpose', () => pd(withConsent({ purpose: undefined })), 400, 'user_consent_purpose_missing', 'user_consent.purpose is missing in the request.'],
    ['consent without timestamp', () => pd(withConsent({ timestamp: undefined })), 400, 'user_consent_timestamp_missing'],
    ['name of the wrong type', () => pd(ok({ name: 42 })), 400, 'name_value_invalid'],
    ['upi/mobile missing mobile_number', () => lookup({ verification_id: uid() }), 400, 'mobile_number_missing', 'mobile_number is missing in the request.'],
    ['upi/mobile bad mobile_number', () => lookup({ verification_id: uid(), mobile_number: '12345' }), 400, 'mobile_number_value_invalid', 'Mobile number entered is invalid.'],
    ['upi/mobile missing verification_id', () => lookup({ mobile_number: '9999999999' }), 400, 'verification_id_missing'],
    ['upi/mobile additional_vpas not a boolean', () => lookup({ verification_id: uid(), mobile_number: '9999999999', additional_vpas: 'yes' }), 400, 'additional_vpas_value_invalid'],
    ['upi/mobile bad email', () => lookup({ verification_id: uid(), mobile_number: '9999999999', email: 'not an email' }), 400, 'email_value_invalid'],
    ['upi/mobile wrong secret', () => gw.request('POST', '/verification/upi/mobile', { headers: { 'x-client-id': key.client_id, 'x-client-secret': 'x' }, body: {} }), 401, 'authentication_failed'],
  ];

  for (const [name, call, status, code, message] of cases) {
    it(`${name} -> ${status} ${code}`, async () => {
      const before = await count();
      const r = await call();
      assert.equal(r.status, status, r.text);
      assert.equal(r.json.code, code, r.text);
      assert.equal(r.json.type, status === 401 ? 'authentication_error' : 'validation_error');
      assert.equal(typeof r.json.message, 'string');
      if (message) assert.equal(r.json.message, message);
      assert.equal(await count(), before, 'no verification was recorded');
    });
  }

  it('takes consent timestamps without an offset (UTC) and with one', async () => {
    const bare = new Date().toISOString().slice(0, 19);
    assert.equal((await pd(withConsent({ timestamp: bare }))).status, 200);
    const ist = new Date(Date.now() + 19_800_000).toISOString().slice(0, 19) + '+05:30';
    assert.equal((await pd(withConsent({ timestamp: ist }))).status, 200);
    assert.equal((await pd(withConsent({ timestamp: minutes(-4) }))).status, 200);
  });

  it('documents both endpoints in /openapi.json', async () => {
    const doc = (await gw.request('GET', '/openapi.json')).json;
    const pdOp = doc.paths['/verification/mobile/penny-drop'].post;
    assert.ok(pdOp.parameters.some((p: any) => p.name === 'x-api-version' && p.in === 'header' && p.required));
    assert.ok(pdOp.responses['200'] && pdOp.responses['409'] && pdOp.responses['422'] && pdOp.responses['502']);
    assert.ok(doc.paths['/verification/upi/mobile'].post.responses['200']);
  });
});
