// The store's upkeep on real processes: personal data ages out (except where a rupee is owed),
// a poison job ends as a dead letter and can be retried, and a backup taken under write load
// holds every create acknowledged before it began.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, Gateway, eventually, sleep } from './support/gateway.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
const uid = (p = 'l') => `${p}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the account for a loan' });

/** The CLI in the background, so that this process keeps writing meanwhile. */
function cliAsync(gw: Gateway, ...args: string[]): Promise<{ status: number | null; err: string; json: any }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args, '--json'], { env: { PATH: process.env.PATH, ...gw.env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (status) => resolve({ status, err, json: out ? JSON.parse(out) : null }));
  });
}

/** The CLI on the same store and settings as the gateway. */
function cli(gw: Gateway, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json'], { env: { PATH: process.env.PATH, ...gw.env }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr, json: (() => { try { return JSON.parse(r.stdout); } catch { return null; } })() };
}

function sqlite(gw: Gateway) {
  return new Database(join(gw.dataDir, 'pennygate.db'));
}

describe('retention', () => {
  let gw: Gateway;
  after(() => gw?.stop());

  it('erases personal data once it is old enough, keeps what is owed, and reports the purge', async () => {
    // Data is "old" after 2 s here; the scheduled purge is kept out of the way (run by hand).
    const env = { DATA_RETENTION_DAYS: String(2 / 86_400), RETENTION_INTERVAL_MINUTES: '600', REFUND_ALERT_HOURS: String(1 / 3600) };
    gw = await Gateway.start({ env });
    const merchant = await gw.merchant('Retained');
    const key = merchant.test_key;
    const cf = gw.cashfree(key);
    const done = (await cf.createRpd({ verification_id: uid('done'), name: 'Priya Sharma' })).json;
    const paid = await gw.pay(done.upi_link, 'priya.sharma@okaxis');
    await gw.refundsSettled(paid.json.utr);
    const rzpHeaders = { authorization: `Basic ${Buffer.from(`${key.client_id}:${key.client_secret}`).toString('base64')}` };
    const fav = (
      await gw.request('POST', '/v1/fund_accounts/validations', {
        headers: rzpHeaders,
        body: { source_account_number: merchant.account_number, validation_type: 'upi_intent' },
      })
    ).json;
    const favPaid = await gw.pay(fav.upi_intent.intent_url, 'success@upi');
    assert.equal(favPaid.json.status, 'SUCCESS', favPaid.text);
    await gw.refundsSettled(favPaid.json.utr);
    const mobileVid = uid('mpd');
    const mobile = await cf.post(
      '/mobile/penny-drop',
      { verification_id: mobileVid, mobile_number: '9999999999', name: 'John Doe', user_consent: consent() },
      { 'x-api-version': '2024-12-01' },
    );
    assert.equal(mobile.json.status, 'VALID');
    assert.equal((await cf.post('/name-match', { verification_id: uid('nm'), name_1: 'Priya Sharma', name_2: 'PRIYA SHARMA' })).status, 200);
    const open = (await cf.createRpd({ verification_id: uid('open'), name: 'Still Open' })).json;

    // A rupee still owed: its refund waits an hour.
    await gw.restart({ REVERSAL_DELAY_SECONDS: '3600' });
    const owed = (await cf.createRpd({ verification_id: uid('owed'), name: 'John Doe' })).json;
    const owedPay = await gw.pay(owed.upi_link, 'success@upi');
    assert.equal(owedPay.json.status, 'SUCCESS');
    await sleep(2500); // everything above is now past the retention age

    const run = await gw.admin('POST', '/retention/run');
    assert.equal(run.status, 200, run.text);
    assert.equal(run.json.removed.verifications_erased, 3, JSON.stringify(run.json)); // the paid RPD, the validation and the mobile penny drop
    assert.ok(run.json.removed.events >= 2, JSON.stringify(run.json));
    assert.equal(run.json.removed.name_matches, 1);
    assert.ok(run.json.removed.sandbox_payments >= 1);
    assert.ok(run.json.removed.sandbox_payouts >= 1);
    assert.equal(run.json.removed.sandbox_refunds, 2); // the settled ones; the owed one was never sent
    // The sandbox bank keeps the payment whose rupee is owed: it refuses a refund of one it has no record of.
    assert.equal((await gw.payment(owedPay.json.bank_txn_id)).bank_txn_id, owedPay.json.bank_txn_id, 'the owed payment kept at the bank');
    assert.equal(run.json.overdue_refunds, 1);
    await eventually(async () => gw.output, (o) => /refund owed for longer than REFUND_ALERT_HOURS/.test(o), 5000, 'the overdue refund logged');
    const last = (await gw.admin('GET', '/retention')).json;
    assert.deepEqual(last.last_run, run.json);

    // A status read of an erased verification answers its status, with the erased fields null.
    const erased = (await cf.status({ verification_id: done.verification_id })).json;
    assert.equal(erased.status, 'SUCCESS');
    assert.equal(erased.bank_account, null);
    assert.equal(erased.name_at_bank, null);
    assert.equal(erased.upi, null);
    assert.equal(erased.ifsc, null);
    assert.equal(erased.account_type, 'SAVINGS', 'not personal: kept');
    // RazorpayX reads a completed validation as completed with its account status: only the personal fields go.
    const favErased = (await gw.request('GET', `/v1/fund_accounts/validations/${fav.id}`, { headers: rzpHeaders })).json;
    assert.equal(favErased.status, 'completed');
    assert.deepEqual(favErased.validation_results, {
      account_status: 'active',
      registered_name: null,
      details: null,
      name_match_score: null,
      validated_account_type: 'bank_account',
      bank_account: { bank_routing_code: null, account_number: null, bank_name: null, account_type: 'savings' },
      upi_intent: { vpa: null },
    });
    const mpd = await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${mobileVid}`, {
      headers: { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' },
    });
    assert.equal(mpd.json.status, 'VALID');
    assert.equal(mpd.json.mobile_number, null);
    assert.equal(mpd.json.bank_account, null);

    // The owed one keeps everything; the open link is untouched and still payable.
    const kept = (await cf.status({ verification_id: owed.verification_id })).json;
    assert.equal(kept.bank_account, '026291800001191');
    assert.equal(kept.name_at_bank, 'JOHN DOE');
    const outstanding = (await gw.admin('GET', '/refunds/outstanding')).json;
    assert.equal(outstanding.count, 1);
    assert.equal(outstanding.items[0].overdue, true);
    assert.equal((await cf.status({ verification_id: open.verification_id })).json.status, 'CREATED');

    // Nothing personal is left in the rows of the erased ones.
    const db = sqlite(gw);
    try {
      const rows = db
        .prepare('SELECT name, payer_account, payer_name, payer_vpa, payer_ifsc, mobile_number, consent FROM verifications WHERE purged_at IS NOT NULL')
        .all();
      assert.equal(rows.length, 3);
      for (const r of rows as any[]) assert.deepEqual(Object.values(r), [null, null, null, null, null, null, null]);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM credits WHERE payer_account = ?').get('917010047162835') as any).n, 0);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM credits WHERE payer_account = ?').get('026291800001191') as any).n, 1);
    } finally {
      db.close();
    }
    // A second run finds nothing more; the CLI reports the same policy.
    const again = (await gw.admin('POST', '/retention/run')).json;
    assert.equal(again.removed.verifications_erased, 0);
    assert.equal(cli(gw, 'retention', 'show').json.retention_days, 2 / 86_400);
    // From a shell without the gateway's policy the command refuses, rather than purge by the default.
    const { DATA_RETENTION_DAYS: _policy, ...unset } = gw.env;
    const refused = spawnSync(process.execPath, [CLI, 'retention', 'run'], { env: { PATH: process.env.PATH, ...unset }, encoding: 'utf8' });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /set DATA_RETENTION_DAYS as the gateway has it/);
    assert.equal(cli(gw, 'retention', 'run').status, 0);
  });
});

describe('dead letters', () => {
  let gw: Gateway;
  after(() => gw?.stop());

  it('stops a job that keeps failing, shows it, and runs it again when asked', async () => {
    gw = await Gateway.start({ env: { REVERSAL_DELAY_SECONDS: '3600', JOB_MAX_FAILURES: '3' } });
    const cf = gw.cashfree((await gw.merchant('Poisoned')).test_key);
    const v = (await cf.createRpd({ verification_id: uid('p'), name: 'John Doe' })).json;
    const utr = (await gw.pay(v.upi_link, 'success@upi')).json.utr;
    await gw.stop();
    // The credit names a rail this deployment no longer has (a connector that was removed):
    // every run of its refund job throws.
    let db = sqlite(gw);
    db.prepare("UPDATE credits SET rail = 'retired-bank' WHERE utr = ?").run(utr);
    db.prepare("UPDATE jobs SET run_at = 0 WHERE kind = 'credit.refund'").run();
    db.close();
    await gw.restart();

    const dead = await eventually(async () => (await gw.admin('GET', '/jobs/dead')).json, (d) => d.count === 1, 20_000, 'a dead job');
    const job = dead.items[0];
    assert.equal(job.kind, 'credit.refund');
    assert.equal(job.failures, 3);
    assert.match(job.last_error, /unknown rail retired-bank/);
    await eventually(async () => gw.output, (o) => /job dead/.test(o), 5000, 'the dead job logged');
    await sleep(1500);
    assert.equal((await gw.admin('GET', '/jobs/dead')).json.items[0].failures, 3, 'a dead job is not run again');
    const owed = (await gw.admin('GET', '/refunds/outstanding')).json;
    assert.equal(owed.count, 1, 'the rupee is still owed');
    // ... by a job that gave up: said where the owed rupee is listed, with the job to retry.
    assert.deepEqual([owed.items[0].job, owed.items[0].dead_job_id], ['dead', job.id]);
    const owedCli = spawnSync(process.execPath, [CLI, 'refunds', 'owed'], { env: { PATH: process.env.PATH, ...gw.env }, encoding: 'utf8' });
    assert.match(owedCli.stdout, new RegExp(`pending \\(job dead: jobs retry ${job.id}\\)`), owedCli.stdout + owedCli.stderr);
    // Counted as dead, not as due and waiting ever longer.
    const metrics = (await gw.request('GET', '/metrics')).text;
    assert.match(metrics, /^pennygate_jobs_dead\{kind="credit\.refund"\} 1$/m);
    assert.match(metrics, /^pennygate_jobs_due\{kind="credit\.refund"\} 0$/m);
    assert.match(metrics, /^pennygate_jobs_oldest_due_seconds\{kind="credit\.refund"\} 0$/m);
    assert.match(metrics, /^pennygate_refunds_owed\{rail="retired-bank"\} 1$/m);
    const listed = cli(gw, 'jobs', 'dead');
    assert.equal(listed.status, 0, listed.err);
    assert.equal(listed.json.items[0].id, job.id);

    // Behind 250 newer dead letters of other jobs, the console's Money page still offers to
    // settle it (it looked for the refund's among the newest 200).
    await gw.stop();
    db = sqlite(gw);
    const bury = db.prepare("INSERT INTO jobs (kind, subject, run_at, created_at, dead_at, last_error) VALUES ('webhook.deliver', ?, 0, 0, ?, 'buried')");
    // Three to a millisecond: a page may end between letters that died at one time.
    const buriedAt = Date.now();
    for (let i = 0; i < 250; i++) bury.run(`whd_bury_${i}`, buriedAt + Math.floor(i / 3));
    db.close();
    await gw.restart();
    const signIn = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const money = await (await fetch(`${gw.url}/console/money`, { headers: { cookie } })).text();
    assert.match(money, new RegExp(`action="/console/refunds/${owed.items[0].credit_id}/settle"`));
    // The console's dead letters a page at a time too: each once, across its two pages.
    const deadTotal = (await gw.admin('GET', '/jobs/dead?limit=1')).json.count;
    assert.ok(deadTotal > 250, String(deadTotal));
    assert.match(money, new RegExp(`The first 200 of ${deadTotal} shown\\. <a href="/console/money\\?dead=[A-Za-z0-9_-]+#dead">Next 200 jobs</a>`));
    const retries = (html: string) => [...html.matchAll(/aria-label="Retry job (\d+)"/g)].map((m) => m[1]);
    const second = await (await fetch(`${gw.url}/console/money?dead=${/\?dead=([A-Za-z0-9_-]+)#dead/.exec(money)![1]}`, { headers: { cookie } })).text();
    assert.match(second, /shown, after those of the page before\. <a href="\/console\/money#dead">Back to the first<\/a>/);
    const paged = [...retries(money), ...retries(second)];
    assert.deepEqual([paged.length, new Set(paged).size], [deadTotal, deadTotal]);
    const notOurs = await fetch(`${gw.url}/console/money?dead=${Buffer.from(JSON.stringify([1, 'x'])).toString('base64url')}`, { headers: { cookie } });
    assert.equal(notOurs.status, 400);
    assert.equal((await gw.admin('GET', '/refunds/outstanding')).json.items[0].job, 'dead');

    // Mended, and retried through the admin API: the refund goes out once.
    await gw.stop();
    db = sqlite(gw);
    db.prepare("UPDATE credits SET rail = 'sandbox' WHERE utr = ?").run(utr);
    db.close();
    await gw.restart();
    assert.equal((await gw.admin('POST', '/jobs/999999/retry')).status, 404);
    const retried = await gw.admin('POST', `/jobs/${job.id}/retry`);
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.json.dead_at, null);
    assert.equal((await gw.refundsSettled(utr)).length, 1);
    assert.equal((await gw.admin('GET', '/jobs/dead')).json.count, 250, 'the buried ones only');

    // Read a page at a time: every letter once, newest first, the count of all on each page.
    const seen: any[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 5, 'the pages end');
      const r = await gw.admin('GET', `/jobs/dead?limit=100${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.count, 250);
      seen.push(...r.json.items);
      after = r.json.next;
      if (!after) break;
    }
    assert.equal(seen.length, 250);
    assert.equal(new Set(seen.map((j) => j.id)).size, 250, 'no letter on two pages');
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      assert.ok(a.dead_at > b.dead_at || (a.dead_at === b.dead_at && a.id > b.id), `newest first at ${i}`);
    }
    const bad = await gw.admin('GET', '/jobs/dead?after=bm90LWEtY3Vyc29y');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.code, 'invalid_request');
    // The command line prints the way to the next page, and takes it.
    const first = spawnSync(process.execPath, [CLI, 'jobs', 'dead', '--limit', '200'], { env: { PATH: process.env.PATH, ...gw.env }, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const more = first.stdout.match(/^more: pennygate jobs dead --limit 200 --after (\S+)$/m);
    assert.ok(more, first.stdout.slice(-300));
    const rest = cli(gw, 'jobs', 'dead', '--after', more[1]);
    assert.equal(rest.status, 0, rest.err);
    assert.equal(rest.json.items.length, 50);
    assert.equal(rest.json.next, null);
    const refused = spawnSync(process.execPath, [CLI, 'jobs', 'dead', '--after', 'bm90LWEtY3Vyc29y'], { env: { PATH: process.env.PATH, ...gw.env }, encoding: 'utf8' });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /--after is the cursor a page before printed/);
  });

  it('lists owed refunds a page at a time: each once, oldest first, the totals of all on every page', async () => {
    await gw?.stop();
    gw = await Gateway.start({ env: { REVERSAL_DELAY_SECONDS: '3600' } });
    const cf = gw.cashfree((await gw.merchant('Owes Many')).test_key);
    for (let i = 0; i < 7; i++) {
      const v = (await cf.createRpd({ verification_id: uid('owed'), name: 'John Doe' })).json;
      assert.equal((await gw.pay(v.upi_link, 'success@upi')).status, 200);
    }
    const pages: any[] = [];
    let after: string | null = null;
    do {
      const r = await gw.admin('GET', `/refunds/outstanding?limit=3${after ? `&after=${after}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.count, r.json.amount], [7, '7.00']);
      pages.push(r.json.items.map((c: any) => c.credit_id));
      after = r.json.next;
    } while (after && pages.length < 5);
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    const all = (await gw.admin('GET', '/refunds/outstanding')).json.items.map((c: any) => c.credit_id);
    assert.deepEqual(pages.flat(), all, 'the pages, in order, are the whole list');
    const shown = spawnSync(process.execPath, [CLI, 'refunds', 'owed', '--limit', '5'], { env: { PATH: process.env.PATH, ...gw.env }, encoding: 'utf8' });
    assert.match(shown.stdout, /^more: pennygate refunds owed --limit 5 --after \S+$/m, shown.stdout);
  });

  it('settles a refund whose job is dead once the operator returned the rupee at the bank, never one a live job holds', async () => {
    await gw?.stop();
    gw = await Gateway.start({ env: { REVERSAL_DELAY_SECONDS: '3600', JOB_MAX_FAILURES: '3' } });
    const cf = gw.cashfree((await gw.merchant('Returned By Hand')).test_key);
    const vid = uid('h');
    const v = (await cf.createRpd({ verification_id: vid, name: 'John Doe' })).json;
    const paid = (await gw.pay(v.upi_link, 'success@upi')).json;
    const creditId = (await gw.admin('GET', '/refunds/outstanding')).json.items[0].credit_id;
    // Its job is live (due in an hour): the operator's word would race the attempt it may send.
    const live = await gw.admin('POST', `/refunds/${creditId}/settle`, { note: 'returned at the bank' });
    assert.equal(live.status, 404, live.text);
    await gw.stop();
    let db = sqlite(gw);
    db.prepare("UPDATE credits SET rail = 'retired-bank' WHERE id = ?").run(creditId);
    db.prepare("UPDATE jobs SET run_at = 0 WHERE kind = 'credit.refund' AND subject = ?").run(creditId);
    db.close();
    await gw.restart();
    await eventually(async () => (await gw.admin('GET', '/jobs/dead')).json.count, (n) => n === 1, 20_000, 'a dead job');
    const settled = cli(gw, 'refunds', 'settle', creditId, '--note', 'returned by NEFT at the bank, ref 1234');
    assert.equal(settled.status, 0, settled.err);
    assert.equal((await gw.admin('GET', '/refunds/outstanding')).json.count, 0);
    assert.equal((await gw.admin('GET', '/jobs/dead')).json.count, 0, 'its dead job closed with it');
    assert.equal((await cf.status({ verification_id: vid })).json.reversal_status, 'TRANSFER_SUCCESS');
    // Mended and restarted: nothing left to run, no rupee sent by the gateway.
    await gw.stop();
    db = sqlite(gw);
    db.prepare("UPDATE credits SET rail = 'sandbox' WHERE id = ?").run(creditId);
    db.close();
    await gw.restart();
    await sleep(1500);
    assert.equal((await gw.payment(paid.bank_txn_id)).refunds.length, 0);
  });
});

describe('backup and restore (SQLite)', () => {
  let gw: Gateway;
  after(() => gw?.stop());

  it('takes a consistent copy under write load that holds every create acknowledged before it, and restores it', async () => {
    gw = await Gateway.start();
    const cf = gw.cashfree((await gw.merchant('Backed Up')).test_key);
    const acknowledged: { vid: string; sent: number; at: number }[] = [];
    let writing = true;
    const writers = [0, 1, 2, 3].map(async () => {
      while (writing) {
        const vid = uid('b');
        const sent = Date.now();
        const r = await cf.createRpd({ verification_id: vid, name: 'John Doe' });
        assert.equal(r.status, 200, r.text);
        acknowledged.push({ vid, sent, at: Date.now() });
      }
    });
    await eventually(async () => acknowledged.length, (n) => n >= 50, 20_000, 'creates under way');
    const file = join(mkdtempSync(join(tmpdir(), 'pennygate-backup-')), 'copy.db');
    const startedAt = Date.now();
    const ackedBefore = acknowledged.filter((a) => a.at < startedAt).map((a) => a.vid);
    const backup = await cliAsync(gw, 'backup', file);
    const finishedAt = Date.now();
    const during = acknowledged.filter((a) => a.sent > startedAt && a.at < finishedAt).length;
    await eventually(async () => acknowledged.filter((a) => a.sent > finishedAt).length, (n) => n > 0, 5000, 'writes after the backup');
    writing = false;
    await Promise.all(writers);
    assert.equal(backup.status, 0, backup.err);
    assert.equal(backup.json.file, file);
    assert.ok(backup.json.verifications >= ackedBefore.length, JSON.stringify(backup.json));
    assert.ok(during > 0, 'creates were answered while the backup ran');
    // One file, whole in itself: no -wal or -shm left beside it to carry along or wonder about.
    assert.deepEqual(readdirSync(dirname(file)), ['copy.db']);

    const copy = new Database(file, { readonly: true });
    try {
      assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
      const has = copy.prepare('SELECT 1 FROM verifications WHERE verification_id = ?');
      const missing = ackedBefore.filter((vid) => !has.get(vid));
      assert.deepEqual(missing, [], 'every create acknowledged before the backup began is in it');
    } finally {
      copy.close();
    }
    const twice = cli(gw, 'backup', file);
    assert.equal(twice.status, 2, 'an existing file is never overwritten (a refusal)');
    assert.match(twice.err, /exists already/);

    // Restore refuses under a running gateway, then puts the copy in place once it is stopped.
    const refused = cli(gw, 'restore', file);
    assert.equal(refused.status, 2);
    assert.match(refused.err, /is running/);
    await gw.stop();
    const restored = cli(gw, 'restore', file);
    assert.equal(restored.status, 0, restored.err);
    assert.match(restored.json.previous, /pennygate\.db\.before-restore-/);
    await gw.restart();
    for (const vid of ackedBefore.slice(-5)) {
      assert.equal((await cf.status({ verification_id: vid })).json.status, 'CREATED');
    }
    const later = acknowledged.find((a) => a.sent > finishedAt)!.vid; // made after the backup: not in the restored store
    const gone = await cf.status({ verification_id: later });
    assert.equal(gone.status, 400);
    assert.equal(gone.json.message, 'Please enter a valid verification_id');
  });

  it("restores onto another machine only beside the backup's own secret key", async () => {
    const source = await Gateway.start();
    let target: Gateway | undefined;
    try {
      await source.merchant('Moved');
      const file = join(mkdtempSync(join(tmpdir(), 'pennygate-backup-')), 'copy.db');
      assert.equal(cli(source, 'backup', file).status, 0);
      // A fresh machine: no secret-key yet. Refused, and nothing made (no key that opens nothing).
      const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-fresh-'));
      const on = (env: Record<string, string>) => ({ env: { DATA_DIR: dataDir, ...env } }) as unknown as Gateway; // the CLI reads only its env
      const bare = cli(on({}), 'restore', file);
      assert.equal(bare.status, 2, bare.out); // a refusal
      assert.match(bare.err, /has no secret-key and SECRET_KEY is not set: bring the secret-key file from the DATA_DIR of the gateway the backup came from/);
      assert.deepEqual(readdirSync(dataDir), []);
      // Another key: refused, naming where that key came from.
      const other = cli(on({ SECRET_KEY: '22'.repeat(32) }), 'restore', file);
      assert.equal(other.status, 2);
      assert.match(other.err, /was not sealed with the key in SECRET_KEY/);
      assert.deepEqual(readdirSync(dataDir), []);
      // The backup's key brought along: restored, and a gateway starts on it with the merchant.
      copyFileSync(join(source.dataDir, 'secret-key'), join(dataDir, 'secret-key'));
      const moved = cli(on({}), 'restore', file);
      assert.equal(moved.status, 0, moved.err);
      target = await Gateway.start({ dataDir });
      const list = await target.admin('GET', '/merchants');
      assert.ok(list.json.items.some((m: any) => m.name === 'Moved'), list.text);
    } finally {
      await source.stop();
      await target?.stop();
    }
  });
});

describe('restore with two gateways on one data folder (old and new side by side)', () => {
  let first: Gateway | undefined;
  let second: Gateway | undefined;
  after(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('refuses while either runs, whichever stopped first', async () => {
    first = await Gateway.start();
    const file = join(mkdtempSync(join(tmpdir(), 'pennygate-backup-')), 'copy.db');
    assert.equal(cli(first, 'backup', file).status, 0);
    second = await Gateway.start({ dataDir: first.dataDir });
    // The one started second stops first: the first still writes to the store.
    await second.stop();
    const refused = cli(first, 'restore', file);
    assert.notEqual(refused.status, 0, 'a restore under a running gateway');
    assert.match(refused.err, new RegExp(`a gateway \\(pid ${first.proc.pid}\\) is running`));
    // The older builds' one pid file names a live gateway still, for their restore.
    assert.equal(readFileSync(join(first.dataDir, 'pennygate.pid'), 'utf8').trim(), String(first.proc.pid));
    // And the other way round: the first stops, the second (started again) still guards the store.
    await second.restart();
    await first.stop();
    assert.match(cli(second, 'restore', file).err, new RegExp(`a gateway \\(pid ${second.proc.pid}\\) is running`));
    assert.equal(readFileSync(join(first.dataDir, 'pennygate.pid'), 'utf8').trim(), String(second.proc.pid));
    await second.stop();
    assert.deepEqual(readdirSync(first.dataDir).filter((f) => f.endsWith('.pid')), [], 'each gateway takes its pid file with it');
    const restored = cli(second, 'restore', file);
    assert.equal(restored.status, 0, restored.err);
  });
});
