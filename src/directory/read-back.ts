/**
 * Coalesced read-backs of just-created entries.
 *
 * A create must return what the directory made of the entry (its objectGUID above all), which costs one read per
 * create. The engine creates several groups at once, so the reads of creates that finish close together are sent
 * as ONE search (`many`): a read waits while other creates of the same Target are still writing (they will ask
 * too), for at most `windowMs`, and is sent at once when no other create is under way (no added latency for a lone
 * create). What `many` does not return — or every key of a batch whose `many` failed — is read alone with `one`,
 * so a missing entry fails its own create only, with the error the single read gives.
 */

export interface ReadBackOptions<K, V> {
  /** Reads several keys in one request; keys absent from the result are read again alone. */
  many(keys: K[]): Promise<Map<K, V>>;
  /** Reads one key (the single read: its result or error is the create's). */
  one(key: K): Promise<V>;
  /** Longest wait for other creates' reads to join a batch (ms). */
  windowMs: number;
  /** Most keys per `many`. */
  maxBatch: number;
}

/** One create's claim on a read-back: `read` once when written, or `cancel` if the create failed. */
export interface ReadBackTicket<K, V> {
  read(key: K): Promise<V>;
  cancel(): void;
}

interface Waiting<K, V> {
  key: K;
  resolve(v: V): void;
  reject(err: unknown): void;
}

export class ReadBackQueue<K, V> {
  private readonly waiting: Waiting<K, V>[] = [];
  private writing = 0; // creates started whose read-back has not been asked yet
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly maxBatch: number;

  constructor(private readonly opts: ReadBackOptions<K, V>) {
    this.maxBatch = Math.max(1, opts.maxBatch);
  }

  /** Called when a create starts: its read-back may join the batch of the creates finishing around it. */
  begin(): ReadBackTicket<K, V> {
    this.writing++;
    let done = false;
    const settle = (): void => {
      if (done) throw new Error('A read-back ticket is used once.');
      done = true;
      this.writing--;
    };
    return {
      read: (key) => {
        settle();
        const p = new Promise<V>((resolve, reject) => this.waiting.push({ key, resolve, reject }));
        this.schedule();
        return p;
      },
      cancel: () => {
        if (done) return;
        settle();
        this.schedule();
      },
    };
  }

  private schedule(): void {
    if (this.waiting.length === 0) return;
    if (this.writing === 0 || this.waiting.length >= this.maxBatch) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.waiting.length) void this.run(this.waiting.splice(0, this.maxBatch));
  }

  private async run(batch: Waiting<K, V>[]): Promise<void> {
    let found: Map<K, V> | undefined;
    if (batch.length > 1) {
      try {
        found = await this.opts.many(batch.map((w) => w.key));
      } catch {
        found = undefined; // each read alone says what is wrong, for its own create
      }
    }
    for (const w of batch) {
      if (found?.has(w.key)) w.resolve(found.get(w.key)!);
      else this.opts.one(w.key).then(w.resolve, w.reject);
    }
  }
}
