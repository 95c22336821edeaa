import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Services } from './services.js';
import { loggerOptions } from './log.js';
import { refuseNul } from './web/nul-guard.js';
import { strictJsonBodies } from './web/json-body.js';
import { ownErrorHandler } from './web/errors.js';
import { harden, serverOptions } from './web/harden.js';
import { cashfreeDialect } from './dialects/cashfree/routes.js';
import { razorpayxDialect } from './dialects/razorpayx/routes.js';
import { hostedPage } from './web/routes.js';
import { adminApi } from './admin/routes.js';
import { consoleApp } from './console/routes.js';
import { sandboxApi } from './rails/sandbox/routes.js';
import { bankNotificationsApi } from './rails/connector/routes.js';
import { openApi } from './web/openapi.js';
import { QuietPolling, operations, requestId } from './web/ops.js';

/** A refusal made outside any route, in the envelope of the API under `path`. */
function refusalBody(path: string, message: string) {
  if (path.startsWith('/verification')) return { type: 'validation_error', code: 'invalid_request', message };
  if (path.startsWith('/v1')) return { error: { code: 'BAD_REQUEST_ERROR', description: message, source: 'NA', step: 'NA', reason: 'NA', metadata: {} } };
  return { error: { code: 'invalid_request', message } };
}

/**
 * Requests Node cannot parse (two Content-Lengths, a bad chunk, headers too large) or that missed
 * their deadline: Fastify's default answers {"error", "message", "statusCode"} whatever the API;
 * this answers in the envelope of the API the request line names.
 */
function clientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // A request under way (its body was malformed) may have begun its answer: nothing can follow.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, message] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time.']
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'The request headers are too large.']
          : [400, 'The request is not valid HTTP.'];
    const url = inFlight?.req?.url ?? /^[A-Z]+ (\S+)/.exec(Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1') : '')?.[1] ?? '';
    const body = JSON.stringify(refusalBody(url, message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-content-type-options: nosniff\r\nreferrer-policy: no-referrer\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export async function buildApp(s: Services): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(s.cfg.logLevel, s.cfg.logFormat),
    genReqId: requestId,
    requestIdHeader: false,
    logController: new QuietPolling(),
    bodyLimit: 64 * 1024,
    // Paths as the SDKs build them: Razorpay's PHP SDK puts a slash after an entity's path
    // (`fund_accounts/validations/`), and a base URL given with a trailing slash makes `//v1/...`
    // in clients that join strings; Razorpay's API takes both.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    ...serverOptions(s.cfg.http),
    // Requests are validated as sent: a number is not silently turned into a string.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    clientErrorHandler: clientError,
    // Errors raised before routing (a malformed URL, an over-long path parameter) still get the
    // envelope of the API the caller was talking to.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      reply.header('x-request-id', req.id);
      const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
      return reply.code(status).send(refusalBody(req.url ?? '', 'The request URL is malformed.'));
    },
  });

  // Node answers an Expect other than 100-continue itself, with an empty 417, before any route or
  // hook: the same answer, in the envelope of the API the caller was talking to.
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(refusalBody(req.url ?? '', 'The Expect header names an expectation this server cannot meet.'));
    res.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId(req),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // The body, if any, is left unread.
      connection: 'close',
    });
    res.end(body);
  });

  // Expect: 100-continue. Node would answer 100 Continue at once, before any hook, and a caller
  // with a wrong key would upload its body for nothing. The request goes on without it, its answer
  // set to close the connection (the body is then never expected); once the credentials have
  // passed (every API checks them in onRequest, before the body is read), preParsing sends the 100
  // and gives the connection back its keep-alive.
  const continuePending = new WeakMap<IncomingMessage, boolean>();
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    continuePending.set(req, res.shouldKeepAlive);
    res.shouldKeepAlive = false;
    app.server.emit('request', req, res);
  });
  app.addHook('preParsing', (req, reply, payload, done) => {
    // HTTP/1.1 requires a Host header. Node would refuse its absence itself, with an empty 400
    // (serverOptions turns that off): the same refusal, in the API's envelope.
    if (req.headers.host === undefined && req.raw.httpVersionMajor === 1 && req.raw.httpVersionMinor === 1) {
      reply.code(400).header('connection', 'close').send(refusalBody(req.url, 'The request has no Host header, which HTTP/1.1 requires.'));
      return;
    }
    const keepAlive = continuePending.get(req.raw);
    if (keepAlive !== undefined) {
      continuePending.delete(req.raw);
      if (!reply.raw.headersSent) {
        reply.raw.shouldKeepAlive = keepAlive;
        reply.raw.writeContinue();
      }
    }
    done(null, payload);
  });

  // Routes outside the dialects and the operator API (health, metrics, the API document) answer
  // errors in pennygate's own envelope; each API below sets its own.
  app.setErrorHandler(ownErrorHandler('gateway', () => null));
  // A path under no API (a prefix in the wrong case, a typo) gets the same envelope, not Fastify's.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such endpoint' } }));
  await openApi(app, s.cfg);
  await operations(app, s);
  strictJsonBodies(app);
  app.addHook('preValidation', refuseNul);
  harden(app, s.cfg);

  await app.register((i) => cashfreeDialect(i, s), { prefix: '/verification' });
  await app.register((i) => razorpayxDialect(i, s), { prefix: '/v1' });
  await app.register((i) => hostedPage(i, s));
  await app.register((i) => adminApi(i, s), { prefix: '/admin' });
  await app.register((i) => consoleApp(i, s), { prefix: '/console' });
  // The simulated network's payer apps; an operator who wants no unauthenticated test traffic turns it off.
  if (s.cfg.sandbox.enabled) await app.register((i) => sandboxApi(i, s), { prefix: '/sandbox' });
  // Live mode: the bank connector's signed notifications.
  const bank = s.bank;
  if (bank) await app.register((i) => bankNotificationsApi(i, bank), { prefix: '/bank' });
  return app;
}
