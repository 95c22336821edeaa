// The IFSC directory: the CLI imports the public dataset (Razorpay's format: per-bank JSON
// files, one JSON file, or IFSC.csv), re-imports idempotently, and the running server shows a
// branch of the imported data in the mobile penny drop's ifsc_details. The data is a small,
// unmodified subset of the public dataset kept in test/fixtures/ifsc (the full import's speed is
// measured by bench/ifsc-import.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Gateway, freshPostgres, needsPostgres } from './support/gateway.js';
import { BUILTIN_BRANCHES } from '../src/store/ifsc-builtin.js';

const DATASET = join(import.meta.dirname, 'fixtures', 'ifsc');
const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
// Records and bank files in the fixture.
const RECORDS = 58;
const FILES = 12;
// The directory also holds the sandbox's built-in branches that the fixture lacks.
const fixtureCodes = new Set(
  readdirSync(DATASET)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => Object.keys(JSON.parse(readFileSync(join(DATASET, f), 'utf8')))),
);
const DIRECTORY = RECORDS + BUILTIN_BRANCHES.filter((b) => !fixtureCodes.has(b.ifsc)).length;
const run = promisify(execFile);

/** Runs `pennygate ...` on a store; returns its parsed JSON output (or the failure). */
async function cli(env: Record<string, string>, ...args: string[]) {
  const { PATH, HOME } = process.env;
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args, '--json'], { env: { PATH, HOME, ...env }, maxBuffer: 1 << 24 });
    return { code: 0, json: JSON.parse(stdout), stderr: '' };
  } catch (err: any) {
    return { code: err.code as number, json: null, stderr: String(err.stderr) };
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'pennygate-ifsc-'));
const raw = (ifsc: string) => JSON.parse(readFileSync(join(DATASET, `${ifsc.slice(0, 4)}.json`), 'utf8'))[ifsc];

describe('IFSC directory on SQLite', () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir };
  const show = async (ifsc: string) => (await cli(env, 'ifsc', 'show', ifsc)).json;
  let gw: Gateway | undefined;
  after(() => gw?.stop());

  it('imports a folder of per-bank files through the CLI', async () => {
    const r = await cli(env, 'ifsc', 'import', DATASET);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.records, RECORDS);
    assert.equal(r.json.skipped, 0);
    assert.equal(r.json.files, FILES);
    assert.equal(r.json.directory_size, DIRECTORY);
  });

  it('keeps each record as published, keys normalised', async () => {
    assert.deepEqual(await show('YESB0000262'), {
      ifsc: 'YESB0000262',
      bank: 'Yes Bank',
      branch: 'SANTACRUZ, MUMBAI',
      address: 'GROUND FLOOR SHOP NO 1 RINKU CO OP HOUSING SOCIETY LTD PLOT NO 317 LINKING ROAD KHAR WEST MUMBAI MAHARASTRA 400052',
      city: 'GREATER BOMBAY',
      centre: 'MUMBAI',
      district: 'MUMBAI',
      state: 'MAHARASHTRA',
      contact: '+912233799000',
      micr: '400532038',
      swift: null,
      iso3166: 'IN-MH',
      neft: true,
      imps: true,
      rtgs: true,
      upi: true,
    });
    // Any case on input.
    assert.equal((await show('kkbk0000142')).bank, 'Kotak Mahindra Bank');
    // Lower-case duplicate keys: the later correction wins over the original key.
    assert.equal(raw('RBIN0RTGS00').IMPS, true);
    assert.equal(raw('RBIN0RTGS00').imps, false);
    assert.equal((await show('RBIN0RTGS00')).imps, false);
    assert.equal(raw('MDCB0680265').UPI, false);
    assert.equal((await show('MDCB0680265')).upi, true);
    const sublet = await show('GSCB0USJSBL');
    assert.equal(sublet.upi, true);
    assert.equal(sublet.bank, 'Gujarat State Co-operative Bank');
    assert.equal(sublet.branch, 'SHRI JANATA SAHAKARI BANK LTD');
    // Nulls stay null; absent keys read as null.
    const nameless = await show('ADBK0000001');
    assert.equal(nameless.bank, null);
    assert.equal(nameless.micr, null);
    assert.equal(nameless.contact, null);
    assert.equal(nameless.rtgs, true);
    const sparse = await show('CTBA0000001');
    assert.equal(sparse.bank, 'COMMONWEALTH BANK OF AUSTRALIA');
    assert.equal(sparse.imps, null);
    assert.equal(sparse.centre, null);
    assert.equal(sparse.micr, null);
    // Multi-line addresses are kept, trimmed.
    assert.equal((await show('KGRB0000501')).address, raw('KGRB0000501').ADDRESS);
    assert.equal((await show('GGBK0001269')).address, raw('GGBK0001269').ADDRESS.trim());
  });

  it('re-imports idempotently, and an import updates what it carries', async () => {
    const before = await show('NMGB0000175');
    const again = await cli(env, 'ifsc', 'import', DATASET);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json.directory_size, DIRECTORY);
    assert.deepEqual(await show('NMGB0000175'), before);

    // A single JSON file with a changed record updates that record only.
    const file = join(tempDir(), 'patch.json');
    writeFileSync(file, JSON.stringify({ NMGB0000175: { ...raw('NMGB0000175'), BRANCH: 'RENAMED', upi: false } }));
    const patched = await cli(env, 'ifsc', 'import', file);
    assert.equal(patched.json.records, 1);
    assert.equal(patched.json.directory_size, DIRECTORY);
    const after = await show('NMGB0000175');
    assert.equal(after.branch, 'RENAMED');
    assert.equal(after.upi, false);
    assert.equal(after.address, before.address);
    // One bank's file restores it.
    assert.equal((await cli(env, 'ifsc', 'import', join(DATASET, 'NMGB.json'))).code, 0);
    assert.deepEqual(await show('NMGB0000175'), before);
  });

  it('imports IFSC.csv (quotes, commas, line breaks) to the same records as the JSON files', async () => {
    const header = ['BANK', 'IFSC', 'BRANCH', 'CENTRE', 'DISTRICT', 'STATE', 'ADDRESS', 'CONTACT', 'IMPS', 'RTGS', 'CITY', 'ISO3166', 'NEFT', 'MICR', 'UPI', 'SWIFT'];
    // Real records: quotes in the address, line breaks in the address, nulls, absent keys.
    const codes = ['NMGB0000175', 'NMGB0000181', 'KGRB0000501', 'GGBK0001269', 'ADBK0000001', 'CTBA0000001', 'AIRP0000001'];
    const cell = (v: unknown) => {
      if (v === null || v === undefined) return '';
      const s = String(v);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const csv = [header.join(','), ...codes.map((c) => header.map((h) => cell(raw(c)[h])).join(','))].join('\r\n') + '\r\n';
    const dir = tempDir();
    writeFileSync(join(dir, 'IFSC.csv'), '\ufeff' + csv);
    const csvEnv = { DATA_DIR: tempDir() };
    const r = await cli(csvEnv, 'ifsc', 'import', join(dir, 'IFSC.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.records, codes.length);
    assert.equal(r.json.skipped, 0);
    for (const c of codes) assert.deepEqual((await cli(csvEnv, 'ifsc', 'show', c)).json, await show(c), c);
    assert.match((await cli(csvEnv, 'ifsc', 'show', 'NMGB0000175')).json.address, /"MIRADOR"/);
    // A directory holding only IFSC.csv imports it too.
    assert.equal((await cli(csvEnv, 'ifsc', 'import', dir)).json.records, codes.length);
  });

  it('refuses what it cannot import, with a message and a failing exit code', async () => {
    const missing = await cli(env, 'ifsc', 'import', join(tempDir(), 'nothing-here'));
    assert.notEqual(missing.code, 0);
    // Asked for JSON (this file's cli adds --json), the error is JSON too.
    assert.match(JSON.parse(missing.stderr).error, /no such file or folder: .*nothing-here/);
    const empty = tempDir();
    const none = await cli(env, 'ifsc', 'import', empty);
    assert.equal(none.code, 2, 'a refusal, as the README has it');
    assert.match(none.stderr, /no \.json or \.csv files/);
    const broken = join(tempDir(), 'broken.json');
    writeFileSync(broken, '{"YESB0000262": ');
    const notJson = await cli(env, 'ifsc', 'import', broken);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /not valid JSON/);
    const unknown = await cli(env, 'ifsc', 'show', 'ZZZZ0000000');
    assert.notEqual(unknown.code, 0);
    const badCsv = join(tempDir(), 'x.csv');
    writeFileSync(badCsv, 'BANK,BRANCH\nX,Y\n');
    assert.match((await cli(env, 'ifsc', 'import', badCsv)).stderr, /no IFSC column/);
  });

  it("the running server shows an imported branch in the mobile penny drop's ifsc_details", async () => {
    gw = await Gateway.start({ dataDir });
    const key = (await gw.merchant()).test_key;
    const r = await gw.request('POST', '/verification/mobile/penny-drop', {
      headers: { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' },
      body: {
        verification_id: 'ifsc-1',
        mobile_number: '9555555555',
        name: 'Suresh Patel',
        user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account check for a loan' },
      },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.ifsc, 'GSCB0USJSBL');
    assert.deepEqual(r.json.ifsc_details, {
      bank: 'Gujarat State Co-operative Bank',
      neft: 'Live',
      imps: 'Live',
      rtgs: 'Live',
      upi: 'Live',
      address: 'SHRI JANATA SAHAKARI BANK LTD.,BANK ROAD,HALOL-389 350, DIST.PANCHMAHAL.',
      city: 'AHMADABAD',
      state: 'GUJARAT',
      branch: 'SHRI JANATA SAHAKARI BANK LTD',
      // No category, swift_code or nbin: the dataset has none, and Cashfree's schema allows no null.
      micr: 389803041,
    });
  });

  it('without the dataset, that branch is unknown: ifsc_details is {}', async () => {
    const bare = await Gateway.start();
    try {
      const key = (await bare.merchant()).test_key;
      const r = await bare.request('POST', '/verification/mobile/penny-drop', {
        headers: { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'x-api-version': '2024-12-01' },
        body: {
          verification_id: 'ifsc-2',
          mobile_number: '9555555555',
          user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account check for a loan' },
        },
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'VALID');
      assert.deepEqual(r.json.ifsc_details, {});
    } finally {
      await bare.stop();
    }
  });
});

describe('IFSC directory on PostgreSQL', { skip: needsPostgres }, () => {
  let drop: (() => Promise<void>) | undefined;
  let env: Record<string, string>;
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    env = { DATA_DIR: tempDir(), DATABASE_URL: db.url, SECRET_KEY: '11'.repeat(32) };
  });
  after(() => drop?.());

  it('imports the dataset in batches, and re-imports idempotently', async () => {
    const first = await cli(env, 'ifsc', 'import', DATASET);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json.directory_size, DIRECTORY);
    const again = await cli(env, 'ifsc', 'import', DATASET);
    assert.equal(again.json.directory_size, DIRECTORY);
    const b = (await cli(env, 'ifsc', 'show', 'RBIN0RTGS00')).json;
    assert.equal(b.bank, 'Reserve Bank Of India');
    assert.equal(b.imps, false);
  });
});
