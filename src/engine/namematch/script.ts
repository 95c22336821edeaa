// Names written in Indian scripts, read as the Latin spelling a bank clerk would write.
//
// Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Telugu, Kannada and Malayalam go through the
// sanscript library (scheme tables kept by the indic-transliteration project) into IAST, and
// IAST is then turned into the plain spelling Indian records use (ś -> SH, ā -> A, ṇ -> N).
// Tamil does not: its script writes k and g, t and d, p and b, s and ch with one letter each,
// and sanscript reads them as the aspirated Sanskrit sounds (கிருஷ்ணன் -> "ghiruṣṇaṉ"). Tamil
// has a small table here that follows the spelling conventions of Tamil names (voiced between
// vowels and after nasals: Murugan, Senthil, Anbu), and its tokens are compared with voicing
// folded (see Tok.loose), because the script cannot say whether a name is Kopal or Gopal.
import * as sanscriptModule from '@indic-transliteration/sanscript';

// A CommonJS module whose types declare an ES default export: at run time the default is
// module.exports itself, which is the library object.
type SanscriptApi = typeof sanscriptModule.default.default;
const loaded = sanscriptModule.default as unknown as SanscriptApi & { default?: SanscriptApi };
const Sanscript: SanscriptApi = loaded.default ?? loaded;

/** Any letter of an Indian script (Devanagari to Malayalam). */
export const INDIC_RE = /[\u0900-\u0D7F]/;

const BLOCKS: [number, string][] = [
  [0x0900, 'devanagari'], [0x0980, 'bengali'], [0x0a00, 'gurmukhi'], [0x0a80, 'gujarati'],
  [0x0b00, 'oriya'], [0x0b80, 'tamil'], [0x0c00, 'telugu'], [0x0c80, 'kannada'], [0x0d00, 'malayalam'],
];
// Scripts of languages that drop the inherent vowel at the end of a word (Rajesh, not Rajesha).
const DROPS_FINAL_A = new Set(['devanagari', 'bengali', 'gurmukhi', 'gujarati', 'oriya']);

function blockOf(cp: number): string | null {
  if (cp < 0x0900 || cp > 0x0d7f) return null;
  return BLOCKS[(cp - 0x0900) >> 7][1];
}

// Each block is laid out alike (ISCII order): offsets within the 128-code-point block.
const isConsonant = (off: number) => (off >= 0x15 && off <= 0x39) || (off >= 0x58 && off <= 0x5f);
const VIRAMA_OFF = 0x4d;
const NUKTA_OFF = 0x3c;

/**
 * Mark a word-final consonant that follows a vowel (not a conjunct) with a virama, so the
 * transliteration has no final inherent vowel: राजेश -> rājeś, but कृष्ण stays kṛṣṇa.
 */
function dropFinalA(word: string, base: number): string {
  const n = word.length;
  if (n < 2) return word;
  const last = word.charCodeAt(n - 1) - base;
  const prev = word.charCodeAt(n - 2) - base;
  if (!isConsonant(last) || prev === VIRAMA_OFF) return word;
  return word + String.fromCharCode(base + VIRAMA_OFF);
}

// IAST (as sanscript writes it) to the plain spelling of Indian records.
const IAST: [RegExp, string][] = [
  [/[ṃṁ]h$/g, 'ngh'], // सिंह: Singh
  [/kṣ/g, 'ksh'], [/jñ/g, 'gy'], [/ch/g, 'chh'], [/c(?!hh)/g, 'ch'],
  [/[śṣ]/g, 'sh'], [/[ṛṝ]/g, 'ri'], [/[ḷḹ]/g, 'l'], [/ḻ/g, 'zh'], [/ṟ/g, 'r'], [/ṉ/g, 'n'],
  [/ṭ/g, 't'], [/ḍ/g, 'd'], [/[ṇñṅ]/g, 'n'], [/[ṃṁ](?=[pbm])/g, 'm'], [/[ṃṁ]/g, 'n'],
  [/ḥ$/g, ''], [/ḥ/g, 'h'], [/ẏ/g, 'y'],
  // The chandrabindu, which sanscript writes ~ (a word breaker further on): a nasal vowel, which
  // Latin spellings write n (चाँद: Chand, हँसा: Hansa).
  [/~/g, 'n'],
  // Malayalam chillu letters (consonants with no vowel) pass through sanscript untouched.
  [/ൽ|ൾ/g, 'l'], [/ൻ|ൺ/g, 'n'], [/ർ/g, 'r'], [/ൿ/g, 'k'],
];

function fromIast(s: string): string {
  for (const [re, to] of IAST) s = s.replace(re, to);
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

// Malayalam names in Latin letters follow the language's sound, not the letters' Sanskrit values
// (the spellings of the Kerala electoral rolls' English pages): ഞ്ഞ is nj (Kunjan), ങ്ങ ng
// (Manangatt), ന്റ nt (Besant), റ്റ tt (Rittamma), ണ്ട nd (Andi, Kandan), ജ്ഞ jn (Ajnana), a
// lone ട between vowels d (Vadakara, Idukki), and a final anusvara m (Sailam).
const ML_IAST: [RegExp, string][] = [
  [/ññ/g, 'nj'], [/ṅṅ/g, 'ng'], [/nṟ/g, 'nt'], [/ṟṟ/g, 'tt'], [/ṇṭ(?!ṭ)/g, 'nd'], [/jñ/g, 'jn'],
  [/(?<=[aāiīuūeēèoōòṛ])ṭ(?=[aāiīuūeēèoōòṛ])/g, 'd'],
];
// Telugu, Kannada and Malayalam say a final anusvara as m (Kannada ಶಿವಂ, Malayalam സൈലം).
const FINAL_M = new Set(['telugu', 'kannada', 'malayalam']);

/**
 * Letters of the Bengali block that sanscript passes through untouched: the khanda ta (ৎ, a
 * final t: বিশ্বজিৎ is Biswajit) and Assamese ra and wa (ৰ, ৱ: বৰুৱা is Barua).
 */
function bengaliLetters(word: string): string {
  return word.replace(/\u09CE/g, '\u09A4\u09CD').replace(/\u09F0/g, '\u09B0').replace(/\u09F1/g, '\u09AC')
    // ড় and ঢ়, which NFC writes as ড and ঢ with a nukta (dropped further on): an r (বড়ুয়া: Barua,
    // লাহিড়ী: Lahiri).
    .replace(/[\u09A1\u09A2]\u09BC|[\u09DC\u09DD]/g, '\u09B0');
}

function viaSanscript(word: string, script: string, base: number): string {
  let w = '';
  if (script === 'bengali') word = bengaliLetters(word);
  for (const ch of word) if (ch.charCodeAt(0) - base !== NUKTA_OFF) w += ch; // ज़ -> ज: z and j share a key anyway
  if (DROPS_FINAL_A.has(script)) w = dropFinalA(w, base);
  // Older Malayalam text writes the chillu n with the digit nine (൯), which looks alike.
  if (script === 'malayalam') w = w.replace(/\u0D6F/g, '\u0D7B');
  let iast = Sanscript.t(w, script, 'iast');
  if (FINAL_M.has(script)) iast = iast.replace(/[ṃṁ]$/, 'm');
  if (script === 'malayalam') for (const [re, to] of ML_IAST) iast = iast.replace(re, to);
  return fromIast(iast);
}

// ---- the spellings a word allows ------------------------------------------------------------

/**
 * A word of an Indian script as the Latin spellings it allows: a run of places, each with the
 * letters that may stand there, the commonest first. Only what the script leaves
 * open: the inherent vowel, which Latin spellings write a, leave out (रामनाथ: Ramnath) or, in
 * Bengali, Assamese and Oriya, write o (গোলক: Golok); and Bengali letters that stand for more
 * than one Latin one (ব: b, v, or w after a consonant, often silent there: বিশ্বাস, Biswas; য:
 * j, y after a consonant; ৈ: oi as well as ai). A vowel the script writes stays as written.
 */
export type Spellings = string[][];

const O_SCRIPTS = new Set(['bengali', 'oriya']);
const isVowelSign = (off: number) => (off >= 0x3e && off <= 0x4c) || off === 0x62 || off === 0x63 || off === 0x57;
const unitCache = new Map<string, string>();
/** One letter (or a consonant with a sign) in IAST, turned into plain Latin letters. */
function plain(text: string, script: string): string {
  const key = script + text;
  let r = unitCache.get(key);
  if (r === undefined) {
    r = fromIast(Sanscript.t(text, script, 'iast'));
    unitCache.set(key, r);
  }
  return r;
}

// Bengali letters read apart from their neighbours, as private-use characters: য় (y after a vowel),
// the Assamese ৱ, and ড় / ঢ় (an r).
const BN_Y = '\uE000';
const BN_W = '\uE001';
const BN_RR = '\uE002';
const BN_RRH = '\uE003';
const BN_OWN: Record<string, string[]> = { [BN_W]: ['w', 'v', 'b', ''], [BN_RR]: ['r', 'd'], [BN_RRH]: ['r', 'rh', 'dh'] };
// Vowels (independent, or signs by their offset) that, before য়, Bengali spellings of Arabic
// and Persian names write for a w: আনোয়ার Anwar or Anowar, ওয়াহাব Wahab, আউয়াল Awal,
// দেওয়ান Dewan; and the ই that a first য় or উ makes a y (ইয়াসমিন, ইউসুফ).
const BN_O = '\u0993';
const BN_U = '\u0989';
const BN_I = '\u0987';
const O_SIGN = 0x4b;
const U_SIGN = 0x41;
const AA_SIGN = 0x3e;

function spellings(word: string, script: string, base: number): Spellings | null {
  if (!DROPS_FINAL_A.has(script)) return null;
  const bn = script === 'bengali';
  if (bn) {
    word = bengaliLetters(word.replace(/\u09AF\u09BC|\u09DF/g, BN_Y).replace(/\u09F1/g, BN_W)
      .replace(/\u09A1\u09BC|\u09DC/g, BN_RR).replace(/\u09A2\u09BC|\u09DD/g, BN_RRH));
  }
  const cs = [...word];
  const out: Spellings = [];
  const virama = String.fromCharCode(base + VIRAMA_OFF);
  const o = O_SCRIPTS.has(script);
  let vowelSeen = false;
  let prevConjunct = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const beforeY = cs[i + 1] === BN_Y;
    if (c === BN_Y) {
      // After o or u, য় is the w of Anwar or nothing (Monowar, Barua); after i, nothing too (Pria).
      const prev = cs[i - 1];
      const prevOff = prev === undefined ? -1 : prev.charCodeAt(0) - base;
      const afterOU = prev === BN_O || prev === BN_U || prevOff === O_SIGN || prevOff === U_SIGN;
      out.push(afterOU ? ['y', 'w', ''] : prev === BN_I ? ['y', ''] : ['y']);
      if (!isVowelSign(cs[i + 1]?.charCodeAt(0) - base) && cs[i + 1] !== virama) out.push(i === cs.length - 1 ? [''] : ['a', ...(o ? ['o'] : []), '']);
      continue;
    }
    const off = c.charCodeAt(0) - base;
    if (off === NUKTA_OFF || c === virama) continue;
    const own = BN_OWN[c];
    if (isConsonant(off) || own !== undefined) {
      const afterConsonant = i > 0 && cs[i - 1] === virama;
      let letters = own ?? [plain(c + virama, script)];
      // ज / জ also writes z in names of Arabic and Persian origin (आज़म without its dot, আজহার:
      // Azhar), as the Bengali য does (যাকির: Zakir) and ছ an s (হাছান: Hasan).
      if (off === 0x1c) letters = ['j', 'z'];
      else if (bn && off === 0x1b) letters = ['chh', 's'];
      else if (bn && off === 0x2c) letters = afterConsonant ? ['w', 'b', 'v', ''] : ['b', 'v'];
      else if (bn && off === 0x2f) letters = afterConsonant ? ['y', ''] : ['j', 'y', 'z'];
      out.push(letters);
      const conjunctBefore = prevConjunct;
      prevConjunct = afterConsonant;
      let j = i + 1;
      while (cs[j] !== undefined && cs[j].charCodeAt(0) - base === NUKTA_OFF) j++;
      const next = cs[j];
      if (next === virama || (next !== undefined && isVowelSign(next.charCodeAt(0) - base))) continue;
      // The inherent vowel. At the end of a word it is not written after a single consonant
      // (राजेश: Rajesh), and an a there would be the feminine's long a; after a conjunct it is
      // (कृष्ण: Krishna). Inside a word it may be left out only after a vowel (कमल is Kamal,
      // never Kmal).
      const atEnd = next === undefined;
      // Bengali and Oriya say it, and Latin spellings write it, after a syllable that starts
      // with a conjunct (সুব্রত: Subrata, অচ্যুত: Achyuta) and after h (গুহ: Guha); not after
      // a plain syllable, where an a would make the feminine (অমিত: Amit, not Amita).
      const said = o && (conjunctBefore || off === 0x39);
      if (atEnd) out.push(afterConsonant ? ['a', ...(o ? ['o'] : [])] : said ? ['', 'a', 'o'] : ['', ...(o ? ['o'] : [])]);
      else out.push(['a', ...(o ? ['o'] : []), ...(vowelSeen ? [''] : [])]);
      vowelSeen = true;
      continue;
    }
    vowelSeen ||= !isConsonant(off);
    if (isVowelSign(off)) {
      const v = plain(String.fromCharCode(base + 0x15) + c, script).slice(1); // after a ka
      if (bn && off === 0x48) out.push(['ai', 'oi']);
      else if (bn && off === 0x4c) out.push(['au', 'ou']);
      else if (bn && off === O_SIGN && beforeY) out.push(['o', 'w', 'u']);
      // রায়: Ray, and Roy as Bengali surnames are written in English.
      else if (bn && off === AA_SIGN && beforeY && i + 2 === cs.length) out.push(['a', 'o']);
      else out.push([v]);
      continue;
    }
    if (off === 0x02) { out.push(['n', 'm', 'ng']); continue; } // the anusvara
    if (off === 0x01) { out.push(['n', '']); continue; } // the chandrabindu
    if (off === 0x03) { out.push(['h', '']); continue; } // the visarga
    if (bn && c === BN_O && (i > 0 || beforeY)) {
      // ও after a vowel is the w or u of Shawkat, Shaukat; before য়, the w of ওয়ালী (Wali).
      out.push(i > 0 ? ['o', 'w', 'u'] : ['o', 'w', '']);
      continue;
    }
    if (bn && c === BN_U && beforeY) { out.push(['u', 'w', '']); continue; }
    // A first ই before য় or উ is the y of ইয়াসমিন (Yasmin), ইউসুফ (Yusuf).
    if (bn && c === BN_I && i === 0 && (beforeY || cs[1] === BN_U)) { out.push(['i', 'y', '']); continue; }
    const p = plain(c, script).toLowerCase();
    if (/^[a-z]+$/.test(p)) out.push([p]);
  }
  return out;
}

// ---- Tamil ----------------------------------------------------------------------------------

const TA_VOWELS: Record<string, string> = {
  'அ': 'a', 'ஆ': 'a', 'இ': 'i', 'ஈ': 'ee', 'உ': 'u', 'ஊ': 'oo', 'எ': 'e', 'ஏ': 'e', 'ஐ': 'ai', 'ஒ': 'o', 'ஓ': 'o', 'ஔ': 'au',
};
const TA_SIGNS: Record<string, string> = {
  'ா': 'a', 'ி': 'i', 'ீ': 'ee', 'ு': 'u', 'ூ': 'oo', 'ெ': 'e', 'ே': 'e', 'ை': 'ai', 'ொ': 'o', 'ோ': 'o', 'ௌ': 'au',
};
const PULLI = '்';
// Consonants with one spelling in every position.
const TA_PLAIN: Record<string, string> = {
  'ங': 'n', 'ஞ': 'nj', 'ண': 'n', 'ந': 'n', 'ம': 'm', 'ய': 'y', 'ர': 'r', 'ல': 'l', 'வ': 'v', 'ழ': 'zh', 'ள': 'l',
  'ற': 'r', 'ன': 'n', 'ஜ': 'j', 'ஷ': 'sh', 'ஸ': 's', 'ஹ': 'h', 'ஶ': 'sh',
};
// Stops: [at the start of a word or doubled, between vowels, after a nasal].
const TA_STOPS: Record<string, [string, string, string]> = {
  'க': ['k', 'g', 'g'], 'ச': ['s', 's', 'j'], 'ட': ['t', 'd', 'd'], 'த': ['th', 'd', 'th'], 'ப': ['p', 'b', 'b'],
};
const TA_NASALS = new Set(['ங', 'ஞ', 'ண', 'ந', 'ம', 'ன']);

function tamil(word: string): string {
  const cs = [...word];
  let out = '';
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (TA_VOWELS[c] !== undefined) { out += TA_VOWELS[c]; continue; }
    const stop = TA_STOPS[c];
    const plain = TA_PLAIN[c];
    if (stop === undefined && plain === undefined) {
      if (c === 'ஃ') out += 'h';
      continue; // signs handled with their consonant; anything else is not a letter
    }
    let sound: string;
    if (stop) {
      const prevCons = i >= 2 && cs[i - 1] === PULLI ? cs[i - 2] : null;
      if (cs[i + 1] === PULLI && cs[i + 2] === c) sound = c === 'ச' || c === 'த' ? '' : stop[0]; // first of a pair
      else if (prevCons === c) sound = c === 'ச' ? 'ch' : c === 'த' ? 'th' : stop[0]; // Pichai, Muthu, Appa
      else if (prevCons && TA_NASALS.has(prevCons)) sound = stop[2]; // Murugan's g after n: Ranganathan, Anbu
      else if (prevCons === 'ட' && c === 'ச') sound = 'sh'; // ட்ச writes Sanskrit ksh: Lakshmi, Dakshina
      else if (c === 'ட' && cs[i + 1] === PULLI && cs[i + 2] === 'ச') sound = 'k';
      else if (i === 0 || prevCons || cs[i + 1] === PULLI) sound = stop[0];
      else sound = stop[1]; // between vowels: Murugan, Vadivel
    } else sound = plain;
    // ற்ற is read tr (Kotravai), ங before க is the ng of Ranganathan.
    if (c === 'ற' && cs[i + 1] === PULLI && cs[i + 2] === 'ற') { out += 't'; i++; continue; }
    const next = cs[i + 1];
    if (next === PULLI) { out += sound; i++; continue; }
    if (next !== undefined && TA_SIGNS[next] !== undefined) { out += sound + TA_SIGNS[next]; i++; continue; }
    out += sound + 'a';
  }
  return out;
}

// Tokens repeat across a batch; the transliteration of a word is memoised.
const cache = new Map<string, string>();

const spellingsCache = new Map<string, Spellings | null>();
function spellingsOf(w: string, script: string, base: number): Spellings | null {
  const key = script + w;
  let r = spellingsCache.get(key);
  if (r !== undefined) return r;
  r = spellings(w, script, base);
  if (spellingsCache.size > 50_000) spellingsCache.clear();
  spellingsCache.set(key, r);
  return r;
}

/** One word of one script to Latin letters (lower case). */
function word(w: string, script: string, base: number): string {
  const key = script + w;
  let r = cache.get(key);
  if (r !== undefined) return r;
  r = script === 'tamil' ? tamil(w) : viaSanscript(w, script, base);
  if (cache.size > 50_000) cache.clear();
  cache.set(key, r);
  return r;
}

/**
 * Initials written as the names of the English letters, as Indian-script records write them
 * (এ কে এম, एम एस, எம் ஜி ஆர்: A K M, M S, M G R), by the word's Latin spelling. Not the
 * bare vowels (ই, ও, ঊ: I, O, U), which are words too. Bengali reads ব as b, so its বি is B
 * and its ভি V; elsewhere बी is B and वी V.
 */
const LETTER_NAMES: Record<string, string> = {
  e: 'a', bi: 'b', si: 'c', di: 'd', eph: 'f', ji: 'g', eich: 'h', ech: 'h', ai: 'i', je: 'j', ke: 'k', el: 'l',
  em: 'm', en: 'n', pi: 'p', kiu: 'q', kyu: 'q', ar: 'r', es: 's', ti: 't', iu: 'u', yu: 'u', vi: 'v', eksa: 'x',
  eks: 'x', jed: 'z',
};
const BENGALI_LETTER_NAMES: Record<string, string> = { ...LETTER_NAMES, vi: 'b', bhi: 'v' };
// जी, ਜੀ, જી are also a word of names and their respect (राम जी लाल: Ram Ji Lal), not read as G.
const JI_SCRIPTS = new Set(['devanagari', 'gurmukhi', 'gujarati']);
function letterName(w: string, script: string): string | undefined {
  if (w === 'ji' && JI_SCRIPTS.has(script)) return undefined;
  return (script === 'bengali' ? BENGALI_LETTER_NAMES : LETTER_NAMES)[w];
}

export interface Latinised {
  text: string;
  /** For the words of a script that leaves letters open, the spellings it allows, by the word as written in text (upper case). */
  spellings: Map<string, Spellings>;
  /** Some of the name was Tamil: its stops carry no voicing. */
  tamil: boolean;
  /** Some of the name was Malayalam: a stop after a nasal is written voiced or not in Latin. */
  malayalam: boolean;
}

/** Replace every run of Indian-script letters by its Latin spelling. Other text is kept. */
export function latinise(input: string): Latinised {
  let out = '';
  let run = '';
  let runScript: string | null = null;
  const spellingMap = new Map<string, Spellings>();
  let tamilSeen = false;
  let malayalamSeen = false;
  const flush = () => {
    if (run && runScript) {
      const base = BLOCKS.find(([, s]) => s === runScript)![0];
      const w = word(run, runScript, base);
      const letter = letterName(w, runScript);
      if (letter !== undefined) out += letter;
      else {
        out += w;
        const sp = spellingsOf(run, runScript, base);
        if (sp) spellingMap.set(w.toUpperCase(), sp);
      }
      if (runScript === 'tamil') tamilSeen = true;
      if (runScript === 'malayalam') malayalamSeen = true;
    }
    run = '';
    runScript = null;
  };
  for (const ch of input.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    const sc = blockOf(cp);
    // Danda and double danda are punctuation of every block.
    if (sc && cp !== 0x0964 && cp !== 0x0965) {
      if (runScript && sc !== runScript) flush();
      runScript = sc;
      run += ch;
    } else if (ch === '\u200c' || ch === '\u200d') {
      continue; // joiners shape glyphs inside a word; they are not letters
    } else {
      flush();
      out += ch;
    }
  }
  flush();
  return { text: out, spellings: spellingMap, tamil: tamilSeen, malayalam: malayalamSeen };
}
