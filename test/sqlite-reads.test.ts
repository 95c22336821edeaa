// SQLite reads share one snapshot per turn of the server's event loop. These tests keep the
// loop busy with other callers' reads and check that the snapshot never hides a commit made
// before a request was sent: the server's own (a create, then its status) and another
// process's (a key revoked straight in the database file, as the command line does).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Gateway } from './support/gateway.js';

describe('SQLite reads while the server is busy', () => {
  let gw: Gateway;
  let stop = false;
  let load: Promise<number>;
  before(async () => {
    gw = await Gateway.start();
    const busy = (await gw.merchant('Busy')).test_key;
    const known = (await gw.cashfree(busy).createRpd({ verification_id: 'busy-known' })).json;
    // Eight callers reading without pause, so that other requests share turns with theirs.
    const reader = async () => {
      let n = 0;
      while (!stop) {
        const r = await gw.cashfree(busy).status({ ref_id: String(known.ref_id) });
        assert.equal(r.status, 200);
        n++;
      }
      return n;
    };
    load = Promise.all(Array.from({ length: 8 }, reader)).then((ns) => ns.reduce((a, b) => a + b, 0));
  });
  after(async () => {
    stop = true;
    await load;
    await gw?.stop();
  });

  it('a status read right after its create finds it', async () => {
    const m = await gw.merchant('Reads Own Writes');
    const cf = gw.cashfree(m.test_key);
    for (let i = 0; i < 40; i++) {
      const created = await cf.createRpd({ verification_id: `own-${i}`, name: 'John Doe' });
      assert.equal(created.status, 200, created.text);
      const read = await cf.status({ verification_id: `own-${i}` });
      assert.equal(read.status, 200, read.text);
      assert.equal(String(read.json.ref_id), String(created.json.ref_id));
    }
  });

  it('a key revoked by another process is refused from the next request on', async () => {
    const m = await gw.merchant('Revoked Elsewhere');
    const file = new Database(join(gw.dataDir, 'pennygate.db'));
    file.pragma('busy_timeout = 5000');
    try {
      for (let i = 0; i < 20; i++) {
        const key = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
        const cf = gw.cashfree(key);
        assert.equal((await cf.createRpd({ verification_id: `rev-${i}` })).status, 200);
        file.prepare('UPDATE api_keys SET revoked_at = ? WHERE client_id = ?').run(Date.now(), key.client_id);
        assert.equal((await cf.status({ verification_id: `rev-${i}` })).status, 401, `round ${i}`);
      }
    } finally {
      file.close();
    }
  });

  it('a key deleted, or its merchant fenced, straight in the file is refused from the next request on', async () => {
    // The server keeps keys it has seen; what it checks per request is the access version that
    // the database's triggers move on every change to api_keys or merchants, whoever makes it.
    const m = await gw.merchant('Changed Elsewhere');
    const file = new Database(join(gw.dataDir, 'pennygate.db'));
    file.pragma('busy_timeout = 5000');
    try {
      const gone = (await gw.admin('POST', `/merchants/${m.id}/keys`, { mode: 'test' })).json;
      assert.equal((await gw.cashfree(gone).createRpd({ verification_id: 'del-1' })).status, 200);
      file.prepare('DELETE FROM api_keys WHERE client_id = ?').run(gone.client_id);
      assert.equal((await gw.cashfree(gone).status({ verification_id: 'del-1' })).status, 401);

      const fenced = gw.cashfree(m.test_key);
      assert.equal((await fenced.status({ verification_id: 'del-1' })).status, 200);
      file.prepare('UPDATE merchants SET settings = ? WHERE id = ?').run(JSON.stringify({ ipAllowlist: ['10.0.0.0/8'] }), m.id);
      assert.equal((await fenced.status({ verification_id: 'del-1' })).json.code, 'ip_validation_failed');
    } finally {
      file.close();
    }
    stop = true;
    assert.ok((await load) > 100, 'the background readers kept the server busy');
  });
});
