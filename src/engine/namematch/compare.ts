// How two single tokens relate. The answer is a kind, not just a number, because the same
// surface similarity means different things: "SUNIL"/"SUNILA" is one letter apart like an
// OCR slip, but it is another person.
import { makeToken, type Tok } from './normalize.js';
import { attested, knownName } from './attested.js';
import { BHAI_BEN_END, canon, KUMAR_END, nasalKey, skeleton, SURNAME_KEYS } from './phonetic.js';
import { GENDER_PAIRS, ONE_NAME } from './lexicon.js';
import { LONG_A_NAMES, O_NAMES } from './o-names-data.js';
import { VOWEL_APART } from './vowel-apart-data.js';
import type { Spellings } from './script.js';

export type Kind =
  | 'none'
  | 'exact' // same letters
  | 'translit' // same canonical key (Mohd / Mohammed, Laxmi / Lakshmi)
  | 'typo' // one OCR-like slip (I/L, O/D, rn/m) or a transposition
  | 'typo2' // one arbitrary slip late in a long token: fine in a surname, not in a given name
  | 'vowel' // same consonants, vowels spelled differently (Mondal / Mandal)
  | 'prefix' // a truncated record's last token is the start of the other
  | 'initial' // an initial and a full token starting with it
  | 'init_same' // the same initial on both sides
  | 'gender' // masculine / feminine forms of one name (Sunil / Sunila)
  | 'suffix' // the Tamil -an on a name (Gopal / Gopalan, Kumar / Kumaran): often one name, not always
  | 'regional'; // Bengali o for a (Ratan / Raton, Roy / Ray), Tamil voicing inside a word (Sampath / Sambath)

/** Assignment weight: higher is a more certain correspondence; 0 never pairs. */
export const WEIGHT: Record<Kind, number> = {
  none: 0, gender: 0,
  exact: 1, translit: 0.96, init_same: 0.9, regional: 0.88, typo: 0.86, prefix: 0.85, suffix: 0.84, typo2: 0.82, vowel: 0.8, initial: 0.5,
};

/** Kinds where two full tokens are taken to be the same word. */
export const STRONG: Record<Kind, boolean> = {
  none: false, gender: false, initial: false, init_same: false,
  exact: true, translit: true, typo: true, typo2: true, vowel: true, prefix: true, suffix: true, regional: true,
};

// Glyphs that scanners confuse (upper case, and lower-case l read as I). Pairs whose swap
// makes another common name are left out on purpose: M/N (Sumita / Sunita), L/T (Nilesh /
// Nitesh), R/V and R/B (Sarita / Savita / Sabita).
// Each pair is stored in alphabetical order, as `confusable` looks it up (OD and OC were written
// the other way round, and never matched).
const CONFUSABLE = new Set(
  ['IL', 'IJ', 'IT', 'OD', 'OQ', 'OC', 'CG', 'GQ', 'EF', 'FP', 'UV', 'VY', 'KX', 'MW', 'CE'].map((p) => [...p].sort().join('')),
);
function confusable(a: string, b: string): boolean {
  return CONFUSABLE.has(a < b ? a + b : b + a);
}
const VOWELS = 'AEIOU';

/** A spelling with its oo written o. */
function ooAsO(s: string): string {
  return s.replace(/OO+/g, 'O');
}

/** Multi-letter OCR confusions: rn or nn read as m (and m as either), cl as d, vv as w. */
function ocrFold(s: string): string {
  return s.replace(/[RN]N/g, 'M').replace(/CL/g, 'D').replace(/VV/g, 'W');
}
function ocrEqual(a: string, b: string): boolean {
  return a !== b && ocrFold(a) === ocrFold(b);
}

const FINAL_LOOKALIKE: Record<string, string> = { I: 'L', U: 'V', E: 'C', O: 'D' };
/**
 * One look-alike glyph for another, after the first letter, in a token of six letters or more
 * (shorter ones one glyph apart are often two names: Barai / Baral, Javed / Jayed).
 */
function glyphSlip(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 6) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  if (i < 1 || i >= a.length || a.slice(i + 1) !== b.slice(i + 1) || !confusable(a[i], b[i])) return false;
  // A final vowel for a consonant makes the feminine (Jayant / Jayani), but for the glyph that
  // looks like it: l for i, v for u, c for e, d for o (Anjali / Anjall, Mahato / Mahatd).
  if (i < a.length - 1 || VOWELS.includes(a[i]) === VOWELS.includes(b[i])) return true;
  const [v, c] = VOWELS.includes(a[i]) ? [a[i], b[i]] : [b[i], a[i]];
  return FINAL_LOOKALIKE[v] === c;
}

/**
 * One slip between a and b? Returns 'typo' for OCR-like slips, 'typo2' for an arbitrary
 * single edit late in a long token, or null. Slips in the first letters are never typos:
 * that is where Indian given names differ (Narendra / Nagendra, Jitendra / Hitendra).
 */
export function typoKind(a: string, b: string, glyphs = true): 'typo' | 'typo2' | null {
  if (a === b) return null;
  if (glyphs && ocrEqual(a, b)) return 'typo';
  const la = a.length;
  const lb = b.length;
  if (la === lb) {
    let i = 0;
    while (a[i] === b[i]) i++;
    if (i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)) {
      if (la < 5 || i < 1) return null;
      // A vowel swapped at the end moves the inherent a there, which in a given name makes the
      // feminine or another name (Ratan / Ratna, Sharad / Sharda, Manuj / Manju, Kanai / Kania):
      // a slip the given-name rules refuse, a spelling elsewhere (Ratan / Ratna as a family name).
      return i + 2 === la && (VOWELS.includes(a[i]) || VOWELS.includes(a[i + 1])) ? 'typo2' : 'typo'; // transposition
    }
    if (a.slice(i + 1) !== b.slice(i + 1)) return null;
    // c for e is the commonest slip of scanned capitals, taken in five letters too; a look-alike
    // in six letters or more is read before the keys (glyphSlip, in compareTokens).
    if (glyphs && i >= 1 && la === 5 && (a[i] + b[i] === 'CE' || a[i] + b[i] === 'EC')) return 'typo';
    if (la >= 8 && i >= 3) return 'typo2';
    return null;
  }
  if (Math.abs(la - lb) !== 1) return null;
  const [s, l] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  if (s.slice(i) !== l.slice(i + 1)) return null;
  // Not a vowel put after the end: that is a feminine (Kiranmay / Kiranmayi, Rajkumari).
  // In eight letters or more, a letter dropped from the first syllable's end too (Surendran /
  // Suendran, Karthikeyan / Kathikeyan).
  if (s.length >= 7 && (i >= 3 || (i === 2 && s.length >= 8))) return VOWELS.includes(l[i]) ? (i === s.length ? null : 'typo') : 'typo2';
  return null;
}

/**
 * Suffix relations between two keys sharing a stem: masculine/feminine pairs
 * (Sunil/Sunila, Nandan/Nandini, Ramesh/Rameshwari, Deepak/Deepika, Vijay/Vijaya) are
 * 'gender'; the Sanskrit final -a and the Tamil -an (Gopal/Gopala/Gopalan,
 * Krishna/Krishnan) are 'translit'.
 */
export function suffixKind(x: string, y: string): 'gender' | 'translit' | 'suffix' | null {
  const [s, l] = x.length <= y.length ? [x, y] : [y, x];
  let p = 0;
  while (p < s.length && s[p] === l[p]) p++;
  if (p < 3) return null;
  const rs = s.slice(p);
  const rl = l.slice(p);
  if (rs === '') {
    if (rl === 'I' || rl === 'INI' || rl === 'BARI') return 'gender';
    if (rl === 'A') {
      // Feminine -a after a vowel and l/t/n/m/p/d in a short name (Sunila, Kamala, Amita,
      // Praveena, Aruna, Prema, Deepa, Sharada); otherwise the inherent vowel of a masculine
      // name: after v/s/k/r or a consonant cluster (Raghava, Srinivasa, Ashoka, Kumara,
      // Ananda, Prashanta), the -pala / -lala names (Gopala), and long Sanskrit names
      // (Narayana, Satyanarayana, Janardana). When in doubt this says 'gender' (a wrong
      // refusal costs a review, a wrong accept costs more); the key has lost a doubled final
      // consonant (Aniruddh / Aniruddha), which compareTokens reads on the letters as written.
      if (s.length < 7 && /[AEIOU][LTNMPD]$/.test(s) && !/(?:PAL|LAL)$/.test(s)) return 'gender';
      // After i or u and one consonant, the -a is the feminine too (Manish / Manisha, Ritik /
      // Ritika, Anuj / Anuja, Sameer / Sameera, Tahir / Tahira): the Indian Names Corpus lists
      // both forms of some 60 such names. Kannada writes some masculine names so (Girisha,
      // Sudheera): those are listed as one name (ONE_NAME). Not after v, where the -a is the
      // masculine's (Shiv / Shiva, Sanjeev / Sanjeeva, Dhruv / Dhruva).
      if (s.length < 8 && /[IU](?:SH|[KJRZFQS])$/.test(s)) return 'gender';
      return 'translit';
    }
    // A long name in -a with the Tamil -n is that name (Gopalakrishna / Gopalakrishnan,
    // Nityananda / Nithyanandhan): the names it makes another of are short, but for the
    // Malayalam feminine -ala against the masculine -alan (Sreevalsala / Sreevalsalan; not the
    // -pala and -lala of Gopala).
    if (rl === 'N' && s.endsWith('A') && s.length >= 10 && !/(?<![PL])ALA$/.test(s)) return 'translit';
    // Tamil -an: Gopal / Gopalan, Krishna / Krishnan. Not certain (Kumar / Kumaran, Shobha /
    // Shobhan, Farha / Farhan are other people), so it is a kind of its own.
    if (s.length >= 4 && (rl === 'AN' || (rl === 'N' && s.endsWith('A')))) return 'suffix';
    // The Bengali and Assamese inherent o written after a final consonant: Prem / Premo, Harsh /
    // Harsho. Feminine forms end in a or i, never in o.
    if (rl === 'O' && !VOWELS.includes(s[s.length - 1])) return 'translit';
    return null;
  }
  if ((rs === 'AN' && rl === 'INI') || (rs === 'AK' && rl === 'IKA') || (rs === 'I' && rl === 'YA')) return 'gender';
  return null;
}

/**
 * The -aya of a long masculine name, its final a written or not: Dattatray / Dattatraya, Devaray
 * / Devaraya, Jyotirmay / Jyotirmaya. As written (-ay against -aya), not on the keys, which read
 * the Tamil -aiah and the Hindi -dai the same way (Karuppai / Karuppaiah, Bhagwandai). Not where
 * the name ends in a name whose -aya is the feminine (Vijay / Vijaya, Vinay, Abhinay, Akshay,
 * Abhay, Jay), whatever comes before it (Sreevijay / Sreevijaya); the -njay of Dhananjay and
 * Mrityunjay (the conqueror) is a man's.
 */
function masculineAya(a: string, b: string): boolean {
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  return s.length >= 7 && l === s + 'A' && /[^AEIOUY]AY$/.test(s) && !/(?:VIJ|IN|KSH|BH|[^N]J)AY$/.test(s);
}

const finalOyAy = (raw: string) => (raw.endsWith('OY') ? `${raw.slice(0, -2)}AY` : raw);

/**
 * The final a that Kannada spellings write on a joined -kumar (Shivakumara / Shivakumar,
 * Ravikumara): a man's name, the woman's is -kumari. Not in the keys, which take the -kumar off:
 * a -kumara taken off too would lose the Malayalam -kumaran its -an (Chandrakumara /
 * Chandrakumaran).
 */
function kumarA(a: string, b: string): boolean {
  const s = withoutA(a, b);
  return s !== null && s.length >= 8 && KUMAR_END.test(s);
}

/** The shorter word where the other is it with an a put after it (no strings made), else null. */
function withoutA(a: string, b: string): string | null {
  const s = a.length < b.length ? a : b;
  const l = a.length < b.length ? b : a;
  return l.length === s.length + 1 && l.charCodeAt(s.length) === 65 /* A */ && l.startsWith(s) ? s : null;
}

/**
 * The -eya of a long masculine name, its final a written or not: Kartikey / Kartikeya, Dattatrey /
 * Dattatreya, Markandey / Markandeya. The keys read a final -ey as the e of Pandey, so no suffix
 * rule meets the -eya. Seven letters or more before the a, and not -shreya: Shrey / Shreya and
 * Anushrey / Anushreya are a man's and a woman's name.
 */
function eyA(a: string, b: string): boolean {
  const s = withoutA(a, b);
  return s !== null && s.length >= 7 && /[^AEIOUY]EY$/.test(s) && !/SH?REY$/.test(s);
}

/**
 * The -natha of names ending in nātha, lord (Trinath / Trinatha, Somnath / Somnatha), as Odia,
 * Kannada and Telugu spellings write it: a man's name. The keys read it as the -at of Amit, whose
 * -a makes the feminine; so does Vinata's.
 */
function nathA(a: string, b: string): boolean {
  const s = withoutA(a, b);
  // A name of three letters or more before it: Vinath / Vinatha is Vinata, a woman's name.
  return s !== null && s.length >= 7 && /NA+TH$/.test(s);
}

/**
 * The -rama of names ending in Rāma (Jayaram / Jayarama, Sitaram / Sitarama, Sriram / Srirama), as
 * Kannada and Telugu spellings write it: a man's name. The keys read Jayaram as Jairam, short
 * enough for its -a to be the feminine's. Not after a shorter stem: Param / Parama, Rama.
 */
function ramA(a: string, b: string): boolean {
  const s = withoutA(a, b);
  return s !== null && s.length >= 6 && s.endsWith('RAM');
}

/**
 * The final a of Narayana (Narayan / Narayana, Narain / Narayana, Satyanarayan / Satyanarayana), as
 * southern, Odia and Bengali spellings write it: a man's name, the woman's is Narayani. The keys
 * read Narayan as Narain, short enough for its -a to be the feminine's. Asked where the keys
 * differ by that a only. Narayana alone: other names in -ayan are a man's, their -ayana a woman's
 * (Nayan / Nayana, Sunayan / Sunayana).
 */
const NARAYANA = /NA+RA+YANA$/;
function ayanA(a: string, b: string): boolean {
  return NARAYANA.test(a) || NARAYANA.test(b);
}

/**
 * The inherent a after a doubled consonant at the end, written or not: Aniruddh / Aniruddha,
 * Prabuddh / Prabuddha. Hindi drops it in speech; the feminine -a that makes another name
 * (Kamal / Kamala, Prem / Prema) follows a single consonant.
 */
function geminateA(a: string, b: string): boolean {
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  // Also where only the -a word writes it doubled (Anirudh / Aniruddha, Praful / Prafulla), in
  // longer names; not -mma nor -yya, which are a woman's (Sadamma, Sumayya).
  return (l === s + 'A' && /([^AEIOUH])\1H?$/.test(s)) || (l.length >= 7 && /([^AEIOUHMY])\1H?A$/.test(l));
}

/**
 * The feminine -a or -ya after a name's final i, as written (Ali / Alia, Sami / Samia, Sofi /
 * Sofiya); the key reads a final y as i too, but the -a after it is the inherent vowel of a
 * masculine (Satya / Saty, Chaitanya / Chaitany).
 */
function feminineIA(a: string, b: string): boolean {
  // Spelled otherwise as the keys read it: a long i written ee, a doubled consonant, an aspirate's
  // h, b for v, j for z (Rabee / Rabia, Raffi / Rafia, Ravi / Rabia, Shaji / Shazia).
  const [s, l] = [plainI(a), plainI(b)].sort((x, y) => x.length - y.length);
  return s.endsWith('I') && l.startsWith(s) && (l.length === s.length + 1 ? l.endsWith('A') : l.slice(s.length) === 'YA');
}
const plainI = (r: string) =>
  r.replace(/EE/g, 'I').replace(/([BCDGJKPST])H/g, '$1').replace(/[VW]/g, 'B').replace(/Z/g, 'J').replace(/([^AEIOU])\1/g, '$1');

/**
 * A name in -i against the same in -ya, as written but for what feminineIA folds: the feminine
 * against the masculine or another name (Aditi / Aditya, Adithi / Aditya, Vidhi / Vidya, Nami /
 * Namya), which the keys read as -i against -ia.
 */
function iAgainstYa(a: string, b: string): boolean {
  const [s, l] = [plainI(a), plainI(b)].sort((x, y) => x.length - y.length);
  return s.length >= 4 && s.endsWith('I') && l === `${s.slice(0, -1)}YA` && !VOWELS.includes(s[s.length - 2]);
}

/**
 * The Arabic and Sanskrit feminine -a after a b, z or j as written, which the keys read with
 * v and the masculine's -a (Habib / Habiba, Mehboob / Mehbooba, Firoz / Firoza, Saroj / Saroja,
 * Pankaj / Pankaja). Not Bengal's Shib / Shiba (Shiv / Shiva), nor the -raj of a king, its a
 * written long too (Yuvraj / Yuvraja, Nataraj / Nataraaja).
 */
// With ee, oo, a doubled consonant and j for z as the keys read them (Firoj / Firoza); not v for
// b (Sanjeev / Sanjeeva is the masculine's -a).
const plainBZJ = (r: string) => r.replace(/EE/g, 'I').replace(/OO/g, 'U').replace(/Z/g, 'J').replace(/([^AEIOU])\1/g, '$1');
function feminineBZJ(a: string, b: string): boolean {
  const [s, l] = [plainBZJ(a), plainBZJ(b)].sort((x, y) => x.length - y.length);
  return l === s + 'A' && /[IU]B$|O[JZ]$|[AO]J$/.test(s) && !/^SHIB$|RA+J$/.test(s);
}

/**
 * The inherent vowel written or not inside a name: Kamla / Kamala, Mamta / Mamata,
 * Ramchandra / Ramachandra. One A between two consonants, not at either end.
 */
function schwaVariant(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) !== 1) return false;
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  let p = 0;
  while (p < s.length && s[p] === l[p]) p++;
  if (l[p] !== 'A' || p < 2 || p > l.length - 2) return false;
  if (VOWELS.includes(l[p - 1]) || VOWELS.includes(l[p + 1])) return false;
  return s.slice(p) === l.slice(p + 1);
}

/**
 * The two places Hindi drops the inherent a, both at once in one long name: Devadatt /
 * Devdatta, Paramartha / Parmarth, Balarama / Balram. A final a on one side and an inner one on
 * the other, the shorter six letters or more (compareTokens).
 */
function schwaAndFinal(a: string, b: string): boolean {
  if (a.endsWith('A') === b.endsWith('A')) return false;
  const [s, o] = a.endsWith('A') ? [a.slice(0, -1), b] : [b.slice(0, -1), a];
  return s.length >= 6 && !VOWELS.includes(s[s.length - 1]) && schwaVariant(s, o);
}

/** Vowels written with the near ones folded: a long a as a, e and ee as i, o and oo as u. */
export const nearVowel = (v: string) => v.replace(/AA/g, 'A').replace(/EE|II|E/g, 'I').replace(/OO|UU|O/g, 'U');

/**
 * Same consonants in the same order, vowels spelled a little differently (Mondal / Mandal,
 * Rehman / Rahman). Short tokens only when the one vowel that differs is the first syllable's
 * (Dutta / Datta, Mallick / Mullick: the Bengali a written u), or a later one near it (below):
 * Patil / Patel, Gupta / Gupte differ later and are different families, not spellings. A given
 * name is held to more (score.ts, givenVowel), where Kamal / Komal are two names.
 */
function vowelVariant(a: string, b: string): boolean {
  const len = Math.min(a.length, b.length);
  // A long Tamil name may start with e or i (Elangovan / Ilangovan, Elamparithi); other first
  // vowels make other names (Asha / Usha, Amar / Omar).
  if ((a[0] !== b[0] && !(len >= 8 && 'EI'.includes(a[0]) && 'EI'.includes(b[0]))) || len < 4) return false;
  if (skeleton(a) !== skeleton(b)) return false;
  if (len >= 6) return editDistance(a, b) <= (len >= 8 ? 2 : 1);
  if (a.length !== b.length || VOWELS.includes(a[0])) return false;
  let i = 1;
  while (a[i] === b[i]) i++;
  // The first vowel, right after the first consonant (or two), and nothing else differs.
  if (i <= 2 && VOWELS.includes(a[i]) && VOWELS.includes(b[i]) && !VOWELS.includes(a[i + 1]) && a.slice(i + 1) === b.slice(i + 1)) return true;
  // Or a later vowel between consonants, e for i or o for u, not at the end (Hashem / Hashim,
  // Taleb / Talib, Monoj / Monuj as Bengali spells them; not Karam / Karim, Salam / Salim), nor
  // in a known family name (Patel / Patil are two families).
  return i >= 2 && i < a.length - 1 && VOWELS.includes(a[i]) && nearVowel(a[i]) === nearVowel(b[i]) && !VOWELS.includes(a[i - 1]) && !VOWELS.includes(a[i + 1]) &&
    a.slice(i + 1) === b.slice(i + 1) && !SURNAME_KEYS.has(a) && !SURNAME_KEYS.has(b);
}

/**
 * The z of Arabic and Persian names as Kerala and Tamil spellings write it, s, at the end of the
 * name or beside a consonant (Riyaz / Riyas, Afzal / Afsal, Hamza / Hamsa). Not between vowels,
 * where s and z make other names (Nasir / Nazir, Asad / Azad, Nasim / Nazim, Azzam / Asam), nor
 * after n (Manzoor / Mansoor, Anzar / Ansar), nor a first letter (Sameer / Zameer), nor the
 * Tamil zh.
 */
const zAsS = (raw: string) => raw.replace(/ZZ/g, 'Z').replace(/(?<=[^AEIOUN])Z(?!H)|(?<=[AEIOU])Z(?=$|[^AEIOUYH])/g, 'S');

/**
 * Tamil and Malayalam spellings write one letter's sound as th or dh, and a d between vowels or
 * at the end as th (Sudha / Sutha, Majeed / Majeeth, Sadik / Sathik, Sridar / Srithar). Only
 * these written forms: a bare t / d in a short name is left apart (Atithi / Adithi), and so is a
 * d after a consonant (Anand / Ananth are two names).
 */
function thdh(raw: string): string {
  return raw.replace(/DH/g, 'TH').replace(/(?<=[AEIOU])D(?=[AEIOU]|$)/g, 'TH');
}
/**
 * Whether two tokens are one with thdh read and the rest of the word varying as the keys allow
 * (Binod / Beenoth, Hameed / Hamith, Badal / Baathal): the th kept apart from t by a mark the
 * keys leave alone, so that a t stays a t (Atithi / Adithi), and the same consonants doubled,
 * as a doubling beside it is more often another name (Sannidhi / Sanithi).
 */
function thdhEqual(a: string, b: string): boolean {
  const ta = thdh(a);
  const tb = thdh(b);
  if (ta === tb) return true;
  return doubled(ta) === doubled(tb) && canon(thMarked(a, ta)) === canon(thMarked(b, tb));
}
// The first letter as written, so that an initial dh stays an aspirate the keys drop (Didar /
// Dhithar), and every later th marked.
const thMarked = (raw: string, folded: string) => raw[0] + folded.slice(1).replace(/TH/g, '@');
const doubled = (raw: string) => (raw.match(/([^AEIOU])\1/g) ?? []).join('');

/**
 * Tamil script writes the ksh of Sanskrit names as the letters of tch (Meenatchi / Meenakshi,
 * Kamatchi / Kamakshi), with a u before m (Latchumi / Lakshmi, Latchumanan / Lakshmanan). The
 * same letters also stand for cch (Pitchai / Pichai), which the keys already read.
 */
const tchKsh = (raw: string) => raw.replace(/TCHU(?=M)/g, 'KSH').replace(/TCH(?=[AEIOU])/g, 'KSH');

/**
 * The honorifics Maharashtra and the Hindi belt join to a given or father's name, written one
 * year and not the next: -rao and -raoji (Ashokrao, Madhukarrao, Shankarraoji for Ashok,
 * Madhukar, Shankar), -bhau, -dada, -baba, -tai, -saheb and its short -so after a or u (Arunbhau,
 * Shobhatai, Balasaheb / Balaso), the Deccan's -sahib or -sab (Imamsab, Nabisab), and -ji after
 * the endings of the names that take it (Mangilalji, Harisinhji, Tulshiramji, Nathmalji). A
 * token with one is compared with the other as written, without it; two tokens with one only
 * when it is the same one (Anandrao / Anandraoji, Bhausaheb / Bhauso), as -tai marks a woman and
 * -rao a man (Kirantai / Kiranrao), and Babasaheb and Babarao are names of their own. Not against
 * a token without one: where what is left is under three letters, a kinship word or honorific
 * (Raosaheb is not Rao, Babasaheb not Baba, Bhairao, Bhairav, not Bhai), a family name however
 * its v is written (Jadhavrao and Jadhaorao are a family of its own; Hussensab is no Hussen, as
 * Husain is one), or, for a man's honorific, a name in -a that reads as a woman's (Rama /
 * Ramarao); nor where the other token carries a suffix the keys take off, of its own gender
 * (Ashokkumar / Ashoktai, Rameshbhai). Nor the -ji of other names (Shivaji, Balaji, and Ramji,
 * whose stem is short; the Parsi Pestonji, Jamshedji), nor the -oso of Goan names (Cardoso,
 * Pedroso). Asked of the written tokens only, not in the keys: Eknathrao must still meet Eknath
 * Rao.
 */
const HONORIFIC = /(?<=[A-Z]{3})(?:RA+O(?:JI)?|(?<=[^AEIOU])RAI|BHAU|BHAI+Y+A|TAI|DADA|BABA|SAHEB|SAHAB|SAHIB)$|(?<=[A-Z]{4})SAB$|(?<=[A-Z]{2}[AU])SO$|(?<=[A-Z]{2}(?:LAL|SI[NM]GH|SINH|RAM|DAS|CHAND|NATH|MAL|RANG|BHAN))JI$/;
// Kinship words and honorifics, by key: none is a name an honorific was joined to.
const KIN = new Set(['RAO', 'BABA', 'DADA', 'BHAU', 'BHAI', 'BHAIYA', 'BAI', 'ANNA', 'APPA', 'NANA', 'TATYA', 'SAI', 'TAI', 'AKKA', 'KAKA',
  'MAMA', 'BAPU', 'ABA', 'AAI', 'SAHEB', 'SAHAB'].map(canon));
// What the keys take off a name themselves (-kumar, -bhai, -ben, -bai): a token that had one
// already carries an honorific of its own, of a gender (Ashokkumar, Rameshbhai: not Ashoktai).
const keyedSuffix = (t: string) => KUMAR_END.test(t) || BHAI_BEN_END.test(t);
// As the fold asks it: of words of five letters or more (Bhaorao is Bhau's, not Bhav's).
const stemAv = (stem: string) => (stem.length >= 5 ? aoAv(stem) : stem);
const honorOf = (h: string) => (h.startsWith('R') ? 'RAO' : h === 'SO' || h.startsWith('SA') ? 'SAHEB' : h);
let unhonoured = false;
/** The token without an honorific joined to it (for the given-name vowel rules, score.ts). */
export function withoutHonorific(raw: string): string {
  const h = HONORIFIC.exec(raw);
  return h && h.index >= 3 ? raw.slice(0, h.index) : raw;
}
function honorific(a: string, b: string): Kind | null {
  // One honorific a token: the stem compared below is not asked again (Rameshraorao is no Ramesh,
  // and a long run of them costs no deeper calls).
  if (unhonoured) return null;
  const ha = HONORIFIC.exec(a);
  const hb = HONORIFIC.exec(b);
  if (!ha && !hb) return null;
  const x = ha ? a.slice(0, ha.index) : a;
  const y = hb ? b.slice(0, hb.index) : b;
  if (x.length < 3 || y.length < 3) return null;
  // Both with one: the same one written two ways (Bhausaheb / Bhauso), whatever the stem; the
  // stem's v written o before it as at a word's end (Keshaorao / Keshavrao, `aoAv`).
  if (ha && hb) return honorOf(ha[0]) === honorOf(hb[0]) && canon(stemAv(x)) === canon(stemAv(y)) ? 'regional' : null;
  const [stem, h, other] = ha ? [x, ha[0], b] : [y, hb![0], a];
  const av = stemAv(stem);
  if (KIN.has(canon(stem)) || keyedSuffix(other) || SURNAME_KEYS.has(canon(stem)) || (av !== stem && SURNAME_KEYS.has(canon(av)))) return null;
  // A man's honorific on what reads as a woman's name (Rama / Ramarao, Vijaya / Vijayarao).
  if (h !== 'TAI' && stem.endsWith('A')) return null;
  if (canon(stem) === canon(other)) return 'regional';
  // The stem spelled otherwise (Madhojirao / Madhuji): as the stem compares, by a spelling rule
  // or a vowel (which the given-name rules then ask of the stem: withoutHonorific), not by a
  // slip. A regional spelling of a short stem as a given name's is asked (Komalrao / Kamal).
  // Only words of a name's length whose lengths are near: no spelling rule joins others, and the
  // rules' cost grows with the length.
  if (stem.length < 5 || stem.length > 24 || Math.abs(stem.length - other.length) > 3) return null;
  unhonoured = true;
  let k: Kind;
  try {
    k = compareTokens(makeToken(stem), makeToken(other));
  } finally {
    unhonoured = false;
  }
  if (k === 'translit' || (k === 'regional' && regionalGivenOk(stem, other))) return 'regional';
  return k === 'vowel' ? 'vowel' : null;
}

/**
 * ক্ষ and क्ष at a word's start as Bengal, Assam and Odisha say and write them, kh (its h left out
 * too): Kshudiram / Khudiram, Kshirod / Khirod, Kshitish / Ksitish / Khitish. Against a token
 * written with kh only: the keys drop an aspirate's h, and Kshatriya is no Kataria. Not inside a
 * word, where kh and ksh make two names (Shikha / Shiksha).
 */
const KSH = /^KSH?(?=[AEIOU])/;
const kshKh = (raw: string) => raw.replace(KSH, 'KH');

/**
 * The v at a name's end written o in Maharashtra: Madhao / Madhav, Jadhao / Jadhav, Keshao. Not
 * after r: Ashokrao's rao is an honorific (`honorific`). A fold, not the keys', which read ao as
 * au (Jadhao / Jadhau).
 */
const AO_END = /[^AEIOUR]AO$/;
const aoAv = (raw: string) => raw.replace(/(?<=[^AEIOUR])AO$/, 'AV');

/**
 * Gujarati names end in -sinh where others write -singh (Mahendrasinh, Pradipsinh Zala), joined
 * or as a token of its own. Sinha, a family name of its own, ends otherwise.
 */
const sinh = (raw: string) => raw.replace(/SINH$/, 'SINGH');

/**
 * An initial vocalic r (ऋ) as Marathi, Gujarati and Odia spellings write it, ru (Rutuja / Rituja,
 * Rushabh / Rishabh, Rucha / Richa), where the keys read ru after a consonant as ri already
 * (Krushna). Only before the letters that follow it in names (sh, t, ch, dh): an initial ru
 * elsewhere makes other names (Rupa / Ripa, Runa / Rina, Ruma / Rima).
 */
const ruRi = (raw: string) => raw.replace(/^RU(?=SH|TH?[AEIOUV]|CH|D?DH)/, 'RI');

/**
 * Malayalam ഞ്ഞ, which the Kerala rolls write nh as often as nj in the kunh- of names (Kunhi /
 * Kunji, Kunhammed / Kunjammed, Velukunhan). Only after u: elsewhere an nh is an n and an h
 * (Sanhita / Sanjita, Kanha / Kanja are two names).
 */
const nhNj = (raw: string) => raw.replace(/(?<=U)NH(?=[AEIOU])/g, 'NJ');

/**
 * The short form that Bengal and Assam make of a name in -endra, -endranath: the name to its -en
 * (Suren / Surendra, Jiten / Jitendranath, Nripen / Nripendra), which records of one person use
 * in turn. Not -in for -indra, where the short form is often a name of its own (Kavin, Subin).
 */
const ENDRA = /(?<=[A-Z]{2})ENDRA(?:NATH)?$/;
export function shortEndra(a: string, b: string): boolean {
  const [s, l] = a.endsWith('EN') ? [a, b] : [b, a];
  if (!s.endsWith('EN') || s.length < 4) return false;
  const m = ENDRA.exec(l);
  return m !== null && canon(l.slice(0, m.index)) === canon(s.slice(0, -2));
}

/**
 * Marathi writes an aspirated n, m, l, r or v (न्ह, म्ह, ल्ह, र्ह, व्ह) with its h or without it
 * between vowels (Unhale / Unale, Kanhere / Kanere, Pralhad / Pralad), Tamil the mh of Sanskrit
 * names (Narasimhan / Narasimman). In six letters or more only (Malhar / Malar are two names),
 * not before i, where the h begins the word's -hita (Samhita / Samita), nor in Malayalam's kunh-,
 * whose nh is nj (nhNj: Kunhammed is no Kunnammed).
 */
const SONORANT_H = /(?<=[AEIOU][NMLRVW])H(?=[AEOU])/g;
const sonorantH = (raw: string) => raw.replace(SONORANT_H, '');
const hasSonorantH = (raw: string) => raw.length >= 7 && /[AEIOU][NMLRVW]H[AEOU]/.test(raw) && !raw.includes('KUNH');

/**
 * The h of a Persian shah- before a consonant, written or not (Shahnaz / Shanaz, Shahjahan /
 * Shajahan, Shahrukh / Sharukh). Not elsewhere: Rahman / Raman are two names.
 */
const shah = (raw: string) => raw.replace(/^SHAH(?=[^AEIOUH])/, 'SHA');

/**
 * Tamil script has one letter for t and d, which Tamil spellings write th at the start of a word
 * (Thuraisamy / Duraisamy, Theepak / Deepak, Thamodharan / Damodaran, Thivya / Divya). Six
 * letters or more on the th side, five on the d side: shorter ones are other names (Thara /
 * Dara, Thana / Dana).
 */
const thD = (raw: string) => raw.replace(/^TH/, 'D');
const thDApplies = (a: string, b: string) => thFor(a, b) || thFor(b, a);
const thFor = (th: string, d: string) => th.length >= 6 && d.length >= 5 && d[0] === 'D' && th[0] === 'T' && th[1] === 'H' && d[1] !== 'H';

/**
 * The Tamil selvam, selvi, selvan (செல்வ) written with ch as often as with s, alone or inside a
 * name (Chelvi / Selvi, Anbuchelvan / Anbuselvan, Tamilchelvan / Tamilselvan).
 */
const chelv = (raw: string) => raw.replace(/CHELV/g, 'SELV');

/**
 * देव as Hindi-belt records write it, deo before a consonant or at the end (Baldeo / Baldev,
 * Sukhdeo / Sukhdev, Deonath / Devnath, Singh Deo / Singh Dev), and शिव as sheo or shio
 * (Sheo Kumar / Shiv Kumar, Sheonath / Shivnath).
 */
// A deo or sheo with a letter or two after it: a word of its own more often than dev's or
// shiv's, which the inner a of the rules would join to another (Deol, a Punjabi clan, / Deval;
// Deora, देवड़ा, / Devara; Sheoli, the Bengali শিউলি, / Shivali): read by the key only.
const DEO_SHORT_TAIL = /(?:DEO|^SH[EI]O)[^AEIOUY][A-Z]?$/;
const deoDev = (raw: string) => raw.replace(/DEO(?![AEIOUY])/g, 'DEV').replace(/^SH[EI]O(?![AEIOUY])/, 'SHIV');

/**
 * The ae that typists write for the e (ए) of Gujarati, Bengali and Telugu names: Daevi / Devi,
 * Dhinaesh / Dinesh, Aekta / Ekta, Harae / Hare. Not before another e, where the a is a vowel of
 * its own (Naeema / Neema, Saeed / Seed are two names).
 */
const aeE = (raw: string) => raw.replace(/AE(?!E)/g, 'E');

/**
 * The ra said once where a name ending in -ra meets one beginning with it (haplology), as Tamil
 * and Telugu spellings often write it: Sundararajan / Sundarajan, Soundararajan / Soundarajan,
 * Veeraraghavan / Veeraghavan, Bhaskararao / Bhaskarao. In long words only.
 */
const RARA = /(?<=[AEIOU])RARA/;
const RARA_ALL = new RegExp(RARA.source, 'g');
const raRa = (raw: string) => raw.replace(RARA_ALL, 'RA');

/**
 * The ai of ऐ, which Hindi says as a long open e and spellings write either way (Kailash / Kelash,
 * Shailja / Selja, Jaiswal / Jeswal, Bengali Hossain / Hosen, Zainab / Zenab), read as e between
 * consonants. Not before r as a word's first vowel, where the e-spelling is often another name
 * (Khaira / Khera, Sairaj / Seraj), nor in a final -aik or -rain, where the ai is a and i (Baraik,
 * बड़ाईक, is no Barek; Narain, Narayan, no Naren). The fold's other guards are where it is
 * asked (SPELLING_FOLDS).
 */
const AI_E = /(?<=[^AEIOU])AI(?=[^AEIOUY])(?!K$)(?!(?<=RAI)N$)(?!(?<=^[^AEIOU]+AI)R)/;
const AI_E_ALL = new RegExp(AI_E.source, 'g');
const aiE = (raw: string) => raw.replace(AI_E_ALL, 'E');
/** A folded word's length with doubled letters written once and sh as s, as the keys count it. */
const aiELength = (raw: string) => aiE(raw).replace(/([A-Z])\1/g, '$1').replace(/SH/g, 'S').length;
const thCount = (raw: string) => raw.split('TH').length;

/**
 * The p after m that Tamil and Malayalam write with the letter of b, so that their spellings
 * write either (சம்பத்: Sampath / Sambath, Nampi / Nambi, Ponnampalam / Ponnambalam); in names of
 * any length, unlike the voicing of other stops (regionalKey). Of the corpora's Latin spellings
 * one mp / mb apart (words of the sealed sets left out), 6 pairs in 7 share a native spelling;
 * of those one nk / ng apart, 4 in 6 (Devank / Devang, Tarank / Tarang are two names).
 */
const mpMb = (raw: string) => raw.replace(/(?<=.)MP(?!H)/g, 'MB');

/**
 * The Bengali o for a beside a y glide: Joyanta / Jayanta, Joyonto / Jayanta, Nayon / Nayan,
 * Supriyo / Supriya. Before a consonant the keys already read it (Joydeb / Jaydeb, Sanjoy /
 * Sanjay), and elsewhere in the word (Sudipto / Sudipta, Raton / Ratan); beside a vowel they read
 * ay as a glide but oy and yo as written. So every single o after the first letter is read a, in
 * words with the same first letter. A given name of five letters or fewer is still held to its
 * first vowel (regionalGivenOk: Noyon / Nayan).
 */
const oAsA = (raw: string) => raw[0] + raw.slice(1).replace(/(?<![AEIOU])O(?![OUW])/g, 'A');
const OY = /OY|YO/;

/**
 * Tamil spellings of the Sanskrit -akaran with the k between vowels said, and written, as h
 * (Prabhakaran / Prabaharan, Sudhakaran / Sudhaharan, Dinakaran / Dinaharan), and the other way
 * the h of Manoharan written with Tamil's one letter for k, g and h (மனோகரன்: Manokaran, which
 * the filings write for one Hindi word with Manoharan). Only in this ending: elsewhere a k
 * against an h makes other names (Malika / Maliha, Menaka / Menaha).
 */
const karanHaran = (raw: string) => raw.replace(/(?<=[AO])KARAN$/, 'HARAN');

/**
 * The Tamil ச at the start of chell- and chinn- names, which Tamil spellings write ch or s
 * (Chellappan / Sellappan, Chellamuthu / Sellamuthu, Chinnasamy / Sinnasamy). Only before the
 * doubled l or n of these words, and in six letters or more: elsewhere an initial ch against an
 * s is mostly two names (Chintu / Sintu, Chiman / Siman, Chahel / Sahel).
 */
const CHELL = /^CH(?=[EI](?:LL|NN))/;
const chellSell = (raw: string) => (raw.length >= 6 ? raw.replace(CHELL, 'S') : raw);

/**
 * Raju as Tamil script writes it without the letter ஜ, ராசு: Rasu (Raju / Rasu, Selvaraju /
 * Selvarasu, Ramaraju / Ramarasu). Only at the end of a word: elsewhere an s against a j makes
 * other names (Suraja / Surasa, Prajod / Prasod).
 */
const rasuRaju = (raw: string) => raw.replace(/RASU$/, 'RAJU');

/**
 * Tamil's first letter ai (ஐ) before its doubled y, written i, ai or a (Iyyappan, Aiyappan,
 * Ayyappan; Iyyanar / Ayyanar): in words of six letters or more, with a vowel after the y.
 */
const TAMIL_AI = /^(?:IYY?|AIY?Y?|AYY)(?=[AEIOU])/;
const tamilAi = (raw: string) => raw.replace(TAMIL_AI, 'AYY');

/** Whether a token has the letters one of the three folds above rewrites: tests, no new string. */
const tamilMarked = (r: string) => {
  const last = r.charCodeAt(r.length - 1);
  return (last === 78 /* N */ && (r.endsWith('AKARAN') || r.endsWith('OKARAN'))) || (last === 85 /* U */ && r.endsWith('RASU'))
    || (r.charCodeAt(0) === 67 /* C */ && r.length >= 6 && CHELL.test(r));
};

/**
 * Bengali and Assamese spellings of Arabic names joined with -ul or -ur write their vowels
 * freely (Jahirul / Jeherul, Monsur / Mansoor, Mujibur / Mazibur, Muklesur / Maklisur): the same
 * first letter, consonants and vowel places, from seven letters. Not the Malayalam -mol of girls'
 * names (Mariyamol / Merimol), nor shorter ones (Rahul / Ruhul are two names), nor an i against
 * another vowel.
 */
const AR_END = /(?:U|OO|O)([LR])$/;
const arCons = (raw: string) => raw.replace(/Z/g, 'J').replace(/Q/g, 'K').replace(/PH/g, 'F').replace(/([A-Z])\1/g, '$1');
function arabicUl(a: string, b: string): boolean {
  if (a[0] !== b[0] || Math.min(a.length, b.length) < 7) return false;
  const ea = AR_END.exec(a);
  const eb = AR_END.exec(b);
  if (!ea || !eb || ea[1] !== eb[1] || a.endsWith('MOL') || b.endsWith('MOL')) return false;
  const ca = arCons(a.slice(0, ea.index));
  const cb = arCons(b.slice(0, eb.index));
  if (vowelPlaces(ca) !== vowelPlaces(cb) || vowelApart(a, b)) return false;
  // An a, o or u against an i is another root (Najimul / Nizamul, Najim / Nizam); e goes with either.
  const va = ca.match(/[AEIOU]+/g) ?? [];
  const vb = cb.match(/[AEIOU]+/g) ?? [];
  return va.every((v, i) => arVowel(v) === arVowel(vb[i]) || arVowel(v) === 'e' || arVowel(vb[i]) === 'e');
}
/** A word with each run of vowels written as one mark: where its vowels stand. */
export const vowelPlaces = (w: string) => w.replace(/[AEIOU]+/g, '*');
const arVowel = (v: string) => (v.includes('I') ? 'i' : v === 'E' ? 'e' : 'a');

/**
 * Spellings of one sound that a region writes its own way, each read as the other before the
 * keys are compared: when either token has the marked letters (or, for tch and an initial ru,
 * just one of them, as two tch spellings compare by the keys).
 */
interface SpellingFold {
  applies: (a: string, b: string) => boolean;
  fold: (raw: string) => string;
  kind: Kind;
  /**
   * Also compared as a token (foldedTokens), for folds that only write one sound's other
   * spelling, whose result the rules may read as they read any word; or where this says so.
   */
  asToken?: boolean | ((a: string, b: string) => boolean);
}
/**
 * The w of Arabic and Persian names as Bengali writes it after a consonant, with the o of its য়
 * (Anowar / Anwar, Anvar; Sarowar / Sarwar; Rezowan / Rezwan): owa read as wa. Not oa, which is
 * as often a long o (Soani is Soni, no Swani); not at the start (Owais); not after b, v, w or
 * the h of bh, whose letter the keys would fold the w into, losing the syllable (Bowal, Bhowal
 * are no Bal); not oya, the Bengali o before a y glide (Joyanta is Jayanta: oAsA).
 */
const OWA = /(?<=[^AEIOUBVWH])OWA/;
const OWA_ALL = new RegExp(OWA.source, 'g');
const owaWa = (r: string) => r.replace(OWA_ALL, 'WA');
/**
 * Punjabi and Haryanvi spellings of the pr- of Sanskrit names, an a put after the p and the r
 * after it: Parkash / Prakash, Partap / Pratap, Pardeep / Pradeep, Pargat / Pragat, Parhlad /
 * Prahlad, Parbha / Prabha. A slip before (two letters swapped), which costs as one; a spelling
 * of the region. At a word's start, before the consonants of those names only (k, g, j, t, d,
 * bh, h, y), a stop's h as on the other side: other letters after par- make names and family
 * names of their own (Parvati / Prabhati, Parbin / Prabin, Parmeet / Pramit, Parneet / Praneet,
 * Parsai / Prasai, Parkar / Prakhar), and so does parth- (Parthik / Pratik, Parthipan /
 * Prathipan, Parthvi / Prathvi).
 */
const PAR = /^PAR(?=BH|T(?!H)|[KGJDHY])/;
const parPra = (r: string) => r.replace(PAR, 'PRA');
const parApplies = (a: string, b: string): boolean => {
  // Asked of every two different tokens: the first letters before the pattern, which once.
  if (a[0] !== 'P' || b[0] !== 'P') return false;
  const aPar = PAR.test(a);
  const [par, pra] = aPar ? [a, b] : [b, a];
  return (aPar || PAR.test(b)) && pra.startsWith('PRA') && (par[4] === 'H') === (pra[4] === 'H');
};
const either = (marked: (raw: string) => boolean) => (a: string, b: string) => marked(a) || marked(b);
const oneOf = (marked: (raw: string) => boolean) => (a: string, b: string) => marked(a) !== marked(b);
/**
 * The h of maha- and sahaya- as spellings from Tamil script write it: that script has one letter
 * for k, g and h (க), read g there (Mahendran / Magendran, Mahalingam / Magalingam, Maheswaran /
 * Mageswaran, Sahayaraj / Sagayaraj, Devasahayam / Devasagayam). In words of seven letters or
 * more, a joined -kumar not counted. Only these: elsewhere an h against a g between vowels makes
 * other names (Vahini / Bhagini, Srihitha / Srigeetha, Meharaj / Megaraj, Pahariya / Pagariya),
 * as it does in mahan- (Mahanti / Maganti) and in short words (Mahesh and Magesh are two Hindi
 * spellings in the filings, Maheshkumar / Mageshkumar too).
 */
const MAH_START = /^MAH(?=E|A[^N])/;
const MAG_START = /^MAG(?=E|A[^N])/;
const withH = (w: string) => MAH_START.test(w) || w.includes('SAHAYA');
const withG = (w: string) => MAG_START.test(w) || w.includes('SAGAYA');
const hAsG = (raw: string) => raw.replace(MAH_START, 'MAG').replace('SAHAYA', 'SAGAYA');
const hAsGLong = (w: string) => w.length >= 7 && w.replace(KUMAR_END, '').length >= 7;
// The first letters before the patterns: this is asked of every two different tokens.
const hAsGApplies = (a: string, b: string) => ((a[0] === 'M' && b[0] === 'M') || (a.includes('SA') && b.includes('SA'))) &&
  hAsGLong(a) && hAsGLong(b) && (withH(a) ? withG(b) : withH(b) && withG(a));

/**
 * The w of an initial dw (द्व), which Bengali and Assamese say as d and their spellings often drop:
 * Dwip / Dip, Dwipen / Dipen, Dwijen / Dijen, Dwarika / Darika (as glideO drops the y of Jyoti).
 * Against a d and a vowel as written, not the dh the keys read alike (Dwani, a spelling of Dhwani,
 * is no Dhani; nor Dwiraj Dhiraj). Not a short word ending in a vowel, mostly a woman's name
 * where the letter makes another (Dwiti / Diti, Dwija / Dija), nor names the lexicon knows apart.
 */
const DW_START = /^DW(?=[AEIOU])/;
const D_VOWEL = /^D[AEIOU]/;
const dwD = (raw: string) => raw.replace(DW_START, 'D');
// Not -payan: Dwipayan is a spelling of Dwaipayan (দ্বৈপায়ন), Dipayan (দীপায়ন) another name.
const dwWord = (w: string) => DW_START.test(w) && (w.length >= 7 || !VOWELS.includes(w[w.length - 1])) && !PAYAN.test(w);
const PAYAN = /PAY[AO]N$/;
const dwDApplies = (a: string, b: string) => a[0] === 'D' && b[0] === 'D' &&
  (DW_START.test(a) ? dwWord(a) && D_VOWEL.test(b) : dwWord(b) && D_VOWEL.test(a)) && !twoNames(a, b);

/**
 * Marathi's dny (ज्ञ) written without its n at the start of the dnyan- names (Dyaneshwar /
 * Dnyaneshwar, Dyandeo, Dyanoba): a fold, not the keys, which read Dyan- as Dhyan- (ध्यान), as
 * a spelling of either; only against a word written with the jn's own letters (dny, gy, gn, jn).
 */
const DYAN_START = /^DYAN(?=E|O|D|B)/;
const JN_START = /^(?:DNY|GNY|JNY|JN|GN|GY)A/;
const dyanDnyan = (raw: string) => raw.replace(DYAN_START, 'GYAN');
const dyanApplies = (a: string, b: string) => (a[0] === 'D' || b[0] === 'D') &&
  ((DYAN_START.test(a) && JN_START.test(b)) || (DYAN_START.test(b) && JN_START.test(a)));

const SPELLING_FOLDS: SpellingFold[] = [
  // Not against an sh the other has and this lacks, which the keys read as s (Ramez / Ramesh).
  { applies: (a, b) => (a.includes('Z') || b.includes('Z')) && a.includes('SH') === b.includes('SH'), fold: zAsS, kind: 'regional' },
  { applies: oneOf((r) => r.includes('TCH')), fold: tchKsh, kind: 'regional' },
  { applies: either((r) => r.endsWith('SINH')), fold: sinh, kind: 'regional', asToken: true },
  { applies: (a, b) => KSH.test(a) !== KSH.test(b) && (a.startsWith('KH') || b.startsWith('KH')), fold: kshKh, kind: 'translit' },
  { applies: oneOf((r) => r.length >= 5 && AO_END.test(r)), fold: aoAv, kind: 'regional' },
  // Not 'regional': its first-vowel test for short given names would refuse Rushi / Rishi.
  { applies: oneOf((r) => r.startsWith('RU')), fold: ruRi, kind: 'translit' },
  { applies: either((r) => r.includes('UNH')), fold: nhNj, kind: 'regional' },
  { applies: either((r) => r.startsWith('SHAH')), fold: shah, kind: 'translit' },
  { applies: (a, b) => Math.min(a.length, b.length) >= 6 && (hasSonorantH(a) !== hasSonorantH(b)), fold: sonorantH, kind: 'regional' },
  { applies: thDApplies, fold: thD, kind: 'translit' },
  { applies: oneOf((r) => r.includes('CHELV')), fold: chelv, kind: 'translit' },
  { applies: either((r) => deoDev(r) !== r), fold: deoDev, kind: 'translit', asToken: (a, b) => !DEO_SHORT_TAIL.test(a) && !DEO_SHORT_TAIL.test(b) },
  { applies: either((r) => aeE(r) !== r), fold: aeE, kind: 'translit', asToken: true },
  { applies: (a, b) => Math.min(a.length, b.length) >= 8 && RARA.test(a) !== RARA.test(b), fold: raRa, kind: 'regional', asToken: true },
  // Not under five letters as the keys count them, where the e-spelling is often another name
  // (Jaina / Jena or Jenna, Raima / Rema, Saira / Shera, Umair / Ummer, the Kerala Umar); not
  // with a th on one side only (Jaitmal / Jethmal, जैत and जेठ); nor Chait- (चैतन्य), whose
  // e-spelling is Chetan.
  { applies: (a, b) => (a.includes('AI') || b.includes('AI')) && AI_E.test(a) !== AI_E.test(b) && thCount(a) === thCount(b) && !a.startsWith('CHAIT') && !b.startsWith('CHAIT') &&
    Math.min(aiELength(a), aiELength(b)) >= 5, fold: aiE, kind: 'translit' },
  // A cheap letter test before each fold: these run for every pair of different tokens.
  { applies: oneOf((r) => r.includes('MP') && mpMb(r) !== r), fold: mpMb, kind: 'regional' },
  { applies: (a, b) => a[0] === b[0] && (OY.test(a) || OY.test(b)), fold: oAsA, kind: 'regional' },
  { applies: either((r) => OWA.test(r)), fold: owaWa, kind: 'regional' },
  { applies: parApplies, fold: parPra, kind: 'regional' },
  { applies: hAsGApplies, fold: hAsG, kind: 'regional' },
  { applies: dwDApplies, fold: dwD, kind: 'translit' },
  { applies: dyanApplies, fold: dyanDnyan, kind: 'translit' },
  { applies: (a, b) => a.charCodeAt(0) + b.charCodeAt(0) === 138 /* A and I */ && Math.min(a.length, b.length) >= 6 &&
    TAMIL_AI.test(a) && TAMIL_AI.test(b), fold: tamilAi, kind: 'translit' },
  // The three Tamil spellings above as one fold: each is rare, and a fold asked of every pair costs.
  { applies: either(tamilMarked), fold: (r) => rasuRaju(karanHaran(chellSell(r))), kind: 'regional' },
];

let folding = false;
/**
 * A fold's spellings compared as tokens, where their keys differ: so that the rules on the rest
 * of the word come with the fold, each of which joins the pair through a middle spelling (the
 * masculine's -a: Mahadeo / Mahadev / Mahadeva, Sheo / Shiv / Shiva, Daev / Dev / Deva; the
 * inner a: Dharmsingh / Dharmsinh / Dharmasinh). Only a spelling the rules call one name
 * ('translit'), not another fold's regional reading nor a feminine (Mahadeo / Mahadevi). Only
 * the folds marked asToken: the others' results get past the guards of the rules on the rest
 * (ru read ri makes Rushda the Rishda that the inner a joins to Rishada; the Bengali o read a
 * makes Shantimoy the Shantimay whose -aya is no feminine, against Shantimaya; the Tamil -rasu
 * read -raju meets another name's -raj, Thangarasu / Thangaraj, two names in the filings).
 */
function foldedTokens(folded: { kind: Kind; a: string; b: string }[]): Kind | null {
  if (folding) return null;
  folding = true;
  try {
    for (const f of folded) if (compareTokens(makeToken(f.a), makeToken(f.b)) === 'translit') return f.kind;
    return null;
  } finally {
    folding = false;
  }
}

/**
 * The vowel Tamil spellings put into a cluster before r, in long words: Jayachandhiran /
 * Jayachandran, Rajendhiran / Rajendran, and in a word of six or seven letters against one of
 * eight or more (Pirakash / Prakash, Thiripura / Tripura). Compared as written, then keyed. Not
 * in shorter words, where it makes other names (Biraj / Braj).
 */
const EPENTHETIC = /(?<=[^AEIOU]H?)[IU](?=R[AEIOU])/g;
const EPENTHETIC_SHORT = /(?<=[^AEIOU]H?)I(?=R[AIU])/g;
function epenthetic(a: string, b: string): boolean {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 6 || Math.max(a.length, b.length) < 8 || Math.abs(a.length - b.length) > 2) return false;
  // Under eight letters only an i, before r and a, i or u: an u or an e after makes other names
  // (Puranlal / Pranlal, Kireethi / Krithi, Shireesh / Shrish).
  const re = shorter < 8 ? EPENTHETIC_SHORT : EPENTHETIC;
  const fa = a.replace(re, '');
  const fb = b.replace(re, '');
  return (fa !== a || fb !== b) && (fa === fb || canon(fa) === canon(fb));
}

/**
 * A y glide after a consonant, written or not, in a long word: Mrityunjoy / Mritunjoy,
 * Nithyanandan / Nithanandan. Short names keep it apart (Nitya / Nita are two names).
 */
function glideEqual(a: string, b: string): boolean {
  if (Math.min(a.length, b.length) < 8 || Math.abs(a.length - b.length) !== 1) return false;
  // Not in the last syllable, where -ya makes another name (Lakshanya / Lakshana).
  const fa = a.replace(/(?<=[^AEIOUY])Y(?=[AEIOU]..)/g, '');
  const fb = b.replace(/(?<=[^AEIOUY])Y(?=[AEIOU]..)/g, '');
  return (fa !== a) !== (fb !== b) && canon(fa) === canon(fb);
}

/**
 * The long e written ee after the first syllable (Mahesh / Maheesh, Naresh / Nareesh, Pamela /
 * Pameela): Gujarati, Marathi and Tamil spellings double the vowel that Hindi ones write once.
 * Not in the first syllable, where ee is read as i and e / ee tell names apart (Reena / Rena,
 * Meena / Mena).
 */
function longE(a: string, b: string): boolean {
  // Asked of most pairs of different tokens: the letter test first.
  if (!a.includes('EE') && !b.includes('EE')) return false;
  const fa = a.replace(/EE/g, 'E');
  const fb = b.replace(/EE/g, 'E');
  if (fa !== fb || fa.length < 5 || a === b) return false;
  const first = fa.search(/[AEIOU]/);
  const at = (a.length > b.length ? a : b).indexOf('EE');
  return first >= 0 && at > first;
}

/**
 * A y glide before o after the first consonant, written or not: Jyoti / Joti, Jyotika / Jotika
 * (Bengali and Odia spellings drop it), the rest as the keys read it (Jothi / Jyoti). Before a,
 * where it makes other names (Dhyan / Dhan, Gyanesh / Ganesh), it stays.
 */
const YOO = /^[^AEIOUY]H?YOO/;
function glideO(a: string, b: string): boolean {
  // Asked of most pairs of tokens: a y second or third on one side only, before the regexes.
  if (Math.min(a.length, b.length) < 4 || (a[1] === 'Y' || a[2] === 'Y') === (b[1] === 'Y' || b[2] === 'Y')) return false;
  // A yoo is as often yu, which the keys would join to u-names (Byooti, beauty, / Buti): that
  // glide alone, as written.
  if (YOO.test(a) !== YOO.test(b) && Math.abs(a.length - b.length) !== 1) return false;
  const fa = a.replace(/^([^AEIOUY]H?)Y(?=O)/, '$1');
  const fb = b.replace(/^([^AEIOUY]H?)Y(?=O)/, '$1');
  return (fa !== a) !== (fb !== b) && canon(fa) === canon(fb);
}

/**
 * The English -ey for a final long vowel, either -i or -e in other spellings: Tirkey / Tirki,
 * Tiwarey / Tiwari, Pandey / Pande (the last is also folded in the key).
 */
function finalEy(a: string, b: string): boolean {
  const [e, o] = a.endsWith('EY') ? [a, b] : [b, a];
  if (!e.endsWith('EY') || e.length < 5 || o.endsWith('EY')) return false;
  const stem = e.slice(0, -2);
  return (o === stem + 'I' || o === stem + 'Y' || o === stem + 'EE') && !VOWELS.includes(stem[stem.length - 1]);
}

/**
 * One vowel written for another inside the word, nothing else differing (Satheeshkumar /
 * Sathieshkumar). Not the final one, which makes the feminine (Sushanta / Sushanti).
 */
function vowelForVowel(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return i < a.length - 1 && VOWELS.includes(a[i]) && VOWELS.includes(b[i]) && a.slice(i + 1) === b.slice(i + 1);
}

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = b.length;
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const c = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

// By the word's spellings, which spellingsOf keeps while it keeps the word: weak, so that they
// go when it lets the word go.
const guideCache = new WeakMap<Spellings, Map<string, string>>();
/**
 * The spelling the word allows that is nearest (fewest letters changed) to a Latin one, so that
 * two records of one name are compared as the clerk would have spelled it: গোলক against GOLOK
 * is Golok, not the Golak that latinise writes. Upper case.
 */
function guidedSpelling(sp: Spellings, latin: string): string {
  let byLatin = guideCache.get(sp);
  if (byLatin === undefined) { byLatin = new Map(); guideCache.set(sp, byLatin); }
  let r = byLatin.get(latin);
  if (r !== undefined) return r;
  const t = latin.toLowerCase();
  const n = t.length;
  // row[j]: the fewest changes to spell the places so far as t's first j letters.
  let row = Array.from({ length: n + 1 }, (_, j) => j);
  const back: [number, number][][] = [];
  for (const alts of sp) {
    const next = new Array<number>(n + 1).fill(Infinity);
    const choice: [number, number][] = new Array(n + 1);
    for (let j = 0; j <= n; j++) {
      for (let a = 0; a < alts.length; a++) {
        const alt = alts[a];
        for (let k = Math.max(0, j - alt.length - 2); k <= j; k++) {
          const seg = t.slice(k, j);
          // A near vowel for a vowel (o for u, e for i) costs half: মমতাজ against MUMTAZ is
          // Momtaz, which the rules take for Mumtaz, before Mamtaz.
          const near = alt.length === 1 && seg.length === 1 && alt !== seg && nearVowel(alt.toUpperCase()) === nearVowel(seg.toUpperCase());
          const c = row[k] + editDistance(alt, seg) - (near ? 0.5 : 0);
          if (c < next[j]) { next[j] = c; choice[j] = [a, k]; }
        }
      }
    }
    back.push(choice);
    row = next;
  }
  let j = n;
  const parts: string[] = [];
  for (let p = sp.length - 1; p >= 0; p--) {
    const [a, k] = back[p][j];
    parts.push(sp[p][a]);
    j = k;
  }
  r = parts.reverse().join('').toUpperCase();
  if (byLatin.size > 1000) byLatin.clear();
  byLatin.set(latin, r);
  return r;
}

function prefixOf(t: Tok, full: Tok): boolean {
  return t.raw.length >= 2 && full.raw.length > t.raw.length &&
    (full.raw.startsWith(t.raw) || full.key.startsWith(t.key));
}

let oneNameLines: Map<string, number[]> | null = null;
let genderPairs: Set<string> | null = null;
let genderKeys: Set<string> | null = null;
/**
 * Whether two tokens are a man's and a woman's name that GENDER_PAIRS lists (lexicon.ts), by their
 * keys. Not a word read from an Indian script, which writes the two alike (કાર્લ, Carl or Carla).
 */
export function listedGender(a: Tok, b: Tok): boolean {
  if (a.loose || b.loose) return false;
  const ka = a.key;
  const kb = b.key;
  if (genderPairs === null || genderKeys === null) {
    genderPairs = new Set();
    genderKeys = new Set();
    for (const [man, ...women] of GENDER_PAIRS) {
      genderKeys.add(canon(man));
      for (const w of women) {
        genderKeys.add(canon(w));
        genderPairs.add(`${canon(man)} ${canon(w)}`).add(`${canon(w)} ${canon(man)}`);
      }
    }
  }
  // Asked of every two tokens whose keys differ: a lookup before a string is made.
  return genderKeys.has(ka) && genderKeys.has(kb) && genderPairs.has(`${ka} ${kb}`);
}

/** Whether two keys are spellings of one name that ONE_NAME lists (lexicon.ts). */
function oneName(ka: string, kb: string): boolean {
  if (oneNameLines === null) {
    oneNameLines = new Map();
    for (const [i, line] of ONE_NAME.entries()) {
      for (const k of new Set(line.map(canon))) (oneNameLines.get(k) ?? oneNameLines.set(k, []).get(k)!).push(i);
    }
  }
  const la = oneNameLines.get(ka);
  const lb = la && oneNameLines.get(kb);
  return !!lb && la.some((i) => lb.includes(i));
}

/**
 * Tamil's -swamy written as it is said, -samy (Ramaswamy / Ramasamy, Palaniswami / Palanisami),
 * or with the ch that the Tamil letter of s is also read as (சாமி: Velusamy / Veluchamy,
 * Ponnusamy / Ponnuchamy), between Latin spellings only: a word read from an Indian script writes
 * its ch or s as said (Malayalam's -chami, ച്ചാമി, is a name of its own to the Kerala rolls). The
 * ending of a longer name, or the start of a long one (Swaminathan / Saminathan, Swamidoss /
 * Samidoss); a short word that starts so may be another name (Swapan / Sapan, Swami / Sami).
 */
const swamy = (key: string, ch: boolean) =>
  key.endsWith('SBAMI') || (ch && key.endsWith('cAMI')) ? key.replace(/^(.{2,}[AEIOU])(?:SBAMI|cAMI)$/, '$1SAMI')
    : key.length >= 8 && key.startsWith('SBAMI') ? `SAMI${key.slice(5)}` : key;

/**
 * Telugu, Tamil, Kannada and Malayalam end a name's last consonant with a u (Govindaraju,
 * Thangavelu, Pradeepu, Thomasu, Majeedu): in names of six letters or more only (Raju is a name
 * of its own), and not after an n or the clusters nsh, nd, nt, where the u makes the Sanskrit
 * names in -anu, -anshu, -indu, -antu (Krishan / Krishanu, Suryansh / Suryanshu, Arabind /
 * Arabindu, Sumant / Sumantu).
 */
const dravidianU = (a: string, b: string) =>
  a.length >= 6 && b.length === a.length + 1 && b.endsWith('U') && b.startsWith(a) && /[^AEIOUY]$/.test(a) && !/(?:N|NSH|NDH?|NTH?)$/.test(a);

/**
 * Tamil doubles the k of a -kumar joined to a name ending in a vowel (Sivakkumar, Muthukkumar,
 * Jayakkumar). The key leaves -kumar out, so it keeps that k where the single-k spelling's has
 * none: a is read again with one k. Only between two -kumar tokens: Deepakkumar is not Deepa.
 */
export const kumarSandhi = (a: string, ka: string, b: string, kb: string) =>
  ka !== kb && /KKUMA?AR$/.test(a) && /[^K]KUMA?AR$/.test(b) && canon(a.replace(/K(?=KUMA?AR$)/, '')) === kb;

/**
 * The vowel that joins a name ending in a consonant to a -kumar (Vijayakumar / Vijaykumar,
 * Ajayakumar, Shivakumar / Shivkumar, as Tamil, Telugu and Kannada spellings write it): before
 * -kumar the a of Vijaya is no feminine; with the name's y written i too (Vijaikumar / Vijayakumar,
 * Jaikumar / Jayakumar), and the stems spelled otherwise as the keys read them (Jeyakumar /
 * Jaykumar, Udhayakumar / Udaikumar).
 */
export function kumarJoinA(a: string, b: string): boolean {
  // Asked of most pairs of tokens: the cheap test first.
  if (!a.includes('KUMA') || !b.includes('KUMA')) return false;
  const ma = /KUMA{1,2}RI?$/.exec(a);
  const mb = /KUMA{1,2}RI?$/.exec(b);
  if (!ma || !mb || ma[0].endsWith('I') !== mb[0].endsWith('I')) return false;
  // The y of Vijay, Jay, Uday written i (Vijaikumar, Jaikumar), as the keys read it elsewhere.
  const sa = finalAiAy(a.slice(0, ma.index));
  const sb = finalAiAy(b.slice(0, mb.index));
  return joinedA(sa, sb) || joinedA(sb, sa);
}
const finalAiAy = (x: string) => (x.length >= 3 && x.endsWith('AI') && !VOWELS.includes(x[x.length - 3]) ? `${x.slice(0, -1)}Y` : x);
/** l is s with the joining a, as written or as the keys read the two (Jeyakumar / Jaykumar). */
const joinedA = (s: string, l: string) =>
  s.length >= 3 && !VOWELS.includes(s[s.length - 1]) && l.endsWith('A') && (l === `${s}A` || canon(l) === canon(`${s}A`));

/**
 * Telugu and Tamil end a long Sanskrit name in -am where others end it in -a (Narasimham /
 * Narasimha, Ramalingam / Ramalinga) or in its last consonant (Rajagopalam / Rajagopal,
 * Ranganatham / Ranganath, Chidambaram / Chidambar). Short names in -am are names of their own
 * (Shivam / Shiva, Pritam / Prita, Santhanam / Santhan).
 */
function teluguAm(a: string, b: string): Kind | null {
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (s.length < 8) return null;
  if (s.endsWith('A') && l === `${s}M`) return 'translit';
  // The -am on the word that has it, the name before it spelled as the other or otherwise, as the
  // rules read that spelling (Jagannadham / Jagannath, Viswanadham / Vishwanatha, Sudarsanam /
  // Sudharshan).
  const [am, other] = a.endsWith('AM') ? [a, b] : [b, a];
  const stem = am.slice(0, -2);
  if (!am.endsWith('AM') || other.endsWith('AM') || stem.length < 8 || !AM_MASCULINE.test(stem)) return null;
  // Against a name in -a, the stem with its a (Jagannadham / Jagannatha).
  const as = other.endsWith('A') ? `${stem}A` : stem;
  if (as === other) return 'translit';
  const k = compareSpelled(makeToken(as), makeToken(other), false, false);
  return k === 'translit' || k === 'regional' ? k : null;
}
// The endings of men's names that take the -am (Rajagopalam, Ranganatham, Jagannadham,
// Ramalingam, Venkatachalam, Chidambaram, Sudharsanam, Bhooshanam). Not every ending: Ponnambal is
// a woman's name, Ponnambalam a man's; Suryakanth a man's, Suryakantham a woman's in Telugu.
const AM_MASCULINE = /(?:NATH|NADH|GOPAL|LING|CHAL|SUNDAR|AMBAR|SAN|SHAN)$/;

/**
 * Relate token a to token b. aTrunc / bTrunc say that the token ends a record that may have
 * been cut short by the bank, so it may be a prefix of the other.
 */
/**
 * A Hindi feminine's -i for the masculine's final vowel, the stem the same (Kishore / Kishori,
 * Dulare / Dulari, Shankara / Shankari, Kumara / Kumari), which the vowel and slip rules read
 * as a vowel spelled otherwise at a word's end.
 */
function finalVowelI(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 5) return false;
  const [i, o] = a.endsWith('I') ? [a, b] : [b, a];
  return i.endsWith('I') && /[AEO]$/.test(o) && i.slice(0, -1) === o.slice(0, -1) && !VOWELS.includes(o[o.length - 2]);
}

export function compareTokens(a: Tok, b: Tok, aTrunc = false, bTrunc = false): Kind {
  const k = compareSpelled(a, b, aTrunc, bTrunc);
  if (k !== 'exact' && STRONG[k] && !a.loose && !b.loose && feminineA(a.raw, b.raw)) return 'gender';
  if (k !== 'exact' && k !== 'none' && suffixGenders(a.raw, b.raw)) return 'gender';
  if ((k === 'vowel' || k === 'typo2' || k === 'typo') && !a.loose && !b.loose && finalVowelI(a.raw, b.raw)) return 'gender';
  // A word read from a script against a Latin one: also compared as the nearest spelling the
  // script allows (guidedSpelling above), which is the word when the keys then agree.
  if (k === 'exact' || (a.spellings === undefined) === (b.spellings === undefined)) return k;
  const [s, l] = a.spellings ? [a, b] : [b, a];
  if (l.init) return k;
  const g = guidedSpelling(s.spellings!, l.raw);
  if (g === s.raw || g.length < 2) return k;
  const gt = makeToken(g, s.loose);
  const k2 = a.spellings ? compareSpelled(gt, b, aTrunc, bTrunc) : compareSpelled(a, gt, aTrunc, bTrunc);
  // Only a spelling that agrees: the nearest spelling is chosen to be near, so a slip or a
  // vowel read off it would be found on names that are not the word (परमा read Parma, Prema).
  return k2 === 'exact' || k2 === 'translit' ? 'translit' : k;
}

/**
 * A man's and a woman's suffix on one name: Gujarati joins -bhai (brother) to a man's name and
 * -ben (sister) to a woman's, Marathi -bai to a woman's, and -kumar is a man's. The keys take them
 * off (they carry no identity within a gender), so Kantibhai / Kantiben and Shantakumar /
 * Shantabai read as one name: a brother and a sister. Not -bhai against -bai, which the Kerala
 * rolls write for one suffix.
 */
const BHAI_SUFFIX = /(?:BH+A[IY]|BHAIYA)$/;
const BEN_SUFFIX = /BE+H?N$/;
const BAI_SUFFIX = /BA+[IY]$/;
const manSuffix = (w: string) => KUMAR_END.test(w) || BHAI_SUFFIX.test(w);
function suffixGenders(a: string, b: string): boolean {
  // Asked of every pair taken as one name: the suffixes end in different letters (n, i or y, r).
  if (a.charCodeAt(a.length - 1) === b.charCodeAt(b.length - 1)) return false;
  return (BEN_SUFFIX.test(a) && manSuffix(b)) || (BEN_SUFFIX.test(b) && manSuffix(a)) ||
    (BAI_SUFFIX.test(a) && KUMAR_END.test(b)) || (BAI_SUFFIX.test(b) && KUMAR_END.test(a));
}

/**
 * The feminine -a on a name spelled otherwise too: Ranajit / Ranjita, Navaneet / Navneeta. The
 * suffix rules ask only a stem as written on both sides (Ranjit / Ranjita); here the -a word less
 * its a (the stem) is asked against itself with the a, by every rule, and so is the other word
 * unless the stem is the shorter, as the rules' length gates count the letters written (a vowel
 * written in Ranajit does not make it a longer name than Ranjit). The a is the masculine's if
 * either says so (Dhruv / Dhruba: the -a after v; Anirudh / Aniruddha: the -a after a doubled
 * consonant; Ganesh / Ganeesha, Raj / Raaja), and the Tamil -an on the -a word is the suffix
 * rules' own (Narayana / Narayanan, Rama / Raman).
 */
function feminineA(a: string, b: string): boolean {
  // Asked of every two tokens taken as one name: the last letters first, and no array made.
  const aA = a.charCodeAt(a.length - 1) === 65; /* A */
  if (aA === (b.charCodeAt(b.length - 1) === 65)) return false;
  const c = aA ? b : a;
  const v = aA ? a : b;
  if (v.length < 4 || vowelEnd(c) || c.startsWith(v)) return false;
  const stem = v.slice(0, -1);
  if (stem === c || vowelEnd(stem)) return false;
  const byStem = () => compareSpelled(makeToken(stem), makeToken(v), false, false) === 'gender';
  const byOther = () => compareSpelled(makeToken(c), makeToken(`${c}A`), false, false) === 'gender';
  return byStem() && (stem.length < c.length || byOther());
}
/** Ends in a vowel, or in the h written after one (Sanah, Karuppaiah). */
const vowelEnd = (w: string) => VOWELS.includes(w[w.length - 1]) || (w.endsWith('H') && VOWELS.includes(w[w.length - 2]));

export const twoNames = (a: string, b: string) => knownName(a) && knownName(b) && !attested(a, b);

/**
 * An initial w against an initial b: the keys read w, v and b as one letter for the Bengali b
 * of Sanskrit names (Bikash / Vikas), but Bengali writes the w of Arabic names otherwise
 * (ওয়াসিম), so Wasim / Basim, Wali / Bali and Wisal / Bishal are two given names, unless the
 * lexicon lists them: a one-letter slip ('typo2'), which the given-name rules refuse and a family
 * name takes as a slip (Barq / Warq).
 */
const wbApart = (a: string, b: string) =>
  ((a.charCodeAt(0) === 87 /* W */ && b.charCodeAt(0) === 66 /* B */) || (a.charCodeAt(0) === 66 && b.charCodeAt(0) === 87)) && !attested(a, b);

/**
 * सिंह, which Bengali and Assamese filings write Singha and file as सिंह as often as सिनहा:
 * Singha is listed with Sinha (lexicon.ts) and is Singh too, as written (Yubaraj Singha /
 * Yubaraj Singh); Singh and Sinha stay two families, and the Gujarati Sinh, Singh written alone,
 * is no Sinha either, whose final a the rules read as the inherent vowel (Anil Sinh / Anil Sinha).
 */
function singhWords(a: string, b: string): Kind | null {
  if (a[0] !== 'S' || b[0] !== 'S' || !a.startsWith('SIN') || !b.startsWith('SIN')) return null;
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (l === 'SINGHA' && (s === 'SINGH' || s === 'SING')) return 'translit';
  if (l === 'SINHA' && s === 'SINH') return 'none';
  return null;
}

function compareSpelled(a: Tok, b: Tok, aTrunc: boolean, bTrunc: boolean): Kind {
  if (a.raw === b.raw) return a.init ? 'init_same' : 'exact';
  if (a.init || b.init) {
    if (a.init && b.init) return 'none';
    const [i, f] = a.init ? [a, b] : [b, a];
    if (f.raw[0] === i.raw) return 'initial';
    return Math.max(a.loose, b.loose) === 2 && voiceless(f.raw[0]) === voiceless(i.raw) ? 'initial' : 'none';
  }
  const sw = singhWords(a.raw, b.raw);
  if (sw) return sw;
  // Before keys: VV / W also fold together there. Two names that people are given, each typed
  // for a word of its own (Prema / Prerna, Hema / Henna), are a slip only outside a given name,
  // which the given-name rules ask of a 'typo2'.
  if (ocrEqual(a.raw, b.raw)) return twoNames(a.raw, b.raw) ? 'typo2' : 'typo';
  // One look-alike glyph, before the keys too: they fold what it makes (Anjali read Anjall is not
  // Anjal, a dropped feminine -i). Not for a token read from a script, which no scanner misread.
  if (!a.loose && !b.loose && glyphSlip(a.raw, b.raw)) return twoNames(a.raw, b.raw) ? 'typo2' : 'typo';
  if (a.key === b.key) return wbApart(a.raw, b.raw) ? 'typo2' : 'translit';
  // The variant lists join spellings; they never part what the rules join.
  if (a.own === b.own) return 'translit';
  if (listedGender(a, b)) return 'gender';
  // The long o written oo, as South Indian typists write it (Kookila / Kokila, Manooj / Manoj),
  // which the key reads as u. Not ee for e here: Reena / Rena may be Rina / Rena, which the
  // given-name vowel rules weigh (score.ts, givenVowel).
  if ((a.raw.includes('OO') || b.raw.includes('OO')) && ooAsO(a.raw) === ooAsO(b.raw)) return 'translit';
  if (kumarSandhi(a.raw, a.key, b.raw, b.key) || kumarSandhi(b.raw, b.key, a.raw, a.key)) return 'translit';
  const latin = !a.loose && !b.loose;
  if (swamy(a.key, latin) === swamy(b.key, latin)) return 'translit';
  if (dravidianU(a.raw, b.raw) || dravidianU(b.raw, a.raw)) return 'translit';
  const tail = latin ? tamilTail(a.raw, b.raw) : null;
  if (tail) {
    const k = compareSpelled(makeToken(tail), b, false, false);
    if (k !== 'none') return k === 'exact' ? 'translit' : k;
  }
  if (kumarA(a.raw, b.raw) || eyA(a.raw, b.raw)) return 'translit';
  // Listed as one name: before the suffix rules, which read Pilla / Pillai as a feminine.
  if (oneName(a.key, b.key)) return 'translit';
  if (a.key[0] === b.key[0] && nasalKey(a.key) === nasalKey(b.key)) return 'translit';
  // A token read from Tamil script does not know its voicing: compare with it folded.
  const loose = Math.max(a.loose, b.loose);
  const ka = loose ? looseKey(a.raw, loose) : a.key;
  const kb = loose ? looseKey(b.raw, loose) : b.key;
  if (loose && ka === kb) return 'translit';
  if ((aTrunc && prefixOf(a, b)) || (bTrunc && prefixOf(b, a))) return 'prefix';
  // Before the suffix rules, which read Ashok / Ashokrao as another name.
  const hk = loose ? null : honorific(a.raw, b.raw);
  if (hk) return hk;
  if (!loose && shortEndra(a.raw, b.raw)) return 'regional';
  if (kumarJoinA(a.raw, b.raw)) return 'translit';
  const am = loose ? null : teluguAm(a.raw, b.raw);
  if (am) return am;
  const sk = suffixKind(ka, kb);
  if (sk === 'gender' && geminateA(a.raw, b.raw)) return 'translit';
  if (sk === 'gender' && (masculineAya(a.raw, b.raw) || nathA(a.raw, b.raw) || ramA(a.raw, b.raw) || ayanA(a.raw, b.raw))) return 'translit';
  if (sk === 'translit' && (feminineIA(a.raw, b.raw) || feminineBZJ(a.raw, b.raw) || iAgainstYa(a.raw, b.raw))) return 'gender';
  if (sk) return sk;
  // Spellings typed for one word of an Indian script: one name, whatever the rules below say.
  // Not a masculine / feminine pair (above): scripts that end every word in a vowel get Sunil
  // typed as Sunila.
  if (attested(a.raw, b.raw)) return 'translit';
  if (schwaVariant(ka, kb)) return 'translit';
  if (Math.min(a.raw.length, b.raw.length) >= 6 && schwaAndFinal(ka, kb)) return 'regional';
  if (!loose && regionalEqual(ka, kb, a.raw, b.raw)) return 'regional';
  // The Bengali o together with the inherent final a written on one side only (Prosant /
  // Prasanta, Niranjon / Niranjana): the final a read as suffixKind reads it, on the folded keys,
  // so that a feminine stays apart (Komol / Kamala).
  if (!loose && ka[0] === kb[0] && (a.raw.includes('O') || b.raw.includes('O')) &&
    suffixKind(regionalKey(ka, false), regionalKey(kb, false)) === 'translit') return 'regional';
  // The Bengali -oy of a long masculine name against its -aya (Chinmoy / Chinmaya, Dhananjoy /
  // Dhananjaya), as masculineAya reads -ay against -aya; not a vowel's -moy, whose -maya is the
  // woman's name Maya (Shantimoy / Shanti Maya, Dayamoy).
  if (!loose && a.raw.endsWith('OY') !== b.raw.endsWith('OY') && !/[AEIOU]MOY$/.test(a.raw) && !/[AEIOU]MOY$/.test(b.raw) &&
    masculineAya(finalOyAy(a.raw), finalOyAy(b.raw))) return 'regional';
  if (!loose && epenthetic(a.raw, b.raw)) return 'regional';
  if (!loose && (a.raw.includes('D') || b.raw.includes('D')) && thdhEqual(a.raw, b.raw)) return 'regional';
  if (!loose) {
    let near: { kind: Kind; a: string; b: string }[] | null = null;
    for (const f of SPELLING_FOLDS) {
      if (!f.applies(a.raw, b.raw)) continue;
      const ra = f.fold(a.raw);
      const rb = f.fold(b.raw);
      const fa = canon(ra);
      const fb = canon(rb);
      if (fa === fb) return f.kind;
      // What the rules on the rest could still join: the first letter alike, a letter or two
      // apart in length (an -a, an inner a, a vowel written double).
      if (f.asToken && fa[0] === fb[0] && Math.abs(fa.length - fb.length) <= 2 && (f.asToken === true || f.asToken(a.raw, b.raw))) {
        (near ??= []).push({ kind: f.kind, a: ra, b: rb });
      }
    }
    const fk = near && foldedTokens(near);
    if (fk) return fk;
  }
  if (!loose && tamilI(a, b)) return 'regional';
  if (!loose && arabicUl(a.raw, b.raw)) return 'regional';
  if (!loose && glideEqual(a.raw, b.raw)) return 'regional';
  if (!loose && finalEy(a.raw, b.raw)) return 'translit';
  if (!loose && (longE(a.raw, b.raw) || glideO(a.raw, b.raw))) return 'translit';
  if (!loose && schwaAndSpelling(a, b)) return 'regional';
  // Before the slips and vowels below, which would take such a pair as a weaker kind.
  if (!loose && slipAndSpelling(a, b)) return 'typo';
  // Glyph confusions are judged on the letters as written, not on the folded keys.
  const t = (loose ? null : typoKind(a.raw, b.raw)) ?? typoKind(ka, kb, false);
  // A vowel for a vowel deep in a long token is a spelling before it is a slip: the given-name
  // rules (score.ts) then treat it as one (Jagadeesan / Jagadiesan), not as a typing slip.
  if (t === 'typo2' && vowelForVowel(a.raw, b.raw)) return 'vowel';
  if (t) return t;
  if (vowelVariant(ka, kb)) return 'vowel';
  if (!loose && erAsIr(a.raw, b.raw)) return 'vowel';
  return 'none';
}

/**
 * The ending of a Tamil compound name written two ways while the name before it is written two
 * ways too (Munisamy / Munuswamy, Chinnaswamy / Chinnusamy, Sivaraju / Shivaraj): the rules above
 * read the ending's difference (swamy, dravidianU) only where the rest agrees by the keys, and the
 * name before it may lack its joining a on one side (Nagraj / Nagaraju, Rangswamy / Rangasamy).
 * a with b's ending, when the two endings are one (-swamy, -samy, -chamy; -raj, -raju) after three
 * letters or more; null otherwise. The words are then compared again by every rule. Not -rasu
 * against -raj, which the filings keep as two names (Thangarasu / Thangaraj), though -rasu is
 * -raju's Tamil spelling.
 */
const SAMY_END = /^(.{3,})((?:SW|S|CH)AA?M(?:Y|I|EE))$/;
const RAJ_END = /^(.{3,})(RAJU?)$/;
// Asked of most pairs of tokens: the last letter picks the one pattern to run.
const tailPattern = (w: string) => {
  const c = w.charCodeAt(w.length - 1);
  if (c === 89 /* Y */ || c === 73 /* I */ || c === 69 /* E */) return w.includes('AM') ? SAMY_END : null;
  return (c === 74 /* J */ || c === 85 /* U */) && w.includes('RAJ') ? RAJ_END : null;
};
function tamilTail(a: string, b: string): string | null {
  const re = tailPattern(a);
  if (re === null || re !== tailPattern(b)) return null;
  const ma = re.exec(a);
  const mb = ma && re.exec(b);
  return mb && ma[2] !== mb[2] ? ma[1] + mb[2] : null;
}

/**
 * The e that Bengali and Assamese spellings of Arabic names write for the i of a final -ir
 * (Zaker / Zakir, Taher / Tahir, Jaber / Jabir), as they do before other final consonants (Hamed
 * / Hamid, Rakeb / Rakib), which vowelVariant takes. Before r the keys read the e as the a of
 * Digamber / Digambar, so the -er is put back as -ir here, the rest the same by the keys; the
 * given-name vowel rules (score.ts) then judge the pair as any other vowel. Only in the shape of
 * those names, a consonant, one vowel, a consonant and the -er (not the family names Kher, Aher),
 * and not where the -er may as well be the -ar of a name of its own, as the lexicon or the
 * vowel-apart list knows it (Sager is Sagar, not Sagir; Kader may be Kadar; Saber / Sabar).
 */
const ER_END = /^[^AEIOU]+[AEIOU]+[^AEIOU]+ER$/;
const IR_END = /[^AEIOU](?:I|EE)R$/;
function erAsIr(a: string, b: string): boolean {
  // Asked of every two tokens no rule above relates: the last letters first.
  if (a[a.length - 1] !== 'R' || b[b.length - 1] !== 'R') return false;
  const aEr = ER_END.test(a);
  if (!aEr && !ER_END.test(b)) return false;
  const e = aEr ? a : b;
  const i = aEr ? b : a;
  if (!IR_END.test(i)) return false;
  // Nothing else apart: Kobeer (Kabir) is not Kuber.
  const ir = `${e.slice(0, -2)}IR`;
  if (canon(ir) !== canon(i)) return false;
  // The -ir as the e-word would write it, not as the other does: the lexicon lists spellings, and
  // lists Tahar with Tahir but not with Taahir.
  return !twoNames(`${e.slice(0, -2)}AR`, ir);
}

/**
 * Tamil script starts no word with r or l: it writes an i before them (இராமலிங்கம், இலட்சுமணன்),
 * and those who type from it write that i (Iramalingam / Ramalingam, Iranjchith / Ranjith,
 * Ilakshmanan / Lakshmanan). In five letters or more, of one token only; the rest must be the
 * other token by the keys and the transliteration rules, and a given name under six letters is
 * still asked its first letter (regionalGivenOk: Iravi / Ravi, Iraman / Raman stay apart).
 */
const IRL = (r: string) => r.length >= 5 && r.charCodeAt(0) === 73 /* I */ && (r.charCodeAt(1) === 82 /* R */ || r.charCodeAt(1) === 76 /* L */);
function tamilI(a: Tok, b: Tok): boolean {
  const [p, o] = IRL(a.raw) ? [a, b] : [b, a];
  if (!IRL(p.raw) || IRL(o.raw) || o.raw[0] !== p.raw[1]) return false;
  const k = compareTokens(makeToken(p.raw.slice(1)), o);
  return k === 'exact' || k === 'translit' || k === 'regional';
}

let unschwaing = false;
/**
 * The inherent a written inside a word together with another spelling of the same word
 * (Dharamaveer / Dharmvir, Suloochana / Sulochna, Shivaram / Shioram): the a left out of the
 * longer token, the two then one name by the keys and the transliteration rules. Tokens of seven
 * letters or more (Rishada / Rushda, Shulabh / Sulbha are two names) whose keys share their first
 * letter and are near.
 */
function schwaAndSpelling(a: Tok, b: Tok): boolean {
  // Not inside slipAndSpelling's repairs, and not in tokens longer than names are: each inner a
  // costs a comparison.
  if (unschwaing || repairing || a.key[0] !== b.key[0]) return false;
  const [s, l] = a.raw.length < b.raw.length ? [a, b] : [b, a];
  if (s.raw.length < 7 || l.raw.length > 20 || s.raw.length === l.raw.length || Math.abs(a.key.length - b.key.length) > 3) return false;
  // Not a joined -kumar, which the keys leave out (Santhakumar is keyed as Santha); the letter
  // tests before the edit distance, as this is asked of most pairs of different tokens.
  if (KUMAR_END.test(a.raw) || KUMAR_END.test(b.raw) || editDistance(a.key, b.key) > 3) return false;
  unschwaing = true;
  try {
    const r = l.raw;
    // After the first syllable (Sharadha / Sraddha are two names).
    for (let p = r.search(/[AEIOU]/) + 2; p < r.length - 2; p++) {
      // Between consonants; not beside a y (Mahaadevi / Mahadevayya, Aasheet / Ashiyath), nor after
      // a nasal, which the keys then read as the anusvara (Ramadeep / Randeep, Mahamati / Mahanti).
      if (r[p] !== 'A' || VOWELS.includes(r[p - 1]) || VOWELS.includes(r[p + 1]) || r[p + 1] === 'Y' || 'MNY'.includes(r[p - 1])) continue;
      // Nor after an h of its own, not a digraph's (Shahazad / Shajjad, Meharoon / Mehreen).
      if (r[p - 1] === 'H' && VOWELS.includes(r[p - 2])) continue;
      // The a alone taken out, not a letter the rules fold into its neighbour (Prabhavati less its
      // a is Prabhvati, which they read Prabati); but for the consonant it leaves doubled before
      // another, which the keys read once (Debabrata / Devbrata), not an r (Chitrarathi /
      // Chitrathi) nor before a vowel, where a syllable goes (Prababati / Prabati, Nandadulal /
      // Nandulal are two names).
      const t = makeToken(r.slice(0, p) + r.slice(p + 1));
      const doubled = r[p - 1] === r[p + 1] && r[p - 1] !== 'R' && !VOWELS.includes(r[p + 2]);
      if (t.own.length !== l.own.length - (doubled ? 2 : 1)) continue;
      // By the keys and the transliteration rules, not a regional spelling: the a and an e for
      // it together make other names (Rajeshari / Rajashri, Prakasha / Preksha).
      if (compareTokens(t, s) === 'translit') return true;
    }
    return false;
  } finally {
    unschwaing = false;
  }
}

// What a scanner reads for a letter, put back: c for e, d for o, l for i and i for l, v for u
// (the slips of test/support/name-variations.ts), not the rarer look-alikes, which the keys
// fold into other letters (w into b, y into i).
const SCANNED_AS: Record<string, string> = { C: 'E', D: 'O', L: 'I', I: 'L', V: 'U' };
const FINAL_VOWEL_SLIP = new Set(['L', 'V', 'C']);
let repairing = false;
/**
 * A scanner's slip and a spelling apart in one token (Abdullah / Abduiah read for Abdulah,
 * Aadesh / Aadhcsh): one look-alike glyph after the first letter, or rn, nn, cl read for m, d,
 * put back in either token, and the two then one name by the keys and transliteration rules (not
 * by a regional spelling, a vowel, a slip or a prefix). Six letters or more, as glyphSlip, and
 * only tokens whose keys are near, which keeps it off the hot path of plainly different tokens.
 */
function slipAndSpelling(a: Tok, b: Tok): boolean {
  if (repairing || a.raw.length < 6 || b.raw.length < 6 || a.key[0] !== b.key[0] || Math.abs(a.key.length - b.key.length) > 3) return false;
  if (editDistance(a.key, b.key) > 3) return false;
  repairing = true;
  try {
    for (const [t, o] of [[a, b], [b, a]] as const) {
      for (const [r, atEnd] of repairs(t.raw)) {
        // A last letter put back must give the other's key: the rules for endings would take
        // it further (Gandharv put back as Gandharu, the Telugu u of Gandhar).
        if (atEnd ? canon(r) === o.key : compareTokens(makeToken(r), o) === 'translit') return true;
      }
    }
    return false;
  } finally {
    repairing = false;
  }
}
/** Each spelling with one slip put back, and whether that was its last letter. */
function* repairs(raw: string): Generator<[string, boolean]> {
  // At the end only a final vowel read as a consonant (Aarini / Aareenl), not the reverse, which
  // the keys' suffix rules would read as another name's ending. Not a consonant the keys would
  // take as doubled; not a vowel beside another vowel, which the keys read as a glide (Jalesh put
  // back as Jaiesh is Jayesh), but for the same e or o, a long one (Surcesh put back as Sureesh).
  for (let i = 1; i < raw.length; i++) {
    const g = SCANNED_AS[raw[i]];
    if (!g || (i === raw.length - 1 && !FINAL_VOWEL_SLIP.has(raw[i]))) continue;
    const [p, n] = [raw[i - 1], raw[i + 1]];
    const ok = VOWELS.includes(g)
      ? (!VOWELS.includes(p) || (p === g && g !== 'I' && raw[i - 2] !== g)) && (!VOWELS.includes(n) || (n === g && g !== 'I' && raw[i + 2] !== g)) && !(p === g && n === g)
      : g !== p && g !== n;
    if (ok) yield [raw.slice(0, i) + g + raw.slice(i + 1), i === raw.length - 1];
  }
  for (const [from, to] of [['RN', 'M'], ['NN', 'M'], ['CL', 'D']]) {
    for (let i = raw.indexOf(from, 1); i >= 1; i = raw.indexOf(from, i + 1)) yield [raw.slice(0, i) + to + raw.slice(i + 2), false];
  }
}

const regionalCache = new Map<string, string>();
/**
 * A key with what regional Latin spellings write differently folded: the Bengali and Assamese
 * o for the short a (Raton / Ratan, Gobindo / Gobinda, Sanjoy / Sanjay), e for a inside a word
 * (Nayek / Nayak, Ahmed / Ahmad; not at the end: Gupta / Gupte are two families), and, after the first
 * letter, a stop voiced or not (Tamil writes one letter for both: Giritharan / Giridharan,
 * Vengatesan / Venkatesan, Appadurai / Appathurai), ch and j among them (Venkatachalam /
 * Venkatajalam).
 */
function regionalKey(key: string, voicing: boolean): string {
  const id = (voicing ? '1' : '0') + key;
  let k = regionalCache.get(id);
  if (k !== undefined) return k;
  k = voicing ? key[0] + key.slice(1).replace(/D/g, 'T').replace(/G/g, 'K').replace(/B/g, 'P').replace(/J/g, 'c') : key;
  // A silent e written at the end after a consonant (Aloke / Alok, Binode / Binod, Rajeeve).
  if (k.length >= 5 && k.endsWith('E') && !VOWELS.includes(k[k.length - 2])) k = k.slice(0, -1);
  k = k[0] + k.slice(1, -1).replace(/[OE]/g, 'A') + (k.length > 1 ? k[k.length - 1].replace('O', 'A') : '');
  k = k.replace(/([A-Za-z])\1+/g, '$1');
  if (regionalCache.size > 100_000) regionalCache.clear();
  regionalCache.set(id, k);
  return k;
}

const GFINAL = /G[AEIOU]$/;
/**
 * Tamil's one letter for k and g (க), said g between vowels and after its n, and written so in
 * Latin letters in words shorter than the voicing gate (eight letters, regionalEqual below): in
 * seven letters (Sugumar / Sukumar, Suganya / Sukanya, Malliga / Mallika, Nayagam / Nayakam), and
 * in six with a final -ga or -go (Renuga / Renuka, Ilango / Ilanko). Only that g, not one before
 * a consonant or a final one (Sangram / Sankram, Devang / Devank), nor in a shorter word (Bhagat /
 * Bhakat, Nagesh / Nakesh, Ragini / Rakini are two names), nor with a th on one side only (the
 * Bengali Sukanta is not the Tamil Sugantha). The k it gives is the keys' k, which reads kh too.
 */
const tamilK = (raw: string) => raw.replace(/(?<=[AEIOUN])G(?=[AEIOU])/g, 'K');
function tamilKEqual(a: string, b: string): boolean {
  if (!a.includes('G') && !b.includes('G')) return false;
  if (Math.min(a.length, b.length) < (GFINAL.test(a) || GFINAL.test(b) ? 6 : 7) || thCount(a) !== thCount(b)) return false;
  return canon(tamilK(a)) === canon(tamilK(b));
}
/**
 * Voicing is folded in long words only: short names that differ in it are mostly two names
 * (Atithi / Adithi, Japa / Jaba, Suparn / Suvarn).
 */
function regionalEqual(a: string, b: string, rawA: string, rawB: string): boolean {
  // Not the -esh of a name against -as or -ash: two names, lord and light (Rajesh / Rajas,
  // Vikesh / Vikas, Akesh / Akash), which the e for a below would join.
  if (ESH.test(rawA) !== ESH.test(rawB) && (ESH.test(rawA) ? ASH.test(rawB) : ASH.test(rawA))) return false;
  const voicing = Math.min(rawA.length, rawB.length) >= 8;
  if (a[0] === b[0]) return regionalKey(a, voicing) === regionalKey(b, voicing) || (!voicing && tamilKEqual(rawA, rawB));
  // An initial o for a (Otul / Atul, Omol / Amal), unless the o-spelling is a name of its own
  // (Omar / Amar).
  if (!isOA(a[0]) || !isOA(b[0]) || Math.min(rawA.length, rawB.length) < 4) return false;
  const [o, other] = a[0] === 'O' ? [a, b] : [b, a];
  if (!bengaliO(a[0] === 'O' ? rawA : rawB, 0) || !oForA(o, other)) return false;
  return regionalKey('A' + a.slice(1), voicing) === regionalKey('A' + b.slice(1), voicing);
}
const ESH = /ESH$/;
const ASH = /ASH?$/;
const isOA = (c: string) => c === 'O' || c === 'A';
/** An o written alone at i, as Bengali spellings write the short a: not ou, ow or oo, which spell other vowels. */
const bengaliO = (raw: string, i: number) => raw[i] === 'O' && !/[AEIOUWY]/.test(raw[i + 1] ?? '');

let oNames: Set<string> | null = null;
let longANames: Set<string> | null = null;
/**
 * Whether the o of key o may be the Bengali spelling of the a of key a, as far as the names
 * known (o-names-data.ts) tell: not when o is a name of its own (Komal, Mohan, Omar), nor when
 * a's first vowel is the long a, which Bengali does not write o (Asha / Osha).
 */
function oForA(o: string, a: string): boolean {
  oNames ??= new Set(O_NAMES.split(/\s+/).filter(Boolean).map(laterOAsA));
  longANames ??= new Set(LONG_A_NAMES.split(/\s+/).filter(Boolean));
  return !oNames.has(laterOAsA(o)) && !longANames.has(a);
}
let apartPairs: Set<string> | null = null;
/**
 * Whether the Indian Names Corpus gives two spellings that differ only in vowels as two names,
 * its Hindi spellings of them differing beyond vowel length (Kamal / Komal, Hema / Hima;
 * vowel-apart-data.ts). Looked up by the matcher's keys.
 */
export function vowelApart(a: string, b: string): boolean {
  apartPairs ??= new Set(VOWEL_APART.split('\n').filter(Boolean));
  const ka = canon(a);
  const kb = canon(b);
  return apartPairs.has(ka < kb ? `${ka} ${kb}` : `${kb} ${ka}`);
}

/**
 * A key with every o after its first vowel written a: Mohon is Mohan with the Bengali o in its
 * second syllable too, so it is the name Mohan, not Mahan's spelling.
 */
function laterOAsA(key: string): string {
  const v = key.search(/[AEIOU]/);
  return v < 0 ? key : key.slice(0, v + 1) + key.slice(v + 1).replace(/O/g, 'A');
}

/**
 * Short names whose first vowel differs only by o / a are more often two names than one
 * spelling (Kamal / Komal, Rohan / Rahan): in a given name the Bengali o counts only later
 * in the word or in a long one (Raton / Ratan, Prodip / Pradip is 6 letters). Measured on the
 * Indian Names Corpus: of the 90 pairs of its first names that this keeps apart, all 90 have
 * two Hindi spellings (Mohan / Mehan, Sahil / Sohil, Hena / Hana), none one.
 */
export function regionalGivenOk(rawA: string, rawB: string): boolean {
  if (Math.min(rawA.length, rawB.length) >= 6) return true;
  // A long vowel written double is the vowel, an aspirate's h the stop (Binod / Beenoth, Didar /
  // Dhithar).
  const a = plainLetters(rawA);
  const b = plainLetters(rawB);
  const n = Math.min(a.length, b.length);
  let firstVowel = -1;
  for (let i = 0; i < n; i++) if ('AEIOU'.includes(a[i])) { firstVowel = i; break; }
  let bv = false;
  for (let i = 0; i <= firstVowel && i < n; i++) {
    if (a[i] === b[i]) continue;
    // The Bengali b for v as the keys read it, in a Bengali spelling, with its o (Bijoy / Vijay,
    // Binoy / Vinay, Bimol / Vimal; not Barath / Varad). Not an Arabic name's w (wbApart), nor
    // with an o for the first vowel (Varah / Borah), nor in four letters (Vara / Baro).
    if (i === 0 && n >= 5 && bForV(a, b)) { bv = true; continue; }
    if (bv) return false;
    // The first vowel o for a: the Bengali spelling of the a-name (Lotif / Latif, Mohim /
    // Mahim), unless the o-spelling is a name of its own (the corpus's Hindi writes it with o:
    // Komal, Mohan, Rohit). Not in names of three letters, where it mostly is (Pon / Pan, Som / Sam).
    const [o, other] = a[i] === 'O' ? [a, b] : [b, a];
    return i === firstVowel && n >= 4 && isOA(a[i]) && isOA(b[i]) && bengaliO(o, i) && oForA(canon(o), canon(other));
  }
  return true;
}

const bForV = (a: string, b: string) => {
  const [o, v] = a[0] === 'B' ? [a, b] : [b, a];
  return o[0] === 'B' && v[0] === 'V' && o.includes('O', 2);
};
const plainLetters = (raw: string) => raw.replace(/EE/g, 'I').replace(/OO/g, 'U').replace(/AA/g, 'A').replace(/([BDGJKPT])H/g, '$1');

/** Voiced and voiceless stops as one (Tamil script writes each pair with one letter). */
export function voiceless(letter: string): string {
  return letter === 'G' ? 'K' : letter === 'D' ? 'T' : letter === 'B' ? 'P' : letter === 'J' || letter === 'C' ? 'S' : letter;
}

const looseCache = new Map<string, string>();
/**
 * The key of a token with what the other's script cannot write folded away, for comparing a
 * name read from an Indian script with a Latin one. Every script: the short a that Latin
 * spellings write as e (वर्मा: Verma / Varma, Surender), and a nasal before a consonant
 * (अंशुला: Anshula / Amshula). Tamil (level 2) also: voicing (Gopal / Kobal), ch / s / j
 * (Chandran / Santhiran), and the vowel Tamil puts into a cluster (Prakash / Pirakash,
 * Krishnan / Kirushnan, Lakshmi / Lakshumi). Malayalam (level 3): see below. Both tokens of a
 * comparison get the same fold.
 */
export function looseKey(raw: string, level: number): string {
  const id = level + raw;
  let k = looseCache.get(id);
  if (k !== undefined) return k;
  let f = raw.replace(/(?<=.)EY$/, 'E');
  // Malayalam: the Kerala spelling of an initial long i (Easwari, Eapen), a stop after a nasal
  // written voiced or not (the rolls write അനന്തൻ Anandan, കോലമ്പൻ Kolamban, കാഞ്ചന Kanjana,
  // ബങ്കര Bangara), ത്മ written tm or dm (Patmanabhan, Padmanabhan), and ഞ്ഞ written nh (Kunhi).
  if (level === 3) {
    f = f.replace(/^EA(?=[^AEIOU])/, 'I').replace(/NTH|NDH?|NT/g, 'ND').replace(/MP/g, 'MB').replace(/NCH?|NH/g, 'NJ').replace(/NK/g, 'NG')
      .replace(/TH?M/g, 'DM');
  }
  f = f.replace(/EE/g, 'I').replace(/E/g, 'A').replace(/M(?=[^AEIOUYPBMH])/g, 'N');
  if (level === 2) {
    f = f.replace(/(?<=^|[^AEIOU])[IU]R(?=[AEIOU])/g, 'R').replace(/CHH?|J|Z/g, 'S')
      .replace(/TH|DH?/g, 'T').replace(/GH?/g, 'K').replace(/BH?|PH|F/g, 'P').replace(/SHUM/g, 'SHM');
  }
  k = canon(f);
  if (looseCache.size > 50_000) looseCache.clear();
  looseCache.set(id, k);
  return k;
}
