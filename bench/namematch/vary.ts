// Regular spelling changes applied to every word of the names in the corpora (doubled letters,
// aspirates, long vowels, w / v, s / sh, aa, x, f, q, z, the Bengali b, final vowels written
// otherwise, au / ou, chh, the Odia ru, the first letter's spellings, and a scanner's slips;
// test/support/name-variations.ts):
// the share of changed names the matcher still accepts, per change and corpus, and the ones it
// refuses. A change keeps a name the same name, so a refusal is a rule reading the changed
// letters as something else.
//
// With --script, the Indian Names Corpus's Latin spellings changed so are compared with the
// Devanagari spelling the corpus gives for them, for the pairs accepted unchanged.
//
// With --names, every word of the filers' full names is changed at once (one change a word),
// and the whole names compared. With --twice, each word gets two changes at once, every pair of
// them; with --slipped, a change and then a scanner's slip; the pairs with refusals are printed.
//
//   node --import tsx bench/namematch/vary.ts [--corpus affidavits,parlikar,kerala] [--script] [--names] [--twice] [--slipped] [--show 20]
import { parseArgs } from 'node:util';
import { DEFAULT_BANDS, matchNames } from '../../src/engine/namematch/index.js';
import { corpusNames, corpusWords, scriptPairs, vary, varyAgainstScript, varyNames, varySlipped, varyTwice, type Outcome } from '../../test/support/name-variations.js';

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: 'affidavits,parlikar,kerala' }, script: { type: 'boolean' }, names: { type: 'boolean' }, twice: { type: 'boolean' }, slipped: { type: 'boolean' }, show: { type: 'string', default: '12' } },
});
const score = (a: string, b: string) => matchNames(a, b).score;

/** Each change's share accepted, and its first refusals. */
function print(outcomes: Record<string, Outcome>): void {
  for (const [change, o] of Object.entries(outcomes)) {
    const share = o.n ? ((100 * o.accepted) / o.n).toFixed(1) : '-';
    console.log(`${change.padEnd(12)} ${String(o.n).padStart(6)} changed, ${share.padStart(5)}% accepted`);
    for (const r of o.refused.slice(0, Number(values.show))) console.log(`    ${r}`);
  }
}
if (values.script) {
  const r = varyAgainstScript(scriptPairs(), score, DEFAULT_BANDS.good);
  console.log(`\n=== parlikar, Latin against Devanagari: ${r.kept} of ${r.base} pairs accepted unchanged, then changed\n`);
  print(r.changes);
  process.exit(0);
}
if (values.names) {
  const names = corpusNames();
  console.log(`\n=== affidavits: ${names.length} full names, every word of 4 letters or more changed\n`);
  print({ names: varyNames(names, score, DEFAULT_BANDS.good) });
  process.exit(0);
}
const words = corpusWords();
for (const c of values.corpus!.split(',')) {
  const ws = words[c];
  if (!ws) throw new Error(`no corpus ${c} (affidavits, parlikar, kerala)`);
  if (values.twice || values.slipped) {
    const out = (values.twice ? varyTwice : varySlipped)(ws, score, DEFAULT_BANDS.good);
    const all = Object.values(out).reduce((t, o) => ({ n: t.n + o.n, accepted: t.accepted + o.accepted }), { n: 0, accepted: 0 });
    const what = values.twice ? 'two changes a word' : 'a change and a slip in a word';
    console.log(`\n=== ${c}: ${what}, ${all.n} changed, ${((100 * all.accepted) / all.n).toFixed(2)}% accepted\n`);
    print(Object.fromEntries(Object.entries(out).filter(([, o]) => o.accepted < o.n).sort(([, x], [, y]) => y.n - y.accepted - (x.n - x.accepted))));
    continue;
  }
  console.log(`\n=== ${c}: ${ws.length} words, each as the given name of <word> KUMAR DAS\n`);
  print(vary(ws, score, DEFAULT_BANDS.good));
}
