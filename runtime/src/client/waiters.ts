/**
 * The outcomes a client awaits, by key (a task id, a workflow name + id): one promise per key
 * however many handles await it, settled once by the first outcome that arrives; on close every
 * pending one is rejected.
 */
export interface Waiter<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  /** Rejects without the guard rejectAll adds: only for a promise someone awaits. */
  reject: (error: Error) => void;
}

const ignore = () => {};

export class Waiters<T> {
  readonly #pending = new Map<string, Waiter<T>>();

  /** The waiter of `key`, created on first use. */
  for(key: string): Waiter<T> {
    const existing = this.#pending.get(key);
    if (existing) return existing;
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiter = { promise, resolve, reject };
    this.#pending.set(key, waiter);
    return waiter;
  }

  /** Whether `waiter` is still the pending one of `key`. */
  isPending(key: string, waiter: Waiter<T>): boolean {
    return this.#pending.get(key) === waiter;
  }

  /** Resolves the waiter of `key`; an outcome nobody here awaits (or a duplicate) is ignored. */
  settle(key: string, value: T): void {
    const waiter = this.#pending.get(key);
    if (!waiter) return;
    this.#pending.delete(key);
    waiter.resolve(value);
  }

  /** Forgets `key` (its request never left). */
  drop(key: string): void {
    this.#pending.delete(key);
  }

  /** Rejects every pending waiter with the error `errorFor(key)` makes. */
  rejectAll(errorFor: (key: string) => Error): void {
    for (const [key, waiter] of this.#pending) {
      // A fire-and-forget handle nobody awaits must not crash the process. Attached here, the one
      // place a waiter is rejected, rather than on every waiter: most are only ever resolved.
      waiter.promise.catch(ignore);
      waiter.reject(errorFor(key));
    }
    this.#pending.clear();
  }
}
