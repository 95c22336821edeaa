import type { Db, Queryable } from '../store/db.js';
import { apiKeys, merchants } from '../store/repository.js';
import { base62, digits, newId } from './ids.js';
import { hashSecret, seal, secretMatches, unseal } from './secrets.js';
import type { Merchant, MerchantSettings, Mode, Principal } from './types.js';

/**
 * Why a merchant name cannot be used, or null. The name reaches webhooks, the admin API and the
 * customer's hosted page: it must have a visible character and no control characters.
 */
export function merchantNameProblem(name: string): string | null {
  // C0, DEL and C1 controls, and the line/paragraph separators some renderers treat as line breaks.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'name must not contain control characters';
  const trimmed = name.trim();
  if (!trimmed) return 'name must not be blank';
  if (trimmed.length > 100) return 'name must be at most 100 characters';
  return null;
}

export interface IssuedKey {
  client_id: string;
  client_secret: string;
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
        if (!key) continue;
        await apiKeys.insert(q, {
          clientId: key.client_id,
          merchantId: merchant.id,
          mode,
          secretHash: hashSecret(key.client_secret),
          secretSealed: seal(key.client_secret, this.secretKey),
          createdAt: merchant.createdAt,
          revokedAt: null,
        });
      }
    });
    return liveKey ? { merchant, testKey, liveKey } : { merchant, testKey };
  }

  private newKey(mode: Mode): IssuedKey {
    return { client_id: `pg_${mode}_${base62(16)}`, client_secret: `pgs_${mode}_${base62(40)}` };
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

  /** The caller behind a key pair, or why not. Unknown ids and wrong secrets take the same path. */
  async authenticate(clientId: string, secret: string): Promise<Principal | null> {
    const key = await apiKeys.get(this.db, clientId);
    // Compare against a dummy digest when the id is unknown so timing does not reveal which ids exist.
    const ok = secretMatches(secret, key?.secretHash ?? '0'.repeat(64));
    if (!key || !ok || key.revokedAt !== null) return null;
    return { merchant: key.merchant, mode: key.mode, clientId: key.clientId };
  }

  /** The merchant's active client secret for `mode`, for signing Cashfree-format webhooks. */
  async clientSecret(q: Queryable, merchantId: string, mode: Mode): Promise<string | null> {
    const keys = await apiKeys.forMerchant(q, merchantId);
    const key = keys.filter((k) => k.mode === mode).at(-1);
    return key ? unseal(key.secretSealed, this.secretKey) : null;
  }

  /**
   * Every instance must seal with the same key. The first start stores a value sealed with it;
   * a later start with another key (a second instance without SECRET_KEY, a lost DATA_DIR)
   * refuses to run instead of failing later, one webhook at a time.
   */
  async checkSecretKey() {
    const probe = 'pennygate secret key check';
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
