// Text with NUL characters is refused at the door: PostgreSQL cannot store it (it would be a
// 500 there and pass on SQLite), and no name, id or note legitimately carries one. So is text
// that is not Unicode: JSON may escape half of a surrogate pair (\ud800) alone, which neither
// store can write as UTF-8; both would keep U+FFFD instead, and read back other text than the
// caller sent (a reference_id that no longer matches the caller's own).

/** The error code of text refused at the door (here, and bodies that are not UTF-8: json-body.ts). */
export const TEXT_REFUSED = 'PENNYGATE_TEXT_REFUSED';

export const badText = (s: string) => s.includes('\u0000') || !(s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Whether a parsed JSON value holds text that neither store can keep (above), in a key or a value. */
export function hasBadText(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return badText(v);
  if (depth > 32 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasBadText(x, depth + 1));
  for (const [k, x] of Object.entries(v)) if (badText(k) || hasBadText(x, depth + 1)) return true;
  return false;
}

/**
 * A preValidation hook: a 400 that each API words in its own envelope. Callback style, as the
 * other hooks on every request: an async hook costs a promise per request for nothing.
 */
export function refuseNul(req: { body?: unknown; query?: unknown; params?: unknown }, _reply: unknown, done: (err?: Error) => void) {
  if (hasBadText(req.body) || hasBadText(req.query) || hasBadText(req.params)) {
    const message = 'Text in the request must not contain NUL characters or unpaired surrogates.';
    done(Object.assign(new Error(message), { statusCode: 400, code: TEXT_REFUSED }));
    return;
  }
  done();
}
