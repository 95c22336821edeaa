// An entry of the bank's credit listing that the gateway cannot read (an adapter's bug) does not
// stop the pull: it is set aside for the operator, with the text the bank listed, shown in the
// admin API, the console and the metrics until the operator resolves it, and the pull goes on to
// the credits after it. Unpaid live links expire again, except those the entry may be the
// payment of: the one its tr names, or (when its tr cannot be read) every link open when it was
// listed. Nothing is lost: the bank's statement still shows the payment as not recorded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, Gateway, cli, eventually, needsChromium, needsPostgres, skewedClock, storeFor } from './support/gateway.js';
import { consoleAt, keepScreenshot, launch, seriousViolations } from './support/browser.js';
import { connectorEnv, startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';


type Key = { client_id: string; client_secret: string };
const SECRET = 'simulator-shared-secret-set-aside';
const TTL_S = 2;
const GRACE_S = 1;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`a malformed entry in the bank's credit listing (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let sim: Simulator;
    let live: Key;
    let dropDb: (() => Promise<void>) | undefined;

    before(async () => {
      const { databaseUrl, drop } = await storeFor(store);
      dropDb = drop;
      ({ gw, sim, live } = await startLive({
        secret: SECRET,
        merchant: 'Set Aside',
        databaseUrl,
        env: {
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

    const create = async (vid: string) => {
      const r = await gw.cashfree(live).createRpd({ verification_id: vid, name: 'John Doe' });
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const status = async (vid: string) => (await gw.cashfree(live).status({ verification_id: vid })).json.status;
    const setAside = async (state = 'open') => {
      const r = await gw.admin('GET', `/bank/set-aside?state=${state}`);
      assert.equal(r.status, 200, r.text);
      return r.json as { count: number; items: any[] };
    };
    const metric = async () => {
      const line = (await gw.request('GET', '/metrics')).text.split('\n').find((l) => l.startsWith('pennygate_bank_entries_set_aside{'));
      return line ? Number(line.split(' ').pop()) : null;
    };
    const pastExpiry = (...links: any[]) =>
      eventually(
        async () => Date.now(),
        (t) => links.every((l) => t > Date.parse(l.valid_upto) + GRACE_S * 1000 + 1500),
        (TTL_S + GRACE_S + 10) * 1000,
        'the links to run out',
      );

    it('with a readable tr: sets it aside and goes on; only the link it names waits for the operator', async () => {
      const held = await create(`held-${store}`);
      const unpaid = await create(`unpaid-${store}`);
      const recovered = await create(`recovered-${store}`);
      // The adapter reports the first payment with amount_paise "1.00": the notification is refused
      // (400), and the pull lists it the same way. The next payment's notification is lost: only
      // the pull, read past the malformed entry, can bring it in.
      await sim.faults({ malformed_amount: 1 });
      const bad = await sim.pay(held.upi_link);
      await sim.faults({ notify_drop: 1 });
      const good = await sim.pay(recovered.upi_link);
      await sim.faults({});

      assert.equal((await eventually(() => status(`recovered-${store}`), (s) => s !== 'CREATED', 10_000, 'the recovered credit')), 'SUCCESS');
      const listed = await eventually(() => setAside(), (l) => l.count === 1, 10_000, 'the entry set aside');
      const entry = listed.items[0];
      assert.equal(entry.rail, 'connector');
      assert.equal(entry.bank_txn_id, bad.bank_txn_id);
      assert.equal(entry.tr, String(held.ref_id));
      assert.equal(entry.holds, 'intent');
      assert.match(entry.problem, /amount_paise/);
      assert.match(entry.raw, /"amount_paise":"1\.00"/); // as the bank listed it
      assert.equal(JSON.parse(entry.raw).bank_txn_id, bad.bank_txn_id);
      assert.equal(entry.recorded_credit, null);
      assert.equal(entry.resolved_at, null);
      assert.equal(await metric(), 1);

      // Past their time: the unpaid link expires (the intake is not held), the one the entry names waits.
      await pastExpiry(held, unpaid);
      assert.equal(await eventually(() => status(`unpaid-${store}`), (s) => s !== 'CREATED', 10_000, 'the unpaid link'), 'EXPIRED');
      assert.equal(await status(`held-${store}`), 'CREATED');

      // Nothing is lost: the bank's statement shows that payment as not recorded (nor refunded) by the gateway.
      const day = new Date(Date.now() + 19_800_000).toISOString().slice(0, 10); // today in India
      const rec = (await gw.admin('GET', `/reconciliation?from=${day}&to=${day}`)).json;
      assert.deepEqual(
        rec.differences.filter((d: any) => d.bank_txn_id === bad.bank_txn_id).map((d: any) => d.kind).sort(),
        ['credit_not_recorded', 'refund_missing'],
        JSON.stringify(rec),
      );

      // The console shows it (its raw text too) until it is resolved.
      const money = await consolePage(gw, '/console/money');
      assert.match(money, new RegExp(bad.bank_txn_id));
      assert.match(money, /&quot;amount_paise&quot;:&quot;1\.00&quot;|"amount_paise":"1\.00"/);
      if (store === 'sqlite' && !needsChromium) await auditMoneyPage(gw, bad.bank_txn_id);

      // The command line lists it too, beside the running server.
      const listedByCli = await cli(gw.env, 'set-aside', 'list', '--json');
      assert.equal(listedByCli.code, 0, listedByCli.stderr);
      assert.deepEqual(JSON.parse(listedByCli.stdout).items.map((e: any) => [e.id, e.bank_txn_id, e.holds]), [[entry.id, bad.bank_txn_id, 'intent']]);
      const table = await cli(gw.env, 'set-aside', 'list');
      assert.match(table.stdout, new RegExp(`${entry.id}.*tr ${held.ref_id}`));

      // Resolving needs a note; then the link it held expires like any other, and the entry leaves the open list.
      assert.equal((await gw.admin('POST', `/bank/set-aside/${entry.id}/resolve`, {})).status, 400);
      const noNote = await cli(gw.env, 'set-aside', 'resolve', entry.id, '--note', '  ');
      assert.equal(noNote.code, 2, noNote.stdout);
      assert.match(noNote.stderr, /--note/);
      const resolved = await gw.admin('POST', `/bank/set-aside/${entry.id}/resolve`, { note: 'refunded at the bank by hand, ticket 42' });
      assert.equal(resolved.status, 200, resolved.text);
      assert.equal(resolved.json.resolution, 'refunded at the bank by hand, ticket 42');
      assert.equal((await gw.admin('POST', `/bank/set-aside/${entry.id}/resolve`, { note: 'again' })).status, 404);
      assert.equal(await eventually(() => status(`held-${store}`), (s) => s !== 'CREATED', 10_000, 'the held link'), 'EXPIRED');
      assert.equal((await setAside()).count, 0);
      assert.equal((await setAside('all')).count, 1);
      assert.equal(await metric(), 0);
      // The good payment was recorded once and its rupee goes back; the pull did not stop.
      await eventually(
        async () => (await sim.ledger()).refunds.filter((r) => r.bank_txn_id === good.bank_txn_id),
        (rs) => rs.length === 1 && rs[0].status === 'success',
        15_000,
        'the recovered credit refunded',
      );
    });

    it('with a tr it cannot read: holds the links open when it was listed, not those made after', async () => {
      const before = (await setAside('all')).count;
      const open = await create(`open-${store}`);
      const paid = await create(`paid-${store}`);
      await sim.faults({ malformed_tr: 1 });
      const bad = await sim.pay(paid.upi_link);
      await sim.faults({});
      const listed = await eventually(() => setAside(), (l) => l.count === 1, 10_000, 'the entry set aside');
      const entry = listed.items[0];
      assert.equal(entry.bank_txn_id, bad.bank_txn_id);
      assert.equal(entry.tr, null);
      assert.equal(entry.holds, 'links_open_when_seen');
      assert.ok(entry.raw.includes(`"tr":${paid.ref_id}`), entry.raw); // the number as the bank wrote it
      const after = await create(`after-${store}`);
      assert.ok(Date.parse(entry.seen_at) < Date.now());

      await pastExpiry(open, paid, after);
      assert.equal(await eventually(() => status(`after-${store}`), (s) => s !== 'CREATED', 10_000, 'the later link'), 'EXPIRED');
      assert.equal(await status(`open-${store}`), 'CREATED');
      assert.equal(await status(`paid-${store}`), 'CREATED');

      // Resolved from the console: the held links expire.
      const { cookie, csrf } = await consoleSession(gw);
      const r = await fetch(`${gw.url}/console/bank/set-aside/${encodeURIComponent(entry.id)}/resolve`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, note: 'the connector sent it again, fixed' }).toString(),
      });
      assert.equal(r.status, 303, await r.text());
      assert.equal(await eventually(() => status(`open-${store}`), (s) => s !== 'CREATED', 10_000, 'the open link'), 'EXPIRED');
      assert.equal(await status(`paid-${store}`), 'EXPIRED');
      assert.equal((await setAside('all')).count, before + 1);
      assert.equal((await setAside()).count, 0);
      // A page of one: count is how many there are in all, not the page's length.
      const page = (await gw.admin('GET', '/bank/set-aside?state=all&limit=1')).json;
      assert.deepEqual([page.items.length, page.count], [1, before + 1]);
      assert.ok(before + 1 >= 2, 'the earlier test set one aside too');
      // Page after page by `next`: each entry once, oldest first, as the whole list reads.
      const paged: any[] = [];
      for (let p = page; ; ) {
        paged.push(...p.items);
        assert.equal(p.count, before + 1);
        if (!p.next) break;
        p = (await gw.admin('GET', `/bank/set-aside?state=all&limit=1&after=${p.next}`)).json;
      }
      assert.deepEqual(paged.map((e) => e.id), (await setAside('all')).items.map((e: any) => e.id));
    });

    it('a credit larger than the store keeps: set aside, and the intake goes on past it', async () => {
      const huge = await create(`huge-${store}`);
      const next = await create(`next-${store}`);
      // Rs 2.5 crore to the collection account, naming a link (an RTGS credit, or an adapter
      // scaling amounts wrong): more than PostgreSQL's INTEGER column holds. Then a payment whose
      // notification is lost, which only a pull read past the first can bring in.
      const big = await sim.pay(huge.upi_link, 'success@upi', 2_500_000_000);
      await sim.faults({ notify_drop: 1 });
      await sim.pay(next.upi_link);
      await sim.faults({});
      assert.equal(await eventually(() => status(`next-${store}`), (s) => s !== 'CREATED', 10_000, 'the credit after it'), 'SUCCESS');
      const listed = await eventually(() => setAside(), (l) => l.count === 1, 10_000, 'the entry set aside');
      assert.equal(listed.items[0].bank_txn_id, big.bank_txn_id);
      assert.match(listed.items[0].problem, /amount_paise must be at most 2147483647/);
      const pushed = await eventually(
        async () => (await sim.ledger()).notifications.filter((n) => n.bank_txn_id === big.bank_txn_id),
        (ns) => ns.length > 0,
        10_000,
        'its notification answered',
      );
      assert.deepEqual(pushed.map((n) => n.status), [400]);
      assert.equal(await status(`huge-${store}`), 'CREATED');
      assert.equal((await gw.admin('POST', `/bank/set-aside/${listed.items[0].id}/resolve`, { note: 'returned by RTGS' })).status, 200);
    });
  });
}

// Instances' clocks disagree: the link is made by one instance, the entry is listed by another.
// The entry must hold every link that existed when it was listed, whatever the clock of the
// instance that made it.
describe("a tr it cannot read, listed by an instance whose clock is behind the link's creator (postgres)", { skip: needsPostgres }, () => {
  const SKEW_MS = 8000;
  let gw: Gateway;
  let skewed: Gateway | undefined;
  let sim: Simulator;
  let live: Key;
  let dropDb: (() => Promise<void>) | undefined;

  before(async () => {
    const { databaseUrl, drop } = await storeFor('postgres');
    dropDb = drop;
    const env = { RPD_LINK_TTL_SECONDS: String(TTL_S), NOTIFICATION_GRACE_SECONDS: String(GRACE_S), RAIL_TIMEOUT_MS: '1000' };
    // The first instance reads the bank's listing every 300 ms; the second makes the link, with a
    // clock 8 s ahead, and reads the listing only at its start (an hour between pulls).
    ({ gw, sim, live } = await startLive({ secret: SECRET, merchant: 'Set Aside Skew', databaseUrl, env: { ...env, BANK_PULL_INTERVAL_MS: '300' } }));
    skewed = await Gateway.start({
      databaseUrl,
      env: {
        ...env,
        ...connectorEnv(sim.url, SECRET),
        BANK_PULL_INTERVAL_MS: '3600000',
        ...skewedClock(SKEW_MS),
      },
    });
  });
  after(async () => {
    await skewed?.stop();
    await gw?.stop();
    await sim?.stop();
    await dropDb?.();
  });

  it('holds the link the ahead instance made before the listing', async () => {
    const made = await skewed!.cashfree(live).createRpd({ verification_id: 'skewed-paid', name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    const link = made.json;
    // Its times are the store's clock's, not the ahead instance's.
    assert.ok(Math.abs(Date.parse(link.valid_upto) - (Date.now() + TTL_S * 1000)) < 3000, `the link's time: ${link.valid_upto}`);
    await sim.faults({ malformed_tr: 1 });
    await sim.pay(link.upi_link);
    await sim.faults({});
    const listed = await eventually(
      async () => (await gw.admin('GET', '/bank/set-aside')).json,
      (l: any) => l.count === 1,
      10_000,
      'the entry set aside',
    );
    const entry = listed.items[0];
    assert.equal(entry.holds, 'links_open_when_seen');

    // Past its time by either clock, its status read on the instance that reads the bank (which
    // also sweeps): still open, as its payment may be that entry.
    await eventually(
      async () => Date.now(),
      (t) => t > Date.parse(link.valid_upto) + GRACE_S * 1000 + 2500,
      (TTL_S + GRACE_S) * 1000 + SKEW_MS + 10_000,
      'the link to run out',
    );
    const status = async () => (await gw.cashfree(live).status({ verification_id: 'skewed-paid' })).json.status;
    assert.equal(await status(), 'CREATED');
    // Resolved from the command line.
    assert.equal((await cli(gw.env, 'set-aside', 'resolve', 'sa_unknown', '--note', 'checked')).code, 2);
    const resolved = await cli(gw.env, 'set-aside', 'resolve', entry.id, '--note', 'checked with the bank', '--json');
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(JSON.parse(resolved.stdout).resolution, 'checked with the bank');
    assert.equal(await eventually(status, (s) => s !== 'CREATED', 10_000, 'the link once resolved'), 'EXPIRED');
  });
});

/** A console session over plain HTTP: its cookie and the CSRF token of its forms. */
async function consoleSession(gw: Gateway) {
  const login = await fetch(`${gw.url}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
  });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const page = await (await fetch(`${gw.url}/console/money`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(csrf, 'a CSRF token on the money page');
  return { cookie, csrf };
}

async function consolePage(gw: Gateway, path: string) {
  const { cookie } = await consoleSession(gw);
  const r = await fetch(gw.url + path, { headers: { cookie } });
  assert.equal(r.status, 200);
  return r.text();
}

/** The money page with an entry set aside, in a browser as an operator sees it: readable, its form labelled, no serious axe finding. */
async function auditMoneyPage(gw: Gateway, bankTxnId: string) {
  const browser = await launch();
  try {
    const page = await consoleAt(browser, gw.url, '/console/money');
    const table = page.getByRole('table', { name: 'Bank entries set aside' });
    assert.match((await table.textContent())!, new RegExp(bankTxnId));
    assert.equal(await table.getByLabel('What became of it').count(), 1);
    assert.deepEqual(await seriousViolations(page), []);
    await keepScreenshot(page, 'set-aside', 'money-page');
  } finally {
    await browser.close();
  }
}
