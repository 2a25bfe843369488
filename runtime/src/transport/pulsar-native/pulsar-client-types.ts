/**
 * The subset of the official `pulsar-client` API (1.x, see reference/pulsar.md §3) this runtime
 * uses, declared locally: the package is an optional peer dependency and may not be installed.
 * Note the subscription type spelling: 'KeyShared', without the underscore of the WebSocket API.
 */
export interface PulsarClientModule {
  Client: new (config: ClientConfig) => PulsarClient;
  AuthenticationToken: new (params: { token: string }) => unknown;
  AuthenticationTls?: new (params: { certificatePath: string; privateKeyPath: string }) => unknown;
}

export interface ClientConfig {
  serviceUrl: string;
  authentication?: unknown;
  operationTimeoutSeconds?: number;
  ioThreads?: number;
  messageListenerThreads?: number;
  tlsTrustCertsFilePath?: string;
  tlsCertificateFilePath?: string;
  tlsPrivateKeyFilePath?: string;
  tlsValidateHostname?: boolean;
  tlsAllowInsecureConnection?: boolean;
}

export interface PulsarClient {
  createProducer(config: ProducerConfig): Promise<NativeProducer>;
  subscribe(config: ConsumerConfig): Promise<NativeConsumer>;
  close(): Promise<null>;
}

export interface ProducerConfig {
  topic: string;
  producerName?: string;
  sendTimeoutMs?: number;
  blockIfQueueFull?: boolean;
  batchingEnabled?: boolean;
}

export interface ProducerMessage {
  data: Buffer;
  properties?: Record<string, string>;
  partitionKey?: string;
  orderingKey?: string;
  deliverAfter?: number;
}

export interface NativeProducer {
  send(message: ProducerMessage): Promise<unknown>;
  flush(): Promise<null>;
  close(): Promise<null>;
  isConnected?(): boolean;
}

export type NativeSubscriptionType = 'Exclusive' | 'Shared' | 'KeyShared' | 'Failover';

export interface ConsumerConfig {
  topic: string;
  subscription: string;
  subscriptionType: NativeSubscriptionType;
  subscriptionInitialPosition?: 'Earliest' | 'Latest';
  receiverQueueSize?: number;
  consumerName?: string;
  ackTimeoutMs?: number;
  nAckRedeliverTimeoutMs?: number;
  deadLetterPolicy?: {
    deadLetterTopic?: string;
    maxRedeliverCount?: number;
    initialSubscriptionName?: string;
  };
}

export interface NativeMessage {
  getData(): Buffer;
  getProperties(): Record<string, string>;
  getMessageId(): { toString(): string };
  getPartitionKey(): string;
  getRedeliveryCount(): number;
  getPublishTimestamp(): number;
  getTopicName(): string;
}

export interface NativeConsumer {
  receive(timeoutMs?: number): Promise<NativeMessage>;
  acknowledge(message: NativeMessage): Promise<null> | undefined;
  negativeAcknowledge(message: NativeMessage): void;
  close(): Promise<null>;
  isConnected?(): boolean;
}
