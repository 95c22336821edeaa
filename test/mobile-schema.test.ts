// The mobile penny drop answer against Cashfree's published response schema, with the IFSC
// directory imported from a file that carries a SWIFT code for one branch: ifsc_details fills
// swift_code from the dataset, and leaves out the fields the dataset lacks instead of sending
// null where Cashfree's schema allows only a string or an integer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { Gateway } from './support/gateway.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli.js');
const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'cashfree-mobile-penny-drop-response.schema.json'), 'utf8'));
const run = promisify(execFile);

const ajv = new Ajv({ allErrors: true, strict: false });
const validValid = ajv.compile(SCHEMA);
// Cashfree's own INVALID example answers vpa and account_type null although its schema types
// them as strings; an INVALID answer is held to the schema with those two as documented.
const invalidSchema = structuredClone(SCHEMA);
invalidSchema.properties.vpa.type = ['string', 'null'];
invalidSchema.properties.account_type.type = ['string', 'null'];
const validInvalid = ajv.compile(invalidSchema);

function conforms(body: any, validate: typeof validValid) {
  // Kept apart from `body`: ajv's validator is a type guard, which would narrow it to unknown.
  const fields: Record<string, any> = body;
  assert.ok(validate(body), `${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`);
  // Nothing beyond the documented fields either.
  for (const k of Object.keys(fields)) assert.ok(k in SCHEMA.properties, `undocumented field ${k}`);
  for (const k of Object.keys(fields.ifsc_details)) assert.ok(k in SCHEMA.properties.ifsc_details.properties, `undocumented ifsc_details.${k}`);
}

const HEADER = ['BANK', 'IFSC', 'BRANCH', 'CENTRE', 'DISTRICT', 'STATE', 'ADDRESS', 'CONTACT', 'IMPS', 'RTGS', 'CITY', 'ISO3166', 'NEFT', 'MICR', 'UPI', 'SWIFT'];
const ROWS = [
  // The sandbox account of 9555555555 is held here; this copy of the dataset has its SWIFT code.
  ['Gujarat State Co-operative Bank', 'GSCB0USJSBL', 'SHRI JANATA SAHAKARI BANK LTD', 'AHMEDABAD', 'AHMEDABAD', 'GUJARAT',
    'RELIEF ROAD, AHMEDABAD', '', 'true', 'true', 'AHMEDABAD', 'IN-GJ', 'true', 'NA', 'true', 'GSCBINBBXXX'],
  // 9999999999's branch, without one (as in the public dataset).
  ['Yes Bank', 'YESB0000262', 'SANTACRUZ, MUMBAI', 'MUMBAI', 'MUMBAI', 'MAHARASHTRA', 'LINKING ROAD KHAR WEST MUMBAI', '', 'true', 'true',
    'GREATER BOMBAY', 'IN-MH', 'true', '400532038', 'true', ''],
];

describe('mobile penny drop answers against Cashfree\'s schema', () => {
  let gw: Gateway;
  let auth: Record<string, string>;
  const uid = () => `ms-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const pennyDrop = (mobile: string, name?: string) =>
    gw.request('POST', '/verification/mobile/penny-drop', {
      headers: { ...auth, 'x-api-version': '2024-12-01' },
      body: {
        verification_id: uid(),
        mobile_number: mobile,
        ...(name ? { name } : {}),
        user_consent: { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Testing the entire flow for penny drop verification' },
      },
    });

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pennygate-mobile-schema-'));
    const csv = join(dataDir, 'IFSC.csv');
    writeFileSync(csv, [HEADER, ...ROWS].map((r) => r.map((c) => (/[,"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n');
    const { PATH, HOME } = process.env;
    await run(process.execPath, [CLI, 'ifsc', 'import', csv], { env: { PATH, HOME, DATA_DIR: dataDir } });
    gw = await Gateway.start({ dataDir });
    const key = (await gw.merchant()).test_key;
    auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret };
  });
  after(() => gw?.stop());

  it('fills swift_code where the dataset has it', async () => {
    const r = await pennyDrop('9555555555', 'Suresh Patel');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'VALID');
    assert.equal(r.json.ifsc, 'GSCB0USJSBL');
    assert.equal(r.json.ifsc_details.swift_code, 'GSCBINBBXXX');
    assert.equal(r.json.ifsc_details.bank, 'Gujarat State Co-operative Bank');
    // MICR "NA" in the dataset: left out, not null and not NaN.
    assert.equal('micr' in r.json.ifsc_details, false);
    conforms(r.json, validValid);
  });

  it('leaves out what the dataset lacks instead of sending null', async () => {
    const r = await pennyDrop('9999999999', 'John Doe');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'VALID');
    assert.deepEqual(Object.keys(r.json.ifsc_details).sort(), ['address', 'bank', 'branch', 'city', 'imps', 'micr', 'neft', 'rtgs', 'state', 'upi']);
    assert.equal(r.json.ifsc_details.micr, 400532038);
    conforms(r.json, validValid);
    // Read back later, the same answer.
    const back = await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${r.json.verification_id}`, { headers: { ...auth, 'x-api-version': '2024-12-01' } });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.json, r.json);
  });

  it('an INVALID answer has the documented nulls and an empty ifsc_details', async () => {
    const r = await pennyDrop('8888888888', 'John Doe');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'INVALID');
    assert.deepEqual(r.json.ifsc_details, {});
    conforms(r.json, validInvalid);
    // The strict schema does reject it, so the check above is not vacuous.
    assert.equal(validValid(r.json), false);
  });
});
