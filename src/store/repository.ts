// Row <-> record mapping and every statement the engine runs. Each function takes the
// Queryable it runs on, so callers decide which statements share a transaction.
import { Coalescer } from './coalesce.js';
import { HELD_BY_SET_ASIDE } from './set-aside.js';
import { REFUSED_EXCEEDS_CREDIT } from '../rails/rail.js';
import { rowsAfter, totalsRow, type Db, type ListPlace, type Queryable, type Row } from './db.js';
import type {
  Credit,
  CreditDisposition,
  Merchant,
  MerchantSettings,
  Mode,
  ReversalStatus,
  Verification,
  VerificationStatus,
} from '../engine/types.js';

const json = <T>(s: string | null): T | null => (s == null ? null : (JSON.parse(s) as T));

// ---------------------------------------------------------------- merchants and keys

/** A merchant's settings as stored (its `settings` column, read alone or joined to another row). */
export const merchantSettings = (raw: string | null): MerchantSettings => json<MerchantSettings>(raw) ?? {};

const toMerchant = (r: Row): Merchant => ({
  id: r.id,
  name: r.name,
  accountNumber: r.account_number,
  settings: merchantSettings(r.settings),
  createdAt: r.created_at,
});

export const merchants = {
  async insert(q: Queryable, m: Merchant) {
    await q.query('INSERT INTO merchants (id, name, account_number, settings, created_at) VALUES (?, ?, ?, ?, ?)', [
      m.id,
      m.name,
      m.accountNumber,
      JSON.stringify(m.settings),
      m.createdAt,
    ]);
  },
  async get(q: Queryable, id: string, forUpdate = ''): Promise<Merchant | null> {
    const [r] = await q.query(`SELECT * FROM merchants WHERE id = ?${forUpdate}`, [id]);
    return r ? toMerchant(r) : null;
  },
  async list(q: Queryable): Promise<Merchant[]> {
    return (await q.query('SELECT * FROM merchants ORDER BY created_at')).map(toMerchant);
  },
  async setSettings(q: Queryable, id: string, settings: MerchantSettings) {
    await q.query('UPDATE merchants SET settings = ? WHERE id = ?', [JSON.stringify(settings), id]);
  },
};

export interface ApiKeyRow {
  clientId: string;
  merchantId: string;
  mode: Mode;
  secretHash: string;
  secretSealed: string;
  createdAt: number;
  revokedAt: number | null;
}

export const apiKeys = {
  async insert(q: Queryable, k: ApiKeyRow) {
    await q.query(
      'INSERT INTO api_keys (client_id, merchant_id, mode, secret_hash, secret_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [k.clientId, k.merchantId, k.mode, k.secretHash, k.secretSealed, k.createdAt],
    );
  },
  async get(q: Queryable, clientId: string): Promise<(ApiKeyRow & { merchant: Merchant }) | null> {
    const [r] = await q.query(
      `SELECT k.client_id, k.merchant_id, k.mode, k.secret_hash, k.secret_sealed, k.created_at AS key_created_at,
              k.revoked_at, m.*
         FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.client_id = ?`,
      [clientId],
    );
    if (!r) return null;
    return {
      clientId: r.client_id,
      merchantId: r.merchant_id,
      mode: r.mode,
      secretHash: r.secret_hash,
      secretSealed: r.secret_sealed,
      createdAt: r.key_created_at,
      revokedAt: r.revoked_at,
      merchant: toMerchant(r),
    };
  },
  /**
   * The number every change to api_keys or merchants moves on (migrations 20-21's triggers); null
   * when its row is missing, and then nothing may be taken from a cache.
   */
  async accessVersion(q: Queryable): Promise<number | null> {
    const [r] = await q.query('SELECT version FROM access_version WHERE id = 1');
    return r ? Number(r.version) : null;
  },
  /** Revokes an active key of the merchant; false when there is none by that id. */
  async revoke(q: Queryable, merchantId: string, clientId: string, at: number): Promise<boolean> {
    const rows = await q.query(
      'UPDATE api_keys SET revoked_at = ? WHERE client_id = ? AND merchant_id = ? AND revoked_at IS NULL RETURNING client_id',
      [at, clientId, merchantId],
    );
    return rows.length > 0;
  },
  async all(q: Queryable, merchantId: string) {
    return q.query<{ client_id: string; mode: Mode; created_at: number; revoked_at: number | null }>(
      'SELECT client_id, mode, created_at, revoked_at FROM api_keys WHERE merchant_id = ? ORDER BY created_at, client_id',
      [merchantId],
    );
  },
  async forMerchant(q: Queryable, merchantId: string): Promise<ApiKeyRow[]> {
    const rows = await q.query('SELECT * FROM api_keys WHERE merchant_id = ? AND revoked_at IS NULL ORDER BY created_at', [
      merchantId,
    ]);
    return rows.map((r) => ({
      clientId: r.client_id,
      merchantId: r.merchant_id,
      mode: r.mode,
      secretHash: r.secret_hash,
      secretSealed: r.secret_sealed,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  },
};

// ---------------------------------------------------------------- verifications

/** The expiry sweep's statement, one rail at a time (its index, verifications_open_rail, is checked in test/migrations.test.ts). */
/**
 * Which links may expire: on each rail listed, `valid_until` before its cutoff (engine: how far the
 * rail's intake has caught up); none of a rail not listed (this instance does not read it).
 */
export interface ExpiryCutoffs {
  rails: [rail: string, cutoff: number][];
}
// By rail and time, so that the links a rail holds back (its bank cannot be read) cost a sweep
// nothing: only the due ones are read. A link an entry set aside from the bank's listing may be
// the payment of waits for the operator (store/set-aside.ts).
export const dueToExpireSql = (skipLocked: string) =>
  `SELECT ref_id FROM verifications v WHERE status = 'created' AND rail = ? AND valid_until < ? AND NOT ${HELD_BY_SET_ASIDE}
    ORDER BY valid_until LIMIT ?${skipLocked}`;

/**
 * Links whose in-time decline is held (engine, failedAttempt) and may fail now: on each rail
 * listed, declined no later than how far its intake has caught up (partial index
 * verifications_declined). A link an entry set aside may be the payment of waits, as for expiry.
 */
export const declinesDueSql = (skipLocked: string) =>
  `SELECT ref_id FROM verifications v WHERE status = 'created' AND rail = ? AND declined_at IS NOT NULL AND declined_at <= ?
    AND NOT ${HELD_BY_SET_ASIDE} ORDER BY declined_at LIMIT ?${skipLocked}`;

/** A verification as locked for a notice: with the bank's time of a decline held on it, if any. */
export type OpenVerification = Verification & { declinedAt: number | null };
const toOpen = (r: Row): OpenVerification => ({ ...toVerification(r), declinedAt: r.declined_at == null ? null : Number(r.declined_at) });

/**
 * An intent's `tr` is its verification's ref_id, so an intent is found by the primary key; no
 * index on (rail, intent_tr) is kept up on every create. A `tr` that is not a ref_id (none is
 * written today) is found by the partial index verifications_intent_other.
 */
export const BY_INTENT = 'ref_id = ? AND rail = ? AND intent_tr = ?';
export const BY_OTHER_INTENT = 'rail = ? AND intent_tr = ? AND intent_tr <> CAST(ref_id AS TEXT)';
/** The ref_id a `tr` names, or 0 (no row) when it cannot be one. */
export function refIdOfTr(tr: string): number {
  const id = /^[1-9][0-9]{0,15}$/.test(tr) ? Number(tr) : 0;
  return Number.isSafeInteger(id) ? id : 0;
}
/** Parameters for BY_INTENT. */
export const intentParams = (rail: string, tr: string): [number, string, string] => [refIdOfTr(tr), rail, tr];

/**
 * Whose verifications a key reads: a merchant's, in one environment. Test and live are apart, as
 * at the providers: a test key neither reads a live verification nor takes its verification_id.
 */
export interface Owner {
  merchantId: string;
  mode: string;
}
const ofOwner = (v: Verification | null, o: Owner) => (v && v.merchantId === o.merchantId && v.mode === o.mode ? v : null);

/**
 * A key a merchant finds its verification by. A verification_id is the merchant's own, unique per
 * environment and product (kind): each of the providers' products keeps its own ids.
 */
export type VerificationKey = { verificationId: string; kind: Verification['kind'] } | { refId: number } | { publicId: string };
// By the unique key alone, the owner checked after the read (ofOwner): a statement that also
// names merchant_id lets PostgreSQL's generic plan, made while the table is small, walk the
// merchant's index instead of the key's, and read every verification of the merchant once the
// table has grown. (verification_id is unique per merchant, mode and kind only, so it is named with them.)
const whereKey = (o: Owner, by: VerificationKey): [string, unknown[]] =>
  'verificationId' in by
    ? ['v.merchant_id = ? AND v.mode = ? AND v.kind = ? AND v.verification_id = ?', [o.merchantId, o.mode, by.kind, by.verificationId]]
    : 'refId' in by
      ? ['v.ref_id = ?', [by.refId]]
      : ['v.public_id = ?', [by.publicId]];

// A verification's reversal as its merchant reads it (reversal_status). A failed attempt the
// gateway will follow with another is the reversal still under way, not FAILED: an integration
// that took FAILED as final and sent the rupee back by other means would pay it twice. FAILED is
// shown once no attempt will follow (in review), unless the bank said the credit was already
// returned in full (exceeds_credit), which the operator settles.
const REVERSAL = `CASE WHEN c.refund_status = 'failed' AND (c.refund_review_at IS NULL OR c.refund_error = '${REFUSED_EXCEEDS_CREDIT}')
  THEN 'initiated' ELSE c.refund_status END AS reversal`;

const SELECT_VERIFICATION = `SELECT v.*, ${REVERSAL} FROM verifications v
  LEFT JOIN credits c ON c.id = v.credit_id`;

// The same, with the access version read by the same statement (Engine.find's `access`).
const SELECT_VERIFICATION_WITH_ACCESS = `SELECT (SELECT version FROM access_version WHERE id = 1) AS access_version,
  v.*, ${REVERSAL} FROM verifications v LEFT JOIN credits c ON c.id = v.credit_id`;

// Many verifications by one kind of key in one statement, with the access version (PostgreSQL's
// coalesced reads). Each key's row is read through a subquery parameterised by the key, so the
// plan is an index lookup per key even when made on empty tables, where `= ANY(?)` is a
// sequential scan, and a join of credits outside the subquery hashes all of credits. (By
// verification_id the merchant's (merchant_id, created_at) index ties with the unique one until
// the table is first analyzed, as for the single lookup.)
// The keys come through `(SELECT ?)`, which hides their number from the planner: otherwise every
// batch of another size is planned anew (a custom plan costs less than the generic one's
// estimate of ten keys, so PostgreSQL never settles on the generic plan; planning cost more CPU
// in the server than the reads saved).
const byKeys = (from: string, where: string) => `SELECT (SELECT version FROM access_version WHERE id = 1) AS access_version, v.*
  FROM ${from} CROSS JOIN LATERAL (SELECT v.*, ${REVERSAL} FROM verifications v
  LEFT JOIN credits c ON c.id = v.credit_id WHERE ${where} OFFSET 0) v`;
const BY_KEYS = {
  refId: byKeys('unnest((SELECT ?::bigint[])) AS k(key)', 'v.ref_id = k.key'),
  publicId: byKeys('unnest((SELECT ?::text[])) AS k(key)', 'v.public_id = k.key'),
  verificationId: byKeys(
    'unnest((SELECT ?::text[]), (SELECT ?::text[]), (SELECT ?::text[]), (SELECT ?::text[])) AS k(merchant_id, mode, kind, key)',
    'v.merchant_id = k.merchant_id AND v.mode = k.mode AND v.kind = k.kind AND v.verification_id = k.key',
  ),
};
// The same on SQLite, the keys as one JSON array (json_each): each row by its index as well.
const BY_KEYS_SQLITE = {
  refId: `${SELECT_VERIFICATION_WITH_ACCESS} WHERE v.ref_id IN (SELECT value FROM json_each(?))`,
  publicId: `${SELECT_VERIFICATION_WITH_ACCESS} WHERE v.public_id IN (SELECT value FROM json_each(?))`,
  verificationId: `SELECT (SELECT version FROM access_version WHERE id = 1) AS access_version, v.*, ${REVERSAL}
    FROM json_each(?) AS k JOIN verifications v ON v.merchant_id = json_extract(k.value, '$[0]')
    AND v.mode = json_extract(k.value, '$[1]') AND v.kind = json_extract(k.value, '$[2]')
    AND v.verification_id = json_extract(k.value, '$[3]')
    LEFT JOIN credits c ON c.id = v.credit_id`,
};
// The coalescing key of a lookup by verification_id, which is unique per merchant, mode and kind
// only (none of a merchant id, a mode or a kind has a space in it; a verification_id may).
type VidKey = [merchantId: string, mode: string, kind: string, verificationId: string];
const vidKey = (merchantId: string, mode: string, kind: string, vid: string) => `${merchantId} ${mode} ${kind} ${vid}`;
const ofVidKey = (k: string): VidKey => {
  const a = k.indexOf(' ');
  const b = k.indexOf(' ', a + 1);
  const c = k.indexOf(' ', b + 1);
  return [k.slice(0, a), k.slice(a + 1, b), k.slice(b + 1, c), k.slice(c + 1)];
};

/** The store itself, which says which database it is; a transaction's connection does not. */
type Store = Queryable & Pick<Db, 'kind'>;
const isStore = (q: Queryable): q is Store => 'kind' in q && (q.kind === 'postgres' || q.kind === 'sqlite');

type Batches = { refId: Coalescer<number, Row>; publicId: Coalescer<string, Row>; verificationId: Coalescer<string, Row> };
const batches = new WeakMap<Queryable, Batches>();
/**
 * A lookup by key on the store (not inside a transaction) waits for the others of this turn of
 * the event loop, and they run as one statement. On PostgreSQL that is one round trip, one
 * RowDescription parsed and one transaction in the server for all of them. On SQLite, where a
 * read costs no trip, it is one snapshot check and one statement, and, more, the answers of the
 * turn are written together after it: a read answered as soon as its request was parsed woke the
 * client once per answer (under load, 93-98 against 39-53 us of CPU per status read: the bench
 * figures in README.md).
 */
function batched(q: Queryable, o: Owner, by: VerificationKey): Promise<Row | undefined> | null {
  if (!isStore(q)) return null;
  let b = batches.get(q);
  if (!b) {
    b = {
      refId: new Coalescer((keys) => verifications.byKeysWithAccess(q, { refIds: keys }), (r) => Number(r.ref_id)),
      publicId: new Coalescer((keys) => verifications.byKeysWithAccess(q, { publicIds: keys }), (r) => r.public_id),
      verificationId: new Coalescer(
        (keys) => verifications.byKeysWithAccess(q, { verificationIds: keys.map(ofVidKey) }),
        (r) => vidKey(r.merchant_id, r.mode, r.kind, r.verification_id),
      ),
    };
    batches.set(q, b);
  }
  if ('refId' in by) return b.refId.get(by.refId);
  if ('publicId' in by) return b.publicId.get(by.publicId);
  return b.verificationId.get(vidKey(o.merchantId, o.mode, by.kind, by.verificationId));
}

const toVerification = (r: Row): Verification => ({
  refId: r.ref_id,
  merchantId: r.merchant_id,
  mode: r.mode,
  kind: r.kind,
  dialect: r.dialect,
  publicId: r.public_id,
  verificationId: r.verification_id,
  shortCode: r.short_code,
  name: r.name,
  redirectUrl: r.redirect_url,
  referenceId: r.reference_id,
  notes: json(r.notes),
  status: r.status,
  statusReason: r.status_reason,
  rail: r.rail,
  intentTr: r.intent_tr,
  payeeVpa: r.payee_vpa,
  payeeName: r.payee_name,
  payeeMc: r.payee_mc ?? null,
  amountPaise: r.amount_paise,
  validUntil: r.valid_until,
  createdAt: r.created_at,
  processedAt: r.processed_at,
  creditId: r.credit_id,
  // A verified record keeps its payer once retention erased the personal fields: the account
  // type (not personal) stays, and the dialects answer the rest as null.
  payer:
    r.payer_vpa || r.payer_account || (r.purged_at != null && r.status === 'success')
      ? {
          vpa: r.payer_vpa,
          name: r.payer_name,
          account: r.payer_account,
          ifsc: r.payer_ifsc,
          accountType: r.payer_account_type,
        }
      : null,
  utr: r.utr,
  collectedAt: r.collected_at,
  nameMatch: r.name_match_result ? { score: r.name_match_score, result: r.name_match_result } : null,
  reversal: (r.reversal as ReversalStatus | null) ?? null,
  mobileNumber: r.mobile_number,
  payoutKey: r.payout_key,
  payoutState: r.payout_status,
  payoutAt: r.payout_at,
  purgedAt: r.purged_at ?? null,
});

const INSERT_COLUMNS = `INSERT INTO verifications (ref_id, merchant_id, mode, kind, dialect, public_id, verification_id, short_code, name,
  redirect_url, reference_id, notes, status, rail, intent_tr, payee_vpa, payee_name, payee_mc, amount_paise, valid_until, created_at, processed_at)`;
const INSERT_VALUES = '?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?';
const insertValues = (v: NewVerification): unknown[] => [
  v.refId,
  v.merchantId,
  v.mode,
  v.kind,
  v.dialect,
  v.publicId,
  v.verificationId,
  v.shortCode,
  v.name,
  v.redirectUrl,
  v.referenceId,
  v.notes ? JSON.stringify(v.notes) : null,
  v.status,
  v.rail,
  v.intentTr,
  v.payeeVpa,
  v.payeeName,
  v.payeeMc,
  v.amountPaise,
  v.validUntil,
  v.createdAt,
  v.processedAt,
];
// The column types of insertValues, for PostgreSQL's arrays.
const INSERT_TYPES = ['bigint', ...Array(17).fill('text'), 'integer', 'bigint', 'bigint', 'bigint'];
// One row per element of the arrays; the last array holds each row's access version, or null.
// (SELECT ?) hides the number of rows from the planner, as in BY_KEYS.
const INSERT_MANY = `${INSERT_COLUMNS}
  SELECT ${INSERT_TYPES.map((_, i) => `k.c${i}`).join(', ')}
  FROM unnest(${[...INSERT_TYPES, 'bigint'].map((t) => `(SELECT ?::${t}[])`).join(', ')}) AS k(${INSERT_TYPES.map((_, i) => `c${i}`).join(', ')}, access)
  WHERE k.access IS NULL OR k.access = (SELECT version FROM access_version WHERE id = 1)
  ON CONFLICT DO NOTHING RETURNING ref_id`;

async function insertOne(q: Queryable, v: NewVerification, access?: number): Promise<number | null> {
  const rows = await q.query<{ ref_id: number }>(
    access === undefined
      ? `${INSERT_COLUMNS} VALUES (${INSERT_VALUES}) ON CONFLICT DO NOTHING RETURNING ref_id`
      : `${INSERT_COLUMNS} SELECT ${INSERT_VALUES} FROM access_version WHERE id = 1 AND version = ? ON CONFLICT DO NOTHING RETURNING ref_id`,
    [...insertValues(v), ...(access === undefined ? [] : [access])],
  );
  return rows[0]?.ref_id ?? null;
}

/**
 * An insert run again on its own after the statement of its batch failed. That statement may
 * have committed before its answer was lost (a connection dropped): then the row is there, and
 * the insert, which now finds its own row in the way, must still answer that it was written,
 * or the create would be answered as a duplicate of itself, or made a second time with new ids.
 * The row is known by the ids this create drew (its ref_id and public_id).
 */
async function insertAgain(q: Queryable, v: NewVerification, access?: number): Promise<number | null> {
  const written = await insertOne(q, v, access);
  if (written !== null) return written;
  const [mine] = await q.query<{ ref_id: number }>(
    'SELECT ref_id FROM verifications WHERE ref_id = ? AND public_id = ? AND merchant_id = ?',
    [v.refId, v.publicId, v.merchantId],
  );
  return mine ? Number(mine.ref_id) : null;
}

const inserts = new WeakMap<Queryable, Coalescer<number, { ref_id: number }, { v: NewVerification; access?: number }>>();
/** On PostgreSQL's pool, the inserts of one turn of the event loop are one statement (see batched). */
function insertBatch(q: Queryable) {
  if (!isStore(q) || q.kind !== 'postgres') return null;
  let b = inserts.get(q);
  if (!b) {
    b = new Coalescer(
      async (rows) => (await verifications.insertMany(q, rows)).map((ref_id) => ({ ref_id })),
      (r) => r.ref_id,
      {
        // Two creates that drew one ref_id: the second is not written (it draws again), as the
        // database would answer it; it must not be given the first one's row.
        shareKey: false,
        again: async ({ v, access }) => {
          const ref_id = await insertAgain(q, v, access);
          return ref_id === null ? [] : [{ ref_id }];
        },
      },
    );
    inserts.set(q, b);
  }
  return b;
}

/** A reverse penny drop as created; mobile verifications are inserted by store/mobile.ts. */
export type NewVerification = Omit<
  Verification,
  | 'creditId'
  | 'payer'
  | 'utr'
  | 'collectedAt'
  | 'nameMatch'
  | 'reversal'
  | 'statusReason'
  | 'mobileNumber'
  | 'payoutKey'
  | 'payoutState'
  | 'payoutAt'
  | 'purgedAt'
>;

export const verifications = {
  /**
   * Inserts unless the merchant already used the verification_id; returns the new ref_id or null.
   * With `access`, only while the access version is that number (Engine.createRpd's `access`):
   * null as well when it is not.
   */
  async insert(q: Queryable, v: NewVerification, access?: number): Promise<number | null> {
    const batch = insertBatch(q);
    if (batch) return (await batch.get(v.refId, { v, access })) ? v.refId : null;
    return insertOne(q, v, access);
  },
  /**
   * Many inserts in one statement (PostgreSQL: arrays); the ref_ids of the rows written. A row
   * whose `access` is set is written only while the access version is that number.
   */
  async insertMany(q: Queryable, rows: { v: NewVerification; access?: number }[]): Promise<number[]> {
    // One row (a quiet moment): the plain insert, which costs the server less.
    if (rows.length === 1) {
      const one = await insertOne(q, rows[0].v, rows[0].access);
      return one === null ? [] : [one];
    }
    // In one order, by the owner's verification_id (the unique key): two statements that hold the same ones
    // (a create sent twice, to two instances) wait for each other's row in the same order, where
    // in opposite orders each would wait for the other (a deadlock, found after a second, and the
    // batches run again row by row).
    const order = rows.map((r) => ({ r, by: `${r.v.merchantId} ${r.v.mode} ${r.v.kind} ${r.v.verificationId ?? ''}` }));
    order.sort((a, b) => (a.by < b.by ? -1 : a.by > b.by ? 1 : 0));
    rows = order.map((o) => o.r);
    const values = rows.map((r) => insertValues(r.v));
    const columns = INSERT_TYPES.map((_, i) => values.map((row) => row[i]));
    const written = await q.query<{ ref_id: number }>(INSERT_MANY, [...columns, rows.map((r) => r.access ?? null)]);
    return written.map((r) => Number(r.ref_id));
  },
  async one(q: Queryable, where: string, params: unknown[]): Promise<Verification | null> {
    const [r] = await q.query(`${SELECT_VERIFICATION} WHERE ${where}`, params);
    return r ? toVerification(r) : null;
  },
  byRef: (q: Queryable, refId: number) => verifications.one(q, 'v.ref_id = ?', [refId]),
  /** Whether the owner has used this verification_id for a verification of this kind. */
  async exists(q: Queryable, o: Owner, kind: Verification['kind'], vid: string): Promise<boolean> {
    const rows = await q.query('SELECT 1 FROM verifications WHERE merchant_id = ? AND mode = ? AND kind = ? AND verification_id = ?', [
      o.merchantId,
      o.mode,
      kind,
      vid,
    ]);
    return rows.length > 0;
  },
  /** The owner's verification by one of its keys. */
  async byOwner(q: Queryable, o: Owner, by: VerificationKey) {
    const batch = batched(q, o, by);
    if (batch) {
      const r = await batch;
      return r ? ofOwner(toVerification(r), o) : null;
    }
    return ofOwner(await verifications.one(q, ...whereKey(o, by)), o);
  },
  /** The same, and the access version read by the same statement (null when its row is missing). */
  async byOwnerWithAccess(q: Queryable, o: Owner, by: VerificationKey): Promise<{ v: Verification | null; access: number | null }> {
    const batch = batched(q, o, by);
    let r: Row | undefined;
    if (batch) r = await batch;
    else {
      const [where, params] = whereKey(o, by);
      [r] = await q.query(`${SELECT_VERIFICATION_WITH_ACCESS} WHERE ${where}`, params);
    }
    // None found (rare on a status read): the version is read on its own.
    if (!r) return { v: null, access: await apiKeys.accessVersion(q) };
    return { v: ofOwner(toVerification(r), o), access: r.access_version === null ? null : Number(r.access_version) };
  },
  /**
   * The rows of many keys of one kind at once, each with the access version; keys not found are
   * left out. On the store itself, whose kind picks the SQL: PostgreSQL (arrays) or SQLite (JSON).
   */
  byKeysWithAccess(
    q: Store,
    keys: { refIds: number[] } | { publicIds: string[] } | { verificationIds: VidKey[] },
  ): Promise<Row[]> {
    // One key (a quiet moment): the plain lookup, which costs the server less.
    const one = 'refIds' in keys ? keys.refIds : 'publicIds' in keys ? keys.publicIds : keys.verificationIds;
    if (one.length === 1) {
      const by: VerificationKey =
        'refIds' in keys
          ? { refId: keys.refIds[0] }
          : 'publicIds' in keys
            ? { publicId: keys.publicIds[0] }
            : { verificationId: keys.verificationIds[0][3], kind: keys.verificationIds[0][2] as Verification['kind'] };
      const owner = 'verificationIds' in keys ? { merchantId: keys.verificationIds[0][0], mode: keys.verificationIds[0][1] } : { merchantId: '', mode: '' };
      const [where, params] = whereKey(owner, by);
      return q.query(`${SELECT_VERIFICATION_WITH_ACCESS} WHERE ${where}`, params);
    }
    if (q.kind === 'sqlite') {
      if ('refIds' in keys) return q.query(BY_KEYS_SQLITE.refId, [JSON.stringify(keys.refIds)]);
      if ('publicIds' in keys) return q.query(BY_KEYS_SQLITE.publicId, [JSON.stringify(keys.publicIds)]);
      return q.query(BY_KEYS_SQLITE.verificationId, [JSON.stringify(keys.verificationIds)]);
    }
    if ('refIds' in keys) return q.query(BY_KEYS.refId, [keys.refIds]);
    if ('publicIds' in keys) return q.query(BY_KEYS.publicId, [keys.publicIds]);
    const ids = keys.verificationIds;
    return q.query(BY_KEYS.verificationId, [ids.map((k) => k[0]), ids.map((k) => k[1]), ids.map((k) => k[2]), ids.map((k) => k[3])]);
  },
  byShortCode: (q: Queryable, code: string) => verifications.one(q, 'v.short_code = ?', [code]),
  /** Whether an in-time decline is held on this open link (engine, failedAttempt): it fails unless a payment made before it turns up. */
  async declineHeld(q: Queryable, refId: number): Promise<boolean> {
    return (await q.query("SELECT 1 AS held FROM verifications WHERE ref_id = ? AND status = 'created' AND declined_at IS NOT NULL", [refId])).length > 0;
  },
  /** Locks the row (PostgreSQL) so that concurrent credits for one intent apply in turn. */
  async lockByTr(q: Queryable, rail: string, tr: string, forUpdate: string): Promise<OpenVerification | null> {
    const [r] = await q.query(`SELECT * FROM verifications WHERE ${BY_INTENT}${forUpdate}`, intentParams(rail, tr));
    if (r) return toOpen(r);
    const [o] = await q.query(`SELECT * FROM verifications WHERE ${BY_OTHER_INTENT}${forUpdate}`, [rail, tr]);
    return o ? toOpen(o) : null;
  },
  /**
   * Holds a decline made at `at` on a `created` link, unless one made no later is held already
   * (the earliest decides); false when nothing was written.
   */
  async holdDecline(q: Queryable, refId: number, at: number, reason: string): Promise<boolean> {
    const rows = await q.query(
      `UPDATE verifications SET declined_at = ?, decline_reason = ?
        WHERE ref_id = ? AND status = 'created' AND (declined_at IS NULL OR declined_at > ?) RETURNING ref_id`,
      [at, reason, refId, at],
    );
    return rows.length === 1;
  },
  /** Fails a `created` link by the decline held on it; false when it has none, or has left `created`. */
  async failByHeldDecline(q: Queryable, refId: number, at: number): Promise<boolean> {
    const rows = await q.query(
      `UPDATE verifications SET status = 'failure', status_reason = decline_reason, processed_at = ?
        WHERE ref_id = ? AND status = 'created' AND declined_at IS NOT NULL RETURNING ref_id`,
      [at, refId],
    );
    return rows.length === 1;
  },
  /** Links whose held decline the rails' intake has caught up past (`reached`: per rail), oldest first. */
  async declinesDue(q: Queryable, reached: ExpiryCutoffs, limit: number, skipLocked: string): Promise<number[]> {
    const due: number[] = [];
    for (const [rail, upTo] of reached.rails) {
      if (due.length >= limit) break;
      const rows = await q.query(declinesDueSql(skipLocked), [rail, upTo, limit - due.length]);
      for (const r of rows) due.push(Number(r.ref_id));
    }
    return due;
  },
  /** Unpaid verifications whose link closed before `cutoff`, oldest first, locked where the store can skip locked rows. */
  async dueToExpire(q: Queryable, cutoffs: ExpiryCutoffs, limit: number, skipLocked: string): Promise<number[]> {
    const due: number[] = [];
    for (const [rail, cutoff] of cutoffs.rails) {
      if (due.length >= limit) break;
      const rows = await q.query(dueToExpireSql(skipLocked), [rail, cutoff, limit - due.length]);
      for (const r of rows) due.push(Number(r.ref_id));
    }
    return due;
  },
  async lockByRef(q: Queryable, refId: number, forUpdate: string) {
    const [r] = await q.query(`SELECT * FROM verifications WHERE ref_id = ?${forUpdate}`, [refId]);
    return r ? toVerification(r) : null;
  },
  /** Moves a `created` verification to a terminal status; false when it had already left `created`. */
  async finish(
    q: Queryable,
    refId: number,
    to: VerificationStatus,
    at: number,
    reason: string | null,
    found?: {
      creditId: string;
      payer: { vpa: string | null; name: string | null; account: string | null; ifsc: string | null; accountType: string | null };
      utr: string;
      collectedAt: number;
      nameMatch: { score: number; result: string } | null;
    },
  ): Promise<boolean> {
    const rows = await q.query(
      `UPDATE verifications SET status = ?, status_reason = ?, processed_at = ?, credit_id = ?, payer_vpa = ?,
         payer_name = ?, payer_account = ?, payer_ifsc = ?, payer_account_type = ?, utr = ?, collected_at = ?,
         name_match_score = ?, name_match_result = ?
       WHERE ref_id = ? AND status = 'created' RETURNING ref_id`,
      [
        to,
        reason,
        at,
        found?.creditId ?? null,
        found?.payer.vpa ?? null,
        found?.payer.name ?? null,
        found?.payer.account ?? null,
        found?.payer.ifsc ?? null,
        found?.payer.accountType ?? null,
        found?.utr ?? null,
        found?.collectedAt ?? null,
        found?.nameMatch?.score ?? null,
        found?.nameMatch?.result ?? null,
        refId,
      ],
    );
    return rows.length === 1;
  },
  async list(
    q: Queryable,
    merchantId: string,
    f: { kind?: string; mode?: string; from?: number; to?: number; skip: number; count: number },
  ): Promise<Verification[]> {
    const where = ['v.merchant_id = ?'];
    const params: unknown[] = [merchantId];
    if (f.kind) (where.push('v.kind = ?'), params.push(f.kind));
    if (f.mode) (where.push('v.mode = ?'), params.push(f.mode));
    if (f.from !== undefined) (where.push('v.created_at >= ?'), params.push(f.from));
    if (f.to !== undefined) (where.push('v.created_at <= ?'), params.push(f.to));
    params.push(f.count, f.skip);
    const rows = await q.query(
      `${SELECT_VERIFICATION} WHERE ${where.join(' AND ')} ORDER BY v.created_at DESC, v.ref_id DESC LIMIT ? OFFSET ?`,
      params,
    );
    return rows.map(toVerification);
  },
  async count(q: Queryable, merchantId?: string): Promise<number> {
    const [r] = merchantId
      ? await q.query('SELECT COUNT(*) AS n FROM verifications WHERE merchant_id = ?', [merchantId])
      : await q.query('SELECT COUNT(*) AS n FROM verifications');
    return Number(r.n);
  },
};

// ---------------------------------------------------------------- credits

/**
 * When the attempt in flight was sent. Builds before refund_sent_at (which knew the sandbox rail
 * only) wrote refund_updated_at as they started an attempt and left refund_sent_at as it was:
 * null, or, when such a build ran beside this one, the time of an earlier attempt. For a refund
 * `initiated`, refund_updated_at is never before the latest attempt's start (every start writes
 * it), so the later of the two is the send; the credit's arrival may be long before it (a
 * reversal delay, retries), and counting the "not found" grace from there would take an attempt
 * whose status merely lags as never received and send a second rupee.
 */
function sentAt(r: Row): number | null {
  const sent = r.refund_sent_at == null ? null : Number(r.refund_sent_at);
  if (r.refund_status !== 'initiated' || r.refund_updated_at == null) return sent;
  return Math.max(sent ?? 0, Number(r.refund_updated_at));
}

/** sentAt in SQL, for a refund `initiated` (the only kind the statements below compare it on). */
const SENT_AT = `CASE WHEN refund_updated_at IS NOT NULL AND refund_updated_at > COALESCE(refund_sent_at, 0)
  THEN refund_updated_at ELSE COALESCE(refund_sent_at, 0) END`;

export const toCredit = (r: Row): Credit => ({
  id: r.id,
  rail: r.rail,
  bankTxnId: r.bank_txn_id ?? r.utr,
  utr: r.utr,
  creditedAt: Number(r.credited_at ?? r.received_at),
  tr: r.tr,
  amountPaise: r.amount_paise,
  payer: {
    vpa: r.payer_vpa,
    name: r.payer_name,
    account: r.payer_account,
    ifsc: r.payer_ifsc,
    accountType: r.payer_account_type,
  },
  receivedAt: r.received_at,
  refId: r.ref_id,
  disposition: r.disposition,
  refundKey: r.refund_key,
  refundStatus: r.refund_status,
  refundAttempts: r.refund_attempts,
  refundRef: r.refund_ref,
  refundError: r.refund_error,
  refundReference: r.refund_reference ?? null,
  refundSentAt: sentAt(r),
  refundReviewAt: r.refund_review_at == null ? null : Number(r.refund_review_at),
  refundUpdatedAt: r.refund_updated_at == null ? null : Number(r.refund_updated_at),
});

export const credits = {
  /** Records a credit once per (rail, bank transaction id); false when the bank told us about it before. */
  async insertOnce(q: Queryable, c: Credit): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO credits (id, rail, bank_txn_id, utr, credited_at, tr, amount_paise, payer_vpa, payer_name, payer_account,
         payer_ifsc, payer_account_type, received_at, ref_id, disposition, refund_key, refund_status, refund_updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
      [
        c.id,
        c.rail,
        c.bankTxnId,
        c.utr,
        c.creditedAt,
        c.tr,
        c.amountPaise,
        c.payer.vpa,
        c.payer.name,
        c.payer.account,
        c.payer.ifsc,
        c.payer.accountType,
        c.receivedAt,
        c.refId,
        c.disposition,
        c.refundKey,
        c.refundStatus,
        c.receivedAt,
      ],
    );
    return rows.length === 1;
  },
  async get(q: Queryable, id: string, forUpdate = ''): Promise<Credit | null> {
    const [r] = await q.query(`SELECT * FROM credits WHERE id = ?${forUpdate}`, [id]);
    return r ? toCredit(r) : null;
  },
  async byBankTxn(q: Queryable, rail: string, bankTxnId: string): Promise<Credit | null> {
    const [r] = await q.query('SELECT * FROM credits WHERE rail = ? AND COALESCE(bank_txn_id, utr) = ?', [rail, bankTxnId]);
    return r ? toCredit(r) : null;
  },
  /** Credits the bank made in [from, to), for reconciliation. */
  async creditedBetween(q: Queryable, rail: string, from: number, to: number): Promise<Credit[]> {
    return (
      await q.query('SELECT * FROM credits WHERE rail = ? AND COALESCE(credited_at, received_at) >= ? AND COALESCE(credited_at, received_at) < ?', [
        rail,
        from,
        to,
      ])
    ).map(toCredit);
  },
  /** Refunds set aside for review, oldest first (received_at, then id): up to `limit` after `after`, and how many in all. */
  async inReview(q: Queryable, limit: number, after: ListPlace | null = null): Promise<{ items: Credit[]; total: number }> {
    const inReview = "FROM credits WHERE refund_review_at IS NOT NULL AND refund_status <> 'success'";
    const total = `(SELECT COUNT(*) ${inReview}) AS list_total`;
    const page = rowsAfter('received_at', 'id', 'asc', after);
    // The page and its total in one statement (one snapshot), as setAside.list.
    const rows = await q.query(`SELECT *, ${total} ${inReview}${page.sql} ORDER BY received_at, id LIMIT ?`, [...page.params, limit]);
    const first = await totalsRow(q, rows, after, total);
    return { items: rows.map(toCredit), total: first ? Number(first.list_total) : 0 };
  },
  /**
   * Credits whose rupee has not gone back yet, oldest first (received_at, then id): what the
   * gateway still owes. Up to `limit` rows after `after` (a place in that order), and the totals
   * of all of them.
   */
  async outstanding(
    q: Queryable,
    limit: number,
    after: ListPlace | null = null,
  ): Promise<{ items: Credit[]; total: number; totalPaise: number }> {
    // The page and its totals in one statement (one snapshot), as setAside.list.
    const owed = "FROM credits WHERE refund_status <> 'success'";
    const totals = `(SELECT COUNT(*) ${owed}) AS list_total, (SELECT COALESCE(SUM(amount_paise), 0) ${owed}) AS list_paise`;
    const page = rowsAfter('received_at', 'id', 'asc', after);
    const rows = await q.query(`SELECT *, ${totals} ${owed}${page.sql} ORDER BY received_at, id LIMIT ?`, [...page.params, limit]);
    const first = await totalsRow(q, rows, after, totals);
    return { items: rows.map(toCredit), total: first ? Number(first.list_total) : 0, totalPaise: first ? Number(first.list_paise) : 0 };
  },
  async forVerification(q: Queryable, refId: number): Promise<Credit[]> {
    return (await q.query('SELECT * FROM credits WHERE ref_id = ? ORDER BY received_at', [refId])).map(toCredit);
  },
  async setRefund(
    q: Queryable,
    id: string,
    r: { status: ReversalStatus; attempts?: number; ref?: string | null; error?: string | null; at: number },
  ) {
    await q.query(
      `UPDATE credits SET refund_status = ?, refund_attempts = COALESCE(?, refund_attempts),
         refund_ref = COALESCE(?, refund_ref), refund_error = ?, refund_updated_at = ? WHERE id = ?`,
      [r.status, r.attempts ?? null, r.ref ?? null, r.error ?? null, r.at, id],
    );
  },
  /**
   * Records what the bank said of attempt `attempt`, only while that attempt is still the
   * credit's latest and the refund is not recorded as returned: a run that read the credit
   * before another run moved it on must not overwrite the newer state (a stale "failed" would
   * let a further attempt go while the newer one is live). False when nothing was written.
   */
  async recordAttempt(
    q: Queryable,
    id: string,
    attempt: number,
    r: {
      status: ReversalStatus;
      ref?: string | null;
      error?: string | null;
      at: number;
      /**
       * A "never received" judgement: only while the attempt is still `initiated` and was last
       * let through its fence (sendFence) no later than this, the send time the judge counted the
       * grace from. A sender that passed its fence after the judge read the credit moved it on.
       */
      sentBy?: number;
    },
  ): Promise<boolean> {
    const judged = r.sentBy === undefined ? '' : ` AND refund_status = 'initiated' AND ${SENT_AT} <= ?`;
    const rows = await q.query(
      `UPDATE credits SET refund_status = ?, refund_ref = COALESCE(?, refund_ref), refund_error = ?, refund_updated_at = ?
        WHERE id = ? AND refund_attempts = ? AND refund_status <> 'success'${judged} RETURNING id`,
      [r.status, r.ref ?? null, r.error ?? null, r.at, id, attempt, ...(r.sentBy === undefined ? [] : [r.sentBy])],
    );
    return rows.length === 1;
  },
  /**
   * The fence of a send (rails' SendFence), one statement right before attempt `attempt` goes to
   * the bank: true only while it is still the credit's current attempt, `initiated` (not judged
   * never received), and, for a run of the refund job, while that run still holds the job's
   * lease by the store's clock (another instance takes the job only once it ran out). Passing
   * moves the attempt's send time to now by the store's clock (and always past the time a judge
   * may have read), so the "not found" grace counts from the last moment it could be sent.
   */
  async sendFence(db: Db, id: string, attempt: number, lease?: { jobId: number; worker: string }): Promise<boolean> {
    const held = lease ? ` AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND locked_by = ? AND locked_until > ${db.now})` : '';
    const rows = await db.query(
      `UPDATE credits SET refund_sent_at = CASE WHEN ${db.now} > ${SENT_AT} THEN ${db.now} ELSE ${SENT_AT} + 1 END
        WHERE id = ? AND refund_attempts = ? AND refund_status = 'initiated'${held} RETURNING id`,
      [id, attempt, ...(lease ? [lease.jobId, lease.worker] : [])],
    );
    return rows.length === 1;
  },
  /**
   * Records that attempt `attempt` (reference `reference`) is about to be sent. Conditional on
   * the attempt before it, so that two runners never start the same attempt twice, and on that
   * attempt being failed (or none sent yet): a run that read it failed may find it `initiated`
   * again (a stalled run recording the bank's late acceptance of it over a "never received"
   * judgement), and the bank may then still return the rupee by it. The bank's reference is
   * cleared: set again, it says that the bank took this attempt.
   */
  async startAttempt(q: Queryable, id: string, attempt: number, reference: string, at: number): Promise<boolean> {
    const rows = await q.query(
      `UPDATE credits SET refund_status = 'initiated', refund_attempts = ?, refund_reference = ?, refund_sent_at = ?,
         refund_ref = NULL, refund_error = NULL, refund_updated_at = ?
       WHERE id = ? AND refund_attempts = ? AND refund_status IN ('pending', 'failed') AND refund_review_at IS NULL RETURNING id`,
      [attempt, reference, at, at, id, attempt - 1],
    );
    return rows.length === 1;
  },
  async setReview(q: Queryable, id: string, at: number | null) {
    await q.query('UPDATE credits SET refund_review_at = ?, refund_updated_at = ? WHERE id = ?', [at, at ?? Date.now(), id]);
  },
};

export const notifications = {
  async insert(q: Queryable, n: { rail: string; kind: string; bankTxnId?: string; utr: string; tr: string | null; outcome: string; at: number }) {
    await q.query('INSERT INTO notifications (rail, kind, bank_txn_id, utr, tr, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      n.rail,
      n.kind,
      n.bankTxnId || null,
      n.utr,
      n.tr,
      n.outcome,
      n.at,
    ]);
  },
  /**
   * Whether this decline came before: by the bank's id of it when the notice has one (UTRs
   * repeat: a placeholder RRN on every decline), else by UTR and intent together. One an older
   * build recorded (no bank id) is known by UTR and intent too.
   */
  async seenDecline(q: Queryable, rail: string, n: { bankTxnId?: string; utr: string; tr: string | null }): Promise<boolean> {
    const byUtr = "SELECT 1 FROM notifications WHERE rail = ? AND kind = 'failed_attempt' AND utr = ? AND tr IS NOT DISTINCT FROM ?";
    const rows = n.bankTxnId
      ? await q.query(
          `SELECT 1 FROM notifications WHERE rail = ? AND kind = 'failed_attempt' AND bank_txn_id = ?
           UNION ALL ${byUtr} AND bank_txn_id IS NULL LIMIT 1`,
          [rail, n.bankTxnId, rail, n.utr, n.tr],
        )
      : await q.query(`${byUtr} LIMIT 1`, [rail, n.utr, n.tr]);
    return rows.length > 0;
  },
};

/**
 * Events in the order they became visible (migration 29's commit_order), for a reader that follows
 * them. Every event whose order is below a horizon read before it is visible to the reader's next
 * query, so a reader that has read from `from` up needs to look no lower than that horizon again.
 * An event's timestamp gives no such promise: it is taken by the writer's clock before its commit.
 */
export const events = {
  async horizon(db: Db): Promise<number> {
    // PostgreSQL: every transaction whose id is below the snapshot's xmin has ended. SQLite: every
    // insert so far has committed (writers take turns); the next one takes a higher number.
    const [r] =
      db.kind === 'postgres'
        ? await db.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon')
        : await db.query('SELECT last + 1 AS horizon FROM event_order WHERE id = 1');
    return Number(r.horizon);
  },
  /** A merchant's events whose order is `from` or more; several may share one (one transaction). */
  async since(q: Queryable, merchantId: string, from: number): Promise<{ id: string; order: number }[]> {
    const rows = await q.query('SELECT id, commit_order FROM events WHERE merchant_id = ? AND commit_order >= ? ORDER BY commit_order, id', [
      merchantId,
      from,
    ]);
    return rows.map((r) => ({ id: r.id as string, order: Number(r.commit_order) }));
  },
};

export type { CreditDisposition };
