/**
 * The transport over Pulsar's WebSocket API (`ws`, no native code). Subscriptions are created over
 * the admin REST API from the earliest position before any consumer connects, so nothing published
 * before a worker starts is lost; the tenant and namespace are created on first use when missing.
 *
 * @example
 * const transport = new PulsarWsTransport({ webServiceUrl: 'http://localhost:8080', tenant: 'app', namespace: 'dev' });
 * await transport.subscribe({ topic: topics.taskExecutor('Hello'), subscription: 'task-executor-subscription',
 *   type: 'Shared', concurrency: 8 }, async (message) => { ... });
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
import {
  authHeaders,
  fullTopic,
  type PulsarWsTransportOptions,
  topicPath,
  WS_DEFAULTS,
  wsBase,
} from './options.ts';
import { provisionNamespace } from './provision.ts';
import { PulsarAdmin } from './pulsar-admin.ts';
import { WsConsumer } from './ws-consumer.ts';
import { WsProducer } from './ws-producer.ts';

export class PulsarWsTransport implements Transport {
  readonly kind = 'pulsar-ws';
  readonly admin: PulsarAdmin;
  readonly options: Readonly<PulsarWsTransportOptions>;
  readonly #ws: string;
  readonly #producers = new Map<string, WsProducer>();
  readonly #consumers = new Set<WsConsumer>();
  readonly #ensured = new Map<string, Promise<void>>();
  #provisioned: Promise<void> | undefined;
  /** Set when close() starts: no new subscription; sends still work while handlers drain. */
  #closing: Promise<void> | undefined;
  /** Set once consumers are drained: sends refused. */
  #closed = false;

  constructor(options: PulsarWsTransportOptions) {
    for (const key of ['tenant', 'namespace'] as const) {
      if (!options[key] || /[/\s]/.test(options[key])) {
        throw new InfiniticError(
          'INF_TRANSPORT_OPTIONS',
          `transport.pulsar.${key} must be a non-empty name without '/' or spaces (got ${JSON.stringify(options[key])})`,
        );
      }
    }
    const queue = options.consumer?.receiverQueueSize;
    if (
      queue !== undefined &&
      !(Number.isInteger(queue) && queue >= 1 && queue <= WS_DEFAULTS.maxReceiverQueueSize)
    ) {
      throw new InfiniticError(
        'INF_TRANSPORT_OPTIONS',
        `consumer.receiverQueueSize must be an integer from 1 to 1000 (the broker's WebSocket cap), got ${queue}`,
      );
    }
    const keepAlive = options.keepAliveIntervalMs ?? WS_DEFAULTS.keepAliveIntervalMs;
    if (!(keepAlive > 0 && keepAlive < 300_000)) {
      throw new InfiniticError(
        'INF_TRANSPORT_OPTIONS',
        `keepAliveIntervalMs must be between 0 and 300000 (the broker drops idle sockets after 300 s), got ${keepAlive}`,
      );
    }
    this.options = Object.freeze({ ...options });
    this.#ws = wsBase(options);
    this.admin = new PulsarAdmin(options);
  }

  /** Creates the tenant and namespace when missing (done once, on first use). */
  provision(): Promise<void> {
    this.#provisioned ??= this.#provision().catch((error) => {
      this.#provisioned = undefined;
      throw error;
    });
    return this.#provisioned;
  }

  async ensureSubscription(topic: string, subscription: string): Promise<void> {
    this.#assertOpen();
    const id = `${topic}\u0000${subscription}`;
    let ensured = this.#ensured.get(id);
    if (!ensured) {
      const { tenant, namespace } = this.options;
      ensured = this.provision()
        .then(() => this.admin.createTopic(tenant, namespace, topic))
        .then(() => this.admin.createSubscription(tenant, namespace, topic, subscription));
      this.#ensured.set(id, ensured);
      ensured.catch(() => this.#ensured.delete(id));
    }
    return ensured;
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    this.#assertOpen(true);
    let producer = this.#producers.get(topic);
    if (!producer) {
      await this.provision();
      this.#assertOpen(true);
      producer = this.#producers.get(topic);
      if (!producer) {
        producer = this.#producer(topic);
        this.#producers.set(topic, producer);
        const created = producer;
        created.started.catch(() => {
          if (this.#producers.get(topic) === created) this.#producers.delete(topic);
          void created.close();
        });
      }
    }
    return producer.send(message);
  }

  async subscribe(options: SubscriptionOptions, handler: MessageHandler): Promise<Subscription> {
    this.#assertOpen();
    validateSubscription(options);
    const concurrency = options.concurrency ?? 1;
    const defaults = this.options.consumer ?? {};
    const maxRedeliverCount =
      options.maxRedeliverCount ?? defaults.maxRedeliverCount ?? WS_DEFAULTS.maxRedeliverCount;
    const nackDelay =
      options.negativeAckRedeliveryDelayMs ??
      defaults.negativeAckRedeliveryDelayMs ??
      WS_DEFAULTS.negativeAckRedeliveryDelayMs;
    const deadLetterTopic = options.deadLetterTopic ?? `${options.topic}-${options.subscription}-DLQ`;
    await this.ensureSubscription(options.topic, options.subscription);
    // The broker's DLQ producer creates the topic; a subscription keeps the dead letters.
    if (maxRedeliverCount > 0)
      await this.ensureSubscription(deadLetterTopic, deadLetterSubscription(options.subscription));
    this.#assertOpen();

    const query = new URLSearchParams({
      subscriptionType: options.type,
      receiverQueueSize: String(
        Math.min(WS_DEFAULTS.maxReceiverQueueSize, defaults.receiverQueueSize ?? concurrency + 10),
      ),
      consumerName: options.consumerName ?? this.#clientName,
      negativeAckRedeliveryDelay: String(nackDelay),
    });
    if (maxRedeliverCount > 0) {
      query.set('maxRedeliverCount', String(maxRedeliverCount));
      query.set('deadLetterTopic', fullTopic(this.options, deadLetterTopic));
    }
    const path = `${topicPath(this.options, options.topic)}/${encodeURIComponent(options.subscription)}`;
    const consumer: WsConsumer = new WsConsumer({
      ...this.#connection(`consumer of ${options.topic}/${options.subscription}`),
      url: `${this.#ws}/ws/v2/consumer/persistent/${path}?${query}`,
      subscription: Object.freeze({
        ...options,
        concurrency,
        maxRedeliverCount,
        negativeAckRedeliveryDelayMs: nackDelay,
      }),
      handler,
      onClosed: () => this.#consumers.delete(consumer),
    });
    this.#consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  ready(): boolean {
    if (this.#closing) return false;
    for (const consumer of this.#consumers) if (!consumer.connected) return false;
    return true;
  }

  close(graceMs = 0): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  async #close(graceMs: number): Promise<void> {
    await Promise.all([...this.#consumers].map((c) => c.close(graceMs)));
    this.#closed = true;
    await Promise.all([...this.#producers.values()].map((p) => p.close()));
    this.#producers.clear();
  }

  /** Open consumer subscriptions of this transport (dev tooling, tests). */
  consumers(): readonly WsConsumer[] {
    return [...this.#consumers];
  }

  /** The producer socket of a topic, if one was opened. */
  producer(topic: string): WsProducer | undefined {
    return this.#producers.get(topic);
  }

  get #clientName(): string {
    return this.options.clientName ?? WS_DEFAULTS.clientName;
  }

  #assertOpen(sending = false): void {
    if (sending ? this.#closed : this.#closing) {
      throw new InfiniticError(
        'INF_TRANSPORT_CLOSED',
        `the Pulsar transport for ${this.#namespace} is closed`,
      );
    }
  }

  get #namespace(): string {
    return `${this.options.tenant}/${this.options.namespace}`;
  }

  #connection(label: string) {
    const o = this.options;
    return {
      label,
      headers: authHeaders(o),
      tls: o.tls,
      keepAliveIntervalMs: o.keepAliveIntervalMs ?? WS_DEFAULTS.keepAliveIntervalMs,
      reconnectInitialDelayMs: o.reconnect?.initialDelayMs ?? WS_DEFAULTS.reconnectInitialDelayMs,
      reconnectMaxDelayMs: o.reconnect?.maxDelayMs ?? WS_DEFAULTS.reconnectMaxDelayMs,
      connectTimeoutMs: o.connectTimeoutMs ?? WS_DEFAULTS.connectTimeoutMs,
    };
  }

  #producer(topic: string): WsProducer {
    // No producerName: the broker makes a unique one, so a reconnect never collides with the old socket.
    return new WsProducer({
      ...this.#connection(`producer of ${topic}`),
      url: `${this.#ws}/ws/v2/producer/persistent/${topicPath(this.options, topic)}`,
      topic,
      sendTimeoutMs: this.options.sendTimeoutMs ?? WS_DEFAULTS.sendTimeoutMs,
      maxFrameBytes: this.options.maxFrameBytes ?? WS_DEFAULTS.maxFrameBytes,
    });
  }

  #provision(): Promise<void> {
    return provisionNamespace(this.admin, this.options);
  }
}
