// The requests the speed benches send: /healthz, a status read of one known verification, and
// creates (each body's @N@ is replaced by a number of the bench's own, so every create is new).
import type { Gateway } from '../test/support/gateway.js';

export interface Case {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: (i: number) => string;
}

/** A merchant on `gw`, one verification it knows, and the cases; also the answers the ceiling must mimic. */
export async function benchCases(gw: Gateway) {
  const key = (await gw.merchant('Bench')).test_key;
  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'content-type': 'application/json' };
  const known = (await gw.cashfree(key).createRpd({ verification_id: 'bench-known', name: 'John Doe' })).json;
  const knownStatus = (await gw.cashfree(key).status({ ref_id: String(known.ref_id) })).json;
  const cases: Record<string, Case> = {
    healthz: { method: 'GET', path: '/healthz', headers: {} },
    status: { method: 'GET', path: `/verification/remitter/status?ref_id=${known.ref_id}`, headers: auth },
    create: { method: 'POST', path: '/verification/reverse-penny-drop', headers: auth, body: () => '{"verification_id":"bench-@N@","name":"John Doe"}' },
  };
  return { cases, known, knownStatus };
}
