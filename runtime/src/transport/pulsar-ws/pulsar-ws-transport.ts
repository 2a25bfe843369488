/**
 * The transport over Pulsar's WebSocket API (`ws`, no native code). Subscriptions are created over
 * the admin REST API from the earliest position before any consumer connects, so nothing published
 * before a worker starts is lost; the tenant and namespace are created on first use when missing.
 * A role that may not create them is warned about (see pulsar-provisioner.ts); consumers then
 * create their subscription from the earliest message kept. A role that may not produce or
 * consume fails the first connection of that socket with the permission to grant.
 *
 * @example
 * const transport = new PulsarWsTransport({ webServiceUrl: 'http://localhost:8080', tenant: 'app', namespace: 'dev' });
 * await transport.subscribe({ topic: topics.taskExecutor('Hello'), subscription: 'task-executor-subscription',
 *   type: 'Shared', concurrency: 8 }, async (message) => { ... });
 */
import { InfiniticError } from '../../errors.ts';
import { ProducerPool } from '../producer-pool.ts';
import type {
  MessageHandler,
  OutgoingMessage,
  Subscription,
  SubscriptionOptions,
  Transport,
} from '../transport.ts';
import { TransportLifecycle } from '../transport-lifecycle.ts';
import {
  authHeaders,
  fullTopic,
  type PulsarWsTransportOptions,
  tokenRole,
  topicPath,
  WS_DEFAULTS,
  wsBase,
} from './options.ts';
import { PulsarAdmin } from './pulsar-admin.ts';
import { PulsarProvisioner } from './pulsar-provisioner.ts';
import { transportWarn, type Warn } from './warnings.ts';
import { WsConsumer } from './ws-consumer.ts';
import { WsProducer } from './ws-producer.ts';

export class PulsarWsTransport implements Transport {
  readonly kind = 'pulsar-ws';
  readonly admin: PulsarAdmin;
  readonly options: Readonly<PulsarWsTransportOptions>;
  readonly #ws: string;
  readonly #producers: ProducerPool<WsProducer>;
  readonly #consumers = new Set<WsConsumer>();
  readonly #provisioner: PulsarProvisioner;
  readonly #lifecycle: TransportLifecycle;
  readonly #warn: Warn;

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
    this.#producers = new ProducerPool(options.producerIdleTimeoutMs ?? WS_DEFAULTS.producerIdleTimeoutMs);
    this.options = Object.freeze({ ...options });
    this.#ws = wsBase(options);
    this.admin = new PulsarAdmin(options);
    this.#warn = transportWarn(options);
    this.#provisioner = new PulsarProvisioner(this.admin, options, this.#warn);
    this.#lifecycle = new TransportLifecycle(
      `the Pulsar transport for ${options.tenant}/${options.namespace}`,
    );
  }

  /** Creates the tenant and namespace when missing (done once, on first use). */
  provision(): Promise<void> {
    return this.#provisioner.provision();
  }

  async ensureSubscription(topic: string, subscription: string): Promise<void> {
    this.#lifecycle.assertOpen();
    return this.#provisioner.ensureSubscription(topic, subscription);
  }

  send(topic: string, message: OutgoingMessage): Promise<void> {
    try {
      this.#lifecycle.assertOpen(true);
    } catch (error) {
      return Promise.reject(error);
    }
    // Not async: an open producer's send promise is returned as is (no wrapping promise per send).
    // Taking the producer and sending on it yield to no timer, so the idle sweep cannot close it in between.
    const producer = this.#producers.get(topic);
    if (producer) return producer.send(message);
    return this.#openProducer(topic).then((opened) => opened.send(message));
  }

  async subscribe(options: SubscriptionOptions, handler: MessageHandler): Promise<Subscription> {
    this.#lifecycle.assertOpen();
    const settings = await this.#provisioner.prepare(options);
    this.#lifecycle.assertOpen();
    const { subscription } = settings;
    const query = new URLSearchParams({
      subscriptionType: subscription.type,
      receiverQueueSize: String(settings.receiverQueueSize),
      consumerName: settings.consumerName,
      negativeAckRedeliveryDelay: String(subscription.negativeAckRedeliveryDelayMs),
      // When the role could not create the subscription in advance, the one this connect creates
      // still starts at the earliest message kept, not at the next one published.
      subscriptionInitialPosition: 'Earliest',
    });
    if (subscription.maxRedeliverCount > 0) {
      query.set('maxRedeliverCount', String(subscription.maxRedeliverCount));
      query.set('deadLetterTopic', fullTopic(this.options, settings.deadLetterTopic));
    }
    const path = `${topicPath(this.options, options.topic)}/${encodeURIComponent(options.subscription)}`;
    const consumer: WsConsumer = new WsConsumer({
      ...this.#connection(`consumer of ${options.topic}/${options.subscription}`, 'consume', options.topic),
      url: `${this.#ws}/ws/v2/consumer/persistent/${path}?${query}`,
      subscription,
      handler,
      onClosed: () => this.#consumers.delete(consumer),
    });
    this.#consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  ready(): boolean {
    return this.#lifecycle.ready(this.#consumers);
  }

  close(graceMs = 0): Promise<void> {
    return this.#lifecycle.close(
      () => Promise.all([...this.#consumers].map((c) => c.close(graceMs))),
      () => this.#producers.closeAll(),
    );
  }

  /** Open consumer subscriptions of this transport (dev tooling, tests). */
  consumers(): readonly WsConsumer[] {
    return [...this.#consumers];
  }

  /** The producer socket of a topic, while one is open (idle ones are closed). */
  producer(topic: string): WsProducer | undefined {
    return this.#producers.get(topic);
  }

  /** Producers open now, and how many were closed for idleness (dev tooling, tests). */
  producerStats(): { open: number; closedIdle: number } {
    return { open: this.#producers.size, closedIdle: this.#producers.retired };
  }

  /** The producer of `topic`, opened after provisioning (the send that follows takes it synchronously). */
  async #openProducer(topic: string): Promise<WsProducer> {
    await this.#provisioner.ensureTopic(topic);
    this.#lifecycle.assertOpen(true);
    const existing = this.#producers.get(topic); // a concurrent send may have opened it meanwhile
    if (existing) return existing;
    const producer = this.#producer(topic);
    this.#producers.add(topic, producer);
    producer.started.catch(() => {
      this.#producers.remove(topic, producer);
      void producer.close();
    });
    return producer;
  }

  #connection(label: string, action: 'produce' | 'consume', topic: string) {
    const o = this.options;
    const role = tokenRole(o.token);
    const ns = `${o.tenant}/${o.namespace}`;
    return {
      label,
      forbiddenHint:
        `${role ? `role ${role}` : "the token's role"} may not ${action} ${action === 'consume' ? 'from' : 'to'} ${fullTopic(o, topic)}: ` +
        `an operator must grant it, e.g. bin/pulsar-admin namespaces grant-permission ${ns} --role ${role ?? '<role>'} --actions produce,consume`,
      notFoundHint:
        `${fullTopic(o, topic)} was not found: namespace ${ns} is missing or does not create topics on first use; ` +
        `an operator must create the topic (pulsar/provision.sh from \`infinitic promote\` creates those the workers consume) or allow auto topic creation`,
      warn: this.#warn,
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
      ...this.#connection(`producer of ${topic}`, 'produce', topic),
      url: `${this.#ws}/ws/v2/producer/persistent/${topicPath(this.options, topic)}`,
      topic,
      sendTimeoutMs: this.options.sendTimeoutMs ?? WS_DEFAULTS.sendTimeoutMs,
      maxFrameBytes: this.options.maxFrameBytes ?? WS_DEFAULTS.maxFrameBytes,
    });
  }
}
