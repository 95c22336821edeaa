// What one HTTP client may hold: deadlines for headers, the whole request and idle sockets, and a
// cap on open connections per process and per remote address, so that slow or idle clients
// cannot exhaust the process while ordinary ones are unaffected.
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { HttpLimits } from '../config.js';

/** Options for the Fastify constructor. */
export function serverOptions(l: HttpLimits): Partial<FastifyServerOptions> {
  return {
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    connectionTimeout: l.connectionTimeoutMs,
    http: {
      requestTimeout: l.requestTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      // Node checks the two deadlines above on this timer (30 s by default, which would let a
      // trickling client outlive its deadline by as much).
      connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(l.headersTimeoutMs / 4))),
      // Refused in buildApp instead, in the envelope of the API asked (Node's answer has no body).
      requireHostHeader: false,
    },
  } as Partial<FastifyServerOptions>;
}

/**
 * The key connections are counted under: the IPv4 address, or the /64 of an IPv6 address (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would cap nothing).
 */
export function addressKey(remote: string | undefined): string {
  if (!remote) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (v4) return v4[1];
  if (!remote.includes(':')) return remote;
  const [head, tail = ''] = remote.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = remote.includes('::') && tail ? tail.split(':') : [];
  const groups = remote.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Caps open connections on the app's server, and closes connections whose request body was refused unread. */
export function limitConnections(app: FastifyInstance, l: HttpLimits) {
  const server = app.server;
  // Node drops connections beyond this before any byte is read.
  server.maxConnections = l.maxConnections;
  if (l.maxConnectionsPerAddress > 0) {
    // One entry per address with at least one open connection: bounded by maxConnections.
    const open = new Map<string, number>();
    server.on('connection', (socket: Socket) => {
      const key = addressKey(socket.remoteAddress);
      const n = (open.get(key) ?? 0) + 1;
      if (n > l.maxConnectionsPerAddress) {
        socket.destroy();
        return;
      }
      open.set(key, n);
      socket.once('close', () => {
        const left = (open.get(key) ?? 1) - 1;
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      });
    });
  }

  // A request refused before its body was read (bad key, too large, unknown route) would
  // otherwise keep its connection while Node drains the rest of the body, at the client's pace.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode >= 400 && !req.raw.complete) {
      const body = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
      if (body) reply.header('connection', 'close');
    }
    done(null, payload);
  });
}
