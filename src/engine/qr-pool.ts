import type { Worker } from 'node:worker_threads';
import { startWorker } from '../worker-thread.js';
import { qrPngBase64 } from './qr.js';
import type { QrBatch, QrRendered } from './qr-worker.js';
import type { Logger } from './verifications.js';

interface Job {
  text: string;
  ok: (png: string) => void;
  fail: (e: Error) => void;
}

interface Batch {
  id: number;
  jobs: Job[];
}

interface Lane {
  worker: Worker | null;
  /** Ends a worker that holds a batch too long (alive but stuck): its codes are then rendered here. */
  watchdog: NodeJS.Timeout | null;
  queue: Job[];
  /** Batches sent and not answered yet, oldest first (the worker answers them in order). */
  inFlight: Batch[];
  batch: number;
  failures: number;
}

/** Texts per message: bounds the time one batch holds its worker (about 0.1 ms per code). */
const MAX_BATCH = 64;
/**
 * Batches out at once per worker: the next one waits in the worker's queue while it draws one, so
 * it never idles until the event loop gets round to the answer and sends more.
 */
const MAX_IN_FLIGHT = 2;
/** A lane whose worker died this often renders on the event loop from then on. */
const MAX_FAILURES = 3;


/**
 * Renders the QR PNGs that creates answer with (about a third of a create's CPU) on worker
 * threads, so that the event loop goes on with other requests meanwhile. Each worker takes one
 * batch at a time: the texts that arrive while it is busy go together in its next message, so
 * under load the cost of a message is shared by many codes, and an idle gateway adds no wait.
 * With no threads, or when a worker keeps dying, codes are rendered on the event loop.
 */
export class QrRenderer {
  private lanes: Lane[] = [];
  private closed = false;
  /** A send is due at the end of this turn of the event loop (sendSoon). */
  private sending = false;
  /**
   * Told, for each code, the seconds from its asking to its image (waiting behind other codes
   * included): under load a create may wait for its code longer than for its commit.
   */
  onRendered: ((seconds: number) => void) | null = null;

  /** `batchTimeoutMs`: a batch out longer than this (64 codes take about 10 ms) ends its worker. */
  constructor(
    threads: number,
    private log: Logger,
    private batchTimeoutMs = 10_000,
  ) {
    for (let i = 0; i < threads; i++) {
      const lane: Lane = { worker: null, watchdog: null, queue: [], inFlight: [], batch: 0, failures: 0 };
      this.lanes.push(lane);
      this.spawn(lane); // now, so that the first create does not wait for a thread to start
    }
  }

  /** The QR code of `text` as a base64 PNG (256 x 256, 1 bit), as the APIs return it. */
  base64(text: string): Promise<string> {
    const lane = this.pick();
    const asked = performance.now();
    return new Promise<string>((done, fail) => {
      const ok = (png: string) => {
        this.tell(asked);
        done(png);
      };
      const job = { text, ok, fail };
      if (!lane) return this.inline(job);
      lane.queue.push(job);
      if (lane.inFlight.length < MAX_IN_FLIGHT) this.sendSoon();
    });
  }

  /**
   * Sends what waits, at the end of this turn of the event loop: the codes of the requests read in
   * one turn go in one message (a message each way costs about as much as a tenth of a code).
   */
  private sendSoon() {
    if (this.sending) return;
    this.sending = true;
    setImmediate(() => {
      this.sending = false;
      for (const lane of this.lanes) this.sendWaiting(lane);
    });
  }

  /**
   * For a create: `onIntent` starts rendering each link as soon as the engine draws it, so that
   * the code renders while the insert waits for its commit; `codeFor` is then the code of the
   * created verification's link (rendered now if it was not the last link started).
   */
  ahead() {
    let last: { link: string; code: Promise<string> } | null = null;
    return {
      onIntent: (link: string) => {
        const code = this.base64(link);
        code.catch(() => {}); // a draw that collided leaves its code unread
        last = { link, code };
      },
      codeFor: (link: string) => (last?.link === link ? last.code : this.base64(link)),
    };
  }

  private tell(asked: number) {
    if (!this.onRendered) return;
    try {
      this.onRendered((performance.now() - asked) / 1000);
    } catch {
      // A figure for /metrics: a code is answered whatever becomes of it.
    }
  }

  async close() {
    this.closed = true;
    await Promise.all(this.lanes.map((l) => l.worker?.terminate()));
  }

  /** The working lane with the least work waiting, or none (render here). */
  private pick(): Lane | null {
    let best: Lane | null = null;
    let load = Infinity;
    for (const l of this.lanes) {
      if (l.failures >= MAX_FAILURES || this.closed) continue;
      let n = l.queue.length;
      for (const b of l.inFlight) n += b.jobs.length;
      if (n < load) [best, load] = [l, n];
    }
    return best;
  }

  private spawn(lane: Lane): Worker {
    const w = startWorker(import.meta.url, 'qr-worker');
    // An idle worker does not keep the process alive; one with a batch out does (send).
    w.unref();
    w.on('message', (m: QrRendered) => {
      if (lane.worker !== w || lane.inFlight[0]?.id !== m.id) return;
      const { jobs } = lane.inFlight.shift()!;
      clearTimeout(lane.watchdog ?? undefined);
      lane.watchdog = null;
      if (lane.inFlight.length) this.watch(lane, w);
      else w.unref();
      m.out.forEach((r, i) => ('png' in r ? jobs[i].ok(r.png) : jobs[i].fail(new Error(r.error))));
      this.sendWaiting(lane);
    });
    const lost = (why: unknown) => {
      if (lane.worker !== w) return;
      lane.worker = null;
      clearTimeout(lane.watchdog ?? undefined);
      lane.watchdog = null;
      const jobs = [...lane.inFlight.flatMap((b) => b.jobs), ...lane.queue.splice(0)];
      lane.inFlight = [];
      if (!this.closed) {
        lane.failures++;
        this.log.error({ err: why, failures: lane.failures }, 'a QR worker thread stopped; its codes are rendered on the event loop');
      }
      for (const j of jobs) this.inline(j);
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`exited with code ${code}`)));
    lane.worker = w;
    return w;
  }

  /** Sends the codes waiting on `lane`, while it has fewer than MAX_IN_FLIGHT batches out. */
  private sendWaiting(lane: Lane) {
    while (lane.queue.length && lane.inFlight.length < MAX_IN_FLIGHT) this.send(lane);
  }

  private send(lane: Lane) {
    if (lane.failures >= MAX_FAILURES || this.closed) {
      for (const j of lane.queue.splice(0)) this.inline(j);
      return;
    }
    const worker = lane.worker ?? this.spawn(lane);
    const jobs = lane.queue.splice(0, MAX_BATCH);
    const id = ++lane.batch;
    lane.inFlight.push({ id, jobs });
    worker.ref();
    worker.postMessage({ id, texts: jobs.map((j) => j.text) } satisfies QrBatch);
    if (!lane.watchdog) this.watch(lane, worker);
  }

  /** Times the oldest batch out on `lane`, from now: the worker starts on it when it has answered the one before. */
  private watch(lane: Lane, worker: Worker) {
    const oldest = lane.inFlight[0];
    lane.watchdog = setTimeout(() => {
      if (lane.inFlight[0] !== oldest || lane.worker !== worker) return;
      this.log.error({ codes: oldest.jobs.length, ms: this.batchTimeoutMs }, 'a QR worker thread did not answer in time; ending it');
      void worker.terminate(); // its exit hands its batches to the event loop (lost)
    }, this.batchTimeoutMs);
    lane.watchdog.unref();
  }

  private inline(j: Job) {
    try {
      j.ok(qrPngBase64(j.text));
    } catch (e) {
      j.fail(e as Error);
    }
  }
}
