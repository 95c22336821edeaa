// What a real bank's connector may send that the simulator does not: a notification missing a
// field, a listing whose cursor is not the contract's string, a refund answered for another amount.
// None of them may cost a payment made in time its verification, or a rupee its return.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { Gateway, eventually, freePort, sleep } from './support/gateway.js';
import { connectorEnv, startLive } from './support/live.js';
import type { Simulator } from './support/simulator.js';

const SECRET = 'connector-payloads-shared-secret';

/** A signed delivery to the gateway, as a connector sends it. */
async function push(gw: Gateway, event: unknown) {
  const raw = JSON.stringify(event);
  const ts = String(Date.now());
  const sig = 'v1=' + createHmac('sha256', SECRET).update(`${ts}.${raw}`).digest('hex');
  const r = await fetch(`${gw.url}/bank/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bank-timestamp': ts, 'x-bank-signature': sig },
    body: raw,
  });
  return { status: r.status, json: await r.json() };
}

const trOf = (link: string) => new URL(link.replace('upi://', 'http://upi/')).searchParams.get('tr')!;

describe('a notification without its tr', () => {
  let gw: Gateway;
  let sim: Simulator;
  after(async () => {
    await gw?.stop();
    await sim?.stop();
  });

  it('is not taken as a credit that carries none: the payment, listed whole, still verifies its link', async () => {
    let live: { client_id: string; client_secret: string };
    ({ gw, sim, live } = await startLive({
      secret: SECRET,
      merchant: 'Partial Notices',
      env: { RPD_LINK_TTL_SECONDS: '3', NOTIFICATION_GRACE_SECONDS: '1', BANK_PULL_INTERVAL_MS: '300', RAIL_TIMEOUT_MS: '1000' },
    }));
    const link = (await gw.cashfree(live).createRpd({ verification_id: 'partial-1', name: 'John Doe' })).json;
    // The bank's own notice is lost; its adapter then pushes the credit with `tr` left out.
    await sim.faults({ down: true });
    const paid = await sim.pay(link.upi_link);
    const listed = (await sim.request('GET', '/simulator/ledger')).json.credits.find((c: any) => c.bank_txn_id === paid.bank_txn_id);
    const partial = {
      id: 'evt_partial_1',
      type: 'credit',
      bank_txn_id: paid.bank_txn_id,
      utr: paid.utr,
      amount_paise: listed.amount_paise,
      credited_at: listed.credited_at,
      payer: { vpa: listed.payer_vpa, name: 'JOHN DOE', account: null, ifsc: null, account_type: null },
      reason: null,
    };
    await push(gw, partial);
    // The pull reads the bank's whole record of it.
    await sim.faults({ down: false });
    const s = await eventually(
      async () => (await gw.cashfree(live).status({ verification_id: 'partial-1' })).json,
      (x) => x.status !== 'CREATED',
      15_000,
      'the link to settle',
    );
    assert.equal(s.status, 'SUCCESS', `a payment made in time verifies its link: ${JSON.stringify(s)}`);
  });
});

