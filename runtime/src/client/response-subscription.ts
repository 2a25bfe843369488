/**
 * A client's subscription to its own response topic, made on first need (a client that never asks
 * for a reply never creates the topic) and before the request leaves, so no answer is missed. A
 * failed attempt is forgotten: the next request tries again.
 */
import { subscriptionFor } from '../transport/topics.ts';
import type { MessageHandler, Subscription, Transport } from '../transport/transport.ts';

export class ResponseSubscription {
  readonly #transport: Transport;
  readonly #topic: string;
  readonly #consumerName: string;
  readonly #handler: MessageHandler;
  #started: Promise<Subscription> | undefined;
  #receiving = false;

  constructor(transport: Transport, topic: string, consumerName: string, handler: MessageHandler) {
    this.#transport = transport;
    this.#topic = topic;
    this.#consumerName = consumerName;
    this.#handler = handler;
  }

  /** True once `start()` has resolved: callers need not await it again. */
  get started(): boolean {
    return this.#receiving;
  }

  /** Resolves once the subscription is receiving. */
  start(): Promise<Subscription> {
    if (!this.#started) {
      const topic = this.#topic;
      const subscription = subscriptionFor(topic);
      this.#started = (async () => {
        await this.#transport.ensureSubscription(topic, subscription);
        const subscribed = await this.#transport.subscribe(
          { topic, subscription, type: 'Shared', concurrency: 64, consumerName: this.#consumerName },
          this.#handler,
        );
        this.#receiving = true;
        return subscribed;
      })();
      this.#started.catch(() => {
        this.#started = undefined;
      });
    }
    return this.#started;
  }

  /** Stops receiving (nothing to do when it never started). */
  async close(): Promise<void> {
    const subscription = await this.#started?.catch(() => undefined);
    await subscription?.close(0);
  }
}
