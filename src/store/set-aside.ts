// Entries of a bank's credit listing that the gateway could not read, set aside for the operator
// (rails/connector/intake.ts) instead of stopping the pull. Never deleted while open: one may be a
// payment, and until the operator resolves it, it holds back the expiry of the links it may pay.
import { createHash } from 'node:crypto';
import { rowsAfter, totalsRow, type ListPlace, type Queryable } from './db.js';

/**
 * Which links an entry may be the payment of: the one its tr names (`intent`); none when it says
 * it carries no tr; every link open when it was listed when its tr cannot be read.
 */
export type SetAsideHold = 'intent' | 'none' | 'links_open_when_seen';

export interface SetAsideEntry {
  id: string;
  rail: string;
  /** The cursor the listing was read after ('' from its start) and the entry's place in that page. */
  afterCursor: string;
  position: number;
  /** The entry as the bank wrote it. */
  raw: string;
  problem: string;
  /** As far as they could be read from it. */
  bankTxnId: string | null;
  tr: string | null;
  holds: SetAsideHold;
  seenAt: number;
  resolvedAt: number | null;
  resolution: string | null;
}

const toEntry = (r: Record<string, any>): SetAsideEntry => ({
  id: r.id,
  rail: r.rail,
  afterCursor: r.after_cursor,
  position: Number(r.position),
  raw: r.raw,
  problem: r.problem,
  bankTxnId: r.bank_txn_id ?? null,
  tr: r.tr ?? null,
  holds: r.holds,
  seenAt: Number(r.seen_at),
  resolvedAt: r.resolved_at == null ? null : Number(r.resolved_at),
  resolution: r.resolution ?? null,
});

/**
 * When its tr cannot be read, an entry holds every link open when it was listed. Which those were
 * is written with it as the latest `created_at` among them (`holds_created_through`): each
 * `created_at` is its creating instance's clock, and the instance that lists the entry may run
 * behind it (its `seen_at` would then miss a link made just before). A link made after the listing
 * by an instance whose clock is behind is held too, which only delays its expiry. Entries written
 * before that column hold by `seen_at`.
 */
const heldThrough = (alias = '') => `COALESCE(${alias}holds_created_through, ${alias}seen_at)`;

/**
 * SQL: whether an open entry may be the payment of verification `v` (an alias in the caller's
 * query): the one whose tr it names, or any link open when it was listed when its tr could not
 * be read.
 */
export const HELD_BY_SET_ASIDE = `EXISTS (SELECT 1 FROM bank_entries_set_aside s
  WHERE s.rail = v.rail AND s.resolved_at IS NULL
    AND ((s.holds = 'intent' AND s.tr = v.intent_tr) OR (s.holds = 'links_open_when_seen' AND ${heldThrough('s.')} >= v.created_at)))`;

export const setAside = {
  /** Records an entry; false when this place of the listing, with this text, was set aside before. */
  async record(q: Queryable, e: Omit<SetAsideEntry, 'resolvedAt' | 'resolution'>): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO bank_entries_set_aside (id, rail, after_cursor, position, raw, raw_sha256, problem, bank_txn_id, tr, holds, seen_at, holds_created_through)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${
         e.holds === 'links_open_when_seen' ? "(SELECT COALESCE(MAX(created_at), 0) FROM verifications WHERE rail = ? AND status = 'created')" : 'NULL'
       }) ON CONFLICT DO NOTHING RETURNING id`,
      [
        ...[e.id, e.rail, e.afterCursor, e.position, e.raw, createHash('sha256').update(e.raw).digest('hex'), e.problem, e.bankTxnId, e.tr, e.holds, e.seenAt],
        ...(e.holds === 'links_open_when_seen' ? [e.rail] : []),
      ],
    );
    return rows.length === 1;
  },
  /** Entries in this state, oldest first (seen_at, then id): up to `limit` after `after`, and how many in all. */
  async list(q: Queryable, state: 'open' | 'resolved' | 'all', limit: number, after: ListPlace | null = null): Promise<{ items: SetAsideEntry[]; total: number }> {
    const these = { open: 'FROM bank_entries_set_aside WHERE resolved_at IS NULL', resolved: 'FROM bank_entries_set_aside WHERE resolved_at IS NOT NULL', all: 'FROM bank_entries_set_aside WHERE 1 = 1' }[state];
    const total = `(SELECT COUNT(*) ${these}) AS list_total`;
    const page = rowsAfter('seen_at', 'id', 'asc', after);
    // The page and the count in one statement, so one snapshot: read apart, an entry set aside
    // between the two showed a count of 1 with no item.
    const rows = await q.query(`SELECT *, ${total} ${these}${page.sql} ORDER BY seen_at, id LIMIT ?`, [...page.params, limit]);
    const first = await totalsRow(q, rows, after, total);
    return { items: rows.map(toEntry), total: first ? Number(first.list_total) : 0 };
  },
  /** Open entries per rail (the metrics). */
  async openByRail(q: Queryable): Promise<Map<string, number>> {
    const rows = await q.query('SELECT rail, COUNT(*) AS n FROM bank_entries_set_aside WHERE resolved_at IS NULL GROUP BY rail');
    return new Map(rows.map((r) => [String(r.rail), Number(r.n)]));
  },
  /** The operator's word on an open entry; null when there is no open entry with that id. */
  async resolve(q: Queryable, id: string, note: string, at: number): Promise<SetAsideEntry | null> {
    const [r] = await q.query('UPDATE bank_entries_set_aside SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL RETURNING *', [
      at,
      note,
      id,
    ]);
    return r ? toEntry(r) : null;
  },
  /** Whether an open entry holds back this verification's expiry (see HELD_BY_SET_ASIDE). */
  async holds(q: Queryable, v: { rail: string; intentTr: string | null; createdAt: number }): Promise<boolean> {
    const rows = await q.query(
      `SELECT 1 FROM bank_entries_set_aside WHERE rail = ? AND resolved_at IS NULL
          AND ((holds = 'intent' AND tr = ?) OR (holds = 'links_open_when_seen' AND ${heldThrough()} >= ?)) LIMIT 1`,
      [v.rail, v.intentTr, v.createdAt],
    );
    return rows.length > 0;
  },
};
