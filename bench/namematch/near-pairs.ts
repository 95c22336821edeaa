// Precision without labels: the pairs of words of the names in the corpora (the filings, the
// Indian Names Corpus, the Kerala rolls; test/support/name-variations.ts) that are one letter
// apart after the first letter, a letter changed or dropped. Most such pairs are two names
// (Rajan / Ranjan, Sunil / Sunit), some are spellings of one (Mostaq / Mustaq), so the count the
// matcher accepts is no error rate; what a rule adds to it or takes from it, listed with --list
// and compared between two trees, shows the names it joins or parts.
//
//   node --import tsx bench/namematch/near-pairs.ts [--list] [--two]
//
// Each word is the given name of `<word> SHARMA` against the same with the other word. Pairs two
// adjacent letters apart (swapped) are counted on a line of their own; with --two, the pairs of
// words of four letters or more two edits apart with the same first letter too (some seconds).
import { parseArgs } from 'node:util';
import { DEFAULT_BANDS, matchNames } from '../../src/engine/namematch/index.js';
import { corpusWords } from '../../test/support/name-variations.js';

const { values } = parseArgs({ options: { list: { type: 'boolean' }, two: { type: 'boolean' } } });

const c = corpusWords();
const words = [...new Set([...c.affidavits, ...c.parlikar, ...c.kerala])].sort();
const known = new Set(words);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const seen = new Set<string>();
const accepted: string[] = [];
for (const w of words) {
  const near = new Set<string>();
  for (let i = 1; i < w.length; i++) {
    near.add(w.slice(0, i) + w.slice(i + 1));
    for (const l of LETTERS) if (l !== w[i]) near.add(w.slice(0, i) + l + w.slice(i + 1));
  }
  for (const o of near) {
    if (!known.has(o)) continue;
    const id = w < o ? `${w} / ${o}` : `${o} / ${w}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (matchNames(`${w} SHARMA`, `${o} SHARMA`).score >= DEFAULT_BANDS.good) accepted.push(id);
  }
}
// Two letters after the first swapped (Kumar / Kuamr, Ratan / Ratna), counted apart so that the
// count above stays comparable with earlier ones.
const swapped = new Set<string>();
const swapAccepted: string[] = [];
for (const w of words) {
  for (let i = 1; i + 1 < w.length; i++) {
    const o = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    if (o === w || !known.has(o)) continue;
    const id = w < o ? `${w} / ${o}` : `${o} / ${w}`;
    if (swapped.has(id)) continue;
    swapped.add(id);
    if (matchNames(`${w} SHARMA`, `${o} SHARMA`).score >= DEFAULT_BANDS.good) swapAccepted.push(id);
  }
}
if (values.list) console.log(accepted.sort().join('\n'));
console.log(`pairs of corpus words one letter apart: ${seen.size}, accepted: ${accepted.length}`);
if (values.list) console.log(swapAccepted.sort().join('\n'));
console.log(`pairs of corpus words two letters swapped: ${swapped.size}, accepted: ${swapAccepted.length}`);

if (values.two) {
  // Levenshtein distance, given up once every cell of a row is past max.
  const distance = (a: string, b: string, max: number): number => {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        best = Math.min(best, cur[j]);
      }
      if (best > max) return max + 1;
      prev = cur;
    }
    return prev[b.length];
  };
  const byFirst = new Map<string, string[]>();
  for (const w of words) {
    if (!/^[A-Z]{4,}$/.test(w)) continue;
    const g = byFirst.get(w[0]);
    if (g) g.push(w);
    else byFirst.set(w[0], [w]);
  }
  let n = 0;
  const twoAccepted: string[] = [];
  for (const g of byFirst.values()) {
    for (let i = 0; i < g.length; i++) {
      for (let j = i + 1; j < g.length; j++) {
        if (distance(g[i], g[j], 2) !== 2) continue;
        n++;
        if (matchNames(`${g[i]} SHARMA`, `${g[j]} SHARMA`).score >= DEFAULT_BANDS.good) twoAccepted.push(`${g[i]} / ${g[j]}`);
      }
    }
  }
  if (values.list) console.log(twoAccepted.sort().join('\n'));
  console.log(`pairs of corpus words two edits apart: ${n}, accepted: ${twoAccepted.length}`);
}
