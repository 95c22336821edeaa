// A background loop (job polls, lease renewal, the expiry sweep) fails on every turn while the
// store is down: logged as an error with a stack each time, an outage of a minute wrote hundreds
// of lines (about 12 a second at the default poll) and buried what else happened. A failure
// because the store cannot be reached is logged as a warning without the stack, once, then at
// most every EVERY_MS with how many were left out; other failures are errors, as before.
import { isStoreUnavailable } from '../store/db.js';

const EVERY_MS = 30_000;

type Log = { error: (o: object, msg: string) => void; warn?: (o: object, msg: string) => void };

/** `(err) => void` that logs `msg` for `err`, quietly while the store is unavailable. */
export function loopFailureLog(log: Log, msg: string): (err: unknown) => void {
  let lastAt = -Infinity;
  let quiet = 0;
  return (err) => {
    if (!isStoreUnavailable(err) || !log.warn) {
      log.error({ err }, msg);
      return;
    }
    const now = Date.now();
    if (now - lastAt < EVERY_MS) {
      quiet++;
      return;
    }
    log.warn({ error: err instanceof Error ? err.message : String(err), ...(quiet > 0 ? { left_out: quiet } : {}) }, `${msg}: the store is unavailable (logged at most every ${EVERY_MS / 1000} s until it is back)`);
    lastAt = now;
    quiet = 0;
  };
}
