// Unpaid links expire by a sweep over an index of open verifications (verifications_open_rail), not
// by a job per link: a job per create cost a second row, an entry in a random-key index and two
// more commits for every link, paid or not. Every instance sweeps; the store hands each row to
// one of them.
import type { Logger } from '../engine/verifications.js';
import { loopFailureLog } from './outage-log.js';

export interface Sweeper {
  stop(): Promise<void>;
}

export function startExpirySweep(expireDue: (limit: number) => Promise<number>, everyMs: number, log: Logger, batch = 200): Sweeper {
  const failed = loopFailureLog(log, 'the expiry sweep failed; it runs again shortly');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let more = true;
      // A full batch means more may be due: go on at once, so a backlog clears at store speed.
      while (more && !stopped) {
        try {
          more = (await expireDue(batch)) === batch;
        } catch (err) {
          failed(err);
          more = false;
        }
      }
      if (!stopped) timer = setTimeout(tick, everyMs);
    })();
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
