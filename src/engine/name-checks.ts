// The stand-alone name match (a check between two names, no money): scored by the same engine
// that judges every verified account, with the merchant's bands, and recorded so that a
// verification_id is used once.
import type { Db, Queryable } from '../store/db.js';
import { matchNames, type NameMatch } from './namematch/index.js';
import type { Merchant, Principal } from './types.js';
import { newShortRefId } from './ids.js';

export interface NameCheck extends NameMatch {
  referenceId: number;
  verificationId: string;
  name1: string;
  name2: string;
}

export async function checkNames(
  db: Db,
  p: Principal,
  req: { verificationId: string; name1: string; name2: string },
  /** Charges the check in the transaction that records it (engine/billing.ts); throws to refuse it. */
  charge: (q: Queryable, referenceId: number) => Promise<void> = async () => {},
): Promise<NameCheck | 'duplicate'> {
  const m = matchNames(req.name1, req.name2, p.merchant.settings.nameMatchBands);
  // The reference is random (newShortRefId) rather than the table's counter, which would tell
  // every merchant how many checks all merchants have made.
  // A verification_id is used once per merchant and environment (a test key's ids do not take
  // live ones); one recorded before checks had a mode counts as used in both.
  const used = (q: Queryable) =>
    q.query("SELECT 1 AS taken FROM name_matches WHERE merchant_id = ? AND COALESCE(mode, '') IN (?, '') AND verification_id = ?", [
      p.merchant.id,
      p.mode,
      req.verificationId,
    ]);
  for (;;) {
    const row = await db.tx(async (q) => {
      if ((await used(q)).length > 0) return 'duplicate' as const;
      const [made] = await q.query<{ reference_id: number }>(
        `INSERT INTO name_matches (reference_id, merchant_id, mode, verification_id, name_1, name_2, score, result, reason, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING reference_id`,
        [newShortRefId(), p.merchant.id, p.mode, req.verificationId, req.name1, req.name2, m.score, m.result, m.reason, Date.now()],
      );
      if (made) await charge(q, Number(made.reference_id));
      return made;
    });
    if (row === 'duplicate') return row;
    if (row) return { ...m, referenceId: Number(row.reference_id), verificationId: req.verificationId, name1: req.name1, name2: req.name2 };
    if ((await used(db)).length > 0) return 'duplicate';
    // Otherwise the random reference was already in use (newShortRefId): draw again.
  }
}

/** The match of the name a merchant expects against the name at the bank, with its bands. */
export function verifiedNameMatch(expected: string | null, atBank: string | null, merchant: Merchant | null) {
  if (!expected || !atBank) return null;
  const m = matchNames(expected, atBank, merchant?.settings.nameMatchBands);
  return { score: m.score, result: m.result };
}
