// Aligning two parsed names and turning the alignment into a 0-100 score with reason codes.
//
// Calibration (default bands): 100 only when the names are the same after normalisation;
// 85-99 when every difference is one that records of one person show (spelling, initials for
// middle names, a dropped middle name, truncation, order); below 85 as soon as something
// could be another person: the given name known only by an initial, a single token against a
// full name, a missing given name, or a conflicting token. A conflict in the given name
// (siblings, spouses, gender forms, one letter apart) lands in POOR / NO.
import { compareTokens, editDistance, STRONG, WEIGHT, type Kind } from './compare.js';
import { makeToken, type ParsedName, type Tok } from './normalize.js';
import { canon } from './phonetic.js';

export type Code =
  | 'EMPTY' | 'EXACT' | 'DIFFERENT' | 'GIVEN_NAME_MISMATCH' | 'GENDER_VARIANT' | 'SURNAME_MISMATCH'
  | 'RELATION_MISMATCH' | 'TOKEN_MISMATCH' | 'GIVEN_NAME_MISSING' | 'SINGLE_TOKEN' | 'AMBIGUOUS_INITIAL'
  | 'MISSING_TOKEN' | 'TRUNCATED' | 'TYPO' | 'INITIALS' | 'TRANSLITERATION' | 'JOINED_TOKENS'
  | 'TOKEN_ORDER' | 'RELATION_REMOVED' | 'HONORIFIC_REMOVED';

/** Most important first: the order codes appear in a reason string. */
const PRIORITY: Code[] = [
  'EMPTY', 'DIFFERENT', 'GIVEN_NAME_MISMATCH', 'GENDER_VARIANT', 'SURNAME_MISMATCH', 'RELATION_MISMATCH',
  'TOKEN_MISMATCH', 'GIVEN_NAME_MISSING', 'SINGLE_TOKEN', 'AMBIGUOUS_INITIAL', 'MISSING_TOKEN',
  'TRUNCATED', 'TYPO', 'INITIALS', 'TRANSLITERATION', 'JOINED_TOKENS', 'TOKEN_ORDER', 'EXACT',
  'RELATION_REMOVED', 'HONORIFIC_REMOVED',
];

export interface Scored {
  score: number;
  codes: Code[];
}

// Penalties for differences that records of one person show.
const PEN = {
  translit: 2, translitMax: 6, vowel: 4, typo: 6, typo2: 8, prefix: 3, initial: 4, joined: 2, order: 4,
  ocrDigits: 5, missingInitial: 3, missingWeak: 3, missingMiddle: 7, missingLast: 11, truncatedTail: 4,
  fatherName: 8,
};
// Ceilings for situations where the evidence cannot reach "same person, high confidence".
const CAP = {
  nonIdentical: 99,
  twoInitials: 88, // "R K SHARMA" / "RAVI KUMAR SHARMA": two initials agree with the full name
  weakSingle: 80, // "SUNITA" / "SUNITA DEVI"
  ambiguousInitial: 75, // "A SHARMA" / "AMIT SHARMA"
  weakConflict: 78, // "SUNITA DEVI" / "SUNITA KUMARI"
  singleGiven: 70, // "JOHN" / "JOHN DOE"
  otherGender: 70,
  middleConflict: 65,
  givenMissing: 65, // "KUMAR SHARMA" / "AMIT KUMAR SHARMA"
  surnameConflict: 55,
  relationConflict: 55,
  singleOther: 50, // "SHARMA" / "AMIT SHARMA"
  initialsOnly: 50,
  givenGender: 42, // "SUNIL VERMA" / "SUNILA VERMA"
  givenNear: 38, // "RAJESH" / "RAMESH"
  givenOther: 20, // plus up to 12 for the rest agreeing (siblings, spouses)
  different: 25, // times character similarity, when nothing aligns
};

const MAX_TOKENS = 10;
const TRUNCATION_MIN_LENGTH = 18;

function finish(score: number, codes: Set<Code>): Scored {
  return { score, codes: PRIORITY.filter((c) => codes.has(c)) };
}

/** Join adjacent tokens of `xs` whose concatenation is a token of `ys` (Ram Kumar / Ramkumar). */
function mergeJoined(xs: Tok[], ys: Tok[]): { toks: Tok[]; merged: boolean } {
  const full = ys.filter((y) => !y.init);
  if (xs.length < 2 || full.length === 0) return { toks: xs, merged: false };
  const out: Tok[] = [];
  let merged = false;
  for (let i = 0; i < xs.length; i++) {
    let done = false;
    for (const n of [3, 2]) {
      if (i + n > xs.length) continue;
      const part = xs.slice(i, i + n);
      if (part.some((t) => t.init)) continue;
      const raw = part.map((t) => t.raw).join('');
      const key = canon(raw);
      if (full.some((y) => y.raw === raw || y.key === key)) {
        out.push({ ...makeToken(raw), joined: true });
        i += n - 1;
        merged = done = true;
        break;
      }
    }
    if (!done) out.push(xs[i]);
  }
  return { toks: out, merged };
}

/**
 * The given name's position: the first full token, skipping low-identity tokens and, when
 * the record is written surname-first ("SHARMA AMIT"), a known family name.
 */
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
  if (weak >= 0) return weak;
  return -1; // initials only
}

/** Optimal one-to-one pairing of tokens (bitmask DP; names have few tokens). */
function assign(kinds: Kind[][], n: number, m: number): Int8Array {
  const size = 1 << m;
  let dp = new Float64Array(size).fill(-1);
  dp[0] = 0;
  const choices: Int8Array[] = [];
  for (let i = 0; i < n; i++) {
    const nd = new Float64Array(size).fill(-1);
    const ch = new Int8Array(size).fill(-2);
    const row = kinds[i];
    for (let mask = 0; mask < size; mask++) {
      const v = dp[mask];
      if (v < 0) continue;
      if (v > nd[mask]) { nd[mask] = v; ch[mask] = -1; }
      for (let j = 0; j < m; j++) {
        if (mask & (1 << j)) continue;
        const w = WEIGHT[row[j]];
        if (w <= 0) continue;
        // A whisker of preference for keeping positions: breaks ties between equal tokens.
        const nv = v + w + 1e-4 * (1 - Math.abs(i / n - j / m));
        const nm = mask | (1 << j);
        if (nv > nd[nm]) { nd[nm] = nv; ch[nm] = j; }
      }
    }
    choices.push(ch);
    dp = nd;
  }
  let best = 0;
  for (let mask = 1; mask < size; mask++) if (dp[mask] > dp[best]) best = mask;
  const match = new Int8Array(n).fill(-1);
  let mask = best;
  for (let i = n - 1; i >= 0; i--) {
    const j = choices[i][mask];
    if (j >= 0) { match[i] = j; mask ^= 1 << j; }
  }
  return match;
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

interface Side {
  toks: Tok[];
  trunc: boolean;
  given: number;
  match: Int8Array; // index of the paired token on the other side, or -1
  kind: Kind[]; // kind of that pairing
  left: boolean[]; // unpaired and not explained by the other side's relation tail
}

export function scoreParsed(A: ParsedName, B: ParsedName): Scored {
  const codes = new Set<Code>();
  if (A.honorific || B.honorific) codes.add('HONORIFIC_REMOVED');
  if (A.relation || B.relation) codes.add('RELATION_REMOVED');
  const ocr = A.ocr || B.ocr;
  const textA = A.tokens.map((t) => t.raw);
  const textB = B.tokens.map((t) => t.raw);
  let relationConflict = false;
  if (A.extra.length > 0 && B.extra.length > 0) {
    // Both records name a father/husband: two different ones mean two people.
    relationConflict = !A.extra.some((x) => B.extra.some((y) => STRONG[compareTokens(x, y)] || compareTokens(x, y) === 'initial'));
  }
  if (!ocr && !relationConflict) {
    if (textA.join(' ') === textB.join(' ')) return finish(100, codes.add('EXACT'));
    // Spacing only (RAMKUMAR / RAM KUMAR, R K / RK): the same name, certain.
    if (textA.join('') === textB.join('')) return finish(100, codes.add('JOINED_TOKENS'));
  }

  const ja = mergeJoined(A.tokens, B.tokens);
  const jb = mergeJoined(B.tokens, ja.toks);
  if (ja.merged || jb.merged) codes.add('JOINED_TOKENS');
  const ta = ja.toks.slice(0, MAX_TOKENS);
  const tb = jb.toks.slice(0, MAX_TOKENS);
  const lenA = ta.reduce((s, t) => s + t.raw.length, 0);
  const lenB = tb.reduce((s, t) => s + t.raw.length, 0);
  // Core banking truncates long names: only the shorter, long-enough, unmarked record can be cut.
  const truncA = !A.relation && A.storedLength >= TRUNCATION_MIN_LENGTH && lenA < lenB;
  const truncB = !B.relation && B.storedLength >= TRUNCATION_MIN_LENGTH && lenB < lenA;

  const n = ta.length;
  const m = tb.length;
  const kinds: Kind[][] = [];
  for (let i = 0; i < n; i++) {
    const row: Kind[] = [];
    for (let j = 0; j < m; j++) row.push(compareTokens(ta[i], tb[j], truncA && i === n - 1, truncB && j === m - 1));
    kinds.push(row);
  }
  const matchA = assign(kinds, n, m);
  const a: Side = { toks: ta, trunc: truncA, given: givenIndex(ta), match: matchA, kind: [], left: [] };
  const b: Side = { toks: tb, trunc: truncB, given: givenIndex(tb), match: new Int8Array(m).fill(-1), kind: [], left: [] };
  a.kind = Array.from(matchA, (j, i) => (j >= 0 ? kinds[i][j] : 'none'));
  b.kind = new Array<Kind>(m).fill('none');
  for (let i = 0; i < n; i++) if (matchA[i] >= 0) { b.match[matchA[i]] = i; b.kind[matchA[i]] = a.kind[i]; }

  // A given name may differ from the other by a vowel or a late slip only if that is a
  // spelling, and for given names it usually is not (Kamal / Komal, Baljinder / Balwinder).
  let givenNear = false;
  for (let i = 0; i < n; i++) {
    const j = a.match[i];
    if (j < 0) continue;
    const k = a.kind[i];
    if ((k === 'vowel' || k === 'typo2') && (i === a.given || j === b.given)) {
      a.match[i] = -1; b.match[j] = -1; a.kind[i] = 'none'; b.kind[j] = 'none';
      givenNear = true;
    }
  }

  let strong = 0;
  let initials = 0;
  let initSame = 0;
  let translit = 0;
  let pen = ocr ? PEN.ocrDigits : 0;
  if (ocr) codes.add('TYPO');
  if (ja.merged || jb.merged) pen += PEN.joined;
  for (let i = 0; i < n; i++) {
    if (a.match[i] < 0) continue;
    switch (a.kind[i]) {
      case 'exact': strong++; break;
      case 'translit': strong++; translit++; codes.add('TRANSLITERATION'); break;
      case 'vowel': strong++; pen += PEN.vowel; codes.add('TRANSLITERATION'); break;
      case 'typo': strong++; pen += PEN.typo; codes.add('TYPO'); break;
      case 'typo2': strong++; pen += PEN.typo2; codes.add('TYPO'); break;
      case 'prefix': strong++; pen += PEN.prefix; codes.add('TRUNCATED'); break;
      case 'initial': initials++; pen += PEN.initial; codes.add('INITIALS'); break;
      case 'init_same': initSame++; break;
      default: break;
    }
  }
  pen += Math.min(PEN.translitMax, translit * PEN.translit);
  if (strong + initials + initSame === 0) {
    const ka = ta.map((t) => t.key).join('');
    const kb = tb.map((t) => t.key).join('');
    codes.add('DIFFERENT');
    return finish(Math.round(CAP.different * bigramDice(ka, kb)), codes);
  }

  // Order: pairs read left to right on one side should read left to right on the other.
  let lastJ = -1;
  for (let i = 0; i < n; i++) {
    const j = a.match[i];
    if (j < 0) continue;
    if (j < lastJ) { pen += PEN.order; codes.add('TOKEN_ORDER'); break; }
    lastJ = j;
  }

  // Unpaired tokens explained by the other record's relation tail: "RAJU S/O VENKAIAH" against
  // "RAJU VENKAIAH" is the Telugu given-name-plus-father's-name convention.
  let explained = 0;
  const explain = (side: Side, other: ParsedName): void => {
    side.left = side.toks.map((t, i) => {
      if (side.match[i] >= 0) return false;
      if (strong > 0 && other.extra.some((e) => { const k = compareTokens(e, t); return STRONG[k] || k === 'init_same'; })) {
        explained++;
        return false;
      }
      return true;
    });
  };
  explain(a, B);
  explain(b, A);
  if (explained > 0) pen += PEN.fatherName;

  let cap: number = CAP.nonIdentical;
  const leftIdx = (s: Side) => s.toks.map((_, i) => i).filter((i) => s.left[i]);
  const LA = leftIdx(a);
  const LB = leftIdx(b);
  const nonWeak = (s: Side) => (i: number) => !s.toks[i].weak;
  const LAnw = LA.filter(nonWeak(a));
  const LBnw = LB.filter(nonWeak(b));
  const consumed = new Set<string>(); // "a3" / "b1": tokens accounted for by a conflict
  const gA = a.given >= 0 && a.left[a.given];
  const gB = b.given >= 0 && b.left[b.given];

  if ((gA && LBnw.length > 0) || (gB && LAnw.length > 0)) {
    // The given names disagree: siblings, spouses, gender forms, near-miss spellings.
    const x = gA ? a.given : LAnw[0];
    const y = gB ? b.given : LBnw[0];
    const tx = ta[x];
    const ty = tb[y];
    const k = compareTokens(tx, ty);
    codes.add('GIVEN_NAME_MISMATCH');
    if (k === 'gender') { cap = CAP.givenGender; codes.add('GENDER_VARIANT'); }
    else if (givenNear || k === 'vowel' || k === 'typo2' || editDistance(tx.key, ty.key) <= 1) cap = CAP.givenNear;
    else cap = CAP.givenOther + Math.round(12 * strong / Math.max(n, m));
    consumed.add('a' + x).add('b' + y);
  } else if (gA || gB) {
    cap = CAP.givenMissing;
    codes.add('GIVEN_NAME_MISSING');
  } else if (LAnw.length > 0 && LBnw.length > 0) {
    // Given names agree, another token disagrees: surname (married name? other family?) or middle.
    const x = LAnw[0];
    const y = LBnw[0];
    const k = compareTokens(ta[x], tb[y]);
    if (k === 'gender') { cap = CAP.otherGender; codes.add('GENDER_VARIANT'); }
    else if (!ta[x].init && !tb[y].init && (x === n - 1 || y === m - 1)) { cap = CAP.surnameConflict; codes.add('SURNAME_MISMATCH'); }
    else { cap = CAP.middleConflict; codes.add('TOKEN_MISMATCH'); }
    consumed.add('a' + x).add('b' + y);
  } else if (LA.length > 0 && LB.length > 0) {
    // Only low-identity tokens disagree (DEVI / KUMARI, KUMAR / KUMARI).
    const k = compareTokens(ta[LA[0]], tb[LB[0]]);
    cap = CAP.weakConflict;
    codes.add(k === 'gender' ? 'GENDER_VARIANT' : 'TOKEN_MISMATCH');
    consumed.add('a' + LA[0]).add('b' + LB[0]);
  }

  // Tokens one record has and the other lacks.
  const missing = (s: Side, other: Side, tag: string): void => {
    const idx = leftIdx(s).filter((i) => !consumed.has(tag + i));
    if (idx.length === 0) return;
    let lastMatched = -1;
    s.toks.forEach((_, i) => { if (s.match[i] >= 0) lastMatched = i; });
    // Trailing tokens the other (shorter, long) record would have lost to truncation.
    const truncated = other.trunc && idx.every((i) => i > lastMatched) &&
      other.match.every((j) => j >= 0);
    for (const i of idx) {
      const t = s.toks[i];
      if (truncated) { pen += PEN.truncatedTail; codes.add('TRUNCATED'); continue; }
      codes.add('MISSING_TOKEN');
      if (t.init) pen += PEN.missingInitial;
      else if (t.weak) pen += PEN.missingWeak;
      else if (i === s.toks.length - 1) pen += PEN.missingLast;
      else pen += PEN.missingMiddle;
    }
  };
  missing(a, b, 'a');
  missing(b, a, 'b');

  // One token against a full name: "JOHN" / "JOHN DOE" (Cashfree scores it 85; we do not
  // accept it, since the missing token may be what tells two relatives apart).
  const single = (s: Side, o: Side): void => {
    if (s.toks.length !== 1 || o.toks.length < 2 || s.match[0] < 0) return;
    const oLeft = leftIdx(o);
    if (oLeft.length === 0) return; // the rest is explained (relation tail, joins)
    codes.add('SINGLE_TOKEN');
    if (s.match[0] === o.given) cap = Math.min(cap, oLeft.every((i) => o.toks[i].weak || o.toks[i].init) ? CAP.weakSingle : CAP.singleGiven);
    else cap = Math.min(cap, CAP.singleOther);
  };
  single(a, b);
  single(b, a);

  // The given name known only by an initial: "A SHARMA" could be Amit or Anil.
  const initialGiven = (s: Side, o: Side): void => {
    if (s.given < 0 || s.match[s.given] < 0 || s.kind[s.given] !== 'initial') return;
    const onOther = o.kind.filter((k, j) => k === 'initial' && o.toks[j].init).length;
    if (onOther >= 2 && strong >= 1) cap = Math.min(cap, CAP.twoInitials);
    else { cap = Math.min(cap, CAP.ambiguousInitial); codes.add('AMBIGUOUS_INITIAL'); }
  };
  initialGiven(a, b);
  initialGiven(b, a);
  if (strong === 0) { cap = Math.min(cap, CAP.initialsOnly); codes.add('AMBIGUOUS_INITIAL'); }
  if (relationConflict) { cap = Math.min(cap, CAP.relationConflict); codes.add('RELATION_MISMATCH'); }

  const score = Math.max(0, Math.min(cap, 100 - pen, CAP.nonIdentical));
  return finish(Math.round(score), codes);
}
