/**
 * retryTasks: a workflow that failed because a task failed for good (TaskFailedError not caught)
 * is rewound to just before that failure, the task is dispatched again under a new id, and the
 * instance runs again. Commands its code emitted after the failure are dropped from history; the
 * replay re-emits them with the same ids, so their recorded outcomes answer again.
 */
import type { Storage } from '../storage/storage.ts';
import { commandId } from './messages.ts';
import { commandSend, type Send } from './outgoing.ts';
import { type CommandEntry, markApplied, type WorkflowState } from './state.ts';
import { loadEntries } from './state-store.ts';

/** Mutates `state` (back to running) and returns the dispatch of the task; [] when there is nothing to retry. */
export async function retryFailedTask(
  state: WorkflowState,
  storage: Storage,
  workerName: string,
  messageId: string,
  now: number,
): Promise<Send[]> {
  if (state.status !== 'failed' || state.failedTask === undefined) return [];
  const p = state.failedTask;
  const at = state.tail.findIndex((e) => e.t === 'ko' && e.p === p);
  if (at < 0) return [];
  const entries = await loadEntries(storage, state);
  const command = entries.find((e): e is CommandEntry => e.t === 'cmd' && e.p === p);
  if (!command) return [];
  const dropped = state.tail.slice(at + 1).filter((e): e is CommandEntry => e.t === 'cmd');
  for (const d of dropped) delete state.pending[d.p];
  // Positions grow along history: the first dropped command is where the code will go on.
  if (dropped.length > 0) state.nextPosition = Math.min(...dropped.map((d) => d.p));
  state.entryCount -= state.tail.length - at;
  state.tail = state.tail.slice(0, at);
  state.pending[p] = { kind: command.kind, name: command.name };
  state.status = 'running';
  state.retries = (state.retries ?? 0) + 1;
  delete state.outcome;
  delete state.failedTask;
  markApplied(state, messageId, now);
  const attempt = `${state.runId}.r${state.retries}`;
  state.retried = { ...state.retried, [p]: attempt };
  const taskId = commandId(attempt, p);
  const send = commandSend(state, command, workerName, now, taskId);
  return send ? [send] : [];
}
