/**
 * What both Pulsar transports (WebSocket and native) do before a consumer connects: create the
 * tenant and namespace once, create topics and durable subscriptions from the earliest position
 * over the admin REST API, and resolve a subscription's settings from its options, the
 * transport's consumer defaults and WS_DEFAULTS.
 *
 * A least-privilege role (produce/consume on the namespace) may not create topics (Pulsar 4.0.8:
 * 403 CREATE_TOPIC) and, without consume, not subscriptions either: those refusals are warned
 * about once per topic kind and skipped. The broker then creates topics on first use (when the
 * namespace allows auto topic creation) and consumers create their subscription when they
 * connect, from the earliest message kept (`subscriptionInitialPosition=Earliest`).
 */
import { InfiniticError } from '../../errors.ts';
import { deadLetterSubscription } from '../topics.ts';
import type { SubscriptionOptions } from '../transport.ts';
import { validateSubscription } from '../validate-subscription.ts';
import { carriesTimers } from './namespace-policies.ts';
import { fullTopic, type PulsarWsTransportOptions, tokenRole, WS_DEFAULTS } from './options.ts';
import { provisionNamespace } from './provision.ts';
import { isRoleRefusal, type PulsarAdmin, PulsarAdminError } from './pulsar-admin.ts';
import { roleText, transportWarn, type Warn } from './warnings.ts';

type ProvisionOptions = Pick<
  PulsarWsTransportOptions,
  'tenant' | 'namespace' | 'admin' | 'consumer' | 'clientName' | 'token' | 'logger' | 'policies'
>;

/** The refusal when the broker refused the role, undefined when the call succeeded; other errors are thrown. */
function refusalOf(error: unknown): PulsarAdminError {
  if (isRoleRefusal(error)) return error;
  throw error;
}

/** A topic's family for messages: `task-executor:*`, `task-executor:*-DLQ`, or the name itself. */
export function topicKind(topic: string): string {
  const colon = topic.indexOf(':');
  if (colon < 0) return topic;
  return `${topic.slice(0, colon)}:*${topic.endsWith('-DLQ') ? '-DLQ' : ''}`;
}

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
  readonly #warn: Warn;
  /** Refusals already warned about: `kind` + what was refused. */
  readonly #warned = new Set<string>();
  #provisioned: Promise<void> | undefined;

  constructor(admin: PulsarAdmin, options: ProvisionOptions, warn: Warn = transportWarn(options)) {
    this.#admin = admin;
    this.#options = options;
    this.#warn = warn;
  }

  /** Creates the tenant and namespace when missing (done once; retried after a failure). */
  provision(): Promise<void> {
    this.#provisioned ??= provisionNamespace(this.#admin, this.#options, this.#warn).catch((error) => {
      this.#provisioned = undefined;
      throw error;
    });
    return this.#provisioned;
  }

  /**
   * Creates the topic and a subscription from the earliest position when missing (once each).
   * What the role may not create is warned about and left to the broker and the consumer.
   */
  ensureSubscription(topic: string, subscription: string): Promise<void> {
    const id = `${topic}\u0000${subscription}`;
    let ensured = this.#ensured.get(id);
    if (!ensured) {
      ensured = this.provision().then(() => this.#create(topic, subscription));
      this.#ensured.set(id, ensured);
      ensured.catch(() => this.#ensured.delete(id));
    }
    return ensured;
  }

  /**
   * Creates the topic when missing, before a producer opens it, in a namespace configured without
   * auto topic creation (`policies.allowAutoTopicCreation: false`); once per topic. A refusal is
   * left to the send, which then fails saying the topic does not exist.
   */
  ensureTopic(topic: string): Promise<void> {
    if (this.#options.policies?.allowAutoTopicCreation !== false) return this.provision();
    let ensured = this.#ensured.get(topic);
    if (!ensured) {
      const { tenant, namespace } = this.#options;
      ensured = this.provision()
        .then(() => this.#admin.createTopic(tenant, namespace, topic))
        .then(
          () => this.#applyTimerTtl(topic),
          (error: unknown) => void refusalOf(error),
        );
      this.#ensured.set(topic, ensured);
      ensured.catch(() => this.#ensured.delete(topic));
    }
    return ensured;
  }

  async #create(topic: string, subscription: string): Promise<void> {
    const { tenant, namespace } = this.#options;
    let topicRefused = await this.#admin
      .createTopic(tenant, namespace, topic)
      .then(() => undefined, refusalOf);
    // A role allowed to create topics sets the timer TTL too; an operator's topic is left as it is.
    if (!topicRefused) await this.#applyTimerTtl(topic);
    // Refused, but there already (an operator pre-created it): nothing to warn about.
    if (topicRefused && (await this.#exists(topic))) topicRefused = undefined;
    const subscriptionRefused = await this.#admin
      .createSubscription(tenant, namespace, topic, subscription)
      .then(
        () => undefined,
        (error: unknown) => {
          // No auto topic creation in the namespace, and nobody created the topic (4.0.8: 412).
          const missing =
            error instanceof PulsarAdminError &&
            (error.status === 404 || /does not exist/i.test(error.reason));
          if (topicRefused && missing) {
            throw new InfiniticError(
              'INF_TRANSPORT_PROVISION',
              `Pulsar topic ${fullTopic(this.#options, topic)} does not exist, ${roleText(tokenRole(this.#options.token))} may not create it and namespace ${tenant}/${namespace} does not create topics on first use: an operator must pre-create it (with subscription ${subscription}) or allow auto topic creation`,
            );
          }
          return refusalOf(error);
        },
      );
    if (topicRefused || subscriptionRefused)
      this.#warnRefused(topic, subscription, topicRefused, subscriptionRefused);
  }

  /**
   * A topic carrying timers gets `policies.timerTTLSeconds` as its own TTL, unless it has one
   * already (set by an operator, or by an earlier start). A role that may not is warned about once.
   */
  async #applyTimerTtl(topic: string): Promise<void> {
    const seconds = this.#options.policies?.timerTTLSeconds;
    if (seconds === undefined || !carriesTimers(topic)) return;
    const { tenant, namespace, token } = this.#options;
    try {
      if ((await this.#admin.topicMessageTtl(tenant, namespace, topic)) !== undefined) return;
      await this.#admin.setTopicMessageTtl(tenant, namespace, topic, seconds);
    } catch (error) {
      const refused = refusalOf(error);
      const key = `${topicKind(topic)}\u0000ttl`;
      if (this.#warned.has(key)) return;
      this.#warned.add(key);
      const role = tokenRole(token);
      this.#warn(
        { tenant, namespace, role, topic, refused: `${refused.status} ${refused.reason}` },
        `Pulsar: not allowed to set the timer TTL (${seconds} s) of ${topicKind(topic)} topics with ${roleText(role)}: timers further ahead than the namespace's message TTL would expire; an operator should set it (pulsar/provision.sh does)`,
      );
    }
  }

  /** Whether the topic exists; false when the role may not even look (a consume or produce role may). */
  async #exists(topic: string): Promise<boolean> {
    const { tenant, namespace } = this.#options;
    try {
      return (await this.#admin.topicStats(tenant, namespace, topic)) !== undefined;
    } catch (error) {
      refusalOf(error);
      return false;
    }
  }

  /** One warning per topic kind and refusal: what the broker and consumers do instead, what an operator should pre-create. */
  #warnRefused(
    topic: string,
    subscription: string,
    topicRefused: PulsarAdminError | undefined,
    subscriptionRefused: PulsarAdminError | undefined,
  ): void {
    const kind = topicKind(topic);
    const key = `${kind}\u0000${topicRefused ? 'topic' : ''}\u0000${subscriptionRefused ? 'subscription' : ''}`;
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    const { tenant, namespace, token } = this.#options;
    const role = tokenRole(token);
    const refused = [
      topicRefused && `topics ${kind}`,
      subscriptionRefused && `subscription ${subscription} on ${topicRefused ? 'them' : `${kind} topics`}`,
    ].filter(Boolean);
    const instead = [
      topicRefused &&
        `the broker creates the topics on first use if namespace ${tenant}/${namespace} allows auto topic creation, else an operator must pre-create them`,
      subscriptionRefused &&
        `consumers create ${subscription} when they connect, from the earliest message kept; an operator should pre-create it on every ${kind} topic so messages sent before the first consumer connects are kept`,
    ].filter(Boolean);
    this.#warn(
      {
        tenant,
        namespace,
        role,
        topic,
        subscription,
        ...(topicRefused ? { topicRefused: `${topicRefused.status} ${topicRefused.reason}` } : {}),
        ...(subscriptionRefused
          ? { subscriptionRefused: `${subscriptionRefused.status} ${subscriptionRefused.reason}` }
          : {}),
      },
      `Pulsar: not allowed to create ${refused.join(' nor ')} with ${roleText(role)}: ${instead.join('; ')}`,
    );
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
