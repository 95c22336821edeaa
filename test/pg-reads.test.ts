// Status reads on PostgreSQL that arrive together are read by one statement per kind of key
// (store/coalesce.ts): every request must still get its own verification, another merchant's
// stays hidden, and one lookup the database refuses must not fail the others.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway, freshPostgres, needsPostgres } from './support/gateway.js';
import { openPostgres } from '../src/store/postgres.js';
import { Coalescer } from '../src/store/coalesce.js';
import type { Db } from '../src/store/db.js';
import { intentParams } from './support/upi.js';

type Key = { client_id: string; client_secret: string };
const basic = (key: Key) => ({ authorization: `Basic ${Buffer.from(`${key.client_id}:${key.client_secret}`).toString('base64')}` });

describe('status reads arriving together on PostgreSQL', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    gw = await Gateway.start({ databaseUrl: db.url });
  });
  after(async () => {
    await gw?.stop();
    await drop?.();
  });

  it('answers each read with its own verification, whatever else is read beside it', async () => {
    const a = await gw.merchant('Reads A');
    const b = await gw.merchant('Reads B');
    const cfA = gw.cashfree(a.test_key);
    const cfB = gw.cashfree(b.test_key);
    type Made = { vid: string; ref: string; link: string; who: 'a' | 'b'; paid: boolean };
    const made: Made[] = [];
    // B uses the same verification_ids as A (unique per merchant only), and some of its own.
    for (const [who, cf, ids] of [
      ['a', cfA, Array.from({ length: 20 }, (_, i) => `v-${i}`)],
      ['b', cfB, [...Array.from({ length: 10 }, (_, i) => `v-${i}`), ...Array.from({ length: 10 }, (_, i) => `b-only-${i}`)]],
    ] as const) {
      for (const vid of ids) {
        const r = await cf.createRpd({ verification_id: vid, name: 'John Doe' });
        assert.equal(r.status, 200, r.text);
        made.push({ vid, ref: String(r.json.ref_id), link: r.json.upi_link, who, paid: false });
      }
    }
    // Some paid, so that the credit joined beside them differs from row to row.
    for (const m of made.filter((_, i) => i % 7 === 3)) {
      assert.equal((await gw.pay(m.link, 'success@upi')).json.status, 'SUCCESS');
      m.paid = true;
    }
    // RazorpayX validations of A, read by their public ids.
    const rzp: { id: string; ref: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await gw.request('POST', '/v1/fund_accounts/validations', {
        headers: basic(a.test_key),
        body: { source_account_number: a.account_number, validation_type: 'upi_intent', reference_id: `rzp-${i}` },
      });
      assert.equal(r.status, 200, r.text);
      rzp.push({ id: r.json.id, ref: intentParams(r.json.upi_intent.intent_url).tr });
    }

    let expectations: Promise<void>[] = [];
    const failed: string[] = [];
    let total = 0;
    const expect = (what: string, req: Promise<{ status: number; json: any; text: string }>, check: (r: { status: number; json: any }) => void) =>
      expectations.push(req.then((r) => {
        try {
          check(r);
        } catch (err) {
          throw new Error(`${what}: ${r.status} ${r.text}\n${(err as Error).message}`);
        }
      }));
    // Three bursts: PostgreSQL plans a statement afresh for its first five runs, then may keep a
    // generic plan; the later bursts run on it. A burst is under the gateway's 256 connections
    // per address.
    for (let burst = 0; burst < 3; burst++) {
      expectations = [];
      for (const m of made) {
        const [mine, theirs] = m.who === 'a' ? [cfA, cfB] : [cfB, cfA];
        const own = (r: { status: number; json: any }) => {
          assert.equal(r.status, 200);
          assert.equal(r.json.verification_id, m.vid);
          assert.equal(String(r.json.ref_id), m.ref);
          assert.equal(r.json.status, m.paid ? 'SUCCESS' : 'CREATED');
        };
        expect(`${m.who} ${m.vid} by ref_id`, mine.status({ ref_id: m.ref }), own);
        expect(`${m.who} ${m.vid} by verification_id`, mine.status({ verification_id: m.vid }), own);
        // The other merchant never sees it by ref_id; by verification_id it sees its own or none.
        expect(`${m.who} ${m.vid} by ref_id, asked by the other`, theirs.status({ ref_id: m.ref }), (r) => assert.equal(r.status, 400));
        const twin = made.find((o) => o.who !== m.who && o.vid === m.vid);
        expect(`${m.who} ${m.vid} by verification_id, asked by the other`, theirs.status({ verification_id: m.vid }), (r) => {
          if (!twin) return assert.equal(r.status, 400);
          assert.equal(r.status, 200);
          assert.equal(String(r.json.ref_id), twin.ref);
        });
      }
      expect('an unknown ref_id', cfA.status({ ref_id: '1234567890123' }), (r) => assert.equal(r.status, 400));
      expect('an unknown verification_id', cfA.status({ verification_id: 'never-made' }), (r) => assert.equal(r.status, 400));
      for (const v of rzp) {
        expect(`RazorpayX ${v.id}`, gw.request('GET', `/v1/fund_accounts/validations/${v.id}`, { headers: basic(a.test_key) }), (r) => {
          assert.equal(r.status, 200);
          assert.equal(r.json.id, v.id);
        });
        expect(`RazorpayX ${v.id} by the other`, gw.request('GET', `/v1/fund_accounts/validations/${v.id}`, { headers: basic(b.test_key) }), (r) =>
          assert.equal(r.status, 400),
        );
        expect(`RazorpayX ${v.id} through Cashfree`, cfA.status({ ref_id: v.ref }), (r) => {
          assert.equal(r.status, 200);
          assert.equal(r.json.verification_id, v.id);
        });
      }
      const results = await Promise.allSettled(expectations);
      total += results.length;
      failed.push(...results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)));
    }
    assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${total} reads wrong`);
  });
});

describe('Coalescer on PostgreSQL', { skip: needsPostgres }, () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    db = openPostgres(fresh.url);
  });
  after(async () => {
    await db?.close();
    await drop?.();
  });

  it('reads the keys of one turn in one statement, and shares a row among the same key', async () => {
    const runs: string[][] = [];
    const c = new Coalescer<string, { k: string; n: number }>(
      async (keys) => (runs.push(keys), db.query('SELECT k, length(k) AS n FROM unnest((SELECT ?::text[])) AS k WHERE k <> ?', [keys, 'missing'])),
      (r) => r.k,
    );
    const got = await Promise.all(['one', 'three', 'one', 'missing', 'fifteen'].map((k) => c.get(k)));
    assert.deepEqual(runs, [['one', 'three', 'missing', 'fifteen']]);
    assert.deepEqual(got.map((r) => r?.n), [3, 5, 3, undefined, 7]);
    // A later turn is another statement.
    assert.equal((await c.get('again'))?.n, 5);
    assert.equal(runs.length, 2);
  });

  it('answers the others when the database refuses one key of a batch, and that key with its error', async () => {
    const runs: string[][] = [];
    const c = new Coalescer<string, { k: string; n: number }>(
      async (keys) => (runs.push(keys), db.query('SELECT k, k::int AS n FROM unnest((SELECT ?::text[])) AS k', [keys])),
      (r) => r.k,
    );
    const got = await Promise.allSettled(['1', '22', 'x', '333'].map((k) => c.get(k)));
    assert.deepEqual(runs[0], ['1', '22', 'x', '333']);
    assert.equal(runs.length, 5, 'the batch, then each key on its own');
    assert.deepEqual(
      got.map((r) => (r.status === 'fulfilled' ? r.value?.n : 'refused')),
      [1, 22, 'refused', 333],
    );
    assert.match(String((got[2] as PromiseRejectedResult).reason), /invalid input syntax for type integer/);
  });
});
