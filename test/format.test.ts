// The dialects' formatting of times, checked against Date's own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ist, istClock } from '../src/dialects/cashfree/format.js';

const byDate = (ms: number) => new Date(ms + 19_800_000).toISOString().slice(0, 19);

describe('IST times (Cashfree)', () => {
  it('match Date on edges of days, months, leap years and centuries', () => {
    const edges = ['1970-01-01T00:00:00Z', '1999-12-31T18:29:59.999Z', '1999-12-31T18:30:00Z', '2000-02-28T18:30:00Z', '2000-02-29T18:29:59Z',
      '2024-02-29T23:59:59Z', '2026-12-31T18:29:59Z', '2026-12-31T18:30:00Z', '2100-02-28T18:30:00Z', '2400-02-29T12:00:00Z', '9999-12-31T18:29:59Z'];
    for (const e of edges) {
      const ms = Date.parse(e);
      assert.equal(istClock(ms), byDate(ms), e);
    }
    assert.equal(ist(Date.parse('2023-06-27T07:04:47.123Z')), '2023-06-27T12:34:47+05:30');
    assert.equal(ist(null), undefined);
  });

  it('match Date on 200,000 random instants from 1970 to 2200', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200_000; i++) {
      const ms = Math.floor(next() * 7_258_118_400_000) + Math.floor(next() * 1000);
      assert.equal(istClock(ms), byDate(ms));
    }
  });
});
