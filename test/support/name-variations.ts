// Regular spelling changes of Indian names in Latin letters, applied to the words of names that
// others wrote (the corpora in bench/namematch/corpus): a doubled consonant written once or
// twice, an aspirate written or not, a long vowel written ee / oo or not, w for v, sh for s, the
// regional spellings of one sound (x, f, q, z as j or s, the Tamil th for d, the Bengali b, au /
// ou, the Odia ru...), and a scanner's slips (e read as c, m as rn, o as d...). Each change keeps a name the same name, so
// a matcher should accept nearly all of them; the few it refuses point at rules that read the
// changed letters as something else (a doubled r read as the ru of Krushna). No labels: the
// words are varied, not judged.
import { createHash } from 'node:crypto';
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

/** The filers' full names (Latin side, upper case) with two words or more of 4 letters or more. */
export function corpusNames(): string[] {
  const names = rows('eci-affidavit-names.tsv').map((r) => r[0].toUpperCase().trim());
  return [...new Set(names)].filter((n) => n.split(/\s+/).filter((t) => /^[A-Z]{4,}$/.test(t)).length >= 2).sort();
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

/** Each place after the first letter where `re` matches, replaced by `to`. */
const each = (w: string, re: RegExp, to: string) => {
  const out: string[] = [];
  const g = new RegExp(re.source, 'g');
  for (let m = g.exec(w); m; m = g.exec(w)) {
    if (m.index >= 1) out.push(w.slice(0, m.index) + to + w.slice(m.index + m[0].length));
    g.lastIndex = m.index + 1;
  }
  return out;
};

/** Each place after the first letter where `from` is, replaced by `to`, in words of `min` letters or more. */
const slip = (from: string, to: string, min: number) => (w: string) => {
  const out: string[] = [];
  if (w.length < min) return out;
  for (let i = 1; i < w.length; i++) if (w.startsWith(from, i)) out.push(w.slice(0, i) + to + w.slice(i + from.length));
  return out;
};

/** Each change: the variants of one word it makes (none when it does not apply). */
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
  // a written aa between consonants, and aa written a (Gopal / Gopaal).
  a_aa: (w) => [...each(w, /(?<=[^AEIOU])A(?=[^AEIOU])/, 'AA'), ...each(w, /(?<=[^AEIOU])AA(?=[^AEIOU])/, 'A')],
  ksh_x: (w) => [...each(w, /KSH/, 'X'), ...each(w, /X/, 'KSH')], // Lakshmi / Laxmi
  ph_f: (w) => [...each(w, /PH/, 'F'), ...each(w, /F/, 'PH')], // Prafulla / Praphulla
  // q written k (Tariq / Tarik, Saquib / Sakib, Haque / Hak).
  q_k: (w) => [...each(w, /QUE$/, 'K'), ...each(w, /QU(?=[AEIOU].)/, 'K'), ...each(w, /Q(?!U)/, 'K')],
  z_j: (w) => each(w, /Z(?!H)/, 'J'), // the Bengali j for z (Aziz / Ajij); not the Tamil zh
  // The Kerala and Tamil s for a z at the end or beside a consonant, not after n (Riyaz / Riyas,
  // Afzal / Afsal; Manzoor / Mansoor are two names).
  z_s: (w) => each(w.replace(/ZZ/g, 'Z'), /(?<=[^AEIOUN])Z(?!H)|(?<=[AEIOU])Z(?=$|[^AEIOUYH])/, 'S'),
  // The Tamil th for a d between vowels or at the end (Sadik / Sathik, Vinod / Vinoth).
  d_th: (w) => each(w, /(?<=[AEIOU])D(?=[AEIOU]|$)/, 'TH'),
  // the Bengali b for v and back (Vikash / Bikash), before a vowel and not after m; not in the
  // suffixes -bai and -ben, never written with v.
  v_b: (w) => [...each(w, /V(?=[AEIOU])(?!A[IY]$)/, 'B'), ...each(w, /(?<!M)B(?=[AEIOU])(?!A[IY]$|EN$)/, 'V')],
  // A final i after a consonant written y or ee, and back (Murthi / Murthy, Devi / Devee).
  final_i: (w) => [...each(w, /(?<=[^AEIOUY])I$/, 'Y'), ...each(w, /(?<=[^AEIOUY])I$/, 'EE'), ...each(w, /(?<=[^AEIOUY])(?:Y|EE)$/, 'I')],
  final_u: (w) => [...each(w, /(?<=[^AEIOU])U$/, 'OO'), ...each(w, /(?<=[^AEIOU])OO$/, 'U')], // Sahu / Sahoo
  final_ay: (w) => [...each(w, /(?<=[^A])AY$/, 'AI'), ...each(w, /(?<=[^A])AI$/, 'AY')], // Sanjay / Sanjai
  au_ou: (w) => [...each(w, /AU/, 'OU'), ...each(w, /OU/, 'AU')], // Gaurav / Gourav
  chh: (w) => [...each(w, /CHH/, 'CH'), ...each(w, /CH(?=[AEIOU])/, 'CHH')], // Chhaya / Chaya
  ri_ru: (w) => each(w, /(?<=[KGTDPBSH])RI/, 'RU'), // the Odia ru (Krishna / Krushna)
  // The first letter, which the changes above leave alone: s / sh (Sankar / Shankar), the
  // Bengali b / v (Bikash / Vikash), w / v, z as j, an aspirate (Tilak / Thilak), ph / f, and the
  // h of hr (Hrishikesh / Rishikesh).
  initial: (w) => {
    const out: string[] = [];
    const swap = (re: RegExp, to: string) => {
      const m = re.exec(w);
      if (m && m.index === 0) out.push(to + w.slice(m[0].length));
    };
    swap(/S(?=[AEIOU])/, 'SH');
    swap(/SH(?=[AEIOU])/, 'S');
    swap(/V(?=[AEIOU])/, 'B');
    swap(/B(?=[AEIOU])/, 'V');
    swap(/W(?=[AEIOU])/, 'V');
    swap(/V(?=[AEIOU])/, 'W');
    swap(/Z(?=[AEIOU])/, 'J');
    if (/^[TDBKG][AEIOU]/.test(w)) out.push(`${w[0]}H${w.slice(1)}`);
    if (/^[TDBKG]H[AEIOU]/.test(w)) out.push(w[0] + w.slice(2));
    swap(/PH/, 'F');
    swap(/F/, 'PH');
    swap(/HR/, 'R');
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
        if (v === w || HONORIFICS.has(v)) continue; // Hazi with j is the title Haji
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

type Change = (w: string) => string[];

/**
 * Two changes made to one word, one after the other (the first variant each gives), for each
 * named pair, the word compared as in `vary`; words of `minLength` letters or more.
 */
function varyComposed(
  pairs: [name: string, first: Change, second: Change][], words: string[], minLength: number, score: Score, threshold: number,
): Record<string, Outcome> {
  const out: Record<string, Outcome> = {};
  for (const [name, first, second] of pairs) {
    const o: Outcome = { n: 0, accepted: 0, refused: [] };
    for (const w of words) {
      if (w.length < minLength) continue;
      const once = first(w)[0];
      const v = once === undefined ? undefined : second(once)[0];
      if (v === undefined || v === w || HONORIFICS.has(v)) continue;
      o.n++;
      const sc = score(`${w} KUMAR DAS`, `${v} KUMAR DAS`);
      if (sc >= threshold) o.accepted++;
      else o.refused.push(`${w} / ${v} ${sc}`);
    }
    if (o.n) out[name] = o;
  }
  return out;
}

/**
 * Two changes made to one word at once, every pair of CHANGES in their order: a spelling often
 * differs in more than one place (Binod / Beenoth: a long vowel and the Tamil th). Words of five
 * letters or more; tallied by pair of changes, `first+second`.
 */
export function varyTwice(words: string[], score: Score, threshold: number): Record<string, Outcome> {
  const kinds = Object.entries(CHANGES);
  const pairs = kinds.flatMap(([a, f], i) => kinds.slice(i + 1).map(([b, g]): [string, Change, Change] => [`${a}+${b}`, f, g]));
  return varyComposed(pairs, words, 5, score, threshold);
}

/**
 * A change and then a scanner's slip in one word, every change of CHANGES with every slip of
 * SLIPS: a record spelled otherwise and then scanned (Abdulah read Abduiah, against Abdullah).
 * Words of six letters or more, as the matcher reads slips in no shorter ones; tallied by
 * `change+slip`.
 */
export function varySlipped(words: string[], score: Score, threshold: number): Record<string, Outcome> {
  const pairs = Object.entries(CHANGES).flatMap(([a, f]) => Object.entries(SLIPS).map(([b, g]): [string, Change, Change] => [`${a}+${b}`, f, g]));
  return varyComposed(pairs, words, 6, score, threshold);
}

/**
 * Changes that are Tamil and Kerala spellings of Latin letters, which a Devanagari spelling
 * writes as they sound: the s for a z (अफ़ज़ल is Afzal, not Afsal) and the th for a d between
 * vowels (आदिल is Adil, not Athil). Not compared against the script.
 */
const LATIN_ONLY = new Set(['z_s', 'd_th']);

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
    Object.fromEntries(Object.entries(CHANGES).filter(([k]) => !LATIN_ONLY.has(k))),
    kept,
    ([l]) => l,
    ([l, d], v) => ({ score: score(`${v} KUMAR`, `${d} कुमार`), shown: `${l} > ${v} / ${d}` }),
    threshold,
  );
  return { base: pairs.length, kept: kept.length, changes };
}

const pick = (s: string, n: number) => createHash('sha256').update(s).digest().readUInt32BE(0) % n;

/**
 * Every word of 4 letters or more of a full name changed at once, by one change each (chosen by
 * a hash of the name and the word's place, the next change in CHANGES when it does not apply),
 * the whole name then compared with the changed one; only names with two words changed or more.
 */
export function varyNames(names: string[], score: Score, threshold: number): Outcome {
  const kinds = Object.keys(CHANGES);
  const o: Outcome = { n: 0, accepted: 0, refused: [] };
  for (const name of names) {
    let changed = 0;
    const words = name.split(/\s+/).map((w, i) => {
      if (!/^[A-Z]{4,}$/.test(w) || HONORIFICS.has(w)) return w;
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(pick(`${name}|${i}`, kinds.length) + k) % kinds.length];
        const vs = CHANGES[kind](w).filter((v) => v !== w && !HONORIFICS.has(v));
        if (vs.length) {
          changed++;
          return vs[pick(`${name}|${i}|${kind}`, vs.length)];
        }
      }
      return w;
    });
    if (changed < 2) continue;
    const variant = words.join(' ');
    o.n++;
    const sc = score(name, variant);
    if (sc >= threshold) o.accepted++;
    else o.refused.push(`${name} / ${variant} ${sc}`);
  }
  return o;
}
