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
  let roleUrl = '';
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
    roleUrl = url.toString();
    gw = await Gateway.start({
      databaseUrl: roleUrl,
      // The pool (10 by default) wants more than the 3 the role may open. No job polls the
      // store meanwhile, so the connections the gateway holds are the ones the test leaves it.
      env: { LOG_LEVEL: 'warn', PG_CONNECT_TIMEOUT_MS: '2000', JOB_POLL_MS: '600000', REFUND_POLL_MS: '600000' },
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
    // The limit is met for sure: the gateway's pooled connections are ended, and the test holds
    // two of the role's three, so the burst opens connections of its own and one of them is let
    // in. (With its warm connections the gateway could serve a burst of batched creates without
    // ever asking for another.)
    await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
    const holders: pg.Client[] = [];
    for (let tries = 0; holders.length < 2; tries++) {
      const c = new pg.Client({ connectionString: roleUrl });
      try {
        await c.connect();
        holders.push(c);
      } catch (err) {
        // Ended connections may take a moment to leave the server's count.
        if (tries > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    let answers;
    try {
      answers = await Promise.all(ids.map((id) => cf.createRpd({ verification_id: id, name: 'John Doe' })));
    } finally {
      await Promise.all(holders.map((c) => c.end()));
    }
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
