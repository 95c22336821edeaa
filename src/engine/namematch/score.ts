// Aligning two parsed names and turning the alignment into a 0-100 score with reason codes.
//
// Calibration (default bands): 100 only when the names are the same after normalisation;
// 85-99 when every difference is one that records of one person show (spelling, initials for
// middle names, a dropped middle name, truncation, order); below 85 as soon as something
// could be another person: the given name known only by an initial, a single token against a
// full name, a missing given name, or a conflicting token. A conflict in the given name
// (siblings, spouses, gender forms, one letter apart) lands in POOR / NO.
//
// Written with plain loops and module-level helpers: this runs thousands of times a second.
import { knownName } from './attested.js';
import { compareTokens, editDistance, kumarJoinA, kumarSandhi, listedGender, nearVowel, regionalGivenOk, shortEndra, STRONG, twoNames, vowelApart, vowelPlaces, WEIGHT, withoutHonorific, type Kind } from './compare.js';
import { makeToken, type ParsedName, type Tok } from './normalize.js';
import { canon, isVowel, KUMAR_END } from './phonetic.js';

/** Reason codes, most important first: a reason string lists them in this order. */
export const CODES = [
  'EMPTY', 'DIFFERENT', 'GIVEN_NAME_MISMATCH', 'GENDER_VARIANT', 'SURNAME_MISMATCH', 'RELATION_MISMATCH',
  'TOKEN_MISMATCH', 'GIVEN_NAME_MISSING', 'SINGLE_TOKEN', 'AMBIGUOUS_INITIAL', 'MISSING_TOKEN',
  'TRUNCATED', 'TYPO', 'INITIALS', 'TRANSLITERATION', 'JOINED_TOKENS', 'TOKEN_ORDER', 'EXACT',
  'RELATION_REMOVED', 'HONORIFIC_REMOVED',
] as const;
export type Code = (typeof CODES)[number];
const BIT = Object.fromEntries(CODES.map((c, i) => [c, 1 << i])) as Record<Code, number>;

export interface Scored {
  score: number;
  codes: Code[];
}

// Penalties for differences that records of one person show.
const PEN = {
  translit: 2, vowel: 4, regional: 4, suffix: 5, typo: 6, typo2: 8, prefix: 3, initial: 4, joined: 2, order: 4,
  ocrDigits: 5, typoGiven: 10, missingInitial: 3, missingWeak: 3, missingMiddle: 7, missingLast: 11, truncatedTail: 4,
  fatherName: 8,
};
// Ceilings for situations where the evidence cannot reach "same person, high confidence".
const CAP = {
  nonIdentical: 99,
  twoInitials: 88, // "R K SHARMA" / "RAVI KUMAR SHARMA": two initials agree with the full name
  weakSingle: 80, // "SUNITA" / "SUNITA DEVI"
  suffixReordered: 80, // "RAJESH KUMAR" / "KUMARAN RAJESH": a suffix and a reordering together
  givenSuffix: 70, // "GANESH RAO" / "GANESAN RAO"
  shortForm: 90, // "SUREN DAS" / "SURENDRA DAS": a short form, not a spelling
  initialGiven: 86, // "A SHARMA" / "AMIT SHARMA": the initial agrees and a family name confirms it
  ambiguousInitial: 75, // "A KUMAR" / "AJAY KUMAR": nothing but a weak token confirms the initial
  weakConflict: 78, // "SUNITA DEVI" / "SUNITA KUMARI"
  singleGiven: 70, // "JOHN" / "JOHN DOE"
  // "RAVI THAKUR" / "RAVI THAKURA", "PRIYA SUNIL PATIL" / "PRIYA SUNILA PATIL": the given names
  // agree and a family or father's name differs by a feminine-looking ending, which on such a
  // token is the inherent vowel written or not (every such pair of the tuning sets is one
  // person). GOOD, not higher: the code still says what differs.
  otherGender: 86,
  middleConflict: 65,
  givenMissing: 65, // "KUMAR SHARMA" / "AMIT KUMAR SHARMA"
  // "HARISH CHANDRA ALIAS MUNNA BARMAN" read as "HARISH CHANDRA" / "HARISH CHANDRA BALAN": below a
  // conflict, so that a reading that pairs every word says what differs.
  aliasGuess: 50,
  surnameConflict: 55,
  relationConflict: 55,
  singleOther: 50, // "SHARMA" / "AMIT SHARMA"
  initialsOnly: 50,
  // The refusals below sit at the floor of their Cashfree category: on the labelled sets fewer
  // than one in ten such pairs is one person, and the category is what callers act on.
  givenGender: 36, // "SUNIL VERMA" / "SUNILA VERMA"
  givenNear: 34, // "RAJESH" / "RAMESH"
  givenOther: 12, // plus up to 12 for the rest agreeing (siblings, spouses)
  different: 25, // times character similarity, when nothing aligns
};

const MAX_TOKENS = 10;
/** The key of a KUMAR written apart (a joined -kumar is keyed without it). */
const KUMAR_KEY = canon('KUMAR');
const TRUNCATION_MIN_LENGTH = 18;
/** The shortest given name in which a vowel spelled otherwise is taken as a spelling (below). */
const GIVEN_VOWEL_MIN_LENGTH = 8;

/**
 * Whether the vowels two spellings of a long given name differ in are inside it: the first
 * syllable's vowel agrees (Anandita / Anindita, Barindra / Birendra, Paranjay / Puranjay are
 * other names) and so does the last letter (Madhumati / Madhumita). A Tamil e or i at the start
 * counts as one letter (Elangovan / Ilangovan).
 */
function innerVowels(a: string, b: string): boolean {
  if (a[0] !== b[0] && 'EI'.includes(a[0]) && 'EI'.includes(b[0])) b = a[0] + b.slice(1);
  if (a[a.length - 1] !== b[b.length - 1]) return false;
  let p = 0;
  while (p < a.length && a[p] === b[p]) p++;
  let v = 0;
  while (v < a.length && isVowel(a[v])) v++; // the first consonant
  while (v < a.length && !isVowel(a[v])) v++; // the vowel after it
  return p > v;
}

/**
 * A long given name whose first vowel is a near one, u for o or i for e, as Bengali spellings of
 * Arabic names write it (Mosharraf / Musharraf, Mokhlesur / Mukhlesur; shorter names take it
 * too: Mobarak / Mubarak): the rest as innerVowels asks, and not two names to the Indian Names
 * Corpus.
 */
function nearFirstVowel(a: string, b: string): boolean {
  const fa = /[AEIOU]+/.exec(a);
  const fb = /[AEIOU]+/.exec(b);
  if (!fa || !fb || fa.index !== fb.index || fa[0] === fb[0] || nearVowel(fa[0]) !== nearVowel(fb[0]) || vowelApart(a, b)) return false;
  const near = nearVowel(fa[0]);
  const fold = (w: string, f: RegExpExecArray) => w.slice(0, f.index) + near + w.slice(f.index + f[0].length);
  const x = fold(a, fa);
  const y = fold(b, fb);
  return x === y || innerVowels(x, y);
}

/**
 * Whether a given name with a vowel spelled otherwise is a spelling of the other rather than
 * another name. From eight letters on, when the vowels differ inside it (innerVowels). In a
 * shorter name, when every vowel stays in its place (Rahaman / Rahiman, Mrinal / Mrenal; not
 * Devdas / Devidas, a joint of two names), the last letter agrees (Sanjana / Sanjani is a
 * feminine), the first vowel is the same or a near one, i or e, u or o (Binoy / Benoy, Mobarak /
 * Mubarak; not a and i: Jana / Jina), the later ones too under seven letters, and the Indian
 * Names Corpus does not give the two as two names (Hema / Hima; vowelApart).
 */
function givenVowel(a: string, b: string): boolean {
  const len = Math.min(a.length, b.length);
  if (len >= GIVEN_VOWEL_MIN_LENGTH) return innerVowels(a, b) || nearFirstVowel(a, b);
  if (a[a.length - 1] !== b[b.length - 1] || vowelPlaces(a) !== vowelPlaces(b)) return false;
  const fa = /[AEIOU]+/.exec(a);
  const fb = /[AEIOU]+/.exec(b);
  if (!fa || !fb || nearVowel(fa[0]) !== nearVowel(fb[0]) || vowelApart(a, b)) return false;
  // Four letters: a near first vowel only when one of them is written long (Reena / Rena; not
  // Neha / Niha, Moni / Muni).
  if (len < 5 && fa[0] !== fb[0] && fa[0].length === 1 && fb[0].length === 1) return false;
  // Under seven letters the later vowels must be near ones too (Farhan / Farhin, Samira / Samara
  // are two names); from seven, any (Rahaman / Rahiman).
  return len >= 7 || nearVowel(a.slice(fa.index + fa[0].length)) === nearVowel(b.slice(fb.index + fb[0].length));
}

/** givenVowel of the stems, asked only where an honorific is joined to one of the words. */
function givenStemVowel(a: string, b: string): boolean {
  const x = withoutHonorific(a);
  const y = withoutHonorific(b);
  return (x === a && y === b) || givenVowel(x, y);
}

function codeList(bits: number): Code[] {
  const out: Code[] = [];
  for (let i = 0; i < CODES.length; i++) if (bits & (1 << i)) out.push(CODES[i]);
  return out;
}

function rawText(toks: Tok[], sep: string): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) s += (i > 0 ? sep : '') + toks[i].raw;
  return s;
}

/**
 * Two pieces joined that are a spelling of the other's token by the rules of one token, not by
 * its key alone (Ram Kishore / Ramkishor: the silent final e), or that token with a slip (Ram
 * Narayan / Ramnaryan), which the rules then judge as they judge the joined word's (a slip in a
 * given name is mostly another name). Long tokens that start alike. The kind, or null.
 */
function joinedVariant(raw: string, loose: number, y: Tok): Kind | null {
  // Cheap tests first: this is asked of every two neighbours against every token of the other.
  if (raw.length < 7 || Math.abs(y.raw.length - raw.length) > 2 || y.raw.slice(0, 3) !== raw.slice(0, 3)) return null;
  const k = compareTokens(makeToken(raw, loose), y);
  return k === 'translit' || k === 'regional' || k === 'typo' || k === 'typo2' || k === 'vowel' ? k : null;
}

/**
 * Two pieces that are the other name's token with one piece as written and the other a spelling
 * of it by the rules of one token (Radhey Shyam / Radheshyam, Man Mohan / Monmohan, Joy Deb /
 * Jaydeb): that spelling's kind, or null.
 */
function piecewise(x1: Tok, x2: Tok, y: Tok): 'translit' | 'regional' | null {
  const r = y.raw;
  let k: Kind | null = null;
  if (r.length >= x2.raw.length + 2 && r.endsWith(x2.raw)) k = compareTokens(x1, makeToken(r.slice(0, r.length - x2.raw.length), x1.loose));
  if (k !== 'translit' && k !== 'regional' && r.length >= x1.raw.length + 2 && r.startsWith(x1.raw)) k = compareTokens(x2, makeToken(r.slice(x1.raw.length), x2.loose));
  return k === 'translit' || k === 'regional' ? k : null;
}

/**
 * Whether the slip between two pieces and the other's joined token lies inside one piece, the
 * other piece written as it is at its end of that token: Hari Narayan / Harinaryan, Shiv Swaroop
 * / Shivsawroop. Not at the join, where two names meet: Manoj Ranjan is not Manoranjan, nor Raman
 * Chandran Ramachandran, nor Manik Nandan Manikandan. The piece of five letters or more, its first
 * and last letters as in the token, and not two names as written, the piece and its part of the
 * token (attested.ts): Mano Rajan is not Manoranjan, Rajan and Ranjan being names both.
 */
function slipInPiece(x1: string, x2: string, y: string): boolean {
  const inside = (p: string, q: string) => p.length >= 5 && q.length >= 4 && p[0] === q[0] && p[p.length - 1] === q[q.length - 1] && !(knownName(p) && knownName(q));
  return (y.startsWith(x1) && inside(x2, y.slice(x1.length))) || (y.endsWith(x2) && inside(x1, y.slice(0, y.length - x2.length)));
}

const KUMAR_WORD = /^KH?(?:U|OO)M+AA?RA?$/;
/** Whether piece x is the feminine of the name y joins to its -kumar. */
function femininePiece(x: Tok, y: Tok): boolean {
  const m = KUMAR_END.exec(y.raw);
  return m !== null && m.index >= 3 && compareTokens(x, makeToken(y.raw.slice(0, m.index), x.loose)) === 'gender';
}

/** Join adjacent tokens of `xs` whose concatenation is a token of `ys` (Ram Kumar / Ramkumar). */
function mergeJoined(xs: Tok[], ys: Tok[]): Tok[] | null {
  if (xs.length < 2) return null;
  let out: Tok[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    let took = 0;
    for (let n = 3; n >= 2 && took === 0; n--) {
      if (i + n > xs.length) continue;
      let raw = '';
      let ok = true;
      for (let k = i; k < i + n; k++) { if (xs[k].init) { ok = false; break; } raw += xs[k].raw; }
      if (!ok) continue;
      // Not a last piece that the other name has as a token of its own: the key of a join leaves
      // a -kumar out, so MADHAV + DAS + KUMAR would take the KUMAR of MADAVDAS KUMAR.
      const last = xs[i + n - 1].key;
      if (ys.some((y) => !y.init && y.key === last)) continue;
      const key = canon(raw);
      let to: Tok['joinedTo'];
      let slip = false;
      // A name and its kumar written apart (not a family name that looks like it: Kumhar, Kamar).
      const kumarPiece = n === 2 && KUMAR_WORD.test(xs[i + 1].raw);
      for (const y of ys) {
        // Not when the first piece alone is that token already (SURESH + KUMAR vs SURESH); a
        // joined -kumar is keyed without it, so its key says nothing of that (SATHEESH + KUMAR vs
        // SATHISHKUMAR).
        if (y.init || (y.key === xs[i].key && !(kumarPiece && KUMAR_END.test(y.raw)))) continue;
        // Nor a woman's name before the family name Kumar against a man's joined -kumar (Anila
        // Kumar / Anilkumar), as when both are written apart (below); the -aya is no feminine there.
        if (kumarPiece && xs[i].raw.endsWith('A') && !xs[i].raw.endsWith('AYA') && femininePiece(xs[i], y)) continue;
        if (y.raw === raw || y.key === key || kumarSandhi(y.raw, y.key, raw, key) || kumarJoinA(y.raw, raw)) { took = n; break; }
        const whole = joinedVariant(raw, xs[i].loose, y);
        if (whole === 'translit' || whole === 'regional') { took = n; break; }
        // Read piece by piece before as a slip of the whole: Radhey Shyam is Radheshyam's spelling.
        const k = n === 2 ? piecewise(xs[i], xs[i + 1], y) : null;
        if (k) { took = n; to = { raw: y.raw, kind: k }; break; }
        if (whole && n === 2 && slipInPiece(xs[i].raw, xs[i + 1].raw, y.raw)) slip = true;
      }
      // A slip only where nothing reads better: the join is then judged as the whole token.
      if (took === 0 && slip) took = n;
      if (took > 0) {
        out ??= xs.slice(0, i);
        // The field only where it is set: tokens keep one shape on the hot path.
        out.push(to ? { ...makeToken(raw, xs[i].loose), joined: true, joinedTo: to } : { ...makeToken(raw, xs[i].loose), joined: true });
        i += n - 1;
      }
    }
    if (took === 0 && out) out.push(xs[i]);
  }
  return out;
}

/**
 * The given name's position: the first full token, skipping low-identity tokens and, when
 * the record is written surname-first ("SHARMA AMIT"), a known family name.
 */
/** Keys that differ in their first letter, one o and the other a. */
const initialOA = (x: string, y: string) => (x[0] === 'O' && y[0] === 'A') || (x[0] === 'A' && y[0] === 'O');

/** Whether token i is its name's given name with another full token beside it, and no known surname. */
function givenBesideAnother(s: { given: number }, toks: Tok[], i: number): boolean {
  if (i !== s.given || toks[i].sur) return false;
  let full = 0;
  for (const t of toks) if (!t.init) full++;
  return full >= 2;
}

function givenIndex(toks: Tok[]): number {
  let sur = -1;
  let weak = -1;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.init) continue;
    if (t.weak) { if (weak < 0) weak = i; continue; }
    if (t.sur) { if (sur < 0) sur = i; continue; }
    return i;
  }
  if (sur >= 0) return sur;
  return weak; // -1: initials only
}

// Reused DP buffers (the function is not re-entrant, and need not be).
const DP_A = new Float64Array(1 << MAX_TOKENS);
const DP_B = new Float64Array(1 << MAX_TOKENS);
const CHOICE = new Int8Array(MAX_TOKENS << MAX_TOKENS);

/** Optimal one-to-one pairing of tokens (bitmask DP over the second name's tokens). */
function assign(kinds: Kind[], n: number, m: number, match: Int8Array): void {
  const size = 1 << m;
  let dp = DP_A;
  let nd = DP_B;
  dp.fill(-1, 0, size);
  dp[0] = 0;
  for (let i = 0; i < n; i++) {
    nd.fill(-1, 0, size);
    const base = i << MAX_TOKENS;
    for (let mask = 0; mask < size; mask++) {
      const v = dp[mask];
      if (v < 0) continue;
      if (v > nd[mask]) { nd[mask] = v; CHOICE[base + mask] = -1; }
      for (let j = 0; j < m; j++) {
        if (mask & (1 << j)) continue;
        const w = WEIGHT[kinds[i * m + j]];
        if (w <= 0) continue;
        // A whisker of preference for keeping positions: breaks ties between equal tokens.
        const nv = v + w + 1e-4 * (1 - Math.abs(i / n - j / m));
        const nm = mask | (1 << j);
        if (nv > nd[nm]) { nd[nm] = nv; CHOICE[base + nm] = j; }
      }
    }
    const t = dp; dp = nd; nd = t;
  }
  let best = 0;
  for (let mask = 1; mask < size; mask++) if (dp[mask] > dp[best]) best = mask;
  let mask = best;
  for (let i = n - 1; i >= 0; i--) {
    const j = CHOICE[(i << MAX_TOKENS) + mask];
    match[i] = j >= 0 ? j : -1;
    if (j >= 0) mask ^= 1 << j;
  }
}

/**
 * A consonant dropped from a cluster of a long given name (nine letters or more without it, not
 * counting a joined -kumar), after its first two letters: a typing slip (Karthikeyan /
 * Kathikeyan, Ravichandran / Ravichadran), since names that differ so differ elsewhere too. Not
 * h, y or w, which make other names (Karunya / Karuna), nor the first letter of a digraph
 * (Haricharan / Hariharan, Madheswaran / Maheswaran); the shorter names where a cluster does make
 * another name stay apart (Chandrika / Chandika, Ranjithkumar / Rajithkumar).
 */
function clusterSlip(a: string, b: string): boolean {
  if (clusterSlipAsWritten(a, b)) return true;
  const pa = plainSpelling(a);
  const pb = plainSpelling(b);
  // The long vowel on the word that keeps the consonant only: on the other it may stand where the
  // nasal was (Ramanaadan, the Tamil Ramanathan, is no Ramanandan; Vasudhaara no Vasundhara).
  if (pa !== a && pb === b) return pa.length > b.length && clusterSlipAsWritten(pa, b);
  if (pb !== b && pa === a) return pb.length > a.length && clusterSlipAsWritten(a, pb);
  return false;
}

/**
 * A long vowel written double written once: the slip made on that spelling of the name
 * (Kaarthikeyan / Kathikeyan). Not an aspirate's h, which joins two names so (Raghunadhan, the
 * Tamil Raghunathan, against Raghunandan).
 */
const plainSpelling = (w: string) => w.replace(/([AEIOU])\1/g, '$1');

function clusterSlipAsWritten(a: string, b: string): boolean {
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length !== s.length + 1 || s.replace(/KUMARI?$/, '').length < 9) return false;
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  if (i < 2 || s.slice(i) !== l.slice(i + 1)) return false;
  const c = l[i];
  if (isVowel(c) || 'HYW'.includes(c) || l[i + 1] === 'H') return false;
  return !isVowel(l[i - 1]) || (i + 1 < l.length && !isVowel(l[i + 1]));
}

// Capitals that a scanner reads for one another.
const LOOKALIKE = ['ODQCG', 'ILTJ', 'RPB', 'MNW', 'EF', 'UV'];
function lookalike(x: string, y: string): boolean {
  for (const g of LOOKALIKE) if (g.includes(x) && g.includes(y)) return true;
  return false;
}

/**
 * Long tokens (10+) of the same length that agree in their first six letters and differ in one
 * later letter by a look-alike glyph (RAMACHANDRAN / RAMACHANDPAN). Not a different letter of
 * another sound: SHASHIKALA / SHASHIBALA are two names.
 */
function lateSlip(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 10) return false;
  let diff = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (diff >= 0 || i < 6) return false;
    diff = i;
  }
  return diff >= 0 && lookalike(a[diff], b[diff]);
}

function bigramDice(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return a === b ? 1 : 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let hit = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const c = grams.get(g) ?? 0;
    if (c > 0) { hit++; grams.set(g, c - 1); }
  }
  return (2 * hit) / (a.length + b.length - 2);
}

/** One name's side of an alignment. */
interface Side {
  toks: Tok[];
  trunc: boolean;
  given: number;
  match: Int8Array; // index of the paired token on the other side, or -1
  kind: Kind[]; // kind of that pairing ('none' when unpaired)
  left: boolean[]; // unpaired and not explained by the other record's relation tail
  conflict: number; // token used up by a conflict, not to be charged as missing too
}

/** Running verdict: penalties, ceiling, codes. */
interface Verdict {
  pen: number;
  cap: number;
  bits: number;
}

function side(toks: Tok[], trunc: boolean): Side {
  return {
    toks, trunc, given: givenIndex(toks), match: new Int8Array(toks.length).fill(-1),
    kind: new Array<Kind>(toks.length).fill('none'), left: new Array<boolean>(toks.length).fill(false), conflict: -1,
  };
}

function firstLeft(s: Side, nonWeak: boolean): number {
  for (let i = 0; i < s.toks.length; i++) if (s.left[i] && (!nonWeak || !s.toks[i].weak)) return i;
  return -1;
}

const WEAK_MISSING = -1;
const WEAK_TITLE = -2;
const keysOf = (ws: string[]) => new Set(ws.map((w) => makeToken(w).key));
/** The Muslim prefix, a low-identity word that records leave out before the name itself. */
const PREFIX_KEYS = keysOf(['MOHAMMED', 'ABDUL']);
/**
 * A woman's suffix or title, by the keys (Begam, Banoo, Devee; Bengali script's Vegam), but not
 * where an h after b is written (Vibhi and Bhai, which the keys read as Bibi and Bai, are other words).
 */
const WOMAN_KEYS = keysOf(['DEVI', 'KUMARI', 'BAI', 'BEN', 'BANU', 'BANO', 'BEGUM', 'BIBI', 'KHATUN']);
const woman = (t: Tok) => WOMAN_KEYS.has(t.key) && !t.raw.includes('BH');
const DEVI_KEY = makeToken('DEVI').key;
const SINGH_KEY = makeToken('SINGH').key;
/** An honorific written after a family name (Khan Sahib, Patil Saheb: Mr Khan, Mr Patil). */
const AFTER_KEYS = keysOf(['SAHIB', 'SAHEB']);
/** A name or family name (Gouda, a joined one's usual end, is the second). */
const nameWord = (w: string) => w.length >= 3 && (knownName(w) || makeToken(w).sur);
/** Consonants as written in their places, y among them, doubles as one (Begam / Baigum: B*G*M). */
const shape = (raw: string) => vowelPlaces(raw.replace(/([^AEIOU])\1+/g, '$1'));
/** Whether two words may be one spelled otherwise: by the keys or their consonants in place. */
const oneWord = (x: Tok, y: Tok) => x.key === y.key || shape(x.raw) === shape(y.raw);

/**
 * Side g's given name is paired with nothing, and w's only unpaired words are low-identity ones
 * (Devi, Kumar, Begum, Bhai, Sahib). Is the first of them, the Muslim prefix aside, a given name
 * of its own (its index is returned), a title (WEAK_TITLE: 50), or may g's given name just be
 * missing from w (WEAK_MISSING: 65)?
 * - A woman's suffix or title (Devi, Bai, Ben, Banu, Begum, Bibi, Khatun) reads as Mrs: 50
 *   beside a single full word (Begum Akhtar / Nasreen Akhtar, Devi Sharma / Sunita Sharma), 65
 *   beside more (Begum Akhtar Shaikh / Nasreen Akhtar Shaikh, Jadhav Bai Dattatray). But Devi
 *   just before Singh is a man's name (Devi Singh Verma / Kuldeep Singh Verma), unless either
 *   record has a title or a relation, which may say a woman's (Smt Sunita Singh, Devi Singh W/O
 *   ...; Mr Devi Singh / Kuldeep Singh is read as Mrs too: 50).
 * - Written after every word that agrees: Sahib, Saheb or a woman's word after a listed family
 *   name alone reads as Mr or Mrs (Khan Sahib / Imran Khan: 50); anything else there may be the
 *   suffix of a given name the other record writes after its family name (Konda Sunitha /
 *   Sunitha Devi: 65).
 * - Any other low-identity word before or among the words that agree is a given name of its own
 *   (Sahib Ali Khan / Rafiq Ali Khan, Kumar Sharma / Amit Sharma, Bhai Patel / Ramesh Patel),
 *   a leading Md aside (Md Sahib Ali Khan).
 * Missing, whatever the word, when it may be the end of g's given name written joined
 * (Amitkumar / Kumar, Shivakumara / Kumar, Balasaheb / Sahib, Shahbanu / Bano) or its start: a
 * word of five letters or more whatever follows (Kumaresan / Kumar, Sahibjot / Sahib), a shorter
 * one before a name or a family name (Debiprasad / Devi; not Devinder); when the two may be one
 * word spelled otherwise (Begam / Baigum, Sahab / Sahib: the same keys or consonants in the same
 * places; not Sahib / Shoaib) or a man's and a woman's form of one (Ven / Veena), or g has the
 * word too, spelled otherwise (Shahnaz Banu Khan / Bano Khan); when an initial on w has the letter
 * of g's given name and is not g's own initial written before its given name (R Kumar Sharma /
 * Rajesh R Sharma, but not P Kumar Swamy / P Prakash Swamy); and for the Muslim prefix alone,
 * which records drop (Mohammed Alam may be Mohammed Rafiq Alam).
 */
function weakInGiven(g: Side, w: Side, titled: boolean): number {
  let j = -1;
  for (let i = 0; i < w.toks.length; i++) if (w.left[i] && !PREFIX_KEYS.has(w.toks[i].key)) { j = i; break; }
  if (j < 0) return WEAK_MISSING;
  const tg = g.toks[g.given];
  const tw = w.toks[j];
  const r = tg.raw;
  for (let k = 3; k <= 8 && k <= r.length - 2; k++) {
    const end = makeToken(r.slice(-k), tg.loose);
    if (oneWord(end, tw)) return WEAK_MISSING;
    const kind = k >= tw.raw.length ? compareTokens(end, tw) : 'none';
    if (kind === 'translit' || kind === 'suffix') return WEAK_MISSING;
  }
  // A word of five letters or more is read at a given name's start whatever follows (Kumaresan,
  // Sahibjot); a shorter one only before a name or a family name (Devinder is no Devi).
  for (let k = tw.raw.length - 1; k <= tw.raw.length + 1; k++) {
    if (r[0] !== tw.raw[0] || k > r.length - 3 || !oneWord(makeToken(r.slice(0, k), tg.loose), tw)) continue;
    const rest = r.slice(k);
    if (tw.raw.length >= 5 || nameWord(rest) || (rest[0] === 'A' && nameWord(rest.slice(1)))) return WEAK_MISSING;
  }
  if (oneWord(tg, tw) || compareTokens(tg, tw) === 'gender') return WEAK_MISSING;
  // The same word left unpaired on g too, spelled otherwise (Shahnaz Banu Khan / Bano Khan).
  for (let i = 0; i < g.toks.length; i++) if (g.left[i] && g.toks[i].weak && oneWord(g.toks[i], tw)) return WEAK_MISSING;
  let full = 0;
  let other = 0;
  let last = -1;
  for (let i = 0; i < w.toks.length; i++) {
    const p = w.match[i];
    if (p < 0) continue;
    const t = w.toks[i];
    last = i;
    if (t.init && t.raw[0] === r[0] && !(g.toks[p].init && p < g.given)) return WEAK_MISSING;
    if (t.init || t.weak) other++;
    else full++;
  }
  const alone = full === 1 && other === 0;
  // After the words that agree: an honorific after a family name, else maybe the suffix of a given
  // name the other record writes after its family name (Konda Sunitha / Sunitha Devi), as before.
  if (j > last) return alone && w.toks[last].sur && (AFTER_KEYS.has(tw.key) || woman(tw)) ? WEAK_TITLE : WEAK_MISSING;
  const man = tw.key === DEVI_KEY && !titled && w.toks[j + 1]?.key === SINGH_KEY;
  if (woman(tw) && !man) return alone ? WEAK_TITLE : WEAK_MISSING;
  return j;
}

/** Mark unpaired tokens; those matching the other record's relation tail are explained. */
function markLeft(s: Side, otherExtra: Tok[], strong: number): number {
  let explained = 0;
  for (let i = 0; i < s.toks.length; i++) {
    if (s.match[i] >= 0) continue;
    let ex = false;
    if (strong > 0) {
      for (const e of otherExtra) {
        const k = compareTokens(e, s.toks[i]);
        // An initial for the other's father's name: Ravi K against Ravi s/o Krishnan, not the
        // other way round (Suresh Rao against Suresh s/o R).
        if (STRONG[k] || k === 'init_same' || (k === 'initial' && s.toks[i].init)) { ex = true; break; }
      }
    }
    if (ex) explained++;
    else s.left[i] = true;
  }
  return explained;
}

/**
 * Whether the tokens x of s and y of o, which differ by a feminine-looking ending while the given
 * names agree, are each a record's second word between a first word that pairs and is a listed
 * family name or no name the lexicon knows, and a last word that is a name people are given and no
 * listed family name: a Marathi record written family name first (Ghorpade Ankita Suresh /
 * Ghorpade Ankit Suresh, sister and brother, their father Suresh), where the second word is the
 * given name. Written given name first, the last word is the family name (Priya Sunil Patil /
 * Priya Sunila Patil: the father's name, one person).
 */
function givenBetween(s: Side, o: Side, x: number, y: number): boolean {
  const n = s.toks.length;
  const m = o.toks.length;
  if (x !== 1 || y !== 1 || n !== 3 || m !== 3 || s.match[0] !== 0 || s.match[2] !== 2) return false;
  const given = (t: Tok) => !t.init && !t.sur && knownName(t.raw);
  const family = (t: Tok) => !t.init && (t.sur || !knownName(t.raw));
  return family(s.toks[0]) && family(o.toks[0]) && given(s.toks[2]) && given(o.toks[2]);
}

/**
 * 1 where s's given name was explained by the other's relation tail (markLeft) and s is the
 * relative that tail names (below): s's given name is then left unpaired, as a given name that
 * disagrees. Else 0. Not on a record with a title, which may be a wife styled by her husband's
 * name (Mrs Ramesh Sharma / Sunita Sharma W/O Ramesh Sharma).
 */
function relativeOwn(s: Side, o: Side, titled: boolean, oTail: Tok[]): number {
  const g = s.given;
  const h = o.given;
  if (titled || g < 0 || s.match[g] >= 0 || s.left[g]) return 0;
  // The other's given name, a full word, paired with nothing (Amit Sharma S/O Ram Sharma)...
  let relative = h >= 0 && o.left[h] && !o.toks[h].init && !o.toks[h].weak;
  // ...or nothing of the other's own name paired with s: every word it pairs is its family name,
  // which its tail repeats (A Sharma S/O Ram Sharma, Sharma D/O Ram Sharma). Not where a word it
  // pairs is its own (Krishnan Ravi / Ravi S/O Krishnan, Tamil's father's name first).
  if (!relative) {
    relative = true;
    for (let j = 0; j < o.toks.length && relative; j++) {
      if (o.match[j] >= 0 && !oTail.some((e) => STRONG[compareTokens(e, o.toks[j])])) relative = false;
    }
  }
  if (!relative) return 0;
  s.left[g] = true;
  return 1;
}

/**
 * Whether a record of three words or more is written family name first, its first word paired
 * with the other's last by a spelling (not an initial, not a low-identity word such as MOHAMMED):
 * its last word is then the father's or a middle name, not the family name (JADHAV SUNIL
 * DATTATRAY / SUNIL JADHAV).
 */
function familyFirst(s: Side, other: Side): boolean {
  const o = other.toks.length - 1;
  return s.toks.length >= 3 && o >= 1 && s.match[0] === o && STRONG[s.kind[0]] && !s.toks[0].weak && !other.toks[o].init;
}

/** Whether x is the other token with -rai joined to it (compare.ts, honorific). */
const raiJoined = (x: string, other: string) => x.endsWith('RAI') && !/RA[IY]$/.test(other) && withoutHonorific(x) !== x;

/**
 * Whether the pair i, j is a family name written first on one record and last on the other, its
 * given name the second word there (KANHERE SUNIL DATTATRAY / SUNIL DATTATRAY KANERE): a family
 * name, which the given-name rules do not ask. Both of three words or more, and the given names
 * the same by their keys.
 */
function familyWritten(kinds: Kind[], n: number, m: number, i: number, j: number, ga: number, gb: number): boolean {
  if (n < 3 || m < 3) return false;
  const same = (k: Kind) => k === 'exact' || k === 'translit';
  if (j === 0 && j === gb && i === n - 1 && ga >= 0 && ga < i) return same(kinds[ga * m + 1]);
  if (i === 0 && i === ga && j === m - 1 && gb >= 0 && gb < j) return same(kinds[m + gb]);
  return false;
}

/** Whether a full word (no initial, no low-identity word) of the record is left unpaired. */
function leftFull(s: Side): boolean {
  for (let i = 0; i < s.toks.length; i++) if (s.left[i] && i !== s.conflict && !s.toks[i].init && !s.toks[i].weak) return true;
  return false;
}

/** Charge tokens one record has and the other lacks. */
function chargeMissing(s: Side, other: Side, v: Verdict): void {
  let lastMatched = -1;
  let any = false;
  let allTrailing = true;
  for (let i = 0; i < s.toks.length; i++) if (s.match[i] >= 0) lastMatched = i;
  for (let i = 0; i < s.toks.length; i++) {
    if (!s.left[i] || i === s.conflict) continue;
    any = true;
    if (i < lastMatched) allTrailing = false;
  }
  if (!any) return;
  // Trailing tokens the other (shorter, long) record would have lost to truncation.
  let otherFull = true;
  for (let j = 0; j < other.match.length; j++) if (other.match[j] < 0) otherFull = false;
  const truncated = other.trunc && allTrailing && otherFull;
  const last = s.toks.length - 1;
  const lastIsFamily = !familyFirst(s, other);
  for (let i = 0; i < s.toks.length; i++) {
    if (!s.left[i] || i === s.conflict) continue;
    const t = s.toks[i];
    if (truncated) { v.pen += PEN.truncatedTail; v.bits |= BIT.TRUNCATED; continue; }
    v.bits |= BIT.MISSING_TOKEN;
    if (t.init) v.pen += PEN.missingInitial;
    else if (t.weak) v.pen += PEN.missingWeak;
    else if (i === last && lastIsFamily) v.pen += PEN.missingLast;
    else v.pen += PEN.missingMiddle;
  }
}

/**
 * One token against a full name: "JOHN" / "JOHN DOE". Cashfree scores that pair 0.85; we keep
 * it below the accept line (MODERATE), because the missing token may be the one that tells
 * two relatives apart. Matching the other's surname only ("SHARMA") is POOR.
 */
function capSingle(s: Side, o: Side, v: Verdict): void {
  if (s.toks.length !== 1 || o.toks.length < 2 || s.match[0] < 0) return;
  let anyLeft = false;
  let weakLeft = true;
  for (let j = 0; j < o.toks.length; j++) {
    if (!o.left[j]) continue;
    anyLeft = true;
    if (!o.toks[j].weak && !o.toks[j].init) weakLeft = false;
  }
  if (!anyLeft) return; // the rest is explained (relation tail, joins)
  v.bits |= BIT.SINGLE_TOKEN;
  const cap = s.match[0] === o.given ? (weakLeft ? CAP.weakSingle : CAP.singleGiven) : CAP.singleOther;
  v.cap = Math.min(v.cap, cap);
}

/**
 * The given name known only by an initial: "A SHARMA" could be Amit or Anil. The given name
 * is the one givenIndex picked, or the first token when both records start with it (the
 * plain reading is then that the initial stands for it, whatever the surname hints say).
 * Two initials agreeing in order ("R K SHARMA") are accepted, just.
 */
function capInitialGiven(s: Side, o: Side, strong: number, v: Verdict): void {
  const firstToFirst = s.match[0] === 0 && s.kind[0] === 'initial' && !s.toks[0].init;
  const givenByInitial = s.given >= 0 && s.match[s.given] >= 0 && s.kind[s.given] === 'initial';
  if (!firstToFirst && !givenByInitial) return;
  let onOther = 0;
  for (let j = 0; j < o.toks.length; j++) if (o.kind[j] === 'initial' && o.toks[j].init) onOther++;
  if (onOther >= 2 && strong >= 1) { v.cap = Math.min(v.cap, CAP.twoInitials); return; }
  // A family name (not a weak token like KUMAR) agreeing in full vouches for the initial: in
  // Indian records "A. SHARMA" against "AMIT SHARMA" is nearly always the one person.
  let confirmed = false;
  for (let i = 0; i < s.toks.length; i++) {
    if (s.match[i] >= 0 && STRONG[s.kind[i]] && !s.toks[i].weak && !s.toks[i].init) confirmed = true;
  }
  if (confirmed) { v.cap = Math.min(v.cap, CAP.initialGiven); return; }
  v.cap = Math.min(v.cap, CAP.ambiguousInitial);
  v.bits |= BIT.AMBIGUOUS_INITIAL;
}

/**
 * Initials written against the next token ("ASHARMA", "A.SHARMA" keyed without the point):
 * a token that is one or two letters plus a token of the other record, where each of those
 * letters starts another token of that record, is read as initials and that token.
 */
function splitInitials(xs: Tok[], ys: Tok[]): Tok[] | null {
  if (ys.length < 2) return null;
  let out: Tok[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const t = xs[i];
    let done = false;
    if (!t.init && t.raw.length >= 6) {
      for (let yi = 0; yi < ys.length; yi++) {
        const y = ys[yi];
        if (y.init || y.raw.length < 4 || y.raw === t.raw) continue;
        const extra = t.raw.length - y.raw.length;
        if (extra < 1 || extra > 2 || !t.raw.endsWith(y.raw)) continue;
        // Each letter must start a token written before that one (SNEHA is not S + NEHA
        // against NEHA SINGH).
        let ok = true;
        for (let k = 0; k < extra; k++) {
          let starts = false;
          for (let zi = 0; zi < yi; zi++) if (!ys[zi].init && ys[zi].raw[0] === t.raw[k]) starts = true;
          if (!starts) ok = false;
        }
        if (!ok) continue;
        out ??= xs.slice(0, i);
        for (let k = 0; k < extra; k++) out.push(makeToken(t.raw[k], t.loose));
        out.push(makeToken(y.raw, t.loose));
        done = true;
        break;
      }
    }
    if (!done && out) out.push(t);
  }
  return out;
}

function relationConflict(A: ParsedName, B: ParsedName): boolean {
  // Both records name a father/husband: two different given names there mean two people
  // (brothers' records share the family name, so compare the relative's given name).
  const x = givenIndex(A.extra);
  const y = givenIndex(B.extra);
  if (x < 0 || y < 0) return false;
  const k = compareTokens(A.extra[x], B.extra[y]);
  return !(STRONG[k] || k === 'initial');
}

/**
 * One of two words is the other's stem with the feminine -ani, -ari or -ini (-ee for the i too):
 * the other ending where the stem does or in another final vowel (Shankar or Shankara /
 * Shankari). Not the -i against -ya of a family name (Achari / Acharya).
 */
const FEMININE_NI = /[NR](?:I|EE)$/;
const feminineNIOf = (f: string, o: string) => {
  if (!FEMININE_NI.test(f) || FEMININE_NI.test(o)) return false;
  const stem = f.slice(0, f.endsWith('EE') ? -2 : -1);
  return o === stem || (o.length === stem.length + 1 && o.startsWith(stem) && 'AEO'.includes(o[stem.length]));
};
const feminineNI = (x: string, y: string) => feminineNIOf(x, y) || feminineNIOf(y, x);

export function scoreParsed(A: ParsedName, B: ParsedName): Scored {
  const v: Verdict = { pen: 0, cap: CAP.nonIdentical, bits: 0 };
  if (A.honorific || B.honorific) v.bits |= BIT.HONORIFIC_REMOVED;
  if (A.relation || B.relation) v.bits |= BIT.RELATION_REMOVED;
  const ocr = A.ocr || B.ocr;
  const relConflict = relationConflict(A, B);
  if (!ocr && !relConflict) {
    if (rawText(A.tokens, ' ') === rawText(B.tokens, ' ')) return { score: 100, codes: codeList(v.bits | BIT.EXACT) };
    // Spacing only (RAMKUMAR / RAM KUMAR, R K / RK): the same name, certain.
    if (rawText(A.tokens, '') === rawText(B.tokens, '')) return { score: 100, codes: codeList(v.bits | BIT.JOINED_TOKENS) };
  }

  const sa = splitInitials(A.tokens, B.tokens) ?? A.tokens;
  const sb = splitInitials(B.tokens, sa) ?? B.tokens;
  const ja = mergeJoined(sa, sb);
  let ta = ja ?? sa;
  const jb = mergeJoined(sb, ta);
  let tb = jb ?? sb;
  if (ja || jb) { v.bits |= BIT.JOINED_TOKENS; v.pen += PEN.joined; }
  if (ta.length > MAX_TOKENS) ta = ta.slice(0, MAX_TOKENS);
  if (tb.length > MAX_TOKENS) tb = tb.slice(0, MAX_TOKENS);
  const lenA = rawText(ta, '').length;
  const lenB = rawText(tb, '').length;
  // Core banking truncates long names: only the shorter, long-enough, unmarked record can be cut.
  const a = side(ta, !A.relation && A.storedLength >= TRUNCATION_MIN_LENGTH && lenA < lenB);
  const b = side(tb, !B.relation && B.storedLength >= TRUNCATION_MIN_LENGTH && lenB < lenA);
  const n = ta.length;
  const m = tb.length;

  const kinds = new Array<Kind>(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let k = compareTokens(ta[i], tb[j], a.trunc && i === n - 1, b.trunc && j === m - 1);
      // A join read piece by piece as the other's token (mergeJoined) is that spelling of it, and
      // the given-name rules below judge it as they judge that token (Kamalnath / Komalnath).
      const to = ta[i].joinedTo?.raw === tb[j].raw ? ta[i].joinedTo : tb[j].joinedTo?.raw === ta[i].raw ? tb[j].joinedTo : undefined;
      // Not over what the whole says of gender or a suffix (Rajkumar / Rajkumari).
      if (to && (k === 'none' || k === 'vowel' || k === 'typo' || k === 'typo2' || (k === 'regional' && to.kind === 'translit'))) k = to.kind;
      // Rai written onto the last word is the family name more often than Gujarati's honorific
      // (Suresh Prasadrai / Suresh Prasad Singh is a Rai, not a Singh).
      if ((k === 'regional' || k === 'vowel') && ((i === n - 1 && raiJoined(ta[i].raw, tb[j].raw)) || (j === m - 1 && raiJoined(tb[j].raw, ta[i].raw)))) k = 'none';
      kinds[i * m + j] = k;
    }
  }
  // A name in -aya before a KUMAR of its own on both sides is read as joined to it: Vijaya Kumar
  // is Vijayakumar, whose a is no feminine (kumarJoinA). Not other endings: Anila Kumar is a
  // woman's name. Not against a name read from a script, which writes its vowels as they are.
  for (let i = 0; i + 1 < n; i++) {
    if (ta[i + 1].key !== KUMAR_KEY || ta[i].loose) continue;
    for (let j = 0; j + 1 < m; j++) {
      if (kinds[i * m + j] !== 'gender' || tb[j + 1].key !== KUMAR_KEY || tb[j].loose) continue;
      const x = ta[i].raw;
      const y = tb[j].raw;
      if ((x.endsWith('AYA') || y.endsWith('AYA')) && kumarJoinA(`${x}KUMAR`, `${y}KUMAR`)) kinds[i * m + j] = 'translit';
    }
  }
  assign(kinds, n, m, a.match);

  // A given name may differ from the other by a vowel or a late slip only if that is a
  // spelling, and for given names it usually is not (Kamal / Komal, Baljinder / Balwinder).
  let givenNear = false;
  for (let i = 0; i < n; i++) {
    const j = a.match[i];
    if (j < 0) continue;
    const k = kinds[i * m + j];
    // An n put after a short given name ending in a is another name more often than the Tamil
    // -an (Shobha / Shobhan, Farha / Farhan, Satya / Satyam); Gopal / Gopalan is the -an.
    const short = ta[i].key.length < tb[j].key.length ? ta[i].key : tb[j].key;
    const shortSuffix = k === 'suffix' && short.length < 6 && short.endsWith('A');
    const regionalGiven = k === 'regional' && !regionalGivenOk(ta[i].raw, tb[j].raw);
    // The Bengali o for an initial a is a given name's spelling (Otul / Atul); surnames that
    // differ so are mostly two families (Oswal / Aswal, Orora / Arora). So both tokens must be
    // their names' given name, each beside another full token: not one taken for want of
    // another (R Arora), nor a known surname, nor a name swapped round (Ram Oswal / Aswal Ram).
    if (k === 'regional' && initialOA(ta[i].key, tb[j].key) && !(givenBesideAnother(a, ta, i) && givenBesideAnother(b, tb, j))) {
      a.match[i] = -1;
      continue;
    }
    // A given name with the same consonants and a vowel or two spelled otherwise is a spelling
    // when givenVowel says so (Nilakanta / Nilkanata, Rahaman / Rahiman; not Kamal / Komal). Not
    // against a name read from an Indian script, whose vowels are written exactly (Chintanika /
    // சாந்தநிகா, Santhanika).
    // Of the stems too where an honorific is joined to one (Abhimanibhau is no Abhimanyu).
    const shortVowel = k === 'vowel' && (ta[i].loose > 0 || tb[j].loose > 0 || !givenVowel(ta[i].raw, tb[j].raw) || !givenStemVowel(ta[i].raw, tb[j].raw));
    // Not a family name written first on one record: but for two names people are given, which
    // the first word may be (Komal Sunil Dattatray / Sunil Dattatray Kamal).
    if ((shortVowel || k === 'typo2' || shortSuffix || regionalGiven) && (i === a.given || j === b.given) &&
      (!familyWritten(kinds, n, m, i, j, a.given, b.given) || twoNames(ta[i].raw, tb[j].raw))) {
      // One slip deep inside a long given name is a scanning or typing slip, not another
      // name (RAMACHANDPAN): names that differ there differ earlier too.
      const slip = k === 'typo2' && (lateSlip(ta[i].raw, tb[j].raw) || (!ta[i].loose && !tb[j].loose && clusterSlip(ta[i].raw, tb[j].raw)));
      if (!slip) {
        a.match[i] = -1;
        givenNear = true;
        continue;
      }
    }
    // The short form of a given name only: a family name is no short form (Soren / Sourendra).
    if (k === 'regional' && shortEndra(ta[i].raw, tb[j].raw)) {
      if (i !== a.given && j !== b.given) {
        a.match[i] = -1;
        continue;
      }
      v.cap = Math.min(v.cap, CAP.shortForm);
    }
    // People's own filings keep a given name with the -an apart from the bare stem
    // (Govindaraj / Govindarajan, Ganesh / Ganesan are both common, each written its own way):
    // the pair may be one person, but not with the confidence of a spelling.
    if (k === 'suffix' && (i === a.given || j === b.given)) {
      v.cap = Math.min(v.cap, CAP.givenSuffix);
      v.bits |= BIT.GIVEN_NAME_MISMATCH;
    }
    a.kind[i] = k;
    b.match[j] = i;
    b.kind[j] = k;
  }

  let strong = 0;
  let initials = 0;
  let initSame = 0;
  let translit = 0;
  let suffixes = 0;
  if (ocr) { v.pen += PEN.ocrDigits; v.bits |= BIT.TYPO; }
  for (let i = 0; i < n; i++) {
    if (a.match[i] < 0) continue;
    switch (a.kind[i]) {
      case 'exact': strong++; break;
      case 'translit': strong++; translit++; v.bits |= BIT.TRANSLITERATION; break;
      case 'suffix': strong++; suffixes++; v.pen += PEN.suffix; v.bits |= BIT.TRANSLITERATION; break;
      case 'vowel': strong++; v.pen += PEN.vowel; v.bits |= BIT.TRANSLITERATION; break;
      case 'regional': strong++; v.pen += PEN.regional; v.bits |= BIT.TRANSLITERATION; break;
      // A slip in the given name is more often another name than one elsewhere.
      case 'typo': strong++; v.pen += i === a.given || a.match[i] === b.given ? PEN.typoGiven : PEN.typo; v.bits |= BIT.TYPO; break;
      case 'typo2': strong++; v.pen += PEN.typo2; v.bits |= BIT.TYPO; break;
      case 'prefix': strong++; v.pen += PEN.prefix; v.bits |= BIT.TRUNCATED; break;
      case 'initial': initials++; v.pen += PEN.initial; v.bits |= BIT.INITIALS; break;
      case 'init_same': initSame++; break;
      default: break;
    }
  }
  // Once however many tokens a spelling rule joins: each is a key that agrees, no weaker for
  // there being two (Laxmi Narayan Choudhary / Lakshmi Narayan Chaudhary scores as Laxmi / Lakshmi).
  if (translit > 0) v.pen += PEN.translit;
  if (strong + initials + initSame === 0) {
    // Nothing aligns. Still say so when the given names are forms of one another
    // (RAM / RAMA, DEEPAK KUMAR / DEEPA KUMARI): that is a near miss, not a stranger.
    if (a.given >= 0 && b.given >= 0) {
      const k = compareTokens(ta[a.given], tb[b.given]);
      if (k === 'gender') return { score: CAP.givenGender, codes: codeList(v.bits | BIT.GIVEN_NAME_MISMATCH | BIT.GENDER_VARIANT) };
      if (givenNear || editDistance(ta[a.given].key, tb[b.given].key) <= 1) {
        return { score: CAP.givenNear, codes: codeList(v.bits | BIT.GIVEN_NAME_MISMATCH) };
      }
    }
    let ka = '';
    let kb = '';
    for (const t of ta) ka += t.key;
    for (const t of tb) kb += t.key;
    return { score: Math.round(CAP.different * bigramDice(ka, kb)), codes: codeList((v.bits & ~BIT.TYPO) | BIT.DIFFERENT) };
  }

  // Order: pairs read left to right on one side should read left to right on the other.
  let lastJ = -1;
  for (let i = 0; i < n; i++) {
    const j = a.match[i];
    if (j < 0) continue;
    if (j < lastJ) {
      v.pen += PEN.order;
      v.bits |= BIT.TOKEN_ORDER;
      // Reordered tokens that agree only up to a suffix: KUMARAN RAJESH is not RAJESH KUMAR.
      if (suffixes > 0) v.cap = Math.min(v.cap, CAP.suffixReordered);
      break;
    }
    lastJ = j;
  }

  // Unpaired tokens explained by the other record's relation tail: "RAJU S/O VENKAIAH" against
  // "RAJU VENKAIAH" is the Telugu given-name-plus-father's-name convention.
  let explained = markLeft(a, B.extra, strong) + markLeft(b, A.extra, strong);
  // Not a record's own given name against another given name of the other's: that record is the
  // relative the other names (Ram Sharma / Amit Sharma S/O Ram Sharma, the father's record), and
  // the two given names disagree. Unless the record has a title (relativeOwn).
  explained -= relativeOwn(a, b, A.honorific, B.extra) + relativeOwn(b, a, B.honorific, A.extra);
  if (explained > 0) v.pen += PEN.fatherName;

  const gA = a.given >= 0 && a.left[a.given];
  const gB = b.given >= 0 && b.left[b.given];
  const nwA = firstLeft(a, true);
  const nwB = firstLeft(b, true);
  if ((gA && (nwB >= 0 || gB)) || (gB && (nwA >= 0 || gA))) {
    // The given names disagree: siblings, spouses, gender forms, near-miss spellings.
    const x = gA ? a.given : nwA;
    const y = gB ? b.given : nwB;
    const k = compareTokens(ta[x], tb[y]);
    // A family name written first on one record, last on the other, with a feminine-looking
    // ending: as the same family name in its place (Achari Ramesh Suresh / Ramesh Suresh Acharya).
    if (k === 'gender' && familyWritten(kinds, n, m, x, y, a.given, b.given) && !listedGender(ta[x], tb[y])) { v.cap = CAP.otherGender; v.bits |= BIT.GENDER_VARIANT; }
    else if (k === 'gender') { v.cap = CAP.givenGender; v.bits |= BIT.GIVEN_NAME_MISMATCH | BIT.GENDER_VARIANT; }
    else {
      v.bits |= BIT.GIVEN_NAME_MISMATCH;
      if (givenNear || k === 'vowel' || k === 'typo2' || editDistance(ta[x].key, tb[y].key) <= 1) v.cap = CAP.givenNear;
      else v.cap = CAP.givenOther + Math.round((12 * strong) / Math.max(n, m));
    }
    a.conflict = x;
    b.conflict = y;
  } else if (gA || gB) {
    // A title or a relation on either record may say a woman's (Smt Sunita Singh, Devi Singh W/O ...).
    const titled = A.honorific || B.honorific || A.relation || B.relation;
    const w = gA ? weakInGiven(a, b, titled) : weakInGiven(b, a, titled);
    if (w >= 0) {
      // As a given name against another (above): one letter apart is a near miss.
      const x = gA ? a.given : w;
      const y = gA ? w : b.given;
      v.cap = editDistance(ta[x].key, tb[y].key) <= 1 ? CAP.givenNear : CAP.givenOther + Math.round((12 * strong) / Math.max(n, m));
      v.bits |= BIT.GIVEN_NAME_MISMATCH;
      a.conflict = x;
      b.conflict = y;
    } else {
      v.cap = w === WEAK_TITLE ? CAP.singleOther : CAP.givenMissing;
      v.bits |= BIT.GIVEN_NAME_MISSING;
    }
  } else if (nwA >= 0 && nwB >= 0) {
    // Given names agree, another token disagrees: surname (married name? other family?) or middle.
    const k = compareTokens(ta[nwA], tb[nwB]);
    // A listed man's and woman's name is no inherent vowel of a father's or family name (Mary
    // Joseph / Mary Josephine: two women, their fathers' names last): as another name there.
    const listed = k === 'gender' && listedGender(ta[nwA], tb[nwB]);
    if (listed) v.bits |= BIT.GENDER_VARIANT;
    if (k === 'gender' && givenBetween(a, b, nwA, nwB)) { v.cap = CAP.givenGender; v.bits |= BIT.GIVEN_NAME_MISMATCH | BIT.GENDER_VARIANT; }
    // Not the feminine -ani, -ari, -ini, a woman's name there too (Shiv Shankar / Shiv Shankari,
    // Dev Narayan / Dev Narayani: Shivashankari is a Tamil woman's name); other -i's are as often
    // a man's name's own (Valmik / Valmiki, Sampat / Sampati, Marathi dropping the i).
    else if (k === 'gender' && !listed && !feminineNI(ta[nwA].raw, tb[nwB].raw)) { v.cap = CAP.otherGender; v.bits |= BIT.GENDER_VARIANT; }
    else if (!ta[nwA].init && !tb[nwB].init && ((nwA === n - 1 && !familyFirst(a, b)) || (nwB === m - 1 && !familyFirst(b, a)))) {
      v.cap = CAP.surnameConflict;
      v.bits |= BIT.SURNAME_MISMATCH;
    }
    else { v.cap = CAP.middleConflict; v.bits |= BIT.TOKEN_MISMATCH; }
    a.conflict = nwA;
    b.conflict = nwB;
  } else {
    const wa = firstLeft(a, false);
    const wb = firstLeft(b, false);
    if (wa >= 0 && wb >= 0) {
      // Only low-identity tokens disagree (DEVI / KUMARI, KUMAR / KUMARI).
      v.cap = CAP.weakConflict;
      v.bits |= compareTokens(ta[wa], tb[wb]) === 'gender' ? BIT.GENDER_VARIANT : BIT.TOKEN_MISMATCH;
      a.conflict = wa;
      b.conflict = wb;
    }
  }

  chargeMissing(a, b, v);
  chargeMissing(b, a, v);
  // A reading of a name with an alias that may have left out words of the name, or put words
  // of two names together (normalize.ts), holds only where it pairs every full word.
  if ((A.guess || B.guess) && (leftFull(a) || leftFull(b))) v.cap = Math.min(v.cap, CAP.aliasGuess);
  capSingle(a, b, v);
  capSingle(b, a, v);
  capInitialGiven(a, b, strong, v);
  capInitialGiven(b, a, strong, v);
  if (strong === 0) {
    // Only initials agree ("R K" / "RAVI KUMAR"): never enough.
    v.cap = Math.min(v.cap, CAP.initialsOnly);
    v.bits |= BIT.INITIALS | (initials > 0 ? BIT.AMBIGUOUS_INITIAL : 0);
  }
  if (relConflict) { v.cap = Math.min(v.cap, CAP.relationConflict); v.bits |= BIT.RELATION_MISMATCH; }

  const score = Math.max(0, Math.min(v.cap, 100 - v.pen, CAP.nonIdentical));
  return { score: Math.round(score), codes: codeList(v.bits) };
}
