// The OpenAPI document the gateway serves is valid OpenAPI 3.1 (swagger-parser), passes Redocly's
// recommended rules without an error, documents every operation fully, and renders at /docs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { launch } from './support/browser.js';
import { Gateway, needsChromium } from './support/gateway.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

describe('OpenAPI document', () => {
  let gw: Gateway;
  let doc: any;
  before(async () => {
    gw = await Gateway.start();
    const r = await gw.request('GET', '/openapi.json');
    assert.equal(r.status, 200);
    doc = r.json;
  });
  after(() => gw?.stop());

  const operations = () =>
    Object.entries<any>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([m]) => METHODS.includes(m))
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('is valid OpenAPI 3.1 for swagger-parser', async () => {
    assert.equal(doc.openapi, '3.1.0');
    await SwaggerParser.validate(structuredClone(doc));
  });

  it("documents text the serializer writes verbatim (a create's QR code and links) as plain strings", () => {
    const formats = new Set<string>();
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as Record<string, unknown>;
        if (typeof o.format === 'string' && o.type === 'string') formats.add(o.format);
        Object.values(o).forEach(walk);
      }
    };
    walk(doc);
    assert.ok(!formats.has('unsafe'), `formats: ${[...formats].join(', ')}`);
    const created = doc.paths['/verification/reverse-penny-drop'].post.responses['200'].content['application/json'].schema;
    const props = created.properties ?? doc.components.schemas[created.$ref.split('/').pop()].properties;
    assert.deepEqual(props.qr_code, { type: 'string', description: 'Base64 PNG of the QR code of upi_link (no data: prefix).' });
    assert.deepEqual(props.upi_link, { type: 'string' });
  });

  it('names servers, operations, schemas and security, and every answer has a schema', () => {
    assert.deepEqual(doc.servers.map((s: any) => s.url), [gw.url.replace('127.0.0.1', 'localhost')]);
    const ids = new Set<string>();
    for (const { key, op } of operations()) {
      assert.match(op.operationId ?? '', /^[A-Za-z][A-Za-z0-9]+$/, `${key}: operationId`);
      assert.ok(!ids.has(op.operationId), `${key}: operationId ${op.operationId} is used twice`);
      ids.add(op.operationId);
      assert.ok(Array.isArray(op.security), `${key}: security`);
      const codes = Object.keys(op.responses);
      assert.ok(codes.some((c) => c.startsWith('2')), `${key}: a success answer`);
      for (const c of codes) {
        if (c === '204' || (c === '404' && key.includes('/rpd/'))) continue;
        const media = Object.values<any>(op.responses[c].content ?? {});
        assert.ok(media.length > 0 && media.every((m) => m.schema), `${key} ${c}: a schema`);
      }
    }
    for (const name of Object.keys(doc.components.schemas)) assert.doesNotMatch(name, /^def-\d+$/);
    // Sandbox, hosted page and health are in the document, with no credentials needed.
    for (const key of ['POST /sandbox/upi/pay', 'GET /rpd/{code}', 'GET /rpd/{code}/status', 'GET /healthz', 'GET /readyz', 'GET /metrics']) {
      const found = operations().find((o) => o.key === key);
      assert.ok(found, `${key} is documented`);
      assert.deepEqual(found!.op.security, []);
    }
    assert.deepEqual(operations().find((o) => o.key === 'GET /admin/merchants')!.op.security, [{ AdminToken: [] }]);
  });

  it("passes Redocly's recommended rules with no error", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pennygate-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'redocly');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const { stdout } = await promisify(execFile)(bin, ['lint', file, '--format=json'], { env, maxBuffer: 1 << 24 }).catch((e) => e);
    const report = JSON.parse(stdout);
    const errors = report.problems.filter((p: any) => p.severity === 'error');
    assert.deepEqual(errors.map((p: any) => `${p.ruleId}: ${p.message}`), []);
    assert.equal(report.totals.errors, 0);
  });

  it('serves the API reference at /docs from the package, with no CDN', async () => {
    const page = await gw.request('GET', '/docs/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.doesNotMatch(page.text, /https?:\/\//);
    const bundle = await gw.request('GET', '/docs/static/swagger-ui-bundle.js');
    assert.equal(bundle.status, 200);
    assert.ok(bundle.text.length > 100_000);
    const init = await gw.request('GET', '/docs/static/swagger-initializer.js');
    assert.equal(init.status, 200);
    // The UI reads the same document.
    const json = await gw.request('GET', '/docs/json');
    assert.deepEqual(json.json.paths['/verification/reverse-penny-drop'], doc.paths['/verification/reverse-penny-drop']);
  });

  it('renders the API reference in a browser under its content security policy', { skip: needsChromium }, async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (m) => m.type() === 'error' && refused.push(m.text()));
      const r = await page.goto(`${gw.url}/docs/`);
      assert.match(r!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
      assert.doesNotMatch(r!.headers()['content-security-policy'] ?? '', /unsafe-eval|https?:/);
      // The operations are listed, so the scripts ran and read the document.
      await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 });
      const paths = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.textContent?.replace(/\u200b/g, '')));
      assert.ok(paths.includes('/verification/reverse-penny-drop'), paths.join(', '));
      assert.deepEqual(refused.filter((t) => /Content Security Policy/i.test(t)), []);
    } finally {
      await browser.close();
    }
  });
});
