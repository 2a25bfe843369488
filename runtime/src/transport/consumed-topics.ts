/**
 * The topics a sender made sure have their consumer's subscription (the component's standard one,
 * `subscriptionFor(topic)`), so a message sent before that consumer first subscribes is kept, not
 * dropped (Pulsar keeps messages only for existing subscriptions). Each topic is ensured once; a
 * failed attempt is forgotten, so the next send tries again.
 */
import { subscriptionFor } from './topics.ts';
import type { Transport } from './transport.ts';

export class ConsumedTopics {
  readonly #transport: Transport;
  readonly #ensured = new Map<string, Promise<void>>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  ensure(topic: string): Promise<void> {
    let ensured = this.#ensured.get(topic);
    if (!ensured) {
      ensured = this.#transport.ensureSubscription(topic, subscriptionFor(topic));
      ensured.catch(() => this.#ensured.delete(topic));
      this.#ensured.set(topic, ensured);
    }
    return ensured;
  }
}
