// Webhooks beside receivers that hang, on PostgreSQL with several instances. Merchants whose
// receivers never answer take most of the traffic, one merchant's receiver answers at once; then:
//   - quiet: with no traffic, what the store does for the deliveries left waiting (transactions
//     and jobs rows updated per second, PostgreSQL's CPU) against the attempts actually made;
//   - probe: payments to the answering merchant alone, and how long its webhooks take to arrive
//     (from the payment's answer to the receiver), beside the hanging merchants' backlog;
//   - the probe again after every instance restarted.
//
//   npm run -s build && node --import tsx bench/webhook-lanes.ts [--instances 3] [--hanging 3]
//     [--seconds 20] [--quiet 20] [--probe 10] [--main <dist/src/main.js>] [--postgres URL]
//
// Without --postgres a fresh database is made and dropped. Give --main twice the same run's
// conditions (an older build's dist/src/main.js) to compare.
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { freshPostgres, Gateway, sleep } from '../test/support/gateway.js';
import { Receiver } from '../test/support/receiver.js';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    hanging: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    quiet: { type: 'string', default: '20' },
    probe: { type: 'string', default: '10' },
    clients: { type: 'string', default: '6' },
    main: { type: 'string' },
    postgres: { type: 'string' },
  },
});
const N = Number(values.instances);
const H = Number(values.hanging);

const made = values.postgres ? null : await freshPostgres();
const url = values.postgres ?? made!.url;
const env = {
  LOG_LEVEL: 'error',
  WEBHOOK_ALLOW_PRIVATE: 'true',
  SANDBOX_WRITES_PER_MINUTE: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  REVERSAL_DELAY_SECONDS: '0',
  // The defaults a deployment runs with, not the tests' quick ones.
  JOB_POLL_MS: '250',
  JOB_LEASE_MS: '30000',
};

/** CPU seconds used so far by the PostgreSQL server's processes, by pid. */
function pgCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(p), (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      /* gone */
    }
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

const store = new pg.Client({ connectionString: url });
const healthy = await Receiver.start();
const hanging = await Promise.all(Array.from({ length: H }, () => Receiver.start()));
for (const r of hanging) r.plan = ['hang'];
let gws: Gateway[] = [];
try {
  for (let i = 0; i < N; i++) gws.push(await Gateway.start({ main: values.main, databaseUrl: url, env }));
  await store.connect();
  const [dbName] = (await store.query('SELECT current_database() AS d')).rows;
  const merchants: Awaited<ReturnType<Gateway["merchant"]>>[] = [];
  for (const [i, r] of [healthy, ...hanging].entries()) {
    const m = await gws[0].merchant(i === 0 ? 'Answers' : `Hangs ${i}`);
    const set = await gws[0].admin('PUT', `/merchants/${m.id}/webhook`, { url: r.url, dialect: 'cashfree' });
    if (set.status !== 200) throw new Error(`webhook: ${set.status} ${set.text}`);
    merchants.push(m);
  }

  let n = 0;
  const paidAt = new Map<string, number>();
  /** One paid verification for merchant `k` through some instance; its id. */
  const pay = async (k: number) => {
    const gw = gws[n % gws.length];
    const vid = `lane-${k}-${n++}`;
    const c = await gw.cashfree(merchants[k].test_key).createRpd({ verification_id: vid, name: 'John Doe' });
    if (c.status !== 200) throw new Error(`create: ${c.status} ${c.text}`);
    const p = await gw.pay(c.json.upi_link, 'success@upi');
    if (p.status !== 200) throw new Error(`pay: ${p.status} ${p.text}`);
    paidAt.set(vid, Date.now());
    return vid;
  };

  // Load: the hanging merchants take three payments in four.
  const t0 = Date.now();
  let sent = 0;
  await Promise.all(
    Array.from({ length: Number(values.clients) }, async () => {
      while (Date.now() - t0 < Number(values.seconds) * 1000) {
        await pay(H > 0 && sent % 4 !== 0 ? 1 + (sent % H) : 0);
        sent++;
      }
    }),
  );
  console.log(`load: ${sent} payments in ${values.seconds} s (${N} instances, ${H} hanging receivers)`);

  // Quiet: what the store does for the backlog.
  const stats = async () => {
    const [d] = (await store.query('SELECT xact_commit + xact_rollback AS tx FROM pg_stat_database WHERE datname = $1', [dbName.d])).rows;
    const [t] = (await store.query("SELECT n_tup_upd AS upd FROM pg_stat_user_tables WHERE relname = 'jobs'")).rows;
    const [a] = (await store.query('SELECT COUNT(*) AS n FROM webhook_attempts')).rows;
    return { tx: Number(d.tx), upd: Number(t.upd), attempts: Number(a.n), cpu: pgCpu(), at: Date.now() };
  };
  const quiet = async (label: string, seconds: number) => {
    const a = await stats();
    await sleep(seconds * 1000);
    const b = await stats();
    const s = (b.at - a.at) / 1000;
    let cpu = 0;
    for (const [pid, t] of b.cpu) cpu += t - (a.cpu.get(pid) ?? t);
    const [p] = (await store.query(`SELECT COUNT(*) AS pending, COUNT(CASE WHEN j.last_error IS NULL AND d.attempts > 0 THEN 1 END) AS lost
        FROM webhook_deliveries d JOIN jobs j ON j.subject = d.id AND j.kind = 'webhook.deliver' AND j.done_at IS NULL WHERE d.status = 'pending'`)).rows;
    console.log(
      `${label}: ${((b.tx - a.tx) / s).toFixed(0)} transactions/s, ${((b.upd - a.upd) / s).toFixed(0)} jobs rows updated/s, ` +
        `${((b.attempts - a.attempts) / s).toFixed(1)} attempts/s, PostgreSQL ${((100 * cpu) / s).toFixed(0)}% of a core; ` +
        `${p.pending} deliveries pending, ${p.lost} of them tried with their job's last error lost`,
    );
  };
  await quiet('quiet', Number(values.quiet));

  const probe = async (label: string) => {
    const before = healthy.received.length;
    const vids = new Set<string>();
    const t1 = Date.now();
    while (Date.now() - t1 < Number(values.probe) * 1000) {
      vids.add(await pay(0));
      await sleep(100);
    }
    const deadline = Date.now() + 60_000;
    const seen = new Map<string, number>();
    while (Date.now() < deadline) {
      for (const r of healthy.received.slice(before)) {
        const vid = /"verification_id":"([^"]+)"/.exec(r.body)?.[1];
        if (vid && vids.has(vid) && !seen.has(vid)) seen.set(vid, Math.max(0, r.at - paidAt.get(vid)!));
      }
      if (seen.size === vids.size) break;
      await sleep(100);
    }
    const ms = [...seen.values()];
    console.log(`${label}: ${seen.size}/${vids.size} webhooks of the answering merchant arrived, p50 ${pct(ms, 50)} ms, p99 ${pct(ms, 99)} ms`);
  };
  await probe('probe');

  for (const gw of gws) await gw.kill();
  const restarted: Gateway[] = [];
  for (const gw of gws) restarted.push(await gw.restartAnywhere());
  gws = restarted;
  await probe('probe after restart');
  await quiet('quiet after restart', Math.min(10, Number(values.quiet)));
  console.log(`connections the hanging receivers held at most at once: ${hanging.map((r) => r.maxInFlight).join(', ')}`);
} finally {
  for (const gw of gws) await gw.kill().catch(() => {});
  await store.end().catch(() => {});
  await healthy.close();
  for (const r of hanging) await r.close();
  await made?.drop();
}
