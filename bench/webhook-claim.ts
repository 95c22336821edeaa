// What one claim of the webhook runner costs beside a dead receiver's backlog. A merchant whose
// receiver fails has `backlog` deliveries due (one of them in flight), `merchants` others have
// three each, due in an hour (retries waiting); after the first claim (which takes the one it
// may) every further claim finds nothing to take but still has to look: that look is what is
// timed, per claim. On SQLite it runs on the event loop: for that long the gateway answers nothing.
// `others` open jobs of another kind share the table (a PostgreSQL plan may change with them, once
// the statistics know them: PostgreSQL's tables are analyzed before timing). A backlog of 0 times the claim
// when every merchant's deliveries wait for a later retry.
//
//   npm run -s build && node --import tsx bench/webhook-claim.ts [--backlog 1000,10000,100000]
//     [--merchants 20] [--others 0] [--claims 40] [--build <a build's dist directory>] [--postgres]
//
// --build points at another build's dist (an older commit's) to compare in the same run.
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshPostgres } from '../test/support/gateway.js';

const { values } = parseArgs({
  options: {
    backlog: { type: 'string', default: '1000,10000,100000' },
    claims: { type: 'string', default: '40' },
    merchants: { type: 'string', default: '20' },
    others: { type: 'string', default: '0' },
    build: { type: 'string', default: join(import.meta.dirname, '..', 'dist') },
    postgres: { type: 'boolean', default: false },
  },
});
const build = resolve(values.build!);
const { openDb } = await import(join(build, 'src/store/db.js'));
const { migrate } = await import(join(build, 'src/store/migrate.js'));
const { Webhooks } = await import(join(build, 'src/jobs/webhooks.js'));
const { loadConfig } = await import(join(build, 'src/config.js'));

const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const backlog of values.backlog!.split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'claim-'));
  const pgDb = values.postgres ? await freshPostgres() : null;
  const cfg = loadConfig({ DATA_DIR: dir, ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) });
  const db = await openDb({ databaseUrl: pgDb?.url, pg: cfg.pg, dataDir: dir, server: false });
  try {
    await migrate(db, quiet);
    const hooks = new Webhooks(db, null, cfg, quiet, () => '', async () => '');
    const event = (merchantId: string, n: number, at: number) => ({
      id: `ev_${merchantId}_${n}`,
      merchantId,
      type: 'verification.success',
      verification: { kind: 'rpd', refId: n },
      at,
      merchant: { settings: { webhook: { url: `https://${merchantId}.example/hook`, dialect: 'cashfree' } } },
    });
    const t0 = Date.now() - 3_600_000;
    const seed = async (merchantId: string, count: number, from = t0) => {
      for (let i = 0; i < count; i += 1000) {
        await db.tx(async (q: any) => {
          for (let k = i; k < Math.min(count, i + 1000); k++) await hooks.onEvent(q, event(merchantId, k, from + k));
        });
      }
    };
    await seed('m_dead', backlog);
    await db.query("INSERT INTO webhook_receivers (merchant_id, standing, changed_at, tried_at) VALUES ('m_dead', 'failing', ?, ?)", [t0, t0]);
    for (let m = 0; m < Number(values.merchants); m++) {
      await seed(`m_${m}`, 3, Date.now() + 3_600_000);
      await db.query("INSERT INTO webhook_receivers (merchant_id, standing, changed_at, tried_at) VALUES (?, 'quick', ?, ?)", [`m_${m}`, t0, t0]);
    }
    for (let i = 0; i < Number(values.others); i += 1000) {
      await db.tx(async (q: any) => {
        for (let k = i; k < Math.min(Number(values.others), i + 1000); k++) {
          await q.query("INSERT INTO jobs (kind, subject, run_at, created_at) VALUES ('bench.other', ?, ?, ?)", [`o${k}`, t0 + k, t0]);
        }
      });
    }
    // As autovacuum would on PostgreSQL; the gateway never analyzes a SQLite store.
    if (pgDb) await db.query('ANALYZE');
    const first = await hooks.claim('bench', 100_000, 60_000);
    const times: number[] = [];
    let taken = 0;
    for (let i = 0; i < Number(values.claims); i++) {
      const s = performance.now();
      taken += (await hooks.claim('bench', 16, 60_000)).length;
      times.push(performance.now() - s);
    }
    console.log(
      `backlog ${String(backlog).padStart(7)}: first claim took ${first.length}, then ${taken} in ${values.claims} claims;` +
        ` per claim median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`,
    );
  } finally {
    await db.close();
    await pgDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
