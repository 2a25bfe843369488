/**
 * The stored state of a workflow instance: a small header plus its history, an append-only list
 * of entries (commands the code emitted, events that happened to it). To keep every write flat
 * as history grows, the header holds only the newest entries (`tail`); older ones are sealed in
 * immutable chunks of CHUNK_SIZE entries, written insert-only before the header that drops them.
 * Two writers racing from the same header seal identical chunks (only entries of that header are
 * sealed), so an insert that finds the chunk already there is harmless.
 */
import type { ErrorInfo } from './errors.ts';
import type { Waiter, WorkflowOutcome } from './messages.ts';

export type CommandKind = 'task' | 'child' | 'timer' | 'receive' | 'inline';

export interface CommandEntry {
  t: 'cmd';
  p: number;
  kind: CommandKind;
  /** `Service.method`, `Workflow.method`, `timer`, or the channel name. */
  name: string;
  /** Task and child arguments (kept to re-dispatch a task on retry). */
  args?: unknown[];
  meta?: Record<string, string>;
  tags?: string[];
  /** Timer due time (epoch ms). */
  until?: number;
  /** Inline: the value the function returned, or the error it threw, recorded at its first run. */
  r?: unknown;
  e?: ErrorInfo;
}

export type EventEntry =
  | { t: 'ok'; p: number; r: unknown; at: number }
  | { t: 'ko'; p: number; e: ErrorInfo; at: number; canceled?: boolean }
  | { t: 'sig'; ch: string; v: unknown; id: string; at: number };

export type HistoryEntry = CommandEntry | EventEntry;

export type WorkflowStatus = 'running' | 'completed' | 'failed' | 'canceled';

export interface WorkflowState {
  format: 1;
  workflowId: string;
  workflowName: string;
  /** Implementation version this instance runs (kept for its whole life). */
  version: number;
  method: string;
  args: unknown[];
  tags: string[];
  meta: Record<string, string>;
  /** Id of this run: the start message's id; command ids derive from it. */
  runId: string;
  status: WorkflowStatus;
  startedAt: number;
  updatedAt: number;
  waiters: Waiter[];
  /** Entries in history (sealed chunks + tail). */
  entryCount: number;
  /** Sealed chunks; chunk i holds entries [i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE). */
  chunks: number;
  tail: HistoryEntry[];
  /** Commands emitted so far (the next command's position). */
  nextPosition: number;
  /** Commands awaiting an outcome, by position. */
  pending: Record<string, { kind: CommandKind; name: string }>;
  /** Outcomes that arrived before their command was recorded (a crash between send and write). */
  early: EventEntry[];
  /** Ids of every signal applied (duplicates are dropped). */
  signalIds: string[];
  /** Ids of the last messages applied (at-least-once delivery made idempotent). */
  applied: string[];
  /** Terminal outcome, once the instance ended. */
  outcome?: WorkflowOutcome;
  /** Position of the task whose failure failed the workflow (what retryTasks re-dispatches). */
  failedTask?: number;
  /** Times a failed task was re-dispatched (suffix of the new task id). */
  retries?: number;
  /** The event a DeterminismError stopped (applied by retryTasks once the code is fixed). */
  blocked?: EventEntry;
  /** Position -> run id part of the task id of its latest retry: outcomes of older attempts are ignored. */
  retried?: Record<string, string>;
}

/** Entries per sealed chunk. */
export const CHUNK_SIZE = 32;
/** Message ids remembered for deduplication (beyond these, natural keys dedupe: positions, signal ids). */
export const APPLIED_KEPT = 32;

export const isTerminal = (status: WorkflowStatus): boolean => status !== 'running';

/**
 * Seals the oldest tail entries of `next` into chunks, only among the first `baseTail` entries
 * (those of the header it was loaded from), keeping at least CHUNK_SIZE entries in the tail.
 * Returns the chunks to insert (index -> entries) and mutates `next`.
 */
export function sealChunks(
  next: WorkflowState,
  baseTail: number,
): Array<{ index: number; entries: HistoryEntry[] }> {
  const sealed: Array<{ index: number; entries: HistoryEntry[] }> = [];
  let available = baseTail;
  while (next.tail.length >= 2 * CHUNK_SIZE && available >= CHUNK_SIZE) {
    sealed.push({ index: next.chunks, entries: next.tail.slice(0, CHUNK_SIZE) });
    next.tail = next.tail.slice(CHUNK_SIZE);
    next.chunks += 1;
    available -= CHUNK_SIZE;
  }
  return sealed;
}

/** A short description of a command for errors and inspection: `task HelloService.sayHello`. */
export function describeCommand(command: Pick<CommandEntry, 'kind' | 'name'>): string {
  return `${command.kind} ${command.name}`;
}

/** Records that `messageId` was applied (the last APPLIED_KEPT are kept for deduplication). */
export function markApplied(state: WorkflowState, messageId: string, now: number): void {
  state.applied.push(messageId);
  if (state.applied.length > APPLIED_KEPT) state.applied.splice(0, state.applied.length - APPLIED_KEPT);
  state.updatedAt = now;
}
