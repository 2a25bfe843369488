/**
 * Infinitic's namespace policies (`transport.pulsar.policies`) and how they reach the broker. Like
 * Infinitic's bootstrap, they are applied when a transport creates the namespace, in the body of
 * `PUT /admin/v2/namespaces/{tenant}/{namespace}`; a namespace that already exists is left as it
 * is (an operator's settings win). Field names are those of Pulsar's `Policies` (4.0.8).
 *
 * Timers ride on `workflow-engine:*` topics as delayed messages (there is no separate
 * `workflow-delay` topic here), so the namespace's message TTL would expire a timer set further
 * ahead than it: those topics get a topic-level TTL of `timerTTLSeconds` instead.
 */
import { topics } from '../topics.ts';

export interface NamespacePolicies {
  /** Minutes acknowledged messages are kept (-1: for ever). Infinitic: 10 080 (7 days). */
  retentionTimeMinutes?: number;
  /** Megabytes acknowledged messages are kept (-1: no limit). Infinitic: 1 024. */
  retentionSizeMB?: number;
  /** Seconds before an unacknowledged message expires (0: never). Infinitic: 1 209 600 (14 days). */
  messageTTLSeconds?: number;
  /** TTL of the topics carrying timers (`workflow-engine:*`). Infinitic: 31 622 400 (366 days). */
  timerTTLSeconds?: number;
  /** Accepted for Infinitic's configs, not applied (see namespacePoliciesBody). */
  delayedDeliveryTickTimeMillis?: number;
  /** Accepted for Infinitic's configs, not applied (see namespacePoliciesBody). */
  maxDeliveryDelayInMillis?: number;
  schemaCompatibilityStrategy?: string;
  /** false: topics must be created before use (this transport creates the ones it uses when allowed). */
  allowAutoTopicCreation?: boolean;
  schemaValidationEnforced?: boolean;
  isAllowAutoUpdateSchema?: boolean;
  deduplicationEnabled?: boolean;
}

/** The `Policies` body of a namespace creation: only what is set. */
export function namespacePoliciesBody(p: NamespacePolicies): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (p.retentionTimeMinutes !== undefined || p.retentionSizeMB !== undefined) {
    body.retention_policies = {
      retentionTimeInMinutes: p.retentionTimeMinutes ?? 0,
      retentionSizeInMB: p.retentionSizeMB ?? 0,
    };
  }
  if (p.messageTTLSeconds !== undefined) body.message_ttl_in_seconds = p.messageTTLSeconds;
  // delayedDeliveryTickTimeMillis and maxDeliveryDelayInMillis are not sent: on Pulsar 4.0.8 any
  // namespace-level delayed-delivery policy (even active, 1000 ms tick, the broker's values
  // otherwise) made the broker deliver delayed messages at once (measured here over the WebSocket
  // API), which would fire every timer and retry early. The broker's settings apply.
  if (p.schemaCompatibilityStrategy !== undefined)
    body.schema_compatibility_strategy = p.schemaCompatibilityStrategy;
  if (p.allowAutoTopicCreation !== undefined) {
    body.autoTopicCreationOverride = {
      allowAutoTopicCreation: p.allowAutoTopicCreation,
      topicType: 'non-partitioned',
    };
  }
  if (p.schemaValidationEnforced !== undefined) body.schema_validation_enforced = p.schemaValidationEnforced;
  if (p.isAllowAutoUpdateSchema !== undefined) body.is_allow_auto_update_schema = p.isAllowAutoUpdateSchema;
  if (p.deduplicationEnabled !== undefined) body.deduplicationEnabled = p.deduplicationEnabled;
  return body;
}

/** Whether `topic` carries timers, so its TTL must be the timer TTL. */
export function carriesTimers(topic: string): boolean {
  const prefix = topics.workflowEngine('x').slice(0, -1);
  return topic.startsWith(prefix) && !topic.endsWith('-DLQ');
}
