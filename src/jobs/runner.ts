import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
import { bury, claim, complete, extendLeases, failed, handBack, outage, purgeDone, reschedule, type Job } from './queue.js';
import { isStoreUnavailable } from '../store/db.js';
import { backoffMs } from '../engine/state.js';
import { loopFailureLog } from './outage-log.js';

/** A handler either finishes its job or names when to run it again. Throwing retries with backoff. */
/** Finished jobs are kept a week (for inspection), then purged, checked every ten minutes. */
const KEEP_DONE_MS = 7 * 24 * 3_600_000;
const PURGE_EVERY_MS = 10 * 60_000;

export type JobResult = { done: true } | { retryAt: number; error?: string };
export type JobHandler = (job: Job) => Promise<JobResult>;

export interface RunnerOptions {
  pollMs: number;
  leaseMs: number;
  /** Jobs run concurrently up to this many, so one slow job never holds up the rest. */
  concurrency: number;
  /**
   * A job whose runs keep throwing stops after this many failures, or once it is this old (from
   * its creation, or the operator's last retry) and fails again: it is kept as a dead letter for
   * the operator (admin API, CLI) to see and retry. A run that failed for a store outage is not
   * a failure: it is tried again, backed off, however old the job.
   */
  maxFailures: number;
  maxAgeMs: number;
  /**
   * Where other instances share the jobs (PostgreSQL): the rails this one has. It claims only
   * jobs that need none or one of them, and a run that throws for want of a rail (`needs`) hands
   * its job back, marked with that rail, instead of counting a failure. Unset (SQLite: one
   * instance, nobody else to run it), such a run fails as any other and ends a dead letter.
   */
  rails?: string[];
  /** The rail a run's error says it lacked, or null (see `rails`). */
  needs?: (err: unknown) => string | null;
  /**
   * Picks and claims up to `limit` due jobs itself (webhooks: per merchant lanes), instead of
   * taking the oldest due ones of its kinds.
   */
  claim?: (worker: string, limit: number, leaseMs: number) => Promise<Job[]>;
  log: { error: (o: object, msg: string) => void; warn?: (o: object, msg: string) => void; debug?: (o: object, msg: string) => void };
}

export class JobRunner {
  readonly worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<void>>();
  /** Ids of the jobs running here, whose leases the heartbeat keeps extending. */
  private held = new Set<number>();
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = true;
  private polling = false;
  private again = false;
  private inPoll: Promise<void> = Promise.resolve();
  private pollFailed?: (err: unknown) => void;
  private renewalFailed?: (err: unknown) => void;
  private outageFailed?: (err: unknown) => void;

  constructor(
    private db: Db,
    private handlers: Record<string, JobHandler>,
    private opts: RunnerOptions,
  ) {}

  start() {
    this.stopped = false;
    this.schedule(0);
    // A lease only has to outlive a dead worker, not the slowest job: running jobs renew it.
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(50, this.opts.leaseMs / 3));
    this.heartbeat.unref();
  }

  private async renewLeases() {
    if (this.held.size === 0) return;
    const ids = [...this.held];
    await extendLeases(this.db, this.worker, ids, this.opts.leaseMs).catch((this.renewalFailed ??= loopFailureLog(this.opts.log, 'lease renewal failed')));
  }

  /** Called after a commit that enqueued work, so it starts now rather than at the next poll. */
  wake() {
    if (this.stopped) return;
    if (this.polling) this.again = true;
    else this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    // A poll in progress may still start jobs: wait for it, then for every job it started.
    await this.inPoll;
    await Promise.allSettled([...this.running]);
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.inPoll = this.poll();
    }, ms);
  }

  private lastPurge = 0;

  private async poll() {
    if (this.stopped || this.polling) return;
    this.polling = true;
    try {
      const now = Date.now();
      if (now - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = now;
        await purgeDone(this.db, now - KEEP_DONE_MS);
      }
      const free = this.opts.concurrency - this.running.size;
      if (free > 0) {
        // Due by the store's clock: run_at is set by whichever instance enqueued the job (a
        // refund's reversal delay, a penny drop's safety net), and one whose clock is ahead would
        // otherwise run it that much early.
        const jobs = this.opts.claim
          ? await this.opts.claim(this.worker, free, this.opts.leaseMs)
          : await claim(this.db, this.worker, free, this.opts.leaseMs, Object.keys(this.handlers), this.opts.rails, this.db.clock());
        for (const job of jobs) {
          const p = this.run(job).finally(() => {
            this.running.delete(p);
            this.wake();
          });
          this.running.add(p);
        }
      }
    } catch (err) {
      (this.pollFailed ??= loopFailureLog(this.opts.log, 'job poll failed'))(err);
    } finally {
      this.polling = false;
      const again = this.again;
      this.again = false;
      this.schedule(again ? 0 : this.opts.pollMs);
    }
  }

  private async run(job: Job) {
    const handler = this.handlers[job.kind];
    this.held.add(job.id);
    try {
      const result = await handler(job);
      if ('done' in result) await complete(this.db, job, this.worker);
      else await reschedule(this.db, job, this.worker, result.retryAt, result.error ?? null);
    } catch (err) {
      const error = String((err as Error)?.message ?? err);
      const now = this.db.clock();
      // Not this instance's to run (enqueued unmarked, before this build or by an older one
      // beside it): for an instance that has the rail, and not a failure.
      const rail = this.opts.rails ? (this.opts.needs?.(err) ?? null) : null;
      if (rail !== null && !this.opts.rails!.includes(rail)) {
        this.opts.log.warn?.({ id: job.id, kind: job.kind, subject: job.subject, rail }, 'job needs a rail this instance does not have: handed back');
        await handBack(this.db, job, this.worker, rail).catch((e) => this.opts.log.error({ err: e }, 'job hand-back failed'));
        return;
      }
      // Backed off by every failed run, the store's outages included, so nothing loops hot.
      const retryAt = now + backoffMs(job.failures + job.outages + 1, 1000, 5 * 60_000);
      if (isStoreUnavailable(err)) {
        // The store could not serve (down, restarting, its disk full): not the job's fault, so it
        // is tried again after the outage, whatever its age or failures, and never buried for it.
        (this.outageFailed ??= loopFailureLog(this.opts.log, 'job run failed, to run again after the outage'))(err);
        await outage(this.db, job, this.worker, retryAt, error).catch(() => undefined);
        return;
      }
      const info = { id: job.id, kind: job.kind, subject: job.subject, attempts: job.attempts, failures: job.failures + 1 };
      let settle: Promise<void>;
      // Its age counts from the operator's last retry, if any: a retry gives a fresh allowance.
      if (job.failures + 1 >= this.opts.maxFailures || now - (job.retriedAt ?? job.createdAt) > this.opts.maxAgeMs) {
        this.opts.log.error({ err, job: info }, 'job dead: it kept failing; retry it from the admin API or CLI once fixed');
        settle = bury(this.db, job, this.worker, error, now);
      } else {
        this.opts.log.error({ err, job: info }, 'job failed');
        settle = failed(this.db, job, this.worker, retryAt, error);
      }
      await settle.catch((e) => this.opts.log.error({ err: e }, 'job reschedule failed'));
    } finally {
      this.held.delete(job.id);
    }
  }
}
