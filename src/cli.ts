#!/usr/bin/env node
// The operator's command line: the admin API's operations, straight on the store.
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { merchantNameProblem } from './engine/merchants.js';
import { openServices } from './gateway.js';
import { merchantView } from './admin/views.js';
import { WebhookAddressError } from './jobs/webhook-address.js';
import { importIfsc } from './store/ifsc-import.js';
import { countIfsc, lookupIfsc } from './store/ifsc.js';
import { backupSqlite, restoreSqlite } from './store/backup.js';
import { deadJobs, retryDead } from './jobs/queue.js';
import { jobView } from './admin/operations.js';
import { appliedMigrations, LATEST_VERSION } from './store/migrate.js';

const USAGE = `usage: pennygate <command>

  merchants create --name NAME   create a merchant with a test key pair (prints the secret once)
  merchants list                 list merchants
  merchants show ID              show one merchant
  webhook set MERCHANT --url URL --dialect cashfree|razorpayx [--rotate-secret]
                                 set where a merchant's events go (prints the signing secret)
  webhook show MERCHANT          show a merchant's webhook
  webhook deliveries MERCHANT    list recent deliveries with their status
  webhook delivery ID            one delivery with every attempt
  webhook replay ID              send a delivery again now
  ifsc import PATH               import IFSC branch data (Razorpay's format): a folder of per-bank
                                 JSON files, one such file, or IFSC.csv; re-importing updates
  ifsc show IFSC                 show one branch
  jobs dead                      jobs that kept failing and stopped (dead letters)
  jobs retry ID                  run a dead job again now
  retention show                 the retention policy and what its last purge removed
  retention run                  purge what is older than DATA_RETENTION_DAYS now
  schema                         the schema version and the migrations applied
  backup FILE                    copy the SQLite store to FILE while the gateway runs
  restore FILE                   put a backup in place of the SQLite store (gateway stopped;
                                 the store it replaces is kept beside it)
  admin-token                    print the admin API token

Environment: DATA_DIR or DATABASE_URL select the store, as for the server.`;

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      url: { type: 'string' },
      dialect: { type: 'string' },
      'rotate-secret': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, action, arg] = positionals;
  if (values.help || !group) return usage(0);
  const cfg = loadConfig();
  if (group === 'admin-token') return print({ admin_token: cfg.adminToken });
  if (group === 'backup' || group === 'restore') {
    if (cfg.databaseUrl) return fail(`${group} is for the SQLite store; back up PostgreSQL with pg_dump (see README)`);
    if (!action) return fail(`${group} needs a FILE`);
    return print(group === 'backup' ? await backupSqlite(cfg.dataDir, action) : restoreSqlite(cfg.dataDir, action));
  }

  const s = await openServices(cfg, createLogger('warn'));
  try {
    if (group === 'merchants' && action === 'create') {
      const problem = values.name === undefined ? 'a --name is required' : merchantNameProblem(values.name);
      if (problem) return fail(`merchants create: ${problem}`);
      const { merchant, testKey } = await s.merchants.create(values.name!.trim());
      return print({ ...merchantView(merchant), test_key: testKey });
    }
    if (group === 'merchants' && action === 'list') return print({ items: (await s.merchants.list()).map(merchantView) });
    if (group === 'merchants' && action === 'show' && arg) {
      const m = await s.merchants.get(arg);
      return m ? print(merchantView(m)) : fail(`no merchant ${arg}`);
    }
    if (group === 'ifsc' && action === 'import' && arg) {
      const summary = await importIfsc(s.db, arg);
      return print({ ...summary, directory_size: await countIfsc(s.db) });
    }
    if (group === 'ifsc' && action === 'show' && arg) {
      const b = await lookupIfsc(s.db, arg);
      return b ? print(b) : fail(`no branch ${arg} in the IFSC directory`);
    }
    if (group === 'webhook' && arg) {
      if (action === 'set') {
        if (!values.url || !values.dialect) return fail('webhook set needs --url and --dialect');
        const w = await s.webhooks.configure(arg, values.url, values.dialect, values['rotate-secret']);
        return w ? print(w) : fail(`no merchant ${arg}`);
      }
      if (action === 'show') {
        const w = await s.webhooks.current(arg);
        return w ? print(w) : fail(`no webhook set for ${arg}`);
      }
      if (action === 'deliveries') return print({ items: await s.webhooks.list(arg) });
      if (action === 'delivery') {
        const d = await s.webhooks.get(arg);
        return d ? print(d) : fail(`no delivery ${arg}`);
      }
      if (action === 'replay') {
        const d = await s.webhooks.replay(arg);
        return d ? print(d) : fail(`no delivery ${arg}`);
      }
    }
    if (group === 'jobs' && action === 'dead') {
      const d = await deadJobs(s.db, 100);
      return print({ count: d.total, items: d.items.map(jobView) });
    }
    if (group === 'jobs' && action === 'retry' && arg) {
      const j = /^[1-9][0-9]{0,15}$/.test(arg) ? await retryDead(s.db, Number(arg)) : null;
      return j ? print(jobView(j)) : fail(`no dead job ${arg}`);
    }
    if (group === 'retention' && action === 'show') {
      return print({ retention_days: cfg.retentionMs / 86_400_000, last_run: await s.retention.lastRun() });
    }
    if (group === 'retention' && action === 'run') return print(await s.retention.run());
    if (group === 'schema') {
      const applied = await appliedMigrations(s.db);
      return print({ version: applied.at(-1)?.version ?? 0, latest: LATEST_VERSION, migrations: applied });
    }
    return usage(2);
  } finally {
    await s.db.close();
  }
}

function print(o: unknown) {
  process.stdout.write(JSON.stringify(o, null, 2) + '\n');
}
function fail(msg: string) {
  process.stderr.write(`pennygate: ${msg}\n`);
  process.exitCode = 2;
}
function usage(code: number) {
  (code ? process.stderr : process.stdout).write(USAGE + '\n');
  process.exitCode = code;
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof WebhookAddressError) return fail(err.message);
  process.stderr.write(`pennygate: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
