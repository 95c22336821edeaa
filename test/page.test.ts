// The hosted page in a real headless Chromium: QR, app buttons, countdown, live status,
// sandbox "pay as" buttons, and the way back to the merchant.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { CHROMIUM_PATH, Gateway, eventually, freePort, needsChromium } from './support/gateway.js';

describe('hosted page', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  let merchantSite: Server;
  let merchantUrl: string;
  let cf: ReturnType<Gateway['cashfree']>;

  before(async () => {
    const port = await freePort();
    gw = await Gateway.start({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    cf = gw.cashfree((await gw.merchant('Page Co')).test_key);
    // The merchant's own site, where the customer lands after the verification.
    merchantSite = createServer((req, res) => res.end(`<html><body><h1 id="back">Back at the merchant ${req.url}</h1></body></html>`));
    const sitePort = await freePort();
    await new Promise<void>((r) => merchantSite.listen(sitePort, '127.0.0.1', r));
    merchantUrl = `http://127.0.0.1:${sitePort}/done`;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    merchantSite?.close();
    await gw?.stop();
  });

  it('shows the QR, the app buttons and the countdown, and pays as a sandbox payer', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-1', name: 'John Doe', redirect_url: merchantUrl })).json;
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(created.url);

    const qr = page.locator('img.qr');
    await qr.waitFor();
    assert.equal(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 256);
    const hrefs = await page.locator('nav.apps a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, [created.gpay, created.phonepe, created.paytm, created.bhim, created.upi_link]);
    const t1 = await page.locator('#countdown').textContent();
    assert.match(t1!, /^(09:5\d|10:00)$/);
    await page.waitForFunction((t) => document.getElementById('countdown')!.textContent !== t, t1);
    assert.match((await page.locator('#status').textContent())!, /Waiting/);

    const shot = await page.screenshot({ fullPage: true });
    const png = PNG.sync.read(shot);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
    assert.ok(png.width > 300 && png.height > 500);
    assert.ok(colours.size > 8, `screenshot has ${colours.size} colours: blank?`);

    await page.getByRole('button', { name: 'Pay as success@upi' }).click();
    await page.locator('#status.success').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#status').textContent())!, /verified/i);
    assert.equal(await page.locator('img.qr').isVisible(), false, 'nothing is left to pay');
    // Back at the merchant's, with the outcome in the query string.
    await page.waitForURL((u) => u.toString().startsWith(merchantUrl), { timeout: 10_000 });
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('status'), 'SUCCESS');
    assert.equal(landed.searchParams.get('verification_id'), 'page-1');
    assert.match((await page.locator('#back').textContent())!, /Back at the merchant/);
    assert.deepEqual(errors, []);

    const s = (await cf.status({ verification_id: 'page-1' })).json;
    assert.equal(s.status, 'SUCCESS');
    assert.equal(s.upi, 'success@upi');
    await page.close();
  });

  it('shows a failed payment and disables the pay buttons', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-2' })).json;
    const page = await browser.newPage();
    await page.goto(created.url);
    await page.getByRole('button', { name: 'Fail as failure@upi' }).click();
    await page.locator('#status.failure').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: 'Pay as success@upi' }).isDisabled(), true);
    await page.close();
  });

  it('answers an unknown link with a readable 404 page', async () => {
    const page = await browser.newPage();
    const r = await page.goto(`${gw.url}/rpd/nosuchcode123`);
    assert.equal(r!.status(), 404);
    assert.match(await page.locator('h1').textContent() ?? '', /not found/i);
    await page.close();
  });
});

describe('hosted page after the redirect window', () => {
  let gw: Gateway;
  let browser: Browser;
  before(async () => {
    const port = await freePort();
    gw = await Gateway.start({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, REDIRECT_WINDOW_SECONDS: '2' } });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('shows the outcome and a link instead of sending every later visitor to redirect_url', async () => {
    const cf = gw.cashfree((await gw.merchant('Late Co')).test_key);
    const created = (await cf.createRpd({ verification_id: 'late-1', redirect_url: 'https://merchant.example/done?from=pg' })).json;
    const code = new URL(created.url).pathname.split('/')[2];
    assert.equal((await gw.pay(created.upi_link, 'success@upi')).status, 200);
    // Within the window the page redirects; once it has passed, it only offers the link.
    const first = (await gw.request('GET', `/rpd/${code}/status`)).json;
    assert.equal(first.redirect_url, 'https://merchant.example/done?from=pg&status=SUCCESS&verification_id=late-1');
    const later = await eventually(
      async () => (await gw.request('GET', `/rpd/${code}/status`)).json,
      (s) => s.redirect_url === null,
      5000,
      'the redirect window to pass',
    );
    assert.equal(later.status, 'SUCCESS');
    assert.equal(later.return_url, 'https://merchant.example/done?from=pg&status=SUCCESS&verification_id=late-1');

    const page = await browser.newPage();
    await page.goto(created.url);
    await page.locator('#status.success').waitFor();
    const link = page.locator('a#back');
    await link.waitFor({ state: 'visible' });
    assert.equal(await link.getAttribute('href'), later.return_url);
    assert.equal(await page.locator('#rpd').getAttribute('data-redirect-url'), '');
    assert.equal(new URL(page.url()).pathname, `/rpd/${code}`);
    await page.close();
  });
});
