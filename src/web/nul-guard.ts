// Text with NUL characters is refused at the door: PostgreSQL cannot store it (it would be a
// 500 there and pass on SQLite), and no name, id or note legitimately carries one.

export const NUL_IN_INPUT = 'PENNYGATE_NUL_IN_INPUT';

function hasNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (depth > 32 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasNul(x, depth + 1));
  for (const [k, x] of Object.entries(v)) if (k.includes('\u0000') || hasNul(x, depth + 1)) return true;
  return false;
}

/**
 * A preValidation hook: a 400 that each API words in its own envelope. Callback style, as the
 * other hooks on every request: an async hook costs a promise per request for nothing.
 */
export function refuseNul(req: { body?: unknown; query?: unknown; params?: unknown }, _reply: unknown, done: (err?: Error) => void) {
  if (hasNul(req.body) || hasNul(req.query) || hasNul(req.params)) {
    done(Object.assign(new Error('Text in the request must not contain NUL characters.'), { statusCode: 400, code: NUL_IN_INPUT }));
    return;
  }
  done();
}
