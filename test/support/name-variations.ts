// Regular spelling changes of Indian names in Latin letters, applied to the words of names that
// others wrote (the corpora in bench/namematch/corpus): a doubled consonant written once or
// twice, an aspirate written or not, a long vowel written ee / oo or not, w for v, sh for s, and
// a scanner's slips (e read as c, m as rn, o as d...). Each change keeps a name the same name, so
// a matcher should accept nearly all of them; the few it refuses point at rules that read the
// changed letters as something else (a doubled r read as the ru of Krushna). No labels: the
// words are varied, not judged.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HONORIFICS } from '../../src/engine/namematch/lexicon.js';

const corpus = (f: string) => readFileSync(fileURLToPath(new URL(`../../bench/namematch/corpus/${f}`, import.meta.url)), 'utf8');
const rows = (f: string) => corpus(f).split('\n').filter((l) => l && !l.startsWith('#')).slice(1).map((l) => l.split('\t'));

/** Upper-case words (4-14 letters) of the names in each corpus, deduplicated and sorted; titles left out. */
export function corpusWords(): Record<string, string[]> {
  const words = (texts: string[]) =>
    [...new Set(texts.flatMap((t) => t.toUpperCase().split(/[^A-Z]+/)).filter((w) => /^[A-Z]{4,14}$/.test(w) && !HONORIFICS.has(w)))].sort();
  return {
    // Candidates' and their fathers' names as filed with the Election Commission (Latin side).
    affidavits: words(rows('eci-affidavit-names.tsv').map((r) => r[0])),
    // First names of the Indian Names Corpus (Latin side).
    parlikar: words(rows('parlikar-names.tsv').map((r) => r[0])),
    // Words of names on the Kerala rolls' English pages.
    kerala: words(rows('kerala-roll-names.tsv').map((r) => r[1] ?? '')),
  };
}

/**
 * The Indian Names Corpus's Latin spellings (upper case, 4-14 letters) with the Devanagari
 * spelling it gives for each.
 */
export function scriptPairs(): [latin: string, devanagari: string][] {
  return rows('parlikar-names.tsv')
    .map(([l, d]) => [l.toUpperCase(), d] as [string, string])
    .filter(([l, d]) => /^[A-Z]{4,14}$/.test(l) && !!d);
}

const V = 'AEIOU';
const isV = (c: string | undefined) => c !== undefined && V.includes(c);

/** Each change: the variants of one word it makes (none when it does not apply). */
/** Each place after the first letter where `from` is, replaced by `to`, in words of `min` letters or more. */
const slip = (from: string, to: string, min: number) => (w: string) => {
  const out: string[] = [];
  if (w.length < min) return out;
  for (let i = 1; i < w.length; i++) if (w.startsWith(from, i)) out.push(w.slice(0, i) + to + w.slice(i + from.length));
  return out;
};

export const CHANGES: Record<string, (w: string) => string[]> = {
  // A consonant between vowels written twice (Ganapathy / Ganappathy), not h, y, w or x.
  double: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) if (!isV(w[i]) && !'HYWX'.includes(w[i]) && isV(w[i - 1]) && isV(w[i + 1])) out.push(w.slice(0, i + 1) + w.slice(i));
    return out;
  },
  // A doubled consonant written once (Jagannath / Jaganath), not hh.
  undouble: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) if (w[i] === w[i + 1] && !isV(w[i]) && w[i] !== 'H') out.push(w.slice(0, i) + w.slice(i + 1));
    return out;
  },
  // An h after t, d, b, k, g before a vowel, inside the word (Senthil / Sentil both ways).
  aspirate: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length; i++) if ('TDBKG'.includes(w[i]) && w[i + 1] !== 'H' && isV(w[i + 1] ?? 'A')) out.push(w.slice(0, i + 1) + 'H' + w.slice(i + 1));
    return out;
  },
  deaspirate: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) if ('TDBKGJ'.includes(w[i]) && w[i + 1] === 'H' && w[i + 2] !== 'H') out.push(w.slice(0, i + 1) + w.slice(i + 2));
    return out;
  },
  // i as ee and u as oo between consonants, and back.
  long_vowel: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) {
      if (w[i] === 'I' && !isV(w[i - 1]) && !isV(w[i + 1])) out.push(`${w.slice(0, i)}EE${w.slice(i + 1)}`);
      if (w[i] === 'U' && !isV(w[i - 1]) && !isV(w[i + 1])) out.push(`${w.slice(0, i)}OO${w.slice(i + 1)}`);
    }
    return out;
  },
  short_vowel: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 2; i++) {
      if (w.slice(i, i + 2) === 'EE' && !isV(w[i - 1]) && !isV(w[i + 2])) out.push(`${w.slice(0, i)}I${w.slice(i + 2)}`);
      if (w.slice(i, i + 2) === 'OO' && !isV(w[i - 1]) && !isV(w[i + 2])) out.push(`${w.slice(0, i)}U${w.slice(i + 2)}`);
    }
    return out;
  },
  // v and w between a consonant or vowel and a vowel (not the ow of Chowdhury).
  w_v: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) if ((w[i] === 'V' || w[i] === 'W') && isV(w[i + 1]) && w[i - 1] !== 'O') out.push(w.slice(0, i) + (w[i] === 'V' ? 'W' : 'V') + w.slice(i + 1));
    return out;
  },
  // s and sh before a vowel, inside the word.
  s_sh: (w) => {
    const out: string[] = [];
    for (let i = 1; i < w.length - 1; i++) {
      if (w[i] === 'S' && w[i + 1] !== 'H' && isV(w[i + 1])) out.push(`${w.slice(0, i + 1)}H${w.slice(i + 1)}`);
      if (w[i] === 'S' && w[i + 1] === 'H' && isV(w[i + 2])) out.push(w.slice(0, i + 1) + w.slice(i + 2));
    }
    return out;
  },
};

/**
 * A scanner's slips: e read as c, m as rn, d as cl, o as d, i as l and back, u as v, letters as
 * digits; in tokens as long as the matcher takes them in (a short name one glyph apart may be
 * another name). Latin against Latin only: the matcher does not read a slip into a name written
 * in an Indian script, whose reading is no scan.
 */
export const SLIPS: Record<string, (w: string) => string[]> = {
  ocr_e_c: slip('E', 'C', 5),
  ocr_m_rn: slip('M', 'RN', 4),
  ocr_d_cl: slip('D', 'CL', 5),
  ocr_o_d: slip('O', 'D', 6),
  ocr_i_l: slip('I', 'L', 6),
  ocr_l_i: slip('L', 'I', 6),
  ocr_u_v: slip('U', 'V', 6),
  ocr_digits: (w) => [...slip('O', '0', 4)(w), ...slip('I', '1', 4)(w), ...slip('S', '5', 4)(w), ...slip('B', '8', 4)(w)],
};

export interface Outcome {
  n: number;
  accepted: number;
  /** The refused variants, as `word / variant score`. */
  refused: string[];
}

type Score = (a: string, b: string) => number;

/**
 * Each change applied to the word of each case; `compare` scores a case's variant, and names it
 * in the refusals. Accepted from `threshold` on.
 */
function tally<C>(
  changes: Record<string, (w: string) => string[]>,
  cases: C[],
  word: (c: C) => string,
  compare: (c: C, variant: string) => { score: number; shown: string },
  threshold: number,
): Record<string, Outcome> {
  const out: Record<string, Outcome> = {};
  for (const [name, change] of Object.entries(changes)) {
    const o: Outcome = { n: 0, accepted: 0, refused: [] };
    for (const c of cases) {
      const w = word(c);
      for (const v of change(w)) {
        if (v === w) continue;
        o.n++;
        const { score, shown } = compare(c, v);
        if (score >= threshold) o.accepted++;
        else o.refused.push(`${shown} ${score}`);
      }
    }
    out[name] = o;
  }
  return out;
}

/**
 * Each change and slip applied to each word, the word then compared as a given name in a full name
 * (`<word> KUMAR DAS` against `<variant> KUMAR DAS`) by `score`; accepted from `threshold` on.
 */
export function vary(words: string[], score: Score, threshold: number): Record<string, Outcome> {
  return tally(
    { ...CHANGES, ...SLIPS },
    words,
    (w) => w,
    (w, v) => ({ score: score(`${w} KUMAR DAS`, `${v} KUMAR DAS`), shown: `${w} / ${v}` }),
    threshold,
  );
}

/**
 * The same changes made to a Latin spelling compared with its Devanagari spelling
 * (`<latin> KUMAR` against `<devanagari> कुमार`), for the pairs accepted unchanged: a change
 * should not undo what the reading of the script matched. Not the slips (see SLIPS).
 */
export function varyAgainstScript(
  pairs: [string, string][],
  score: Score,
  threshold: number,
): { base: number; kept: number; changes: Record<string, Outcome> } {
  const kept = pairs.filter(([l, d]) => score(`${l} KUMAR`, `${d} कुमार`) >= threshold);
  const changes = tally(
    CHANGES,
    kept,
    ([l]) => l,
    ([l, d], v) => ({ score: score(`${v} KUMAR`, `${d} कुमार`), shown: `${l} > ${v} / ${d}` }),
    threshold,
  );
  return { base: pairs.length, kept: kept.length, changes };
}
