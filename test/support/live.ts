// A gateway in live mode against `pennygate bank-simulator` as its bank: the simulator first, on
// a port of its own, told where the gateway will listen; then the gateway with the connector's
// settings (and any others the suite needs), and a merchant on it.
import { after, before } from 'node:test';
import { Gateway, freePort } from './gateway.js';
import { Simulator } from './simulator.js';

export const LIVE_PAYEE_VPA = 'pennygate.live@examplebank';

type Key = { client_id: string; client_secret: string };

/** The settings of the bank connector (the live rail), with the bank at `bankUrl`. */
export const connectorEnv = (bankUrl: string, secret: string): Record<string, string> => ({
  BANK_CONNECTOR_URL: bankUrl,
  BANK_CONNECTOR_SECRET: secret,
  LIVE_PAYEE_VPA,
  LIVE_PAYEE_NAME: 'Pennygate Live',
  LIVE_MCC: '6012',
});

/** With a merchant of the name given: its live and test keys, and its account. */
export async function startLive(o: {
  secret: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  merchant: string;
}): Promise<{ gw: Gateway; sim: Simulator; live: Key; test: Key; account: string }> {
  const [gwPort, simPort] = [await freePort(), await freePort()];
  // The bank pays only links to the collection VPA the gateway makes them out to.
  const payeeVpa = o.env?.LIVE_PAYEE_VPA ?? LIVE_PAYEE_VPA;
  const sim = await Simulator.start({ port: simPort, gateway: `http://127.0.0.1:${gwPort}`, secret: o.secret, payeeVpa });
  const gw = await Gateway.start({
    databaseUrl: o.databaseUrl,
    port: gwPort,
    env: { ...connectorEnv(sim.url, o.secret), ...o.env },
  });
  const m = (await gw.admin('POST', '/merchants', { name: o.merchant })).json;
  return { gw, sim, live: m.live_key, test: m.test_key, account: m.account_number };
}

/**
 * startLive for a describe block: started before its tests and stopped after them; the object
 * returned holds the gateway, the simulator and the keys once started.
 */
export function liveSuite(o: Parameters<typeof startLive>[0]): Awaited<ReturnType<typeof startLive>> {
  const s = {} as Awaited<ReturnType<typeof startLive>>;
  before(async () => {
    Object.assign(s, await startLive(o));
  });
  after(async () => {
    await s.gw?.stop();
    await s.sim?.stop();
  });
  return s;
}
