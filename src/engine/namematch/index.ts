// Name matching for bank-account verification: does the name the bank holds belong to the
// customer the merchant names? Scores two names 0-100 and sorts the score into Cashfree's
// categories, with a short machine-readable reason.
//
// Pure functions, no I/O. The pipeline: normalise (case, accents, punctuation, titles,
// relation markers, OCR digits) -> tokens with a canonical transliteration key -> optimal
// token alignment (initials, joined/split tokens, truncation) -> a raw score built from explicit
// penalties and ceilings (score.ts) -> that score read as a probability (calibration.ts).
import { calibrate } from './calibration.js';
import { parseName, type ParsedName } from './normalize.js';
import { scoreParsed, type Scored } from './score.js';

export type NameMatchResult =
  | 'DIRECT_MATCH'
  | 'GOOD_PARTIAL_MATCH'
  | 'MODERATE_PARTIAL_MATCH'
  | 'POOR_PARTIAL_MATCH'
  | 'NO_MATCH';

/** Lower bounds (inclusive) of each category's score range. */
export interface NameMatchBands {
  direct: number;
  good: number;
  moderate: number;
  poor: number;
}

/** Cashfree's published bands. The default accept decision is DIRECT or GOOD (score >= 85). */
export const DEFAULT_BANDS: NameMatchBands = Object.freeze({ direct: 100, good: 85, moderate: 60, poor: 34 });

export interface NameMatch {
  /**
   * Integer 0-100. GOOD and above, and NO_MATCH: the chance, in percent, that the two names are one
   * person (100: the same name); MODERATE and POOR keep the rules' score (calibration.ts).
   */
  score: number;
  result: NameMatchResult;
  /** Comma-separated reason codes, most important first (EXACT, INITIALS, GIVEN_NAME_MISMATCH...). */
  reason: string;
}

/** Checks custom bands: integers with 0 < poor < moderate < good <= direct <= 100. */
export function validateBands(b: unknown): NameMatchBands | string {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'bands must be an object with direct, good, moderate and poor';
  const o = b as Record<string, unknown>;
  for (const k of ['direct', 'good', 'moderate', 'poor'] as const) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v)) return `bands.${k} must be an integer`;
  }
  const direct = o.direct as number;
  const good = o.good as number;
  const moderate = o.moderate as number;
  const poor = o.poor as number;
  if (!(poor > 0)) return 'bands.poor must be greater than 0';
  if (!(poor < moderate)) return 'bands.poor must be less than bands.moderate';
  if (!(moderate < good)) return 'bands.moderate must be less than bands.good';
  if (!(good <= direct)) return 'bands.good must not exceed bands.direct';
  if (!(direct <= 100)) return 'bands.direct must not exceed 100';
  return { direct, good, moderate, poor };
}

function checked(bands: NameMatchBands): NameMatchBands {
  if (bands === DEFAULT_BANDS) return bands;
  const v = validateBands(bands);
  if (typeof v === 'string') throw new RangeError(v);
  return v;
}

/** The category of a score under the given bands. */
export function classify(score: number, bands: NameMatchBands = DEFAULT_BANDS): NameMatchResult {
  const b = checked(bands);
  if (score >= b.direct) return 'DIRECT_MATCH';
  if (score >= b.good) return 'GOOD_PARTIAL_MATCH';
  if (score >= b.moderate) return 'MODERATE_PARTIAL_MATCH';
  if (score >= b.poor) return 'POOR_PARTIAL_MATCH';
  return 'NO_MATCH';
}

function hasTokens(p: ParsedName): boolean {
  return p.tokens.length > 0;
}

function scoreNames(name1: string, name2: string): Scored {
  const pa = parseName(name1).filter(hasTokens);
  const pb = parseName(name2).filter(hasTokens);
  if (pa.length === 0 || pb.length === 0) return { score: 0, codes: ['EMPTY'] };
  let best: Scored | null = null;
  let cut: Scored | null = null;
  for (const x of pa) {
    for (const y of pb) {
      const s = scoreParsed(x, y);
      // Two names each read up to an alias may both have left their family names behind it
      // (SURESH ALIAS BAPU PATIL / SURESH ALIAS BAPU SHINDE): only where nothing else reads.
      if (x.guess === 'before' && y.guess === 'before') {
        if (cut === null || s.score > cut.score) cut = s;
        continue;
      }
      if (best === null || s.score > best.score) best = s;
    }
  }
  return (best ?? cut) as Scored;
}

/**
 * The uncalibrated score (score.ts) and its reason codes, in the order matchNames scores them.
 * For fitting and inspecting the calibration; callers want matchNames.
 */
export function rawScore(name1: string, name2: string): Scored {
  const [x, y] = name1 <= name2 ? [name1, name2] : [name2, name1];
  return scoreNames(x, y);
}

/**
 * Score two names 0-100 and classify the score. Symmetric: the order of the names does not
 * matter. Throws RangeError when custom bands are invalid (see validateBands).
 */
export function matchNames(name1: string, name2: string, bands: NameMatchBands = DEFAULT_BANDS): NameMatch {
  const b = checked(bands);
  // Score in a fixed order so that matchNames(a, b) and matchNames(b, a) agree exactly.
  const [x, y] = name1 <= name2 ? [name1, name2] : [name2, name1];
  const s = scoreNames(x, y);
  const score = calibrate(s.score);
  return { score, result: classify(score, b), reason: s.codes.join(',') };
}
