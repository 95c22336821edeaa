// Chromium for the browser tests: launch, an accessibility audit with axe-core (from
// node_modules, evaluated in the page so the page's own CSP stays in force), and screenshots
// kept as artifacts under test-artifacts/ (git-ignored).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_TOKEN, CHROMIUM_PATH } from './gateway.js';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it stands, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result: any = await page.evaluate(() => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

/** Saves a full-page screenshot as test-artifacts/<suite>/<name>.png and returns its path. */
export async function keepScreenshot(page: Page, suite: string, name: string): Promise<string> {
  const dir = join(ARTIFACTS, suite);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
};

export const DESKTOP = {
  viewport: { width: 1280, height: 860 },
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
};

/** A desktop page signed in to the console at `base` with the admin token, opened at `path`. */
export async function consoleAt(browser: Browser, base: string, path: string): Promise<Page> {
  const page = await (await browser.newContext(DESKTOP)).newPage();
  await page.goto(`${base}/console/login`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname !== '/console/login');
  await page.goto(`${base}${path}`);
  return page;
}
