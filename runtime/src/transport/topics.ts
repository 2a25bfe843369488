/**
 * The one place topic and subscription names are made. Every name is a short topic name that a
 * transport places inside its own tenant/namespace (Pulsar: `persistent://{tenant}/{namespace}/{name}`).
 * The layout follows Infinitic's (`<prefix>:<entity>`), so a broker's topic list reads the same:
 *
 * | name                          | consumer               | subscription type | key         |
 * |-------------------------------|------------------------|-------------------|-------------|
 * | `task-executor:{service}`     | service executor       | Shared            | -           |
 * | `task-retry:{service}`        | (delayed) retries      | Shared            | -           |
 * | `workflow-cmd:{workflow}`     | workflow command entry | Key_Shared        | workflow id |
 * | `workflow-engine:{workflow}`  | workflow state engine  | Key_Shared        | workflow id |
 * | `workflow-delay:{workflow}`   | timers (delayed)       | Shared            | workflow id |
 * | `workflow-task-executor:{w}`  | workflow task executor | Key_Shared        | workflow id |
 * | `workflow-tag:{workflow}`     | workflow tag engine    | Key_Shared        | tag         |
 * | `response:{client}`           | one client's results   | Shared            | -           |
 * | `{topic}-{subscription}-DLQ`  | dead letters           | Shared            | -           |
 *
 * Subscriptions are `{prefix}-subscription` (never renamed: a rename loses the backlog); dead letters
 * are retained under `{subscription}-dlq` on the DLQ topic.
 */
import { InfiniticError } from '../errors.ts';

// Pulsar accepts more, but these survive URL paths, metrics labels and shells unescaped.
const ENTITY = /^[A-Za-z0-9_.$-]+$/;

function entity(kind: string, name: string): string {
  if (!ENTITY.test(name)) {
    throw new InfiniticError(
      'INF_TRANSPORT_TOPIC_NAME',
      `invalid ${kind} name ${JSON.stringify(name)}: use letters, digits, '_', '.', '$' and '-'`,
    );
  }
  return name;
}

export const topics = {
  /** Tasks to execute for a service (Shared: spread over workers). */
  taskExecutor: (service: string) => `task-executor:${entity('service', service)}`,
  /** Delayed retries of a service's tasks (published with deliverAfterMs). */
  taskRetry: (service: string) => `task-retry:${entity('service', service)}`,
  /** Commands to workflows (dispatch, cancel, signal); Key_Shared by workflow id. */
  workflowCmd: (workflow: string) => `workflow-cmd:${entity('workflow', workflow)}`,
  /** The workflow state engine; Key_Shared by workflow id, so one consumer handles one workflow at a time. */
  workflowEngine: (workflow: string) => `workflow-engine:${entity('workflow', workflow)}`,
  /** Timers and global timeouts (published with deliverAfterMs), forwarded to the engine. */
  workflowDelay: (workflow: string) => `workflow-delay:${entity('workflow', workflow)}`,
  /** Workflow tasks (replays of the workflow function); Key_Shared by workflow id. */
  workflowTaskExecutor: (workflow: string) => `workflow-task-executor:${entity('workflow', workflow)}`,
  /** Workflow tags (custom ids); Key_Shared by tag. */
  workflowTag: (workflow: string) => `workflow-tag:${entity('workflow', workflow)}`,
  /** Results and errors awaited by one client. */
  clientResponse: (client: string) => `response:${entity('client', client)}`,
  /** Where messages that failed `maxRedeliverCount` redeliveries go (Pulsar's default name). */
  deadLetter: (topic: string, subscription: string) => `${topic}-${subscription}-DLQ`,
} as const;

/** Subscription name for a topic family: `{prefix}-subscription`, e.g. `task-executor-subscription`. */
export function subscriptionFor(topic: string): string {
  const prefix = topic.split(':', 1)[0];
  return `${prefix}-subscription`;
}

/** Subscription that retains the dead letters of `subscription`. */
export function deadLetterSubscription(subscription: string): string {
  return `${subscription}-dlq`;
}
