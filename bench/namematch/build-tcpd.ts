// Builds pairs of one person's names as election officials spelled them in different years, from
// the Trivedi Centre for Political Data's candidate histories (Lok Dhaba): every candidate of the
// general elections since 1962 and of five states' assembly elections, with a person id (pid)
// that the centre's researchers gave one person across elections. The spellings are the returning
// officers' (Ashokrao Shankarrao Chavan in 1999, Ashok Shankarrao Chavan in 2009), the labels the
// centre's; neither was written by this project. The files carry no licence, so neither they nor
// the pairs are kept here (see README.md): this reads a copy of them and writes the pairs where
// it is told.
//
//   node --import tsx bench/namematch/build-tcpd.ts DIR OUTDIR
//
// DIR holds the centre's `*-incumbency-*.csv` files (tcpd/LokDhaba_JS on GitHub, commit 07b5e38,
// lokdhaba_js/public/Incumbency/). OUTDIR gets tcpd.tsv and tcpd-sealed.tsv: every pair of two
// spellings filed under one pid, labelled same, each person falling by a hash of the pid into the
// tuning part or, for a third of them, the sealed part, which no rule may be tuned on. A pair that
// two persons share is written once, in the part of the first pid in order. There are no
// `different` pairs: a pid is one person, but two pids are not known to be two (the centre merges
// only what it compared), so the set measures recall on names as officials drift in writing them.
//
// Category, from the two names' words (parenthesised nicknames and quotes dropped, as a bank's
// record has none):
//   spacing        the same letters, spaced or punctuated otherwise (R.P.SINGH / R. P. SINGH,
//                  RAMKUMAR PAHAN / RAM KUMAR PAHAN)
//   reorder        the same words in another order (surname first, as Maharashtra's rolls write)
//   initials       a word written as an initial on one side only, or initials of another count
//   missing_token  one side's words all on the other side, which has more (GOPI CHAND / GOPI CHAND
//                  GAHLOT)
//   token_count    as many words on neither side otherwise (RAM VIR / RAMBIR)
//   variant        as many words, some spelled otherwise (HARISH CHAUDHARY / HARISH CHOUDHARY):
//                  the pairs a reader decides from the strings, label slips of the officials
//                  (OHD. ABRAR for MOHD. ABRAR) and of the merge aside
// Deterministic.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash } from './hindi.js';

/** The fields of one CSV line (quoted fields may hold commas and doubled quotes; no newlines). */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { s += '"'; i += 2; } else if (line[i] === '"') { i++; break; } else s += line[i++];
      }
      out.push(s);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

/** A name as a bank would hold it: upper case, no parenthesised nickname, no quotes. */
const clean = (n: string) => n.toUpperCase().replace(/\([^)]*\)?/g, ' ').replace(/["']/g, '').replace(/\s+/g, ' ').trim();

const TITLE = /^(?:ADV|ADVOCATE|DR|PROF|SHRI|SMT|ENGR|ENG|ER|CAPT|COL|MAJOR|GEN)$/;
const words = (n: string) => n.split(/[^A-Z]+/).filter((w) => w !== '' && !TITLE.test(w));

export function category(a: string, b: string): string {
  const wa = words(a);
  const wb = words(b);
  if (wa.join('') === wb.join('')) return 'spacing';
  const sa = [...wa].sort();
  const sb = [...wb].sort();
  if (sa.join(' ') === sb.join(' ')) return 'reorder';
  if (sa.join('') === sb.join('')) return 'spacing';
  const ia = wa.some((w) => w.length === 1);
  const ib = wb.some((w) => w.length === 1);
  if (ia !== ib || (ia && wa.length !== wb.length)) return 'initials';
  const setA = new Set(wa);
  const setB = new Set(wb);
  if ((wa.length < wb.length && wa.every((w) => setB.has(w))) || (wb.length < wa.length && wb.every((w) => setA.has(w)))) return 'missing_token';
  if (wa.length !== wb.length) return 'token_count';
  return 'variant';
}

export const sealed = (pid: string) => hash(`tcpd:${pid}`) % 3 === 0;

function main(dir: string, outDir: string): void {
  const spellings = new Map<string, Set<string>>(); // pid -> names
  const files = readdirSync(dir).filter((f) => /-incumbency-\d+\.csv$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no *-incumbency-*.csv in ${dir}`);
  for (const f of files) {
    const lines = readFileSync(join(dir, f), 'utf8').split(/\r?\n/);
    const head = fields(lines[0]);
    const pidAt = head.indexOf('pid');
    const nameAt = head.indexOf('Candidate');
    if (pidAt < 0 || nameAt < 0) throw new Error(`${f}: no pid or Candidate column`);
    for (const line of lines.slice(1)) {
      if (line.trim() === '') continue;
      const row = fields(line);
      const pid = row[pidAt];
      const name = clean(row[nameAt] ?? '');
      // A pid is the centre's (GEMH25311, AEMH107139). Some rows carry a bare number instead,
      // which joins strangers (N A Shankerrao of 1972 with Ashok Chavan): left out.
      if (!/^[A-Z]{4,}\d+$/.test(pid) || words(name).length === 0) continue;
      const set = spellings.get(pid);
      if (set) set.add(name);
      else spellings.set(pid, new Set([name]));
    }
  }
  const seen = new Set<string>();
  const parts = { tuning: [] as string[], sealed: [] as string[] };
  for (const pid of [...spellings.keys()].sort()) {
    const names = [...spellings.get(pid)!].sort();
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const key = `${names[i]}\t${names[j]}`;
        if (seen.has(key)) continue;
        seen.add(key);
        (sealed(pid) ? parts.sealed : parts.tuning).push(`${key}\tsame\t${category(names[i], names[j])}`);
      }
    }
  }
  mkdirSync(outDir, { recursive: true });
  const header = 'name1\tname2\tlabel\tcategory\n';
  writeFileSync(join(outDir, 'tcpd.tsv'), header + parts.tuning.join('\n') + '\n');
  writeFileSync(join(outDir, 'tcpd-sealed.tsv'), header + parts.sealed.join('\n') + '\n');
  console.log(`${spellings.size} persons; pairs: ${parts.tuning.length} tuning, ${parts.sealed.length} sealed`);
}

const [dir, outDir] = process.argv.slice(2);
if (!dir || !outDir) {
  console.error('usage: build-tcpd.ts DIR OUTDIR');
  process.exit(2);
}
main(dir, outDir);
