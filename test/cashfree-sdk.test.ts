// The Cashfree dialect as an integration switching from Cashfree meets it: through Cashfree's own
// Node SDK (cashfree-verification), pointed at the gateway, against the documented answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Cashfree } from 'cashfree-verification';
import { Gateway } from './support/gateway.js';

/** What the SDK rejects with for a non-2xx answer: the HTTP status and Cashfree's error body. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    await call;
  } catch (err: any) {
    if (!err.response) throw err;
    return { status: err.response.status, body: err.response.data };
  }
  assert.fail('the call succeeded');
}

describe('Cashfree dialect through the Cashfree SDK', () => {
  let gw: Gateway;
  let merchantId: string;
  before(async () => {
    gw = await Gateway.start();
    const m = await gw.merchant('SDK user');
    merchantId = m.id;
    // The SDK's settings are its class's statics: the base URL is the only change an integration makes.
    Cashfree.XEnableErrorAnalytics = false;
    Cashfree.XClientId = m.test_key.client_id;
    Cashfree.XClientSecret = m.test_key.client_secret;
    Cashfree.basePath = `${gw.url}/verification`;
  });
  after(() => gw?.stop());

  const verifications = async () => (await gw.admin('GET', `/merchants/${merchantId}`)).json.verifications;

  it('words a verification_id of the wrong form or length as Cashfree documents it', async () => {
    const before = await verifications();
    const form = { type: 'validation_error', code: 'verification_id_value_invalid', message: 'verification_id can include only alphanum, dot, hyphen and underscores.' };
    const length = { ...form, message: 'verification_id can include a maximum of 50 characters.' };
    for (const [vid, body] of [
      ['a b', form],
      ['../x', form],
      ['a'.repeat(51), length],
    ] as const) {
      assert.deepEqual(await refusal(Cashfree.VrsReversePennyDropCreateRequest({ verification_id: vid, name: 'John Doe' })), { status: 400, body });
      assert.deepEqual(await refusal(Cashfree.VrsNameMatchVerification({ verification_id: vid, name_1: 'John Doe', name_2: 'John Doe' })), {
        status: 400,
        body,
      });
    }
    assert.equal(await verifications(), before);
    // Fifty characters are allowed.
    const fifty = 'b'.repeat(50);
    assert.equal((await Cashfree.VrsReversePennyDropCreateRequest({ verification_id: fifty })).data.verification_id, fifty);
  });

  it('refuses a name match of a blank name as empty, and records nothing', async () => {
    for (const [names, field] of [
      [{ name_1: '   ', name_2: 'John Doe' }, 'name_1'],
      [{ name_1: 'John Doe', name_2: '\t \n' }, 'name_2'],
    ] as const) {
      assert.deepEqual(await refusal(Cashfree.VrsNameMatchVerification({ verification_id: 'nm-blank', ...names })), {
        status: 400,
        body: { type: 'validation_error', code: `${field}_value_invalid`, message: `${field} is not allowed to be empty.` },
      });
    }
    // The verification_id was not used up by the refusals.
    const ok = await Cashfree.VrsNameMatchVerification({ verification_id: 'nm-blank', name_1: 'John Doe', name_2: 'JOHN DOE' });
    assert.equal(ok.data.score, 1);
  });

  it("answers a failure of its own with each operation's documented 500", async () => {
    const created = (await Cashfree.VrsReversePennyDropCreateRequest({ verification_id: 'before-the-fault' })).data;
    const headers = { 'x-client-id': Cashfree.XClientId!, 'x-client-secret': Cashfree.XClientSecret!, 'x-api-version': '2024-12-01' };
    const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Bank account verification for payouts' });
    const internal = (code: string, message: string) => ({ type: 'internal_error', code, message });
    // The store fails under the gateway: the tables it reads and writes are moved away for a moment.
    const db = new Database(join(gw.dataDir, 'pennygate.db'));
    db.pragma('busy_timeout = 5000');
    const answers: Record<string, { status: number; body: any }> = {};
    try {
      db.exec('ALTER TABLE verifications RENAME TO verifications_away; ALTER TABLE name_matches RENAME TO name_matches_away');
      answers.create = await refusal(Cashfree.VrsReversePennyDropCreateRequest({ verification_id: 'during-the-fault' }));
      answers.status = await refusal(Cashfree.VrsReversePennyDropFetchStatus(String(created.ref_id)));
      answers.nameMatch = await refusal(Cashfree.VrsNameMatchVerification({ verification_id: 'nm-fault', name_1: 'John Doe', name_2: 'John Doe' }));
      const mobile = (path: string, body: unknown) => gw.request('POST', `/verification${path}`, { headers, body });
      const drop = await mobile('/mobile/penny-drop', { verification_id: 'mpd-fault', mobile_number: '9999999999', user_consent: consent() });
      answers.mobile = { status: drop.status, body: drop.json };
      const lookup = await mobile('/upi/mobile', { verification_id: 'upi-fault', mobile_number: '9999999999' });
      answers.lookup = { status: lookup.status, body: lookup.json };
    } finally {
      db.exec('ALTER TABLE verifications_away RENAME TO verifications; ALTER TABLE name_matches_away RENAME TO name_matches');
      db.close();
    }
    assert.deepEqual(answers, {
      create: { status: 500, body: internal('api_error', 'something went wrong, please try after some time') },
      status: { status: 500, body: internal('request_failed', 'Unable to process your request. Try again after some time') },
      nameMatch: { status: 500, body: internal('verification_failed', 'something went wrong') },
      mobile: { status: 500, body: internal('request_failed', 'Unable to process your request. Try again after some time') },
      lookup: { status: 500, body: internal('verification_failed', 'something went wrong') },
    });
    // The store is back: so are the answers.
    assert.equal((await Cashfree.VrsReversePennyDropFetchStatus(undefined, 'before-the-fault')).data.status, 'CREATED');
  });
});
