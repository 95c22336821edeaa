// Builds the labelled sets that others' data decides, from the Indian Names Corpus
// (corpus/parlikar-names.tsv: first names crawled from the web with their Hindi spelling).
//
//   node --import tsx bench/namematch/build-others.ts
//
// The label comes from the corpus, not from us: two Latin spellings of one Hindi spelling are
// the same name ("same"); two names whose Hindi spellings differ in a consonant are different
// names ("different"). Pairs whose Hindi differs only in vowels (Amit / Amita, Ajit / Ajeet)
// are left out: the corpus cannot say whether they are one name.
//
// Each Hindi name falls, by a hash of its spelling, into the tuning part (others.tsv,
// scripts.tsv) or the sealed part (sealed.tsv) that no rule of the matcher may be tuned on.
// Deterministic: the same corpus always gives the same files.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { consonantClasses, editDistance, hash, mergeSounds, Sanscript, SURNAMES } from './hindi.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

interface Entry { latin: string; hindi: string }

function load(): Entry[] {
  const out: Entry[] = [];
  for (const line of readFileSync(here('./corpus/parlikar-names.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#') || line.startsWith('english\t')) continue;
    const [latin, hindi] = line.split('\t');
    if (!latin || !hindi) continue;
    // Multi-word and hyphenated entries (Abdul-Hameed, Abu Bakr) stay as written.
    if (!/^[A-Za-z][A-Za-z -]*$/.test(latin.trim())) continue;
    out.push({ latin: latin.trim().toUpperCase().replace(/-/g, ' '), hindi: hindi.trim().normalize('NFC') });
  }
  return out;
}

/** One Hindi spelling, with spellings of the same sound merged (anusvara, nukta, chandrabindu). */
function hindiKey(h: string): string {
  return mergeSounds(h).replace(/[\s-]/g, '');
}
const consonants = (h: string) => consonantClasses(hindiKey(h));
const sealed = (key: string) => hash(key) % 10 < 3; // ~30% sealed

type Row = [string, string, 'same' | 'different', string];

function main(): void {
  const entries = load();
  const groups = new Map<string, { hindi: string; latins: string[] }>();
  for (const e of entries) {
    const k = hindiKey(e.hindi);
    const g = groups.get(k) ?? { hindi: e.hindi, latins: [] };
    if (!g.latins.includes(e.latin)) g.latins.push(e.latin);
    groups.set(k, g);
  }
  const keys = [...groups.keys()].sort();
  const tune: Row[] = [];
  const seal: Row[] = [];
  const scripts: Row[] = [];
  const sealScripts: Row[] = [];
  let pick = 0;
  const surname = () => SURNAMES[pick++ % SURNAMES.length];

  // Variant pairs: every two Latin spellings of one Hindi spelling.
  const variantPairs: { key: string; a: string; b: string }[] = [];
  for (const k of keys) {
    const ls = groups.get(k)!.latins;
    for (let i = 0; i < ls.length; i++) for (let j = i + 1; j < ls.length; j++) variantPairs.push({ key: k, a: ls[i], b: ls[j] });
  }
  // Near names: for each name, the closest other name (Latin edit distance <= 2) whose Hindi
  // differs in a consonant. Hard negatives: Rajesh / Ramesh, Anil / Akhil.
  const flat = keys.map((k) => ({ key: k, latin: groups.get(k)!.latins[0], cons: consonants(groups.get(k)!.hindi) }));
  const byFirst = new Map<string, typeof flat>();
  for (const f of flat) { const l = byFirst.get(f.latin[0]) ?? []; l.push(f); byFirst.set(f.latin[0], l); }
  const nearPairs: { key: string; a: string; b: string; ka: string; kb: string }[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    let best: (typeof flat)[number] | null = null;
    let bestD = 3;
    for (const o of byFirst.get(f.latin[0]) ?? []) {
      if (o.key === f.key || o.cons === f.cons || o.latin === f.latin) continue;
      if (Math.abs(o.latin.length - f.latin.length) > 2) continue;
      const d = editDistance(f.latin, o.latin);
      if (d < bestD || (d === bestD && best && o.latin < best.latin)) { best = o; bestD = d; }
    }
    if (!best) continue;
    const id = [f.key, best.key].sort().join('|');
    if (seen.has(id)) continue;
    seen.add(id);
    // Near misses outnumber spelling variants ten to one in the corpus; keep about a third,
    // so that a set's precision is not decided by its mix alone.
    if (hash(`near:${id}`) % 3 !== 0) continue;
    nearPairs.push({ key: id, a: f.latin, b: best.latin, ka: f.key, kb: best.key });
  }

  // Latin against Latin.
  variantPairs.forEach((v, i) => {
    const [s] = surname();
    const out = sealed(v.key) ? seal : tune;
    out.push([`${v.a} ${s}`, `${v.b} ${s}`, 'same', 'translit_given']);
    // Two variant tokens in one name: this pair's and the next group's.
    const w = variantPairs[(i + 7) % variantPairs.length];
    if (w.key !== v.key && sealed(w.key) === sealed(v.key)) {
      out.push([`${v.a} ${w.a} ${s}`, `${v.b} ${w.b} ${s}`, 'same', 'translit_two']);
    }
  });
  nearPairs.forEach((n, i) => {
    const [s] = surname();
    const isSealed = sealed(n.ka) || sealed(n.kb);
    const out = isSealed ? seal : tune;
    out.push([`${n.a} ${s}`, `${n.b} ${s}`, 'different', 'near_given']);
    // The same near miss with a spelling variant elsewhere in the name: still two people.
    const w = variantPairs[(i * 5 + 3) % variantPairs.length];
    if (sealed(w.key) === isSealed) out.push([`${n.a} ${w.a} ${s}`, `${n.b} ${w.b} ${s}`, 'different', 'near_given_variant']);
  });

  // Across scripts: the Latin spelling against the Hindi one (Devanagari), and against the same
  // Hindi written in Tamil and Telugu letters by the sanscript library.
  // Telugu and Tamil write a final consonant with its vowel killer where Hindi leaves it bare
  // (రామ్, ராம் for राम): add it before converting, as a writer of those scripts would.
  const scriptOf = (h: string, to: string) => {
    if (to === 'devanagari') return h;
    const bare = h.normalize('NFD').replace(/\u093C/g, '').replace(/\u0901/g, '\u0902').split(' ').map((w) => {
      const last = w.charCodeAt(w.length - 1);
      const prev = w.charCodeAt(w.length - 2);
      return w.length >= 2 && last >= 0x915 && last <= 0x939 && prev !== 0x94d ? w + '\u094D' : w;
    }).join(' ');
    return Sanscript.t(bare, 'devanagari', to);
  };
  const names = keys.map((k) => ({ key: k, ...groups.get(k)! }));
  const hindiOfKey = new Map(names.map((n) => [n.key, n.hindi]));
  names.forEach((n, i) => {
    if (i % 3 !== 0) return; // a third of the names is plenty
    const [s, sh] = surname();
    const to = ['devanagari', 'devanagari', 'tamil', 'telugu'][i % 4];
    const out = sealed(n.key) ? sealScripts : scripts;
    const latin = n.latins[i % n.latins.length];
    out.push([`${latin} ${s}`, `${scriptOf(n.hindi, to)} ${scriptOf(sh, to)}`, 'same', `script_${to}`]);
  });
  nearPairs.forEach((n, i) => {
    const [s, sh] = surname();
    const to = ['devanagari', 'devanagari', 'tamil', 'telugu'][i % 4];
    const out = sealed(n.ka) || sealed(n.kb) ? sealScripts : scripts;
    out.push([`${n.a} ${s}`, `${scriptOf(hindiOfKey.get(n.kb)!, to)} ${scriptOf(sh, to)}`, 'different', `script_${to}_near`]);
  });

  const head = 'name1\tname2\tlabel\tcategory';
  const write = (f: string, rows: Row[]) => writeFileSync(here(f), [head, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
  write('./others.tsv', tune);
  write('./scripts.tsv', scripts);
  write('./sealed.tsv', [...seal, ...sealScripts]);
  console.log(`others.tsv ${tune.length}, scripts.tsv ${scripts.length}, sealed.tsv ${seal.length + sealScripts.length}`);
}

main();
