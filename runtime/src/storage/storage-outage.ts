/**
 * Rides out storage outages for the engines. A call that fails with a transient StorageError
 * (connection refused, reset or closed, a timeout: see StorageError.transient) waits until the
 * storage answers a ping again, then runs again: the message being handled stays unacked and keeps
 * its consumer slot meanwhile, so consumption stops by itself instead of burning redeliveries,
 * dead-lettering healthy messages or running a task twice. One watcher pings for every waiting
 * call (capped back-off) and logs one warning when an outage starts and one line when it ends.
 *
 * @example
 * const outage = new StorageOutage(storage, logger);
 * const bytes = await outage.retry(() => storage.keyValue.get(key), shutdownSignal);
 */
import type { Logger } from 'pino';
import { isTransientStorageError } from './errors.ts';
import type { Storage } from './storage.ts';

export interface StorageOutageOptions {
  /** First pause between pings while the storage is down; doubles up to `maxDelayMs`. Default 100. */
  initialDelayMs?: number;
  /** Longest pause between pings. Default 2000. */
  maxDelayMs?: number;
  /** A ping not answered within this counts as failed (a hung server, not only a closed port). Default 5000. */
  pingTimeoutMs?: number;
}

/**
 * Transient failures in a row while the storage answers its ping (a connection dropped and
 * re-opened at once, or a call timing out on its own) before the call's error is let through.
 */
export const MAX_BLIPS = 3;

export class StorageOutage {
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #pingTimeoutMs: number;
  /** The ping loop every waiting call shares; resolves once the storage answers. */
  #watch: Promise<boolean> | undefined;
  #waiters = 0;
  /** Epoch ms the current outage was noticed; undefined while none is known. */
  #since: number | undefined;

  constructor(storage: Storage, logger: Logger, options: StorageOutageOptions = {}) {
    this.#storage = storage;
    this.#logger = logger;
    this.#initialDelayMs = options.initialDelayMs ?? 100;
    this.#maxDelayMs = options.maxDelayMs ?? 2000;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  /** True from a failed ping until the next successful one. */
  get down(): boolean {
    return this.#since !== undefined;
  }

  /**
   * Runs `call`; on a transient StorageError waits until the storage answers, then runs it again,
   * as often as it takes. Other errors are thrown at once. `signal` (shutdown) ends the wait: the
   * promise then rejects with the signal's reason.
   */
  async retry<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let blips = 0; ; ) {
      try {
        return await call();
      } catch (error) {
        if (!isTransientStorageError(error)) throw error;
        signal?.throwIfAborted();
        if (await this.#untilAnswering(error, signal)) continue;
        // The storage answers, yet the call failed as if it did not: retry a few times, not forever.
        blips += 1;
        if (blips > MAX_BLIPS) throw error;
        await pause(this.#initialDelayMs * blips, signal);
      }
    }
  }

  /** Waits for the shared watcher; true when the storage had been down (an outage, not a blip). */
  async #untilAnswering(cause: unknown, signal: AbortSignal | undefined): Promise<boolean> {
    this.#waiters += 1;
    this.#watch ??= this.#pingUntilAnswered(cause).finally(() => {
      this.#watch = undefined;
    });
    try {
      return await abortable(this.#watch, signal);
    } finally {
      this.#waiters -= 1;
    }
  }

  async #pingUntilAnswered(cause: unknown): Promise<boolean> {
    for (let delay = this.#initialDelayMs; ; delay = Math.min(delay * 2, this.#maxDelayMs)) {
      try {
        await abortable(this.#storage.ping(), AbortSignal.timeout(this.#pingTimeoutMs));
        break;
      } catch (error) {
        if (this.#since === undefined) {
          this.#since = Date.now();
          this.#logger.warn(
            { err: cause, ping: errorMessage(error), storage: this.#storage.kind },
            'storage unreachable: messages being handled are held (not acked, not failed) until it answers',
          );
        }
      }
      // Everyone waiting gave up (shutdown): stop pinging; the next failure starts again.
      if (this.#waiters === 0) return true;
      await pause(delay, undefined, { unref: true });
      if (this.#waiters === 0) return true;
    }
    const since = this.#since;
    if (since === undefined) return false;
    this.#since = undefined;
    this.#logger.info(
      { storage: this.#storage.kind, outageMs: Date.now() - since },
      'storage answers again: held messages resume',
    );
    return true;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
function pause(ms: number, signal?: AbortSignal, options: { unref?: boolean } = {}): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
  return abortable(elapsed, signal).finally(() => clearTimeout(timer));
}

/** `promise`, or a rejection with the signal's reason if it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
