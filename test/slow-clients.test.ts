// Slow and idle clients are cut off by the gateway's deadlines and connection caps, while an
// ordinary client is served promptly meanwhile.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { Gateway, eventually } from './support/gateway.js';

const REQUEST_TIMEOUT_MS = 3000;
const HEADERS_TIMEOUT_MS = 2000;
const PER_ADDRESS = 100;

interface Held {
  socket: Socket;
  openedAt: number;
  closedAt: number | null;
  received: string;
}

/** A raw connection from `from` (any 127.x address reaches the loopback gateway). */
function open(gw: Gateway, from: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: gw.port, localAddress: from });
    const h: Held = { socket, openedAt: 0, closedAt: null, received: '' };
    socket.setNoDelay(true);
    socket.on('data', (d) => (h.received += d));
    socket.on('error', () => undefined);
    socket.on('close', () => (h.closedAt = Date.now()));
    socket.once('connect', () => {
      h.openedAt = Date.now();
      resolve(h);
    });
    socket.once('error', reject);
  });
}

/** Sends `text` one byte every `everyMs` until the connection closes. */
function trickle(h: Held, text: string, everyMs: number) {
  let i = 0;
  const t = setInterval(() => {
    if (h.closedAt !== null || i >= text.length) return clearInterval(t);
    h.socket.write(text[i++]);
  }, everyMs);
}

describe('slow and idle clients', () => {
  let gw: Gateway;
  let key: { client_id: string; client_secret: string };
  let merchantId: string;
  before(async () => {
    gw = await Gateway.start({
      env: {
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        KEEP_ALIVE_TIMEOUT_MS: '1000',
        MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
      },
    });
    const m = await gw.merchant('Slow Co');
    key = m.test_key;
    merchantId = m.id;
  });
  after(() => gw?.stop());

  it('closes 300 trickling connections within the deadline while a normal create answers promptly', async () => {
    // 300 connections from three addresses (100 each, the per-address cap): half trickle their
    // headers, half send headers and trickle the body, one byte a second.
    const held: Held[] = [];
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      held.push(...(await Promise.all(Array.from({ length: PER_ADDRESS }, () => open(gw, from)))));
    }
    held.forEach((h, i) => {
      if (i % 2 === 0) {
        h.socket.write('POST /sandbox/upi/pay HTTP/1.1\r\nHost: x\r\n');
        trickle(h, 'Content-Type: application/json\r\nX-Slow: ' + 'a'.repeat(100), 1000);
      } else {
        h.socket.write('POST /sandbox/upi/pay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n');
        trickle(h, '{"upi_link": "' + 'a'.repeat(180), 1000);
      }
    });

    // Meanwhile an ordinary client is served at once.
    await eventually(async () => held.filter((h) => h.closedAt === null).length, (n) => n === 300, 2000, 'all 300 held');
    const t0 = Date.now();
    const created = await gw.cashfree(key).createRpd({ verification_id: 'while-slow', name: 'John Doe' });
    const latency = Date.now() - t0;
    assert.equal(created.status, 200, created.text);
    assert.ok(latency < 1500, `a normal create took ${latency} ms`);
    assert.equal(held.filter((h) => h.closedAt === null).length, 300, 'the slow connections were still open during the create');

    // Every one is cut off by its deadline (plus Node's checking interval), none lasts for ever.
    const limit = REQUEST_TIMEOUT_MS + 3000;
    await eventually(async () => held.filter((h) => h.closedAt === null).length, (n) => n === 0, limit + 2000, 'all closed');
    const lifetimes = held.map((h) => h.closedAt! - h.openedAt);
    assert.ok(Math.max(...lifetimes) <= limit, `longest slow connection lived ${Math.max(...lifetimes)} ms`);
    // Header tricklers hit the header deadline, body tricklers the request deadline; both get a 408.
    assert.ok(held.every((h) => h.received === '' || h.received.startsWith('HTTP/1.1 408')), held.map((h) => h.received.slice(0, 40)).join('|'));
    const headerLives = lifetimes.filter((_, i) => i % 2 === 0);
    assert.ok(Math.max(...headerLives) <= HEADERS_TIMEOUT_MS + 3000, `header trickler lived ${Math.max(...headerLives)} ms`);
    // Nothing was paid: the one verification is the ordinary client's, still waiting.
    assert.equal((await gw.admin('GET', `/merchants/${merchantId}`)).json.verifications, 1);
    assert.equal((await gw.cashfree(key).status({ verification_id: 'while-slow' })).json.status, 'CREATED');
  });

  it('refuses connections beyond the per-address cap, and not those of other addresses', async () => {
    const held = await Promise.all(Array.from({ length: PER_ADDRESS }, () => open(gw, '127.0.0.5')));
    // The server has counted them all once one request over the last of them is answered.
    const last = held[held.length - 1];
    last.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => last.received, (r) => r.includes('"ok"'), 3000, 'a health answer');
    const extra = await open(gw, '127.0.0.5');
    await eventually(async () => extra.closedAt, (c) => c !== null, 3000, 'the extra connection closed');
    assert.equal(extra.received, '');
    assert.equal(held.filter((h) => h.closedAt !== null).length, 0, 'the first connections are untouched');
    // Another address is served.
    assert.equal((await gw.request('GET', '/healthz')).status, 200);
    const other = await open(gw, '127.0.0.6');
    other.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => other.received, (r) => r.includes('"ok"'), 3000, 'a health answer from another address');
    for (const h of [...held, other]) h.socket.destroy();
    // Once they are gone, the address may connect again.
    await eventually(async () => held.every((h) => h.closedAt !== null), (x) => x, 3000, 'closed');
    const again = await open(gw, '127.0.0.5');
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => again.received, (r) => r.includes('"ok"'), 3000, 'served again');
    again.socket.destroy();
  });

  it('closes an idle keep-alive connection, and the connection of a request refused before its body was read', async () => {
    const idle = await open(gw, '127.0.0.7');
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(async () => idle.closedAt, (c) => c !== null, 4000, 'the idle connection closed');
    assert.match(idle.received, /^HTTP\/1\.1 200/);

    // No key: a 400 at once, and the connection goes with it rather than waiting for the body.
    const refused = await open(gw, '127.0.0.7');
    refused.socket.write(
      'POST /verification/reverse-penny-drop HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"verification_id":',
    );
    await eventually(async () => refused.closedAt, (c) => c !== null, REQUEST_TIMEOUT_MS - 1000, 'the refused connection closed');
    assert.match(refused.received, /^HTTP\/1\.1 400/);
    assert.match(refused.received, /connection: close/i);
    assert.match(refused.received, /x-client-id_missing/);
  });
});
