// Lists an operator reads page by page (owed refunds, refunds in review, unsettled payouts, entries
// set aside, dead letters, webhook deliveries): each page ends with `next`, a cursor naming the
// last row's place in the list's order (its time and id), and the page after it starts there. A row that moves meanwhile (a refund settled, a job retried)
// shifts no other row to another page, as an offset would.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Services } from '../services.js';
import { AdminError } from './errors.js';

export const PagedQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  after: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'The `next` of the page before: the page after it' })),
});

/** A row's place in a list's order: its time (ms) and its id, which breaks ties. */
export interface Position {
  at: number;
  id: string;
}

export const cursorOf = (p: Position): string => Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');

export class BadCursor extends AdminError {
  constructor() {
    super(400, 'invalid_request', 'after is not a cursor of this list: give the `next` of the page before');
  }
}

/**
 * The position a cursor names; BadCursor when it is none this gateway wrote (`numeric`: of a list
 * whose ids are numbers).
 */
export function positionOf(cursor: string | undefined, numeric = false): Position | null {
  if (cursor === undefined) return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // An id of this gateway's lists is letters, digits and _ . : - only: anything else (a NUL,
    // which PostgreSQL refuses in text) is no cursor it gave.
    // A numeric id (a job's, a ref_id of up to 16 digits) is one a double holds exactly.
    const id = numeric ? /^[1-9][0-9]{0,15}$/ : /^[A-Za-z0-9_.:-]{1,100}$/;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      Number.isSafeInteger(v[0]) &&
      typeof v[1] === 'string' &&
      id.test(v[1]) &&
      (!numeric || Number.isSafeInteger(Number(v[1])))
    ) {
      return { at: v[0], id: v[1] };
    }
  } catch {
    // not JSON: refused below
  }
  throw new BadCursor();
}

/**
 * A page from rows read one past `limit`: the rows to show, and the cursor of the last one when
 * more follow (null at the end).
 */
export function pageOf<T>(rows: T[], limit: number, position: (row: T) => Position): { items: T[]; next: string | null } {
  if (rows.length <= limit) return { items: rows, next: null };
  const items = rows.slice(0, limit);
  return { items, next: cursorOf(position(items[items.length - 1])) };
}

/** A merchant's webhook deliveries, newest first, a page at a time (admin API and CLI). */
export async function deliveryPage(s: Services, merchantId: string, limit: number, after?: string) {
  const at = positionOf(after);
  if (!(await s.merchants.get(merchantId))) throw new AdminError(404, 'not_found', 'no such merchant');
  const rows = await s.webhooks.list(merchantId, limit + 1, at);
  return pageOf(rows, limit, (d) => ({ at: Date.parse(d.created_at), id: d.id }));
}

/** An operator's list read a page at a time: GET `path` with `?limit=` (100 by default) and `?after=`. */
export function pagedList(app: FastifyInstance, path: string, summary: string, read: (limit: number, after?: string) => Promise<unknown>) {
  app.get<{ Querystring: Static<typeof PagedQuery> }>(
    path,
    { schema: { tags: ['Admin'], security: [{ AdminToken: [] }], summary: `${summary}; \`next\` gives the page after (as \`after\`)`, querystring: PagedQuery } },
    async (req) => read(Number(req.query.limit ?? 100), req.query.after),
  );
}
