/**
 * The closing rules every transport shares (see transport.ts): from `close()` on, new
 * subscriptions are refused while handlers still running may send; once the consumers are
 * drained, sends are refused too. `close` runs once, however often it is called.
 */
import { InfiniticError } from '../errors.ts';

export class TransportLifecycle {
  readonly #what: string;
  #closing: Promise<void> | undefined;
  #closed = false;

  /** `what` names the transport in errors: `the Pulsar transport for t/ns`. */
  constructor(what: string) {
    this.#what = what;
  }

  /** The `ready()` of a transport: not closing, and every consumer connected. */
  ready(consumers: Iterable<{ readonly connected: boolean }>): boolean {
    if (this.#closing) return false;
    for (const consumer of consumers) if (!consumer.connected) return false;
    return true;
  }

  /** Throws INF_TRANSPORT_CLOSED when closing (or, for a send, once drained). */
  assertOpen(sending = false): void {
    if (sending ? this.#closed : this.#closing) {
      throw new InfiniticError('INF_TRANSPORT_CLOSED', `${this.#what} is closed`);
    }
  }

  /** Runs `drain` (close consumers), then refuses sends and runs `release` (producers, client). */
  close(drain: () => Promise<unknown>, release: () => Promise<unknown>): Promise<void> {
    this.#closing ??= (async () => {
      await drain();
      this.#closed = true;
      await release();
    })();
    return this.#closing;
  }
}
