// The operator's view of the store's upkeep: dead jobs, the retention purge, the schema version.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { deadJobs, retryDead, type Job } from '../jobs/queue.js';
import { pagedList, pageOf, positionOf } from './pages.js';
import { appliedMigrations, LATEST_VERSION } from '../store/migrate.js';
import { AdminError } from './errors.js';

const JobParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });

export const jobView = (j: Job) => ({
  id: j.id,
  kind: j.kind,
  subject: j.subject,
  attempts: j.attempts,
  failures: j.failures,
  last_error: j.lastError,
  created_at: new Date(j.createdAt).toISOString(),
  dead_at: j.deadAt === null ? null : new Date(j.deadAt).toISOString(),
  run_at: new Date(j.runAt).toISOString(),
});

/** Dead letters, newest first, a page at a time, and how many in all (admin API and CLI). */
export async function deadJobPage(s: Services, limit: number, after?: string) {
  const at = positionOf(after, true);
  const d = await deadJobs(s.db, limit + 1, at && { at: at.at, id: Number(at.id) });
  const page = pageOf(d.items, limit, (j) => ({ at: j.deadAt!, id: String(j.id) }));
  return { count: d.total, items: page.items.map(jobView), next: page.next };
}

export function operationsApi(app: FastifyInstance, s: Services) {
  const security = [{ AdminToken: [] }];
  const tags = ['Admin'];

  pagedList(app, '/jobs/dead', 'Jobs that kept failing and stopped (dead letters), newest first', (limit, after) => deadJobPage(s, limit, after));

  app.post<{ Params: Static<typeof JobParams> }>(
    '/jobs/:id/retry',
    { schema: { tags, security, summary: 'Run a dead job again now', params: JobParams } },
    async (req) => {
      const j = await retryDead(s.db, Number(req.params.id));
      if (!j) throw new AdminError(404, 'not_found', 'no dead job with that id');
      return jobView(j);
    },
  );

  app.get('/retention', { schema: { tags, security, summary: 'The retention policy and its last purge' } }, async () => ({
    retention_days: s.cfg.retentionMs / 86_400_000,
    last_run: await s.retention.lastRun(),
  }));

  app.post('/retention/run', { schema: { tags, security, summary: 'Run the retention purge now and report what it removed' } }, async () =>
    s.retention.run(),
  );

  app.get('/schema', { schema: { tags, security, summary: 'The schema version and the migrations applied' } }, async () => {
    const applied = await appliedMigrations(s.db);
    return { version: applied.at(-1)?.version ?? 0, latest: LATEST_VERSION, migrations: applied.map((m) => ({ ...m, applied_at: new Date(Number(m.applied_at)).toISOString() })) };
  });
}
