/** Helpers of the transport conformance suite: bounded waits and message collection. */
import type { ReceivedMessage } from '../src/transport/transport.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects after `ms` with a message saying what was awaited. */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Received {
  message: ReceivedMessage;
  at: number;
  consumer: string;
}

/** Collects received messages; `until(n)` resolves once `n` have arrived (bounded). */
export class Collector {
  readonly items: Received[] = [];
  #waiters: Array<{ n: number; resolve: () => void }> = [];

  add(message: ReceivedMessage, consumer = 'c'): void {
    this.items.push({ message, at: Date.now(), consumer });
    this.#waiters = this.#waiters.filter((w) => {
      if (this.items.length >= w.n) w.resolve();
      return this.items.length < w.n;
    });
  }

  /** A handler that records and acks. */
  handler(consumer = 'c') {
    return async (message: ReceivedMessage) => this.add(message, consumer);
  }

  until(n: number, ms = 15_000): Promise<void> {
    if (this.items.length >= n) return Promise.resolve();
    const wait = deferred();
    this.#waiters.push({ n, resolve: wait.resolve });
    return within(`${n} messages (got ${this.items.length})`, ms, wait.promise).catch((error: Error) => {
      throw new Error(`${error.message}; got ${this.items.length}`);
    });
  }

  texts(): string[] {
    return this.items.map((r) => r.message.payload.toString());
  }
}

export const text = (s: string) => new TextEncoder().encode(s);
