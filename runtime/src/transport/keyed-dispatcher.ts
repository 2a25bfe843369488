/**
 * Runs handlers for messages a broker pushed to this process: at most `concurrency` at once and,
 * when `keyed` (Key_Shared), one at a time per key in arrival order — the broker guarantees
 * affinity and order per key, this keeps it while handlers run in parallel.
 */
export interface Dispatchable {
  readonly key?: string;
}

export interface KeyedDispatcherOptions<T> {
  concurrency: number;
  keyed: boolean;
  /** Runs one item; its settlement frees the slot (and the key). Never rejects. */
  run: (item: T) => Promise<void>;
}

export class KeyedDispatcher<T extends Dispatchable> {
  readonly #o: KeyedDispatcherOptions<T>;
  #queue: T[] = [];
  #busyKeys = new Set<string | undefined>();
  #inFlight = 0;
  #paused = false;
  #idle: Array<() => void> = [];

  constructor(options: KeyedDispatcherOptions<T>) {
    this.#o = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  push(item: T): void {
    this.#queue.push(item);
    this.#pump();
  }

  /** Forgets queued items matching `predicate` (e.g. those of a dropped socket: the broker redelivers). */
  drop(predicate: (item: T) => boolean): void {
    this.#queue = this.#queue.filter((item) => !predicate(item));
  }

  /** Starts no new handler from now on. */
  pause(): void {
    this.#paused = true;
  }

  /** Resolves true once nothing runs, or false after `ms`. */
  idle(ms: number): Promise<boolean> {
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((f) => f !== done);
        resolve(false);
      }, ms);
      this.#idle.push(done);
    });
  }

  #pump(): void {
    if (this.#paused) return;
    if (!this.#o.keyed) {
      while (this.#inFlight < this.#o.concurrency && this.#queue.length > 0)
        this.#start(this.#queue.shift()!);
      return;
    }
    for (let i = 0; i < this.#queue.length && this.#inFlight < this.#o.concurrency; ) {
      const item = this.#queue[i]!;
      if (this.#o.keyed && this.#busyKeys.has(item.key)) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      this.#start(item);
    }
  }

  #start(item: T): void {
    this.#inFlight++;
    if (this.#o.keyed) this.#busyKeys.add(item.key);
    // `run` never rejects: one reaction, not the two promises `finally` makes.
    this.#o.run(item).then(() => {
      this.#inFlight--;
      if (this.#o.keyed) this.#busyKeys.delete(item.key);
      if (this.#inFlight === 0 && this.#idle.length > 0) for (const done of this.#idle.splice(0)) done();
      this.#pump();
    });
  }
}
