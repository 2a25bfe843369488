/**
 * What both Pulsar transports (WebSocket and native) do before a consumer connects: create the
 * tenant and namespace once, create topics and durable subscriptions from the earliest position
 * over the admin REST API, and resolve a subscription's settings from its options, the
 * transport's consumer defaults and WS_DEFAULTS.
 */
import { deadLetterSubscription } from '../topics.ts';
import type { SubscriptionOptions } from '../transport.ts';
import { validateSubscription } from '../validate-subscription.ts';
import { type PulsarWsTransportOptions, WS_DEFAULTS } from './options.ts';
import { provisionNamespace } from './provision.ts';
import type { PulsarAdmin } from './pulsar-admin.ts';

type ProvisionOptions = Pick<
  PulsarWsTransportOptions,
  'tenant' | 'namespace' | 'admin' | 'consumer' | 'clientName'
>;

/** A subscription's settings once every default is applied. */
export interface ConsumerSettings {
  /** The options with concurrency, maxRedeliverCount and negativeAckRedeliveryDelayMs filled in. */
  subscription: Readonly<SubscriptionOptions> & {
    concurrency: number;
    maxRedeliverCount: number;
    negativeAckRedeliveryDelayMs: number;
  };
  /** Short name of the dead-letter topic (used only when maxRedeliverCount > 0). */
  deadLetterTopic: string;
  receiverQueueSize: number;
  consumerName: string;
}

export class PulsarProvisioner {
  readonly #admin: PulsarAdmin;
  readonly #options: ProvisionOptions;
  readonly #ensured = new Map<string, Promise<void>>();
  #provisioned: Promise<void> | undefined;

  constructor(admin: PulsarAdmin, options: ProvisionOptions) {
    this.#admin = admin;
    this.#options = options;
  }

  /** Creates the tenant and namespace when missing (done once; retried after a failure). */
  provision(): Promise<void> {
    this.#provisioned ??= provisionNamespace(this.#admin, this.#options).catch((error) => {
      this.#provisioned = undefined;
      throw error;
    });
    return this.#provisioned;
  }

  /** Creates the topic and a subscription from the earliest position when missing (once each). */
  ensureSubscription(topic: string, subscription: string): Promise<void> {
    const id = `${topic}\u0000${subscription}`;
    let ensured = this.#ensured.get(id);
    if (!ensured) {
      const { tenant, namespace } = this.#options;
      ensured = this.provision()
        .then(() => this.#admin.createTopic(tenant, namespace, topic))
        .then(() => this.#admin.createSubscription(tenant, namespace, topic, subscription));
      this.#ensured.set(id, ensured);
      ensured.catch(() => this.#ensured.delete(id));
    }
    return ensured;
  }

  /**
   * Validates `options`, applies the defaults, and ensures the subscription and, when messages
   * can be dead-lettered, the dead-letter topic's subscription (the broker's DLQ producer creates
   * the topic; the subscription keeps the dead letters).
   */
  async prepare(options: SubscriptionOptions): Promise<ConsumerSettings> {
    validateSubscription(options);
    const defaults = this.#options.consumer ?? {};
    const concurrency = options.concurrency ?? 1;
    const maxRedeliverCount =
      options.maxRedeliverCount ?? defaults.maxRedeliverCount ?? WS_DEFAULTS.maxRedeliverCount;
    const negativeAckRedeliveryDelayMs =
      options.negativeAckRedeliveryDelayMs ??
      defaults.negativeAckRedeliveryDelayMs ??
      WS_DEFAULTS.negativeAckRedeliveryDelayMs;
    const deadLetterTopic = options.deadLetterTopic ?? `${options.topic}-${options.subscription}-DLQ`;
    await this.ensureSubscription(options.topic, options.subscription);
    if (maxRedeliverCount > 0)
      await this.ensureSubscription(deadLetterTopic, deadLetterSubscription(options.subscription));
    return {
      subscription: Object.freeze({
        ...options,
        concurrency,
        maxRedeliverCount,
        negativeAckRedeliveryDelayMs,
      }),
      deadLetterTopic,
      receiverQueueSize: Math.min(
        WS_DEFAULTS.maxReceiverQueueSize,
        defaults.receiverQueueSize ?? concurrency + 10,
      ),
      consumerName: options.consumerName ?? this.#options.clientName ?? WS_DEFAULTS.clientName,
    };
  }
}
