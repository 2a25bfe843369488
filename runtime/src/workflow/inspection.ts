/**
 * Read-only views of workflow instances for clients and dev tooling (the CLI's `workflows` views
 * build on these): a summary per instance, listing by name/status/tag, and a detailed inspection.
 */
import type { Storage } from '../storage/storage.ts';
import type { ErrorInfo } from './errors.ts';
import { workflowStateKey, workflowStatePrefix, workflowTagKey } from './messages.ts';
import type { CommandEntry, CommandKind, HistoryEntry, WorkflowState, WorkflowStatus } from './state.ts';
import { decodeState, loadEntries } from './state-store.ts';

export interface WorkflowSummary {
  workflowName: string;
  workflowId: string;
  status: WorkflowStatus;
  version: number;
  method: string;
  tags: string[];
  meta: Record<string, string>;
  startedAt: number;
  updatedAt: number;
  completedAt?: number;
  result?: unknown;
  error?: ErrorInfo;
  /** Entries in history (commands + events); 0 once a completed instance shrank to its record. */
  historyLength: number;
  pendingCommands: number;
}

/** Something a running instance waits for. */
export interface PendingCommand {
  position: number;
  kind: CommandKind;
  /** `Service.method`, `Workflow.method`, `timer`, or the channel a receive waits on. */
  name: string;
  /** Timer: when it fires (epoch ms). */
  until?: number;
  /** Receive with a timeout: when the wait ends without a signal, and the position of that timer. */
  timeout?: { at: number; timer: number };
}

export interface WorkflowInspection extends WorkflowSummary {
  args: unknown[];
  runId: string;
  /**
   * What the instance waits for, by position: commands awaiting an outcome (tasks, children,
   * timers) and receives still waiting for a signal (a receive's timeout is shown on it, not as a timer).
   */
  pending: PendingCommand[];
  waiters: number;
  history: {
    commands: number;
    events: number;
    /** Commands by kind. */
    byKind: Record<string, number>;
    /** The newest entries, oldest first. */
    last: HistoryEntry[];
  };
}

export interface ListWorkflowsOptions {
  status?: WorkflowStatus;
  tag?: string;
  /** At most this many, the newest first. Default 100. */
  limit?: number;
}

/** A listing: the newest matching instances and how many matched in all. */
export interface WorkflowPage {
  /** At most `limit` instances, newest first (startedAt descending, then workflowId). */
  instances: WorkflowSummary[];
  /** Matching instances among those read (more than instances.length when the limit cut the list). */
  matched: number;
  /** More than LIST_SCAN_LIMIT instance ids: only that many were read, so newer ones may be missing. */
  scanLimitReached: boolean;
}

/** Instance ids a listing reads at most (per workflow name). */
export const LIST_SCAN_LIMIT = 10_000;
/** States loaded at once while listing. */
const LOAD_CONCURRENCY = 50;

/** Newest first: startedAt descending, then workflowId (ascending) for instances started the same ms. */
function newestFirst(a: WorkflowSummary, b: WorkflowSummary): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  return a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0;
}

export function summarize(state: WorkflowState): WorkflowSummary {
  const outcome = state.outcome;
  return {
    workflowName: state.workflowName,
    workflowId: state.workflowId,
    status: state.status,
    version: state.version,
    method: state.method,
    tags: state.tags,
    meta: state.meta,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    ...(outcome ? { completedAt: outcome.completedAt } : {}),
    ...(outcome?.status === 'completed' ? { result: outcome.result } : {}),
    ...(outcome?.status === 'failed' ? { error: outcome.error } : {}),
    historyLength: state.status === 'completed' || state.status === 'canceled' ? 0 : state.entryCount,
    pendingCommands: Object.keys(state.pending).length,
  };
}

async function load(
  storage: Storage,
  workflowName: string,
  workflowId: string,
): Promise<WorkflowState | undefined> {
  const bytes = await storage.keyValue.get(workflowStateKey(workflowName, workflowId));
  return bytes ? decodeState(bytes) : undefined;
}

export async function getWorkflowSummary(
  storage: Storage,
  workflowName: string,
  workflowId: string,
): Promise<WorkflowSummary | undefined> {
  const state = await load(storage, workflowName, workflowId);
  return state ? summarize(state) : undefined;
}

/** The `limit` newest instances of a workflow matching `options`, newest first (see listWorkflowPage). */
export async function listWorkflowSummaries(
  storage: Storage,
  workflowName: string,
  options: ListWorkflowsOptions = {},
): Promise<WorkflowSummary[]> {
  return (await listWorkflowPage(storage, workflowName, options)).instances;
}

/**
 * The `limit` newest instances of a workflow matching `options`, and how many matched.
 * Storage keeps no index by start time (it is a key-value and key-set store on every backend;
 * an index would cost every start a write on the engine's hot path, for a dev and ops view), so
 * every matching state is read, up to LIST_SCAN_LIMIT ids, then sorted: the newest N are then
 * really the newest N, not the first N in storage order.
 */
export async function listWorkflowPage(
  storage: Storage,
  workflowName: string,
  options: ListWorkflowsOptions = {},
): Promise<WorkflowPage> {
  const limit = options.limit ?? 100;
  let ids: string[];
  if (options.tag !== undefined) {
    ids = await storage.keySet.members(workflowTagKey(workflowName, options.tag));
  } else {
    if (!storage.keyValue.scan) return { instances: [], matched: 0, scanLimitReached: false };
    const prefix = workflowStatePrefix(workflowName);
    // one more than the cap tells "more exist" from "exactly the cap"
    ids = (await storage.keyValue.scan(prefix, LIST_SCAN_LIMIT + 1)).map((key) => key.slice(prefix.length));
  }
  const scanLimitReached = ids.length > LIST_SCAN_LIMIT;
  const matching = await loadMatching(storage, workflowName, ids.slice(0, LIST_SCAN_LIMIT), options.status);
  matching.sort(newestFirst);
  return { instances: matching.slice(0, limit), matched: matching.length, scanLimitReached };
}

/** Summaries of the instances among `ids` in `status` (any when undefined), LOAD_CONCURRENCY loads at a time. */
async function loadMatching(
  storage: Storage,
  workflowName: string,
  ids: readonly string[],
  status: WorkflowStatus | undefined,
): Promise<WorkflowSummary[]> {
  const matching: WorkflowSummary[] = [];
  let next = 0;
  const loadNext = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const state = await load(storage, workflowName, id);
      if (state && (status === undefined || state.status === status)) matching.push(summarize(state));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, ids.length) }, loadNext));
  return matching;
}

export async function inspectWorkflowState(
  storage: Storage,
  workflowName: string,
  workflowId: string,
  lastEntries = 20,
): Promise<WorkflowInspection | undefined> {
  const state = await load(storage, workflowName, workflowId);
  if (!state) return undefined;
  const entries =
    state.status === 'running' || state.status === 'failed' ? await loadEntries(storage, state) : [];
  const byKind: Record<string, number> = {};
  let commands = 0;
  for (const entry of entries) {
    if (entry.t !== 'cmd') continue;
    commands += 1;
    byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
  }
  return {
    ...summarize(state),
    args: state.args,
    runId: state.runId,
    pending: waitingFor(state, entries),
    waiters: state.waiters.length,
    history: { commands, events: entries.length - commands, byKind, last: entries.slice(-lastEntries) },
  };
}

/**
 * What a running instance waits for: the commands awaiting an outcome (state.pending) and the
 * receives still waiting for a signal. Receives complete inside the run, so state.pending never
 * holds them: which are still open is read from history, applying signals and timeouts in order
 * as the run does (workflow-run.ts). A receive with a timeout records its timer right after it;
 * while the receive waits, that timer is shown as its timeout rather than as a timer of its own.
 * (A sleep started, unawaited, right after a receive without timeout looks the same in history.)
 */
function waitingFor(state: WorkflowState, entries: readonly HistoryEntry[]): PendingCommand[] {
  const commands = new Map<number, CommandEntry>();
  const buffered = new Map<string, number>(); // signals no receive took yet, by channel
  const open = new Map<string, CommandEntry[]>(); // receives waiting, by channel, oldest first
  const timeoutOf = new Map<number, CommandEntry>(); // timer position -> the receive it ends
  const close = (receive: CommandEntry) => {
    const waiting = open.get(receive.name) ?? [];
    open.set(
      receive.name,
      waiting.filter((r) => r !== receive),
    );
  };
  for (const entry of entries) {
    if (entry.t === 'cmd') {
      commands.set(entry.p, entry);
      if (entry.kind === 'receive') {
        const queued = buffered.get(entry.name) ?? 0;
        if (queued > 0) buffered.set(entry.name, queued - 1);
        else open.set(entry.name, [...(open.get(entry.name) ?? []), entry]);
      } else if (entry.kind === 'timer') {
        const before = commands.get(entry.p - 1);
        if (before?.kind === 'receive') timeoutOf.set(entry.p, before); // counts only while it waits
      }
    } else if (entry.t === 'sig') {
      const [first] = open.get(entry.ch) ?? [];
      if (first) close(first);
      else buffered.set(entry.ch, (buffered.get(entry.ch) ?? 0) + 1);
    } else {
      const receive = timeoutOf.get(entry.p);
      if (receive) close(receive);
    }
  }
  const pending: PendingCommand[] = [];
  const shownAsTimeout = new Set<number>();
  for (const receive of [...open.values()].flat()) {
    const timer = commands.get(receive.p + 1);
    const timeout =
      timer?.until !== undefined && timeoutOf.get(timer.p) === receive && state.pending[timer.p]
        ? { at: timer.until, timer: timer.p }
        : undefined;
    if (timeout) shownAsTimeout.add(timeout.timer);
    pending.push({
      position: receive.p,
      kind: 'receive',
      name: receive.name,
      ...(timeout ? { timeout } : {}),
    });
  }
  for (const [p, command] of Object.entries(state.pending)) {
    const position = Number(p);
    if (shownAsTimeout.has(position)) continue;
    const until = command.kind === 'timer' ? commands.get(position)?.until : undefined;
    pending.push({
      position,
      kind: command.kind,
      name: command.name,
      ...(until !== undefined ? { until } : {}),
    });
  }
  return pending.sort((a, b) => a.position - b.position);
}
