import type { Db, Queryable } from '../store/db.js';
import { apiKeys, merchants } from '../store/repository.js';
import { base62, digits, newId } from './ids.js';
import { SECRET_KEY_PROBE, hashSecret, seal, secretMatches, unseal } from './secrets.js';
import type { Merchant, MerchantSettings, Mode, Principal } from './types.js';
import { signingKeys } from '../store/access.js';
import { generateSigningPair } from './access.js';

/** Active key pairs per mode: two, so a secret can be rotated without downtime. */
export const MAX_ACTIVE_KEYS = 2;

/**
 * Bidirectional formatting characters (the Arabic letter mark, LRM/RLM, embeddings, overrides and
 * isolates). In a name on the hosted page, an override left open runs on into the page's own
 * sentence around it and shows its words reversed or reordered.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with nothing visible in it: spaces, control and format characters alone (zero-width
 * spaces and joiners, which trim() leaves, and bidi marks) show as nothing where a name is shown.
 */
export const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}]*$/u;

/**
 * Why a merchant name cannot be used, or null. The name reaches webhooks, the admin API and the
 * customer's hosted page: it must have a visible character and no control characters.
 */
export function merchantNameProblem(name: string): string | null {
  // C0, DEL and C1 controls, and the line/paragraph separators some renderers treat as line breaks.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'name must not contain control characters';
  if (name.search(BIDI_CONTROLS) >= 0) return 'name must not contain bidirectional control characters';
  if (INVISIBLE.test(name)) return 'name must not be blank';
  const trimmed = name.trim();
  if (trimmed.length > 100) return 'name must be at most 100 characters';
  return null;
}

export interface IssuedKey {
  client_id: string;
  client_secret: string;
}

interface CachedKey {
  version: number;
  secretHash: string;
  revokedAt: number | null;
  /** Shared by every request of the key: frozen, so no request can change what another sees. */
  principal: Principal;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export class Merchants {
  constructor(
    private db: Db,
    private secretKey: Buffer,
    /** Live keys are issued only when a bank connector is configured (live mode). */
    private opts: { liveKeys: boolean } = { liveKeys: false },
  ) {}

  async create(name: string): Promise<{ merchant: Merchant; testKey: IssuedKey; liveKey?: IssuedKey }> {
    const merchant: Merchant = {
      id: newId('mer'),
      name,
      // The source account RazorpayX requests name; 16 digits like a current account number.
      accountNumber: digits(16),
      settings: {},
      createdAt: Date.now(),
    };
    const testKey = this.newKey('test');
    const liveKey = this.opts.liveKeys ? this.newKey('live') : undefined;
    await this.db.tx(async (q) => {
      await merchants.insert(q, merchant);
      for (const [mode, key] of [['test', testKey], ['live', liveKey]] as const) {
        if (key) await this.insertKey(q, merchant.id, mode, key, merchant.createdAt);
      }
    });
    return liveKey ? { merchant, testKey, liveKey } : { merchant, testKey };
  }

  private newKey(mode: Mode): IssuedKey {
    return { client_id: `pg_${mode}_${base62(16)}`, client_secret: `pgs_${mode}_${base62(40)}` };
  }

  private insertKey(q: Queryable, merchantId: string, mode: Mode, k: IssuedKey, at: number) {
    return apiKeys.insert(q, {
      clientId: k.client_id,
      merchantId,
      mode,
      secretHash: hashSecret(k.client_secret),
      secretSealed: seal(k.client_secret, this.secretKey),
      createdAt: at,
      revokedAt: null,
    });
  }

  /**
   * Another key pair of `mode`, for rotation: at most MAX_ACTIVE_KEYS active per mode. The
   * caller says whether live keys can be served (a live rail is configured).
   */
  async issueKey(merchantId: string, mode: Mode, liveAvailable: boolean): Promise<IssuedKey | 'not_found' | 'too_many' | 'live_unavailable'> {
    if (mode === 'live' && !liveAvailable) return 'live_unavailable';
    return this.db.tx(async (q) => {
      // The merchant's row lock serialises issuers, so two at once cannot both pass the count.
      if (!(await merchants.get(q, merchantId, this.db.forUpdate))) return 'not_found' as const;
      const active = (await apiKeys.forMerchant(q, merchantId)).filter((k) => k.mode === mode);
      if (active.length >= MAX_ACTIVE_KEYS) return 'too_many' as const;
      const key = this.newKey(mode);
      await this.insertKey(q, merchantId, mode, key, Date.now());
      return key;
    });
  }

  /** Revokes a key at once: every instance checks the store's access version on every request. */
  revokeKey(merchantId: string, clientId: string): Promise<boolean> {
    return apiKeys.revoke(this.db, merchantId, clientId, Date.now());
  }

  async keys(merchantId: string) {
    return (await apiKeys.all(this.db, merchantId)).map((k) => ({
      client_id: k.client_id,
      mode: k.mode,
      status: k.revoked_at === null ? ('active' as const) : ('revoked' as const),
      created_at: new Date(Number(k.created_at)).toISOString(),
      revoked_at: k.revoked_at === null ? null : new Date(Number(k.revoked_at)).toISOString(),
    }));
  }

  /**
   * A new 2FA key pair for the merchant: the public key, null without such a merchant, or
   * 'exists' when it has one and `replace` is not set (a request retried after a lost answer
   * must not swap the key the merchant was just given: its signatures would fail at once).
   */
  async createSigningKey(merchantId: string, replace = false): Promise<string | 'exists' | null> {
    const pair = await generateSigningPair();
    return this.db.tx(async (q) => {
      const m = await merchants.get(q, merchantId, this.db.forUpdate);
      if (!m) return null;
      if (!replace && (await signingKeys.get(q, merchantId))) return 'exists';
      await signingKeys.put(q, merchantId, pair.publicKey, seal(pair.privateKey, this.secretKey), Date.now());
      // The flag travels with the merchant's row, which every request reads anyway.
      await merchants.setSettings(q, merchantId, { ...m.settings, signatureRequired: true });
      return pair.publicKey;
    });
  }

  async removeSigningKey(merchantId: string): Promise<boolean> {
    return this.db.tx(async (q) => {
      const m = await merchants.get(q, merchantId, this.db.forUpdate);
      if (!m) return false;
      const { signatureRequired: _off, ...rest } = m.settings;
      await merchants.setSettings(q, merchantId, rest);
      return signingKeys.remove(q, merchantId);
    });
  }

  /** The merchant's 2FA private key (PEM), or null when 2FA is not set up. */
  async signingPrivateKey(merchantId: string): Promise<string | null> {
    const k = await signingKeys.get(this.db, merchantId);
    return k ? unseal(k.privateKeySealed, this.secretKey) : null;
  }

  async signingPublicKey(merchantId: string): Promise<string | null> {
    return (await signingKeys.get(this.db, merchantId))?.publicKey ?? null;
  }

  get(id: string) {
    return merchants.get(this.db, id);
  }

  list() {
    return merchants.list(this.db);
  }

  async updateSettings(id: string, patch: (s: MerchantSettings) => MerchantSettings): Promise<Merchant | null> {
    return this.db.tx(async (q) => {
      const m = await merchants.get(q, id, this.db.forUpdate);
      if (!m) return null;
      m.settings = patch(m.settings);
      await merchants.setSettings(q, id, m.settings);
      return m;
    });
  }

  /**
   * The caller behind a key pair, or why not. Unknown ids and wrong secrets take the same digest
   * comparison; a key this instance has recently seen answers one read sooner than one it has
   * not, which tells nothing to a caller without a real client id (about 95 random bits).
   */
  async authenticate(clientId: string, secret: string): Promise<Principal | null> {
    // No key holds a NUL, and PostgreSQL cannot be asked about one (a decoded Basic credential can carry it).
    if (clientId.includes('\0')) return null;
    const key = await this.keyOf(clientId);
    // Compare against a dummy digest when the id is unknown so timing does not reveal which ids exist.
    const ok = secretMatches(secret, key?.secretHash ?? '0'.repeat(64));
    if (!key || !ok || key.revokedAt !== null) return null;
    return key.principal;
  }

  /**
   * The caller behind a key pair from this instance's cache alone, with the access version the
   * key was read at; null when it is not cached, is revoked or the secret does not match (then
   * `authenticate`). Whoever takes it must read the access version in its own first statement and
   * start again from `authenticate` if it moved (accessGate's `confirmed`), so that a revoked key
   * or a changed merchant still holds at once.
   */
  cached(clientId: string, secret: string): { principal: Principal; version: number } | null {
    const hit = this.keyCache.get(clientId);
    if (!hit || hit.revokedAt !== null || !secretMatches(secret, hit.secretHash)) return null;
    return { principal: hit.principal, version: hit.version };
  }

  /**
   * A key with its merchant, from this instance's cache while the store's access version has
   * not moved since it was read (any change to a key or a merchant moves it, in the same
   * transaction), else from the store. The version is read first, so a cached key is never older
   * than the version it is filed under.
   */
  private async keyOf(clientId: string): Promise<CachedKey | null> {
    const version = await apiKeys.accessVersion(this.db);
    const hit = this.keyCache.get(clientId);
    if (hit && version !== null && hit.version === version) return hit;
    const key = await apiKeys.get(this.db, clientId);
    if (!key) return null;
    const entry: CachedKey = {
      version: version ?? -1,
      secretHash: key.secretHash,
      revokedAt: key.revokedAt,
      principal: deepFreeze({ merchant: key.merchant, mode: key.mode, clientId: key.clientId }),
    };
    // Only keys that exist are kept (unknown ids cannot fill it), and few of those are in use.
    if (version !== null) {
      if (this.keyCache.size >= 10_000) this.keyCache.clear();
      this.keyCache.set(clientId, entry);
    }
    return entry;
  }
  private keyCache = new Map<string, CachedKey>();

  /** The merchant's active client secret for `mode`, for signing Cashfree-format webhooks. */
  async clientSecret(q: Queryable, merchantId: string, mode: Mode): Promise<string | null> {
    const keys = await apiKeys.forMerchant(q, merchantId);
    // The oldest active key: while a merchant rotates, webhooks stay signed with the secret it
    // already has until that key is revoked (by then the new one is deployed).
    const key = keys.find((k) => k.mode === mode);
    return key ? unseal(key.secretSealed, this.secretKey) : null;
  }

  /**
   * Every instance must seal with the same key. The first start stores a value sealed with it;
   * a later start with another key (a second instance without SECRET_KEY, a lost DATA_DIR)
   * refuses to run instead of failing later, one webhook at a time.
   */
  async checkSecretKey() {
    const probe = SECRET_KEY_PROBE;
    await this.db.query('INSERT INTO gateway_meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING', [
      'secret_key_check',
      seal(probe, this.secretKey),
    ]);
    const [row] = await this.db.query('SELECT value FROM gateway_meta WHERE key = ?', ['secret_key_check']);
    let opened = '';
    try {
      opened = unseal(row.value, this.secretKey);
    } catch {
      /* a different key */
    }
    if (opened !== probe) {
      throw new Error(
        'SECRET_KEY does not match the key this database was set up with: set the same SECRET_KEY on every instance (see README)',
      );
    }
  }

  seal(plain: string) {
    return seal(plain, this.secretKey);
  }

  unseal(sealed: string) {
    return unseal(sealed, this.secretKey);
  }
}

/** The access version moved between a cached key's read and a read that checked it (see `cached`). */
export class AccessMoved extends Error {
  constructor() {
    super('keys or merchants changed since the key was cached');
  }
}
