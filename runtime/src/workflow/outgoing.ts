/** The messages a workflow step sends: task dispatches, timers, child starts, replies to waiters. */
import type { ExecuteTaskMessage } from '../engine/messages.ts';
import { encodeMessage } from '../engine/messages.ts';
import { topics } from '../transport/topics.ts';
import type { OutgoingMessage } from '../transport/transport.ts';
import {
  type CancelWorkflowMessage,
  type ChildOutcomeMessage,
  commandId,
  encodeWorkflowMessage,
  type StartWorkflowMessage,
  type TimerFiredMessage,
  type Waiter,
  type WorkflowOutcome,
  type WorkflowOutcomeMessage,
} from './messages.ts';
import type { CommandEntry, WorkflowState } from './state.ts';

export interface Send {
  topic: string;
  message: OutgoingMessage;
  /** The topic is consumed by another component: make sure its subscription exists first. */
  ensure?: boolean;
  /** An outcome for a waiting client: best effort (the client may be gone). */
  toClient?: boolean;
}

function split(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

/** The message a new command sends (none for `receive`). */
export function commandSend(
  state: WorkflowState,
  command: CommandEntry,
  emitterName: string,
  now: number,
  taskId = commandId(state.runId, command.p),
): Send | undefined {
  const id = commandId(state.runId, command.p);
  const { workflowId, workflowName } = state;
  if (command.kind === 'task') {
    const [serviceName, taskName] = split(command.name);
    const message: ExecuteTaskMessage = {
      type: 'executeTask',
      messageId: taskId,
      taskId,
      serviceName,
      taskName,
      args: command.args ?? [],
      retryIndex: 0,
      meta: command.meta ?? {},
      workflowId,
      workflowName,
      replyTo: { topic: topics.workflowEngine(workflowName), key: workflowId },
      emitterName,
      dispatchedAt: now,
    };
    return {
      topic: topics.taskExecutor(serviceName),
      message: { payload: encodeMessage(message) },
      ensure: true,
    };
  }
  if (command.kind === 'timer') {
    const dueAt = command.until ?? now;
    const message: TimerFiredMessage = {
      type: 'timerFired',
      messageId: `timer:${id}`,
      workflowName,
      workflowId,
      commandId: id,
      dueAt,
      emitterName,
    };
    return timerSend(message, Math.max(0, dueAt - now));
  }
  if (command.kind === 'child') {
    const [childName, method] = split(command.name);
    const message: StartWorkflowMessage = {
      type: 'startWorkflow',
      messageId: id,
      workflowName: childName,
      workflowId: id,
      method,
      args: command.args ?? [],
      tags: command.tags ?? [],
      meta: command.meta ?? {},
      waiter: { kind: 'parent', workflowName, workflowId, commandId: id },
      emitterName,
    };
    return {
      topic: topics.workflowEngine(childName),
      message: { payload: encodeWorkflowMessage(message), key: id },
      ensure: true,
    };
  }
  return undefined;
}

/** Cancels a child instance started by command `id`. */
export function cancelChildSend(childName: string, childId: string, emitterName: string): Send {
  const message: CancelWorkflowMessage = {
    type: 'cancelWorkflow',
    messageId: `cancel:${childId}`,
    workflowName: childName,
    workflowId: childId,
    emitterName,
  };
  return {
    topic: topics.workflowEngine(childName),
    message: { payload: encodeWorkflowMessage(message), key: childId },
  };
}

/** Tells one waiter how the workflow ended. */
export function outcomeSend(
  workflowName: string,
  workflowId: string,
  waiter: Waiter,
  outcome: WorkflowOutcome | { status: 'unknown' },
  emitterName: string,
): Send {
  if (waiter.kind === 'client') {
    const message: WorkflowOutcomeMessage = { type: 'workflowOutcome', workflowName, workflowId, outcome };
    return { topic: waiter.topic, message: { payload: encodeWorkflowMessage(message) }, toClient: true };
  }
  const message: ChildOutcomeMessage = {
    type: 'childOutcome',
    messageId: `outcome:${workflowId}`,
    workflowName: waiter.workflowName,
    workflowId: waiter.workflowId,
    commandId: waiter.commandId,
    childName: workflowName,
    childId: workflowId,
    outcome:
      outcome.status === 'unknown'
        ? {
            status: 'failed',
            error: {
              name: 'WorkflowUnknownError',
              message: `workflow ${workflowName} (${workflowId}) is unknown`,
            },
            completedAt: Date.now(),
          }
        : outcome,
    emitterName,
  };
  return {
    topic: topics.workflowEngine(waiter.workflowName),
    message: { payload: encodeWorkflowMessage(message), key: waiter.workflowId },
  };
}

/** A timer message delivered after `delayMs` (first scheduling, or again after an early delivery). */
export function timerSend(message: TimerFiredMessage, delayMs: number): Send {
  return {
    topic: topics.workflowEngine(message.workflowName),
    message: { payload: encodeWorkflowMessage(message), key: message.workflowId, deliverAfterMs: delayMs },
  };
}
