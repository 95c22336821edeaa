// Builds labelled pairs of Malayalam-script names against their Latin spelling from the Kerala
// electoral rolls: words of electors' names (and of their fathers' or husbands' names) in
// Malayalam, each with the English spelling of the same elector's name on the official English
// roll (in-rolls/eroll_transliteration, data/malayalam.csv.gz; MIT; see README.md and
// corpus/kerala-roll-LICENSE.txt). The English spellings are the rolls' own, written by the
// electoral offices' clerks, not by this project; the Malayalam words were read off the rolls'
// PDFs by OCR, so some carry OCR slips (ഭാസ്തരന് for ഭാസ്കരന്).
//
//   node --import tsx bench/namematch/build-kerala.ts                      (the sets)
//   node --import tsx bench/namematch/build-kerala.ts --extract FILE.csv   (the corpus extract)
//
// The label comes from the rolls: a Malayalam word and the English spelling the roll gives for
// it are one name ("same"); a Malayalam word against the English spelling of another near name
// whose consonants differ (after the folds of hindi.ts) is another name ("different").
//
// Each English spelling falls, by a hash, into the tuning part (kerala.tsv) or the sealed part
// (kerala-sealed.tsv, a third of the spellings) that no rule may be tuned on; a near miss pairs
// two spellings of one part. Deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { editDistance, hash, latinClasses } from './hindi.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const CORPUS = './corpus/kerala-roll-names.tsv';

const sealed = (latin: string) => hash(`kerala:${latin}`) % 3 === 0; // a third of the spellings sealed

// Consonant classes of a Latin spelling (hindi.ts), with a stop after a nasal voiced or not as one,
// ത്മ's tm as dm and ഞ്ഞ's nh as nj: the rolls write one Malayalam word both ways (അനന്തൻ Anandan
// and Ananthan, കോലമ്പൻ Kolamban and Kolampan, ബങ്കര Bankara and Bangara, പത്മ Patma and Padma,
// കുഞ്ഞി Kunhi and Kunji), so names differing only there are not told apart.
const classes = new Map<string, string>();
const cls = (l: string) => {
  let c = classes.get(l);
  if (c === undefined) {
    c = latinClasses(l.toLowerCase().replace(/(?<=n)t/g, 'd').replace(/(?<=m)p/g, 'b').replace(/(?<=n)ch/g, 'j').replace(/(?<=n)k/g, 'g').replace(/nh/g, 'nj')
      .replace(/th?m/g, 'dm'), 'ml');
    classes.set(l, c);
  }
  return c;
};

/** Spellings (upper case) grouped by part and first letter: the only candidates nearest() reads. */
type Groups = Map<string, string[]>;
const groupOf = (l: string) => `${sealed(l) ? 's' : 't'}${l[0]}`;
function groups(spellings: Iterable<string>): Groups {
  const g: Groups = new Map();
  for (const l of spellings) {
    const k = groupOf(l);
    const list = g.get(k);
    if (list) list.push(l);
    else g.set(k, [l]);
  }
  return g;
}

/**
 * The nearest spelling to a (upper case) among others of its part: the same first letter,
 * lengths within 2, edit distance at most 2 (the least, then the first in order), and consonants
 * that differ after the folds of hindi.ts, so that the two are not spellings of one name
 * (Shaji / Saji, Ananthan / Anandan do not).
 */
function nearest(a: string, others: Groups): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const b of others.get(groupOf(a)) ?? []) {
    if (b === a || Math.abs(a.length - b.length) > 2 || cls(a) === cls(b)) continue;
    const d = editDistance(a, b);
    if (d < bestD || (d === bestD && best !== null && b < best)) { best = b; bestD = d; }
  }
  return best;
}

// ---- extraction: the source CSV to the committed extract ----

// The Latin letters a Malayalam word may start with, from its first letter. A row is kept only
// when its two spellings pass: a check of the pairing (the source joins two rolls on the
// elector's id, and an id sometimes drifts to another person), independent of the matcher.
const FIRST: Record<string, string> = {
  'അ': 'AE', 'ആ': 'A', 'ഇ': 'IEY', 'ഈ': 'IEY', 'ഉ': 'UO', 'ഊ': 'UO', 'ഋ': 'R', 'എ': 'EAIY', 'ഏ': 'EAY',
  'ഐ': 'AIE', 'ഒ': 'OU', 'ഓ': 'O', 'ഔ': 'AOU',
  'ക': 'KCQ', 'ഖ': 'KQ', 'ഗ': 'G', 'ഘ': 'G', 'ങ': 'N', 'ച': 'C', 'ഛ': 'C', 'ജ': 'JZGY', 'ഝ': 'J', 'ഞ': 'N',
  'ട': 'TD', 'ഠ': 'T', 'ഡ': 'D', 'ഢ': 'D', 'ണ': 'N', 'ത': 'T', 'ഥ': 'T', 'ദ': 'D', 'ധ': 'D', 'ന': 'N',
  'പ': 'PF', 'ഫ': 'PF', 'ബ': 'BV', 'ഭ': 'B', 'മ': 'M', 'യ': 'YJ', 'ര': 'R', 'ല': 'L', 'വ': 'VWB',
  'ശ': 'SC', 'ഷ': 'S', 'സ': 'SC', 'ഹ': 'H', 'ള': 'L', 'ഴ': 'ZL', 'റ': 'R',
};

const MARK = /[\u0D02\u0D03\u0D3E-\u0D4D\u0D57]/; // vowel signs, virama, anusvara, visarga, au length
const SIGN = /[\u0D3E-\u0D4C\u0D57]/;
const CONSONANT = /[\u0D15-\u0D39]/;

/**
 * A Malayalam word as a word is written: letters of the Malayalam block only, starting with a
 * letter, a vowel sign or the virama only after a consonant, the anusvara and visarga not after
 * the virama, and no two vowel signs together. OCR leaves fragments that break these (ംപ്ച).
 */
function wellFormed(w: string): boolean {
  if (!/^[\u0D05-\u0D39\u0D7A-\u0D7F][\u0D00-\u0D7F\u200C\u200D]*$/.test(w)) return false;
  for (let i = 1; i < w.length; i++) {
    const c = w[i];
    const p = w[i - 1];
    if ((SIGN.test(c) || c === '\u0D4D') && !CONSONANT.test(p) && !(c === '\u0D57' && p === '\u0D4C')) return false;
    if ((c === '\u0D02' || c === '\u0D03') && p === '\u0D4D') return false;
    if (c === '\u0D02' && MARK.test(p) && !SIGN.test(p)) return false;
  }
  return true;
}

function extract(csvPath: string): void {
  const byLatin = new Map<string, string[]>();
  for (const line of readFileSync(csvPath, 'utf8').split(/\r?\n/).slice(1)) {
    const [ml, en] = line.split(',');
    if (!ml || !en) continue;
    const w = ml.normalize('NFC');
    // Single names of 4-14 letters: longer ones are mostly a name and a house name written as one.
    if (!/^[a-z]{4,14}$/.test(en) || !wellFormed(w)) continue;
    if (!(FIRST[w[0]] ?? '').includes(en[0].toUpperCase())) continue;
    const list = byLatin.get(en);
    if (list) list.push(w);
    else byLatin.set(en, [w]);
  }
  // A sample of the spellings, by hash, and for each its nearest other name (nearest() below)
  // among all the spellings of its part, so that the sets have near misses to pair; for each
  // spelling at most two of its Malayalam words, by hash.
  const keep = new Set<string>();
  const all = groups([...byLatin.keys()].map((l) => l.toUpperCase()));
  for (const en of byLatin.keys()) {
    if (hash(`kerala-extract:${en}`) % 96 !== 0) continue;
    keep.add(en);
    const near = nearest(en.toUpperCase(), all);
    if (near) keep.add(near.toLowerCase());
  }
  const lines: string[] = [];
  for (const en of keep) {
    const chosen = byLatin.get(en)!.sort((a, b) => hash(`kerala-word:${a}`) - hash(`kerala-word:${b}`)).slice(0, 2);
    for (const w of chosen) lines.push(`${w}\t${en}`);
  }
  lines.sort();
  const header = [
    '# Source: in-rolls/eroll_transliteration (Gaurav Sood, Rajashekar Chintalapati; MIT licence, see',
    '# kerala-roll-LICENSE.txt), data/malayalam.csv.gz at commit 02da506: words of names on the Kerala',
    '# electoral rolls in Malayalam, each with the English spelling of the same elector\'s name on the',
    '# official English roll (the two rolls joined on the elector\'s id). Kept (build-kerala.ts,',
    '# extract): English spellings of 4-14 letters whose Malayalam word is well formed and starts with',
    '# a letter the English one may start with, one spelling in 96 by a hash and the nearest other name',
    '# to each, at most two Malayalam words for each; rows otherwise as in the source, sorted.',
    '# Format: Malayalam <TAB> English.',
    'malayalam\tenglish',
  ];
  writeFileSync(here(CORPUS), [...header, ...lines].join('\n') + '\n');
  console.log(`${CORPUS}: ${lines.length} rows, ${new Set(lines.map((l) => l.split('\t')[1])).size} English spellings`);
}

// ---- the sets ----

type Row = [string, string, 'same' | 'different', string];

function build(): void {
  const words = new Map<string, string[]>(); // English spelling (upper case) -> its Malayalam words
  for (const line of readFileSync(here(CORPUS), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('malayalam\t')) continue;
    const [ml, en] = line.split('\t');
    const u = en.toUpperCase();
    const list = words.get(u);
    if (list) list.push(ml);
    else words.set(u, [ml]);
  }
  const tune: Row[] = [];
  const seal: Row[] = [];
  let nSame = 0;
  let nDiff = 0;
  // Same: each Malayalam word against the roll's English spelling of it.
  for (const [en, mls] of words) {
    for (const ml of mls) {
      (sealed(en) ? seal : tune).push([ml, en, 'same', 'script_malayalam']);
      nSame++;
    }
  }
  // Different: each spelling's first Malayalam word against the nearest other name of its part.
  const latin = [...words.keys()].sort();
  const byGroup = groups(latin);
  for (const a of latin) {
    const b = nearest(a, byGroup);
    if (!b) continue;
    (sealed(a) ? seal : tune).push([words.get(a)![0], b, 'different', 'near_malayalam']);
    nDiff++;
  }
  const head = 'name1\tname2\tlabel\tcategory';
  const write = (f: string, rows: Row[]) => writeFileSync(here(f), [head, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
  write('./kerala.tsv', tune);
  write('./kerala-sealed.tsv', seal);
  console.log(`spellings ${words.size}; same ${nSame}, different ${nDiff}; kerala.tsv ${tune.length}, kerala-sealed.tsv ${seal.length}`);
}

const ex = process.argv.indexOf('--extract');
if (ex >= 0) extract(process.argv[ex + 1]);
else build();
