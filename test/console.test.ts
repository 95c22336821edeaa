// The operator's console in a real headless Chromium against the real gateway: sign-in and its
// cookie, search by every kind of id, a verification's timeline, webhook replay, a dead job
// retried, merchant settings, the chart, CSRF and cross-site refusals, and axe-core on its
// pages. Screenshots are kept under test-artifacts/console/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, Gateway, eventually, freePort, needsChromium, storeFor } from './support/gateway.js';
import { Receiver } from './support/receiver.js';
import { ARTIFACTS, DESKTOP, keepScreenshot, launch, seriousViolations } from './support/browser.js';

const SUITE = 'console';

describe('console', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let receiver: Receiver;
  let evil: Server;
  let evilUrl: string;
  const shots: string[] = [];
  const errors: string[] = [];
  let merchant: Awaited<ReturnType<Gateway['merchant']>>;
  let paid: { ref_id: number; utr: string; fav: string };

  const count = (sql: string) => {
    const db = new Database(join(gw.dataDir, 'pennygate.db'), { readonly: true });
    try {
      return Number(Object.values(db.prepare(sql).get() as object)[0]);
    } finally {
      db.close();
    }
  };

  before(async () => {
    receiver = await Receiver.start();
    gw = await Gateway.start({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', JOB_MAX_FAILURES: '3' } });
    merchant = await gw.merchant('Console Lending');
    assert.equal((await gw.admin('PUT', `/merchants/${merchant.id}/webhook`, { url: receiver.url, dialect: 'cashfree' })).status, 200);
    const cf = gw.cashfree(merchant.test_key);
    const created = (await cf.createRpd({ verification_id: 'console-1', name: 'John Doe' })).json;
    const pay = (await gw.pay(created.upi_link, 'success@upi')).json;
    const detail = (await gw.admin('GET', `/verifications/${created.ref_id}`)).json;
    paid = { ref_id: created.ref_id, utr: pay.utr, fav: detail.verification.public_id };
    await gw.refundsSettled(pay.utr);
    await eventually(async () => receiver.received.length, (n) => n >= 1, 10_000, 'the first webhook');
    // A few more outcomes for the chart.
    for (const [i, vpa] of ['failure@upi', 'success@upi'].entries()) {
      const v = (await cf.createRpd({ verification_id: `console-chart-${i}` })).json;
      await gw.pay(v.upi_link, vpa);
    }
    await cf.createRpd({ verification_id: 'console-waiting' });
    // Another site, whose page tries to act on the console in the operator's browser.
    evil = createServer((_req, res) =>
      res.setHeader('content-type', 'text/html').end(
        `<form id="f" method="post" action="${gw.url}/console/merchants"><input name="name" value="Planted"></form><script>document.getElementById('f').submit()</script>`,
      ),
    );
    const port = await freePort();
    await new Promise<void>((r) => evil.listen(port, '127.0.0.1', r));
    evilUrl = `http://localhost:${port}/`;
    browser = await launch();
    context = await browser.newContext(DESKTOP);
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // Refusals the tests provoke (a wrong token, bad values) are logged by the browser; anything
    // else (a CSP violation, a missing asset) is an error.
    page.on('console', (m) => m.type() === 'error' && !/status of 40[01] /.test(m.text()) && errors.push(m.text()));
  });
  after(async () => {
    await browser?.close();
    evil?.close();
    await receiver?.close();
    await gw?.stop();
    if (shots.length) console.log(`console screenshots in ${ARTIFACTS}/${SUITE}/:\n  ${shots.join('\n  ')}`);
  });

  it('asks for the admin token, refuses a wrong one, and signs in with an HttpOnly SameSite=Strict cookie', async () => {
    await page.goto(`${gw.url}/console/verifications`);
    assert.equal(new URL(page.url()).pathname, '/console/login');
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /not the admin token/);
    assert.deepEqual(await context.cookies(), []);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${gw.url}/console`);
    const [cookie] = await context.cookies();
    assert.equal(cookie.name, 'pg_console');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/console');
    assert.ok(!cookie.value.includes(ADMIN_TOKEN));
    const r = await page.request.get(`${gw.url}/console`);
    assert.match(r.headers()['content-security-policy'], /default-src 'none'.*form-action 'self'/);
    assert.doesNotMatch(r.headers()['content-security-policy'], /script-src/);
    // The console's pages are not API operations: none is in the OpenAPI document.
    const paths = Object.keys((await gw.request('GET', '/openapi.json')).json.paths);
    assert.deepEqual(paths.filter((p) => p.startsWith('/console') || /theme\.css|logo|favicon/.test(p)), []);
    assert.ok(paths.includes('/admin/merchants/{id}/branding'));
  });

  it('shows verifications per minute by outcome and the share verified', async () => {
    await page.goto(`${gw.url}/console`);
    const share = await page.locator('.stats li').first().textContent();
    assert.match(share!, /Share verified, last 24 h\s*66\.7%.*2 of 3 that ended/s);
    const bars = page.locator('#chart-hour ~ svg rect');
    // Stacked bars for this minute (or the last two): verified, declined and waiting.
    const fills = new Set(await bars.evaluateAll((rs) => rs.map((r) => r.getAttribute('fill'))));
    for (const colour of ['#16a34a', '#dc2626', '#2563eb']) assert.ok(fills.has(colour), `a ${colour} bar`);
    // The same figures as text: the chart's description, and a table folded under it.
    for (const id of ['chart-hour', 'chart-day']) {
      assert.equal(await page.locator(`#${id} ~ svg`).getAttribute('aria-describedby'), `${id}-sum`);
      assert.match((await page.locator(`#${id}-sum`).textContent())!, /^4 in all: 2 verified, 1 declined, 0 expired, 1 waiting; the busiest minute \d\d:\d\d UTC with [1-4]\.$/);
      const details = page.locator(`#${id} ~ details`);
      await details.locator('summary').click();
      const rows = await details.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
      assert.ok(rows.length >= 1 && rows.length <= 2, JSON.stringify(rows));
      assert.match(rows[0][0]!, id === 'chart-hour' ? /^\d\d:\d\d$/ : /^\d\d:\d\d-\d\d:\d\d$/);
      const sum = (col: number) => rows.reduce((n, r) => n + Number(r[col]), 0);
      assert.deepEqual([sum(1), sum(2), sum(3), sum(4)], [2, 1, 0, 1]);
    }
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'overview'));
  });

  it('finds a verification by verification_id, ref_id, fav id, UTR and the last digits of the account', async () => {
    for (const q of ['console-1', String(paid.ref_id), paid.fav, paid.utr, '1191']) {
      await page.goto(`${gw.url}/console/verifications`);
      await page.getByRole('searchbox').fill(q);
      await page.getByRole('button', { name: 'Search' }).click();
      const link = page.getByRole('link', { name: String(paid.ref_id), exact: true });
      assert.equal(await link.count(), 1, `search for ${q}`);
    }
    await page.goto(`${gw.url}/console/verifications?q=nothing-like-this`);
    assert.match((await page.locator('main').textContent())!, /none\./);
    // Hostile input is only text.
    await page.goto(`${gw.url}/console/verifications?q=${encodeURIComponent('<img src=x onerror=alert(1)>%')}`);
    assert.equal(await page.locator('main img').count(), 0);
    assert.deepEqual(await seriousViolations(page), []);
  });

  it("shows a verification's timeline: created, the credit, status, name match, the refund and the webhook attempts", async () => {
    await page.goto(`${gw.url}/console/verifications?q=console-1`);
    await page.getByRole('link', { name: String(paid.ref_id), exact: true }).click();
    const items = await page.locator('ol.timeline li').allTextContents();
    const find = (re: RegExp) => assert.ok(items.some((t) => re.test(t)), `${re} in ${JSON.stringify(items)}`);
    find(/Created.*rpd in test mode through the cashfree dialect/);
    find(new RegExp(`Credit of ₹1\\.00: verified.*UTR ${paid.utr} from success@upi, account 026291800001191`));
    find(/Status SUCCESS/);
    find(/Name match DIRECT_MATCH \(100\)/);
    find(/Refund success after 1 attempt/);
    find(/Event verification\.success/);
    find(/Webhook VERIFICATION_SUCCESS attempt 1: 200|Webhook .*success.* attempt 1: 200/i);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'timeline'));
  });

  it('replays a webhook: the same event id is sent again and the new attempt is logged', async () => {
    await page.goto(`${gw.url}/console/webhooks?merchant=${merchant.id}`);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'webhooks'));
    const success = page.locator('tr', { hasText: String(paid.ref_id) }).filter({ hasText: /success/i }).first();
    await success.locator('a').first().click();
    const deliveryId = (await page.locator('dd.mono').first().textContent())!;
    const before = receiver.received.filter((r) => r.headers['x-webhook-id'] === deliveryId).length;
    assert.ok(before >= 1);
    await page.getByRole('button', { name: 'Replay' }).click();
    assert.match((await page.getByRole('status').textContent())!, /being sent again/);
    await eventually(async () => receiver.received.filter((r) => r.headers['x-webhook-id'] === deliveryId).length, (n) => n === before + 1, 10_000, 'the replay');
    const rows = await eventually(
      async () => {
        await page.reload();
        return page.locator('table tbody tr').count();
      },
      (n) => n === before + 1,
      10_000,
      'the attempt logged',
    );
    assert.equal(rows, before + 1);
    shots.push(await keepScreenshot(page, SUITE, 'delivery'));
  });

  it('manages a merchant: create shows the key once, webhook test event, bands, rate limit and branding, refusing bad values', async () => {
    await page.goto(`${gw.url}/console/merchants`);
    await page.getByLabel("New merchant's name").fill('Made In Console');
    await page.getByRole('button', { name: 'Create with a test key pair' }).click();
    const clientId = (await page.locator('#new-client-id').textContent())!;
    const secret = (await page.locator('#new-client-secret').textContent())!;
    // The key works against the API.
    const cf = gw.cashfree({ client_id: clientId, client_secret: secret });
    assert.equal((await cf.createRpd({ verification_id: 'made-1' })).status, 200);
    await page.getByRole('link', { name: 'Open Made In Console' }).click();
    assert.match((await page.locator('table').first().textContent())!, new RegExp(clientId));
    assert.doesNotMatch((await page.content()), new RegExp(secret), 'the secret is not shown again');

    const merchantUrl = page.url();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    await page.getByRole('button', { name: 'Save webhook' }).click();
    assert.match((await page.getByRole('status').textContent())!, /Webhook saved/);
    // The first signing secret is shown once, as the admin API answers it; a new one when rotated.
    const first = (await page.locator('#webhook-secret').textContent())!;
    assert.match(first, /^whsec_/);
    await page.getByLabel('New signing secret').check();
    await page.getByRole('button', { name: 'Save webhook' }).click();
    const rotated = (await page.locator('#webhook-secret').textContent())!;
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, first);
    await page.goto(merchantUrl);
    await page.getByRole('button', { name: 'Save webhook' }).click();
    assert.match((await page.getByRole('status').textContent())!, /Webhook saved/);
    assert.equal(await page.locator('#webhook-secret').count(), 0, 'an unchanged secret is not shown again');
    const received = receiver.received.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.waitForURL(/\/console\/webhooks\//);
    await eventually(async () => receiver.received.length, (n) => n > received, 10_000, 'the test event');

    await page.goto(merchantUrl);
    // Within each field's range, but out of order: the server refuses.
    await page.getByLabel('GOOD_PARTIAL_MATCH from').fill('50');
    await page.getByRole('button', { name: 'Save bands' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /band/);
    // The refused form keeps what was typed, its fields marked and pointing at the reason.
    const good = page.getByLabel('GOOD_PARTIAL_MATCH from');
    assert.equal(await good.inputValue(), '50');
    assert.equal(await good.getAttribute('aria-invalid'), 'true');
    assert.equal(await good.getAttribute('aria-describedby'), 'flash');
    assert.equal(await page.locator('#flash').getAttribute('role'), 'alert');
    assert.equal(await page.getByLabel(/Requests per operation per minute/).getAttribute('aria-invalid'), null, 'other forms are not marked');
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByLabel('GOOD_PARTIAL_MATCH from').fill('90');
    await page.getByRole('button', { name: 'Save bands' }).click();
    assert.match((await page.getByRole('status').textContent())!, /bands saved/);
    await page.getByLabel(/Requests per operation per minute/).fill('120');
    await page.getByRole('button', { name: 'Save rate limit' }).click();
    await page.getByLabel('Accent colour (#rrggbb)').evaluate((i: HTMLInputElement) => i.removeAttribute('pattern'));
    await page.getByLabel('Accent colour (#rrggbb)').fill('javascript:1');
    const sent = await page.getByLabel('Accent colour (#rrggbb)').inputValue(); // as its maxlength lets it
    await page.getByRole('button', { name: 'Save branding' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /accent_color/);
    assert.equal(await page.getByLabel('Accent colour (#rrggbb)').inputValue(), sent);
    assert.equal(await page.getByLabel('Accent colour (#rrggbb)').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel(/Display name/).getAttribute('aria-invalid'), null, 'only the field at fault');
    // A refused webhook URL comes back as typed, as text: a quote in it closes no attribute.
    const typed = 'ftp://example.com/hooks?x="><b id=injected>';
    await page.getByLabel('URL', { exact: true }).fill(typed);
    await page.getByRole('button', { name: 'Save webhook' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /https/);
    assert.equal(await page.getByLabel('URL', { exact: true }).inputValue(), typed);
    assert.equal(await page.getByLabel('URL', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal((await gw.admin('GET', `/merchants/${new URL(page.url()).pathname.split('/')[3]}/webhook`)).json.url, receiver.url, 'nothing changed');
    await page.getByLabel(/Display name/).fill('Made');
    await page.getByLabel('Accent colour (#rrggbb)').fill('#7C3AED');
    await page.getByRole('button', { name: 'Save branding' }).click();
    assert.match((await page.getByRole('status').textContent())!, /Branding saved/);

    const id = new URL(page.url()).pathname.split('/').pop()!;
    const m = (await gw.admin('GET', `/merchants/${id}`)).json;
    assert.equal(m.name_match_bands.good, 90);
    assert.equal(m.rate_limit_per_minute, 120);
    assert.deepEqual((await gw.admin('GET', `/merchants/${id}/branding`)).json, { display_name: 'Made', logo_url: null, accent_color: '#7c3aed' });
    // Emptied, the rate limit is the instance's again (the API's null).
    await page.getByLabel(/Requests per operation per minute/).fill('');
    await page.getByRole('button', { name: 'Save rate limit' }).click();
    assert.match((await page.getByRole('status').textContent())!, /Rate limit saved/);
    assert.equal((await gw.admin('GET', `/merchants/${id}`)).json.rate_limit_per_minute, null);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'merchant'));

    // Removing the webhook is asked about on a page of its own, naming the host, not the URL.
    await page.getByRole('link', { name: 'Remove webhook' }).click();
    assert.deepEqual(await seriousViolations(page), []);
    const question = (await page.locator('main form p').textContent())!;
    assert.match(question, new RegExp(`to ${new URL(receiver.url).host}\\?`));
    assert.ok(!question.includes(new URL(receiver.url).pathname), question);
    await page.getByRole('button', { name: 'Remove the webhook' }).click();
    assert.match((await page.getByRole('status').textContent())!, /Webhook removed/);
    assert.equal((await gw.admin('GET', `/merchants/${id}/webhook`)).status, 404);
    // Nothing left to remove, no such key: the question pages answer 404.
    assert.equal((await page.request.get(`${gw.url}/console/merchants/${id}/webhook/delete`)).status(), 404);
    assert.equal((await page.request.get(`${gw.url}/console/merchants/${id}/keys/pg_test_nosuch/revoke`)).status(), 404);
    assert.equal((await page.request.get(`${gw.url}/console/merchants/mer_nosuch/webhook/delete`)).status(), 404);
  });

  it('issues a key pair for rotation, shows its secret once, and revokes the old one at once', async () => {
    const rotating = await gw.merchant('Rotating Keys'); // its first key is revoked below
    await page.goto(`${gw.url}/console/merchants/${rotating.id}`);
    await page.getByLabel('Mode', { exact: true }).selectOption('test');
    await page.getByRole('button', { name: 'Issue a key pair' }).click();
    const clientId = (await page.locator('#issued-client-id').textContent())!;
    const secret = (await page.locator('#issued-client-secret').textContent())!;
    assert.equal((await gw.cashfree({ client_id: clientId, client_secret: secret }).createRpd({ verification_id: 'rotated-1' })).status, 200);
    // Two active test keys already: a third is refused with the reason, and nothing is issued.
    await page.goto(`${gw.url}/console/merchants/${rotating.id}`);
    await page.getByRole('button', { name: 'Issue a key pair' }).click();
    assert.match((await page.getByRole('alert').textContent())!, /already has 2 active test keys/);
    assert.equal((await gw.admin('GET', `/merchants/${rotating.id}/keys`)).json.items.filter((k: any) => !k.revoked_at).length, 2);
    // The old key is revoked from the console: the API refuses it from then on, the new one still works.
    await page.goto(`${gw.url}/console/merchants/${rotating.id}`);
    // Asked first, on a page of its own: Cancel changes nothing.
    await page.getByRole('link', { name: `Revoke ${rotating.test_key.client_id}` }).click();
    assert.match((await page.locator('main form p').textContent())!, new RegExp(`Revoke ${rotating.test_key.client_id} \\(test\\) of .*cannot be undone`));
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('link', { name: 'Cancel' }).click();
    assert.equal((await gw.cashfree(rotating.test_key).createRpd({ verification_id: 'old-key-kept' })).status, 200, 'not revoked on Cancel');
    await page.getByRole('link', { name: `Revoke ${rotating.test_key.client_id}` }).click();
    await page.getByRole('button', { name: 'Revoke the key pair' }).click();
    assert.match((await page.getByRole('status').textContent())!, /revoked/);
    assert.equal((await gw.cashfree(rotating.test_key).createRpd({ verification_id: 'old-key' })).status, 401);
    assert.equal((await gw.cashfree({ client_id: clientId, client_secret: secret }).createRpd({ verification_id: 'rotated-2' })).status, 200);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'keys'));
  });

  it('refuses a form without its CSRF token, and a form posted from another site, and changes nothing', async () => {
    const merchants = count('SELECT COUNT(*) FROM merchants');
    // The browser context's own cookie, sent by a client that skips the form.
    const post = (form: Record<string, string>) => page.request.post(`${gw.url}/console/merchants`, { form, maxRedirects: 0 });
    assert.equal((await post({ name: 'Sneaky' })).status(), 403);
    assert.equal((await post({ _csrf: 'forged', name: 'Sneaky' })).status(), 403);
    // A page on another site submits a form into the console in the signed-in browser.
    const other = await context.newPage();
    const answered = other.waitForResponse((r) => r.url().startsWith(`${gw.url}/console/merchants`));
    await other.goto(evilUrl);
    const res = await answered;
    assert.ok([401, 403].includes(res.status()), `cross-site post answered ${res.status()}`);
    await other.close();
    assert.equal(count('SELECT COUNT(*) FROM merchants'), merchants);
    // Without a session nothing is shown or done.
    const anon = await browser.newContext();
    const r = await anon.request.post(`${gw.url}/console/jobs/1/retry`, { form: { _csrf: 'x' }, maxRedirects: 0 });
    assert.equal(r.status(), 401);
    await anon.close();
  });

  it('shows a dead job and the rupee it owes, and retries it once the cause is fixed; the session survives a restart', async () => {
    const cf = gw.cashfree(merchant.test_key);
    const v = (await cf.createRpd({ verification_id: 'console-poison', name: 'John Doe' })).json;
    const utr = (await gw.pay(v.upi_link, 'success@upi')).json.utr;
    await gw.refundsSettled(utr);
    // Owed again, by a rail this deployment no longer has: every run of its refund job throws.
    await gw.stop();
    let db = new Database(join(gw.dataDir, 'pennygate.db'));
    db.prepare("UPDATE credits SET rail = 'retired-bank', refund_status = 'pending' WHERE utr = ?").run(utr);
    // The simulated bank forgets its refund too: it would refuse a second one of the same rupee.
    db.prepare('DELETE FROM sandbox_refunds WHERE utr = ?').run(utr);
    db.prepare("UPDATE jobs SET done_at = NULL, run_at = 0, failures = 0, dead_at = NULL WHERE kind = 'credit.refund' AND subject = (SELECT id FROM credits WHERE utr = ?)").run(utr);
    db.close();
    await gw.restart();
    await eventually(async () => (await gw.admin('GET', '/jobs/dead')).json.count, (n) => n === 1, 20_000, 'a dead job');

    await page.goto(`${gw.url}/console/money`);
    assert.equal(new URL(page.url()).pathname, '/console/money', 'still signed in after the restart');
    assert.match((await page.locator('main').textContent())!, new RegExp(`Refunds still owed: 1 \\(₹1\\.00\\)[\\s\\S]*${utr}`));
    assert.match((await page.locator('main').textContent())!, /Dead jobs: 1[\s\S]*credit\.refund[\s\S]*unknown rail retired-bank/);
    // With its job dead, the refund can be settled (once returned at the bank) or its job retried.
    assert.equal(await page.getByRole('button', { name: 'Settle' }).count(), 1);
    // Keyboard first: the first Tab lands on a link past the navigation, to the page's content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'money'));

    await gw.stop();
    db = new Database(join(gw.dataDir, 'pennygate.db'));
    db.prepare("UPDATE credits SET rail = 'sandbox' WHERE utr = ?").run(utr);
    db.close();
    await gw.restart();
    await page.reload();
    await page.getByRole('button', { name: /Retry job/ }).click();
    assert.match((await page.getByRole('status').textContent())!, /queued to run again/);
    await eventually(async () => (await gw.admin('GET', '/refunds/outstanding')).json.count, (n) => n === 0, 15_000, 'the rupee returned');
    await page.reload();
    assert.match((await page.locator('main').textContent())!, /Refunds still owed: 0[\s\S]*Dead jobs: 0/);
  });

  it('signs out', async () => {
    await page.goto(`${gw.url}/console`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${gw.url}/console/login`);
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(errors, []);
  });
});

describe('console sign-in', () => {
  let gw: Gateway;
  before(async () => {
    gw = await Gateway.start();
  });
  after(() => gw?.stop());

  const signIn = (token: string) =>
    fetch(`${gw.url}/console/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });

  it('slows down guessing: after 10 wrong tokens from one address even the right one waits', async () => {
    const ok = await signIn(ADMIN_TOKEN);
    assert.equal(ok.status, 303);
    assert.match(ok.headers.get('set-cookie')!, /^pg_console=[^;]+; Path=\/console; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    for (let i = 0; i < 10; i++) assert.equal((await signIn(`wrong-${i}`)).status, 401);
    const refused = await signIn(ADMIN_TOKEN);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('set-cookie'), null);
    assert.match(await refused.text(), /Too many wrong tokens/);
  });

  it('refuses a forged or tampered session cookie', async () => {
    for (const cookie of ['pg_console=abc.def', 'pg_console=eyJpZCI6IngiLCJleHAiOjk5OTk5OTk5OTk5OTl9.AAAA', 'pg_console=']) {
      const r = await fetch(`${gw.url}/console/money`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(r.status, 303, cookie);
      assert.equal(r.headers.get('location'), '/console/login');
    }
  });
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`console sign-out (${store})`, () => {
    let gw: Gateway;
    let drop = async () => {};
    before(async () => {
      const st = await storeFor(store);
      drop = st.drop;
      gw = await Gateway.start({ databaseUrl: st.databaseUrl });
    });
    after(async () => {
      await gw?.stop();
      await drop();
    });

    const signIn = (token: string) =>
      fetch(`${gw.url}/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ token }),
        redirect: 'manual',
      });

    it('ends the session: its cookie, kept and sent again, is refused, also after a restart; another session goes on', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };
      const signedIn = await signIn(ADMIN_TOKEN);
      const cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
      const other = (await signIn(ADMIN_TOKEN)).headers.get('set-cookie')!.split(';')[0];
      const home = await (await fetch(`${gw.url}/console`, { headers: { cookie } })).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(home)![1];
      const out = await fetch(`${gw.url}/console/logout`, { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: new URLSearchParams({ _csrf: csrf }) });
      assert.equal(out.status, 303);
      const refusedAfter = async () => {
        const page = await fetch(`${gw.url}/console/merchants`, { headers: { cookie }, redirect: 'manual' });
        assert.equal(page.status, 303);
        assert.equal(page.headers.get('location'), '/console/login');
        // Nor does its CSRF token make a form go through.
        const post = await fetch(`${gw.url}/console/merchants`, { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: new URLSearchParams({ _csrf: csrf, name: 'After sign-out' }) });
        assert.equal(post.status, 401);
        // The sign-in page is offered again, not skipped.
        assert.equal((await fetch(`${gw.url}/console/login`, { headers: { cookie }, redirect: 'manual' })).status, 200);
      };
      await refusedAfter();
      // Another session (another browser of the operator's) goes on.
      assert.equal((await fetch(`${gw.url}/console/merchants`, { headers: { cookie: other }, redirect: 'manual' })).status, 200);
      await gw.restart();
      await refusedAfter();
      assert.equal((await fetch(`${gw.url}/console/merchants`, { headers: { cookie: other }, redirect: 'manual' })).status, 200);
      assert.equal((await gw.admin('GET', '/merchants')).json.items.length, 0);
    });
  });
}

describe('console forms with values no form of its own sends', () => {
  let gw: Gateway;
  let merchant: Awaited<ReturnType<Gateway['merchant']>>;
  let cookie: string;
  let csrf: string;
  before(async () => {
    gw = await Gateway.start();
    merchant = await gw.merchant('Form Co');
    const login = await fetch(`${gw.url}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await (await fetch(`${gw.url}/console/merchants/${merchant.id}`, { headers: { cookie } })).text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  });
  after(() => gw?.stop());

  const post = (path: string, body: string, type: string) =>
    fetch(`${gw.url}/console${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': type, 'sec-fetch-site': 'same-origin' }, body });

  it('refuses them with 400 and the reason, changing nothing and logging no error', async () => {
    const before = (await gw.admin('GET', `/merchants/${merchant.id}/branding`)).json;
    const merchants = (await gw.admin('GET', '/merchants')).json.items.length;
    // Names of Object.prototype's members are no test event.
    for (const event of ['constructor', 'toString', '__proto__']) {
      const r = await post(`/merchants/${merchant.id}/webhook/test`, new URLSearchParams({ _csrf: csrf, event }).toString(), 'application/x-www-form-urlencoded');
      assert.equal(r.status, 400, `event=${event}`);
      assert.match(await r.text(), /event must be one of verification\.success/);
    }
    // The console takes forms: a JSON body whose fields are not text is refused, not run.
    for (const [path, body] of [
      ['/merchants', { _csrf: csrf, name: 123 }],
      [`/merchants/${merchant.id}/branding`, { _csrf: csrf, display_name: {} }],
      [`/merchants/${merchant.id}/rate-limit`, { _csrf: csrf, per_minute: [7] }],
    ] as const) {
      const r = await post(path, JSON.stringify(body), 'application/json');
      assert.equal(r.status, 400, `${path}: ${r.status}`);
    }
    assert.deepEqual((await gw.admin('GET', `/merchants/${merchant.id}/branding`)).json, before);
    assert.equal((await gw.admin('GET', `/merchants/${merchant.id}`)).json.rate_limit_per_minute, null);
    assert.equal((await gw.admin('GET', '/merchants')).json.items.length, merchants);
    // A link's ?done= says one of the console's own sentences or nothing.
    const page = await (await fetch(`${gw.url}/console/merchants?done=constructor`, { headers: { cookie } })).text();
    assert.doesNotMatch(page, /class="flash/);
    assert.doesNotMatch(gw.output, /"level":50/);
  });

  it('asks before revoking a key or removing a webhook on pages that change nothing, and only signed in', async () => {
    assert.equal((await gw.admin('PUT', `/merchants/${merchant.id}/webhook`, { url: 'https://1.1.1.1/in?token=t0p', dialect: 'cashfree' })).status, 200);
    const key = merchant.test_key.client_id;
    for (const path of [`/merchants/${merchant.id}/keys/${key}/revoke`, `/merchants/${merchant.id}/webhook/delete`]) {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${gw.url}/console${path}`, { headers: { cookie }, redirect: 'manual' });
        assert.equal(r.status, 200, path);
        const text = await r.text();
        // The question, tied to the one button that posts the change with the CSRF token.
        assert.match(text, /<p id="question">[^<]+<\/p>/);
        assert.match(text, new RegExp(`<form method="post" action="/console${path.replace(/[/]/g, '\\/')}"[^>]*><input type="hidden" name="_csrf"`));
        assert.match(text, /<button type="submit" class="danger" aria-describedby="question">/);
        assert.doesNotMatch(text, /t0p|\/in\?/, 'the webhook by its host only');
      }
      const anonymous = await fetch(`${gw.url}/console${path}`, { redirect: 'manual' });
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.headers.get('location'), '/console/login');
    }
    // Read twice, signed in and not: the key still works, the webhook is still set.
    assert.equal((await gw.cashfree(merchant.test_key).createRpd({ verification_id: 'asked-only' })).status, 200);
    assert.equal((await gw.admin('GET', `/merchants/${merchant.id}/webhook`)).json.url, 'https://1.1.1.1/in?token=t0p');
  });

  it("answers a form for a merchant that does not exist 404, as its page, not 500", async () => {
    for (const [path, fields] of [
      ['/merchants/mer_nonexistent/keys', { mode: 'test' }],
      ['/merchants/mer_nonexistent/rate-limit', { per_minute: '7' }],
    ] as const) {
      const r = await post(path, new URLSearchParams({ _csrf: csrf, ...fields }).toString(), 'application/x-www-form-urlencoded');
      assert.equal(r.status, 404, `${path}: ${r.status}`);
      assert.match(await r.text(), /No such merchant/);
    }
    assert.doesNotMatch(gw.output, /"level":50/);
  });
});
