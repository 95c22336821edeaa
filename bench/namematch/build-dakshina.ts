// Builds labelled pairs of Indian given names from the romanization lexicons of the Dakshina
// dataset (Google Research, Roark et al. 2020, CC BY-SA 4.0; see corpus/dakshina-LICENSE.txt):
// for words of nine Indian languages in their own script, the Latin spellings that native
// speakers typed, with how many of them typed each.
//
//   node --import tsx bench/namematch/build-dakshina.ts                   (the sets)
//   node --import tsx bench/namematch/build-dakshina.ts --extract DIR     (the corpus extract)
//   node --import tsx bench/namematch/build-dakshina.ts --variants        (the matcher's lexicon)
//   node --import tsx bench/namematch/build-dakshina.ts --vowels          (dakshina-vowels*.tsv)
//   node --import tsx bench/namematch/build-dakshina.ts --scripts         (dakshina-scripts*.tsv)
//
// DIR holds the dataset as released (DIR/hi/lexicons/hi.translit.sampled.train.tsv, ...).
// The lexicons sample words of Wikipedia, not names; the extract keeps the words that the other
// committed corpora show to be names (see isName below and README.md).
//
// The label comes from the annotators, not from us: two Latin spellings typed for one native word
// are the same name ("same"); near Latin spellings of two native words whose consonants differ
// (after the folds of hindi.ts) are different names ("different").
//
// Each native word falls, by a hash of its spelling, into the tuning part (dakshina.tsv) or the
// sealed part (dakshina-sealed.tsv, a third of the words) that no rule may be tuned on; a
// near miss pairs two words of one part. Deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consonantClasses, editDistance, hash, latinClasses, latinConsonants, mergeSounds, Sanscript, SURNAMES, TAMIL, withoutVowelLength } from './hindi.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const CORPUS = './corpus/dakshina-names.tsv';

// The languages of India in the dataset with a script sanscript reads (not Urdu, Sindhi, Sinhala).
const SCRIPT: Record<string, string> = {
  hi: 'devanagari', mr: 'devanagari', bn: 'bengali', gu: 'gujarati', pa: 'gurmukhi',
  ta: 'tamil', te: 'telugu', kn: 'kannada', ml: 'malayalam',
};
const LANGS = Object.keys(SCRIPT);

// ---- consonants of a native word and of a Latin spelling, comparable ----

/** A native word in Devanagari, with spellings of one sound merged (hindi.ts). */
function devanagari(word: string, lang: string): string {
  // Bengali khanda ta is a final t that sanscript passes through untouched.
  const w = lang === 'bn' ? word.replace(/\u09CE/g, '\u09A4\u09CD') : word;
  const d = SCRIPT[lang] === 'devanagari' ? w : Sanscript.t(w, SCRIPT[lang], 'devanagari');
  return mergeSounds(d).normalize('NFC');
}

/** Consonant classes of a Devanagari spelling, y and independent vowels left out (Latin y is often a vowel). */
function nativeClasses(deva: string, lang: string): string {
  // The vocalic r (ऋषि, कृष्ण) is written ri or ru: a consonant r here; ज्ञ is written gy (Marathi dny).
  const d = deva.replace(/\u090B/g, 'र').replace(/\u0943/g, '\u094D\u0930').replace(/ज\u094D\u091E/g, 'ग\u094D\u092F');
  let c = consonantClasses(d).replace(/[Vय]/g, '').replace(/ळ/g, 'ल');
  if (lang === 'ta') c = [...c].map((x) => TAMIL[x] ?? x).join('');
  return c.replace(/(.)\1+/g, '$1');
}

// ---- extraction: the released lexicons to the committed extract (names only) ----

interface Word { lang: string; native: string; roms: [string, number][] }

/** Words the committed corpora give as names: Devanagari spellings, and Latin spelling to consonants. */
function knownNames(): { deva: Set<string>; latin: Map<string, Set<string>> } {
  const deva = new Set<string>();
  const latin = new Map<string, Set<string>>();
  for (const f of ['./corpus/parlikar-names.tsv', './corpus/eci-affidavit-names.tsv']) {
    for (const line of readFileSync(here(f), 'utf8').split('\n')) {
      if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
      const [l, h] = line.split('\t');
      const lw = l.toUpperCase().split(/[^A-Z]+/).filter(Boolean);
      const hw = h.normalize('NFC').split(/[\s.,:;()\-/|\u0903\u0964]+/).filter(Boolean).map((w) => mergeSounds(w).normalize('NFC'));
      for (const w of hw) deva.add(w);
      if (lw.length !== hw.length) continue;
      lw.forEach((w, i) => {
        if (w.length < 3) return;
        const s = latin.get(w) ?? new Set<string>();
        s.add(nativeClasses(hw[i], 'hi'));
        latin.set(w, s);
      });
    }
  }
  return { deva, latin };
}

/**
 * A native word is kept as a name when the other corpora know it as one: in Devanagari, the
 * spelling itself is a name's Hindi spelling there; in another script, a Latin spelling typed
 * for it at least twice is a name there, written in Hindi with the same consonants (Tamil:
 * voicing aside). Common words that are also names (Kamal, Sagar, Vijay) stay in.
 */
function isName(w: Word, known: ReturnType<typeof knownNames>): boolean {
  const deva = devanagari(w.native, w.lang);
  if (SCRIPT[w.lang] === 'devanagari') return known.deva.has(deva);
  const cls = nativeClasses(deva, w.lang);
  return w.roms.some(([l, n]) => {
    if (n < 2) return false;
    const s = known.latin.get(l.toUpperCase());
    if (!s) return false;
    for (const c of s) if ((w.lang === 'ta' ? [...c].map((x) => TAMIL[x] ?? x).join('').replace(/(.)\1+/g, '$1') : c) === cls) return true;
    return false;
  });
}

function extract(dir: string): void {
  const known = knownNames();
  const lines: string[] = [];
  const counts: string[] = [];
  for (const lang of LANGS) {
    const words = new Map<string, Word>();
    for (const part of ['train', 'dev', 'test']) {
      for (const line of readFileSync(`${dir}/${lang}/lexicons/${lang}.translit.sampled.${part}.tsv`, 'utf8').split('\n')) {
        if (!line) continue;
        const [native, latin, n] = line.split('\t');
        const w = words.get(native) ?? { lang, native, roms: [] };
        w.roms.push([latin, Number(n)]);
        words.set(native, w);
      }
    }
    let kept = 0;
    for (const w of words.values()) {
      if (!isName(w, known)) continue;
      kept++;
      for (const [l, n] of w.roms) lines.push(`${lang}\t${w.native}\t${l}\t${n}`);
    }
    counts.push(`${lang} ${kept}`);
  }
  lines.sort();
  const header = [
    '# Source: Dakshina dataset v1.0 (Google Research; Roark et al. 2020, "Processing South Asian',
    '# Languages Written in the Latin Script: the Dakshina Dataset", LREC), romanization lexicons',
    '# (<lang>/lexicons/<lang>.translit.sampled.{train,dev,test}.tsv), CC BY-SA 4.0 (see',
    '# dakshina-LICENSE.txt). Kept: the native words that the other corpora here give as names',
    '# (build-dakshina.ts, isName), with every romanization typed for them; rows as in the source',
    '# with the language code put first, sorted. Format: lang <TAB> native <TAB> latin <TAB> count.',
    'lang\tnative\tlatin\tcount',
  ];
  writeFileSync(here(CORPUS), [...header, ...lines].join('\n') + '\n');
  console.log(`${CORPUS}: ${lines.length} rows; words kept: ${counts.join(', ')}`);
}

// ---- the sets ----

interface Name {
  lang: string;
  key: string; // language and merged Devanagari spelling: one native word
  cls: string; // its consonant classes
  roms: [string, number][]; // upper-case Latin spellings kept, most typed first
  native: string; // the word in its own script (the first of its spellings that merge)
}

type Row = [string, string, 'same' | 'different', string];

const HEAD = 'name1\tname2\tlabel\tcategory';
/** Writes a pair set beside this file. */
const writeSet = (f: string, rows: Row[]) => writeFileSync(here(f), [HEAD, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
const count = (rows: Row[], label: string) => rows.filter((r) => r[2] === label).length;
// Vowel length is not written alike in every script's spelling of one name (रवि / रवी), in the
// signs nor in a word's first vowel (ईश / इश).
const lengthless = (key: string) => withoutVowelLength(key).replace(/ई/g, 'इ').replace(/ऊ/g, 'उ').replace(/आ/g, 'अ');

/** Spellings typed once and more than once, and how many of each agree with the word's consonants. */
const agree = { once: 0, onceOk: 0, more: 0, moreOk: 0, moreDropped: 0 };

function load(): Name[] {
  const words = new Map<string, Word>();
  for (const line of readFileSync(here(CORPUS), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('lang\t')) continue;
    const [lang, native, latin, n] = line.split('\t');
    const id = `${lang}\t${native}`;
    const w = words.get(id) ?? { lang, native, roms: [] };
    w.roms.push([latin, Number(n)]);
    words.set(id, w);
  }
  // Native spellings that merge (nukta, chandrabindu, a half nasal) are one word.
  const names = new Map<string, Name>();
  for (const w of words.values()) {
    const deva = devanagari(w.native, w.lang);
    const key = `${w.lang}:${deva}`;
    const cls = nativeClasses(deva, w.lang);
    const nm = names.get(key) ?? { lang: w.lang, key, cls, roms: [], native: w.native };
    for (const [l, n] of w.roms) {
      if (!/^[a-z]+$/i.test(l) || l.length < 3) continue;
      const lc = latinClasses(l, w.lang);
      const ok = lc === cls;
      if (n < 2) { agree.once++; if (ok) agree.onceOk++; } else { agree.more++; if (ok) agree.moreOk++; }
      // A spelling typed by one annotator only is kept when its consonants are the word's:
      // those that are not are mostly slips (praduyamra for pradyumna). Spellings typed by two
      // or more that fail this are mostly what the check misreads (ujjal for ujjwal, Gujarati
      // d for its l), and are kept unless their first consonant is another (a few annotations
      // belong to another word: saleem for அபு). README.md gives the counts.
      if (!ok && (n < 2 || lc[0] !== cls[0])) {
        if (n >= 2) agree.moreDropped++;
        continue;
      }
      const u = l.toUpperCase();
      const have = nm.roms.find((r) => r[0] === u);
      if (have) have[1] += n;
      else nm.roms.push([u, n]);
    }
    names.set(key, nm);
  }
  const out = [...names.values()].filter((n) => n.roms.length > 0);
  for (const n of out) n.roms.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

const sealed = (key: string) => hash(`dak:${key}`) % 3 === 0; // a third of the words sealed
// A third of the tuning words again, by another hash: dakshina-cv.tsv pairs them, and the
// evaluation holds their lexicon lines out (dakshina-cv-lexicon.txt), so that the rules can be
// measured, and tuned, on words the lexicon does not know without opening the sealed part.
const cvFold = (key: string) => !sealed(key) && hash(`cv:${key}`) % 3 === 0;

function build(): void {
  const names = load();
  const tune: Row[] = [];
  const seal: Row[] = [];
  const cv: Row[] = [];
  const surname = (id: string) => SURNAMES[hash(`sur:${id}`) % SURNAMES.length][0];

  // Same: two spellings typed for one word, the most typed against the next two. A quarter of the
  // words is plenty, and keeps the set about as large on each side as the near misses.
  let nSame = 0;
  for (const n of names) {
    if (hash(`same:${n.key}`) % 4 !== 0) continue;
    const r = n.roms.map((x) => x[0]);
    for (let i = 0; i < 1; i++) {
      for (let j = i + 1; j < Math.min(r.length, 3); j++) {
        const s = surname(`${n.key}|${r[i]}|${r[j]}`);
        const row: Row = [`${r[i]} ${s}`, `${r[j]} ${s}`, 'same', `variant_${n.lang}`];
        (sealed(n.key) ? seal : tune).push(row);
        if (cvFold(n.key)) cv.push(row);
        nSame++;
      }
    }
  }

  // Different: for each word's most typed spelling, the nearest most-typed spelling (same first
  // letter, edit distance <= 2) of another word of the language whose consonants differ, where
  // neither spelling was ever typed for a word with the other's consonants. The other word is
  // looked for in the word's own part, so that each part keeps its words to itself.
  const typedFor = new Map<string, Set<string>>(); // Latin spelling -> consonant classes of its words
  for (const n of names) for (const [l] of n.roms) {
    const s = typedFor.get(l) ?? new Set<string>();
    s.add(`${n.lang}:${n.cls}`);
    typedFor.set(l, s);
  }
  const heads = names.map((n) => ({ n, w: n.roms[0][0] }));
  /** The nearest other word's spelling for each word, among the words `part` says are in the same part. */
  const nearMisses = (part: (key: string) => string | null, take: (a: (typeof heads)[number], b: (typeof heads)[number], id: string) => void) => {
    const seen = new Set<string>();
    for (const a of heads) {
      const pa = part(a.n.key);
      if (pa === null) continue;
      let best: (typeof heads)[number] | null = null;
      let bestD = 3;
      for (const b of heads) {
        if (b.n.lang !== a.n.lang || part(b.n.key) !== pa || b.n.cls === a.n.cls || b.w === a.w || b.w[0] !== a.w[0]) continue;
        if (Math.abs(a.w.length - b.w.length) > 2) continue;
        if (typedFor.get(a.w)!.has(`${b.n.lang}:${b.n.cls}`) || typedFor.get(b.w)!.has(`${a.n.lang}:${a.n.cls}`)) continue;
        const d = editDistance(a.w, b.w);
        if (d < bestD || (d === bestD && best && b.w < best.w)) { best = b; bestD = d; }
      }
      if (!best) continue;
      const id = [a.n.key, best.n.key].sort().join('|');
      if (seen.has(id)) continue;
      seen.add(id);
      take(a, best, id);
    }
  };
  let nDiff = 0;
  nearMisses(
    (key) => (sealed(key) ? 'sealed' : 'tune'),
    (a, b, id) => {
      if (hash(`near:${id}`) % 2 !== 0) return; // half of them
      const s = surname(id);
      (sealed(a.n.key) ? seal : tune).push([`${a.w} ${s}`, `${b.w} ${s}`, 'different', `near_${a.n.lang}`]);
      nDiff++;
    },
  );
  // The cross-validation fold's near misses pair two of its own words, all of them.
  nearMisses(
    (key) => (cvFold(key) ? 'cv' : null),
    (a, b, id) => cv.push([`${a.w} ${surname(id)}`, `${b.w} ${surname(id)}`, 'different', `near_${a.n.lang}`]),
  );

  writeSet('./dakshina.tsv', tune);
  writeSet('./dakshina-sealed.tsv', seal);
  writeSet('./dakshina-cv.tsv', cv);
  // The fold's lines of the lexicon as variants() writes them (a word typed more than one way).
  const held = names.filter((n) => cvFold(n.key) && n.roms.length >= 2).map((n) => n.roms.map((x) => x[0]).join(' '));
  writeFileSync(here('./dakshina-cv-lexicon.txt'), held.join('\n') + '\n');
  const share = (a: number, b: number) => `${a}/${b} (${((100 * a) / b).toFixed(1)}%)`;
  console.log(`spellings agreeing with the word's consonants: typed once ${share(agree.onceOk, agree.once)}, more ${share(agree.moreOk, agree.more)}, of which ${agree.moreDropped} dropped`);
  console.log(`words ${names.length}; same ${nSame}, different ${nDiff}; dakshina.tsv ${tune.length}, dakshina-sealed.tsv ${seal.length}, dakshina-cv.tsv ${cv.length}`);
}

// ---- the matcher's lexicon of attested spellings ----

/**
 * Hindi spellings of the Latin given names in the Indian Names Corpus. All of it, the share
 * sealed.tsv is built from included: a veto only keeps names apart, and sealed.tsv has been
 * looked at already (README.md); dakshina-sealed.tsv and affidavits-sealed.tsv come from other
 * sources.
 */
function parlikarHindi(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of readFileSync(here('./corpus/parlikar-names.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
    const [l, h] = line.split('\t');
    if (!l || !h || !/^[A-Za-z]+$/.test(l.trim())) continue;
    const key = mergeSounds(h.trim().normalize('NFC')).replace(/[\s-]/g, '');
    const u = l.trim().toUpperCase();
    out.set(u, (out.get(u) ?? new Set()).add(key));
  }
  return out;
}

/**
 * Writes src/engine/namematch/attested-data.ts: for each native word of the tuning part, the
 * Latin spellings typed for it (load() keeps those whose consonants are the word's), so that the
 * matcher takes two of them for one name. Words of the sealed part are left out, so that
 * dakshina-sealed.tsv still measures names the matcher has not been given. Two spellings of one
 * word are kept apart (a veto line) when the corpora show them as two names: each is the most
 * typed spelling of a word the other is never typed for (অমল is Amal, and Amol is typed for it
 * too, but Amol is also अमोल), or the Indian Names Corpus gives them Hindi spellings with none in
 * common.
 */
function variants(): void {
  const names = load().filter((n) => !sealed(n.key));
  const deva = (key: string) => key.slice(key.indexOf(':') + 1);
  const typedFor = new Map<string, Set<string>>();
  const mostTypedFor = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string) => m.set(k, (m.get(k) ?? new Set()).add(v));
  for (const n of names) {
    for (const [l] of n.roms) add(typedFor, l, deva(n.key));
    if (n.roms.length) add(mostTypedFor, n.roms[0][0], deva(n.key));
  }
  const hindi = parlikarHindi();
  const groups: string[] = [];
  const vetoes = new Set<string>();
  for (const n of names) {
    const r = n.roms.map((x) => x[0]);
    if (r.length < 2) continue;
    groups.push(r.join(' '));
    for (let i = 0; i < r.length; i++) {
      for (let j = i + 1; j < r.length; j++) {
        const [x, y] = [r[i], r[j]].sort();
        const apart = (a: string, b: string) => [...(mostTypedFor.get(a) ?? [])].some((w) => !typedFor.get(b)?.has(w));
        const hx = hindi.get(x);
        const hy = hindi.get(y);
        if ((apart(x, y) && apart(y, x)) || (hx && hy && ![...hx].some((h) => hy.has(h)))) vetoes.add(`${x} ${y}`);
      }
    }
  }
  const out = [
    '// Generated by bench/namematch/build-dakshina.ts --variants; do not edit.',
    '//',
    '// Derived from the Dakshina dataset v1.0 (Google Research; Roark et al. 2020, "Processing South',
    '// Asian Languages Written in the Latin Script: the Dakshina Dataset", LREC), romanization',
    '// lexicons, licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/):',
    '// this file is under the same licence. Changed: only words the Indian Names Corpus and the',
    '// election affidavits give as names, spellings upper-cased and grouped by word, some pairs',
    '// kept apart (bench/namematch/build-dakshina.ts, variants), some of them by the Hindi spellings',
    '// of the Indian Names Corpus (Alok Parlikar, Carnegie Mellon University, 2011; CC BY 3.0,',
    '// bench/namematch/corpus/parlikar-LICENSE.txt).',
    '//',
    '// A line: the Latin spellings typed for one word; a line starting with ! : two of them that',
    '// are two names.',
    'export const ATTESTED = `',
    ...groups,
    ...[...vetoes].sort().map((v) => `!${v}`),
    '`;',
  ];
  writeFileSync(fileURLToPath(new URL('../../src/engine/namematch/attested-data.ts', import.meta.url)), out.join('\n') + '\n');
  console.log(`attested-data.ts: ${groups.length} words, ${vetoes.size} pairs kept apart`);
}

/**
 * Given names that differ only in their vowels, which the sets above leave unlabelled: same, two
 * spellings typed for one word (Anil / Onil, Bihari / Behari); different, the most typed spellings
 * of two words of one language, at most two letters apart, whose native spellings differ in more
 * than a vowel's length and neither of which was typed for the other word (Kamal / Komal, Amar /
 * Omar). From the cross-validation fold's words (dakshina-vowels.tsv, read with their lexicon
 * lines held out, as dakshina-cv.tsv is) and from the sealed words (dakshina-vowels-sealed.tsv).
 */
function vowels(): void {
  const names = load();
  const surname = (id: string) => SURNAMES[hash(`sur:${id}`) % SURNAMES.length][0];
  const rows: Record<'cv' | 'sealed', Row[]> = { cv: [], sealed: [] };
  const part = (key: string) => (sealed(key) ? 'sealed' : cvFold(key) ? 'cv' : null);
  for (const n of names) {
    const p = part(n.key);
    if (!p) continue;
    const r = n.roms.map((x) => x[0]);
    let k = 0;
    for (let j = 1; j < r.length && k < 2; j++) {
      if (r[j] === r[0] || latinConsonants(r[j]) !== latinConsonants(r[0])) continue;
      const s = surname(`${n.key}|${r[0]}|${r[j]}`);
      rows[p].push([`${r[0]} ${s}`, `${r[j]} ${s}`, 'same', `vowel_same_${n.lang}`]);
      k++;
    }
  }
  const byConsonants = new Map<string, Name[]>();
  for (const n of names) {
    if (!part(n.key)) continue;
    const c = `${n.lang}:${latinConsonants(n.roms[0][0])}`;
    const group = byConsonants.get(c);
    if (group) group.push(n);
    else byConsonants.set(c, [n]);
  }
  for (const group of byConsonants.values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i], group[j]];
        if (part(a.key) !== part(b.key)) continue;
        const [wa, wb] = [a.roms[0][0], b.roms[0][0]];
        // Near: at most two letters apart, as the near misses above (not Iman / Mina).
        if (wa === wb || editDistance(wa, wb) > 2 || lengthless(a.key) === lengthless(b.key)) continue;
        if (a.roms.some(([l]) => l === wb) || b.roms.some(([l]) => l === wa)) continue;
        const id = [a.key, b.key].sort().join('|');
        const s = surname(id);
        rows[part(a.key)!].push([`${wa} ${s}`, `${wb} ${s}`, 'different', `vowel_diff_${a.lang}`]);
      }
    }
  }
  writeSet('./dakshina-vowels.tsv', rows.cv);
  writeSet('./dakshina-vowels-sealed.tsv', rows.sealed);
  console.log(`dakshina-vowels.tsv: same ${count(rows.cv, 'same')}, different ${count(rows.cv, 'different')}; dakshina-vowels-sealed.tsv: same ${count(rows.sealed, 'same')}, different ${count(rows.sealed, 'different')}`);
}

/**
 * A word in its own script against Latin spellings (dakshina-scripts.tsv and -sealed.tsv): same,
 * the word against its two most typed spellings; different, the word against the most typed
 * spelling of its near miss (the nearest other word, as in build(), whose consonants differ). The
 * tuning file takes the cross-validation fold's words, read with their lexicon lines held out as
 * dakshina-cv.tsv is, so that it measures how the script is read, not what the lexicon knows; the
 * sealed file the sealed third's.
 */
function scripts(): void {
  const names = load();
  const part = (key: string) => (sealed(key) ? 'sealed' : cvFold(key) ? 'cv' : null);
  const rows: Record<'cv' | 'sealed', Row[]> = { cv: [], sealed: [] };
  for (const n of names) {
    const p = part(n.key);
    if (!p) continue;
    for (const [l] of n.roms.slice(0, 2)) rows[p].push([n.native, l, 'same', `script_${n.lang}`]);
  }
  const typedFor = new Map<string, Set<string>>();
  for (const n of names) for (const [l] of n.roms) typedFor.set(l, (typedFor.get(l) ?? new Set()).add(`${n.lang}:${n.cls}`));
  const seen = new Set<string>();
  for (const a of names) {
    const pa = part(a.key);
    if (!pa) continue;
    let best: Name | null = null;
    let bestD = 3;
    const wa = a.roms[0][0];
    for (const b of names) {
      const wb = b.roms[0][0];
      if (b.lang !== a.lang || part(b.key) !== pa || b.cls === a.cls || wb === wa || wb[0] !== wa[0] || Math.abs(wa.length - wb.length) > 2) continue;
      if (typedFor.get(wa)!.has(`${b.lang}:${b.cls}`) || typedFor.get(wb)!.has(`${a.lang}:${a.cls}`)) continue;
      const d = editDistance(wa, wb);
      if (d < bestD || (d === bestD && best && wb < best.roms[0][0])) { best = b; bestD = d; }
    }
    if (!best) continue;
    const id = `${a.key}|${best.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    rows[pa].push([a.native, best.roms[0][0], 'different', `script_near_${a.lang}`]);
  }
  // And a word against another word's spelling that differs from its own only in vowels, as in
  // vowels() (কমল against Komol's other word, कमल against Kamla): what the script writes tells
  // them apart, and the spellings a script allows must not blur that.
  const byConsonants = new Map<string, Name[]>();
  for (const n of names) {
    if (!part(n.key)) continue;
    const c = `${n.lang}:${latinConsonants(n.roms[0][0])}`;
    byConsonants.set(c, [...(byConsonants.get(c) ?? []), n]);
  }
  for (const group of byConsonants.values()) {
    for (const a of group) {
      for (const b of group) {
        if (a === b || part(a.key) !== part(b.key)) continue;
        const [wa, wb] = [a.roms[0][0], b.roms[0][0]];
        if (wa === wb || editDistance(wa, wb) > 2 || lengthless(a.key) === lengthless(b.key)) continue;
        if (a.roms.some(([l]) => l === wb) || b.roms.some(([l]) => l === wa)) continue;
        rows[part(a.key)!].push([a.native, wb, 'different', `script_vowel_${a.lang}`]);
      }
    }
  }
  writeSet('./dakshina-scripts.tsv', rows.cv);
  writeSet('./dakshina-scripts-sealed.tsv', rows.sealed);
  console.log(`dakshina-scripts.tsv: same ${count(rows.cv, 'same')}, different ${count(rows.cv, 'different')}; dakshina-scripts-sealed.tsv: same ${count(rows.sealed, 'same')}, different ${count(rows.sealed, 'different')}`);
}

const ex = process.argv.indexOf('--extract');
if (ex >= 0) extract(process.argv[ex + 1]);
else if (process.argv.includes('--variants')) variants();
else if (process.argv.includes('--vowels')) vowels();
else if (process.argv.includes('--scripts')) scripts();
else build();
