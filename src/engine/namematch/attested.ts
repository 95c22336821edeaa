// Spellings that native speakers typed for one word of their own script (attested-data.ts, from
// the Dakshina romanization lexicons): two of them are one name however far apart the letters
// (Atul / Otul, Anjali / Onjoli), where no spelling rule can tell a vowel that varies from one
// that makes another name (Kamal / Komal). Pairs that the corpora show as two names are not
// taken from here (veto lines: Amar / Omar); the spelling rules may still take such a pair as
// one name (Amal / Amol, by the Bengali o).
import { ATTESTED } from './attested-data.js';

let words: Map<string, number[]> | null = null;
let apart: Set<string> | null = null;
let heldOut: Set<string> = new Set();

// Read on first use: most processes (the CLI, a gateway that matches no names) never need it.
function load() {
  words = new Map();
  apart = new Set();
  let id = 0;
  for (const line of ATTESTED.split('\n')) {
    if (!line || heldOut.has(line)) continue;
    if (line[0] === '!') {
      apart.add(line.slice(1));
      continue;
    }
    for (const w of line.split(' ')) {
      const ids = words.get(w);
      if (ids) ids.push(id);
      else words.set(w, [id]);
    }
    id++;
  }
}

/** Whether two upper-case tokens were typed for one word and are not known as two names. */
export function attested(a: string, b: string): boolean {
  if (words === null) load();
  const ia = words!.get(a);
  if (!ia) return false;
  const ib = words!.get(b);
  if (!ib || !ia.some((x) => ib.includes(x))) return false;
  return !apart!.has(a < b ? `${a} ${b}` : `${b} ${a}`);
}

/** Whether an upper-case token is a spelling typed for a name. */
export function knownName(w: string): boolean {
  if (words === null) load();
  return words!.has(w);
}

/**
 * For the evaluation only (bench/namematch): the lexicon less these lines, so that the rules are
 * measured on words it does not know; an empty set gives it back whole.
 */
export function holdOutAttested(lines: Iterable<string>): void {
  heldOut = new Set(lines);
  words = null;
  apart = null;
}
