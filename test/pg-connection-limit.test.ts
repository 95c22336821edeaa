// PostgreSQL refusing new connections because too many are open (its max_connections, or a role's
// CONNECTION LIMIT, as a managed database or a shared server sets them): a burst of requests
// wider than what the server allows is answered 200 or 503 with Retry-After, never 500, every
// acknowledged create is stored and no refused one is, and the gateway serves on afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Gateway, PG_ADMIN_URL, freshPostgres, needsPostgres } from './support/gateway.js';

describe('PostgreSQL: more connections wanted than the server allows', { skip: needsPostgres }, () => {
  let gw: Gateway;
  let drop: () => Promise<void> = async () => {};
  const role = `pennygate_limited_${process.pid}`;

  const asAdmin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  before(async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const url = new URL(db.url);
    // A role of its own (the limit does not bind a superuser), owning the database so that the
    // gateway's migrations can run as it.
    await asAdmin(`DROP ROLE IF EXISTS ${role}`);
    await asAdmin(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 3`);
    await asAdmin(`ALTER DATABASE ${url.pathname.slice(1)} OWNER TO ${role}`);
    url.username = role;
    gw = await Gateway.start({
      databaseUrl: url.toString(),
      // The pool (10 by default) wants more than the 3 the role may open.
      env: { LOG_LEVEL: 'warn', PG_CONNECT_TIMEOUT_MS: '2000' },
    });
  });
  after(async () => {
    await gw?.stop();
    await drop();
    await asAdmin(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  });

  it('a burst wider than the limit: 200 or 503 with Retry-After, never 500; what was acknowledged is kept, nothing else', { timeout: 60_000 }, async () => {
    const m = await gw.merchant('Limited');
    const cf = gw.cashfree(m.test_key);
    const ids = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(ids.map((id) => cf.createRpd({ verification_id: id, name: 'John Doe' })));
    const statuses = answers.map((a) => a.status);
    for (const a of answers) {
      assert.ok(a.status === 200 || a.status === 503, `${a.status} ${a.text}`);
      if (a.status === 503) {
        assert.equal(a.headers.get('retry-after'), '5');
        assert.equal(a.json.type, 'internal_error');
        assert.match(a.json.message, /try again/i);
      }
    }
    assert.ok(statuses.includes(503), `the limit was never met: ${statuses.join(',')}`);
    assert.ok(statuses.includes(200), `nothing went through: ${statuses.join(',')}`);

    // Read back one at a time (within the limit): acknowledged creates exist, refused ones do not.
    for (const [i, id] of ids.entries()) {
      const s = await cf.status({ verification_id: id });
      if (statuses[i] === 200) {
        assert.equal(s.status, 200, `${id}: ${s.text}`);
        // The create answers ref_id as a number, the status read as a string, as Cashfree's do.
        assert.equal(String(s.json.ref_id), String(answers[i].json.ref_id));
      } else {
        assert.equal(s.status, 400, `${id} was answered 503 but is stored: ${s.text}`);
        assert.match(s.json.message, /valid verification_id/);
      }
    }

    // Served on, without a restart: a refused create can be sent again, and goes through.
    const again = ids.find((_, i) => statuses[i] === 503)!;
    const retried = await cf.createRpd({ verification_id: again, name: 'John Doe' });
    assert.equal(retried.status, 200, retried.text);
    assert.equal((await gw.request('GET', '/readyz')).status, 200);
    assert.equal(gw.proc.exitCode, null);
    assert.doesNotMatch(gw.output, /"level":50/, 'an outage of connections is not an error with a stack');
  });
});
