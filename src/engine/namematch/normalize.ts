// From a raw name to tokens: case, accents, punctuation, OCR digits, relation markers
// ("S/O ..." and everything after it names someone else), leading titles, initials.
import { AMBIGUOUS_HONORIFICS, HONORIFICS, NOISE_TOKENS, SHORT_NAMES } from './lexicon.js';
import { canon, rulesKey, SURNAME_KEYS, WEAK_KEYS } from './phonetic.js';
import { INDIC_RE, latinise, type Spellings } from './script.js';

export interface Tok {
  /** Upper-case letters as written (after normalisation). */
  raw: string;
  /** Canonical (transliteration-folded) key; for an initial, the letter itself. */
  key: string;
  /** The key by the spelling rules alone, the variant lists not asked (phonetic.ts, rulesKey). */
  own: string;
  /** A single letter: an initial. */
  init: boolean;
  /** Low-identity token (DEVI, KUMAR, MOHAMMED...): see lexicon. */
  weak: boolean;
  /** A common family name (hint for spotting surname-first records). */
  sur: boolean;
  /** Formed by joining two written tokens ("RAM KUMAR" read as RAMKUMAR). */
  joined: boolean;
  /**
   * A join whose pieces are, one as written and the other by the spelling rules, the pieces of
   * this token of the other name (Radhey Shyam / Radheshyam): read against it as that spelling.
   */
  joinedTo?: { raw: string; kind: 'translit' | 'regional' };
  /**
   * Read from an Indian script (1), from Tamil script (2), which does not tell k from g, t
   * from d, p from b, or from Malayalam script (3), whose stops after a nasal Latin spellings
   * write voiced or not: compared with what the script cannot tell folded away (compare.ts).
   */
  loose: number;
  /** Read from a script that leaves letters open: the spellings it allows (script.ts). */
  spellings?: Spellings;
}

export interface ParsedName {
  tokens: Tok[];
  /** Tokens after a relation marker: the father's or husband's name. */
  extra: Tok[];
  /** Length of the record as stored, to judge whether a bank may have truncated it. */
  storedLength: number;
  honorific: boolean;
  relation: boolean;
  /** Digits read as letters (OCR noise such as SURE5H). */
  ocr: boolean;
  /**
   * A reading of a name with an alias that may leave out words of the name ('before': the part
   * before the marker, read alone) or put words of two names together ('joined'): parseName.
   */
  guess?: 'before' | 'joined';
}

// S/O, D/O, W/O, C/O, H/O in their written forms (S/O, S.O., S\O, S-O, W/0...); and a minor's
// account held through a guardian, as banks write it (RAHUL U/G SURESH KUMAR, RAHUL THRU SURESH):
// what follows names the guardian. U/G with a slash only: U.G. is as often two initials (U.G.
// KRISHNAN, ANIL U.G. MENON). Not GUARDIAN, which may follow the guardian's name (SURESH AS
// GUARDIAN OF RAHUL) as well as precede it.
const RELATION_RE =
  /(?:^|[^A-Z])(?:[SDWCH]\s*[/\\|.\-]\s*[O0](?![A-Z])|U\s*[/\\|]\s*G(?![A-Z])|(?:SON|DAUGHTER|DAUGHTR|DAU|WIFE|HUSBAND|CARE)\s+OF(?![A-Z])|(?:THRU|THROUGH)(?![A-Z]))/;
// An alias marker: what follows it is another name of the same person (below). ALAIS and URPH
// are its common misspellings in Indian records; URF is the Hindi and Urdu word for it, URPHA
// and ORAPHE what Hindi उर्फ and Bengali ওরফে read as in Latin letters.
const ALIAS_RE = /(?<![A-Z])(?:ALIAS|ALAIS|URF|URPHA?|ORAPHE|@)(?![A-Z])/;
const ALIAS_SPLIT = new RegExp(ALIAS_RE.source, 'g');
// Bare SO / DO / WO between two names (punctuation lost upstream).
const BARE_RELATION = new Set(['SO', 'DO', 'WO']);
const OCR_DIGITS: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', '2': 'Z', '6': 'G' };

export function makeToken(raw: string, loose = 0): Tok {
  const init = raw.length === 1;
  const key = init ? raw : canon(raw);
  return { raw, key, own: init ? raw : rulesKey(raw), init, weak: !init && WEAK_KEYS.has(key), sur: !init && SURNAME_KEYS.has(key), joined: false, loose };
}

/** Split "RK" / "RKS" (initials written together) into letters. */
function expandInitials(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const noVowel = !/[AEIOUY]/.test(w);
    if ((w.length === 2 && !SHORT_NAMES.has(w) && w !== 'MD' && w !== 'SK') ||
        (w.length === 3 && noVowel && w !== 'MHD')) {
      for (const c of w) out.push(c);
    } else out.push(w);
  }
  return out;
}

function words(s: string): { words: string[]; ocr: boolean } {
  let ocr = false;
  const out: string[] = [];
  for (let w of s.split(/[^A-Z0-9]+/)) {
    if (!w) continue;
    if (/[0-9]/.test(w)) {
      if (!/[A-Z]/.test(w)) continue; // a number, not a name
      let fixed = '';
      for (const c of w) fixed += c >= '0' && c <= '9' ? (OCR_DIGITS[c] ?? '') : c;
      if (fixed !== w) ocr = true;
      w = fixed;
      if (!w) continue;
    }
    if (NOISE_TOKENS.has(w)) continue;
    out.push(w);
  }
  return { words: out, ocr };
}

/**
 * The Arabic article of names joined to Rahman, Rahim, Rashid (Azizur Rahman: the mercy of
 * the Mighty), which Bengali and Assamese filings write -ar or -or as often as -ur (Matiar /
 * Motiur, Mujibar / Mujibur, Safior / Safiur, Oliour / Oliur). Read as -ur only before those
 * names: elsewhere a last syllable's u and a make two names (Karun / Karan, Faizul /
 * Faizal). The key is changed, not the letters, so that the two spellings compare as
 * transliterations, not as the same word.
 */
const ARTICLE_ENDING = /(?<=[^AEOU])(?:OU|[AO])R$/;
const AFTER_ARTICLE = new Set(['RAHMAN', 'RAHAMAN', 'RAHIMAN', 'RAHIM', 'RASHID', 'RAUF', 'ROUF', 'RAZZAK', 'RAZZAQUE', 'RAKIB', 'RAQIB'].map(canon));
function tokens(ws: string[], loose: number, spellings?: Map<string, Spellings>): Tok[] {
  const toks = ws.map((w) => makeToken(w, loose));
  if (spellings) for (const t of toks) t.spellings = spellings.get(t.raw);
  for (let i = 0; i + 1 < toks.length; i++) {
    const t = toks[i];
    if (t.raw.length >= 5 && ARTICLE_ENDING.test(t.raw) && AFTER_ARTICLE.has(toks[i + 1].key)) {
      const ur = t.raw.replace(ARTICLE_ENDING, 'UR');
      toks[i] = { ...t, key: canon(ur), own: rulesKey(ur) };
    }
  }
  return toks;
}

// Letters the folds of titleOf change: a doubled letter, th.
const FOLDABLE = /([A-Z])\1|TH/;
/** A title's spelling with its doubled letters written once and th as t (SARDAAR, HAJJI). */
const foldTitle = (w: string) => w.replace(/([A-Z])\1+/g, '$1').replace(/TH/g, 'T');
/** ...and with ee read as i, oo as u first (SHREEMATI, HAAJEE). */
const foldLong = (w: string) => foldTitle(w.replace(/EE/g, 'I').replace(/OO/g, 'U'));
// Each listed title by its folded spellings, so that the list's own spellings fold too
// (THIRUMATHI is read in TIRUMATI).
const FOLDED_TITLES = new Map<string, string>();
for (const t of HONORIFICS) for (const f of [foldTitle(t), foldLong(t)]) if (!FOLDED_TITLES.has(f)) FOLDED_TITLES.set(f, t);

/**
 * The title a word spells, as listed, if any: its long vowel written double or not (SARDAAR,
 * MAULAANA), ee for i and oo for u (SHREEMATI), its consonants doubled (HAJJI), th as t
 * (TIRUMATHI, SHRIMATHI); the folded spelling only from four letters on, so that a short name
 * does not fold into a title (KAA; HOON still folds into HON).
 */
function titleOf(w: string): string | null {
  if (HONORIFICS.has(w)) return w;
  if (w.length < 4) return null;
  // Most words have no letter to fold (a measured tenth of the matcher's time once went on the
  // folds): those are looked up as they are.
  if (!FOLDABLE.test(w)) return FOLDED_TITLES.get(w) ?? null;
  return FOLDED_TITLES.get(foldTitle(w)) ?? FOLDED_TITLES.get(foldLong(w)) ?? null;
}
const isHonorific = (w: string) => titleOf(w) !== null;

/**
 * Parse a name. Returns one reading, or up to three when a leading title is also a common
 * name part (SRI, KUMARI...): the caller scores each and keeps the best. A reading may have
 * no tokens (nothing but titles, or a relation marker first).
 */
export function parseName(input: string): ParsedName[] {
  // Names in Indian scripts are read in Latin letters first (script.ts).
  let loose = 0;
  let spellings: Map<string, Spellings> | undefined;
  if (INDIC_RE.test(input)) {
    const l = latinise(input);
    input = l.text;
    loose = l.tamil ? 2 : l.malayalam ? 3 : 1;
    if (l.spellings.size > 0) spellings = l.spellings;
  }
  // Upper case, accents off, apostrophes closed up (D'SOUZA -> DSOUZA).
  let s = input.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/['\u2018\u2019`]/g, '');
  let relation = false;
  let tail = '';
  const r = RELATION_RE.exec(s);
  if (r) {
    relation = true;
    tail = s.slice(r.index + r[0].length);
    s = s.slice(0, r.index);
    // The relative's name as first written.
    const ta = ALIAS_RE.exec(tail);
    if (ta) tail = tail.slice(0, ta.index);
  }
  const parts = ALIAS_RE.test(s) ? s.split(ALIAS_SPLIT) : null;
  if (parts) s = parts[0];
  let { words: ws, ocr } = words(s);
  // A name with an alias is not read as cut short: the record is longer than any one reading.
  const storedLength = parts ? 0 : ws.join(' ').length;
  // Three aliases at most: a hostile input of many markers must not multiply the work. Each
  // up to a bare relation of its own: what follows that names the relative.
  let aliases = parts ? parts.slice(1, 4).map((p) => beforeBareRelation(words(p).words)) : null;
  const bare = beforeBareRelation(ws);
  if (bare.length < ws.length) {
    relation = true;
    tail = ws.slice(bare.length + 1).join(' ') + ' ' + tail;
    ws = bare;
    // An alias after the relation is the relative's.
    aliases = null;
  }
  // An alias that names someone (two words or more that are not initials or low-identity words)
  // may stand for one word only, the rest of the name after it (HARISH ALIAS MUNNA CHANDRA:
  // Harish or Munna, of the Chandras), so the part before the marker may have left its family
  // name behind it (scoreParsed). Not a nickname (ANIL KUMAR ALIAS MUNNA BHAI).
  const beforeAlias = aliases !== null && named(aliases[0]) >= 2;
  const tailWords: string[] = [];
  // Titles out of the relative's name (S/O SHRI RAM PRASAD), but not its last word, which is a
  // name (S/O SAU, S/O HAJI): dropped, it left no name to check against the other's relative.
  const tw = words(tail).words;
  tw.forEach((w, k) => { if (k === tw.length - 1 || !isHonorific(w)) tailWords.push(w); });
  const extra = tokens(expandInitials(tailWords), loose, spellings);

  // Leading titles, repeatedly ("LATE SHRI", "DR MRS"). A record of titles only is empty.
  // A title that is also a name part is so however spelled (PANDITH, SARDAAR).
  let i = 0;
  const ambiguous: number[] = [];
  for (let t: string | null; i < ws.length && (t = titleOf(ws[i])) !== null; i++) {
    if (AMBIGUOUS_HONORIFICS.has(t)) ambiguous.push(i);
  }
  const out = [reading(ws, i, extra, storedLength, relation, ocr, loose, spellings)];
  // "SRI SRI DEVI": try keeping each ambiguous title of the leading run as a name part.
  for (let k = ambiguous.length - 1; k >= 0 && out.length < 3; k--) out.push(reading(ws, ambiguous[k], extra, storedLength, relation, ocr, loose, spellings));
  if (beforeAlias) for (const r of out) r.guess = 'before';
  if (aliases) {
    for (const [alt, whole] of aliasReadings(ws, aliases)) {
      if (alt.join(' ') === ws.join(' ')) continue;
      let from = 0;
      while (from < alt.length && isHonorific(alt[from])) from++;
      if (from < alt.length) {
        const r = reading(alt, from, extra, 0, relation, ocr, loose, spellings);
        if (!whole) r.guess = 'joined';
        out.push(r);
      }
    }
  }
  return out;
}

/** The words before a bare SO, DO or WO between two words (punctuation lost upstream). */
function beforeBareRelation(ws: string[]): string[] {
  for (let i = 1; i < ws.length - 1; i++) if (BARE_RELATION.has(ws[i])) return ws.slice(0, i);
  return ws;
}

/** Words of a name that are neither initials (RK is two) nor low-identity words (BHAI, DEVI). */
const named = (ws: string[]) => expandInitials(ws).filter((w) => { const t = makeToken(w); return !t.init && !t.weak; }).length;

/**
 * The other readings of a name with an alias (the first is parseName's, above). Records
 * write an alias for the whole name (SURESH KUMAR SINGH ALIAS RAJU BHAIYA, NANA ALIAS VISHNU
 * GOPAL JOSHI) or for one word of it (PAWAR SUNIL ALIAS BAPU DATTATRAY: Sunil or Bapu, son of
 * Dattatray), and a record copied from one may have lost the marker (SURESH KUMAR SINGH RAJU
 * BHAIYA). So: the words with the marker dropped; the word before the marker or the word after
 * it in the other's place; and each later part as a name of its own (`whole`). Each only where
 * two of its words name someone: a nickname (MUNNA, MUNNA BHAI) does not. All but the later parts
 * put together words of what may be two names (AMIT SINGH ALIAS ROHIT GUPTA is no Amit Gupta), so
 * they hold only where they pair every word (scoreParsed).
 */
function aliasReadings(first: string[], rest: string[][]): [string[], boolean][] {
  const out: [string[], boolean][] = [];
  const add = (ws: string[], whole: boolean) => {
    if (named(ws) < 2) return;
    // A later part that another reading also makes is a name as written.
    const seen = out.find(([o]) => o.join(' ') === ws.join(' '));
    if (!seen) out.push([ws, whole]);
    else if (whole) seen[1] = true;
  };
  add([...first, ...rest.flat()], false);
  const next = rest[0];
  if (first.length > 0 && next.length > 0) {
    add([...first, ...next.slice(1)], false);
    add([...first.slice(0, -1), ...next], false);
  }
  for (const p of rest) add(p, true);
  return out;
}

function reading(ws: string[], from: number, extra: Tok[], storedLength: number, relation: boolean, ocr: boolean, loose: number, spellings?: Map<string, Spellings>): ParsedName {
  return { tokens: tokens(expandInitials(ws.slice(from)), loose, spellings), extra, storedLength, honorific: from > 0, relation, ocr };
}
