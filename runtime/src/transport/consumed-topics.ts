/**
 * The topics a sender made sure have their consumer's subscription (the component's standard one,
 * `subscriptionFor(topic)`), so a message sent before that consumer first subscribes is kept, not
 * dropped (Pulsar keeps messages only for existing subscriptions). Each topic is ensured once; a
 * failed attempt is forgotten, so the next send tries again. A role the broker does not allow to
 * create the subscription is not a failure: the transport warns once and the consumer creates it
 * from the earliest message kept (pulsar-ws/pulsar-provisioner.ts).
 */
import { subscriptionFor } from './topics.ts';
import type { Transport } from './transport.ts';

export class ConsumedTopics {
  readonly #transport: Transport;
  readonly #ensured = new Map<string, Promise<void>>();
  /** Topics whose `ensure` has resolved: a sender can skip awaiting it. */
  readonly #done = new Set<string>();

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  ensure(topic: string): Promise<void> {
    let ensured = this.#ensured.get(topic);
    if (!ensured) {
      ensured = this.#transport.ensureSubscription(topic, subscriptionFor(topic));
      ensured.then(
        () => this.#done.add(topic),
        () => this.#ensured.delete(topic),
      );
      this.#ensured.set(topic, ensured);
    }
    return ensured;
  }

  /** True once `ensure(topic)` has resolved. */
  ensured(topic: string): boolean {
    return this.#done.has(topic);
  }
}
