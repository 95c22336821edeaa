// Prepaid balances: prices per operation, idempotent top-ups, 422 insufficient_balance creating
// nothing, no charge for refused or repeated requests, balance == sum of the ledger, and the
// daily payout cap; on SQLite and on two PostgreSQL instances sharing one database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, eventually, needsPostgres, storeFor } from './support/gateway.js';

const PURPOSE = 'Testing the entire flow for penny drop verification';
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: PURPOSE });

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`prepaid balance (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    // Two instances on PostgreSQL (requests alternate between them); one on SQLite.
    let gws: Gateway[] = [];
    let drop: () => Promise<void> = async () => {};
    before(async () => {
      const db = await storeFor(store);
      drop = db.drop;
      gws = await Promise.all((store === 'postgres' ? [0, 1] : [0]).map(() => Gateway.start({ databaseUrl: db.databaseUrl })));
    });
    after(async () => {
      await Promise.all(gws.map((g) => g.stop()));
      await drop();
    });
    const gw = (i = 0) => gws[i % gws.length];

    const statement = async (id: string) => {
      const b = (await gw().admin('GET', `/merchants/${id}/balance?limit=1000`)).json;
      // The balance is always the sum of its ledger.
      assert.equal(b.entries.length, b.entry_count);
      assert.equal(b.balance_paise, b.entries.reduce((sum: number, e: any) => sum + e.amount_paise, 0));
      return b;
    };

    it('20 concurrent creates against a balance for 5: exactly 5 verifications, balance 0', async () => {
      const m = await gw().merchant('Prepaid');
      const priced = await gw().admin('PUT', `/merchants/${m.id}/pricing`, { reverse_penny_drop: 150 });
      assert.deepEqual(priced.json, { reverse_penny_drop: 150, mobile_penny_drop: 0, upi_mobile: 0, name_match: 0 });
      const top = await gw().admin('POST', `/merchants/${m.id}/balance/top-ups`, { amount_paise: 750, reference: 'utr-1' });
      assert.equal(top.status, 201);
      assert.equal(top.json.balance_paise, 750);

      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => gw(i).cashfree(m.test_key).createRpd({ verification_id: `c-${i}` })),
      );
      const codes = answers.map((a) => a.status).sort();
      assert.deepEqual(codes, [...Array(5).fill(200), ...Array(15).fill(422)]);
      const refused = answers.find((a) => a.status === 422)!;
      assert.deepEqual(refused.json, { type: 'validation_error', code: 'insufficient_balance', message: 'Insufficient balance to process this request' });
      const b = await statement(m.id);
      assert.equal(b.balance_paise, 0);
      assert.equal(b.entries.filter((e: any) => e.kind === 'charge').length, 5);
      assert.equal((await gw().admin('GET', `/merchants/${m.id}`)).json.verifications, 5);
      // A refused create left no verification behind.
      const lost = answers.findIndex((a) => a.status === 422);
      assert.equal((await gw().cashfree(m.test_key).status({ verification_id: `c-${lost}` })).json.code, 'invalid_request');
    });

    it('top-ups are applied once per reference; refused and repeated requests cost nothing', async () => {
      const m = await gw().merchant('Careful');
      await gw().admin('PUT', `/merchants/${m.id}/pricing`, { reverse_penny_drop: 100, name_match: 10 });
      const once = await Promise.all([0, 1, 2].map((i) => gw(i).admin('POST', `/merchants/${m.id}/balance/top-ups`, { amount_paise: 300, reference: 'neft-7' })));
      assert.deepEqual(once.map((r) => r.json.applied).sort(), [false, false, true]);
      assert.equal((await statement(m.id)).balance_paise, 300);
      const conflict = await gw().admin('POST', `/merchants/${m.id}/balance/top-ups`, { amount_paise: 999, reference: 'neft-7' });
      assert.equal(conflict.status, 409);
      for (const body of [{ amount_paise: 0, reference: 'z' }, { amount_paise: 1.5, reference: 'z' }, { amount_paise: 10 }, { amount_paise: 10, reference: 'a b' }]) {
        assert.equal((await gw().admin('POST', `/merchants/${m.id}/balance/top-ups`, body)).status, 400, JSON.stringify(body));
      }
      assert.equal((await gw().admin('PUT', `/merchants/${m.id}/pricing`, { reverse_penny_drop: -1 })).status, 400);
      assert.equal((await gw().admin('PUT', `/merchants/${m.id}/pricing`, { penny: 1 })).status, 400);
      assert.equal((await gw().admin('POST', `/merchants/mer_nobody/balance/top-ups`, { amount_paise: 1, reference: 'x' })).status, 404);

      const cf = gw().cashfree(m.test_key);
      assert.equal((await cf.createRpd({ verification_id: 'p-1' })).status, 200);
      // A repeated id, a bad request and a bad key are not charged.
      assert.equal((await cf.createRpd({ verification_id: 'p-1' })).status, 400);
      assert.equal((await cf.createRpd({ verification_id: 'p 2' })).status, 400);
      assert.equal((await gw().cashfree({ ...m.test_key, client_secret: 'wrong' }).createRpd({ verification_id: 'p-3' })).status, 401);
      assert.equal((await statement(m.id)).balance_paise, 200);
      // Name matches are priced apart; a repeated one is free.
      const nm = { verification_id: 'nm-1', name_1: 'John Doe', name_2: 'JOHN DOE' };
      assert.equal((await cf.post('/name-match', nm)).status, 200);
      assert.equal((await cf.post('/name-match', nm)).status, 409);
      const b = await statement(m.id);
      assert.equal(b.balance_paise, 190);
      assert.deepEqual(b.entries.map((e: any) => [e.kind, e.amount_paise, e.operation]), [
        ['charge', -10, 'name_match'],
        ['charge', -100, 'reverse_penny_drop'],
        ['top_up', 300, null],
      ]);
      // RazorpayX is charged from the same balance and refuses in its own envelope.
      const rzp = () =>
        gw().request('POST', '/v1/fund_accounts/validations', {
          headers: { authorization: `Basic ${Buffer.from(`${m.test_key.client_id}:${m.test_key.client_secret}`).toString('base64')}` },
          body: { source_account_number: m.account_number, validation_type: 'upi_intent' },
        });
      assert.equal((await rzp()).status, 200);
      const broke = await rzp();
      assert.equal(broke.status, 400);
      assert.equal(broke.json.error.reason, 'insufficient_balance');
      assert.equal((await statement(m.id)).balance_paise, 90);
    });

    it('caps mobile penny drops per day and charges them; a refused one creates nothing', async () => {
      const m = await gw().merchant('Payouts');
      const cf = gw().cashfree(m.test_key);
      const drop = (vid: string) =>
        cf.post('/mobile/penny-drop', { verification_id: vid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent() }, { 'x-api-version': '2024-12-01' });
      assert.deepEqual((await gw().admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 1 })).json, { daily_payouts: 1, payouts_today: 0, test_payouts_today: 0 });
      assert.equal((await gw().admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: -2 })).status, 400);
      await gw().admin('PUT', `/merchants/${m.id}/pricing`, { mobile_penny_drop: 200, upi_mobile: 50 });
      assert.equal((await drop('mpd-0')).json.code, 'insufficient_balance');
      await gw().admin('POST', `/merchants/${m.id}/balance/top-ups`, { amount_paise: 1000, reference: 'r1' });
      const first = await drop('mpd-1');
      assert.equal(first.status, 200);
      assert.equal(first.json.status, 'VALID');
      const capped = await drop('mpd-2');
      assert.equal(capped.status, 429);
      assert.equal(capped.json.code, 'daily_payout_limit_reached');
      const unknown = await cf.post('/mobile/penny-drop', {}, {});
      assert.equal(unknown.status, 400);
      assert.equal((await gw().request('GET', '/verification/mobile/penny-drop?verification_id=mpd-2', { headers: { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' } })).status, 400);
      assert.deepEqual((await gw().admin('GET', `/merchants/${m.id}/limits`)).json, { daily_payouts: 1, payouts_today: 0, test_payouts_today: 1 });
      // The lookup moves no money: it is priced, not capped.
      assert.equal((await cf.post('/upi/mobile', { verification_id: 'um-1', mobile_number: '9999999999' })).status, 200);
      const b = await statement(m.id);
      assert.equal(b.balance_paise, 1000 - 200 - 50);
      // Lifting the cap lets the next one through.
      await gw().admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: null });
      assert.equal((await drop('mpd-3')).status, 200);
      // Drops are counted while no cap is set, so a cap set later in the day holds them.
      assert.deepEqual((await gw().admin('GET', `/merchants/${m.id}/limits`)).json, { daily_payouts: null, payouts_today: 0, test_payouts_today: 2 });
      await gw().admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 2 });
      assert.equal((await drop('mpd-4')).json.code, 'daily_payout_limit_reached');
    });

    it('counts against the cap only the drops that paid out or may have', async () => {
      const m = await gw().merchant('Capped Payouts');
      const headers = { 'x-api-version': '2024-12-01' };
      const drop = (i: number, vid: string, mobile: string) =>
        gw(i).cashfree(m.test_key).post('/mobile/penny-drop', { verification_id: vid, mobile_number: mobile, name: 'John Doe', user_consent: consent() }, headers);
      const today = async () => (await gw().admin('GET', `/merchants/${m.id}/limits`)).json.test_payouts_today;
      assert.equal((await gw().admin('PUT', `/merchants/${m.id}/limits`, { daily_payouts: 2 })).status, 200);

      // Nothing paid out: the bank refused the payout (account closed), no VPA is linked, the
      // number is flagged, the mapper does not answer. None of them takes a place.
      const refused = await drop(0, 'cap-refused', '9333333333');
      assert.equal(refused.status, 200, refused.text);
      assert.equal(refused.json.status, 'INVALID');
      const again = await drop(1, 'cap-refused-2', '9333333333');
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.status, 'INVALID');
      assert.equal((await drop(0, 'cap-none', '8888888888')).json.status, 'INVALID');
      assert.equal((await drop(1, 'cap-fraud', '7777777777')).status, 422);
      assert.equal((await drop(0, 'cap-mapper', '9222222222')).status, 502);
      assert.equal(await today(), 0);

      // The bank paid, but its answer was lost: unknown when answered, so it counts, and still
      // does once the job has read it back as VALID.
      const lost = await drop(1, 'cap-lost', '9111111111');
      assert.equal(lost.status, 502, lost.text);
      assert.equal(await today(), 1);
      const paid = await drop(0, 'cap-paid', '9999999999');
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.json.status, 'VALID');
      assert.equal(await today(), 2);
      const capped = await drop(1, 'cap-over', '9876543210');
      assert.equal(capped.status, 429, capped.text);
      assert.equal(capped.json.code, 'daily_payout_limit_reached');
      await eventually(
        async () => (await gw().admin('GET', `/verifications/${lost.json.error.reference_id}`)).json.verification.status,
        (st) => st === 'SUCCESS',
        15_000,
        'the lost answer read back',
      );
      assert.equal(await today(), 2);
      assert.equal((await drop(0, 'cap-over-2', '9876543210')).status, 429);
    });
  });
}
