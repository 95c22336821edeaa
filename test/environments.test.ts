// Test and live keys are two environments, as at Cashfree and Razorpay: a test key (handed to
// developers, CI, staging) must never read what a live key verified (real customers' account
// numbers and names), and a live key reads only live records. Nor do they share verification ids:
// a staging system numbering its ids as production does must not take production's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, type Gateway, eventually } from './support/gateway.js';
import { startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

type Key = { client_id: string; client_secret: string };
const SECRET = 'simulator-shared-secret-environments';
const basic = (k: Key) => ({ authorization: 'Basic ' + Buffer.from(`${k.client_id}:${k.client_secret}`).toString('base64') });
const mpdHeaders = (k: Key) => ({ 'x-client-id': k.client_id, 'x-client-secret': k.client_secret, 'x-api-version': '2024-12-01' });

describe('test and live keys are separate environments', () => {
  let gw: Gateway;
  let sim: Simulator;
  let live: Key;
  let test: Key;
  let account: string;

  before(async () => {
    ({ gw, sim, live, test, account } = await startLive({ secret: SECRET, merchant: 'Two Environments', env: { SANDBOX_ENABLED: 'true' } }));
  });
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it("does not show a live verification's payer to the merchant's test key, in either dialect", async () => {
    const made = await gw.cashfree(live).createRpd({ verification_id: 'live-order-1', name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    await sim.pay(made.json.upi_link, 'success@upi');
    const done = await eventually(
      async () => (await gw.cashfree(live).status({ verification_id: 'live-order-1' })).json,
      (s) => s.status === 'SUCCESS',
      10_000,
      'live success',
    );
    assert.equal(done.bank_account, '026291800001191');

    // The test key asks for the same records by every key it could know or guess.
    for (const q of [{ verification_id: 'live-order-1' }, { ref_id: String(made.json.ref_id) }] as Record<string, string>[]) {
      const r = await gw.cashfree(test).status(q);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, 'invalid_request');
      assert.equal(r.text.includes('026291800001191'), false);
    }

    const fav = await gw.request('POST', '/v1/fund_accounts/validations', {
      headers: basic(live),
      body: { source_account_number: account, validation_type: 'upi_intent' },
    });
    assert.equal(fav.status, 200, fav.text);
    const byId = await gw.request('GET', `/v1/fund_accounts/validations/${fav.json.id}`, { headers: basic(test) });
    assert.equal(byId.status, 400, byId.text);
    assert.equal(byId.json.error.code, 'BAD_REQUEST_ERROR');
    const listed = await gw.request('GET', '/v1/fund_accounts/validations?count=100', { headers: basic(test) });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.items, [], 'the test key lists no live validation');
    assert.equal(listed.text.includes('026291800001191'), false);

    // The live key still reads its own, and lists them.
    assert.equal((await gw.request('GET', `/v1/fund_accounts/validations/${fav.json.id}`, { headers: basic(live) })).status, 200);
    const liveList = (await gw.request('GET', '/v1/fund_accounts/validations?count=100', { headers: basic(live) })).json;
    assert.deepEqual(liveList.items.map((v: { id: string }) => v.id).includes(fav.json.id), true);
  });

  it("does not show a test verification to the merchant's live key", async () => {
    const made = await gw.cashfree(test).createRpd({ verification_id: 'test-order-1', name: 'John Doe' });
    assert.equal(made.status, 200, made.text);
    const r = await gw.cashfree(live).status({ verification_id: 'test-order-1' });
    assert.equal(r.status, 400, r.text);
    assert.equal((await gw.cashfree(test).status({ verification_id: 'test-order-1' })).status, 200);
  });

  it('keeps verification_ids apart: the same id is free in each environment, and each key reads its own', async () => {
    const byTest = await gw.cashfree(test).createRpd({ verification_id: 'order-77', name: 'John Doe' });
    assert.equal(byTest.status, 200, byTest.text);
    // Taken in test, the id is still free in live (refused as taken when ids were one namespace).
    const byLive = await gw.cashfree(live).createRpd({ verification_id: 'order-77', name: 'John Doe' });
    assert.equal(byLive.status, 200, byLive.text);
    assert.notEqual(String(byLive.json.ref_id), String(byTest.json.ref_id));
    // Still one per environment.
    const again = await gw.cashfree(live).createRpd({ verification_id: 'order-77', name: 'John Doe' });
    assert.equal(again.status, 400, again.text);
    assert.equal(again.json.code, 'invalid_verification_id');
    await sim.pay(byLive.json.upi_link, 'success@upi');
    await eventually(
      async () => (await gw.cashfree(live).status({ verification_id: 'order-77' })).json,
      (st) => st.status === 'SUCCESS' && String(st.ref_id) === String(byLive.json.ref_id),
      10_000,
      'the live key reads its own verification by the shared id',
    );
    const mine = (await gw.cashfree(test).status({ verification_id: 'order-77' })).json;
    assert.equal(String(mine.ref_id), String(byTest.json.ref_id));
    assert.equal(mine.status, 'CREATED');

    // A stand-alone name match's id too.
    const nm = (k: Key) => gw.cashfree(k).post('/name-match', { verification_id: 'nm-77', name_1: 'JOHN DOE', name_2: 'John Doe' });
    assert.equal((await nm(test)).status, 200);
    const liveNm = await nm(live);
    assert.equal(liveNm.status, 200, liveNm.text);
    assert.equal((await nm(live)).status, 409);

    // A mobile penny drop's id too, whichever environment takes it first.
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const drop = (k: Key) =>
      gw.request('POST', '/verification/mobile/penny-drop', {
        headers: mpdHeaders(k),
        body: { verification_id: 'mpd-77', mobile_number: '9876543210', user_consent: consent },
      });
    const first = await drop(live);
    assert.equal(first.status, 200, first.text);
    const second = await drop(test);
    assert.notEqual(second.status, 409, second.text);
    assert.equal((await drop(live)).status, 409);
    const read = await gw.request('GET', '/verification/mobile/penny-drop?verification_id=mpd-77', { headers: mpdHeaders(live) });
    assert.equal(String(read.json.reference_id), String(first.json.reference_id));
  });

  it("shows a merchant made in the console both key pairs' secrets, once, and the live pair works", async () => {
    const form = (body: Record<string, string>, cookie?: string) =>
      fetch(`${gw.url}/console/${cookie ? 'merchants' : 'login'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...(cookie ? { cookie } : {}) },
        body: new URLSearchParams(body),
        redirect: 'manual',
      });
    const signedIn = await form({ token: ADMIN_TOKEN });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0];
    const page = await (await fetch(`${gw.url}/console/merchants`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const made = await form({ name: 'Console Live', _csrf: csrf }, cookie);
    assert.equal(made.status, 201);
    const text = await made.text();
    const field = (id: string) => new RegExp(`id="${id}">([^<]+)<`).exec(text)?.[1];
    const liveKey = { client_id: field('new-live-client-id')!, client_secret: field('new-live-client-secret')! };
    assert.match(liveKey.client_id ?? '', /^pg_live_/, text);
    assert.match(field('new-client-id') ?? '', /^pg_test_/);
    const r = await gw.cashfree(liveKey).createRpd({ verification_id: 'console-live-1', name: 'John Doe' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.upi_link, /pa=pennygate\.live%40examplebank|pa=pennygate\.live@examplebank/);
    // Links of the two payees in turn, each with its own payee and its own ref_id as tr.
    for (const [key, vid] of [[test, 'console-test-2'], [liveKey, 'console-live-3'], [test, 'console-test-4']] as const) {
      const made = (await gw.cashfree(key).createRpd({ verification_id: vid, name: 'John Doe' })).json;
      const link = new URL(made.upi_link);
      assert.equal(link.searchParams.get('pa'), key === test ? 'pennygate@sandbox' : 'pennygate.live@examplebank', made.upi_link);
      assert.equal(link.searchParams.get('tr'), String(made.ref_id), made.upi_link);
      assert.equal(link.searchParams.get('am'), '1.00');
    }
  });

  it('lets a live penny drop go while a test one to the same number is in flight', async () => {
    const consent = () => ({ obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' });
    const drop = (k: Key, vid: string) =>
      gw.request('POST', '/verification/mobile/penny-drop', {
        headers: mpdHeaders(k),
        body: { verification_id: vid, mobile_number: '9444444444', user_consent: consent() },
      });
    const inFlight = (vid: string) =>
      eventually(
        async () => (await gw.request('GET', `/verification/mobile/penny-drop?verification_id=${vid}`, { headers: mpdHeaders(test) })).status,
        (st) => st === 422,
        5_000,
        `${vid} in flight`,
      );
    // The sandbox's slow bank answers its payout 1.5 s after making it: the test drop is in flight.
    const slow = drop(test, 'slow-test-1');
    await inFlight('slow-test-1');
    const liveDrop = await drop(live, 'slow-live-1');
    assert.equal(liveDrop.status, 200, liveDrop.text);
    assert.equal(liveDrop.json.status, 'VALID');
    assert.equal((await slow).status, 200);
    // Within one environment, still one in flight per number.
    const again = drop(test, 'slow-test-2');
    await inFlight('slow-test-2');
    const third = await drop(test, 'slow-test-3');
    assert.equal(third.status, 422, third.text);
    assert.equal(third.json.code, 'verification_already_under_process');
    await again;
  });

  it("does not give a live mobile penny drop's outcome to the test key", async () => {
    const consent = { obtained: true, type: 'EXPLICIT', timestamp: new Date().toISOString(), purpose: 'Verifying the bank account for a loan' };
    const r = await gw.request('POST', '/verification/mobile/penny-drop', {
      headers: mpdHeaders(live),
      body: { verification_id: 'live-mpd-1', mobile_number: '9876543210', name: 'Priya Sharma', user_consent: consent },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.bank_account, '917010047162835');
    const read = await gw.request('GET', '/verification/mobile/penny-drop?verification_id=live-mpd-1', { headers: mpdHeaders(test) });
    assert.equal(read.status, 400, read.text);
    assert.equal(read.text.includes('917010047162835'), false);
    assert.equal((await gw.request('GET', '/verification/mobile/penny-drop?verification_id=live-mpd-1', { headers: mpdHeaders(live) })).status, 200);
  });
});
