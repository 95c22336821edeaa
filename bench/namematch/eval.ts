// Evaluates the name matcher on every labelled set beside this file against generic fuzzy
// matchers from npm, prints a reliability table per set (does a score of 90 mean 90% of such
// pairs are one person?), and times it.
//
//   node --import tsx bench/namematch/eval.ts [--iterations N] [--data FILE] [--errors] [--categories] [--rules-only]
//
// Sets (see README.md): pairs.tsv (the project's own), holdout.tsv (written blind), others.tsv
// and scripts.tsv (labelled by a public corpus), sealed.tsv (the same corpus's sealed part:
// nothing is tuned on it), affidavits.tsv and affidavits-sealed.tsv (full names from election
// affidavits), dakshina.tsv and dakshina-sealed.tsv (spellings native speakers typed for names
// in nine Indian scripts), dakshina-cv.tsv (a third of dakshina.tsv's words, read with the
// lexicon's lines for them held out), dakshina-vowels.tsv and dakshina-vowels-sealed.tsv (given
// names that differ only in vowels, from the same words and from the sealed ones),
// dakshina-scripts.tsv and dakshina-scripts-sealed.tsv (a word in its own script against Latin
// spellings, from the same words), kerala.tsv
// and kerala-sealed.tsv (Malayalam words of the Kerala electoral rolls against the rolls'
// English spellings); the sealed parts are for
// reporting only. Accept = score >= 85 (DIRECT or GOOD under the default bands), for
// every method alike.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ONE_NAME, VARIANT_GROUPS } from '../../src/engine/namematch/lexicon.js';
import { ATTESTED } from '../../src/engine/namematch/attested-data.js';

// --rules-only: the matcher with its word lists emptied (VARIANT_GROUPS and ONE_NAME in
// lexicon.ts) and the whole Dakshina lexicon held out, so that a tuning set measures the
// spelling rules on its words as the sealed sets measure them on words no list names. The
// lists are read when the matcher's modules load, hence emptied here, before they are imported.
const RULES_ONLY = process.argv.includes('--rules-only');
if (RULES_ONLY) {
  VARIANT_GROUPS.length = 0;
  ONE_NAME.length = 0;
}
const { matchNames } = await import('../../src/engine/namematch/index.js');
const { holdOutAttested } = await import('../../src/engine/namematch/attested.js');

const require = createRequire(import.meta.url);
const fuzz = require('fuzzball') as typeof import('fuzzball');
const jaroWinkler = require('talisman/metrics/jaro-winkler') as (a: string, b: string) => number;

export interface Pair { name1: string; name2: string; same: boolean; category: string }

export function loadPairs(path = fileURLToPath(new URL('./pairs.tsv', import.meta.url))): Pair[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.slice(1).map((l) => {
    const [name1, name2, label, category] = l.split('\t');
    return { name1, name2, same: label === 'same', category };
  });
}

const ACCEPT = 85;
const MAX_FPR = 0.05;

interface Method { name: string; score: (a: string, b: string) => number }

const METHODS: Method[] = [
  { name: 'namematch', score: (a, b) => matchNames(a, b).score },
  { name: 'fuzzball token_sort', score: (a, b) => fuzz.token_sort_ratio(a, b) },
  { name: 'fuzzball token_set', score: (a, b) => fuzz.token_set_ratio(a, b) },
  { name: 'jaro-winkler', score: (a, b) => 100 * jaroWinkler(a.toUpperCase(), b.toUpperCase()) },
];

interface Stats { precision: number; recall: number; fpr: number; accuracy: number }

function stats(scores: number[], pairs: Pair[], threshold: number): Stats {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  scores.forEach((s, i) => {
    const accept = s >= threshold;
    if (pairs[i].same) accept ? tp++ : fn++;
    else accept ? fp++ : tn++;
  });
  return {
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp / Math.max(1, tp + fn),
    fpr: fp / Math.max(1, fp + tn),
    accuracy: (tp + tn) / pairs.length,
  };
}

/** Best recall over thresholds whose false-positive rate stays within maxFpr. */
function recallAtFpr(scores: number[], pairs: Pair[], maxFpr: number): { recall: number; threshold: number } {
  const thresholds = [...new Set(scores)].sort((a, b) => a - b);
  let best = { recall: 0, threshold: Infinity };
  for (const t of thresholds) {
    const s = stats(scores, pairs, t);
    if (s.fpr <= maxFpr && s.recall > best.recall) best = { recall: s.recall, threshold: t };
  }
  return best;
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
const col = (s: string, w: number) => s.padEnd(w);

function table(head: string[], rows: string[][], widths: number[]): string {
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? col(c, widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// The sealed sets of the newer sources come last: they are read, not tuned on.
const SETS = [
  'pairs.tsv', 'holdout.tsv', 'others.tsv', 'scripts.tsv', 'sealed.tsv', 'affidavits.tsv', 'dakshina.tsv',
  'dakshina-cv.tsv', 'dakshina-vowels.tsv', 'dakshina-scripts.tsv', 'kerala.tsv', 'affidavits-sealed.tsv',
  'dakshina-sealed.tsv', 'dakshina-vowels-sealed.tsv', 'dakshina-scripts-sealed.tsv', 'kerala-sealed.tsv',
];

/**
 * dakshina-cv.tsv pairs a third of dakshina.tsv's words, and is read with their lines of the
 * matcher's lexicon held out (build-dakshina.ts writes both): what the rules alone make of
 * words the lexicon does not know, as the sealed part measures it, on words that may be tuned on.
 * dakshina-vowels.tsv pairs the same words' spellings that differ only in vowels.
 */
function lexiconFor(path: string): void {
  const fold = /dakshina-(?:cv|vowels|scripts)\.tsv$/;
  const held = RULES_ONLY ? ATTESTED.split('\n').filter(Boolean)
    : fold.test(path) ? readFileSync(path.replace(fold, 'dakshina-cv-lexicon.txt'), 'utf8').split('\n').filter(Boolean) : [];
  holdOutAttested(held);
}

/**
 * Predicted against observed by score band: the share of pairs in each band that are one
 * person, beside the band's mean score read as a probability. A calibrated matcher has the two
 * columns close. ECE (expected calibration error) is their gap weighted by the band's size.
 */
function reliability(scores: number[], pairs: Pair[]): string {
  const edges = [0, 20, 34, 50, 60, 70, 80, 85, 90, 95, 100, 101];
  const rows: string[][] = [];
  let ece = 0;
  for (let b = 0; b < edges.length - 1; b++) {
    const idx = scores.map((s, i) => (s >= edges[b] && s < edges[b + 1] ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    const mean = idx.reduce((a, i) => a + scores[i], 0) / idx.length / 100;
    const obs = idx.filter((i) => pairs[i].same).length / idx.length;
    ece += (idx.length / pairs.length) * Math.abs(mean - obs);
    const band = edges[b + 1] === 101 ? '100' : `${edges[b]}-${edges[b + 1] - 1}`;
    rows.push([band, String(idx.length), pct(mean), pct(obs), (obs - mean >= 0 ? '+' : '') + (100 * (obs - mean)).toFixed(1)]);
  }
  return table(['score band', 'n', 'predicted', 'observed', 'obs-pred'], rows, [10, 6, 9, 9, 8]) + `\nECE ${(100 * ece).toFixed(1)} points`;
}

type Verdict = 'same' | 'different' | 'unsure';
let judgements: Map<string, Verdict> | null = null;
/**
 * A blind reader's verdict on some pairs of some sets (README.md): judged.tsv by set and names;
 * tcpd-judged.tsv by set and the SHA-256 of the two names, as the candidates' names are not kept
 * here.
 */
function judged(set: string, p: Pair): Verdict | undefined {
  if (!judgements) {
    judgements = new Map();
    for (const file of ['judged.tsv', 'tcpd-judged.tsv']) {
      const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
      for (const l of readFileSync(path, 'utf8').split('\n').slice(1)) {
        const f = l.split('\t');
        const verdict = f[f.length - 1];
        if (f.length >= 3 && verdict) judgements.set(f.slice(0, -1).join('\t'), verdict as Verdict);
      }
    }
  }
  return judgements.get(`${set}\t${p.name1}\t${p.name2}`) ?? (set.startsWith('tcpd') ? judgements.get(`${set}\t${pairHash(p)}`) : undefined);
}

const pairHash = (p: Pair) => createHash('sha256').update(`${p.name1}\t${p.name2}`).digest('hex');

/**
 * The pairs "decidable from the strings": those a blind reader, shown the two names alone
 * (no label, no score), judged as the label says. Pairs the reader left unsure, or judged
 * against the label (a slip of the reader's or of the label's), are left out and counted.
 */
function decidable(path: string, pairs: Pair[], all: { m: Method; scores: number[] }[], args: string[]): void {
  const set = path.split('/').pop()!;
  const idx: number[] = [];
  const tally = new Map<string, number>();
  pairs.forEach((p, i) => {
    const v = judged(set, p);
    if (v === undefined) return;
    const k = `${p.same ? 'same' : 'different'} -> ${v}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
    if (v === (p.same ? 'same' : 'different')) idx.push(i);
  });
  if (tally.size === 0) return;
  const n = [...tally.values()].reduce((a, b) => a + b, 0);
  const sub = idx.map((i) => pairs[i]);
  const nSame = sub.filter((p) => p.same).length;
  console.log(`\ndecidable from the strings: ${idx.length} of ${n} pairs read blind (${nSame} same, ${idx.length - nSame} different)`);
  console.log(`label -> blind reading: ${[...tally].sort().map(([k, c]) => `${k} ${c}`).join(', ')}\n`);
  console.log(table(
    ['method', 'precision', 'recall', 'FPR'],
    all.map(({ m, scores }) => {
      const s = stats(idx.map((i) => scores[i]), sub, ACCEPT);
      return [m.name, pct(s.precision), pct(s.recall), pct(s.fpr)];
    }),
    [20, 9, 7, 7],
  ));
  if (!args.includes('--categories')) return;
  const cats = [...new Set(sub.map((p) => p.category))].sort();
  console.log('\ndecidable pairs by category (same: accepted, different: refused, by namematch)\n');
  console.log(table(['category', 'label', 'n', 'namematch'], cats.flatMap((c) => ['same', 'different'].flatMap((label) => {
    const at = idx.filter((i) => pairs[i].category === c && pairs[i].same === (label === 'same'));
    if (at.length === 0) return [];
    const ok = at.filter((i) => (all[0].scores[i] >= ACCEPT) === pairs[i].same).length;
    return [[c, label, String(at.length), pct(ok / at.length)]];
  })), [18, 9, 5, 10]));
}

function evaluate(path: string, args: string[]): void {
  lexiconFor(path);
  const pairs = loadPairs(path);
  const nSame = pairs.filter((p) => p.same).length;
  console.log(`\n=== ${path.split('/').pop()}: ${pairs.length} pairs (${nSame} same, ${pairs.length - nSame} different); accept = score >= ${ACCEPT}\n`);

  const all = METHODS.map((m) => ({ m, scores: pairs.map((p) => m.score(p.name1, p.name2)) }));

  const w = [20, 9, 7, 7, 7, 16, 9];
  console.log(table(
    ['method', 'precision', 'recall', 'FPR', 'acc', `recall@FPR<=${MAX_FPR * 100}%`, '(thresh)'],
    all.map(({ m, scores }) => {
      const s = stats(scores, pairs, ACCEPT);
      const r = recallAtFpr(scores, pairs, MAX_FPR);
      return [m.name, pct(s.precision), pct(s.recall), pct(s.fpr), pct(s.accuracy), pct(r.recall),
        Number.isFinite(r.threshold) ? r.threshold.toFixed(1) : '-'];
    }),
    w,
  ));

  console.log('\nnamematch reliability (score read as the chance of one person)\n');
  console.log(reliability(all[0].scores, pairs));
  decidable(path, pairs, all, args);
  if (!args.includes('--categories') && pairs.length > 600) {
    evalErrors(all[0].scores, pairs, args);
    return;
  }
  // Per category: share accepted for `same` categories, share refused for `different` ones.
  const cats = [...new Set(pairs.map((p) => p.category))];
  console.log('\nper-category accuracy at the default decision (same: accepted, different: refused)\n');
  const cw = [18, 5, 4, 10, 12, 11, 12];
  console.log(table(
    ['category', 'label', 'n', 'namematch', 'fb sort', 'fb set', 'jaro-wink'],
    cats.map((c) => {
      const idx = pairs.map((p, i) => (p.category === c ? i : -1)).filter((i) => i >= 0);
      const same = pairs[idx[0]].same;
      return [c, same ? 'same' : 'diff', String(idx.length), ...all.map(({ scores }) => {
        const ok = idx.filter((i) => (scores[i] >= ACCEPT) === same).length;
        return pct(ok / idx.length);
      })];
    }),
    cw,
  ));

  evalErrors(all[0].scores, pairs, args);

  // How the engine's categories spread over the labels (calibration at a glance).
  console.log('\nnamematch result categories by label\n');
  const results = ['DIRECT_MATCH', 'GOOD_PARTIAL_MATCH', 'MODERATE_PARTIAL_MATCH', 'POOR_PARTIAL_MATCH', 'NO_MATCH'] as const;
  const engineResults = pairs.map((p) => matchNames(p.name1, p.name2).result);
  console.log(table(
    ['label', 'DIRECT', 'GOOD', 'MODERATE', 'POOR', 'NO'],
    [true, false].map((same) => [same ? 'same' : 'different', ...results.map((r) =>
      String(engineResults.filter((x, i) => x === r && pairs[i].same === same).length))]),
    [10, 7, 7, 9, 7, 7],
  ));
}

/** The engine's errors, to read while tuning rules (never on sealed.tsv). */
function evalErrors(eng: number[], pairs: Pair[], args: string[]): void {
  if (!args.includes('--errors')) return;
  console.log('\nnamematch errors:');
  pairs.forEach((p, i) => {
    if ((eng[i] >= ACCEPT) !== p.same) {
      const r = matchNames(p.name1, p.name2);
      console.log(`  [${p.category}] ${p.name1} | ${p.name2} -> ${r.score} ${r.reason}`);
    }
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const itIdx = args.indexOf('--iterations');
  const iterations = itIdx >= 0 ? Number(args[itIdx + 1]) : 200_000;
  const dataIdx = args.indexOf('--data');
  // --data FILE evaluates one labelled set of the same format; otherwise every set here.
  const files = dataIdx >= 0 ? [args[dataIdx + 1]] : SETS.map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url)));
  for (const f of files) evaluate(f, args);
  if (args.includes('--no-timing')) return;
  const pairs = loadPairs();
  const all = METHODS.map((m) => ({ m }));

  // Throughput on one core, in CPU time: the machine may be shared, and wall time then measures
  // the neighbours.
  console.log('\nthroughput (one core, CPU time):');
  for (const { m } of all) {
    const n = m.name === 'namematch' ? iterations : Math.min(iterations, 50_000);
    for (let i = 0; i < 2000; i++) m.score(pairs[i % pairs.length].name1, pairs[i % pairs.length].name2); // warm-up
    const t0 = process.cpuUsage();
    let sink = 0;
    for (let i = 0; i < n; i++) {
      const p = pairs[i % pairs.length];
      sink += m.score(p.name1, p.name2);
    }
    const secs = cpuSeconds(t0);
    console.log(`  ${col(m.name, 20)} ${Math.round(n / secs).toLocaleString('en-US').padStart(10)} pairs/s  (${n.toLocaleString('en-US')} evaluations of the data set, ${secs.toFixed(2)} s${sink < 0 ? '' : ''})`);
  }
  // The data set repeats its names, so the engine's per-token key cache is always warm there.
  // Fresh synthetic names (every pair new) measure the cold path too.
  const fresh = syntheticPairs(Math.min(iterations, 100_000));
  const t0 = process.cpuUsage();
  for (const [x, y] of fresh) matchNames(x, y);
  const secs = cpuSeconds(t0);
  console.log(`  ${col('namematch (fresh)', 20)} ${Math.round(fresh.length / secs).toLocaleString('en-US').padStart(10)} pairs/s  (${fresh.length.toLocaleString('en-US')} never-seen synthetic pairs, ${secs.toFixed(2)} s)`);
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Deterministic made-up names (syllables), each paired with a variant of itself or another. */
function syntheticPairs(count: number): [string, string][] {
  const syl = ['RA', 'MA', 'SHI', 'KU', 'PRA', 'DEE', 'NA', 'VEN', 'KA', 'TA', 'LA', 'SU', 'BHA', 'GO', 'JA', 'RI', 'THA', 'NI', 'DHA', 'VI', 'YA', 'SH', 'AN', 'IL', 'ESH', 'UR'];
  let seed = 12345;
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  const word = () => { let w = ''; const n = 2 + rnd(3); for (let i = 0; i < n; i++) w += syl[rnd(syl.length)]; return w; };
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const toks = [word(), word(), word()].slice(0, 2 + rnd(2));
    const other = toks.slice();
    switch (rnd(4)) {
      case 0: other.splice(1, 1); break; // dropped token
      case 1: other[0] = other[0][0]; break; // initial
      case 2: other.reverse(); break; // order
      default: other[0] = word(); break; // another person
    }
    out.push([toks.join(' '), other.join(' ')]);
  }
  return out;
}

main();
