// The hosted page in a real headless Chromium: the merchant named with its branding, English and
// Hindi at phone and desktop sizes, app buttons first on a phone and the QR first on a desktop,
// an accessibility audit (axe-core), the weight and origin of everything it loads, paying again
// after a wrong amount, a declined payment's way back to the merchant, the urgent last minute,
// and the page without JavaScript. Screenshots are kept under test-artifacts/hosted-page/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { Gateway, eventually, freePort, needsChromium, sleep } from './support/gateway.js';
import { ARTIFACTS, DESKTOP, PHONE, keepScreenshot, launch, seriousViolations } from './support/browser.js';

const SUITE = 'hosted-page';
// A 32x32 PNG (a teal disc): a logo small enough for a data: URL.
const LOGO = (() => {
  const png = new PNG({ width: 32, height: 32 });
  for (let y = 0; y < 32; y++)
    for (let x = 0; x < 32; x++) {
      const i = (y * 32 + x) * 4;
      const inside = (x - 15.5) ** 2 + (y - 15.5) ** 2 < 15 ** 2;
      png.data.set(inside ? [11, 122, 117, 255] : [0, 0, 0, 0], i);
    }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
})();

/** A page that records every request, every answer's size and every script error. */
async function openPage(browser: Browser, url: string, o: BrowserContextOptions = {}) {
  const context = await browser.newContext(o);
  const page = await context.newPage();
  const requests: string[] = [];
  const sizes: Promise<number>[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => {
    sizes.push(r.body().then((b) => b.length, () => 0));
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.locator('#status').waitFor();
  return { page, context, requests, errors, bytes: async () => (await Promise.all(sizes)).reduce((a, b) => a + b, 0) };
}

// As the tab does when the customer switches to the UPI app and back. A string: the test's
// compiler would wrap a function's inner arrows in a helper the page does not have.
const setHidden = (hidden: boolean) =>
  `Object.defineProperty(document, 'hidden', { configurable: true, value: ${hidden} }); document.dispatchEvent(new Event('visibilitychange'))`;

const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe('hosted page', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  let merchantSite: Server;
  let merchantUrl: string;
  let cf: ReturnType<Gateway['cashfree']>;
  const shots: string[] = [];

  before(async () => {
    const port = await freePort();
    gw = await Gateway.start({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    const m = await gw.merchant('Page Co Private Limited');
    cf = gw.cashfree(m.test_key);
    const branded = await gw.admin('PUT', `/merchants/${m.id}/branding`, { display_name: 'Page Co', accent_color: '#0B7A75', logo_url: LOGO });
    assert.equal(branded.status, 200, branded.text);
    // The merchant's own site, where the customer lands after the verification.
    merchantSite = createServer((req, res) => res.end(`<html><body><h1 id="back">Back at the merchant ${req.url}</h1></body></html>`));
    const sitePort = await freePort();
    await new Promise<void>((r) => merchantSite.listen(sitePort, '127.0.0.1', r));
    merchantUrl = `http://127.0.0.1:${sitePort}/done`;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    merchantSite?.close();
    await gw?.stop();
    if (shots.length) console.log(`hosted page screenshots in ${ARTIFACTS}/${SUITE}/:\n  ${shots.join('\n  ')}`);
  });

  it('on a phone, in English: names the merchant, app buttons first, passes axe, under 50 KB from this origin only, and pays', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-1', name: 'John Doe', redirect_url: merchantUrl })).json;
    const { page, context, requests, errors, bytes } = await openPage(browser, created.url, { ...PHONE, locale: 'en-IN', extraHTTPHeaders: { 'accept-language': 'en-IN,en;q=0.9' } });
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('.merchant-name').textContent(), 'Page Co');
    assert.match((await page.locator('.lede').textContent())!, /Page Co asks you to verify .*₹1.*comes back to you within 48 hours/);
    const qr = page.locator('img.qr');
    await qr.waitFor();
    assert.equal(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 256);
    assert.equal(await page.locator('img.logo').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), 32);
    // The app buttons, every one a real link, come before the QR code.
    const hrefs = await page.locator('nav.apps a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, [created.gpay, created.phonepe, created.paytm, created.bhim, created.upi_link]);
    assert.ok(await page.locator('nav.apps a').first().isVisible());
    assert.ok((await box(page, 'nav.apps a')).y < (await box(page, 'img.qr')).y, 'apps above the QR on a phone');
    // The accent colour reaches the buttons, with readable text on it.
    assert.equal(await page.locator('nav.apps a').first().evaluate((a) => getComputedStyle(a).backgroundColor), 'rgb(11, 122, 117)');

    const t1 = await page.locator('#countdown').textContent();
    assert.match(t1!, /^(09:5\d|10:00)$/);
    await page.waitForFunction((t) => document.getElementById('countdown')!.textContent !== t, t1);
    assert.match((await page.locator('#status').textContent())!, /Waiting/);
    assert.equal(await page.locator('.timer').evaluate((e) => e.classList.contains('urgent')), false);

    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'phone-en'));
    const png = PNG.sync.read(await page.screenshot({ fullPage: true }));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
    assert.ok(colours.size > 8, `screenshot has ${colours.size} colours: blank?`);

    const weight = await bytes();
    assert.ok(weight < 50 * 1024, `the page weighs ${weight} bytes`);
    console.log(`hosted page on a phone: ${weight} bytes in ${requests.length} requests`);
    assert.deepEqual(requests.filter((u) => !u.startsWith(gw.url)), [], 'no third-party requests');

    await page.getByRole('button', { name: 'Pay as success@upi' }).click();
    await page.locator('#status.success').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#status').textContent())!, /verified/i);
    assert.match((await page.locator('#next').textContent())!, /within 48 hours/);
    assert.equal(await page.locator('img.qr').isVisible(), false, 'nothing is left to pay');
    shots.push(await keepScreenshot(page, SUITE, 'phone-en-success'));
    // Back at the merchant's, with the outcome in the query string.
    await page.waitForURL((u) => u.toString().startsWith(merchantUrl), { timeout: 10_000 });
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('status'), 'SUCCESS');
    assert.equal(landed.searchParams.get('verification_id'), 'page-1');
    assert.deepEqual(errors, []);
    assert.equal((await cf.status({ verification_id: 'page-1' })).json.status, 'SUCCESS');
    await context.close();
  });

  it('on a desktop, in Hindi from Accept-Language: the QR first with "scan with your phone", no app buttons; the switch to English is remembered', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-hi', name: 'John Doe' })).json;
    const { page, context, errors } = await openPage(browser, created.url, { ...DESKTOP, locale: 'hi-IN', extraHTTPHeaders: { 'accept-language': 'hi-IN,hi;q=0.9,en;q=0.8' } });
    assert.equal(await page.locator('html').getAttribute('lang'), 'hi');
    assert.equal(await page.locator('h1').textContent(), 'अपना बैंक खाता सत्यापित करें');
    assert.match((await page.locator('.lede').textContent())!, /Page Co .*₹1 48 घंटों के भीतर/);
    assert.match((await page.locator('.qr-hint').textContent())!, /अपने फ़ोन से स्कैन करें/);
    assert.ok(await page.locator('img.qr').isVisible());
    assert.equal(await page.locator('nav.apps a').first().isVisible(), false, 'no app buttons that would do nothing on a desktop');
    assert.match((await page.locator('#status').textContent())!, /प्रतीक्षा/);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'desktop-hi'));

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.match((await page.locator('.qr-hint').textContent())!, /Scan with your phone/);
    // The choice outlives the page: the same browser opens the link in English again.
    await page.goto(created.url);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'desktop-en'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('in Hindi on a phone: apps first, and a wrong amount lets the customer pay again on the same link', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-retry', name: 'John Doe', redirect_url: merchantUrl })).json;
    const { page, context, errors } = await openPage(browser, `${created.url}?lang=hi`, PHONE);
    assert.equal(await page.locator('html').getAttribute('lang'), 'hi');
    assert.ok((await box(page, 'nav.apps a')).y < (await box(page, 'img.qr')).y);
    assert.equal(await page.locator('a.app[data-app=upi]').textContent(), 'अन्य UPI ऐप');
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'phone-hi'));

    // The test-mode buttons speak the page's language too.
    await page.getByRole('button', { name: '₹2 का भुगतान करें (गलत राशि)' }).click();
    await page.locator('#notice').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await page.locator('#notice').textContent())!, /दूसरी राशि/);
    assert.equal(await page.locator('#rpd').getAttribute('data-status'), 'CREATED');
    assert.ok(await page.locator('img.qr').isVisible(), 'still payable');
    shots.push(await keepScreenshot(page, SUITE, 'phone-hi-retry'));
    assert.deepEqual(await seriousViolations(page), []);

    await page.getByRole('button', { name: 'success@upi के रूप में भुगतान करें' }).click();
    await page.locator('#status.success').waitFor({ timeout: 10_000 });
    const s = (await cf.status({ verification_id: 'page-retry' })).json;
    assert.equal(s.status, 'SUCCESS');
    // The wrong amount goes back too: two credits, both refunded.
    const ref = s.ref_id ?? created.ref_id;
    const detail = await eventually(
      async () => (await gw.admin('GET', `/verifications/${ref}`)).json,
      (d) => d.credits.length === 2 && d.credits.every((c: any) => c.refund_status === 'success'),
      15_000,
      'both credits refunded',
    );
    assert.deepEqual(detail.credits.map((c: any) => c.disposition).sort(), ['verified', 'wrong_amount']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('after a declined payment: says no money left, disables paying, and offers the way back to the merchant without leaving by itself', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-2', redirect_url: merchantUrl })).json;
    const { page, context } = await openPage(browser, created.url, PHONE);
    await page.getByRole('button', { name: 'Fail as failure@upi' }).click();
    await page.locator('#status.failure').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('button', { name: 'Pay as success@upi' }).isDisabled(), true);
    assert.match((await page.locator('#next').textContent())!, /No money left your account/);
    const back = page.getByRole('link', { name: 'Try again at Page Co' });
    await back.waitFor();
    const href = new URL((await back.getAttribute('href'))!);
    assert.equal(href.searchParams.get('status'), 'FAILURE');
    assert.equal(href.searchParams.get('verification_id'), 'page-2');
    assert.equal(await page.locator('img.qr').isVisible(), false);
    assert.deepEqual(await seriousViolations(page), []);
    shots.push(await keepScreenshot(page, SUITE, 'phone-en-declined'));
    // A declined verification stays declined: paying the same link now only brings a refund.
    assert.equal((await gw.pay(created.upi_link, 'success@upi')).status, 200);
    assert.equal((await cf.status({ verification_id: 'page-2' })).json.status, 'FAILURE');
    // The customer reads why before going back; the page does not leave by itself.
    await gw.idle();
    assert.equal(new URL(page.url()).pathname, new URL(created.url).pathname);
    await back.click();
    await page.waitForURL((u) => u.toString().startsWith(merchantUrl));
    await context.close();
  });

  it('reads its status one read at a time, and goes back to the merchant once', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-once', name: 'John Doe', redirect_url: merchantUrl })).json;
    const { page, context, requests, errors } = await openPage(browser, created.url, PHONE);
    // A slow network: every status read takes 1.5 s. A pay button asks for a read while one is
    // on its way: it must follow that one, not run beside it (two rounds of reads, and two
    // answers of the success together would send the customer to redirect_url twice).
    let inFlight = 0;
    let most = 0;
    await page.route('**/status', async (route) => {
      most = Math.max(most, ++inFlight);
      await sleep(1500);
      inFlight--;
      await route.continue();
    });
    await eventually(async () => inFlight, (n) => n === 1, 10_000, 'a status read on its way');
    await page.getByRole('button', { name: 'Pay as success@upi' }).click();
    await page.waitForURL((u) => u.toString().startsWith(merchantUrl), { timeout: 20_000 });
    await page.locator('#back').waitFor();
    assert.equal(most, 1, 'status reads on their way at once');
    // One navigation to the merchant: a second would have cancelled the first on its way.
    assert.equal(requests.filter((u) => u.startsWith(merchantUrl)).length, 1, requests.join('\n'));
    assert.equal(new URL(page.url()).searchParams.get('verification_id'), 'page-once');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('gives up a read that never answers and asks again; asks seldom while hidden and at once when shown', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-stuck', name: 'John Doe', redirect_url: merchantUrl })).json;
    const { page, context } = await openPage(browser, created.url, PHONE);
    // The first read after this point never gets an answer (a dead connection after the UPI app).
    const reads: number[] = [];
    let hung = false;
    await page.route('**/status', async (route) => {
      reads.push(Date.now());
      if (!hung) {
        hung = true;
        return; // neither continued nor fulfilled: the read hangs until the page gives it up
      }
      await route.continue();
    });
    await eventually(async () => reads.length, (n) => n >= 2, 20_000, 'a read after the one that hung');
    assert.ok(reads[1] - reads[0] >= 7000, `the hung read was given up after ${reads[1] - reads[0]} ms`);
    // Hidden (the customer went to the UPI app): reads come seldom.
    await page.evaluate(setHidden(true));
    await sleep(2500); // the read already scheduled may still come
    const hiddenFrom = reads.length;
    await sleep(6000);
    assert.ok(reads.length - hiddenFrom <= 1, `${reads.length - hiddenFrom} reads in 6 s while hidden`);
    // Paid in the app, then back: the page asks at once and goes back to the merchant.
    const paid = await gw.pay(created.upi_link, 'success@upi');
    assert.equal(paid.status, 200, paid.text);
    const shownAt = Date.now();
    const before = reads.length;
    await page.evaluate(setHidden(false));
    await eventually(async () => reads.length, (n) => n > before, 5_000, 'a read when shown');
    assert.ok(reads[before] - shownAt < 1000, `read ${reads[before] - shownAt} ms after being shown`);
    await page.waitForURL((u) => u.toString().startsWith(merchantUrl), { timeout: 10_000 });
    await context.close();
  });

  it('works without JavaScript: the QR code, the app links and the time left are in the HTML', async () => {
    const created = (await cf.createRpd({ verification_id: 'page-nojs' })).json;
    const { page, context } = await openPage(browser, created.url, { ...PHONE, javaScriptEnabled: false });
    assert.equal(await page.locator('img.qr').evaluate((img: HTMLImageElement) => img.naturalWidth), 256);
    assert.equal(await page.locator('nav.apps a').first().getAttribute('href'), created.gpay);
    assert.match((await page.locator('#countdown').textContent())!, /^(09:5\d|10:00)$/);
    await page.getByRole('link', { name: 'हिन्दी' }).click();
    assert.equal(await page.locator('html').getAttribute('lang'), 'hi');
    await context.close();
  });

  it('refuses hostile branding and keeps what was set', async () => {
    const m = await gw.merchant('Brand Check');
    const before = (await gw.admin('GET', `/merchants/${m.id}/branding`)).json;
    for (const body of [
      { display_name: '<script>alert(1)</script>' },
      { display_name: 'Acme\u202eyaP' },
      { display_name: 'x'.repeat(61) },
      { accent_color: 'red' },
      { accent_color: '#12345' },
      { logo_url: 'http://cdn.example/logo.png' },
      { logo_url: 'javascript:alert(1)' },
      { logo_url: 'https://user:pw@cdn.example/logo.png' },
      { logo_url: 'data:image/svg+xml;base64,PHN2Zy8+' },
      { logo_url: `data:image/png;base64,${Buffer.from('GIF89a not a png').toString('base64')}` },
      { logo_url: `data:image/png;base64,${Buffer.alloc(17 * 1024, 1).toString('base64')}` },
      // Fetched by every customer's browser: not from the customer's own machine or network.
      { logo_url: 'https://192.168.1.1/logo.png' },
      { logo_url: 'https://127.0.0.1/logo.png' },
      { logo_url: 'https://10.0.0.7/logo.png' },
      { logo_url: 'https://169.254.169.254/logo.png' },
      { logo_url: 'https://localhost/logo.png' },
      { logo_url: 'https://router.localhost/logo.png' },
      { logo_url: 'https://router/logo.png' },
      { logo_url: 'https://printer.local/logo.png' },
      { logo_url: 'https://files.corp.internal/logo.png' },
      { colour: '#000000' },
    ]) {
      const r = await gw.admin('PUT', `/merchants/${m.id}/branding`, body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_request');
    }
    assert.deepEqual((await gw.admin('GET', `/merchants/${m.id}/branding`)).json, before);
    assert.equal((await gw.admin('PUT', '/merchants/mer_nosuch/branding', { display_name: 'X' })).status, 404);
    // An https logo: that host, and only it, may serve the page an image.
    const ok = await gw.admin('PUT', `/merchants/${m.id}/branding`, { display_name: 'ब्रांड चेक', logo_url: 'https://cdn.example/logo.png' });
    assert.deepEqual(ok.json, { display_name: 'ब्रांड चेक', logo_url: 'https://cdn.example/logo.png', accent_color: null });
    // A public IPv4 address is a host like any other.
    const byAddress = await gw.admin('PUT', `/merchants/${m.id}/branding`, { logo_url: 'https://93.184.215.14/logo.png' });
    assert.equal(byAddress.status, 200, byAddress.text);
    await gw.admin('PUT', `/merchants/${m.id}/branding`, { logo_url: 'https://cdn.example/logo.png' });
    const created = (await gw.cashfree(m.test_key).createRpd({ verification_id: 'brand-1' })).json;
    const r = await gw.request('GET', new URL(created.url).pathname);
    assert.match(r.headers.get('content-security-policy')!, /img-src 'self' https:\/\/cdn\.example;/);
    assert.match(r.text, /<p class="merchant-name">ब्रांड चेक<\/p>/);
    assert.equal((await gw.request('GET', `/admin/merchants/${m.id}/branding`)).status, 401, 'the admin token is required');
  });

  it('answers an unknown link with a readable 404 page', async () => {
    const page = await browser.newPage();
    const r = await page.goto(`${gw.url}/rpd/nosuchcode123`);
    assert.equal(r!.status(), 404);
    assert.match((await page.locator('h1').textContent()) ?? '', /not found/i);
    await page.close();
  });

  it('answers a code that cannot be one as it answers an unknown code, in the form of the resource asked for', async () => {
    for (const code of ['nosuchcode123', 'NOSUCH', 'ab']) {
      const status = await gw.request('GET', `/rpd/${code}/status`);
      assert.equal(status.status, 404, `${code}: ${status.text}`);
      assert.deepEqual(status.json, { status: 'NOT_FOUND' });
      const qr = await gw.request('GET', `/rpd/${code}/qr.png`);
      assert.equal(qr.status, 404);
      assert.equal(qr.text, '');
      const logo = await gw.request('GET', `/rpd/${code}/logo`);
      assert.equal(logo.status, 404);
      assert.equal(logo.text, 'No logo.');
      const css = await gw.request('GET', `/rpd/${code}/theme.css`);
      assert.equal(css.status, 404);
      assert.match(css.headers.get('content-type')!, /^text\/css/);
      const html = await gw.request('GET', `/rpd/${code}`);
      assert.equal(html.status, 404);
      assert.match(html.headers.get('content-type')!, /^text\/html/);
      // In the customer's language, whether the code is unknown or cannot be one.
      const hindi = await gw.request('GET', `/rpd/${code}`, { headers: { 'accept-language': 'hi-IN,hi;q=0.9' } });
      assert.match(hindi.text, /<html lang="hi">[\s\S]*लिंक नहीं मिला/, code);
    }
  });
});

describe('hosted page in its last minute', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  before(async () => {
    gw = await Gateway.start({ env: { RPD_LINK_TTL_SECONDS: '62' } });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('turns the countdown urgent and says so when less than a minute is left', async () => {
    const cf = gw.cashfree((await gw.merchant('Hurry Co')).test_key);
    const created = (await cf.createRpd({ verification_id: 'urgent-1' })).json;
    const { page, context } = await openPage(browser, created.url, PHONE);
    await page.locator('.timer.urgent').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#urgent-text').textContent())!, /Less than a minute left/);
    assert.deepEqual(await seriousViolations(page), []);
    await keepScreenshot(page, SUITE, 'phone-en-urgent');
    await context.close();
  });
});

describe('hosted page after the redirect window', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  before(async () => {
    const port = await freePort();
    gw = await Gateway.start({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, REDIRECT_WINDOW_SECONDS: '2' } });
    browser = await launch();
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
    assert.equal(await link.textContent(), 'Return to Late Co');
    assert.equal(await page.locator('#rpd').getAttribute('data-redirect-url'), '');
    assert.equal(new URL(page.url()).pathname, `/rpd/${code}`);
    await page.close();
  });
});

describe('hosted page when the time is up', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  before(async () => {
    // A 3 s link whose late notices are awaited 4 s (NOTIFICATION_GRACE) before it expires.
    gw = await Gateway.start({ env: { RPD_LINK_TTL_SECONDS: '3', NOTIFICATION_GRACE_SECONDS: '4' } });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('offers nothing to pay at 00:00, takes a late payment as late (not as a wrong amount), then reads expired', async () => {
    const cf = gw.cashfree((await gw.merchant('Slow Co')).test_key);
    const created = (await cf.createRpd({ verification_id: 'time-up-1' })).json;
    const { page, context, errors } = await openPage(browser, created.url, PHONE);
    await page.locator('#status.checking').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#status').textContent())!, /Time is up\. If you paid just now, we are checking with your bank/);
    // Before, the QR code, the app buttons and the pay buttons stayed for the grace.
    assert.equal(await page.locator('.apps-block').isVisible(), false);
    assert.equal(await page.locator('.qr').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Pay as success@upi' }).isDisabled(), true);
    await keepScreenshot(page, SUITE, 'phone-en-time-up');
    // The server says so too (a reload shows the same), though the API still reads CREATED.
    const code = new URL(created.url).pathname.split('/')[2];
    const status = (await gw.request('GET', `/rpd/${code}/status`)).json;
    assert.deepEqual([status.status, status.final, status.seconds_left], ['CHECKING', false, 0]);
    assert.equal((await cf.status({ verification_id: 'time-up-1' })).json.status, 'CREATED');
    // A rupee paid now is late: refunded, and not told as "a payment of a different amount".
    assert.equal((await gw.pay(created.upi_link, 'success@upi')).status, 200);
    await sleep(2500);
    assert.equal(await page.locator('#notice').isVisible(), false);
    assert.equal((await gw.request('GET', `/rpd/${code}/status`)).json.returned_payments, 0);
    await page.locator('#status.expired').waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('hosted page under a PUBLIC_URL with a path', { skip: needsChromium }, () => {
  let gw: Gateway;
  let browser: Browser;
  let proxy: Server;
  let proxyUrl: string;
  before(async () => {
    // A proxy in front serves the gateway under /pg and takes /pg off, as PUBLIC_URL says.
    const proxyPort = await freePort();
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    gw = await Gateway.start({ env: { PUBLIC_URL: `${proxyUrl}/pg` } });
    const target = new URL(gw.url);
    proxy = createServer((req, res) => {
      if (!req.url?.startsWith('/pg/')) return res.writeHead(404).end('not under /pg');
      const fwd = httpRequest({ host: target.hostname, port: target.port, path: req.url.slice(3), method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      });
      fwd.on('error', () => res.writeHead(502).end());
      req.pipe(fwd);
    });
    await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => proxy?.close(r));
    await gw?.stop();
  });

  it('loads its style, script and QR code under the path, and follows a payment there', async () => {
    const cf = gw.cashfree((await gw.merchant('Prefixed Co')).test_key);
    const created = (await cf.createRpd({ verification_id: 'prefix-1' })).json;
    assert.ok(created.url.startsWith(`${proxyUrl}/pg/rpd/`), created.url);
    const { page, context, requests, errors } = await openPage(browser, created.url, DESKTOP);
    // Before, every asset was asked for at the root (/assets/rpd.css): 404 from the proxy.
    assert.deepEqual(errors, []);
    for (const r of requests) assert.ok(r.startsWith(`${proxyUrl}/pg/`), r);
    assert.equal(await page.locator('.qr').evaluate((img: HTMLImageElement) => img.naturalWidth > 0), true);
    // The language chosen is remembered under the path too (its cookie's Path).
    await page.goto(`${created.url}?lang=hi`);
    await page.goto(created.url);
    assert.equal(await page.locator('html').getAttribute('lang'), 'hi');
    await page.getByRole('button', { name: 'success@upi के रूप में भुगतान करें' }).click();
    await page.locator('#status.success').waitFor({ timeout: 10_000 });
    await context.close();
  });
});
