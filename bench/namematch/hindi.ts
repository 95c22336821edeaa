// What the corpus builders share: Hindi spellings reduced to what tells two names apart, and
// the distances and hashes they pick pairs by.
import { createHash } from 'node:crypto';
import * as sanscriptModule from '@indic-transliteration/sanscript';

// A CommonJS module whose types declare an ES default export: at run time the default is
// module.exports itself, which is the library object.
type SanscriptApi = typeof sanscriptModule.default.default;
const loaded = sanscriptModule.default as unknown as SanscriptApi & { default?: SanscriptApi };
export const Sanscript: SanscriptApi = loaded.default ?? loaded;

// Family names put after the given names, the same on both sides of a pair (the corpora give
// single words); in Devanagari for the cross-script pairs.
export const SURNAMES: [string, string][] = [
  ['SHARMA', 'शर्मा'], ['VERMA', 'वर्मा'], ['GUPTA', 'गुप्ता'], ['SINGH', 'सिंह'], ['PATEL', 'पटेल'],
  ['YADAV', 'यादव'], ['JAIN', 'जैन'], ['MISHRA', 'मिश्रा'], ['PANDEY', 'पांडे'], ['TIWARI', 'तिवारी'],
  ['CHAUHAN', 'चौहान'], ['JOSHI', 'जोशी'], ['DESAI', 'देसाई'], ['REDDY', 'रेड्डी'], ['NAIR', 'नायर'],
  ['KHAN', 'ख़ान'], ['DAS', 'दास'], ['GHOSH', 'घोष'], ['RAO', 'राव'], ['THAKUR', 'ठाकुर'],
];

const VIRAMA = /\u094D/g;
const SIGNS = /[\u093E-\u094C\u0962\u0963\u0949\u0945]/g; // dependent vowel signs
const NASAL_HALF = /[नमणङञ]\u094D(?=[\u0915-\u0939])/g; // half nasal before a consonant = anusvara

/** Spellings of the same sound merged: nukta dropped, chandrabindu and a half nasal as anusvara (NFD). */
export function mergeSounds(h: string): string {
  return h.normalize('NFD').replace(/\u093C/g, '').replace(/\u0901/g, '\u0902').replace(NASAL_HALF, '\u0902');
}

/**
 * A Devanagari spelling with the length of its vowel signs not told apart (रवि / रवी; the long a
 * left out), as the spellings of one name in different scripts and corpora differ there.
 */
export function withoutVowelLength(h: string): string {
  return h.replace(/\u0940/g, '\u093F').replace(/\u0942/g, '\u0941').replace(/\u093E/g, '');
}

/** The consonant letters of a Latin spelling, in order (Kamal and Komal share KML). */
export const latinConsonants = (w: string): string => w.replace(/[AEIOU]/g, '');

// Consonants that Latin spellings of one name swap freely: aspirated or not, the three
// sibilants, retroflex or dental, v or b, and the nasals. A name that differs from another
// only in these may be a spelling of it, so such pairs get no label.
const FOLD: Record<string, string> = {
  'ख': 'क', 'घ': 'ग', 'छ': 'च', 'झ': 'ज', 'ठ': 'त', 'ट': 'त', 'थ': 'त', 'ड': 'द', 'ढ': 'द', 'ध': 'द',
  'फ': 'प', 'भ': 'ब', 'व': 'ब', 'श': 'स', 'ष': 'स', 'ण': 'न', 'ङ': 'न', 'ञ': 'न', 'म': 'न', 'ं': 'न', 'ऋ': 'र',
  'ृ': 'र', 'ह': '',
};

/** Consonant classes of a merged spelling (and a V for each independent vowel): names differing here are different. */
export function consonantClasses(merged: string): string {
  const bare = merged.replace(SIGNS, '').replace(VIRAMA, '').replace(/[\u0904-\u0914]/g, 'V');
  let out = '';
  for (const c of bare) out += FOLD[c] ?? c;
  return out.replace(/(.)\1+/g, '$1');
}

/** A stable hash for splitting sets and sampling, the same on every machine. */
export function hash(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

/** Levenshtein distance, for finding near names. */
export function editDistance(a: string, b: string): number {
  const m = b.length;
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[m];
}

// Tamil writes k / g, t / d, p / b and ch / j / s with one letter each: its consonants are
// compared with those told apart no further.
export const TAMIL: Record<string, string> = { 'ग': 'क', 'द': 'त', 'ब': 'प', 'ज': 'च', 'स': 'च' };

const LATIN: Record<string, string> = {
  k: 'क', q: 'क', g: 'ग', c: 'क', j: 'ज', z: 'ज', t: 'त', d: 'द', n: 'न', m: 'न', p: 'प', f: 'प',
  b: 'ब', v: 'ब', w: 'ब', r: 'र', l: 'ल', s: 'स',
};

/**
 * Consonant classes, as consonantClasses gives them for a native spelling, read off a Latin
 * spelling: aspiration (h) dropped, x as ks, zh (Tamil, Malayalam) as l,
 * c as k or (before e, i, y) s, and w after a vowel and before none as a vowel (Chowdhary, Gowri).
 */
export function latinClasses(latin: string, lang: string): string {
  const s = latin.toLowerCase().replace(/zh/g, 'l').replace(/x/g, 'ks').replace(/ck/g, 'k')
    .replace(/dny/g, 'gy').replace(/(?<=[aeo])w(?![aeiou])/g, '').replace(/c(?=[eiy])/g, 's');
  let c = '';
  for (let i = 0; i < s.length; i++) c += s[i] === 'c' && s[i + 1] === 'h' ? 'च' : LATIN[s[i]] ?? '';
  if (lang === 'ta') c = [...c].map((x) => TAMIL[x] ?? x).join('');
  return c.replace(/(.)\1+/g, '$1');
}
