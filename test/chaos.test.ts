// Kills under load, through the chaos bench as a user runs it (its own process, real gateways):
// every create and payment answered stays answered, every credit goes back exactly once, no
// mobile penny drop pays out twice or reads back otherwise than the bank paid, every verified
// payment's webhook arrives, and no answer is a 5xx. A short run; the bench takes longer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freshPostgres, needsPostgres } from './support/gateway.js';

const BENCH = fileURLToPath(new URL('../bench/chaos.ts', import.meta.url));

/**
 * Fails unless the run did something: creates, payments and mobile penny drops answered between
 * the kills. A floor, not a speed: alone the SQLite run answers 250-450 creates, but beside the
 * suite's other files on a 2-core machine 40-60, and 25 with other work on the machine too,
 * which still puts every money rule to the test.
 */
function busy(out: string) {
  const [, creates, payments] = /(\d+) creates and (\d+) payments answered/.exec(out) ?? [];
  assert.ok(Number(creates) > 15 && Number(payments) > 15, out);
  const [, valid] = /mobile penny drops \d+ \((\d+) answered VALID\)/.exec(out) ?? [];
  assert.ok(Number(valid) > 3, out);
}

function chaos(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('chaos: kills under load', () => {
  it('SQLite: one instance killed three times, every money rule holds', { timeout: 240_000 }, async () => {
    const { code, out } = await chaos(['--seconds', '8', '--kills', '3', '--concurrency', '4']);
    assert.equal(code, 0, out);
    assert.match(out, /every money rule held/);
    assert.match(out, /lost creates 0; unrefunded 0; refunded twice 0; owed at the end 0/);
    busy(out);
  });

  it('PostgreSQL: two instances, each killed twice, every money rule holds', { skip: needsPostgres, timeout: 240_000 }, async () => {
    const db = await freshPostgres();
    try {
      const { code, out } = await chaos(['--seconds', '10', '--kills', '4', '--concurrency', '4', '--postgres', db.url]);
      assert.equal(code, 0, out);
      assert.match(out, /postgres, 2 instances/);
      assert.match(out, /every money rule held/);
      busy(out);
    } finally {
      await db.drop();
    }
  });
});
