/**
 * The embedded transport: a broker inside this process. It keeps every semantic of the contract
 * (durable subscriptions, Shared/Key_Shared, concurrency, nack delay, DLQ, delayed delivery), so
 * tests and the no-Docker mode behave as on Pulsar; nothing survives the process.
 */
import { InfiniticError } from '../../errors.ts';
import { deadLetterSubscription } from '../topics.ts';
import type {
  MessageHandler,
  OutgoingMessage,
  Subscription,
  SubscriptionOptions,
  Transport,
} from '../transport.ts';
import { validateSubscription } from '../validate-subscription.ts';
import { type Consumer, InMemorySubscription, type StoredMessage } from './in-memory-subscription.ts';

export interface InMemoryTransportOptions {
  /** Default consumer name (kept for parity with the Pulsar transports). */
  clientName?: string;
}

interface TopicState {
  seq: number;
  subscriptions: Map<string, InMemorySubscription>;
}

export class InMemoryTransport implements Transport {
  readonly kind = 'inMemory';
  readonly clientName: string;
  #topics = new Map<string, TopicState>();
  #open = new Set<{ consumer: Consumer; subscription: InMemorySubscription }>();
  /** Set when close() starts: no new subscription; sends still work while handlers drain. */
  #closing: Promise<void> | undefined;
  /** Set once consumers are drained: sends refused. */
  #closed = false;

  constructor(options: InMemoryTransportOptions = {}) {
    this.clientName = options.clientName ?? 'in-memory';
  }

  async ensureSubscription(topic: string, subscription: string): Promise<void> {
    this.#assertOpen();
    this.#subscription(topic, subscription);
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    this.#assertOpen(true);
    this.#publish(topic, message);
  }

  async subscribe(options: SubscriptionOptions, handler: MessageHandler): Promise<Subscription> {
    this.#assertOpen();
    validateSubscription(options);
    const concurrency = options.concurrency ?? 1;
    const subscription = this.#subscription(options.topic, options.subscription);
    const existing = [...this.#open].filter((o) => o.subscription === subscription);
    if (options.type === 'Exclusive' && existing.length > 0) {
      throw new InfiniticError(
        'INF_TRANSPORT_SUBSCRIPTION_BUSY',
        `exclusive subscription ${options.subscription} on ${options.topic} already has a consumer`,
      );
    }
    const mismatch = existing.find((o) => o.consumer.options.type !== options.type);
    if (mismatch) {
      throw new InfiniticError(
        'INF_TRANSPORT_SUBSCRIPTION_TYPE',
        `subscription ${options.subscription} on ${options.topic} is ${mismatch.consumer.options.type}, not ${options.type}`,
      );
    }
    const maxRedeliverCount = options.maxRedeliverCount ?? 3;
    if (maxRedeliverCount > 0) {
      // Dead letters are kept, as on Pulsar where we pre-create this subscription.
      const dlq = options.deadLetterTopic ?? `${options.topic}-${options.subscription}-DLQ`;
      this.#subscription(dlq, deadLetterSubscription(options.subscription));
    }
    const frozen = Object.freeze({ ...options });
    const consumer: Consumer = {
      options: frozen,
      handler,
      concurrency,
      inFlight: 0,
      open: true,
      deliveries: new Set(),
    };
    const entry = { consumer, subscription };
    this.#open.add(entry);
    subscription.addConsumer(consumer);
    return {
      options: frozen,
      close: async (graceMs = 0) => {
        await subscription.removeConsumer(consumer, graceMs);
        this.#open.delete(entry);
      },
    };
  }

  ready(): boolean {
    return !this.#closing && [...this.#open].every((o) => o.consumer.open);
  }

  close(graceMs = 0): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    await Promise.all(
      [...this.#open].map(async (o) => {
        await o.subscription.removeConsumer(o.consumer, graceMs);
        this.#open.delete(o);
      }),
    );
    this.#closed = true;
    for (const state of this.#topics.values()) for (const sub of state.subscriptions.values()) sub.dispose();
  }

  /** Messages waiting for a consumer on `topic`/`subscription` (not counting those in flight). */
  backlog(topic: string, subscription: string): number {
    return this.#topics.get(topic)?.subscriptions.get(subscription)?.backlog ?? 0;
  }

  /** Topics and their subscriptions with backlog and consumer count, for dev tooling. */
  stats(): Array<{ topic: string; subscription: string; backlog: number; consumers: number }> {
    const rows = [];
    for (const [topic, state] of this.#topics) {
      for (const [name, sub] of state.subscriptions) {
        rows.push({ topic, subscription: name, backlog: sub.backlog, consumers: sub.consumerCount });
      }
    }
    return rows;
  }

  #assertOpen(sending = false): void {
    if (sending ? this.#closed : this.#closing) {
      throw new InfiniticError('INF_TRANSPORT_CLOSED', 'the in-memory transport is closed');
    }
  }

  #topic(topic: string): TopicState {
    let state = this.#topics.get(topic);
    if (!state) {
      state = { seq: 0, subscriptions: new Map() };
      this.#topics.set(topic, state);
    }
    return state;
  }

  #subscription(topic: string, name: string): InMemorySubscription {
    const state = this.#topic(topic);
    let sub = state.subscriptions.get(name);
    if (!sub) {
      sub = new InMemorySubscription(topic, name, (dlq, message, properties) => {
        if (!this.#closed) this.#publish(dlq, { payload: message.payload, key: message.key, properties });
      });
      state.subscriptions.set(name, sub);
    }
    return sub;
  }

  #publish(topic: string, message: OutgoingMessage): void {
    const state = this.#topic(topic);
    const seq = ++state.seq;
    const stored: StoredMessage = {
      seq,
      messageId: `${seq}`,
      topic,
      payload: Buffer.from(message.payload),
      key: message.key,
      properties: Object.freeze({ ...message.properties }),
      publishTime: Date.now(),
    };
    for (const sub of state.subscriptions.values()) sub.enqueue(stored, message.deliverAfterMs ?? 0);
  }
}
