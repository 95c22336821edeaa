// Lookups by key that arrive in the same turn of the event loop, run as one statement. On
// PostgreSQL every statement costs a round trip, a write and a read on the socket, a
// RowDescription parsed again and a transaction in the server; reading thirty rows by key in
// one statement costs little more than reading one.

interface Waiter<R> {
  resolve(r: R | undefined): void;
  reject(err: unknown): void;
}

export class Coalescer<K, R> {
  private pending: Map<K, Waiter<R>[]> | null = null;

  /**
   * `run` reads the rows of all `keys` (in any order, those not found left out); `keyOf` names
   * the key a row answers.
   */
  constructor(
    private readonly run: (keys: K[]) => Promise<R[]>,
    private readonly keyOf: (r: R) => K,
    private readonly max = 256,
  ) {}

  /** The row of `key`, or undefined when there is none. */
  get(key: K): Promise<R | undefined> {
    let batch = this.pending;
    if (batch === null || batch.size >= this.max) {
      const next = new Map<K, Waiter<R>[]>();
      this.pending = batch = next;
      // After the I/O callbacks of this turn: every request that arrived with this one has asked.
      setImmediate(() => {
        if (this.pending === next) this.pending = null;
        void this.flush(next);
      });
    }
    return new Promise((resolve, reject) => {
      const ws = batch.get(key);
      if (ws) ws.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
    });
  }

  private async flush(batch: Map<K, Waiter<R>[]>) {
    let rows: R[];
    try {
      rows = await this.run([...batch.keys()]);
    } catch (err) {
      if (batch.size === 1) {
        for (const ws of batch.values()) for (const w of ws) w.reject(err);
        return;
      }
      // One failed statement must not fail the others' requests (a key the database refuses,
      // a connection lost): each key is read on its own, and only its own failure is its answer.
      await Promise.all([...batch].map(([k, ws]) => this.flush(new Map([[k, ws]]))));
      return;
    }
    for (const r of rows) {
      const k = this.keyOf(r);
      const ws = batch.get(k);
      if (!ws) continue;
      batch.delete(k);
      for (const w of ws) w.resolve(r);
    }
    for (const ws of batch.values()) for (const w of ws) w.resolve(undefined);
  }
}
