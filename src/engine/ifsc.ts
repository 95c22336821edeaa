// IFSC rules. Pure: no I/O. An IFSC is four letters naming the bank, a zero kept for future
// use, and six letters or digits naming the branch (RBI's format).

export const IFSC_PATTERN = /^[A-Z]{4}0[A-Z0-9]{6}$/;

/** Upper-cases and trims; returns null unless the result is a well-formed IFSC. */
export function normaliseIfsc(input: string): string | null {
  const s = input.trim().toUpperCase();
  return IFSC_PATTERN.test(s) ? s : null;
}

export const isIfsc = (s: string) => IFSC_PATTERN.test(s);

/**
 * The bank code: the first four letters. For sublet codes (a sponsor bank's code leased to a
 * smaller bank) it names the sponsor, so a record's bank name is the better source for display.
 */
export function bankCode(ifsc: string): string | null {
  return isIfsc(ifsc) ? ifsc.slice(0, 4) : null;
}
