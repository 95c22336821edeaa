// Fits the map from the matcher's raw score to a calibrated one (src/engine/namematch/
// calibration.ts) and writes its knots into that file. Deterministic: the same matcher and the
// same sets always give the same knots.
//
//   node --import tsx bench/namematch/calibrate.ts [--dry-run]
//
// Only the tuning sets are read: pairs.tsv, others.tsv, scripts.tsv and affidavits.tsv. Not
// dakshina.tsv: the matcher's lexicon of attested spellings (attested-data.ts) is built from the
// same words, so its pairs are no longer names the matcher has not seen, and would set the
// refusals' scores too low. Each set weighs the same in total (their base rates differ; no one
// set should set the scale). The
// fit: for every raw score 0-99, the weighted share of its pairs labelled the same person;
// pool-adjacent-violators makes that share non-decreasing in the raw score; blocks lighter than
// MIN_WEIGHT are merged into the neighbour closer in share; each block gives a knot at its lowest
// and its highest raw score, at its share x 100 give or take a point or two, so that pairs the
// raw score tells apart stay apart (a step function would tie them). Between knots the map is a
// straight line.
//
// Policy on top: a raw score below ACCEPT (a refusal, with the reason codes of one) maps below
// ACCEPT; a raw 100 maps to 100 (calibration.ts), raw 98 and 99 to 99 at most, the rest to 98 at
// most (below).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rawScore } from '../../src/engine/namematch/index.js';

const TUNING = ['pairs.tsv', 'others.tsv', 'scripts.tsv', 'affidavits.tsv'];
const MIN_WEIGHT = 20;
const ACCEPT = 85;
/** The lowest raw score that may map to 99 (above). */
const TOP = 98;
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Pair { name1: string; name2: string; same: boolean }

function loadPairs(path: string): Pair[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1).map((l) => {
    const [name1, name2, label] = l.split('\t');
    return { name1, name2, same: label === 'same' };
  });
}

interface Block { lo: number; hi: number; w: number; wSame: number; wRaw: number }

export function fit(): [number, number][] {
  const w = new Float64Array(100);
  const wSame = new Float64Array(100);
  let total = 0;
  const sets = TUNING.map((f) => loadPairs(here(`./${f}`)));
  for (const s of sets) total += s.length;
  for (const pairs of sets) {
    const each = total / TUNING.length / pairs.length;
    for (const p of pairs) {
      const r = rawScore(p.name1, p.name2).score;
      if (r >= 100) continue;
      w[r] += each;
      if (p.same) wSame[r] += each;
    }
  }
  // Pool adjacent violators over the raw scores that occur.
  let blocks: Block[] = [];
  for (let r = 0; r < 100; r++) {
    if (w[r] === 0) continue;
    blocks.push({ lo: r, hi: r, w: w[r], wSame: wSame[r], wRaw: r * w[r] });
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.wSame / a.w < b.wSame / b.w) break;
      blocks.splice(blocks.length - 2, 2, merge(a, b));
    }
  }
  // Light blocks into the neighbour closest in share (merging neighbours keeps the order).
  for (;;) {
    let i = -1;
    for (let k = 0; k < blocks.length; k++) if (blocks[k].w < MIN_WEIGHT && (i < 0 || blocks[k].w < blocks[i].w)) i = k;
    if (i < 0 || blocks.length === 1) break;
    const p = (b: Block) => b.wSame / b.w;
    const left = i > 0 ? Math.abs(p(blocks[i]) - p(blocks[i - 1])) : Infinity;
    const right = i < blocks.length - 1 ? Math.abs(p(blocks[i]) - p(blocks[i + 1])) : Infinity;
    const j = left <= right ? i - 1 : i + 1;
    const [x, y] = j < i ? [j, i] : [i, j];
    blocks = [...blocks.slice(0, x), merge(blocks[x], blocks[y]), ...blocks.slice(y + 1)];
  }
  // A knot at each end of a block, its share give or take a little so that the raw scores a
  // block pools stay in their order (at most 2 points, and a third of the gap to a neighbour).
  const p = blocks.map((b) => (100 * b.wSame) / b.w);
  const knots: [number, number][] = [];
  blocks.forEach((b, k) => {
    if (b.lo === b.hi) { knots.push([b.lo, round1(p[k])]); return; }
    const d = Math.min(2, k > 0 ? (p[k] - p[k - 1]) / 3 : 2, k < p.length - 1 ? (p[k + 1] - p[k]) / 3 : 2);
    knots.push([b.lo, round1(Math.max(0, p[k] - d))], [b.hi, round1(p[k] + d)]);
  });
  // Refusals stay refused: below the accept line the map stays below it.
  for (const k of knots) if (k[0] < ACCEPT) k[1] = Math.min(k[1], ACCEPT - 1);
  if (knots[0][0] > 0) knots.unshift([0, knots[0][1]]);
  if (knots[knots.length - 1][0] < 99) knots.push([99, knots[knots.length - 1][1]]);
  for (const k of knots) k[1] = Math.min(k[1], 99);
  // Only raw scores from TOP reach 99 (tokens joined by the spelling rules' keys): a vowel
  // spelled otherwise, a slip or a cut-off name (raw 96 and below) is one person about as often
  // on the sets the rules were written on, but less often on names they were not (dakshina-
  // vowels.tsv: 98.4% at raw 96, 99.7% at raw 98), and an integer scale that gave both 99 would
  // leave a reader who wants fewer false accepts no threshold to ask for.
  for (const k of knots) if (k[0] < TOP) k[1] = Math.min(k[1], 98);
  return knots;
}

function merge(a: Block, b: Block): Block {
  return { lo: a.lo, hi: b.hi, w: a.w + b.w, wSame: a.wSame + b.wSame, wRaw: a.wRaw + b.wRaw };
}

const round1 = (x: number) => Math.round(10 * x) / 10;

function main(): void {
  const knots = fit();
  const body = 'export const KNOTS: readonly (readonly [number, number])[] = [\n' +
    knots.map(([r, c]) => `  [${r}, ${c}],\n`).join('') + '];\n';
  console.log(body);
  if (process.argv.includes('--dry-run')) return;
  const path = here('../../src/engine/namematch/calibration.ts');
  const src = readFileSync(path, 'utf8');
  const out = src.replace(/(\/\/ BEGIN KNOTS\n)[\s\S]*?(\/\/ END KNOTS\n)/, `$1${body}$2`);
  if (out === src) { console.log('calibration.ts unchanged'); return; }
  writeFileSync(path, out);
  console.log('wrote', path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
