// What a Prometheus scrape of /metrics costs the requests beside it, on a SQLite store already
// holding many verifications: /metrics counts whole tables, and a count run on the event loop
// would hold every other request for as long as it takes. One client scrapes back to back while
// another asks /healthz every 20 ms; this build and a baseline take turns on the same store.
//
//   npm run -s build && node --import tsx bench/metrics-scrape.ts [--verifications 1000000]
//     [--seconds 8] [--rounds 2] [--baseline-commit <commit>]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gateway } from '../test/support/gateway.js';
import { buildCommit } from '../test/support/old-build.js';
import { SQLITE_FILE } from '../src/store/sqlite.js';
import { fillStore } from './fill.js';

const { values } = parseArgs({
  options: {
    verifications: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    'baseline-commit': { type: 'string' },
  },
});
const builds: [string, string | undefined][] = [['this build', undefined]];
if (values['baseline-commit']) builds.unshift([values['baseline-commit'], buildCommit(values['baseline-commit'])]);
const env = { LOG_LEVEL: 'warn' };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

// The store is made by the oldest build taking part, so that every build can open it.
const first = await Gateway.start({ main: builds[0][1], env });
await first.merchant('Scraped');
await first.stop();
const n = Number(values.verifications);
const t0 = performance.now();
fillStore(join(first.dataDir, SQLITE_FILE), n);
console.log(`store filled with ${n} verifications in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

for (let round = 1; round <= Number(values.rounds); round++) {
  for (const [name, main] of builds) {
    const gw = await Gateway.start({ main, dataDir: first.dataDir, env });
    try {
      await gw.request('GET', '/metrics'); // warm: the first scrape reads the file into the cache
      const healthz: number[] = [];
      const scrapes: number[] = [];
      let stop = false;
      const scraper = (async () => {
        while (!stop) {
          const s = performance.now();
          const r = await gw.request('GET', '/metrics');
          if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
          scrapes.push(performance.now() - s);
        }
      })();
      const until = Date.now() + Number(values.seconds) * 1000;
      while (Date.now() < until) {
        const s = performance.now();
        await fetch(`${gw.url}/healthz`);
        healthz.push(performance.now() - s);
        await new Promise((r) => setTimeout(r, 20));
      }
      stop = true;
      await scraper;
      console.log(
        `${name.padEnd(12)} round ${round}: /healthz p50 ${pct(healthz, 0.5).toFixed(1)} ms, p99 ${pct(healthz, 0.99).toFixed(1)} ms, ` +
          `max ${Math.max(...healthz).toFixed(0)} ms (${healthz.length} answered); /metrics p50 ${pct(scrapes, 0.5).toFixed(0)} ms (${scrapes.length} scrapes)`,
      );
    } finally {
      await gw.stop();
    }
  }
}
