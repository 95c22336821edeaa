// Refunds as real banks take them, on the sandbox rail: a status API that lags, "not found" that
// is unknown until a grace, and a refund unsettled too long set aside for the operator.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, Gateway, cli, eventually, needsChromium, needsPostgres, storeFor } from './support/gateway.js';
import { consoleAt, keepScreenshot, launch, seriousViolations } from './support/browser.js';

const uid = (p = 'r') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`refunds that stay unsettled (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let dropDb: (() => Promise<void>) | undefined;
    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      gw = await Gateway.start({
        databaseUrl,
        env: {
          // The bank's status API shows a refund only 4 s after it was made, and the gateway
          // sets a refund aside for review after about 1 s.
          SANDBOX_STATUS_LAG_MS: '4000',
          REFUND_NOT_FOUND_GRACE_MS: '60000',
          REFUND_REVIEW_HOURS: String(1 / 3600),
          REFUND_POLL_CAP_MS: '500',
        },
      });
    });
    after(async () => {
      await gw?.stop();
      await dropDb?.();
    });

    it('asks about a lost answer until the lagging status API shows it, sends nothing new, and flags it for review', async () => {
      const cf = gw.cashfree((await gw.merchant()).test_key);
      const vid = uid();
      const r = (await cf.createRpd({ verification_id: vid, name: 'Kavya Iyer' })).json;
      // refundtimeout@upi: the bank makes the first refund but its answer is lost.
      const paid = (await gw.pay(r.upi_link, 'refundtimeout@upi')).json;
      const review = await eventually(
        async () => (await gw.admin('GET', '/refunds/review')).json,
        (x) => x.items.some((i: any) => i.bank_txn_id === paid.bank_txn_id),
        10_000,
        'the refund in review',
      );
      const item = review.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id);
      assert.equal(item.refund_status, 'needs_review');
      assert.equal(item.refund_attempts, 1);
      const owed = (await gw.admin('GET', '/refunds/outstanding')).json.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id);
      assert.equal(owed.refund_status, 'needs_review');
      // "Not found" was asked again and again, but no second attempt went.
      assert.equal((await gw.payment(paid.bank_txn_id)).refunds.length, 1);
      assert.match(gw.output, /refund unsettled for too long/);
      // Its attempt is still asked about, and its success recorded when the bank shows it.
      await eventually(async () => (await cf.status({ verification_id: vid })).json.reversal_status, (s) => s === 'TRANSFER_SUCCESS', 15_000, 'the settled refund');
      const refunds = (await gw.payment(paid.bank_txn_id)).refunds;
      assert.equal(refunds.length, 1, 'one refund, never resent blindly');
      assert.equal(refunds[0].status, 'success');
      assert.equal((await gw.admin('GET', '/refunds/review')).json.items.filter((i: any) => i.bank_txn_id === paid.bank_txn_id).length, 0);
    });

    it('records a refund in review as returned on the operator\'s word, and only one in review', async () => {
      const cf = gw.cashfree((await gw.merchant('Second')).test_key);
      const r = (await cf.createRpd({ verification_id: uid() })).json;
      const paid = (await gw.pay(r.upi_link, 'refundtimeout@upi')).json;
      const item = (
        await eventually(
          async () => (await gw.admin('GET', '/refunds/review')).json.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id),
          (x) => x !== undefined,
          10_000,
          'the refund in review',
        )
      );
      const bad = await gw.admin('POST', `/refunds/${item.credit_id}/settle`, {});
      assert.equal(bad.status, 400);
      // A blank note, or a field the route does not take, is refused and settles nothing.
      assert.equal((await gw.admin('POST', `/refunds/${item.credit_id}/settle`, { note: '   ' })).status, 400);
      assert.equal((await gw.admin('POST', `/refunds/${item.credit_id}/settle`, { note: 'x', amount: '1.00' })).status, 400);
      assert.equal((await gw.admin('GET', '/refunds/review')).json.items.some((i: any) => i.credit_id === item.credit_id), true);
      const unknown = await gw.admin('POST', '/refunds/cr_nope/settle', { note: 'x' });
      assert.equal(unknown.status, 404);
      const settled = await gw.admin('POST', `/refunds/${item.credit_id}/settle`, { note: 'bank statement line 42' });
      assert.equal(settled.status, 200, settled.text);
      assert.equal(settled.json.refund_status, 'success');
      assert.equal((await gw.admin('POST', `/refunds/${item.credit_id}/settle`, { note: 'again' })).status, 404);
      await gw.idle();
      assert.equal((await gw.payment(paid.bank_txn_id)).refunds.length, 1);
    });
  });
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`refunds owed and in review on the command line (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let drop: (() => Promise<void>) | undefined;
    let env: Record<string, string>;
    before(async () => {
      const s = await storeFor(store);
      drop = s.drop;
      // The bank's status API shows a refund a minute after it was made: the one whose answer
      // was lost stays in review for the whole test.
      gw = await Gateway.start({
        databaseUrl: s.databaseUrl,
        env: { SANDBOX_STATUS_LAG_MS: '60000', REFUND_NOT_FOUND_GRACE_MS: '120000', REFUND_REVIEW_HOURS: String(1 / 3600), REFUND_POLL_CAP_MS: '500' },
      });
      env = s.databaseUrl ? { DATABASE_URL: s.databaseUrl, SECRET_KEY: gw.env.SECRET_KEY, ADMIN_TOKEN } : { DATA_DIR: gw.dataDir, ADMIN_TOKEN };
    });
    after(async () => {
      await gw?.stop();
      await drop?.();
    });

    it('lists them, and settles one in review on the operator\'s word', async () => {
      const cf = gw.cashfree((await gw.merchant()).test_key);
      const vid = uid();
      const r = (await cf.createRpd({ verification_id: vid, name: 'Kavya Iyer' })).json;
      const paid = (await gw.pay(r.upi_link, 'refundtimeout@upi')).json;
      const listed = await eventually(() => cli(env, 'refunds', 'review'), (x) => x.stdout.includes(paid.bank_txn_id), 10_000, 'the refund in review');
      const review = JSON.parse((await cli(env, 'refunds', 'review', '--json')).stdout);
      const item = review.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id);
      assert.deepEqual([item.refund_status, item.refund_attempts], ['needs_review', 1]);
      assert.match(listed.stdout, new RegExp(`${item.credit_id}\\s+${paid.bank_txn_id}\\s+1\\.00\\s+needs_review\\s+1\\s`));
      const owed = JSON.parse((await cli(env, 'refunds', 'owed', '--json')).stdout);
      assert.equal(owed.items.find((i: any) => i.credit_id === item.credit_id)?.refund_status, 'needs_review');
      assert.match((await cli(env, 'refunds', 'owed')).stdout, /^1 owed, Rs 1\.00 /);

      const noNote = await cli(env, 'refunds', 'settle', item.credit_id);
      assert.deepEqual([noNote.code, noNote.stderr.trim()], [2, 'pennygate: refunds settle: a --note of 1 to 500 characters is required']);
      const unknown = await cli(env, 'refunds', 'settle', 'cr_nope', '--note', 'x');
      assert.deepEqual([unknown.code, unknown.stderr.trim()], [2, 'pennygate: no refund in review (or with its job dead) with credit id cr_nope']);
      const settled = await cli(env, 'refunds', 'settle', item.credit_id, '--note', 'bank statement line 7', '--json');
      assert.equal(settled.code, 0, settled.stderr);
      assert.deepEqual([JSON.parse(settled.stdout).refund_status, JSON.parse(settled.stdout).refund_error], ['success', 'settled by the operator: bank statement line 7']);
      assert.equal((await gw.admin('GET', '/refunds/review')).json.count, 0);
      assert.equal((await gw.admin('GET', '/refunds/outstanding')).json.count, 0);
      assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_SUCCESS');
      assert.equal((await cli(env, 'refunds', 'settle', item.credit_id, '--note', 'again')).code, 2);
    });

    it('lists refunds in review a page at a time', async () => {
      const cf = gw.cashfree((await gw.merchant('Review Pages')).test_key);
      const txns: string[] = [];
      for (let i = 0; i < 3; i++) txns.push((await gw.pay((await cf.createRpd({ verification_id: uid() })).json.upi_link, 'refundtimeout@upi')).json.bank_txn_id);
      const all = await eventually(
        async () => JSON.parse((await cli(env, 'refunds', 'review', '--json')).stdout),
        (r) => txns.every((t) => r.items.some((i: any) => i.bank_txn_id === t)),
        15_000,
        'three refunds in review',
      );
      const first = await cli(env, 'refunds', 'review', '--limit', '2');
      assert.match(first.stdout, new RegExp(`^${all.count} in review\n`));
      const seen: string[] = [];
      let shown = first.stdout;
      for (let pages = 1; ; pages++) {
        seen.push(...[...shown.matchAll(/^(cr_\S+)\s/gm)].map((m) => m[1]));
        const more = /^more: pennygate refunds review --limit 2 --after (\S+)$/m.exec(shown);
        if (!more) break;
        assert.ok(pages < 10, shown);
        shown = (await cli(env, 'refunds', 'review', '--limit', '2', '--after', more[1])).stdout;
      }
      // Each once, oldest first, as the whole list reads.
      assert.deepEqual(seen, all.items.map((i: any) => i.credit_id));
      const bad = await cli(env, 'refunds', 'review', '--after', 'nope');
      assert.deepEqual([bad.code, bad.stderr.trim()], [2, 'pennygate: refunds review: --after is the cursor a page before printed']);
    });

    if (store === 'sqlite') it('shows a refund in review on the console, and settles it there', { skip: needsChromium }, async () => {
      const cf = gw.cashfree((await gw.merchant('Console Review')).test_key);
      const paid = (await gw.pay((await cf.createRpd({ verification_id: uid() })).json.upi_link, 'refundtimeout@upi')).json;
      const item = await eventually(
        async () => (await gw.admin('GET', '/refunds/review')).json.items.find((i: any) => i.bank_txn_id === paid.bank_txn_id),
        (x) => x !== undefined,
        10_000,
        'the refund in review',
      );
      const browser = await launch();
      try {
        const page = await consoleAt(browser, gw.url, '/console/money');
        const owed = page.getByRole('table', { name: 'Refunds still owed' });
        const row = owed.getByRole('row').filter({ hasText: paid.utr });
        assert.match((await row.textContent())!, /needs_review/);
        assert.deepEqual(await seriousViolations(page), []);
        await keepScreenshot(page, 'refunds', 'money-review');
        // Empty, the form is not sent (required); then with what the bank said.
        await row.getByLabel('What the bank confirmed').fill('credited back, bank ref 633498765432');
        await row.getByRole('button', { name: 'Settle' }).click();
        assert.match((await page.getByRole('status').textContent())!, /recorded as returned/);
        assert.equal(await owed.getByRole('row').filter({ hasText: paid.utr }).count(), 0);
      } finally {
        await browser.close();
      }
      const settled = (await gw.admin('GET', `/verifications/${item.ref_id}`)).json.credits.find((c: any) => c.credit_id === item.credit_id);
      assert.deepEqual([settled.refund_status, settled.refund_error], ['success', 'settled by the operator: credited back, bank ref 633498765432']);
    });
  });
}

describe('a refund the bank accepted, behind a status API that lags longer than the "not found" grace', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start({
      env: {
        // The bank takes the refund (answers "pending") but its status API shows it only 3 s
        // later, well past the gateway's 0.5 s "not found" grace.
        SANDBOX_STATUS_LAG_MS: '3000',
        REFUND_NOT_FOUND_GRACE_MS: '500',
        REFUND_POLL_CAP_MS: '300',
      },
    });
  });
  after(() => gw?.stop());

  it('is never taken as "never received": no second attempt goes, and it settles once', async () => {
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const vid = uid();
    const r = (await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json;
    const paid = (await gw.pay(r.upi_link, 'success@upi')).json;
    // Until the refund settles, or a second attempt goes.
    const seen = await eventually(
      async () => ({ reversal: (await cf.status({ verification_id: vid })).json.reversal_status, refunds: (await gw.payment(paid.bank_txn_id)).refunds }),
      (x) => x.reversal === 'TRANSFER_SUCCESS' || x.refunds.length > 1,
      20_000,
      'the refund to settle',
    );
    assert.equal(seen.refunds.length, 1, `one attempt, accepted by the bank, never sent again: ${JSON.stringify(seen.refunds)}`);
    await gw.idle();
    const refunds = (await gw.payment(paid.bank_txn_id)).refunds as any[];
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    assert.equal(refunds[0].status, 'success');
  });
});

describe('a refund whose first attempt comes due after the review period', () => {
  let gw: Gateway;
  before(async () => {
    // The rupee goes back 2 s after the credit, and a refund unsettled for 1 s goes to review:
    // the review is counted from when the refund fell due, and a first attempt always goes.
    gw = await Gateway.start({ env: { REVERSAL_DELAY_SECONDS: '2', REFUND_REVIEW_HOURS: String(1 / 3600), REFUND_POLL_CAP_MS: '300' } });
  });
  after(() => gw?.stop());

  it('is sent, not set aside with no attempt', async () => {
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const vid = uid();
    const r = (await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json;
    const paid = (await gw.pay(r.upi_link, 'success@upi')).json;
    await eventually(
      async () => ({ reversal: (await cf.status({ verification_id: vid })).json.reversal_status, review: (await gw.admin('GET', '/refunds/review')).json.items }),
      (x) => x.reversal === 'TRANSFER_SUCCESS' || x.review.length > 0,
      15_000,
      'the refund to settle or go to review',
    );
    await gw.idle();
    const refunds = (await gw.payment(paid.bank_txn_id)).refunds as any[];
    assert.equal(refunds.length, 1, JSON.stringify(refunds));
    assert.equal(refunds[0].status, 'success');
    assert.equal((await gw.admin('GET', '/refunds/review')).json.items.length, 0);
    assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_SUCCESS');
  });
});

describe('a refund the bank declined, whose next attempt would come after the review time', () => {
  let gw: Gateway;
  before(async () => {
    // The next attempt is backed off a minute; the review comes 3 s after the refund fell due.
    gw = await Gateway.start({ env: { REFUND_RETRY_BASE_MS: '60000', REFUND_REVIEW_HOURS: String(3 / 3600) } });
  });
  after(() => gw?.stop());

  it('goes to review at the review time, not at its next attempt, and reads FAILED then', async () => {
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const vid = uid();
    const r = (await cf.createRpd({ verification_id: vid, name: 'Arjun Mehta' })).json;
    // refundfail@upi: the bank declines the first attempt.
    const paid = (await gw.pay(r.upi_link, 'refundfail@upi')).json;
    const started = Date.now();
    await eventually(async () => (await cf.status({ verification_id: vid })).json.reversal_status, (s) => s === 'FAILED', 15_000, 'FAILED in review');
    assert.ok(Date.now() - started < 15_000);
    const review = (await gw.admin('GET', '/refunds/review')).json;
    assert.deepEqual(review.items.map((i: any) => [i.bank_txn_id, i.refund_attempts]), [[paid.bank_txn_id, 1]]);
    assert.equal((await gw.payment(paid.bank_txn_id)).refunds.length, 1, 'no second attempt went');
  });
});

describe('a refund the bank declined in an answer that came after the deadline', () => {
  let gw: Gateway;
  before(async () => {
    // Every bank call takes 0.7 s and the gateway waits 0.3 s, so the decline of the first attempt
    // reaches the gateway only after it stopped waiting (it is recorded then, see withDeadline).
    // The next attempt is backed off 3-6 s; the job asks every 0.1-0.2 s meanwhile.
    gw = await Gateway.start({
      env: {
        SANDBOX_LATENCY_MS: '700',
        RAIL_TIMEOUT_MS: '300',
        REFUND_POLL_MS: '100',
        REFUND_POLL_CAP_MS: '200',
        REFUND_RETRY_BASE_MS: '6000',
      },
    });
  });
  after(() => gw?.stop());

  it('sends the next attempt after the backoff from the decline, not at the job\'s next look', async () => {
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const r = (await cf.createRpd({ verification_id: uid(), name: 'Arjun Mehta' })).json;
    // refundfail@upi: the bank declines the first attempt.
    const paid = (await gw.pay(r.upi_link, 'refundfail@upi')).json;
    const seen = async (attempt: number) => {
      await eventually(async () => (await gw.payment(paid.bank_txn_id)).refunds, (rs) => rs.some((x: any) => x.attempt === attempt), 20_000, `attempt ${attempt}`);
      return Date.now();
    };
    const first = await seen(1);
    assert.equal((await gw.payment(paid.bank_txn_id)).refunds[0].status, 'failed');
    const second = await seen(2);
    // Without the wait, the second attempt reached the bank about a second after the decline
    // (the job's next look, then the bank's 0.7 s).
    assert.ok(second - first >= 3000, `the second attempt came ${second - first} ms after the first was declined`);
  });
});
