// The gateway's side of the bank connector contract: where the bank's notifications come in.
import type { FastifyInstance } from 'fastify';
import type { BankIntake } from './intake.js';
import { noteUnavailable } from '../../web/errors.js';

export async function bankNotificationsApi(app: FastifyInstance, intake: BankIntake) {
  // The signature covers the exact bytes: the body is kept raw and parsed only once it is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const clientSide = err.statusCode && err.statusCode >= 400 && err.statusCode < 500;
    const down = !clientSide && noteUnavailable(err, req, reply);
    const status = clientSide ? err.statusCode! : down ? 503 : 500;
    if (status === 500) req.log.error({ err }, 'bank notification failed');
    if (status >= 500) {
      return reply.code(status).send({ error: { code: down ? 'unavailable' : 'internal_error', message: 'Not taken; send it again.' } });
    }
    return reply.code(status).send({ error: { code: 'invalid_notification', message: String(err.message) } });
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
