// The pure rules of a verification: transitions, credit dispositions, backoff.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, canTransition, creditDisposition, isOverdue } from '../src/engine/state.js';
import { withDeadline } from '../src/engine/deadline.js';

describe('verification state machine', () => {
  it('leaves created once, and never leaves a terminal status', () => {
    for (const to of ['success', 'failure', 'expired'] as const) assert.equal(canTransition('created', to), true);
    for (const from of ['success', 'failure', 'expired'] as const) {
      for (const to of ['created', 'success', 'failure', 'expired'] as const) assert.equal(canTransition(from, to), false);
    }
  });

  it('gives every credit a disposition, and only a timely exact one verifies', () => {
    const open = { status: 'created' as const, validUntil: 1000, amountPaise: 100 };
    assert.equal(creditDisposition(null, 100, 10), 'unmatched');
    assert.equal(creditDisposition(open, 100, 999), 'verified');
    assert.equal(creditDisposition(open, 100, 1000), 'late');
    assert.equal(creditDisposition(open, 200, 500), 'wrong_amount');
    assert.equal(creditDisposition(open, 99, 500), 'wrong_amount');
    assert.equal(creditDisposition({ ...open, status: 'success' }, 100, 500), 'duplicate_payment');
    assert.equal(creditDisposition({ ...open, status: 'failure' }, 100, 500), 'after_terminal');
    assert.equal(creditDisposition({ ...open, status: 'expired' }, 100, 500), 'after_terminal');
  });

  it('reads a created verification past validity as overdue', () => {
    assert.equal(isOverdue({ status: 'created', validUntil: 1000 }, 999), false);
    assert.equal(isOverdue({ status: 'created', validUntil: 1000 }, 1000), true);
    assert.equal(isOverdue({ status: 'success', validUntil: 1000 }, 5000), false);
    assert.equal(isOverdue({ status: 'created', validUntil: null }, 5000), false);
    // With a notification grace, only once a late notice of a payment made in time can no longer come.
    assert.equal(isOverdue({ status: 'created', validUntil: 1000 }, 1000, 120_000), false);
    assert.equal(isOverdue({ status: 'created', validUntil: 1000 }, 120_999, 120_000), false);
    assert.equal(isOverdue({ status: 'created', validUntil: 1000 }, 121_000, 120_000), true);
  });

  it('backs off exponentially with jitter, within the cap', () => {
    assert.equal(backoffMs(1, 1000, 60_000, () => 0), 500);
    assert.equal(backoffMs(1, 1000, 60_000, () => 1), 1000);
    assert.equal(backoffMs(4, 1000, 60_000, () => 1), 8000);
    assert.equal(backoffMs(30, 1000, 60_000, () => 1), 60_000);
    for (let a = 1; a < 20; a++) {
      const d = backoffMs(a, 1000, 60_000);
      assert.ok(d >= Math.min(60_000, 1000 * 2 ** (a - 1)) / 2 && d <= 60_000);
    }
  });
});

describe('a rail call with a deadline', () => {
  const after = <T>(ms: number, v: T) => new Promise<T>((ok) => setTimeout(() => ok(v), ms));

  it("gives an answer that comes after the deadline to `late`, and only such an answer", async () => {
    const seen: string[] = [];
    await assert.rejects(withDeadline<string>(after(60, 'late answer'), 20, (v) => seen.push(v)), /no answer within 20 ms/);
    assert.equal(seen.length, 0, 'not before it comes');
    await after(80, null);
    assert.deepEqual(seen, ['late answer']);
    assert.equal(await withDeadline(after(5, 'in time'), 50, (v) => seen.push(v)), 'in time');
    await after(60, null);
    assert.deepEqual(seen, ['late answer'], 'an answer in time is not given again');
    // A call that fails after the deadline gives nothing, and is not an unhandled rejection.
    await assert.rejects(withDeadline<string>(after(30, '').then(() => Promise.reject(new Error('refused'))), 10, () => seen.push('x')));
    await after(50, null);
    assert.deepEqual(seen, ['late answer']);
  });
});
