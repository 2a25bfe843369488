/**
 * The transport contract: how the runtime moves messages. It states semantics, not a broker:
 * Pulsar (WebSocket API or native client) and the in-memory transport implement it, and one
 * conformance suite (runtime/test/transport-conformance.ts) runs against each of them.
 *
 * Semantics every implementation guarantees:
 * - Topics are short names (see topics.ts) inside the transport's own tenant/namespace.
 * - `send` resolves once the message is durably accepted (Pulsar: broker receipt).
 * - Delivery is at-least-once. A handler that resolves acknowledges the message; one that
 *   rejects (or a consumer that dies before resolving) gets it redelivered, after
 *   `negativeAckRedeliveryDelayMs` for a rejection. After `maxRedeliverCount` redeliveries the
 *   message goes to the dead-letter topic `${topic}-${subscription}-DLQ` (or `deadLetterTopic`).
 * - A subscription exists from `ensureSubscription` on and sees every message published after
 *   that, even while no consumer is connected (no message published before a worker starts is lost).
 * - `Shared`: messages are spread over consumers. `Key_Shared`: all messages with one key go to one
 *   consumer at a time and are handled one after another, in publish order (per key).
 * - `deliverAfterMs` delays delivery (timers, retry back-off); precision is the broker's tick.
 * - A transport may hold per-topic resources for `send` (Pulsar: a producer) and release them once
 *   idle (producer-pool.ts); callers never see it: no send is refused or lost around a release.
 * - `ready()` is true while every subscription opened with `subscribe` has a live consumer.
 * - Closing: from `close()` on, `ready()` is false and `subscribe` is refused; handlers still
 *   running may `send` until they finish or the grace ends; after that `send` is refused
 *   (INF_TRANSPORT_CLOSED).
 * - Dead letters are kept under the subscription `${subscription}-dlq` of the dead-letter topic.
 * - On Pulsar, a nacked message of a Key_Shared key may be overtaken by later messages of that key
 *   (broker behaviour); the in-memory transport holds the key until the redelivery.
 */

export type SubscriptionType = 'Shared' | 'Key_Shared' | 'Exclusive' | 'Failover';

export interface OutgoingMessage {
  payload: Uint8Array;
  /** Routing key: ordering and consumer affinity under Key_Shared. */
  key?: string;
  properties?: Record<string, string>;
  /** Deliver no sooner than this many ms from now. */
  deliverAfterMs?: number;
}

export interface ReceivedMessage {
  /** Opaque, unique per message on its topic. */
  readonly messageId: string;
  readonly topic: string;
  readonly payload: Buffer;
  readonly key?: string;
  readonly properties: Readonly<Record<string, string>>;
  /** 0 on first delivery. */
  readonly redeliveryCount: number;
  /** Epoch ms the broker accepted it. */
  readonly publishTime: number;
}

/** Resolve = ack; reject = negative ack (redelivery after the delay, then DLQ). */
export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

export interface SubscriptionOptions {
  topic: string;
  subscription: string;
  type: SubscriptionType;
  /** Handler calls in flight at once for this subscription (Key_Shared: still one at a time per key). Default 1. */
  concurrency?: number;
  /** Redeliveries before the message goes to the dead-letter topic. Default 3; 0 = no DLQ, redeliver forever. */
  maxRedeliverCount?: number;
  /** Delay before a rejected message is redelivered. Default 1000 ms. */
  negativeAckRedeliveryDelayMs?: number;
  deadLetterTopic?: string;
  /** Name shown in broker stats; defaults to the transport's client name. */
  consumerName?: string;
}

export interface Subscription {
  readonly options: Readonly<SubscriptionOptions>;
  /** Stops receiving; waits for in-flight handlers up to `graceMs`, then releases the rest unacked. */
  close(graceMs?: number): Promise<void>;
}

export interface Transport {
  /** Implementation name for logs and metrics: 'inMemory', 'pulsar-ws', 'pulsar-native'. */
  readonly kind: string;
  /** Creates the topic and a durable subscription from the earliest position if missing. Idempotent. */
  ensureSubscription(topic: string, subscription: string): Promise<void>;
  send(topic: string, message: OutgoingMessage): Promise<void>;
  subscribe(options: SubscriptionOptions, handler: MessageHandler): Promise<Subscription>;
  /** True while every open subscription has a connected consumer. */
  ready(): boolean;
  /** Closes every subscription (waiting up to `graceMs` for in-flight handlers) and every connection. */
  close(graceMs?: number): Promise<void>;
}
