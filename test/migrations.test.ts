// Versioned migrations on real databases: applied once under a lock, none on a current store, a
// newer store refused, and the queries that run all the time backed by an index.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ADMIN_TOKEN, Gateway, eventually, freshPostgres, needsPostgres } from './support/gateway.js';
import { LATEST_VERSION } from '../src/store/migrate.js';
import { ACCESS_TABLES, MIGRATIONS } from '../src/store/migrations.js';
import { claimSql, PURGE_DONE_SQL } from '../src/jobs/queue.js';
import { anyDueSql, lanesQuery, unlanedSql } from '../src/jobs/webhooks.js';
import { RETENTION_VERIFICATIONS_SQL } from '../src/jobs/retention.js';
import { PAYOUT_BY_KEY_SQL } from '../src/engine/reconciliation.js';
import { BY_OTHER_INTENT, apiKeys, credits, dueToExpireSql, verifications } from '../src/store/repository.js';
import { mobileVerifications } from '../src/store/mobile.js';
import { ledger } from '../src/store/access.js';
import { STORE_CLOCK, type Queryable } from '../src/store/db.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'src', 'main.js');

describe('migrations (SQLite)', () => {
  let gw: Gateway | undefined;
  after(() => gw?.stop());

  it('creates a private store at the latest version and changes no schema on the next start', async () => {
    gw = await Gateway.start();
    const file = join(gw.dataDir, 'pennygate.db');
    assert.equal(statSync(gw.dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const read = () => {
      const db = new Database(file, { readonly: true });
      try {
        return {
          versions: db.prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((r: any) => r.version),
          schemaVersion: db.pragma('schema_version', { simple: true }),
          // The cached keys (engine/merchants.ts) are only as fresh as these triggers.
          accessTriggers: db
            .prepare("SELECT tbl_name AS t, COUNT(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_access\\_%' ESCAPE '\\' GROUP BY tbl_name ORDER BY tbl_name")
            .all(),
        };
      } finally {
        db.close();
      }
    };
    const first = read();
    assert.deepEqual(first.versions, MIGRATIONS.map((m) => m.version));
    assert.deepEqual(first.accessTriggers, [...ACCESS_TABLES].sort().map((t) => ({ t, n: 3 })));
    await gw.restart();
    // SQLite bumps schema_version on any change to the schema: none happened.
    assert.deepEqual(read(), first);
    const schema = (await gw.admin('GET', '/schema')).json;
    assert.equal(schema.version, LATEST_VERSION);
    assert.equal(schema.latest, LATEST_VERSION);
  });

  it('refuses to start on a database newer than the code, naming both versions', async () => {
    await gw!.stop();
    const db = new Database(join(gw!.dataDir, 'pennygate.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_VERSION + 7, 'from_the_future', Date.now());
    db.close();
    const r = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, DATA_DIR: gw!.dataDir, ADMIN_TOKEN, PORT: '0', HOST: '127.0.0.1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(r.status, 0);
    const out = r.stdout + r.stderr;
    assert.match(out, new RegExp(`schema is at version ${LATEST_VERSION + 7}, newer than this build of pennygate knows \\(${LATEST_VERSION}\\)`));
    gw = undefined;
  });

  it('backs the hot queries with an index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pennygate-plan-'));
    // A store made by the real start-up path, then asked for its query plans.
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'src', 'cli.js'), 'schema'], {
      env: { PATH: process.env.PATH, DATA_DIR: dir, ADMIN_TOKEN },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const db = new Database(join(dir, 'pennygate.db'), { readonly: true });
    const plan = (sql: string, params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(' | ');
    for (const [what, sql, params, index] of HOT_QUERIES('sqlite', '', STORE_CLOCK.sqlite)) {
      const p = plan(sql, params);
      assert.match(p, new RegExp(`USING (COVERING )?INDEX ${index}\\b`), `${what}: ${p}`);
    }
    // The webhook claim reads a few jobs per merchant, never every waiting one (a dead
    // receiver's backlog): no step of its plan walks the jobs table or a kind's due jobs.
    const lanes = lanesQuery({ kind: 'sqlite', now: STORE_CLOCK.sqlite }, { dueBy: 1, quick: 16, share: 4, room: 16, limit: 10 });
    const lanesPlan = plan(lanes.sql, lanes.params);
    assert.doesNotMatch(lanesPlan, /SCAN (j|x|jobs)\b|jobs_due_by_kind/, lanesPlan);
    // Status reads that arrived together, one statement per kind of key (the keys as JSON):
    // each row by its key, never a scan of verifications or credits.
    const sent: [string, unknown[]][] = [];
    const rec = { kind: 'sqlite' as const, query: async (sql: string, params: unknown[] = []) => (sent.push([sql, params]), []) };
    const together: [string, () => Promise<unknown>, RegExp][] = [
      ['by ref_id', () => verifications.byKeysWithAccess(rec, { refIds: [1, 2] }), /SEARCH v USING INTEGER PRIMARY KEY/],
      ['by public id', () => verifications.byKeysWithAccess(rec, { publicIds: ['p', 'q'] }), /SEARCH v USING INDEX sqlite_autoindex_verifications_\d \(public_id=\?\)/],
      [
        'by verification_id',
        () => verifications.byKeysWithAccess(rec, { verificationIds: [['m', 'test', 'rpd', 'a'], ['m', 'test', 'rpd', 'b']] }),
        /SEARCH v USING INDEX verifications_owner_vid_kind \(merchant_id=\? AND mode=\? AND verification_id=\? AND kind=\?\)/,
      ],
    ];
    for (const [what, run, index] of together) {
      sent.length = 0;
      await run();
      const p = plan(...sent[0]);
      assert.match(p, index, `status reads ${what}, together: ${p}`);
      assert.match(p, /SEARCH c USING/, `status reads ${what}, together: ${p}`);
      assert.doesNotMatch(p, /SCAN (v|c|verifications|credits)\b/, `status reads ${what}, together: ${p}`);
    }
    db.close();
  });

  it('pays an intent by its tr, whether or not the tr is the ref_id', async () => {
    const live = await Gateway.start();
    try {
      const cf = live.cashfree((await live.merchant()).test_key);
      const usual = (await cf.createRpd({ verification_id: 'tr-usual', name: 'John Doe' })).json;
      const other = (await cf.createRpd({ verification_id: 'tr-other', name: 'John Doe' })).json;
      // An intent issued with a tr of its own (an older build's, another rail's): found by the
      // partial index, not by the primary key.
      const db = new Database(join(live.dataDir, 'pennygate.db'));
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE verifications SET intent_tr = ? WHERE ref_id = ?').run('OWN-TR-1', other.ref_id);
      db.close();
      const link = String(other.upi_link).replace(/([?&]tr=)[^&]+/, '$1OWN-TR-1');
      assert.notEqual(link, other.upi_link);
      assert.equal((await live.pay(usual.upi_link, 'success@upi')).status, 200);
      assert.equal((await live.pay(link, 'success@upi')).status, 200);
      for (const vid of ['tr-usual', 'tr-other']) {
        await eventually(async () => (await cf.status({ verification_id: vid })).json.status, (st) => st === 'SUCCESS', 10_000, vid);
      }
    } finally {
      await live.stop();
    }
  });

  it('reads the right columns when another process rebuilds a table under the running server', async () => {
    const live = await Gateway.start();
    try {
      const cf = live.cashfree((await live.merchant()).test_key);
      const first = (await cf.createRpd({ verification_id: 'before-rebuild', name: 'John Doe' })).json;
      await live.pay(first.upi_link, 'success@upi');
      // The refund moves on meanwhile; everything else must read the same.
      const { reversal_status: _, ...before } = (await cf.status({ verification_id: 'before-rebuild' })).json;
      assert.equal(before.status, 'SUCCESS');
      // What a later build's migration (run from the command line beside the server) may do:
      // rebuild tables, here with their columns in the opposite order, and add a column.
      const db = new Database(join(live.dataDir, 'pennygate.db'));
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = OFF'); // as SQLite's procedure for rebuilding a table says
      // IMMEDIATE: take the write lock up front (waiting out the server's commits), as a read
      // transaction turned writer would meet SQLITE_BUSY at once while the refund job writes.
      db.transaction(() => {
        for (const table of ['merchants', 'api_keys', 'verifications', 'credits']) reverseColumns(db, table);
        db.exec('ALTER TABLE verifications ADD COLUMN added_later TEXT');
      }).immediate();
      db.close();
      for (let i = 0; i < 3; i++) {
        const r = await cf.status({ verification_id: 'before-rebuild' });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const { reversal_status: __, ...now } = r.json;
        assert.deepEqual(now, before);
      }
      const later = await cf.createRpd({ verification_id: 'after-rebuild', name: 'John Doe' });
      assert.equal(later.status, 200, JSON.stringify(later.json));
      assert.equal((await live.pay(later.json.upi_link, 'success@upi')).json.status, 'SUCCESS');
      const after = (await cf.status({ verification_id: 'after-rebuild' })).json;
      assert.equal(after.status, 'SUCCESS');
      assert.equal(after.name_at_bank, before.name_at_bank);
      assert.equal(after.bank_account, before.bank_account);
      assert.equal(after.ifsc, before.ifsc);
    } finally {
      await live.stop();
    }
  });
});

/** Rebuilds `table` with its columns in reverse order, keeping its keys and indexes (not CHECKs). */
function reverseColumns(db: Database.Database, table: string) {
  type Col = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number };
  const cols = (db.prepare(`PRAGMA table_info(${table})`).all() as Col[]).reverse();
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const defs = cols.map((c) =>
    [c.name, c.type, pk.length === 1 && c.pk ? 'PRIMARY KEY' : '', c.notnull ? 'NOT NULL' : '', c.dflt_value !== null ? `DEFAULT ${c.dflt_value}` : '']
      .filter(Boolean)
      .join(' '),
  );
  if (pk.length > 1) defs.push(`PRIMARY KEY (${pk.map((c) => c.name).join(', ')})`);
  const unique = (db.prepare(`PRAGMA index_list(${table})`).all() as { name: string; unique: number; origin: string }[])
    .filter((i) => i.origin === 'u')
    .map((i) => `UNIQUE (${(db.prepare(`PRAGMA index_info(${i.name})`).all() as { name: string }[]).map((c) => c.name).join(', ')})`);
  const keys = (db.prepare(`PRAGMA foreign_key_list(${table})`).all() as { table: string; from: string; to: string }[]).map(
    (f) => `FOREIGN KEY (${f.from}) REFERENCES ${f.table}(${f.to})`,
  );
  const indexes = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { sql: string }[]).map((r) => r.sql);
  const names = cols.map((c) => c.name).join(', ');
  db.exec(`CREATE TABLE ${table}_reversed (${[...defs, ...unique, ...keys].join(', ')})`);
  db.exec(`INSERT INTO ${table}_reversed (${names}) SELECT ${names} FROM ${table}`);
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${table}_reversed RENAME TO ${table}`);
  for (const sql of indexes) db.exec(sql);
}

/** [what, SQL, parameters, the index it must use]. */
const HOT_QUERIES = (kind: 'sqlite' | 'postgres', skipLocked: string, clock: string): [string, string, unknown[], string][] => [
  [
    'due jobs of one runner, of its rails',
    claimSql(2, skipLocked, clock, 2),
    ['w', 1, 1, 'credit.reverse', 'verification.expire', 'sandbox', 'connector', 16],
    'jobs_due_by_kind',
  ],
  ['finished jobs by age', PURGE_DONE_SQL, [1], 'jobs_done'],
  ...(['jobs_leased', 'jobs_lanes'].map((index) => {
    const q = lanesQuery({ kind, now: clock }, { dueBy: 1, quick: 16, share: 4, room: 16, limit: 10 });
    return [`the webhook runner's claim (merchants with deliveries open, those in flight): ${index}`, q.sql, q.params, index];
  }) as [string, string, unknown[], string][]),
  ["delivery jobs queued without a lane (the webhook claim gives them one)", unlanedSql({ kind }), [], 'jobs_lanes'],
  ['whether any delivery job is due (asked before the webhook claim)', anyDueSql({ kind, now: clock }), [1], 'jobs_due_by_kind'],
  ['credits still owed', "SELECT * FROM credits WHERE refund_status <> 'success' ORDER BY received_at LIMIT ?", [100], 'credits_owed'],
  // The pages after the first (admin/pages.ts): bounded by the place, not read from the start.
  [
    'credits still owed, after a place',
    "SELECT * FROM credits WHERE refund_status <> 'success' AND received_at >= ? AND (received_at > ? OR id > ?) ORDER BY received_at, id LIMIT ?",
    [1, 1, 'c', 100],
    'credits_owed',
  ],
  ['dead jobs, after a place', 'SELECT * FROM jobs WHERE dead_at IS NOT NULL AND dead_at <= ? AND (dead_at < ? OR id < ?) ORDER BY dead_at DESC, id DESC LIMIT ?', [1, 1, 1, 100], 'jobs_dead'],
  [
    "a merchant's webhook deliveries, after a place",
    'SELECT * FROM webhook_deliveries WHERE merchant_id = ? AND created_at <= ? AND (created_at < ? OR id < ?) ORDER BY created_at DESC, id DESC LIMIT ?',
    ['m', 1, 1, 'd', 50],
    'webhook_deliveries_merchant',
  ],
  [
    'refunds in review, after a place',
    "SELECT * FROM credits WHERE refund_review_at IS NOT NULL AND refund_status <> 'success' AND received_at >= ? AND (received_at > ? OR id > ?) ORDER BY received_at, id LIMIT ?",
    [1, 1, 'c', 100],
    'credits_owed',
  ],
  // A credit's refund jobs by their keys: open jobs by subject would be every unpaid link's read.
  [
    "a credit's refund jobs",
    'SELECT id, subject, dead_at FROM jobs WHERE dedupe_key IN (?, ?) AND done_at IS NULL',
    ['refund:c', 'reverse:c'],
    kind === 'sqlite' ? 'sqlite_autoindex_jobs_1' : 'jobs_dedupe_key_key',
  ],
  // An older build beside this one in a rolling upgrade looks a verification_id up without its kind.
  ["an older build's lookup by verification_id", 'SELECT 1 FROM verifications WHERE merchant_id = ? AND mode = ? AND verification_id = ?', ['m', 'test', 'v'], 'verifications_owner_vid_kind'],
  [
    'sandbox credits to notify again',
    'SELECT utr FROM sandbox_payments WHERE notified_at IS NULL ORDER BY created_at LIMIT 100',
    [],
    'sandbox_payments_unnotified',
  ],
  ['verifications due for erasure', RETENTION_VERIFICATIONS_SQL, [1, 500], 'verifications_unpurged'],
  ['unpaid links past their time (the expiry sweep)', dueToExpireSql(skipLocked), ['sandbox', 1, 200], 'verifications_open_rail'],
  ['a payout the bank reports, by its key', PAYOUT_BY_KEY_SQL, ['payout_fav_x', 'sandbox'], 'verifications_payout_key_set'],
  ['an intent whose tr is not its ref_id', `SELECT * FROM verifications WHERE ${BY_OTHER_INTENT}`, ['sandbox', 'x'], 'verifications_intent_other'],
];

describe('migrations (PostgreSQL)', { skip: needsPostgres }, () => {
  const gws: Gateway[] = [];
  let drop: () => Promise<void> = async () => {};
  after(async () => {
    await Promise.all(gws.map((g) => g.stop()));
    await drop();
  });

  it('of several instances starting at once, one migrates; a start on a current store runs no DDL', async () => {
    const db = await freshPostgres();
    drop = db.drop;
    gws.push(...(await Promise.all([0, 1, 2].map(() => Gateway.start({ databaseUrl: db.url })))));
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query('SELECT version, COUNT(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version');
      assert.deepEqual(
        rows,
        MIGRATIONS.map((m) => ({ version: m.version, n: 1 })),
      );
      assert.equal(gws.map((g) => (g.output.match(/schema migration applied/g) ?? []).length).reduce((a, b) => a + b), MIGRATIONS.length);
      // The cached keys (engine/merchants.ts) are only as fresh as these triggers.
      const triggers = await c.query(
        "SELECT c.relname AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname LIKE '%\\_access' AND g.tgenabled = 'O' ORDER BY 1",
      );
      assert.deepEqual(triggers.rows.map((r) => r.t), [...ACCESS_TABLES].sort());

      // Every DDL statement from now on is written down by an event trigger.
      await c.query('CREATE TABLE ddl_seen (tag TEXT, at TIMESTAMPTZ DEFAULT now())');
      await c.query(`CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO ddl_seen (tag) VALUES (tg_tag); END $$`);
      await c.query('CREATE EVENT TRIGGER note_ddl ON ddl_command_start EXECUTE FUNCTION note_ddl()');
      await gws[0].restart();
      await gws[1].restart();
      assert.deepEqual((await c.query('SELECT tag FROM ddl_seen')).rows, []);
      await c.query('DROP EVENT TRIGGER note_ddl');

      // The hot queries can use their index (sequential scans off: the tables are tiny here).
      await c.query('SET enable_seqscan = off');
      for (const [what, sql, params, index] of HOT_QUERIES('postgres', ' FOR UPDATE SKIP LOCKED', STORE_CLOCK.postgres)) {
        let i = 0;
        const text = sql.replace(/\?/g, () => `$${++i}`);
        const plan = (await c.query(`EXPLAIN ${text}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(plan, new RegExp(`(Index|Index Only|Bitmap Index) Scan (Backward )?(using|on) ${index}\\b`), `${what}:\n${plan}`);
        if (index === 'jobs_lanes') assert.doesNotMatch(plan, /jobs_due_by_kind/, `${what}:\n${plan}`);
      }
    } finally {
      await c.end();
    }
  });

  it('keeps lookups by a key on that key in generic plans made while the tables are empty', async () => {
    const db = await freshPostgres();
    const prevDrop = drop;
    drop = async () => {
      await prevDrop();
      await db.drop();
    };
    gws.push(await Gateway.start({ databaseUrl: db.url }));
    // The statements exactly as the repository sends them (its `?` made `$n`, as the driver does).
    const sent: [string, unknown[]][] = [];
    const rec: Queryable = { query: async (sql, params = []) => (sent.push([sql, params]), []) };
    // The same, as the store itself (the batched lookups' statements are the store's).
    const store = { ...rec, kind: 'postgres' as const };
    const owner = { merchantId: 'm', mode: 'test' };
    const lookups: [string, () => Promise<unknown>, string][] = [
      ['status by ref_id', () => verifications.byOwner(rec, owner, { refId: 1 }), 'verifications_pkey'],
      // Not here: (merchant_id, verification_id) ties with the merchant's (merchant_id, created_at)
      // index until the table is first analyzed; PostgreSQL then replans, and picks the unique one.
      ['status by public id', () => verifications.byOwner(rec, owner, { publicId: 'p' }), 'verifications_public_id_key'],
      // The same with the access version read beside them (a cached key's status read).
      ['status by ref_id, with the access version', () => verifications.byOwnerWithAccess(rec, owner, { refId: 1 }), 'verifications_pkey'],
      ['status by public id, with the access version', () => verifications.byOwnerWithAccess(rec, owner, { publicId: 'p' }), 'verifications_public_id_key'],
      // Status reads that arrived together, one statement per kind of key: an index lookup per key
      // (a sequential scan of verifications or credits anywhere in the plan fails below).
      ['status reads by ref_id, together', () => verifications.byKeysWithAccess(store, { refIds: [1, 2] }), 'verifications_pkey'],
      ['status reads by public id, together', () => verifications.byKeysWithAccess(store, { publicIds: ['p', 'q'] }), 'verifications_public_id_key'],
      // The merchant's index ties with the unique one here too, until the table is first analyzed.
      [
        'status reads by verification_id, together',
        () => verifications.byKeysWithAccess(store, { verificationIds: [['m', 'test', 'rpd', 'a'], ['m', 'test', 'rpd', 'b']] }),
        'verifications_(owner_vid_kind|merchant_created)',
      ],
      ['a key with its merchant', () => apiKeys.get(rec, 'k'), 'api_keys_pkey'],
      ['a credit by bank transaction', () => credits.byBankTxn(rec, 'sandbox', 'u'), 'credits_bank_txn'],
      ['a top-up by reference', () => ledger.byReference(rec, 'm', 'r'), 'ledger_entries_reference'],
      ['the mobile penny drop in flight', () => mobileVerifications.inFlight(rec, owner, '9999999999'), 'verifications_mobile_in_flight_mode'],
    ];
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // PostgreSQL plans a prepared statement for its parameters five times, then may keep one
      // generic plan until the table is analyzed again. Made on empty tables, that plan must still
      // use the key: a merchant's own index would read all of the merchant's rows on every status
      // read once the table has grown.
      await c.query('SET plan_cache_mode = force_generic_plan');
      for (const [i, [what, run, index]] of lookups.entries()) {
        sent.length = 0;
        await run();
        const [sql, params] = sent[0];
        let n = 0;
        await c.query(`PREPARE lookup${i} AS ${sql.replace(/\?/g, () => `$${++n}`)}`);
        const args = params.map((p) => (typeof p === 'number' ? String(p) : Array.isArray(p) ? `'{${p.join(',')}}'` : `'${p}'`)).join(', ');
        const plan = (await c.query(`EXPLAIN EXECUTE lookup${i}(${args})`)).rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(plan, new RegExp(`Index (Only )?Scan using ${index} on`), `${what}:\n${plan}`);
        assert.doesNotMatch(plan, /Seq Scan on (verifications|credits)/, `${what}:\n${plan}`);
      }

      // A lookup by verification_id is let off above with the merchant's (merchant_id, created_at)
      // index, which reads every verification of the merchant for each key: once the table has
      // rows and statistics, it must be on the merchant's unique key.
      for (const m of ['m', 'n']) {
        await c.query(`INSERT INTO merchants (id, name, account_number, settings, created_at) VALUES ($1, $1, $1, '{}', 0)`, [m]);
        await c.query(
          `INSERT INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, short_code, status, rail,
             amount_paise, created_at, processed_at)
           SELECT g, $1, 'test', 'rpd', 'cashfree', $1 || '-' || g, 'v-' || g, $1 || '-' || g, 'created', 'sandbox', 100, g, g
             FROM generate_series($2::bigint, $2::bigint + 499) g`,
          [m, m === 'm' ? 1 : 1000],
        );
      }
      await c.query('ANALYZE verifications');
      const byVid: [string, () => Promise<unknown>][] = [
        ['status by verification_id', () => verifications.byOwner(rec, owner, { verificationId: 'v-7', kind: 'rpd' })],
        // An older build beside this one in a rolling upgrade names no kind: still on the index.
        ['an older build\'s lookup by verification_id', () => rec.query('SELECT 1 FROM verifications WHERE merchant_id = ? AND mode = ? AND verification_id = ?', ['m', 'test', 'v-7'])],
        ['status by verification_id, with the access version', () => verifications.byOwnerWithAccess(rec, owner, { verificationId: 'v-7', kind: 'rpd' })],
        [
          'status reads by verification_id, together',
          () => verifications.byKeysWithAccess(store, { verificationIds: [['m', 'test', 'rpd', 'v-7'], ['n', 'test', 'rpd', 'v-8']] }),
        ],
      ];
      for (const [i, [what, run]] of byVid.entries()) {
        sent.length = 0;
        await run();
        const [sql, params] = sent[0];
        let n = 0;
        await c.query(`PREPARE by_vid${i} AS ${sql.replace(/\?/g, () => `$${++n}`)}`);
        const args = params.map((p) => (Array.isArray(p) ? `'{${p.join(',')}}'` : `'${p}'`)).join(', ');
        const plan = (await c.query(`EXPLAIN EXECUTE by_vid${i}(${args})`)).rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(plan, /Index (Only )?Scan using verifications_owner_vid_kind on/, `${what}:\n${plan}`);
      }
    } finally {
      await c.end();
    }
  });

  it('keeps the webhook claim on its indexes once the statistics know the other kinds of jobs', async () => {
    const db = await freshPostgres();
    const prevDrop = drop;
    drop = async () => {
      await prevDrop();
      await db.drop();
    };
    const gw = await Gateway.start({ databaseUrl: db.url });
    await gw.stop(); // migrated; nothing runs the jobs below
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // Other runners' jobs (no lane) outnumber the deliveries: 2,000 merchants with three each
      // waiting for a retry. Analyzed, as autovacuum would.
      await c.query(`INSERT INTO jobs (kind, subject, run_at, created_at)
        SELECT 'other.kind', 'x' || g, g, 0 FROM generate_series(1, 20000) g`);
      await c.query(`INSERT INTO jobs (kind, subject, run_at, created_at, lane)
        SELECT 'webhook.deliver', 'd' || g, ${Date.now() + 3_600_000} + g, 0, 'm' || (g % 2000) FROM generate_series(1, 6000) g`);
      await c.query(`INSERT INTO webhook_deliveries (id, merchant_id, event_type, dialect, url, status, give_up_at, created_at)
        SELECT 'd' || g, 'm' || (g % 2000), 'verification.success', 'cashfree', 'https://example.com/hook', 'pending', 0, 0
          FROM generate_series(1, 6000) g`);
      await c.query('ANALYZE jobs');
      await c.query('ANALYZE webhook_deliveries');
      const store = { kind: 'postgres' as const, now: STORE_CLOCK.postgres };
      const lanes = lanesQuery(store, { dueBy: Date.now(), quick: 16, share: 4, room: 16, limit: 16 });
      for (const [what, sql, params] of [
        ['lane-less delivery jobs (giveLanes)', unlanedSql(store), []],
        ['whether any delivery is due', anyDueSql(store), [Date.now()]],
        ['the claim', lanes.sql, lanes.params],
      ] as [string, string, unknown[]][]) {
        let i = 0;
        const text = sql.replace(/\?/g, () => `$${++i}`);
        const plan = (await c.query(`EXPLAIN ${text}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.doesNotMatch(plan, /Seq Scan on jobs/, `${what}:\n${plan}`);
      }
    } finally {
      await c.end();
    }
  });

  it('keeps answering when another instance adds a column to a table whose statements are prepared', async () => {
    const db = await freshPostgres();
    const gw = await Gateway.start({ databaseUrl: db.url, env: { PG_POOL_SIZE: '2' } });
    gws.push(gw);
    const prevDrop = drop;
    drop = async () => {
      await prevDrop();
      await db.drop();
    };
    const cf = gw.cashfree((await gw.merchant()).test_key);
    const first = (await cf.createRpd({ verification_id: 'before-ddl', name: 'John Doe' })).json;
    // Every pooled connection has run (and prepared) the reads and writes of a verification.
    for (let i = 0; i < 6; i++) assert.equal((await cf.status({ verification_id: 'before-ddl' })).status, 200);
    await gw.pay(first.upi_link, 'success@upi');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      // What a later migration does while this build still runs: SELECT * now returns one more column.
      await c.query('ALTER TABLE verifications ADD COLUMN added_later TEXT');
      await c.query('ALTER TABLE credits ADD COLUMN added_later TEXT');
      await c.query('ALTER TABLE api_keys ADD COLUMN added_later TEXT');
    } finally {
      await c.end();
    }
    for (let i = 0; i < 6; i++) {
      const r = await cf.status({ verification_id: 'before-ddl' });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.status, 'SUCCESS');
    }
    const later = await cf.createRpd({ verification_id: 'after-ddl', name: 'John Doe' });
    assert.equal(later.status, 200, JSON.stringify(later.json));
    assert.equal((await gw.pay(later.json.upi_link, 'success@upi')).json.status, 'SUCCESS');
    assert.equal((await cf.status({ verification_id: 'after-ddl' })).json.status, 'SUCCESS');
  });
});
