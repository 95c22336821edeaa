#!/usr/bin/env node
// The operator's command line: the admin API's operations, straight on the store.
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { openServices } from './gateway.js';
import { merchantView } from './admin/views.js';

const USAGE = `usage: pennygate <command>

  merchants create --name NAME   create a merchant with a test key pair (prints the secret once)
  merchants list                 list merchants
  merchants show ID              show one merchant
  admin-token                    print the admin API token

Environment: DATA_DIR or DATABASE_URL select the store, as for the server.`;

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [group, action, arg] = positionals;
  if (values.help || !group) return usage(0);
  const cfg = loadConfig();
  if (group === 'admin-token') return print({ admin_token: cfg.adminToken });

  const s = await openServices(cfg, createLogger('warn'));
  try {
    if (group === 'merchants' && action === 'create') {
      const name = values.name?.trim();
      if (!name || name.length > 100) return fail('merchants create needs --name of 1 to 100 characters');
      const { merchant, testKey } = await s.merchants.create(name);
      return print({ ...merchantView(merchant), test_key: testKey });
    }
    if (group === 'merchants' && action === 'list') return print({ items: (await s.merchants.list()).map(merchantView) });
    if (group === 'merchants' && action === 'show' && arg) {
      const m = await s.merchants.get(arg);
      return m ? print(merchantView(m)) : fail(`no merchant ${arg}`);
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
  process.stderr.write(`pennygate: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
