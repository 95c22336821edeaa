// Crashes under load. Clients create reverse penny drops and pay them in the sandbox (some twice,
// the second credit going straight back), and run mobile penny drops (a rupee paid out to the
// number's account), through every instance, while one instance at a time is killed (SIGKILL: no
// shutdown hook runs) and started again. Then the money rules are checked against what the
// clients were answered:
//   - every create answered 200 is there, with the ref_id it was answered with;
//   - every payment answered SUCCESS is a verified or refunded credit, refunded exactly once;
//   - nothing is left owed (the operator's outstanding refunds, which also counts payments whose
//     answer the kill cut off);
//   - every verified payment's SUCCESS webhook reached the receiver, exactly one event each
//     (delivered at least once: a kill between the POST and its record sends it again);
//   - every mobile penny drop paid out at most once, whatever became of its answer; one answered
//     VALID paid out exactly once, with the UTR it was answered with; and for every one sent,
//     answered or cut off, what the gateway reads back for it afterwards agrees with the bank's
//     payouts (VALID: one, with its UTR; anything else, or no record of it: none);
//   - no answer was a 5xx, every restart started, and no instance exited but by a kill.
//
//   npm run -s build && node --import tsx bench/chaos.ts [--seconds 30] [--kills 8] [--concurrency 4]
//     [--postgres URL [--instances 2]] [--main <dist/src/main.js>]
//
// SQLite runs one instance (one writer; clients wait while it is down). --postgres names an empty
// database (the checks read all of it). Exits 1 when a rule broke.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ADMIN_TOKEN, Gateway, sleep } from '../test/support/gateway.js';
import { Receiver } from '../test/support/receiver.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    kills: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '4' },
    postgres: { type: 'string' },
    instances: { type: 'string' },
    main: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const KILLS = Number(values.kills);
const C = Number(values.concurrency);
const N = values.postgres ? Number(values.instances ?? 2) : 1;

const env = {
  LOG_LEVEL: 'warn',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  REVERSAL_DELAY_SECONDS: '0',
  SANDBOX_WRITES_PER_MINUTE: '1000000', // the sandbox payer is this bench, not a stranger
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  // The sandbox bank runs inside the gateway, so a kill can take a refund on its way with it: the
  // bank never saw it, and the gateway sends a new attempt once "not found" has lasted the grace
  // (status APIs lag). Short here, so that the run settles in seconds.
  REFUND_NOT_FOUND_GRACE_MS: '2000',
  REFUND_POLL_CAP_MS: '1000',
  // A payout whose answer a kill cut off is settled by asking the bank, 3 rail timeouts after it;
  // one the kill took before the bank saw it is closed as not sent after the longer of this and
  // twice that (14 s here; 10 minutes by default).
  MOBILE_RAIL_TIMEOUT_MS: '2000',
  MOBILE_PAYOUT_NOT_SENT_AFTER_MS: '3000',
};

// The checks below read the whole database (every payout the sandbox made to its payers, every
// job): another run's rows would read as this run's broken rules. An empty database only.
if (values.postgres) {
  const c = new pg.Client({ connectionString: values.postgres });
  await c.connect();
  const [{ used }] = (await c.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS used")).rows;
  await c.end();
  if (used) {
    console.error('--postgres names a database that already holds pennygate data (an earlier run?): give the bench an empty one');
    process.exit(2);
  }
}

const receiver = await Receiver.start();
const gws: Gateway[] = [];
for (let i = 0; i < N; i++) gws.push(await Gateway.start({ main: values.main, databaseUrl: values.postgres, env }));
const up = gws.map(() => true);
const broken: string[] = [];
/** Instances this bench is killing or stopping: any other exit is a crash, and breaks the run. */
const ours = gws.map(() => false);
const watch = (i: number) => {
  const p = gws[i].proc;
  p.once('exit', (code, signal) => {
    if (ours[i] || gws[i].proc !== p) return;
    up[i] = false;
    broken.push(`instance ${i} exited on its own (${signal ?? `exit code ${code}`}): ${gws[i].output.slice(-1000)}`);
  });
};
gws.forEach((_, i) => watch(i));
let serverErrors = 0;
let cutOff = 0; // requests whose answer a kill cut off

try {
  const m = await gws[0].merchant('Chaos');
  await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: receiver.url, dialect: 'cashfree' });

  let stop = false;
  /** Some instance that is up (waits while none is); null once the run is over and none is. */
  const anyUp = async () => {
    for (;;) {
      const live = gws.filter((_, i) => up[i]);
      if (live.length) return live[Math.floor(Math.random() * live.length)];
      if (stop) return null;
      await sleep(20);
    }
  };
  /** One request through some instance: its answer, or null when none came (a kill, or no instance was up). */
  const call = async <T extends { status: number }>(fn: (gw: Gateway) => Promise<T>): Promise<T | null> => {
    const gw = await anyUp();
    if (!gw) return null;
    try {
      const r = await fn(gw);
      if (r.status >= 500) {
        serverErrors++;
        broken.push(`a ${r.status} answer: ${JSON.stringify(r).slice(0, 300)}`);
      }
      return r;
    } catch {
      cutOff++;
      return null;
    }
  };

  const created: { vid: string; refId: string }[] = [];
  // Mobile penny drops, each to a number of its own (one in flight per number): payer<n>@sandbox.
  const mobiles: { vid: string; vpa: string; utr: string | null }[] = [];
  let numbers = 0;
  const mobile = async () => {
    const n = ++numbers;
    const r = await call((gw) =>
      gw.request('POST', '/verification/mobile/penny-drop', {
        headers: { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' },
        body: {
          verification_id: `chaos-mobile-${n}`,
          mobile_number: String(9_000_000_000 + n),
          user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Checking the account behind a number' },
        },
      }),
    );
    mobiles.push({ vid: `chaos-mobile-${n}`, vpa: `payer${n}@sandbox`, utr: r?.status === 200 && r.json.status === 'VALID' ? r.json.utr : null });
  };
  const paid: { vid: string; utr: string; verifies: boolean }[] = [];
  let n = 0;
  const client = async () => {
    while (!stop) {
      if (n % 4 === 3 && numbers < 99_999) {
        n++;
        await mobile();
        continue;
      }
      const vid = `chaos-${n++}`;
      const c = await call((gw) => gw.cashfree(m.test_key).createRpd({ verification_id: vid, name: 'John Doe' }));
      if (c?.status !== 200) continue;
      created.push({ vid, refId: String(c.json.ref_id) });
      const p = await call((gw) => gw.pay(c.json.upi_link, 'success@upi'));
      if (p?.status === 200 && p.json.status === 'SUCCESS') paid.push({ vid, utr: p.json.utr, verifies: true });
      if (n % 5 === 0) {
        // A second payment of the same link: its credit verifies nothing and goes straight back.
        const again = await call((gw) => gw.pay(c.json.upi_link, 'payer7@sandbox'));
        if (again?.status === 200 && again.json.status === 'SUCCESS') paid.push({ vid, utr: again.json.utr, verifies: false });
      }
    }
  };
  const t0 = Date.now();
  const killer = async () => {
    for (let k = 0; k < KILLS; k++) {
      // At fixed times, so that slow restarts do not push the last kills out of the load.
      await sleep(t0 + ((k + 1) * SECONDS * 1000) / (KILLS + 1) - Date.now());
      const i = k % N;
      up[i] = false;
      ours[i] = true;
      try {
        // On another port if another process took this one between the kill and the start.
        gws[i] = await gws[i].restartAnywhere();
      } catch (err) {
        broken.push(`instance ${i} did not start again: ${(err as Error).message.slice(0, 500)}`);
        continue;
      }
      ours[i] = false;
      watch(i);
      up[i] = true;
    }
  };
  const killing = killer();
  const clients = Array.from({ length: C }, client);
  // The load goes on until the last restart is done: every kill comes under load.
  await Promise.all([sleep(SECONDS * 1000), killing]);
  stop = true;
  await Promise.all(clients);
  const down = gws.flatMap((_, i) => (up[i] ? [] : [i]));
  if (down.length) throw new Error(`instance ${down.join(', ')} did not come back: nothing to check`);
  console.log(
    `${values.postgres ? `postgres, ${N} instances` : 'sqlite'}: ${created.length} creates and ${paid.length} payments answered in ${((Date.now() - t0) / 1000).toFixed(0)} s, ${KILLS} kills, ${cutOff} requests cut off`,
  );

  // Settle: no job left to do, nothing owed (the store's figures, which every instance reports
  // alike). A mobile penny drop whose payout was recorded but never reached the bank (the kill
  // took it, with the sandbox inside the gateway) is closed as not sent once the bank has not
  // known it for long enough (14 s here). One deadline for all the waits, so that a run that does
  // not settle still ends well within the test's time and says why.
  const settleBy = Date.now() + 120_000;
  const gw = gws[0];
  const pending = async () =>
    (await gw.request('GET', '/metrics')).text
      .split('\n')
      .filter((l) => /^pennygate_jobs_(due|running|scheduled)\{/.test(l) && !l.endsWith(' 0') && !l.includes('verification.expire'));
  let left = await pending();
  while (left.length > 0 && Date.now() < settleBy) {
    await sleep(250);
    left = await pending();
  }
  if (left.length) broken.push(`jobs still to do after 120 s: ${left.join(', ')}`);
  let owed = (await gw.admin('GET', '/refunds/outstanding')).json;
  while (owed.count > 0 && Date.now() < settleBy) {
    await sleep(500);
    owed = (await gw.admin('GET', '/refunds/outstanding')).json;
  }
  if (owed.count > 0) broken.push(`${owed.count} credits still owed back after 120 s`);

  /** `check` on every item, eight at a time. */
  const each = async <T>(items: T[], check: (x: T) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => { while (next < items.length) await check(items[next++]); }));
  };

  // Every answered create is there, with its ref_id.
  let lost = 0;
  await each(created, async (c) => {
    const s = await gw.cashfree(m.test_key).status({ verification_id: c.vid });
    if (s.status !== 200 || s.json.ref_id !== c.refId) lost++;
  });
  if (lost) broken.push(`${lost} answered creates lost or changed`);

  // Every answered payment refunded exactly once.
  let unrefunded = 0;
  let twice = 0;
  await each(paid, async (p) => {
    const refunds = ((await gw.payment(p.utr))?.refunds ?? []) as { status: string }[];
    const through = refunds.filter((r) => r.status !== 'failed');
    if (!through.some((r) => r.status === 'success')) unrefunded++;
    if (through.length > 1) twice++;
  });
  if (unrefunded) broken.push(`${unrefunded} answered payments not refunded`);
  if (twice) broken.push(`${twice} payments refunded more than once`);

  // Every mobile penny drop paid out at most once; one answered VALID exactly once, as answered.
  // And the gateway's books agree with the bank for every drop sent, answered or cut off: one it
  // now reads as VALID was paid out once, with its UTR; one it reads as INVALID, or has no record
  // of (the kill came before the drop was recorded), had no rupee reach anyone.
  let paidTwice = 0;
  let validUnpaid = 0;
  let booksDisagree = 0;
  const disagreements: string[] = [];
  type Books = 'agree' | 'disagree' | 'in_flight' | 'in_flight_paid';
  const booksAgainstBank = async (x: (typeof mobiles)[number], first: boolean): Promise<Books> => {
    const r = await gw.request('GET', `/sandbox/upi/payouts?vpa=${encodeURIComponent(x.vpa)}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const out = (r.json?.items ?? []) as { utr: string | null; status: string }[];
    if (first && out.length > 1) paidTwice++;
    if (first && x.utr !== null && (out.length !== 1 || out[0].utr !== x.utr)) validUnpaid++;
    const paidOut = out.filter((p) => p.status === 'SUCCESS');
    const books = await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${x.vid}`, {
      headers: { 'x-client-id': m.test_key.client_id, 'x-client-secret': m.test_key.client_secret, 'x-api-version': '2024-12-01' },
    });
    let agrees: boolean;
    if (books.status === 200 && books.json.status === 'VALID') agrees = paidOut.length === 1 && paidOut[0].utr === books.json.utr;
    else if (books.status === 422 && books.json.code === 'verification_already_under_process') {
      // Still asking the bank. One the bank paid is settled a few rail timeouts after the kill
      // (waited for below); one the bank never saw was closed as not sent before the settle ended.
      return paidOut.length > 0 ? 'in_flight_paid' : 'in_flight';
    } else if ([200, 400, 422, 502].includes(books.status)) {
      // INVALID, never recorded, refused as fraud, or closed as not sent (unavailable).
      agrees = paidOut.length === 0;
    } else agrees = false;
    if (!agrees && disagreements.length < 3) disagreements.push(`${x.vid}: ${books.status} ${JSON.stringify(books.json)} against ${paidOut.length} payouts`);
    return agrees ? 'agree' : 'disagree';
  };
  const unsettled: (typeof mobiles)[number][] = [];
  let inFlight = 0;
  await each(mobiles, async (x) => {
    const b = await booksAgainstBank(x, true);
    if (b === 'disagree') booksDisagree++;
    else if (b === 'in_flight') inFlight++;
    else if (b === 'in_flight_paid') unsettled.push(x);
  });
  while (unsettled.length > 0 && Date.now() < settleBy) {
    await sleep(500);
    for (const x of unsettled.splice(0)) {
      const b = await booksAgainstBank(x, false);
      if (b === 'disagree') booksDisagree++;
      else if (b === 'in_flight') inFlight++;
      else if (b === 'in_flight_paid') unsettled.push(x);
    }
  }
  if (unsettled.length) broken.push(`${unsettled.length} mobile penny drops paid out by the bank but still unsettled after 120 s`);
  if (inFlight) broken.push(`${inFlight} mobile penny drops still in flight after the settle`);
  if (paidTwice) broken.push(`${paidTwice} mobile penny drops paid out more than once`);
  if (validUnpaid) broken.push(`${validUnpaid} mobile penny drops answered VALID without their one payout`);
  if (booksDisagree) broken.push(`${booksDisagree} mobile penny drops whose outcome disagrees with the bank's payouts, e.g. ${disagreements.join('; ')}`);

  // Every verified payment's SUCCESS webhook, one event each.
  // The receiver keeps only whole requests (a POST a kill cut off never ends: it is sent again
  // later, whole); a body that is not JSON would be skipped all the same.
  const parsed = (body: string) => {
    try {
      return JSON.parse(body);
    } catch {
      return null;
    }
  };
  const success = () =>
    receiver.received
      .map((r) => ({ id: String(r.headers['x-webhook-id']), b: parsed(r.body) }))
      .filter(({ b }) => b?.event_type === 'RPD_BANK_ACCOUNT_VERIFICATION_SUCCESS');
  const verified = new Set(paid.filter((p) => p.verifies).map((p) => p.vid));
  const unsent = () => {
    const got = new Set(success().map(({ b }) => b.data.verification_id));
    return [...verified].filter((v) => !got.has(v)).length;
  };
  while (unsent() > 0 && Date.now() < settleBy) await sleep(500);
  const missing = unsent();
  if (missing) broken.push(`${missing} verified payments without their SUCCESS webhook`);
  const events = new Map<string, Set<string>>();
  const sent = success();
  for (const { id, b } of sent) events.set(b.data.verification_id, (events.get(b.data.verification_id) ?? new Set()).add(id));
  const twoEvents = [...events.values()].filter((s) => s.size > 1).length;
  if (twoEvents) broken.push(`${twoEvents} verifications with more than one SUCCESS event`);
  const copies = sent.length - new Set(sent.map(({ id }) => id)).size;

  console.log(`  lost creates ${lost}; unrefunded ${unrefunded}; refunded twice ${twice}; owed at the end ${owed.count}`);
  console.log(
    `  mobile penny drops ${mobiles.length} (${mobiles.filter((x) => x.utr).length} answered VALID): paid out twice ${paidTwice}, VALID without its payout ${validUnpaid}, outcome against the bank's payouts ${booksDisagree} disagreeing and ${inFlight} still in flight`,
  );
  console.log(`  SUCCESS webhooks missing ${missing}, events twice ${twoEvents}, copies sent again ${copies}; 5xx answers ${serverErrors}`);
} catch (err) {
  broken.push(String((err as Error)?.stack ?? err));
} finally {
  ours.fill(true);
  if (broken.length) {
    console.log(`BROKEN:\n  ${broken.join('\n  ')}`);
    process.exitCode = 1;
  } else console.log('every money rule held');
  for (const g of gws) await g.stop().catch(() => undefined);
  await receiver.close();
}
