/**
 * The transport over the official native client `pulsar-client` (binary protocol). It is an
 * optional peer dependency, loaded only by `createPulsarNativeTransport` with a dynamic import;
 * provisioning and earliest-position subscriptions go through the same admin REST client as the
 * WebSocket transport, so both behave alike.
 */
import { InfiniticError } from '../../errors.ts';
import { ProducerPool } from '../producer-pool.ts';
import { fullTopic, type PulsarWsTransportOptions, WS_DEFAULTS } from '../pulsar-ws/options.ts';
import { PulsarAdmin } from '../pulsar-ws/pulsar-admin.ts';
import { PulsarProvisioner } from '../pulsar-ws/pulsar-provisioner.ts';
import type {
  MessageHandler,
  OutgoingMessage,
  Subscription,
  SubscriptionOptions,
  Transport,
} from '../transport.ts';
import { TransportLifecycle } from '../transport-lifecycle.ts';
import { NativeSubscription } from './native-subscription.ts';
import { NativeTopicProducer } from './native-topic-producer.ts';
import type { PulsarClient, PulsarClientModule } from './pulsar-client-types.ts';

export interface PulsarNativeTransportOptions
  extends Omit<PulsarWsTransportOptions, 'keepAliveIntervalMs' | 'reconnect' | 'connectTimeoutMs'> {
  /** Binary protocol address, `pulsar://host:6650` or `pulsar+ssl://host:6651`. */
  brokerServiceUrl: string;
  ioThreads?: number;
}

const INSTALL_HINT =
  'pulsar-client is not installed: npm install pulsar-client (its install step downloads a native binary ' +
  'from archive.apache.org; offline, set npm_config_pulsar_binary_host_mirror), or use the pulsar-ws transport';

/** Loads `pulsar-client` and builds the transport; INF_TRANSPORT_UNAVAILABLE when the package is missing. */
export async function createPulsarNativeTransport(
  options: PulsarNativeTransportOptions,
  load: () => Promise<unknown> = () => import(/* optional peer */ 'pulsar-client' as string),
): Promise<PulsarNativeTransport> {
  let loaded: unknown;
  try {
    loaded = await load();
  } catch (error) {
    throw new InfiniticError('INF_TRANSPORT_UNAVAILABLE', INSTALL_HINT, { cause: error });
  }
  const mod = ((loaded as { default?: unknown }).default ?? loaded) as PulsarClientModule;
  if (typeof mod?.Client !== 'function') {
    throw new InfiniticError(
      'INF_TRANSPORT_UNAVAILABLE',
      `pulsar-client loaded but has no Client: ${INSTALL_HINT}`,
    );
  }
  return new PulsarNativeTransport(options, mod);
}

const NATIVE_TYPE = {
  Shared: 'Shared',
  Key_Shared: 'KeyShared',
  Exclusive: 'Exclusive',
  Failover: 'Failover',
} as const;

export class PulsarNativeTransport implements Transport {
  readonly kind = 'pulsar-native';
  readonly admin: PulsarAdmin;
  readonly options: Readonly<PulsarNativeTransportOptions>;
  readonly #client: PulsarClient;
  readonly #producers: ProducerPool<NativeTopicProducer>;
  readonly #subscriptions = new Set<NativeSubscription>();
  readonly #provisioner: PulsarProvisioner;
  readonly #lifecycle = new TransportLifecycle('the native Pulsar transport');

  constructor(options: PulsarNativeTransportOptions, mod: PulsarClientModule) {
    this.#producers = new ProducerPool(options.producerIdleTimeoutMs ?? WS_DEFAULTS.producerIdleTimeoutMs);
    this.options = Object.freeze({ ...options });
    this.admin = new PulsarAdmin(options);
    this.#provisioner = new PulsarProvisioner(this.admin, options);
    const tls = options.tls ?? {};
    this.#client = new mod.Client({
      serviceUrl: options.brokerServiceUrl,
      ...(options.token ? { authentication: new mod.AuthenticationToken({ token: options.token }) } : {}),
      ...(options.ioThreads ? { ioThreads: options.ioThreads } : {}),
      ...(tls.trustCertsFilePath ? { tlsTrustCertsFilePath: tls.trustCertsFilePath } : {}),
      ...(tls.certFilePath ? { tlsCertificateFilePath: tls.certFilePath } : {}),
      ...(tls.keyFilePath ? { tlsPrivateKeyFilePath: tls.keyFilePath } : {}),
      ...(tls.validateHostname !== undefined ? { tlsValidateHostname: tls.validateHostname } : {}),
      ...(tls.allowInsecureConnection ? { tlsAllowInsecureConnection: true } : {}),
    });
  }

  async ensureSubscription(topic: string, subscription: string): Promise<void> {
    this.#lifecycle.assertOpen();
    return this.#provisioner.ensureSubscription(topic, subscription);
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    this.#lifecycle.assertOpen(true);
    // Taken and used in one synchronous step, so the idle sweep cannot close it in between.
    const producer = this.#producers.get(topic) ?? this.#openProducer(topic);
    await producer.send({
      data: Buffer.from(message.payload),
      ...(message.properties ? { properties: message.properties } : {}),
      ...(message.key !== undefined ? { partitionKey: message.key, orderingKey: message.key } : {}),
      ...(message.deliverAfterMs ? { deliverAfter: message.deliverAfterMs } : {}),
    });
  }

  #openProducer(topic: string): NativeTopicProducer {
    const producer = new NativeTopicProducer(
      this.#provisioner.ensureTopic(topic).then(() =>
        this.#client.createProducer({
          topic: fullTopic(this.options, topic),
          sendTimeoutMs: this.options.sendTimeoutMs ?? WS_DEFAULTS.sendTimeoutMs,
          blockIfQueueFull: true,
          // One key per batch would break Key_Shared routing; keep messages apart.
          batchingEnabled: false,
        }),
      ),
    );
    this.#producers.add(topic, producer);
    producer.created.catch(() => this.#producers.remove(topic, producer));
    return producer;
  }

  async subscribe(options: SubscriptionOptions, handler: MessageHandler): Promise<Subscription> {
    this.#lifecycle.assertOpen();
    const settings = await this.#provisioner.prepare(options);
    const { maxRedeliverCount } = settings.subscription;
    const consumer = await this.#client.subscribe({
      topic: fullTopic(this.options, options.topic),
      subscription: options.subscription,
      subscriptionType: NATIVE_TYPE[options.type],
      subscriptionInitialPosition: 'Earliest',
      receiverQueueSize: settings.receiverQueueSize,
      consumerName: settings.consumerName,
      ackTimeoutMs: 0,
      nAckRedeliverTimeoutMs: settings.subscription.negativeAckRedeliveryDelayMs,
      ...(maxRedeliverCount > 0
        ? {
            deadLetterPolicy: {
              deadLetterTopic: fullTopic(this.options, settings.deadLetterTopic),
              maxRedeliverCount,
            },
          }
        : {}),
    });
    const subscription = new NativeSubscription(settings.subscription, consumer, handler, () =>
      this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  ready(): boolean {
    return this.#lifecycle.ready(this.#subscriptions);
  }

  close(graceMs = 0): Promise<void> {
    return this.#lifecycle.close(
      () => Promise.all([...this.#subscriptions].map((s) => s.close(graceMs))),
      async () => {
        await this.#producers.closeAll();
        await this.#client.close();
      },
    );
  }
}
