// The raw score (score.ts: penalties and ceilings, 0-100) read as a probability. The raw score
// orders pairs well but its numbers were set by hand: a refusal sits at the floor of its
// Cashfree band whether one such pair in three or one in thirty is the same person. This maps
// it, monotonically, onto the share of pairs with that raw score that are one person, times 100.
//
// The knots below are written by `node --import tsx bench/namematch/calibrate.ts`, which fits
// them deterministically on the tuning sets only (pairs.tsv, others.tsv, scripts.tsv,
// affidavits.tsv; each set weighs the same): pool-adjacent-violators over the raw
// scores 0-99, blocks lighter than a minimum merged into a neighbour, knots at each block's ends,
// straight lines between knots. Policy on top of the fit: only a raw 100 (the same name
// after normalisation) maps to 100, only the spelling rules' keys (raw 98) to 99 and a vowel,
// a slip or a cut-off name at most to 98, so that a threshold of 99 leaves them out; and a raw
// score below the accept line stays below it (a refusal's reason codes must not come with an
// accepting category).
//
// The partial-match bands (raw 34-84: a single given name against a full name, a surname that
// differs, a given name with a suffix) keep their raw score. On the labelled sets such pairs are
// one person 20-30% of the time, which would put them all under NO_MATCH; but that share is set
// by how the sets were built (mostly near misses of different people), not by a merchant's
// traffic, where the customer paying is usually the account holder. MODERATE and POOR stay what
// Cashfree's integrations act on (a review), and the reliability table shows these bands as
// over-predicted.

/** [raw, calibrated] knots, raw ascending. Regenerate with bench/namematch/calibrate.ts. */
// BEGIN KNOTS
export const KNOTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [8, 1.1],
  [12, 3.1],
  [21, 3.3],
  [34, 3.6],
  [36, 6.7],
  [80, 9.8],
  [84, 84],
  [92, 96.5],
  [93, 97.8],
  [95, 98],
  [96, 98],
  [97, 98],
  [98, 99],
  [99, 99],
];
// END KNOTS

/** The default bands (index.ts): GOOD from 85, POOR from 34. */
const ACCEPT = 85;
const POOR = 34;
const TABLE = buildTable(KNOTS);

/** The calibrated score table for raw scores 0-100 (integers). */
export function buildTable(knots: readonly (readonly [number, number])[]): Uint8Array {
  const t = new Uint8Array(101);
  for (let r = 0; r < 100; r++) {
    if (r >= POOR && r < ACCEPT) {
      t[r] = r; // partial matches keep their raw score (above)
      continue;
    }
    let v: number;
    if (r <= knots[0][0]) v = knots[0][1];
    else if (r >= knots[knots.length - 1][0]) v = knots[knots.length - 1][1];
    else {
      let k = 1;
      while (knots[k][0] < r) k++;
      const [x0, y0] = knots[k - 1];
      const [x1, y1] = knots[k];
      v = x1 === x0 ? y1 : y0 + ((y1 - y0) * (r - x0)) / (x1 - x0);
    }
    // A raw score below the accept line is a refusal, whatever the line between knots says.
    t[r] = Math.max(0, Math.min(r < ACCEPT ? ACCEPT - 1 : 99, Math.round(v)));
  }
  t[100] = 100;
  return t;
}

/** A raw score (integer 0-100) as a calibrated score (integer 0-100). */
export function calibrate(raw: number): number {
  return TABLE[raw < 0 ? 0 : raw > 100 ? 100 : Math.round(raw)];
}
