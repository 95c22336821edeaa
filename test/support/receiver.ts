// A real HTTP server that receives webhooks and answers as told.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './gateway.js';

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Behaviour = number | 'hang' | { status: number; afterMs?: number; headers?: Record<string, string> | (() => Record<string, string>) };

export class Receiver {
  received: Received[] = [];
  /** Requests received and not yet answered, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** What to answer, in order; the last one repeats. */
  plan: Behaviour[] = [200];
  private server!: Server;
  url = '';
  private hanging: IncomingMessage[] = [];

  static async start(path = '/hooks'): Promise<Receiver> {
    const r = new Receiver();
    const port = await freePort();
    r.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        r.received.push({ headers: req.headers, body, at: Date.now() });
        r.maxInFlight = Math.max(r.maxInFlight, ++r.inFlight);
        const b = r.plan.length > 1 ? r.plan.shift()! : r.plan[0];
        const answer = (status: number, headers: Record<string, string> = {}) => {
          r.inFlight--;
          res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end('ok');
        };
        if (b === 'hang') {
          r.hanging.push(req);
          // In flight until the sender gives up and closes the connection.
          res.on('close', () => r.inFlight--);
        }
        else if (typeof b === 'object') setTimeout(() => answer(b.status, typeof b.headers === 'function' ? b.headers() : b.headers), b.afterMs ?? 0);
        else answer(b);
      });
    });
    await new Promise<void>((ok) => r.server.listen(port, '127.0.0.1', ok));
    r.url = `http://127.0.0.1:${port}${path}`;
    return r;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }
}
