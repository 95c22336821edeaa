// A real HTTP server that receives webhooks and answers as told.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { freePort } from './gateway.js';

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Behaviour = number | 'hang' | { status: number; afterMs: number };

export class Receiver {
  received: Received[] = [];
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
        const b = r.plan.length > 1 ? r.plan.shift()! : r.plan[0];
        if (b === 'hang') r.hanging.push(req);
        else if (typeof b === 'object') setTimeout(() => res.writeHead(b.status).end('ok'), b.afterMs);
        else res.writeHead(b, { 'content-type': 'text/plain' }).end('ok');
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
