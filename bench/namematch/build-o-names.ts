// Writes src/engine/namematch/o-names-data.ts: the given names whose first vowel is a real o,
// from the Indian Names Corpus (corpus/parlikar-names.tsv). Bengali and Assamese spellings write
// the short a as o (Otul for Atul, Lotif for Latif, Topon for Tapan), so the matcher takes an o
// for an a in the first syllable of a given name unless the o-spelling is a name of its own:
// Komal, Mohan, Sona, Omar are, as their Hindi spellings with ो / ओ say.
//
// Also src/engine/namematch/vowel-apart-data.ts: the pairs of first names that differ only in
// their vowels and that the corpus spells as two names in Hindi (Hema / Hima), which the matcher
// keeps apart when a short given name's vowel is spelled otherwise.
//
//   node --import tsx bench/namematch/build-o-names.ts [--split]
//
// With --split nothing is written: the list is built from the corpus's tuning part alone (the
// Hindi spellings build-others.ts does not seal), and it prints how many o-names (and vowel-apart
// pairs) of the sealed part it misses, an estimate of how often a name it has never seen would
// get past it.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canon } from '../../src/engine/namematch/phonetic.js';
import { hash, mergeSounds, withoutVowelLength } from './hindi.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** The first vowel of a Hindi spelling: an independent vowel, a consonant's sign, or the inherent a. */
function firstHindiVowel(h: string): string {
  const s = h.normalize('NFC').replace(/\u093C/g, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (/[\u0904-\u0914]/.test(c)) return c;
    if (/[\u0915-\u0939\u0958-\u095F]/.test(c)) {
      const next = s[i + 1];
      if (next === '\u094D') { i++; continue; } // virama: a cluster, the vowel comes later
      if (next && /[\u093E-\u094C]/.test(next)) return next;
      return 'a';
    }
  }
  return '';
}
const hindiO = (v: string) => 'ओऔऑोौॉ'.includes(v);
const firstVowel = (key: string) => key[key.search(/[AEIOU]/)];

const entries: { latin: string; hindi: string }[] = [];
for (const line of readFileSync(here('./corpus/parlikar-names.tsv'), 'utf8').split('\n')) {
  if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
  const [latin, hindi] = line.split('\t').map((x) => x?.trim());
  if (!latin || !hindi || !/^[A-Za-z]+$/.test(latin)) continue;
  entries.push({ latin: latin.toUpperCase(), hindi });
}
// Keyed as the matcher keys a token (ee / i, au / o folded): Gowri and Gauri are one entry.
const oNames = (part: typeof entries) =>
  new Set(part.filter((e) => firstVowel(canon(e.latin)) === 'O' && hindiO(firstHindiVowel(e.hindi))).map((e) => canon(e.latin)));
// The names whose first vowel is the long a (Asha आशा, Rashi राशि): Bengali writes o only for
// the short one, so Osha is not Asha's spelling. Those whose Hindi also has a short-a spelling
// (Ramesh रमेश / रामेश) are left out.
const longA = (part: typeof entries) => {
  const short = new Set(part.filter((e) => firstHindiVowel(e.hindi) === 'a').map((e) => canon(e.latin)));
  return new Set(part.filter((e) => firstVowel(canon(e.latin)) === 'A' && 'आा'.includes(firstHindiVowel(e.hindi)))
    .map((e) => canon(e.latin)).filter((k) => !short.has(k)));
};
// Two first names whose Latin keys differ in vowels only (the same consonants in the same places)
// and whose Hindi spellings differ beyond vowel length: Kamal / Komal, Hema / Hima, Sumit / Sumita
// is not one (a consonant differs in place). Every Hindi spelling of one key against every one of
// the other: a key with a spelling in common with the other's is one name (Rina / Reena).
const hindiVowels = (h: string) =>
  withoutVowelLength(mergeSounds(h)).replace(/\u0906/g, '\u0905').replace(/\u0908/g, '\u0907').replace(/\u090A/g, '\u0909');
function vowelApart(part: typeof entries): string[] {
  const spellings = new Map<string, Set<string>>();
  for (const e of part) {
    const k = canon(e.latin);
    const s = spellings.get(k) ?? new Set<string>();
    s.add(hindiVowels(e.hindi));
    spellings.set(k, s);
  }
  const bySkeleton = new Map<string, string[]>();
  for (const k of spellings.keys()) {
    const sk = k.replace(/[AEIOU]+/g, '*');
    const l = bySkeleton.get(sk) ?? [];
    l.push(k);
    bySkeleton.set(sk, l);
  }
  const out: string[] = [];
  for (const keys of bySkeleton.values()) {
    keys.sort();
    for (let i = 0; i < keys.length; i++) {
      for (let j = i + 1; j < keys.length; j++) {
        const x = spellings.get(keys[i])!;
        const y = spellings.get(keys[j])!;
        if (![...x].some((h) => y.has(h))) out.push(`${keys[i]} ${keys[j]}`);
      }
    }
  }
  return out.sort();
}

// The split build-others.ts uses, by the Hindi spelling.
const sealed = (h: string) => hash(mergeSounds(h).replace(/[\s-]/g, '')) % 10 < 3;

const rows = (keys: string[]) => {
  const lines: string[] = [];
  for (let i = 0; i < keys.length; i += 12) lines.push(keys.slice(i, i + 12).join(' '));
  return lines;
};

const HEADER = [
  '// Generated by bench/namematch/build-o-names.ts; do not edit.',
  '//',
  '// Derived from the Indian Names Corpus (Alok Parlikar, Language Technologies Institute,',
  '// Carnegie Mellon University, 2011), licensed under CC BY 3.0',
  '// (https://creativecommons.org/licenses/by/3.0/; bench/namematch/corpus/parlikar-LICENSE.txt).',
];

/**
 * The files this script writes, by path from the repository's root, as it would write them now:
 * the test suite compares them with the committed ones, which go stale when the keys change.
 */
export function generated(): Record<string, string> {
  const keys = [...oNames(entries)].sort();
  const long = [...longA(entries)].sort();
  const out = [
    ...HEADER,
    '// Changed: only the first names whose first vowel is o in Latin letters and in Hindi (ो, औ,',
    '// ॉ), and those whose first vowel is a in Latin letters and the long a in Hindi (आ, ा),',
    '// written as the matcher keys them (phonetic.ts, canon).',
    'export const O_NAMES = `',
    ...rows(keys),
    '`;',
    '',
    'export const LONG_A_NAMES = `',
    ...rows(long),
    '`;',
  ];
  const pairs = [
    ...HEADER,
    '// Changed: only pairs of first names that differ in their vowels alone in Latin letters and',
    '// whose Hindi spellings differ beyond vowel length (Kamal कमल / Komal कोमल), written as the',
    '// matcher keys them (phonetic.ts, canon), a pair a line.',
    'export const VOWEL_APART = `',
    ...vowelApart(entries),
    '`;',
  ];
  return {
    'src/engine/namematch/o-names-data.ts': out.join('\n') + '\n',
    'src/engine/namematch/vowel-apart-data.ts': pairs.join('\n') + '\n',
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--split')) {
    const tune = oNames(entries.filter((e) => !sealed(e.hindi)));
    const held = oNames(entries.filter((e) => sealed(e.hindi)));
    const missed = [...held].filter((k) => !tune.has(k));
    console.log(`o-names from the tuning part: ${tune.size}; of the sealed part's ${held.size}, not among them: ${missed.length} (${((100 * missed.length) / held.size).toFixed(1)}%)`);
    console.log(missed.sort().join(' '));
    const tuneApart = new Set(vowelApart(entries.filter((e) => !sealed(e.hindi))));
    const heldApart = vowelApart(entries.filter((e) => sealed(e.hindi)));
    const missedApart = heldApart.filter((p) => !tuneApart.has(p));
    console.log(`vowel-apart pairs from the tuning part: ${tuneApart.size}; of the sealed part's ${heldApart.length}, not among them: ${missedApart.length} (${((100 * missedApart.length) / heldApart.length).toFixed(1)}%)`);
  } else {
    for (const [path, text] of Object.entries(generated())) {
      writeFileSync(here(`../../${path}`), text);
      console.log(`${path}: ${text.split('\n').length} lines`);
    }
  }
}
