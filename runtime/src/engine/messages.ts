/**
 * The task message model. A caller (client or, later, a workflow engine) publishes an
 * `ExecuteTask` to the service's executor topic; the executor runs it and publishes one
 * `TaskCompleted` / `TaskFailed` to `replyTo` (a client's response topic, or a workflow engine
 * topic keyed by workflow id), and records the outcome in storage under `task.result.<taskId>`
 * so duplicates and late awaiters get the same answer.
 */
import { decodeJson, encodeJson } from '../codec/json-codec.ts';
import { InfiniticError } from '../errors.ts';
import type { TaskFailure } from './errors.ts';

/** Where the outcome of a task goes. */
export interface ReplyTo {
  topic: string;
  /** Routing key (a workflow engine topic is Key_Shared by workflow id). */
  key?: string;
}

export interface ExecuteTaskMessage {
  type: 'executeTask';
  /** Unique per publication (a retry gets a new one). */
  messageId: string;
  /** Stable across retries; the idempotency key of the task. */
  taskId: string;
  serviceName: string;
  taskName: string;
  args: unknown[];
  /** 0 on the first attempt. */
  retryIndex: number;
  meta: Record<string, string>;
  workflowId?: string;
  workflowName?: string;
  /**
   * Set by a dispatcher that generated a random task id itself: a first delivery of a first
   * attempt then cannot be a duplicate, so the executor skips the outcome lookup before running.
   */
  freshId?: boolean;
  /** Absent for fire-and-forget dispatches nobody awaits through a topic. */
  replyTo?: ReplyTo;
  /** Failure of the previous attempt, on retries. */
  lastError?: TaskFailure;
  /** Name of the client or worker that published this message. */
  emitterName: string;
  /** Epoch ms of the first dispatch (kept across retries). */
  dispatchedAt: number;
}

interface OutcomeBase {
  messageId: string;
  taskId: string;
  serviceName: string;
  taskName: string;
  workflowId?: string;
  workflowName?: string;
  emitterName: string;
}

export interface TaskCompletedMessage extends OutcomeBase {
  type: 'taskCompleted';
  result: unknown;
  retryIndex: number;
}

export interface TaskFailedMessage extends OutcomeBase {
  type: 'taskFailed';
  failure: TaskFailure;
}

export type TaskOutcomeMessage = TaskCompletedMessage | TaskFailedMessage;

/** What storage keeps under `task.result.<taskId>`. */
export type TaskOutcomeRecord =
  | { status: 'completed'; result: unknown; retryIndex: number; completedAt: number }
  | { status: 'failed'; failure: TaskFailure; completedAt: number };

export type TaskMessage = ExecuteTaskMessage | TaskOutcomeMessage;

/** Storage key of a task's recorded outcome. */
export function taskOutcomeKey(taskId: string): string {
  return `task.result.${taskId}`;
}

export function encodeMessage(message: TaskMessage): Uint8Array {
  return encodeJson(message);
}

/** Decodes and checks the envelope; throws INF_CODEC on anything that is not a task message. */
export function decodeMessage(bytes: Uint8Array): TaskMessage {
  const value = decodeJson<Partial<TaskMessage>>(bytes);
  const ok =
    typeof value === 'object' &&
    value !== null &&
    typeof value.taskId === 'string' &&
    typeof value.serviceName === 'string' &&
    typeof value.taskName === 'string' &&
    (value.type === 'executeTask'
      ? Array.isArray(value.args) && Number.isInteger(value.retryIndex)
      : value.type === 'taskCompleted' || (value.type === 'taskFailed' && typeof value.failure === 'object'));
  if (!ok)
    throw new InfiniticError(
      'INF_CODEC',
      'message is not a task message (executeTask/taskCompleted/taskFailed)',
    );
  return value as TaskMessage;
}

export function outcomeToRecord(message: TaskOutcomeMessage, completedAt = Date.now()): TaskOutcomeRecord {
  return message.type === 'taskCompleted'
    ? { status: 'completed', result: message.result, retryIndex: message.retryIndex, completedAt }
    : { status: 'failed', failure: message.failure, completedAt };
}
