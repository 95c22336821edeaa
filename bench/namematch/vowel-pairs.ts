// Given names that differ only in their vowels: what the matcher makes of the Indian Names
// Corpus's own such pairs, split by whether the corpus gives the two a Hindi spelling in common.
// Neither side is a clean label (the corpus's Hindi often follows the Latin letters: Rajender
// रजेंदर / Rajinder रजिंदर), but the list of accepted pairs without one shows which vowel
// changes make another name (Anandita / Anindita, Kiranmay / Kiranmayi).
//
//   node --import tsx bench/namematch/vowel-pairs.ts [--min 8] [--list]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { matchNames } from '../../src/engine/namematch/index.js';
import { editDistance, latinConsonants, mergeSounds, withoutVowelLength } from './hindi.js';

const { values } = parseArgs({ options: { min: { type: 'string', default: '8' }, list: { type: 'boolean', default: false } } });
const MIN = Number(values.min);
const path = fileURLToPath(new URL('./corpus/parlikar-names.tsv', import.meta.url));
// Vowel length merged as well: Hindi spellings of one name differ in it.
const hindiKey = (h: string) => withoutVowelLength(mergeSounds(h)).normalize('NFC');
const spellings = new Map<string, Set<string>>();
for (const line of readFileSync(path, 'utf8').split('\n')) {
  if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
  const [latin, hindi] = line.split('\t');
  const w = latin.toUpperCase();
  if (!/^[A-Z]+$/.test(w)) continue;
  const s = spellings.get(w) ?? new Set<string>();
  s.add(hindiKey(hindi));
  spellings.set(w, s);
}
const byConsonants = new Map<string, string[]>();
for (const w of spellings.keys()) if (w.length >= MIN) (byConsonants.get(latinConsonants(w)) ?? byConsonants.set(latinConsonants(w), []).get(latinConsonants(w))!).push(w);

const count = { shared: 0, sharedAccepted: 0, apart: 0, apartAccepted: 0 };
const accepted: string[] = [];
for (const group of byConsonants.values()) {
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      const [a, b] = [group[i], group[j]];
      if (a[0] !== b[0] || editDistance(a, b) > 2) continue;
      const shared = [...spellings.get(a)!].some((h) => spellings.get(b)!.has(h));
      const ok = matchNames(`${a} RAO`, `${b} RAO`).score >= 85;
      if (shared) { count.shared++; if (ok) count.sharedAccepted++; }
      else { count.apart++; if (ok) { count.apartAccepted++; accepted.push(`${a} / ${b}`); } }
    }
  }
}
console.log(`given names of ${MIN}+ letters, same first letter and consonants, vowels apart by at most two edits:`);
console.log(`  a Hindi spelling in common: ${count.shared} pairs, ${count.sharedAccepted} accepted`);
console.log(`  none in common:             ${count.apart} pairs, ${count.apartAccepted} accepted`);
if (values.list) console.log(accepted.sort().join('\n'));
