// Bank names for `bank_account.bank_name`. Reads ask the IFSC directory (src/store/ifsc.ts: the
// built-in branches plus whatever the operator imported from the public IFSC dataset). Webhooks
// are rendered synchronously inside the event's transaction, where the directory cannot be read,
// so they, and reads of IFSCs the directory does not hold, name the bank from its four-letter
// code with the small table below: the banks the sandbox's payers hold accounts at, spelt as the
// public dataset spells them so that both sources agree.
import type { Queryable } from '../../store/db.js';
import { lookupIfsc } from '../../store/ifsc.js';

const BANKS_BY_CODE: Record<string, string> = {
  YESB: 'Yes Bank',
  UTIB: 'Axis Bank',
  ICIC: 'ICICI Bank',
  INDB: 'Indusind Bank',
  KKBK: 'Kotak Mahindra Bank',
  HDFC: 'HDFC Bank',
  SBIN: 'State Bank of India',
  PYTM: 'Paytm Payments Bank',
};

/** The bank named by an IFSC's first four letters, when it is one of the built-in ones. */
export function bankNameByCode(ifsc: string | null): string | null {
  if (!ifsc || !/^[A-Za-z]{4}0[A-Za-z0-9]{6}$/.test(ifsc)) return null;
  return BANKS_BY_CODE[ifsc.slice(0, 4).toUpperCase()] ?? null;
}

/** The bank of an IFSC: the directory's record first, the built-in table otherwise. */
export async function bankName(db: Queryable, ifsc: string | null, onError?: (err: unknown) => void): Promise<string | null> {
  if (!ifsc) return null;
  try {
    const branch = await lookupIfsc(db, ifsc);
    if (branch?.bank) return branch.bank;
  } catch (err) {
    // A directory that cannot be read (not created yet on this store) must not fail a read.
    onError?.(err);
  }
  return bankNameByCode(ifsc);
}
