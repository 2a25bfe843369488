/**
 * Messages on a workflow engine topic (`workflow-engine:{name}`, Key_Shared by workflow id) and
 * those the engine sends back to clients and parent workflows. Task outcomes arrive there too,
 * in the task engine's own format (engine/messages.ts), with `taskId` = the command id.
 */
import { decodeJson, encodeJson } from '../codec/json-codec.ts';
import type { TaskOutcomeMessage } from '../engine/messages.ts';
import { InfiniticError } from '../errors.ts';
import type { ErrorInfo } from './errors.ts';

/** Who is told when a workflow ends: a waiting client (its response topic) or a parent workflow. */
export type Waiter =
  | { kind: 'client'; topic: string }
  | { kind: 'parent'; workflowName: string; workflowId: string; commandId: string };

/** The final outcome of a workflow, kept as its completion record and sent to every waiter. */
export type WorkflowOutcome =
  | { status: 'completed'; result: unknown; completedAt: number }
  | { status: 'failed'; error: ErrorInfo; completedAt: number }
  | { status: 'canceled'; completedAt: number };

interface Base {
  /** Unique per message; deterministic for messages a workflow sends, so duplicates are detected. */
  messageId: string;
  workflowName: string;
  workflowId: string;
  emitterName: string;
}

export interface StartWorkflowMessage extends Base {
  type: 'startWorkflow';
  method: string;
  args: unknown[];
  tags: string[];
  meta: Record<string, string>;
  /** Notified on completion; a start for an id that already runs (or ran) only adds it. */
  waiter?: Waiter;
}

/** A late awaiter attaches to an instance: answered at once when it already ended. */
export interface AwaitWorkflowMessage extends Base {
  type: 'awaitWorkflow';
  waiter: Waiter;
}

export interface TimerFiredMessage extends Base {
  type: 'timerFired';
  commandId: string;
  /**
   * When the timer is due (epoch ms). Pulsar may deliver a delayed message up to its tick early
   * (`isDelayedDeliveryDeliverAtTimeStrict=false`, the default); the engine re-schedules such an
   * early delivery for the remainder, so a timer never fires before it is due.
   */
  dueAt?: number;
}

export interface ChildOutcomeMessage extends Base {
  type: 'childOutcome';
  commandId: string;
  childName: string;
  childId: string;
  outcome: WorkflowOutcome;
}

export interface SignalMessage extends Base {
  type: 'signal';
  signalId: string;
  channel: string;
  value: unknown;
}

export interface CancelWorkflowMessage extends Base {
  type: 'cancelWorkflow';
}

/** Re-dispatches the task whose failure failed the workflow, and resumes it. */
export interface RetryTasksMessage extends Base {
  type: 'retryTasks';
}

export type WorkflowCommandMessage =
  | StartWorkflowMessage
  | AwaitWorkflowMessage
  | TimerFiredMessage
  | ChildOutcomeMessage
  | SignalMessage
  | CancelWorkflowMessage
  | RetryTasksMessage;

export type WorkflowEngineMessage =
  | WorkflowCommandMessage
  | (TaskOutcomeMessage & { workflowId: string; workflowName: string });

/** Sent to a waiting client's response topic. */
export interface WorkflowOutcomeMessage {
  type: 'workflowOutcome';
  workflowName: string;
  workflowId: string;
  /** `unknown`: no such instance (an awaitWorkflow for an id never started). */
  outcome: WorkflowOutcome | { status: 'unknown' };
}

const ENGINE_TYPES = new Set([
  'startWorkflow',
  'awaitWorkflow',
  'timerFired',
  'childOutcome',
  'signal',
  'cancelWorkflow',
  'retryTasks',
  'taskCompleted',
  'taskFailed',
]);

export function encodeWorkflowMessage(message: WorkflowEngineMessage | WorkflowOutcomeMessage): Uint8Array {
  return encodeJson(message);
}

export function decodeEngineMessage(bytes: Uint8Array): WorkflowEngineMessage {
  const value = decodeJson<Partial<WorkflowEngineMessage>>(bytes);
  if (typeof value !== 'object' || value === null || !ENGINE_TYPES.has(String(value.type))) {
    throw new InfiniticError('INF_CODEC', 'message is not a workflow engine message');
  }
  if (typeof value.workflowId !== 'string') {
    throw new InfiniticError('INF_CODEC', `workflow engine message ${value.type} has no workflowId`);
  }
  return value as WorkflowEngineMessage;
}

export function decodeOutcomeMessage(bytes: Uint8Array): WorkflowOutcomeMessage | undefined {
  const value = decodeJson<Partial<WorkflowOutcomeMessage>>(bytes);
  return value?.type === 'workflowOutcome' ? (value as WorkflowOutcomeMessage) : undefined;
}

/** Storage key of an instance's state (and, once it ended, of its completion record). */
export function workflowStateKey(workflowName: string, workflowId: string): string {
  return `workflow.state.${workflowName}.${workflowId}`;
}

export function workflowStatePrefix(workflowName: string): string {
  return `workflow.state.${workflowName}.`;
}

/** Key set of the ids of a workflow's instances carrying `tag`. */
export function workflowTagKey(workflowName: string, tag: string): string {
  return `workflow.tag.${workflowName}.${tag}`;
}

/** Sealed, immutable chunk `index` of a run's history. */
export function historyChunkKey(runId: string, index: number): string {
  return `workflow.history.${runId}.${index}`;
}

/** Command ids are `{runId}:{position}`: deterministic, so a replay re-emits the same ids. */
export function commandId(runId: string, position: number): string {
  return `${runId}:${position}`;
}

export function parseCommandId(id: string): { runId: string; position: number } | undefined {
  const at = id.lastIndexOf(':');
  const position = Number(id.slice(at + 1));
  if (at <= 0 || !Number.isInteger(position) || position < 0) return undefined;
  return { runId: id.slice(0, at), position };
}
