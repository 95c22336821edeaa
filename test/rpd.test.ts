// Reverse penny drop end to end in the Cashfree dialect, against the real server process,
// on SQLite and on PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, needsPostgres, storeFor } from './support/gateway.js';
import { decodeQr, intentParams, pngHeader } from './support/upi.js';

type Key = { client_id: string; client_secret: string };
const uid = (p = 'v') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`reverse penny drop (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let key: Key;
    let cf: ReturnType<Gateway['cashfree']>;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      gw = await Gateway.start({ databaseUrl });
      key = (await gw.merchant()).test_key;
      cf = gw.cashfree(key);
    });
    after(async () => {
      await gw?.stop();
      await dropDb?.();
    });

    const create = async (extra: Record<string, unknown> = {}) => {
      const vid = uid();
      const r = await cf.createRpd({ verification_id: vid, name: 'John Doe', ...extra });
      assert.equal(r.status, 200, r.text);
      return { vid, ...r.json };
    };
    const status = async (vid: string) => (await cf.status({ verification_id: vid })).json;
    const refunds = async (utr: string) => (await gw.payment(utr)).refunds as any[];
    const settled = (utr: string) => gw.refundsSettled(utr);

    it('answers create with exactly the documented response', async () => {
      const before = Date.now();
      const r = await create();
      assert.deepEqual(Object.keys(r).filter((k) => k !== 'vid'), [
        'verification_id', 'ref_id', 'valid_upto', 'upi_link', 'gpay', 'bhim', 'paytm', 'phonepe', 'qr_code', 'url',
      ]);
      assert.equal(r.verification_id, r.vid);
      assert.ok(Number.isSafeInteger(r.ref_id) && r.ref_id >= 1e12, `ref_id ${r.ref_id}`);
      // ref_id is the intent's tr: it must not be guessable from a neighbour's.
      const next = await create();
      assert.ok(Math.abs(next.ref_id - r.ref_id) > 1e6, `ref_ids ${r.ref_id} and ${next.ref_id} are close`);
      const ttl = Date.parse(r.valid_upto) - before;
      assert.ok(ttl > 595_000 && ttl < 605_000, `valid_upto ${r.valid_upto} is 10 minutes out`);
      assert.match(r.valid_upto, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      assert.match(r.upi_link, /^upi:\/\/pay\?pa=[^&]+@[^&]+&pn=/);
      const p = intentParams(r.upi_link);
      assert.equal(p.pa, 'pennygate@sandbox');
      assert.ok(p.pn);
      assert.equal(p.tr, String(r.ref_id));
      assert.equal(p.am, '1.00');
      assert.equal(p.cu, 'INR');
      assert.equal(p.tn, 'BAV');
      const query = r.upi_link.slice('upi://pay?'.length);
      assert.equal(r.gpay, `tez://upi/pay?${query}`);
      assert.equal(r.bhim, `bhim://upi://pay?${query}`);
      assert.equal(r.paytm, `paytmmp://pay?${query}`);
      assert.equal(r.phonepe, `phonepe://pay?${query}`);

      assert.doesNotMatch(r.qr_code, /^data:/);
      assert.deepEqual(pngHeader(r.qr_code), { width: 256, height: 256, bitDepth: 1, colourType: 3 });
      assert.equal(decodeQr(r.qr_code), r.upi_link);

      assert.ok(r.url.startsWith(`http://localhost:${gw.port}/rpd/`), r.url);
      const page = await fetch(gw.url + new URL(r.url).pathname);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /qr\.png/);

      const s = await status(r.vid);
      assert.equal(s.status, 'CREATED');
      assert.equal(s.ref_id, String(r.ref_id));
      assert.equal(s.verification_id, r.vid);
      assert.match(s.added_on, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
    });

    it('verifies the payer, name-matches, and returns the rupee', async () => {
      const r = await create();
      const paid = await gw.pay(r.upi_link, 'success@upi');
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.json.status, 'SUCCESS');
      const s = await status(r.vid);
      assert.equal(s.status, 'SUCCESS');
      assert.equal(s.bank_account, '026291800001191');
      assert.equal(s.ifsc, 'YESB0000262');
      assert.equal(s.upi, 'success@upi');
      assert.equal(s.name_at_bank, 'JOHN DOE');
      assert.equal(s.utr, paid.json.utr);
      assert.equal(s.account_type, 'SAVINGS');
      assert.equal(s.name_match_result, 'DIRECT_MATCH');
      assert.equal(s.name_match_score, '100');
      assert.ok(s.penny_collected_on && s.processed_on);
      assert.ok(['PENDING', 'TRANSFER_INITIATED', 'TRANSFER_SUCCESS'].includes(s.reversal_status));
      const byRef = (await cf.status({ ref_id: String(r.ref_id) })).json;
      assert.equal(byRef.verification_id, r.vid);
      await eventually(() => status(r.vid), (x) => x.reversal_status === 'TRANSFER_SUCCESS', 10_000, 'reversal');
      const rs = await settled(paid.json.utr);
      assert.equal(rs.length, 1);
      assert.equal(rs[0].amount, '1.00');
    });

    it('takes a name of nothing visible as no name, not as one that matches nobody', async () => {
      const unnamed = await create({ name: undefined });
      const invisible = await create({ name: '\u200b\u2060 \u202e' });
      for (const r of [unnamed, invisible]) assert.equal((await gw.pay(r.upi_link, 'success@upi')).json.status, 'SUCCESS');
      const [a, b] = [await status(unnamed.vid), await status(invisible.vid)];
      assert.equal(b.status, 'SUCCESS');
      assert.equal(b.name_match_result, a.name_match_result, JSON.stringify(b));
      assert.equal(b.name_match_score, a.name_match_score, JSON.stringify(b));
    });

    it('reports a failed payment attempt as FAILURE and refunds a later payment', async () => {
      const r = await create();
      const failed = await gw.pay(r.upi_link, 'failure@upi');
      assert.equal(failed.json.status, 'FAILURE');
      const s = await status(r.vid);
      assert.equal(s.status, 'FAILURE');
      assert.equal(s.bank_account, undefined);
      const late = await gw.pay(r.upi_link, 'success@upi');
      assert.equal(late.json.status, 'SUCCESS');
      await settled(late.json.utr);
      assert.equal((await status(r.vid)).status, 'FAILURE');
    });

    it('refunds a second payment of the same intent and keeps the first result', async () => {
      const r = await create();
      const first = await gw.pay(r.upi_link, 'success@upi');
      const second = await gw.pay(r.upi_link, 'priya.sharma@okaxis');
      await settled(first.json.utr);
      await settled(second.json.utr);
      const s = await status(r.vid);
      assert.equal(s.utr, first.json.utr);
      assert.equal(s.upi, 'success@upi');
    });

    it('refunds a payment of the wrong amount without changing the verification', async () => {
      const r = await create();
      const wrong = await gw.pay(r.upi_link, 'success@upi', '2.00');
      assert.equal(wrong.json.status, 'SUCCESS');
      const rs = await settled(wrong.json.utr);
      assert.equal(rs[0].amount, '2.00');
      assert.equal((await status(r.vid)).status, 'CREATED');
      const right = await gw.pay(r.upi_link, 'success@upi');
      assert.equal((await status(r.vid)).status, 'SUCCESS');
      assert.equal((await status(r.vid)).utr, right.json.utr);
    });

    it('refunds a credit whose tr matches no verification', async () => {
      const r = await create();
      const link = r.upi_link.replace(/tr=\d+/, 'tr=999999999');
      const paid = await gw.pay(link, 'success@upi');
      assert.equal(paid.status, 200, paid.text);
      await settled(paid.json.utr);
      assert.equal((await gw.payment(paid.json.utr)).gateway_outcome, 'refund');
      assert.equal((await status(r.vid)).status, 'CREATED');
    });

    it('applies a notification delivered many times, also concurrently, once', async () => {
      const r = await create();
      const paid = await gw.pay(r.upi_link, 'success@upi');
      const utr = paid.json.utr;
      const again = await Promise.all(
        Array.from({ length: 8 }, () => gw.request('POST', `/sandbox/upi/payments/${utr}/notify`)),
      );
      for (const a of again) assert.equal(a.json.gateway_outcome, 'duplicate');
      await settled(utr);
      await gw.idle(); // a second refund, if any, would have been sent by now
      assert.equal((await refunds(utr)).length, 1);
      const detail = await gw.admin('GET', `/verifications/${r.ref_id}`);
      assert.equal(detail.json.credits.length, 1);
      assert.equal(detail.json.credits[0].refund_attempts, 1);
    });

    it('takes concurrent payments of one intent: one verifies, the rest go back', async () => {
      const r = await create();
      const payers = ['success@upi', 'priya.sharma@okaxis', 'mohd.irfan@ybl', 'lakshmi.n@okhdfcbank', 'payer42@sandbox'];
      const paid = await Promise.all(payers.map((p) => gw.pay(r.upi_link, p)));
      const outcomes = await Promise.all(paid.map(async (p) => (await gw.payment(p.json.utr)).gateway_outcome));
      assert.equal(outcomes.filter((o) => o === 'applied').length, 1);
      assert.equal(outcomes.filter((o) => o === 'refund').length, payers.length - 1);
      for (const p of paid) await settled(p.json.utr);
      const s = await status(r.vid);
      assert.equal(s.utr, paid[outcomes.indexOf('applied')].json.utr);
    });

    it('creates one verification when the same verification_id races', async () => {
      const vid = uid('race');
      const rs = await Promise.all(Array.from({ length: 10 }, () => cf.createRpd({ verification_id: vid })));
      assert.equal(rs.filter((r) => r.status === 200).length, 1);
      for (const r of rs.filter((r) => r.status !== 200)) {
        assert.equal(r.status, 400);
        assert.deepEqual(r.json, { type: 'validation_error', code: 'invalid_verification_id', message: 'verification_id already exists' });
      }
    });

    it("reads the status asked by both ref_id and verification_id, as Cashfree's PHP SDK asks (a placeholder for the one not given)", async () => {
      const a = await create();
      const b = await cf.createRpd({ verification_id: `1234-${store}`, name: 'Someone Else' });
      assert.equal(b.status, 200, b.text);
      const read = (q: string) => gw.request('GET', `/verification/remitter/status?${q}`, { headers: { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret } });
      // The SDK's placeholders are 10 and 1234; here the other merchant-visible id plays 1234.
      const byRef = await read(`ref_id=${a.ref_id}&verification_id=1234-${store}`);
      assert.equal(byRef.status, 200, byRef.text);
      assert.equal(byRef.json.verification_id, a.vid, 'the ref_id decides, not the placeholder verification_id');
      const byVid = await read(`ref_id=10&verification_id=${a.vid}`);
      assert.equal(byVid.status, 200, byVid.text);
      assert.equal(byVid.json.ref_id, String(a.ref_id), 'a placeholder ref_id gives way to the verification_id');
      // A ref_id of this gateway's form that finds nothing is not answered with another verification.
      const missing = await read(`ref_id=${a.ref_id + 16}&verification_id=1234-${store}`);
      assert.equal(missing.status, 400, missing.text);
      assert.equal(missing.json.message, 'Please enter a valid ref_id');
      const neither = await read('ref_id=10&verification_id=nope');
      assert.equal(neither.status, 400, neither.text);
      assert.equal(neither.json.message, 'Please enter a valid verification_id');
    });

    it('retries a refund the bank declined until it goes through', async () => {
      const r = await create();
      const paid = await gw.pay(r.upi_link, 'refundfail@upi');
      const seen = new Set<string>();
      await eventually(
        async () => {
          const s = await status(r.vid);
          seen.add(s.reversal_status);
          return s;
        },
        (s) => s.reversal_status === 'TRANSFER_SUCCESS',
        15_000,
        'reversal after a failed attempt',
      );
      // The gateway sends another attempt: the reversal reads as under way, never FAILED, which
      // an integration may take as final.
      assert.ok(!seen.has('FAILED') && seen.has('TRANSFER_INITIATED'), `saw ${[...seen]}`);
      // Each attempt went under its own reference: the declined one stays declined.
      const rs = await refunds(paid.json.bank_txn_id);
      assert.deepEqual(rs.map((x) => [x.attempt, x.status]), [[1, 'failed'], [2, 'success']]);
      assert.notEqual(rs[0].idempotency_key, rs[1].idempotency_key);
      assert.ok(!rs.some((x) => x.idempotency_key.includes(paid.json.utr)), 'refund references are not built from the UTR');
    });

    it('takes two different payments that carry one UTR as two credits, each refunded', async () => {
      const a = await create();
      const b = await create();
      const first = (await gw.pay(a.upi_link, 'success@upi')).json;
      const second = (await gw.request('POST', '/sandbox/upi/pay', { body: { upi_link: b.upi_link, payer_vpa: 'priya.sharma@okaxis', utr: first.utr } })).json;
      assert.equal(second.utr, first.utr);
      assert.notEqual(second.bank_txn_id, first.bank_txn_id);
      assert.equal((await gw.payment(second.bank_txn_id)).gateway_outcome, 'applied');
      const [sa, sb] = [await status(a.vid), await status(b.vid)];
      assert.equal(sa.status, 'SUCCESS');
      assert.equal(sb.status, 'SUCCESS');
      assert.equal(sb.name_at_bank, 'PRIYA SHARMA');
      assert.equal(sb.utr, first.utr, 'the UTR is shown as the bank sent it');
      for (const p of [first, second]) {
        const rs = await settled(p.bank_txn_id);
        assert.equal(rs.length, 1);
      }
      // The same payment notified again is still one credit.
      const again = await gw.request('POST', `/sandbox/upi/payments/${second.bank_txn_id}/notify`);
      assert.equal(again.json.gateway_outcome, 'duplicate');
      // The answer names the payment by its own ids, whichever of them the path gave.
      assert.deepEqual(again.json, { bank_txn_id: second.bank_txn_id, utr: first.utr, gateway_outcome: 'duplicate' });
      const byUtr = await gw.request('POST', `/sandbox/upi/payments/${first.utr}/notify`);
      assert.deepEqual(byUtr.json, { bank_txn_id: second.bank_txn_id, utr: first.utr, gateway_outcome: 'duplicate' }, 'a UTR names its latest payment');
    });

    it('asks the bank before retrying a refund whose answer was lost', async () => {
      const r = await create();
      const paid = await gw.pay(r.upi_link, 'refundtimeout@upi');
      await eventually(() => status(r.vid), (s) => s.reversal_status === 'TRANSFER_SUCCESS', 10_000, 'reversal');
      const rs = await refunds(paid.json.bank_txn_id);
      assert.equal(rs.length, 1);
      assert.equal(rs[0].attempt, 1, 'the lost refund was not sent twice');
    });
  });
}
