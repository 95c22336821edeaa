// Statements by key that arrive in the same turn of the event loop (lookups, inserts), run as
// one statement. On PostgreSQL every statement costs a round trip, a write and a read on the
// socket, a RowDescription parsed again and a transaction in the server; reading or writing
// thirty rows by key in one statement costs little more than one.

interface Waiter<R> {
  resolve(r: R | undefined): void;
  reject(err: unknown): void;
}
interface Entry<I, R> {
  item: I;
  waiters: Waiter<R>[];
}

/** Keys per statement: bounds a statement's parameters and the time one batch holds a connection. */
const MAX_BATCH = 256;

/** K: a key; I: what a statement needs of it (the key itself for a lookup); R: a row. */
export class Coalescer<K, R, I = K> {
  private pending: Map<K, Entry<I, R>> | null = null;
  private readonly again: (item: I) => Promise<R[]>;
  private readonly shareKey: boolean;

  /**
   * `run` runs the statement for `items` and returns its rows (in any order, none for an item
   * it found or wrote nothing for); `keyOf` names the key a row answers. `again` runs one item
   * on its own after the statement of its batch failed (by default, `run` of that item alone).
   * `shareKey: false` for writes: a key asked again while it waits is another row that cannot be
   * written beside the first (an insert drawing a ref_id already drawn), answered undefined at
   * once rather than given the first one's row.
   */
  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly keyOf: (r: R) => K,
    opts: { again?: (item: I) => Promise<R[]>; shareKey?: boolean } = {},
  ) {
    this.again = opts.again ?? ((item) => run([item]));
    this.shareKey = opts.shareKey ?? true;
  }

  /**
   * The row of `key`, or undefined when there is none. Asked again for a key already waiting,
   * the first item stands (see `shareKey`). Without `item` (a lookup, whose item is its key) only where I is K.
   */
  get(this: Coalescer<K, R, K>, key: K): Promise<R | undefined>;
  get(key: K, item: I): Promise<R | undefined>;
  get(key: K, ...rest: [] | [I]): Promise<R | undefined> {
    const item = rest.length === 0 ? (key as unknown as I) : rest[0];
    let batch = this.pending;
    if (!this.shareKey && batch?.has(key)) return Promise.resolve(undefined);
    if (batch === null || batch.size >= MAX_BATCH) {
      const next = new Map<K, Entry<I, R>>();
      this.pending = batch = next;
      // After the I/O callbacks of this turn: every request that arrived with this one has asked.
      setImmediate(() => {
        if (this.pending === next) this.pending = null;
        void this.flush(next);
      });
    }
    return new Promise((resolve, reject) => {
      const e = batch.get(key);
      if (e) e.waiters.push({ resolve, reject });
      else batch.set(key, { item, waiters: [{ resolve, reject }] });
    });
  }

  /** `alone`: the entry of a batch whose statement failed, run on its own (`again`). */
  private async flush(batch: Map<K, Entry<I, R>>, alone = false) {
    let rows: R[];
    try {
      const items = [...batch.values()].map((e) => e.item);
      rows = await (alone ? this.again(items[0]) : this.run(items));
    } catch (err) {
      if (batch.size === 1) {
        for (const e of batch.values()) for (const w of e.waiters) w.reject(err);
        return;
      }
      // One failed statement must not fail the others' requests (a key the database refuses,
      // a connection lost): each key runs on its own, and only its own failure is its answer.
      // A failed statement may still have committed (its answer lost after the commit): a write
      // run again must then answer with the row that statement wrote (see `again`).
      await Promise.all([...batch].map(([k, e]) => this.flush(new Map([[k, e]]), true)));
      return;
    }
    for (const r of rows) {
      const k = this.keyOf(r);
      const e = batch.get(k);
      if (!e) continue;
      batch.delete(k);
      for (const w of e.waiters) w.resolve(r);
    }
    for (const e of batch.values()) for (const w of e.waiters) w.resolve(undefined);
  }
}
