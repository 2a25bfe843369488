/**
 * Deferred: what a workflow gets back from a command (task, child workflow, timer, signal). It is
 * awaitable; the command is already dispatched when the Deferred exists, so commands started
 * without awaiting run in parallel. `all` / `any` combine them deterministically: during replay
 * they resolve in the order the outcomes were recorded.
 */

export type DeferredStatus = 'ongoing' | 'completed' | 'failed';

export class Deferred<T> implements PromiseLike<T> {
  #promise: Promise<T>;
  #status: DeferredStatus = 'ongoing';

  /** @internal use the workflow API (services, timers, channels) to get deferreds. */
  constructor(promise: Promise<T>) {
    this.#promise = promise;
    // Observed here so a failed deferred nobody awaits does not crash the worker.
    promise.then(
      () => {
        this.#status = 'completed';
      },
      () => {
        this.#status = 'failed';
      },
    );
  }

  /** A deferred with its settle functions (for the workflow run). @internal */
  static pending<T>(): {
    deferred: Deferred<T>;
    resolve: (value: T) => void;
    reject: (error: unknown) => void;
  } {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { deferred: new Deferred(promise), resolve, reject };
  }

  // biome-ignore lint/suspicious/noThenProperty: a Deferred is awaitable on purpose
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#promise.then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected: (reason: unknown) => R | PromiseLike<R>): Promise<T | R> {
    return this.#promise.catch(onRejected);
  }

  /** The outcome so far, without waiting. */
  status(): DeferredStatus {
    return this.#status;
  }

  isOngoing(): boolean {
    return this.#status === 'ongoing';
  }
  isCompleted(): boolean {
    return this.#status === 'completed';
  }
  isFailed(): boolean {
    return this.#status === 'failed';
  }
}

type Values<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * Waits for every deferred; resolves with their values in order, or rejects with the first failure
 * (Infinitic's `and`).
 * @example
 * const [a, b] = await all([hello.sayHello('a'), hello.sayHello('b')]);
 */
export function all<T extends readonly unknown[]>(deferreds: readonly [...T]): Deferred<Values<T>> {
  return new Deferred(Promise.all(deferreds) as Promise<Values<T>>);
}

/**
 * Resolves with the value of the first deferred to complete; rejects with the last failure when
 * all fail (Infinitic's `or`).
 * @example
 * const first = await any([hello.sayHello('a'), sleep(60_000).then(() => 'timeout')]);
 */
export function any<T extends readonly unknown[]>(deferreds: readonly [...T]): Deferred<Awaited<T[number]>> {
  const promise = new Promise<Awaited<T[number]>>((resolve, reject) => {
    let failed = 0;
    if (deferreds.length === 0) reject(new RangeError('any() needs at least one deferred'));
    for (const d of deferreds) {
      Promise.resolve(d).then(
        (value) => resolve(value as Awaited<T[number]>),
        (error) => {
          failed += 1;
          if (failed === deferreds.length) reject(error);
        },
      );
    }
  });
  return new Deferred(promise);
}
