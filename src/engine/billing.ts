// Prepaid balances. A merchant's price per operation (paise; unset: free) is charged in the
// transaction that creates the request's record, after the record is known to be new: a request
// refused for any reason, or a repeated id, creates nothing and costs nothing, and a charge the
// balance cannot cover rolls the whole creation back. Every change of a balance is a ledger entry
// written in the same transaction, so the balance always equals the sum of the entries.
import type { Db, Queryable } from '../store/db.js';
import { counters, ledger, type LedgerEntry } from '../store/access.js';
import { newId } from './ids.js';
import { istDayStart } from './india-time.js';
import type { Merchant, MerchantSettings, Mode } from './types.js';

export const PRICED_OPERATIONS = ['reverse_penny_drop', 'mobile_penny_drop', 'upi_mobile', 'name_match'] as const;
export type PricedOperation = (typeof PRICED_OPERATIONS)[number];
export type Pricing = Partial<Record<PricedOperation, number>>;

/** The balance does not cover the operation's price; nothing was created. */
export class InsufficientBalanceError extends Error {
  constructor() {
    super('Insufficient balance to process this request');
  }
}

/** The merchant's mobile penny drops for today (India time) reached its daily cap. */
export class PayoutCapError extends Error {
  constructor(readonly cap: number) {
    super(`Daily payout limit of ${cap} reached for this account, try again tomorrow`);
  }
}

export class TopUpConflictError extends Error {}

const NO_CAP = 2 ** 31 - 1;
// The marker of a counted drop names its environment for test drops: a build older than the
// per-environment counters gives a marker's slot back to the live counter, so it must not find a
// test drop's (it then gives nothing back, which errs safe). Live markers keep the older name.
const countedKey = (refId: number, mode: Mode) => (mode === 'live' ? `payout counted ${refId}` : `payout counted test ${refId}`);
// Each environment has its own count against the cap: a test key's drops run on the sandbox and
// pay nothing, so they never hold up a live one (the live key is the one older builds counted both under).
const capKey = (merchantId: string, mode: Mode) => (mode === 'live' ? `payouts ${merchantId}` : `payouts ${merchantId} test`);

export const priceOf = (settings: MerchantSettings, op: PricedOperation) => settings.pricing?.[op] ?? 0;

export class Billing {
  constructor(private db: Db) {}

  /**
   * Charges `op` inside the caller's transaction (after the caller's record is inserted).
   * Throws InsufficientBalanceError, which must roll that transaction back.
   */
  async charge(q: Queryable, merchant: Merchant, op: PricedOperation, refId: number | null, now = Date.now()) {
    const price = priceOf(merchant.settings, op);
    if (price <= 0) return;
    if ((await ledger.move(q, merchant.id, -price, now)) === null) throw new InsufficientBalanceError();
    await ledger.insert(q, {
      id: newId('led'),
      merchantId: merchant.id,
      kind: 'charge',
      amountPaise: -price,
      operation: op,
      refId,
      reference: null,
      createdAt: now,
    });
  }

  /** A cheap check before calling a bank: false when the balance cannot cover `op` now. */
  async affordable(merchant: Merchant, op: PricedOperation): Promise<boolean> {
    const price = priceOf(merchant.settings, op);
    return price <= 0 || (await ledger.balance(this.db, merchant.id)) >= price;
  }

  /**
   * Counts one mobile payout against the merchant's daily cap, inside the creating transaction
   * (a rollback gives the slot back). Shared by every instance through the database. `at` is the
   * drop's created_at, by which releasePayout finds the day it was counted in. Counted per
   * environment (capKey): the cap applies to the test key's drops as to the live key's, apart.
   */
  // The day by the store's clock: instances whose clocks disagree would otherwise count in
  // different days around midnight, and admit the cap once each.
  async countPayout(q: Queryable, merchant: Merchant, mode: Mode, refId: number, at = this.db.clock()) {
    const cap = merchant.settings.limits?.dailyPayouts ?? null;
    if (cap !== null && cap <= 0) throw new PayoutCapError(cap);
    const day = istDayStart(at);
    // Counted with no cap set too: `limits show` reads the day's drops, and a cap set at noon
    // holds the morning's. No cap, or one above it, is bounded by the column's largest value.
    const bound = Math.min(cap ?? NO_CAP, NO_CAP);
    if ((await counters.take(q, capKey(merchant.id, mode), day, bound)) === null) throw new PayoutCapError(bound);
    // Which drops were counted (older builds skipped them while there was no cap), for releasePayout.
    await counters.take(q, countedKey(refId, mode), day, 1);
  }

  /**
   * Gives back the slot of a drop that ended with no money paid out (no payout made, or one the
   * bank refused), in the transaction that closes it: only what paid, or may have, counts
   * against the cap. Nothing for a drop that was never counted.
   */
  async releasePayout(q: Queryable, merchantId: string, mode: Mode, refId: number, createdAt: number) {
    const day = istDayStart(createdAt);
    // A test drop counted by an earlier build carries the live marker's name (refIds are unique
    // across environments, so it is this drop's). Builds with per-environment counters counted it
    // in the test counter; older ones in the live one, which then keeps that slot until the day
    // ends (it errs safe: no live payout is let through).
    const counted = (await counters.remove(q, countedKey(refId, mode), day)) || (mode === 'test' && (await counters.remove(q, countedKey(refId, 'live'), day)));
    if (counted) await counters.giveBack(q, capKey(merchantId, mode), day);
  }

  /** Payouts counted today in `mode`'s environment. */
  payoutsToday(merchantId: string, mode: Mode, now = this.db.clock()) {
    return counters.read(this.db, capKey(merchantId, mode), istDayStart(now));
  }

  /** Adds money; a reference already applied changes nothing and answers the first entry. */
  async topUp(merchantId: string, amountPaise: number, reference: string): Promise<{ entry: LedgerEntry; applied: boolean; balancePaise: number }> {
    return this.db.tx(async (q) => {
      const now = Date.now();
      const entry: LedgerEntry = { id: newId('led'), merchantId, kind: 'top_up', amountPaise, operation: null, refId: null, reference, createdAt: now };
      if (!(await ledger.insert(q, entry))) {
        const first = (await ledger.byReference(q, merchantId, reference))!;
        if (first.amountPaise !== amountPaise) {
          throw new TopUpConflictError(`reference ${reference} was already applied with amount_paise ${first.amountPaise}`);
        }
        return { entry: first, applied: false, balancePaise: await ledger.balance(q, merchantId) };
      }
      const balancePaise = (await ledger.move(q, merchantId, amountPaise, now))!;
      return { entry, applied: true, balancePaise };
    });
  }

  async statement(merchantId: string, limit = 100) {
    const sum = await ledger.summary(this.db, merchantId);
    const entries = await ledger.entries(this.db, merchantId, limit);
    return { balancePaise: sum.balance, entrySum: sum.sum, entryCount: sum.count, entries };
  }
}

export const entryView = (e: LedgerEntry) => ({
  id: e.id,
  kind: e.kind,
  amount_paise: e.amountPaise,
  operation: e.operation,
  ref_id: e.refId,
  reference: e.reference,
  created_at: new Date(e.createdAt).toISOString(),
});
