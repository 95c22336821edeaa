// The framework's ceiling for bench/create-rpd.ts: a bare Fastify 5 server with the same routes,
// that parses the same requests (JSON body, the same headers) and answers bodies of the same
// shape and size as pennygate's, with no store, no authentication and no QR code. What pennygate
// does beyond this is its own cost.
//
//   node --import tsx bench/ceiling-server.ts <port> <create answer file> <status answer file>
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, createFile, statusFile] = process.argv.slice(2);
const created = JSON.parse(readFileSync(createFile, 'utf8'));
const status = JSON.parse(readFileSync(statusFile, 'utf8'));

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post<{ Body: { verification_id?: string } }>('/verification/reverse-penny-drop', async (req) => ({
  ...created,
  verification_id: req.body?.verification_id ?? created.verification_id,
}));
app.get('/verification/remitter/status', async () => status);
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('listening\n');
