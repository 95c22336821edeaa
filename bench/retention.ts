// Does the retention purge hold up the API? Status-read latency on the real server process while
// it erases many old verifications, against the same reads with no purge running, in one run.
//
//   npm run -s build && node --import tsx bench/retention.ts [--rows 50000] [--concurrency 4]
//
// The store is filled straight through SQLite with finished verifications (and their refunded
// credits) dated a year back, so that one purge has all of them to erase.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Gateway } from '../test/support/gateway.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, concurrency: { type: 'string', default: '4' } } });
const ROWS = Number(values.rows);
const C = Number(values.concurrency);

const gw = await Gateway.start({ env: { LOG_LEVEL: 'warn', RETENTION_INTERVAL_MINUTES: '100000' } });
try {
  const key = (await gw.merchant('Bench')).test_key;
  const known = (await gw.cashfree(key).createRpd({ verification_id: 'bench-known', name: 'John Doe' })).json;
  const merchantId = (await gw.admin('GET', '/merchants')).json.items[0].id;

  // Old, finished, refunded: everything the purge will erase.
  const db = new Database(join(gw.dataDir, 'pennygate.db'));
  db.pragma('busy_timeout = 5000');
  const yearAgo = Date.now() - 365 * 86_400_000;
  const v = db.prepare(`INSERT INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, name, status,
      rail, amount_paise, created_at, processed_at, credit_id, payer_vpa, payer_name, payer_account, payer_ifsc, utr)
    VALUES (?, ?, 'test', 'rpd', 'cashfree', ?, ?, 'John Doe', 'success', 'sandbox', 100, ?, ?, ?, 'old@upi', 'OLD PAYER', '026291800001191', 'YESB0000262', ?)`);
  const c = db.prepare(`INSERT INTO credits (id, rail, utr, amount_paise, payer_vpa, payer_name, payer_account, payer_ifsc, received_at,
      ref_id, disposition, refund_key, refund_status) VALUES (?, 'sandbox', ?, 100, 'old@upi', 'OLD PAYER', '026291800001191', 'YESB0000262', ?, ?, 'verified', ?, 'success')`);
  const e = db.prepare(`INSERT INTO events (id, merchant_id, type, ref_id, payload, created_at) VALUES (?, ?, 'verification.success', ?, '{}', ?)`);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const ref = 1e15 + i;
      const utr = `9${String(i).padStart(11, '0')}`;
      const at = yearAgo + i;
      const credit = `crd_${randomBytes(8).toString('hex')}`;
      v.run(ref, merchantId, `pub_${i}`, `old-${i}`, at, at, credit, utr);
      c.run(credit, utr, at, ref, `refund_bench_${i}`);
      e.run(`evt_${randomBytes(8).toString('hex')}`, merchantId, ref, at);
    }
  })();
  db.close();

  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret };
  const read = async () => {
    const t = performance.now();
    const r = await fetch(`${gw.url}/verification/remitter/status?ref_id=${known.ref_id}`, { headers: auth });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return performance.now() - t;
  };
  /** Status reads at concurrency C until `until` settles; their latencies. */
  const readsWhile = async (until: Promise<unknown>) => {
    let done = false;
    void until.finally(() => (done = true));
    const lat: number[] = [];
    await Promise.all(Array.from({ length: C }, async () => { while (!done) lat.push(await read()); }));
    return lat.sort((a, b) => a - b);
  };
  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];
  const show = (name: string, xs: number[]) =>
    `${name.padEnd(16)} reads ${String(xs.length).padStart(6)}  p50 ${pct(xs, 0.5).toFixed(2)} ms  p99 ${pct(xs, 0.99).toFixed(2)} ms  max ${xs.at(-1)!.toFixed(1)} ms`;

  for (let i = 0; i < 200; i++) await read(); // warm up
  const purgeStarted = performance.now();
  let purge: any;
  const during = await readsWhile(gw.admin('POST', '/retention/run').then((r) => (purge = r.json)));
  const purgeMs = performance.now() - purgeStarted;
  const baseline = await readsWhile(new Promise((r) => setTimeout(r, purgeMs)));
  console.log(`purge of ${ROWS} verifications (+ credits, events): ${purgeMs.toFixed(0)} ms; removed ${JSON.stringify(purge.removed)}`);
  console.log(show('no purge', baseline));
  console.log(show('during purge', during));
  console.log(`p99 ratio during/no purge: ${(pct(during, 0.99) / pct(baseline, 0.99)).toFixed(2)}`);
} finally {
  await gw.stop();
}
