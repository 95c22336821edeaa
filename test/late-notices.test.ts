// A payment made before valid_upto counts, however late its notice: also when the bank cannot be
// reached for longer than the notification grace (its notices fail, and so do the gateway's pulls),
// and across a restart of the gateway in that time. Unpaid links on the rail wait for its intake
// to catch up before they expire; links on another rail expire on time meanwhile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, Gateway, cli, eventually, freshPostgres, needsPostgres, sleep, storeFor } from './support/gateway.js';
import { liveSuite, startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

type Key = { client_id: string; client_secret: string };
const SECRET = 'simulator-shared-secret-late-notices';
const TTL_S = 2;
const GRACE_S = 1;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`a payment in time whose notice comes after the grace (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let sim: Simulator;
    let live: Key;
    let test: Key;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      ({ gw, sim, live, test } = await startLive({
        secret: SECRET,
        merchant: 'Late Notices',
        databaseUrl,
        env: {
          SANDBOX_ENABLED: 'true',
          RPD_LINK_TTL_SECONDS: String(TTL_S),
          NOTIFICATION_GRACE_SECONDS: String(GRACE_S),
          BANK_PULL_INTERVAL_MS: '300',
          RAIL_TIMEOUT_MS: '1000',
        },
      }));
    });
    after(async () => {
      await gw?.stop();
      await sim?.stop();
      await dropDb?.();
    });

    const create = async (k: Key, vid: string) => {
      const r = await gw.cashfree(k).createRpd({ verification_id: vid, name: 'John Doe' });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const status = async (k: Key, vid: string) => (await gw.cashfree(k).status({ verification_id: vid })).json;

    it('verifies it once the bank is back, restart or not, and only then expires the unpaid links', async () => {
      await sim.faults({ down: true });
      const paidLink = await create(live, `paid-${store}`);
      const unpaid = await create(live, `unpaid-${store}`);
      await create(test, `sandbox-unpaid-${store}`);
      const paid = await sim.pay(paidLink.upi_link);
      const validUpto = Math.max(Date.parse(paidLink.valid_upto), Date.parse(unpaid.valid_upto));

      // Well past valid_upto and the grace while the bank is down: the live links wait for it,
      // the sandbox's expires on time.
      await eventually(async () => Date.now(), (t) => t > validUpto + GRACE_S * 1000 + 1500, (TTL_S + GRACE_S + 5) * 1000, 'the grace to pass');
      assert.equal((await status(test, `sandbox-unpaid-${store}`)).status, 'EXPIRED');
      assert.equal((await status(live, `paid-${store}`)).status, 'CREATED');
      assert.equal((await status(live, `unpaid-${store}`)).status, 'CREATED');

      // A restart meanwhile: the expiry sweep starts before any pull has read the bank.
      await gw.restart({}, 'SIGTERM');
      await sleep(1000);
      assert.equal((await status(live, `paid-${store}`)).status, 'CREATED');
      assert.equal((await status(live, `unpaid-${store}`)).status, 'CREATED');

      await sim.faults({ down: false });
      const done = await eventually(() => status(live, `paid-${store}`), (s) => s.status !== 'CREATED', 10_000, 'the late credit');
      assert.equal(done.status, 'SUCCESS', JSON.stringify(done));
      assert.equal(done.utr, paid.utr);
      const expired = await eventually(() => status(live, `unpaid-${store}`), (s) => s.status !== 'CREATED', 10_000, 'the unpaid link');
      assert.equal(expired.status, 'EXPIRED');
      const refunds = await eventually(
        async () => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === paid.bank_txn_id),
        (rs) => rs.some((r) => r.status === 'success'),
        15_000,
        'the rupee back',
      );
      assert.equal(refunds.filter((r) => r.status !== 'failed').length, 1, JSON.stringify(refunds));
    });
  });
}

// Two payments of one link: the first in time, whose notice is held up on its way; the second
// after valid_upto (another payer, the customer trying again), whose notice comes first. The late
// one is only refunded, and a late decline is no attempt on the link: neither may end the link
// while the in-time one may still be coming, which the grace after valid_upto is there for.
describe('a late payment or decline whose notice overtakes an in-time payment', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;

  before(async () => {
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Overtaken',
      env: {
        RPD_LINK_TTL_SECONDS: String(TTL_S),
        NOTIFICATION_GRACE_SECONDS: '60',
        // No pull during the test: the notices alone decide.
        BANK_PULL_INTERVAL_MS: '600000',
        RAIL_TIMEOUT_MS: '1000',
      },
    }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('verifies the link by the in-time payment and refunds both', async () => {
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'overtaken', name: 'John Doe' })).json;
    const validUpto = Date.parse(link.valid_upto);
    await sim.faults({ notify_delay_ms: TTL_S * 1000 + 2500 });
    const inTime = await sim.pay(link.upi_link, 'success@upi');
    await sim.faults({});
    await eventually(async () => Date.now(), (t) => t > validUpto + 300, (TTL_S + 5) * 1000, 'valid_upto to pass');
    const late = await sim.pay(link.upi_link, 'priya.sharma@okaxis');
    const told = (n: { bank_txn_id: string }) => eventually(async () => (await sim.ledger()).notifications, (ns) => ns.some((x) => x.bank_txn_id === n.bank_txn_id), 10_000, 'a notice');
    await told(late);
    const status = async () => (await gw.cashfree(live).status({ verification_id: 'overtaken' })).json;
    assert.equal((await status()).status, 'CREATED', 'within the grace, a late payment does not end the link');
    await told(inTime);
    const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'the in-time notice');
    assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
    assert.equal(s.utr, inTime.utr);
    assert.equal(s.name_at_bank, 'JOHN DOE');
    const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
    assert.deepEqual(credits.map((c: any) => c.disposition).sort(), ['late', 'verified']);
    for (const p of [inTime, late]) {
      const rs = await eventually(
        async () => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === p.bank_txn_id),
        (rs) => rs.some((r) => r.status === 'success'),
        15_000,
        'the rupee back',
      );
      assert.equal(rs.filter((r) => r.status !== 'failed').length, 1, JSON.stringify(rs));
    }
  });

  it('takes a decline made after valid_upto as no attempt on the link: the in-time payment still verifies it', async () => {
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'overtaken-by-decline', name: 'John Doe' })).json;
    const validUpto = Date.parse(link.valid_upto);
    await sim.faults({ notify_delay_ms: TTL_S * 1000 + 2500 });
    const inTime = await sim.pay(link.upi_link, 'success@upi');
    await sim.faults({});
    await eventually(async () => Date.now(), (t) => t > validUpto + 300, (TTL_S + 5) * 1000, 'valid_upto to pass');
    const declined = await sim.pay(link.upi_link, 'failure@upi');
    assert.equal(declined.status, 'FAILURE');
    const told = (n: { bank_txn_id: string }) => eventually(async () => (await sim.ledger()).notifications, (ns) => ns.some((x) => x.bank_txn_id === n.bank_txn_id), 10_000, 'a notice');
    await told(declined);
    const status = async () => (await gw.cashfree(live).status({ verification_id: 'overtaken-by-decline' })).json;
    assert.equal((await status()).status, 'CREATED', 'a decline after valid_upto does not end the link');
    await told(inTime);
    const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'the in-time notice');
    assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
    assert.equal(s.utr, inTime.utr);
  });
});

// Two declines of one link that carry the same UTR (a payer's bank that gives every decline a
// placeholder RRN): one made after valid_upto, whose notice came first, and one made in time.
// Each is its own event (its bank_txn_id): the second is not taken for a repeat of the first.
describe('two declines of one link with one UTR', () => {
  const suite = liveSuite({
    secret: SECRET,
    merchant: 'Placeholder RRN',
    env: { RPD_LINK_TTL_SECONDS: '3', NOTIFICATION_GRACE_SECONDS: '3', BANK_PULL_INTERVAL_MS: '600000', RAIL_TIMEOUT_MS: '1000' },
  });

  it('fails the link by the in-time decline whose notice came after the late one', async () => {
    const { gw, sim, live } = suite;
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'placeholder-rrn', name: 'John Doe' })).json;
    const validUpto = Date.parse(link.valid_upto);
    // Its notice, and its place in the bank's list, come after the late decline's.
    await sim.faults({ notify_delay_ms: 4500, list_delay_ms: 4500 });
    const inTime = await sim.pay(link.upi_link, 'failure@upi');
    await sim.faults({ notify_delay_ms: 0, list_delay_ms: 0, reuse_utr: true });
    await sleep(Math.max(0, validUpto + 300 - Date.now()));
    const late = await sim.pay(link.upi_link, 'failure@upi');
    await sim.faults({});
    assert.equal(late.utr, inTime.utr, 'one UTR for both');
    assert.notEqual(late.bank_txn_id, inTime.bank_txn_id);
    const told = (n: { bank_txn_id: string }) =>
      eventually(async () => (await sim.ledger()).notifications, (ns) => ns.some((x) => x.bank_txn_id === n.bank_txn_id), 10_000, 'a notice');
    await told(late);
    const status = async () => (await gw.cashfree(live).status({ verification_id: 'placeholder-rrn' })).json;
    assert.equal((await status()).status, 'CREATED', 'a decline after valid_upto does not end the link');
    await told(inTime);
    const s = await eventually(status, (x) => x.status !== 'CREATED', 15_000, 'an outcome');
    assert.equal(s.status, 'FAILURE', JSON.stringify(s));
  });
});

// A payment and a decline of one link, both in time: the customer paid, then tried again and
// the payer's bank declined. The decline's notice overtakes the payment's. Which came first by
// the bank's clock decides: a decline ends the link only once the bank's list has been read past
// it, and a payment made after a decline the gateway has heard of is only refunded.
for (const store of ['sqlite', 'postgres'] as const) {
  describe(`an in-time decline and an in-time payment of one link, notices out of order (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let sim: Simulator;
    let live: Key;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      ({ gw, sim, live } = await startLive({
        secret: SECRET,
        merchant: 'Declined In Time',
        databaseUrl,
        env: {
          RPD_LINK_TTL_SECONDS: '30',
          // How late the bank's list may show a payment: a decline is judged that long after it.
          NOTIFICATION_GRACE_SECONDS: '4',
          // No pull on a timer during the test: only those a decline's notice asks for.
          BANK_PULL_INTERVAL_MS: '600000',
          RAIL_TIMEOUT_MS: '1000',
        },
      }));
    });
    after(async () => {
      await gw?.stop();
      await sim?.stop();
      await dropDb?.();
    });

    const told = (n: { bank_txn_id: string }) =>
      eventually(async () => (await sim.ledger()).notifications, (ns) => ns.some((x) => x.bank_txn_id === n.bank_txn_id), 10_000, 'a notice');
    const notified = async (n: { bank_txn_id: string }) => (await sim.ledger()).notifications.some((x) => x.bank_txn_id === n.bank_txn_id);
    const refunded = async (p: { bank_txn_id: string }) => {
      const rs = await eventually(
        async () => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === p.bank_txn_id),
        (rs) => rs.some((r) => r.status === 'success'),
        15_000,
        'the rupee back',
      );
      assert.equal(rs.filter((r) => r.status !== 'failed').length, 1, JSON.stringify(rs));
    };

    it('verifies the link by a payment made before the decline whose notice came first', async () => {
      const link = (await gw.cashfree(live).createRpd({ verification_id: 'paid-then-declined', name: 'John Doe' })).json;
      await sim.faults({ notify_delay_ms: 5000 });
      const paid = await sim.pay(link.upi_link, 'success@upi');
      await sim.faults({});
      const declined = await sim.pay(link.upi_link, 'failure@upi');
      assert.equal(declined.status, 'FAILURE');
      await told(declined);
      assert.equal(await notified(paid), false, 'the payment\'s notice is still on its way');
      const status = async () => (await gw.cashfree(live).status({ verification_id: 'paid-then-declined' })).json;
      const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'an outcome');
      assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
      assert.equal(s.utr, paid.utr);
      assert.equal(s.name_at_bank, 'JOHN DOE');
      assert.equal(s.bank_account, '026291800001191');
      const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
      assert.deepEqual(credits.map((c: any) => c.disposition), ['verified']);
      await refunded(paid);
    });

    // The payment's notice is lost and the bank's list shows it late (within the grace): the
    // pull a decline's notice starts at once does not find it yet. The decline waits for a pull
    // begun the grace after it, which does.
    it('verifies the link by a payment made before the decline that the list shows late and no notice told', async () => {
      const link = (await gw.cashfree(live).createRpd({ verification_id: 'paid-listed-late', name: 'John Doe', redirect_url: 'https://merchant.example/back' })).json;
      await sim.faults({ notify_drop: 1, list_delay_ms: 2500 });
      const paid = await sim.pay(link.upi_link, 'success@upi');
      await sim.faults({});
      const declined = await sim.pay(link.upi_link, 'failure@upi');
      assert.equal(declined.status, 'FAILURE');
      await told(declined);
      const status = async () => (await gw.cashfree(live).status({ verification_id: 'paid-listed-late' })).json;
      // The customer's page shows the decline from its notice on (a payment now would only go
      // back), while the verification waits for the list.
      const pageState = async () => (await gw.request('GET', `${new URL(link.url).pathname}/status`)).json;
      const page = async () => (await pageState()).status;
      const held = await pageState();
      assert.equal(held.status, 'FAILURE', 'the page shows the decline held on the link');
      // Not final: the page keeps asking (it may yet turn into a success), and offers the way back.
      assert.equal(held.final, false);
      assert.equal(held.return_url, 'https://merchant.example/back?status=FAILURE&verification_id=paid-listed-late');
      assert.equal(held.redirect_url, null);
      // Past the pull the decline started at once, and past the payment's listing.
      await sleep(3000);
      assert.notEqual((await status()).status, 'FAILURE', 'the decline waits while the list may still show a payment made before it');
      const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'an outcome');
      assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
      assert.equal(s.utr, paid.utr);
      assert.equal(await notified(paid), false, 'taken from the list, not told');
      assert.equal(await page(), 'SUCCESS');
      const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
      assert.deepEqual(credits.map((c: any) => c.disposition), ['verified']);
      await refunded(paid);
    });

    it('fails the link by a decline made before the payment, and only refunds the payment', async () => {
      const link = (await gw.cashfree(live).createRpd({ verification_id: 'declined-then-paid', name: 'John Doe' })).json;
      const declined = await sim.pay(link.upi_link, 'failure@upi');
      assert.equal(declined.status, 'FAILURE');
      // The bank sends each notice on its own, so without this wait the payment's could be taken
      // first: the case below.
      await told(declined);
      const paid = await sim.pay(link.upi_link, 'success@upi');
      const status = async () => (await gw.cashfree(live).status({ verification_id: 'declined-then-paid' })).json;
      const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'an outcome');
      assert.equal(s.status, 'FAILURE', JSON.stringify(s));
      await told(paid);
      const credits = await eventually(async () => (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits, (cs) => cs.length > 0, 10_000, 'the credit');
      assert.deepEqual(credits.map((c: any) => c.disposition), ['after_terminal']);
      assert.equal((await status()).status, 'FAILURE');
      await refunded(paid);
    });

    // The gateway cannot wait on a decline it has not heard of: a payment's notice is acted on when
    // it comes, and a decline whose notice comes after the link has ended changes nothing, as one
    // whose notice is lost would not.
    it('verifies the link by a payment whose notice overtakes that of a decline made before it', async () => {
      const link = (await gw.cashfree(live).createRpd({ verification_id: 'decline-overtaken', name: 'John Doe' })).json;
      await sim.faults({ notify_delay_ms: 5000 });
      const declined = await sim.pay(link.upi_link, 'failure@upi');
      await sim.faults({});
      assert.equal(declined.status, 'FAILURE');
      const paid = await sim.pay(link.upi_link, 'success@upi');
      await told(paid);
      assert.equal(await notified(declined), false, 'the decline\'s notice is still on its way');
      const status = async () => (await gw.cashfree(live).status({ verification_id: 'decline-overtaken' })).json;
      const s = await eventually(status, (x) => x.status !== 'CREATED', 10_000, 'an outcome');
      assert.equal(s.status, 'SUCCESS', JSON.stringify(s));
      assert.equal(s.utr, paid.utr);
      await told(declined);
      assert.equal((await status()).status, 'SUCCESS', 'the late decline changes nothing');
      const credits = (await gw.admin('GET', `/verifications/${link.ref_id}`)).json.credits;
      assert.deepEqual(credits.map((c: any) => c.disposition), ['verified']);
      await refunded(paid);
    });
  });
}

/** Sends a live mobile penny drop to the simulator's payee number; with a read-back of it. */
async function sendDrop(gw: Gateway, live: Key, vid: string) {
  const headers = { 'x-client-id': live.client_id, 'x-client-secret': live.client_secret, 'x-api-version': '2024-12-01' };
  const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
  const r = await gw.request('POST', '/verification/mobile/penny-drop', { headers, body: { verification_id: vid, mobile_number: '9876543210', user_consent: consent } });
  const read = () => gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, { headers });
  return { r, read };
}

// The same for a mobile penny drop's payout: one the bank answered as accepted (pending) is never
// taken as "not sent" because its status API does not show it yet, however long past the time
// after which a payout the bank never answered is closed unsent.
describe('a payout the bank accepted whose status comes late', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;

  before(async () => {
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Late Payout',
      env: {
        RAIL_TIMEOUT_MS: '1000',
        MOBILE_RAIL_TIMEOUT_MS: '500',
        MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000',
        REFUND_POLL_MS: '200',
      },
    }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('keeps it open and reads it as paid once the bank shows it', async () => {
    // Closing unsent comes 2 x (3 x 500 + 1000) = 5 s after the send at the earliest; the bank
    // shows the payout after 8 s.
    await sim.faults({ payout_pending: 1, status_lag_ms: 8000 });
    const { r, read } = await sendDrop(gw, live, 'accepted-payout');
    assert.equal(r.status, 502, r.text); // accepted, not yet known: read it later
    await sleep(6500);
    const meanwhile = await read();
    assert.equal(meanwhile.status, 422, meanwhile.text);
    assert.equal(meanwhile.json.code, 'verification_already_under_process');
    const done = await eventually(async () => (await read()).json, (b) => b.status === 'VALID' || b.status === 'INVALID', 15_000, 'the payout settled');
    assert.equal(done.status, 'VALID', JSON.stringify(done));
    const payouts = (await sim.ledger()).payouts; // this bank's only payout
    assert.equal(payouts.length, 1);
    assert.equal(done.utr, payouts[0].utr);
    await sim.faults({});
  });
});

// The same payout answered after the drop's own deadline (MOBILE_RAIL_TIMEOUT_MS) but before the
// connector's call is cancelled (RAIL_TIMEOUT_MS): the answer is still the bank's, and recorded.
describe('a payout the bank accepted after the drop stopped waiting', () => {
  const suite = liveSuite({
    secret: SECRET,
    merchant: 'Late Answer',
    env: { RAIL_TIMEOUT_MS: '4000', MOBILE_RAIL_TIMEOUT_MS: '500', MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000', REFUND_POLL_MS: '200' },
  });

  it('records the acceptance and keeps the drop open for it', async () => {
    const { gw, sim, live } = suite;
    // The bank takes the payout at once and its answer, pending, comes back 1.5 s later: 1 s after
    // the drop's own deadline, 2.5 s before the call's. Had that answer been dropped, the payout
    // would read as never sent and be closed so once the status API had kept saying 404 for 5 s
    // after the send (2 x (3 x 500 + 1000)); the bank shows it after 9 s.
    await sim.faults({ payout_pending: 1, payout_answer_delay_ms: 1500, status_lag_ms: 9000 });
    const { r, read } = await sendDrop(gw, live, 'late-accepted-payout');
    assert.equal(r.status, 502, r.text);
    const done = await eventually(read, (x) => x.status !== 422, 25_000, 'the payout settled');
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.status, 'VALID', done.text);
    const payouts = (await sim.ledger()).payouts.filter((p) => p.utr === done.json.utr);
    assert.equal(payouts.length, 1, 'the payout read back is the one the bank made');
    assert.ok(gw.output.includes('payout answered after MOBILE_RAIL_TIMEOUT_MS: recorded'));
  });
});

// A payout the bank keeps answering pending (or has, and does not show) is never closed: past
// REFUND_REVIEW_HOURS the operator is told, at every ask, and it settles once the bank answers.
describe('a payout still unsettled at the bank past the review time', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;
  before(async () => {
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Stuck Payout',
      // 1.8 s
      env: { MOBILE_RAIL_TIMEOUT_MS: '500', MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '1000', REFUND_POLL_MS: '200', REFUND_REVIEW_HOURS: '0.0005' },
    }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('is logged at error level for the operator, stays open, and settles once the bank shows it', async () => {
    await sim.faults({ payout_pending: 1, status_lag_ms: 600_000 });
    const { r, read } = await sendDrop(gw, live, 'stuck-payout');
    assert.equal(r.status, 502, r.text);
    const told = await eventually(
      async () => gw.output.split('\n').filter((l) => l.includes('payout unsettled at the bank')),
      (ls) => ls.length >= 2,
      15_000,
      'the operator told, again at the next ask',
    );
    assert.match(told[0], /"level":50/);
    assert.match(told[0], /"reason":"accepted by the bank, not shown by its status API yet"/);
    assert.equal((await read()).json.code, 'verification_already_under_process');

    // The operator's list: admin API, command line and console give the payout by its key.
    const key = JSON.parse(told[0]).payout_key;
    const listed = (await gw.admin('GET', '/payouts/unsettled')).json;
    assert.equal(listed.count, 1, JSON.stringify(listed));
    const item = listed.items[0];
    assert.deepEqual(
      [item.verification_id, item.mode, item.payout_key, item.payout_state, item.amount, item.last_answer],
      ['stuck-payout', 'live', key, 'accepted', '1.00', 'accepted by the bank, not shown by its status API yet'],
    );
    assert.ok(item.asks >= 2 && Date.parse(item.next_ask) > Date.parse(item.sent_at), JSON.stringify(item));
    // The command line reads the review time from the same settings as the gateway.
    const env = { DATA_DIR: gw.dataDir, ADMIN_TOKEN, REFUND_REVIEW_HOURS: '0.0005' };
    const shown = await cli(env, 'payouts', 'unsettled');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^1 unsettled past 0\.0005 h\n/);
    assert.match(shown.stdout, new RegExp(`${item.ref_id}\\s+\\S+\\s+${key}\\s+accepted\\s`));
    const signIn = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const money = await (await fetch(`${gw.url}/console/money`, { headers: { cookie } })).text();
    assert.match(money, /<h2 id="unsettled">Payouts unsettled: 1<\/h2>/);
    assert.ok(money.includes(key), 'the console shows the payout key');
    assert.match(await (await fetch(`${gw.url}/metrics`)).text(), /^pennygate_payouts_unsettled 1$/m);

    await sim.faults({ status_lag_ms: 0 });
    const done = await eventually(async () => (await read()).json, (b) => b.status === 'VALID' || b.status === 'INVALID', 15_000, 'the payout settled');
    assert.equal(done.status, 'VALID', JSON.stringify(done));
    assert.equal((await sim.ledger()).payouts.length, 1);
    assert.equal((await gw.admin('GET', '/payouts/unsettled')).json.count, 0);
    assert.match(await (await fetch(`${gw.url}/metrics`)).text(), /^pennygate_payouts_unsettled 0$/m);
    assert.match(await (await fetch(`${gw.url}/console/money`, { headers: { cookie } })).text(), /<h2 id="unsettled">Payouts unsettled: 0<\/h2>/);
    await sim.faults({});
  });
});

// A status read that finds a link overdue before the sweep did expires it itself, in a
// transaction that holds one of the instance's PostgreSQL connections. Asking how far the
// rail's intake has caught up needs a connection of its own: with as many such reads at once
// as the pool has connections, none may wait for one inside its transaction.
describe('status reads of many overdue links at once (PostgreSQL)', { skip: needsPostgres }, () => {
  let gw: Gateway | undefined;
  let drop: (() => Promise<void>) | undefined;
  after(async () => {
    await gw?.kill();
    await drop?.();
  });

  it('expires them all and keeps answering', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    // The sweep runs once a minute: the reads find the links overdue before it does.
    gw = await Gateway.start({
      databaseUrl: db.url,
      env: { JOB_POLL_MS: '60000', RPD_LINK_TTL_SECONDS: '1', NOTIFICATION_GRACE_SECONDS: '1', PG_POOL_SIZE: '4' },
    });
    const cf = gw.cashfree((await gw.merchant('Overdue Reads')).test_key);
    const ids = Array.from({ length: 8 }, (_, i) => `overdue-${i}`);
    for (const id of ids) assert.equal((await cf.createRpd({ verification_id: id, name: 'John Doe' })).status, 200);
    await sleep(3000);
    const within = <T>(p: Promise<T>, ms: number) =>
      Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))]);
    const read = await within(Promise.all(ids.map((id) => cf.status({ verification_id: id }))), 10_000);
    assert.deepEqual(read.map((r) => r.json?.status), ids.map(() => 'EXPIRED'));
    assert.equal((await within(gw.request('GET', '/healthz'), 5000)).status, 200);
  });
});
