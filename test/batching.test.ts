// Status reads (on either store) and creates (on PostgreSQL; on SQLite the group commit batches
// them) that arrive together run as one statement per kind (store/coalesce.ts): every request
// must still get its own verification, another merchant's stays hidden, a create is made once and
// only while its key holds, and one key the database refuses must not fail the others (nor a
// batch whose answer was lost after its commit make a create twice or call it a duplicate of
// itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { Gateway, freshPostgres, needsPostgres, storeFor } from './support/gateway.js';
import { pgSettings } from '../src/config.js';
import { openPostgres } from '../src/store/postgres.js';
import { Coalescer } from '../src/store/coalesce.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { verifications, type NewVerification } from '../src/store/repository.js';
import { intentParams } from './support/upi.js';

type Key = { client_id: string; client_secret: string };
const basic = (key: Key) => ({ authorization: `Basic ${Buffer.from(`${key.client_id}:${key.client_secret}`).toString('base64')}` });

/** A migrated store with one merchant, for the repository's inserts. */
async function storeWithMerchant(db: Db, id: string) {
  await migrate(db, { info() {}, warn() {}, error() {} } as never);
  await db.query('INSERT INTO merchants (id, name, account_number, settings, created_at) VALUES (?, ?, ?, ?, 0)', [id, id, id, '{}']);
}

/** A reverse penny drop as the engine would insert it. */
const newRow = (merchantId: string, refId: number, vid: string | null): NewVerification => ({
  refId, merchantId, mode: 'test', kind: 'rpd', dialect: 'cashfree', publicId: `fav_${refId}`, verificationId: vid,
  shortCode: `s${refId}`, name: 'John Doe', redirectUrl: null, referenceId: null, notes: null, status: 'created',
  rail: 'sandbox', intentTr: String(refId), payeeVpa: 'x@upi', payeeName: 'X', payeeMc: null, amountPaise: 100, validUntil: 1, createdAt: 1, processedAt: 1,
});

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`reads and creates arriving together (${store})`, { skip: store === 'postgres' && needsPostgres }, () => {
    let gw: Gateway;
    let drop: () => Promise<void>;
    before(async () => {
      const db = await storeFor(store);
      drop = db.drop;
      // Each burst of reads opens some 200 connections from one address.
      gw = await Gateway.start({ databaseUrl: db.databaseUrl, env: { MAX_CONNECTIONS_PER_ADDRESS: '1024' } });
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
      // generic plan; the later bursts run on it.
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

    it('makes each create once, refuses a repeated verification_id, and lets two merchants use the same one', async () => {
      const a = await gw.merchant('Creates A');
      const b = await gw.merchant('Creates B');
      const cfA = gw.cashfree(a.test_key);
      const cfB = gw.cashfree(b.test_key);
      // Connections opened first (keys cached too), so that the creates below arrive together
      // rather than one per connection opened.
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? cfA : cfB).status({ ref_id: '1' })));
      await Promise.all(Array.from({ length: 100 }, () => gw.request('GET', '/healthz')));
      const answers = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => cfA.createRpd({ verification_id: `c-${i}`, name: `Payer ${i}` })),
        ...Array.from({ length: 30 }, (_, i) => cfB.createRpd({ verification_id: `c-${i}`, name: `Other ${i}` })),
        // Each of these twice at once: one is made, the other is a duplicate.
        ...Array.from({ length: 10 }, (_, i) => cfA.createRpd({ verification_id: `twice-${i}`, name: 'First' })),
        ...Array.from({ length: 10 }, (_, i) => cfA.createRpd({ verification_id: `twice-${i}`, name: 'Second' })),
        ...Array.from({ length: 20 }, (_, i) =>
          gw.request('POST', '/v1/fund_accounts/validations', {
            headers: basic(a.test_key),
            body: { source_account_number: a.account_number, validation_type: 'upi_intent', reference_id: `rzp-${i}` },
          }),
        ),
      ]);
      const made = answers.slice(0, 60);
      for (const r of made) assert.equal(r.status, 200, r.text);
      assert.equal(new Set(made.map((r) => String(r.json.ref_id))).size, 60);
      const twice = answers.slice(60, 80);
      for (let i = 0; i < 10; i++) {
        const pair = [twice[i], twice[i + 10]];
        assert.deepEqual(pair.map((r) => r.status).sort(), [200, 400], pair.map((r) => r.text).join('\n'));
        const won = pair.find((r) => r.status === 200)!;
        assert.equal(String((await cfA.status({ verification_id: `twice-${i}` })).json.ref_id), String(won.json.ref_id));
      }
      const rzp = answers.slice(80);
      for (const r of rzp) assert.equal(r.status, 200, r.text);
      // Each read back as made, by its own merchant.
      for (const [i, r] of made.entries()) {
        const [cf, vid] = i < 30 ? [cfA, `c-${i}`] : [cfB, `c-${i - 30}`];
        const got = (await cf.status({ verification_id: vid })).json;
        assert.equal(String(got.ref_id), String(r.json.ref_id));
      }
      for (const r of rzp) {
        const got = await gw.request('GET', `/v1/fund_accounts/validations/${r.json.id}`, { headers: basic(a.test_key) });
        assert.equal(got.json.reference_id, r.json.reference_id);
      }
      // Nothing more was written: A has 30 + 10 + 20, B 30.
      const count = async (key: Key) =>
        (await gw.request('GET', '/v1/fund_accounts/validations?count=100', { headers: basic(key) })).json.count;
      assert.equal(await count(a.test_key), 60);
      assert.equal(await count(b.test_key), 30);
    });

    it('makes nothing for a key revoked while cached, and makes the creates of keys still valid beside it', async () => {
      const a = await gw.merchant('Revoked A');
      const c = await gw.merchant('Kept C');
      const cfA = gw.cashfree(a.test_key);
      const cfC = gw.cashfree(c.test_key);
      // Both keys cached by this instance.
      assert.equal((await cfA.createRpd({ verification_id: 'warm', name: 'John Doe' })).status, 200);
      assert.equal((await cfC.createRpd({ verification_id: 'warm', name: 'John Doe' })).status, 200);
      assert.equal((await gw.admin('DELETE', `/merchants/${a.id}/keys/${a.test_key.client_id}`)).status, 204);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? cfA : cfC).createRpd({ verification_id: `after-${i}`, name: 'John Doe' })),
      );
      for (const [i, r] of answers.entries()) assert.equal(r.status, i % 2 ? 401 : 200, r.text);
      const second = (await gw.admin('POST', `/merchants/${a.id}/keys`, { mode: 'test' })).json;
      for (let i = 1; i < 20; i += 2) assert.equal((await gw.cashfree(second).status({ verification_id: `after-${i}` })).status, 400);
      for (let i = 0; i < 20; i += 2) assert.equal((await cfC.status({ verification_id: `after-${i}` })).status, 200);
    });
  });
}

describe('Coalescer on PostgreSQL', { skip: needsPostgres }, () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    db = openPostgres(fresh.url, pgSettings({}));
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

  it('writes one of two inserts with the same verification_id in one statement, and only while the access version holds', async () => {
    await storeWithMerchant(db, 'mer_x');
    const [{ version }] = await db.query<{ version: string }>('SELECT version FROM access_version WHERE id = 1');
    const row = (refId: number, vid: string | null) => newRow('mer_x', refId, vid);
    const written = await verifications.insertMany(db, [
      { v: row(11, 'same') },
      { v: row(12, 'same') },
      { v: row(13, null), access: Number(version) },
      { v: row(14, null), access: Number(version) + 1 },
      { v: row(15, 'other') },
    ]);
    assert.deepEqual(written.sort(), [11, 13, 15]);
    const stored = await db.query<{ ref_id: string }>("SELECT ref_id FROM verifications WHERE merchant_id = 'mer_x' ORDER BY ref_id");
    assert.deepEqual(stored.map((r) => Number(r.ref_id)), [11, 13, 15]);
  });

  it('writes one of two inserts that drew the same ref_id in one turn, and answers the other as not written', async () => {
    await storeWithMerchant(db, 'mer_w');
    const first = newRow('mer_w', 31, 'drew-31');
    const second = { ...newRow('mer_w', 31, 'also-31'), publicId: 'fav_other_31', shortCode: 's31b' };
    const got = await Promise.all([verifications.insert(db, first), verifications.insert(db, second)]);
    assert.deepEqual(got, [31, null]);
    const stored = await db.query<{ verification_id: string }>("SELECT verification_id FROM verifications WHERE merchant_id = 'mer_w'");
    assert.deepEqual(stored.map((r) => r.verification_id), ['drew-31']);
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

/**
 * A proxy in front of PostgreSQL that, once armed, lets the next statement whose text holds
 * `marker` run and commit, and then drops its connection before the answer reaches the client
 * (as a network fault between the two would). A prepared statement's text goes out the first
 * time a connection runs it: arm the proxy before the statement's first run.
 */
async function faultyProxy(databaseUrl: string, marker: string) {
  const target = new URL(databaseUrl);
  const state = { armed: false, cut: 0 };
  const readyForQuery = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // 'Z', idle: the statement has committed
  const server = createServer((client) => {
    const pg = connect(Number(target.port || 5432), target.hostname);
    let tail = '';
    let cutting = false;
    let answer = Buffer.alloc(0);
    client.on('data', (d) => {
      const text = tail + d.toString('latin1');
      tail = text.slice(-marker.length);
      if (state.armed && text.includes(marker)) {
        state.armed = false;
        cutting = true;
      }
      pg.write(d);
    });
    pg.on('data', (d) => {
      if (!cutting) return void client.write(d);
      answer = Buffer.concat([answer, d]);
      if (answer.subarray(-readyForQuery.length).equals(readyForQuery)) {
        state.cut++;
        client.destroy();
        pg.end();
      }
    });
    client.on('error', () => pg.destroy());
    pg.on('error', () => client.destroy());
    client.on('close', () => pg.end());
    pg.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: url.toString(), state, close: () => new Promise((resolve) => server.close(resolve)) };
}

// The batched insert's text (its columns are read from arrays named c0, c1, ...).
const INSERT_MANY_MARKER = 'AS k(c0, c1, ';

describe('creates whose batch lost its answer after the commit', { skip: needsPostgres }, () => {
  let db: Db;
  let drop: () => Promise<void>;
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  before(async () => {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    proxy = await faultyProxy(fresh.url, INSERT_MANY_MARKER);
    db = openPostgres(proxy.url, pgSettings({}));
    await storeWithMerchant(db, 'mer_y');
  });
  after(async () => {
    await db?.close();
    await proxy?.close();
    await drop?.();
  });

  it('answers each insert of the batch as written, and writes each once', async () => {
    const [{ version }] = await db.query<{ version: string }>('SELECT version FROM access_version WHERE id = 1');
    const row = (refId: number, vid: string | null) => newRow('mer_y', refId, vid);
    proxy.state.armed = true;
    const got = await Promise.all([
      verifications.insert(db, row(21, 'lost-1')),
      verifications.insert(db, row(22, null)),
      verifications.insert(db, row(23, null), Number(version)),
    ]);
    assert.equal(proxy.state.cut, 1, 'the batch lost its answer');
    assert.deepEqual(got, [21, 22, 23]);
    const stored = await db.query<{ ref_id: number }>("SELECT ref_id FROM verifications WHERE merchant_id = 'mer_y' ORDER BY ref_id");
    assert.deepEqual(stored.map((r) => Number(r.ref_id)), [21, 22, 23]);
  });
});

describe('creates on a gateway whose batch lost its answer after the commit', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let drop: () => Promise<void>;
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  before(async () => {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    proxy = await faultyProxy(fresh.url, INSERT_MANY_MARKER);
    gw = await Gateway.start({ databaseUrl: proxy.url });
  });
  after(async () => {
    await gw?.stop();
    await proxy?.close();
    await drop?.();
  });

  it('answers every create as made, none as a duplicate, and stores each once', async () => {
    const a = await gw.merchant('Lost answer');
    const cf = gw.cashfree(a.test_key);
    // The key cached, so that the creates go straight to their insert and arrive together.
    assert.equal((await cf.createRpd({ verification_id: 'warm', name: 'John Doe' })).status, 200);
    // Bursts until one of them was inserted by one statement (and lost its answer).
    proxy.state.armed = true;
    let made = 1;
    for (let burst = 0; burst < 4 && proxy.state.cut === 0; burst++) {
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => cf.createRpd({ verification_id: `lost-${burst}-${i}`, name: 'John Doe' })),
        ...Array.from({ length: 10 }, (_, i) =>
          gw.request('POST', '/v1/fund_accounts/validations', {
            headers: basic(a.test_key),
            body: { source_account_number: a.account_number, validation_type: 'upi_intent', reference_id: `lost-rzp-${burst}-${i}` },
          }),
        ),
      ]);
      made += answers.length;
      for (const r of answers) assert.equal(r.status, 200, r.text);
      for (const [i, r] of answers.slice(0, 10).entries()) {
        assert.equal(String((await cf.status({ verification_id: `lost-${burst}-${i}` })).json.ref_id), String(r.json.ref_id));
      }
    }
    assert.equal(proxy.state.cut, 1, 'a batch lost its answer');
    // The merchant's verifications of both dialects (at most 81, one page): each create stored once.
    const listed = (await gw.request('GET', '/v1/fund_accounts/validations?count=100', { headers: basic(a.test_key) })).json;
    assert.equal(listed.count, made);
  });
});

describe('batched inserts that wait for each other on PostgreSQL', { skip: needsPostgres }, () => {
  let one: Db;
  let other: Db;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshPostgres();
    drop = fresh.drop;
    // Two instances of the gateway.
    one = openPostgres(fresh.url, pgSettings({}));
    other = openPostgres(fresh.url, pgSettings({}));
    await storeWithMerchant(one, 'mer_z');
  });
  after(async () => {
    await one?.close();
    await other?.close();
    await drop?.();
  });

  it('do not deadlock when they hold the same verification_ids in another order', async () => {
    let refId = 1000;
    const row = (vid: string): { v: NewVerification } => ({ v: newRow('mer_z', ++refId, vid) });
    const vids = ['a0', 'a1', 'a2', 'm', 'z0', 'z1', 'z2'];
    // The same creates sent to both instances, which batch them in opposite orders. A create of
    // 'm' not yet committed holds both statements until each has written what comes before 'm'
    // in its order; then it is rolled back and they go on.
    let batches!: Promise<PromiseSettledResult<number[]>[]>;
    class Rollback extends Error {}
    await one
      .tx(async (q) => {
        await verifications.insert(q, row('m').v);
        batches = Promise.allSettled([
          verifications.insertMany(one, vids.map(row)),
          verifications.insertMany(other, [...vids].reverse().map(row)),
        ]);
        for (let waiting = 0; waiting < 2; ) {
          await new Promise((r) => setTimeout(r, 20));
          [{ waiting }] = await other.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO verifications%'`,
          );
        }
        throw new Rollback();
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err;
      });
    const settled = await batches;
    for (const r of settled) assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason));
    const written = settled.flatMap((r) => (r as PromiseFulfilledResult<number[]>).value);
    assert.equal(written.length, vids.length, 'each verification_id written once');
  });
});
