/** The history event an outcome message (task, timer, child) becomes, with the command id it answers. */
import type { TaskOutcomeMessage } from '../engine/messages.ts';
import type { ErrorInfo } from './errors.ts';
import type { ChildOutcomeMessage, WorkflowEngineMessage } from './messages.ts';

type OutcomeMessage = TaskOutcomeMessage | ChildOutcomeMessage | { type: 'timerFired'; commandId: string };

type OutcomeEntry = { t: 'ok'; r: unknown; at: number } | { t: 'ko'; e: ErrorInfo; at: number };

export function outcomeEvent(
  message: WorkflowEngineMessage,
  now: number,
): { id: string; entry: OutcomeEntry } {
  const m = message as OutcomeMessage;
  if (m.type === 'taskCompleted') return { id: m.taskId, entry: { t: 'ok', r: m.result, at: now } };
  if (m.type === 'taskFailed') {
    const error: ErrorInfo = {
      name: 'TaskFailedError',
      message: `task ${m.serviceName}.${m.taskName} failed: ${m.failure.name}: ${m.failure.message}`,
      details: { taskId: m.taskId, serviceName: m.serviceName, taskName: m.taskName, failure: m.failure },
    };
    return { id: m.taskId, entry: { t: 'ko', e: error, at: now } };
  }
  if (m.type === 'timerFired') return { id: m.commandId, entry: { t: 'ok', r: now, at: now } };
  const { outcome, childName, childId } = m;
  if (outcome.status === 'completed')
    return { id: m.commandId, entry: { t: 'ok', r: outcome.result, at: now } };
  const error: ErrorInfo =
    outcome.status === 'canceled'
      ? {
          name: 'WorkflowCanceledError',
          message: 'canceled',
          details: { workflowId: childId, workflowName: childName },
        }
      : {
          name: 'WorkflowFailedError',
          message: outcome.error.message,
          details: { workflowId: childId, workflowName: childName, error: outcome.error },
        };
  return { id: m.commandId, entry: { t: 'ko', e: error, at: now } };
}
