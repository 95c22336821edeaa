// Every pair of two spellings that the filings write for one Devanagari word of the tuning part
// (build-affidavits.ts: each spelling written so usually, three letters or more), put into a
// real name in place of the other: what the matcher refuses among them. affidavits.tsv takes at
// most three pairs of a word; this takes them all, so it shows refusals the set does not hold.
// Unlabelled beyond the filings themselves, whose Hindi is sometimes wrong (Mohini / Moorthiy
// filed under one word), and some refusals are kept on purpose (Akshay / Akshaya): read the list.
// Never the sealed part's words.
//
//   node --import tsx bench/namematch/filed-variants.ts [--list]
import { parseArgs } from 'node:util';
import { DEFAULT_BANDS, matchNames } from '../../src/engine/namematch/index.js';
import { consonants, filings, sealed, type Name } from './build-affidavits.js';

const { values } = parseArgs({ options: { list: { type: 'boolean' } } });
const { names, spellings, usual } = filings();

// A real name holding each spelling of each word, the first one filed.
const frame = new Map<string, { name: Name; at: number }>();
for (const name of names) {
  name.latin.forEach((w, at) => {
    const id = `${name.deva[at]}\t${w}`;
    if (!frame.has(id)) frame.set(id, { name, at });
  });
}

let pairs = 0;
const refused: string[] = [];
for (const [key, m] of spellings) {
  if (sealed(key)) continue;
  const ws = [...m.keys()].filter((w) => w.length >= 3 && usual(w, consonants(key))).sort();
  for (let i = 0; i < ws.length; i++) {
    for (let j = i + 1; j < ws.length; j++) {
      const { name, at } = frame.get(`${key}\t${ws[i]}`)!;
      const a = name.latin.join(' ');
      const other = name.latin.slice();
      other[at] = ws[j];
      const b = other.join(' ');
      pairs++;
      const r = matchNames(a, b);
      if (r.score < DEFAULT_BANDS.good) refused.push(`${ws[i]} / ${ws[j]}\t${r.score}\t${a} / ${b}\t${r.reason}`);
    }
  }
}
if (values.list) console.log(refused.sort().join('\n'));
console.log(`pairs of filed spellings of one word (tuning part): ${pairs}, refused: ${refused.length}`);
