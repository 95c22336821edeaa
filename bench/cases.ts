// The requests the speed benches send: /healthz, status reads spread over 501 verifications, and
// creates (each body's @N@ is replaced by a number of the bench's own, so every create is new).
// The reads are spread because reads arriving together share a statement (on either store), and
// the same key asked 64 times at once would be read once: a bench of one key flatters it.
import type { Gateway } from '../test/support/gateway.js';

export interface Case {
  method: 'GET' | 'POST';
  path: string;
  /** When set, the requests go to these paths in turn (`path` is the first of them). */
  paths?: string[];
  headers: Record<string, string>;
  body?: (i: number) => string;
}

/** The path of a case's `i`-th request. */
export const pathOf = (cs: Case, i: number) => (cs.paths ? cs.paths[i % cs.paths.length] : cs.path);

/** A merchant on `gw`, one verification it knows, and the cases; also the answers the ceiling must mimic. */
export async function benchCases(gw: Gateway) {
  const key = (await gw.merchant('Bench')).test_key;
  const auth = { 'x-client-id': key.client_id, 'x-client-secret': key.client_secret, 'content-type': 'application/json' };
  const known = (await gw.cashfree(key).createRpd({ verification_id: 'bench-known', name: 'John Doe' })).json;
  const knownStatus = (await gw.cashfree(key).status({ ref_id: String(known.ref_id) })).json;
  const refs: string[] = [];
  for (let i = 0; i < 500; i += 10) {
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, j) => gw.cashfree(key).createRpd({ verification_id: `bench-read-${i + j}`, name: 'John Doe' })),
    );
    refs.push(...made.map((r) => String(r.json.ref_id)));
  }
  const statusPaths = [known.ref_id, ...refs].map((ref) => `/verification/remitter/status?ref_id=${ref}`);
  const vidPaths = ['bench-known', ...refs.map((_, i) => `bench-read-${i}`)].map((vid) => `/verification/remitter/status?verification_id=${vid}`);
  const cases: Record<string, Case> = {
    healthz: { method: 'GET', path: '/healthz', headers: {} },
    status: { method: 'GET', path: statusPaths[0], paths: statusPaths, headers: auth },
    // The same reads by the merchant's verification_id (its own index: merchant, mode, kind, id).
    status_vid: { method: 'GET', path: vidPaths[0], paths: vidPaths, headers: auth },
    create: { method: 'POST', path: '/verification/reverse-penny-drop', headers: auth, body: () => '{"verification_id":"bench-@N@","name":"John Doe"}' },
  };
  return { cases, known, knownStatus };
}
