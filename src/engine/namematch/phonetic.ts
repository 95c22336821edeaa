// A canonical key per token: the spelling variants Indian names take when written in Latin
// letters (transliteration from many scripts, by many clerks) collapse to one key, while names
// that are different stay apart. The key keeps vowels (Mona/Mina, Nandan/Nandini differ only
// there); it only folds vowel spellings that mean the same sound (ee/i, oo/u, au/ou/o).
import { SURNAMES_RAW, VARIANT_GROUPS, WEAK_RAW } from './lexicon.js';

/** A -bhai, -bai or -ben joined to a given name (Rameshbhai, Rajanibai, Anandabay, Hansaben). */
export const BHAI_BEN_END = /(?:B+H?A[IY]|BEHN|BEN)$/;
/** A -kumar joined to a given name, spelled kh, oo, mm too (Jayakoomar, Anilkhumar). */
export const KUMAR_END = /KH?(?:U|OO)M+AA?R$/;

const GROUP_KEY = new Map<string, string>();
// A listed spelling's own key (by the rules) to its group's key: a spelling the list does not
// hold, that the rules read as one it does, joins the group too (Hoshen as Hosen, Yosuf as
// Yousuf). Keys of five letters or more, held by one group only: shorter ones are other names'
// too (Sayid's key is Said's, and Said is Saeed; Rav's is Rab's).
const RULES_GROUP = new Map<string, string | null>();
// A listed spelling written bare (below), to its group's key: a spelling that differs from a
// listed one only in how it writes one sound joins the group at any length (Boshe as Bose, Sek
// as Sekh), as the rules read those letters alike anyway.
const BARE_GROUP = new Map<string, string | null>();
const join = (m: Map<string, string | null>, k: string, key: string) => {
  const held = m.get(k);
  m.set(k, held === undefined || held === key ? key : null);
};
for (const g of VARIANT_GROUPS) {
  const key = canonRules(g[0]);
  for (const w of g) {
    GROUP_KEY.set(w, key);
    if (w.length >= 3) join(BARE_GROUP, bare(w), key);
    const own = canonRules(w);
    if (own.length >= 5) join(RULES_GROUP, own, key);
  }
}

/**
 * A spelling with the letters that spell one sound several ways written one way (no h after a
 * consonant or at the end, doubled letters once, ph as f, q and ck as k, x as ks): Shaikh and
 * Shhaik are SAIK. Not the rules' folds of one sound for another (v / b, z / j) nor of vowels,
 * which make short keys ambiguous (Rab is Rav by them, Sayid is Said). An h between vowels is a
 * letter (Rahi is not Rai).
 */
function bare(s: string): string {
  return s
    .replace(/PH/g, 'F')
    .replace(/(?<=[^AEIOU])H|H$/g, '')
    .replace(/CK|Q/g, 'K')
    .replace(/X/g, 'KS')
    .replace(/([A-Z])\1+/g, '$1');
}

/**
 * A length to gate rules by that a spelling's doubled letters and h do not change, so that
 * Emmil and Emil, Irrumbuzhi and Irumbuzhi are gated alike.
 */
function letters(s: string): number {
  return s.replace(/([A-Z])\1+/g, '$1').replace(/H/g, '').length;
}

function canonRules(w: string): string {
  let s = w;
  // Suffixes written into the given name, mostly in Gujarat and Kerala: RAMESHBHAI, HANSABEN,
  // RAJANIBAI, written bhai and bhay in Kerala too (Rajanibhai, Anandabay). They carry no
  // identity (the matcher treats a separate KUMAR as weak too). Gated on letters as well, so that
  // a long vowel written double (Bhaaben) does not make a six-letter name long enough; and not
  // the -bhay (fear) of Nirbhay and Vitabhay, written with i too (Nirbhai), which is no suffix.
  if (s.length >= 7 && letters(s) >= 6 && !/^(?:N[IE]+R+|[VWB][IE]+T+H?A+)BH?A[IY]$/.test(s)) s = s.replace(BHAI_BEN_END, '');
  // The Sanskrit jn (jñ) as each region writes it: gy in Hindi (Gyan, Pragya), gn in the south
  // (Gnanasekaran), dny in Marathi (Dnyaneshwar, Pradnya, Yadnya), jn and gny (Jnanesh,
  // Pragnya). A gn or jn inside a word is left as written: there it is as often two letters of
  // their own (Agneya / Agyeya, Rajni / Ragni are two names).
  s = s.replace(/^(?:DNY|GNY|JNY|JN|GN)(?=[AEIOU])/, 'GY').replace(/(?<=[AEIOU])(?:DNY|GNY|JNY)/g, 'GY');
  // Not when what is left is a two-letter stem, its vowel written double or its s sh: SOOKUMAR
  // and SHUKUMAR are Sukumar. Counted so, RAAJKUMAAR keeps a stem.
  const kumar = KUMAR_END.exec(s);
  if (kumar && s.length >= 8 && letters(s.slice(0, kumar.index)) >= 3) s = s.slice(0, kumar.index);
  // The filings' English for अब्दुल is sometimes Abhul (Abhul Rahiman), a spelling of no other
  // name. As a word of its own: Abul (Abul Kalam, Abul Hasan) is another name, and a bare key
  // of Abhul would be Abul's.
  if (s === 'ABHUL') s = 'ABDUL';
  // Arabic article assimilation: ABDUR RAHMAN, ABDUS SALAM are ABDUL + name.
  // Its u may be written oo and its d dh (Abdoor, Abdhur).
  s = s.replace(/^ABDH?(?:U|OO)([RSNZDT])H?(?=\1|$)/, 'ABDUL'); // and its t written th (Abduth)
  // Joined to its name, the assimilated letter is often written once (Kerala: Abdurahiman,
  // Abdusalam, Abdunavas for Abdur Rahman, Abdus Salam, Abdun Navas): long tokens only.
  if (letters(s) >= 7) s = s.replace(/^ABDH?(?:U|OO)([RSNZDT])(?=[AEIOU]|H[AEIOU])/, 'ABDUL$1');
  // ai before a vowel is the glide ayy (Aiyanar / Ayyanar, Kanhaiya / Kanhayya), and so is the
  // ai of the Tamil and Telugu -aiah (Karuppaiah / Karuppaiya / Karuppayya); ei and oi too
  // (Theiyam / Theyyam). Before the length gates below, which it shortens.
  s = s.replace(/([AEO])IY*(?=[AEIOU])/g, '$1Y');
  s = s.replace(/SHH/g, 'SH'); // shh typed for the retroflex sh (Shharma, Krishhna), a typing scheme's
  s = s.replace(/SH?YA/g, 'SA'); // Shyam / Syam / Sham
  s = s.replace(/PH/g, 'F');
  s = s.replace(/KSH|X/g, 'KS'); // Lakshmi / Laxmi
  s = s.replace(/(?<=[AEIOU])NG(?=S)/g, 'N'); // the Bengali anusvara before s: Himangshu / Himanshu
  s = s.replace(/ZH/g, 'L'); // Tamil retroflex: Azhagu / Alagu, Pazhani / Palani
  s = s.replace(/TH?CH/g, 'CH'); // Pitchai / Pichai, Kitchlu / Kichlu, Sathchidanandan / Satchidanandan
  s = s.replace(/^JEYA/, 'JAYA'); // Tamil writes the jaya- names with je: Jeyanthi, Jeyaraman
  s = s.replace(/^EA(?=[^AEIOU])/, 'E'); // Easwaran / Eswaran, Eashan / Eshan
  // ea for the long e or i, as English spells it, inside a word: Teana / Tina, Nearwan / Nirvan.
  s = s.replace(/(?<=[^AEIOU])EA(?=[^AEIOU])/g, 'EE');
  // Bengali: Ujjwal / Ujjal, Ujjwala / Ujjala, Ujjvala; Ujwala at the start too (not the jw of
  // Lajwati / Lajvati, which stays a consonant).
  s = s.replace(/JJ[WV]/g, 'JJ').replace(/^UJ[WV]/, 'UJJ');
  s = s.replace(/C+CH/g, 'CH'); // the doubled ch of Sacchidananda / Sachidananda, Acchindra
  s = s.replace(/CHH?/g, 'c'); // 'c' stands for the ch sound from here on
  s = s.replace(/(?<=..)QUE$/, 'K'); // Farooque / Farook, Siddique / Siddik, Haque / Hak
  s = s.replace(/QU(?=[AEIOU])/g, 'K').replace(/Q/g, 'K');
  s = s.replace(/CK/g, 'K').replace(/C(?=[EIY])/g, 'S').replace(/C/g, 'K');
  // Tamil romanisations: ng before the k it voices (Thangkam / Thangam, Lingkam / Lingam), and
  // the i that Tamil writes before an initial r (Iraajendran / Rajendran); long names only, as
  // Irani / Rani are two.
  s = s.replace(/NGK/g, 'NG');
  if (letters(s) >= 9) s = s.replace(/^IR+(?=[AEIOU])/, 'R');
  // An initial i written e, as South Indian and Bengali spellings do (Eswaran / Iswaran, Elango /
  // Ilango, Ebrahim / Ibrahim, Emran / Imran): long names only, as Esha / Isha and Ela / Ila are
  // filed as names of their own. After the rule above: Eranhikal is not Ranhikal.
  if (letters(s) >= 5) s = s.replace(/^E(?=[^AEIOU])/, 'I');
  // Tamil writes the d of -endra with the letter of t after its n, typed th, often with the
  // vowel Tamil puts into the cluster (Rajenthiran / Rajendran, Mahenthiran, Surenthran).
  s = s.replace(/ENTH[IU]?R(?=[AO])/g, 'ENDR');
  // Aspirates are written or not: Bhupendra/Bupendra, Shyam/Syam, Jyothi/Jyoti.
  s = s.replace(/([BDGJKST])H+/g, '$1'); // the h doubled too: Vithhal / Vithal
  s = s.replace(/OW(?=[^AEIOU]|$)/g, 'O'); // Chowdhury
  s = s.replace(/AW(?=[KH])/g, 'AU'); // Shawkat / Shaukat, Chawhan / Chauhan, Jawhar; not Bhawna (Bhavna)
  s = s.replace(/AU|OU/g, 'O'); // Saurav / Sourav, Gaurav / Gourav
  s = s.replace(/EE|II/g, 'I').replace(/OO|UU/g, 'U').replace(/AA/g, 'A');
  s = s.replace(/YY/g, 'Y'); // Ayyappan / Ayappan, Iyyer / Iyer: before y is read as a vowel
  // Y as a vowel: Vyshnavi / Vaishnavi, Sanjay / Sanjai, Subramanyam / Subramaniam.
  s = s.replace(/(?<=.)EY$/, 'E'); // Pandey / Pande, Dubey / Dube (before Y is read as a vowel)
  s = s.replace(/(?<=[^AEIOU])Y(?=[^AEIOU])/g, 'AI');
  s = s.replace(/(?<=[^AEIOU])Y|(?<=.)Y(?=[^AEIOU]|$)/g, 'I');
  // Not after an r: a doubled r before u is one r (Arrun / Arun, Barruah / Baruah).
  s = s.replace(/(?<=[^AEIOUR])RU/g, 'RI'); // Krushna / Krishna, Pruthvi / Prithvi
  // The h of an initial hr is written or not: Hrishikesh / Rishikesh, Hriday / Riday, Hruday
  // (after the Odia ru above).
  s = s.replace(/^HR/, 'R');
  s = s.replace(/[WV]/g, 'B'); // w/v, and the Bengali b for v (Bikash / Vikas)
  s = s.replace(/Z/g, 'J'); // Bengali j for z (Zubair / Jubair, Aziz / Ajij)
  // Surendra / Surender / Surinder, Chandra / Chander, Sikandar / Sikander; the anusvara before
  // it typed as m, as Telugu and Kannada typists write it (Chamdra, Gamdharva). Not before a
  // second r, which doubles the first (Kubendarran / Kubendaran, Sundarraj / Sundaraj). Bengali
  // writes the vowel after it o (Narendro, Robindro).
  s = s.replace(/([EI]?)[NM]D(?:RA|ER|AR|RO)(?=[^AEIOUR]|$)/g, (_m, v: string) => (v ? 'INDR' : 'NDR'));
  s = s.replace(/([AEIOU])H+$/, '$1'); // Shah / Sha, Baruah / Barua, Varahh
  s = s.replace(/AYA(?=[^AEIOU])/g, 'AI'); // Jayashree / Jaishree, Jayapal / Jaipal
  s = s.replace(/(?<=[^AEIOU])IYA/g, 'IA'); // Aliya / Alia, Asiya / Asia
  s = s.replace(/AIYA/g, 'AIA'); // the Tamil and Telugu -aiah: Karuppaiya / Karuppaiah, Chinnaiya / Chinnaiah
  s = s.replace(/(?<=[^AEIOU])ER$/, 'AR'); // Digamber / Digambar, Kauser / Kausar
  s = s.replace(/([A-Za-z])\1+/g, '$1'); // doubled letters
  s = s.replace(/IAM$/, 'IAN'); // Tamil: Subramaniam / Subramanian
  return s;
}

// Tokens repeat a lot across a batch (surnames, KUMAR, DEVI), so the key is memoised.
const cache = new Map<string, string>();

/** Canonical key of one upper-case token of letters A-Z. */
export function canon(token: string): string {
  let k = cache.get(token);
  if (k !== undefined) return k;
  k = GROUP_KEY.get(token);
  if (k === undefined) {
    const own = rulesKey(token);
    k = RULES_GROUP.get(own) ?? (token.length >= 3 ? BARE_GROUP.get(bare(token)) : undefined) ?? own;
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(token, k);
  return k;
}

const rulesCache = new Map<string, string>();
/**
 * A token's key by the spelling rules alone, the variant lists not asked: two tokens with one
 * are spellings of one name whatever lists hold either (Bose is listed with Basu, its rules key
 * is Vose's too).
 */
export function rulesKey(token: string): string {
  let k = rulesCache.get(token);
  if (k !== undefined) return k;
  k = canonRules(token);
  if (rulesCache.size > 100_000) rulesCache.clear();
  rulesCache.set(token, k);
  return k;
}

const nasalCache = new Map<string, string>();
/**
 * A key with the nasal before a stop or sibilant written one way: the anusvara is spelled n or
 * m (Anshu / Amshu, Ambar / Anbar). Kept out of the key itself, where m before a consonant is
 * usually a real m (Mamta / Mamata, Kamla / Kamala must stay one schwa apart). Not Ram's m
 * before a j (Ramjit / Ranjit, Ramjan / Ranjan are two names); other m's before j are the
 * anusvara as Telugu and Kannada typists write it (Samjay / Sanjay, Amjali / Anjali).
 */
export function nasalKey(key: string): string {
  let k = nasalCache.get(key);
  if (k !== undefined) return k;
  k = key.replace(/M(?=[KGcTDSN])|(?<!^RA)M(?=J)/g, 'N').replace(/N(?=[PB])/g, 'M');
  if (nasalCache.size > 100_000) nasalCache.clear();
  nasalCache.set(key, k);
  return k;
}

export const WEAK_KEYS = new Set(WEAK_RAW.map((w) => GROUP_KEY.get(w) ?? canonRules(w)));
export const SURNAME_KEYS = new Set(SURNAMES_RAW.map((w) => GROUP_KEY.get(w) ?? canonRules(w)));

export const isVowel = (c: string): boolean => c === 'A' || c === 'E' || c === 'I' || c === 'O' || c === 'U';

/** The consonants of a key in order (vowels dropped): Chaudhary and Choudhury share it. */
export function skeleton(key: string): string {
  return key.replace(/[AEIOU]/g, '');
}
