// The gateway's side of the bank connector contract: where the bank's notifications come in.
import type { FastifyInstance } from 'fastify';
import type { BankIntake } from './intake.js';

export async function bankNotificationsApi(app: FastifyInstance, intake: BankIntake) {
  // The signature covers the exact bytes: the body is kept raw and parsed only once it is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'bank notification failed');
    return reply.code(status).send({ error: { code: status === 500 ? 'internal_error' : 'invalid_notification', message: status === 500 ? 'Not taken; send it again.' : String(err.message) } });
  });
  app.post(
    '/notifications',
    { schema: { tags: ['Bank connector'], summary: 'A signed credit notification from the bank connector (docs/bank-connector.md)' } },
    async (req, reply) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      const a = await intake.notification(raw, req.headers);
      return reply.code(a.status).send(a.body);
    },
  );
}
