/** Front door of the transports: the contract, topic names and every implementation. */
export { InMemoryTransport, type InMemoryTransportOptions } from './in-memory/in-memory-transport.ts';
export type {
  PulsarConnectionOptions,
  PulsarTlsOptions,
  PulsarWsTransportOptions,
} from './pulsar-ws/options.ts';
export { tokenRole } from './pulsar-ws/options.ts';
export { PulsarAdmin, type SubscriptionStats, type TopicStats } from './pulsar-ws/pulsar-admin.ts';
export { PulsarWsTransport } from './pulsar-ws/pulsar-ws-transport.ts';
export { deadLetterSubscription, subscriptionFor, topics } from './topics.ts';
export type {
  MessageHandler,
  OutgoingMessage,
  ReceivedMessage,
  Subscription,
  SubscriptionOptions,
  SubscriptionType,
  Transport,
} from './transport.ts';
