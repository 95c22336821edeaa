// Builds a labelled set of full Indian names from election affidavits: the names candidates
// (and their fathers or husbands) filed with the Election Commission of India in 2021, each in
// Latin letters and in Devanagari (corpus/eci-affidavit-names.tsv, see README.md). Mostly Tamil
// Nadu, West Bengal, Kerala and Assam: South and East Indian names, written by many hands.
//
//   node --import tsx bench/namematch/build-affidavits.ts                      (the sets)
//   node --import tsx bench/namematch/build-affidavits.ts --extract FILE.csv   (the corpus)
//
// The label comes from the filings, not from us: one Devanagari word written in Latin letters two
// ways by different people is one name ("same": Mondal / Mandal, Joydeb / Jaydeb, Sikdar /
// Sikder); a Latin word near another whose Devanagari differs in a consonant is another name
// ("different"). Pairs are built on real names from the filings: one or two words swapped for
// another attested spelling, or the given name (or another word) swapped for a near other name.
//
// Each Devanagari word falls, by a hash of its spelling, into the tuning part
// (affidavits.tsv) or the sealed part (affidavits-sealed.tsv, a quarter of the words); a pair goes to the sealed part
// when any word that differs between its two names is sealed. Deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consonantClasses, editDistance, hash, mergeSounds } from './hindi.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const CORPUS = './corpus/eci-affidavit-names.tsv';

// ---- extraction: the source CSV to the corpus file (names only, deduplicated) ----

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function extract(csvPath: string): void {
  const [head, ...rows] = parseCsv(readFileSync(csvPath, 'utf8'));
  const col = (n: string) => head.indexOf(n);
  const fields = [['name_english', 'name_hindi'], ['fathers_or_husbands_name_english', 'fathers_or_husbands_name_hindi']];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const [e, h] of fields) {
      const latin = (r[col(e)] ?? '').replace(/\s+/g, ' ').trim();
      const deva = (r[col(h)] ?? '').replace(/\s+/g, ' ').trim().normalize('NFC');
      if (!latin || !deva || /[\t]/.test(latin + deva) || !align(latin, deva)) continue;
      seen.add(`${latin}\t${deva}`);
    }
  }
  const lines = [...seen].sort();
  const header = [
    '# Source: names (of candidates, and of their fathers or husbands) in English and Hindi from',
    '# affidavits filed with the Election Commission of India in 2021, as collected in the',
    '# in-rolls/indicate repository (indicate/data/affidavits.csv), Rajasekhar Chintalapati and',
    '# Gaurav Sood, MIT licence (see eci-affidavit-LICENSE.txt). Only the two name columns are kept,',
    '# and only names whose words pair one to one (build-affidavits.ts, align), deduplicated and',
    '# sorted; the names are otherwise as in the source. Format: English <TAB> Hindi.',
    'english\thindi',
  ];
  writeFileSync(here(CORPUS), [...header, ...lines].join('\n') + '\n');
  console.log(`${CORPUS}: ${lines.length} names`);
}

// ---- Devanagari helpers (as in build-others.ts) ----

/** One Hindi spelling, with spellings of the same sound merged (anusvara, nukta, chandrabindu). */
function hindiKey(h: string): string {
  return mergeSounds(h).normalize('NFC');
}
export const consonants = (h: string) => consonantClasses(hindiKey(h));
export const sealed = (key: string) => hash(`aff:${key}`) % 4 === 0; // a quarter of the words sealed

// ---- aligning a filing's Latin words with its Devanagari words ----

// The Latin letters a Devanagari word may start with (its first letter, nukta dropped). A row
// is used only when every word pair passes: a check of the alignment, independent of the matcher.
const FIRST: Record<string, string> = {
  'अ': 'AOE', 'आ': 'AO', 'इ': 'IEY', 'ई': 'IEY', 'उ': 'UOA', 'ऊ': 'UO', 'ए': 'EAIY', 'ऐ': 'AEI', 'ओ': 'OAU', 'औ': 'AOU', 'ऋ': 'R',
  'क': 'KCQX', 'ख': 'KQ', 'ग': 'G', 'घ': 'G', 'च': 'C', 'छ': 'CS', 'ज': 'JZGY', 'झ': 'J', 'ट': 'T', 'ठ': 'T',
  'ड': 'D', 'ढ': 'D', 'त': 'T', 'थ': 'T', 'द': 'D', 'ध': 'D', 'न': 'N', 'प': 'P', 'फ': 'PF', 'ब': 'BV', 'भ': 'BV',
  'म': 'M', 'य': 'YJIE', 'र': 'R', 'ल': 'L', 'व': 'VWBO', 'श': 'SC', 'ष': 'S', 'स': 'SC', 'ह': 'H',
};
// Initials are written out in Devanagari as the letter's English name (एम for M).
const SPELLED = new Set([
  'ए', 'बी', 'सी', 'डी', 'ई', 'एफ', 'जी', 'एच', 'आई', 'जे', 'के', 'एल', 'एम', 'एन', 'ओ', 'पी', 'आर', 'एस',
  'यस', 'टी', 'यू', 'वी', 'डब्ल्यू', 'एक्स', 'वाई', 'जेड', 'ऐ', 'इ', 'ऐम', 'ऐस', 'ऐन', 'ऐल', 'एमं', 'बि', 'सि', 'डि',
  'टि', 'पि', 'वि', 'जि', 'जी.', 'क', 'म', 'स', 'र', 'प', 'न', 'त', 'व', 'ल', 'ग', 'ब', 'द', 'क्यू',
]);
const LATIN_TITLES = new Set(['LATE', 'LT', 'LAT']);
const DEVA_TITLES = new Set(['स्वर्गीय', 'स्वर्गिय', 'स्व', 'मृत', 'प्रयात', 'प्रय़ात', 'स्वर्गवासी', 'लेट']);

export interface Name { latin: string[]; deva: string[] }

function align(latin: string, deva: string): Name | null {
  let l = latin.toUpperCase().split(/[^A-Z]+/).filter(Boolean);
  let d = deva.split(/[\s.,:;()\-/|\u0903\u0964]+/).filter(Boolean);
  while (l.length && LATIN_TITLES.has(l[0])) l = l.slice(1);
  while (d.length && DEVA_TITLES.has(d[0])) d = d.slice(1);
  if (l.length < 2 || l.length !== d.length || l.length > 5) return null;
  if (l.some((w) => LATIN_TITLES.has(w)) || d.some((w) => DEVA_TITLES.has(w))) return null;
  for (let i = 0; i < l.length; i++) {
    const init = l[i].length === 1;
    if (init !== SPELLED.has(d[i])) return null;
    if (init) continue;
    const first = d[i].normalize('NFD')[0];
    if (!(FIRST[first] ?? '').includes(l[i][0])) return null;
  }
  if (l.every((w) => w.length === 1)) return null;
  return { latin: l, deva: d.map(hindiKey) };
}

type Row = [string, string, 'same' | 'different', string];

/**
 * The filings' names aligned word by word, and each Devanagari word's Latin spellings as the
 * filings write it usually (see below), for the sets here and for filed-variants.ts.
 */
export function filings() {
  const names: Name[] = [];
  const seenName = new Set<string>();
  for (const line of readFileSync(here(CORPUS), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
    const [latin, deva] = line.split('\t');
    const n = align(latin, deva);
    if (!n) continue;
    const id = n.latin.join(' ');
    if (seenName.has(id)) continue;
    seenName.add(id);
    names.push(n);
  }

  // Attested spellings of each Devanagari word, and the consonant classes each spelling was
  // written for (a spelling ever written for a word's class is not a near miss of that word).
  // Many filings' Hindi was written by hands that did not know the name (KADHAR as कठधर), so a
  // spelling counts for a word only when that word's consonants are what the spelling is most
  // often written with.
  const spellings = new Map<string, Map<string, number>>();
  const classesOf = new Map<string, Map<string, number>>();
  for (const n of names) {
    n.latin.forEach((w, i) => {
      if (w.length < 3) return;
      const m = spellings.get(n.deva[i]) ?? new Map<string, number>();
      m.set(w, (m.get(w) ?? 0) + 1);
      spellings.set(n.deva[i], m);
      const s = classesOf.get(w) ?? new Map<string, number>();
      const c = consonants(n.deva[i]);
      s.set(c, (s.get(c) ?? 0) + 1);
      classesOf.set(w, s);
    });
  }
  const usual = (w: string, cls: string): boolean => {
    const s = classesOf.get(w)!;
    const c = s.get(cls) ?? 0;
    for (const v of s.values()) if (v > c) return false;
    return c > 0;
  };
  const variantsOf = (key: string, w: string): string[] =>
    usual(w, consonants(key)) ? [...(spellings.get(key)?.keys() ?? [])].filter((x) => x !== w && usual(x, consonants(key))).sort() : [];
  return { names, spellings, usual, variantsOf, classesOf };
}

function build(): void {
  const { names, spellings, variantsOf, classesOf } = filings();

  // Near other names: Latin spellings (same first letter, edit distance <= 2) of words whose
  // consonants differ, neither spelling ever written for the other's consonants.
  const entries: { w: string; key: string; cls: string }[] = [];
  // A near miss needs both spellings written for their own consonants only, and at least twice.
  const settled = (w: string, cls: string) => classesOf.get(w)!.size === 1 && classesOf.get(w)!.get(cls)! >= 2;
  for (const [key, m] of spellings) for (const w of m.keys()) if (settled(w, consonants(key))) entries.push({ w, key, cls: consonants(key) });
  entries.sort((a, b) => (a.w < b.w ? -1 : a.w > b.w ? 1 : a.key < b.key ? -1 : 1));
  const byFirst = new Map<string, typeof entries>();
  for (const e of entries) { const l = byFirst.get(e.w[0]) ?? []; l.push(e); byFirst.set(e.w[0], l); }
  const nearCache = new Map<string, { w: string; key: string } | null>();
  const nearOf = (w: string, key: string): { w: string; key: string } | null => {
    const id = `${w}|${key}`;
    if (nearCache.has(id)) return nearCache.get(id)!;
    const cls = consonants(key);
    if (!settled(w, cls)) { nearCache.set(id, null); return null; }
    let best: { w: string; key: string } | null = null;
    let bestD = 3;
    for (const o of byFirst.get(w[0]) ?? []) {
      if (o.cls === cls || o.w === w || Math.abs(o.w.length - w.length) > 2) continue;
      
      const d = editDistance(w, o.w);
      if (d < bestD || (d === bestD && best && o.w < best.w)) { best = { w: o.w, key: o.key }; bestD = d; }
    }
    nearCache.set(id, best);
    return best;
  };

  const tune: Row[] = [];
  const seal: Row[] = [];
  const put = (keys: string[], row: Row) => (keys.some(sealed) ? seal : tune).push(row);
  const used = new Map<string, number>(); // how often a word was the one varied
  const take = (key: string, max: number) => {
    const u = used.get(key) ?? 0;
    if (u >= max) return false;
    used.set(key, u + 1);
    return true;
  };
  const full = (n: Name) => n.latin.map((w, i) => (w.length >= 3 ? i : -1)).filter((i) => i >= 0);

  // Frames in a fixed pseudo-random order.
  const order = names.map((n) => ({ n, h: hash(n.latin.join(' ')) })).sort((a, b) => a.h - b.h || (a.n.latin.join(' ') < b.n.latin.join(' ') ? -1 : 1));
  let k = 0;
  for (const { n, h } of order) {
    const idx = full(n);
    if (idx.length === 0) continue;
    const text = n.latin.join(' ');
    // Same: one word, or two, in another attested spelling.
    const varied = idx.filter((i) => variantsOf(n.deva[i], n.latin[i]).length > 0);
    if (varied.length > 0) {
      const i = varied[h % varied.length];
      if (take(n.deva[i], 3)) {
        const alts = variantsOf(n.deva[i], n.latin[i]);
        const other = n.latin.slice();
        other[i] = alts[(h >>> 8) % alts.length];
        const j = varied.find((x) => x !== i);
        if (j !== undefined && (h >>> 4) % 2 === 0) {
          const alts2 = variantsOf(n.deva[j], n.latin[j]);
          other[j] = alts2[(h >>> 12) % alts2.length];
          put([n.deva[i], n.deva[j]], [text, other.join(' '), 'same', 'variant_two']);
        } else {
          put([n.deva[i]], [text, other.join(' '), 'same', 'variant_one']);
        }
      }
    }
    // Different: a word (the given name more often) swapped for a near other name; every
    // other pair also has a spelling variant elsewhere.
    const given = idx[0];
    const pos = (h >>> 16) % 3 === 0 && idx.length > 1 ? idx[1 + ((h >>> 20) % (idx.length - 1))] : given;
    const near = nearOf(n.latin[pos], n.deva[pos]);
    if (near && take(`near:${n.deva[pos]}`, 2) && (h >>> 24) % 2 === 0) {
      const other = n.latin.slice();
      other[pos] = near.w;
      const cat = pos === given ? 'near_given' : 'near_other';
      const v = varied.find((x) => x !== pos);
      if (v !== undefined && k++ % 2 === 0) {
        const alts = variantsOf(n.deva[v], n.latin[v]);
        other[v] = alts[(h >>> 2) % alts.length];
        put([n.deva[pos], near.key, n.deva[v]], [text, other.join(' '), 'different', `${cat}_variant`]);
      } else {
        put([n.deva[pos], near.key], [text, other.join(' '), 'different', cat]);
      }
    }
  }

  const head = 'name1\tname2\tlabel\tcategory';
  const write = (f: string, rows: Row[]) => writeFileSync(here(f), [head, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
  write('./affidavits.tsv', tune);
  write('./affidavits-sealed.tsv', seal);
  console.log(`names aligned ${names.length}; affidavits.tsv ${tune.length}, affidavits-sealed.tsv ${seal.length}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ex = process.argv.indexOf('--extract');
  if (ex >= 0) extract(process.argv[ex + 1]);
  else build();
}
