/**
 * Read-only views of workflow instances for clients and dev tooling (the CLI's `workflows` views
 * build on these): a summary per instance, listing by name/status/tag, and a detailed inspection.
 */
import type { Storage } from '../storage/storage.ts';
import type { ErrorInfo } from './errors.ts';
import { workflowStateKey, workflowStatePrefix, workflowTagKey } from './messages.ts';
import type { CommandKind, HistoryEntry, WorkflowState, WorkflowStatus } from './state.ts';
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

export interface WorkflowInspection extends WorkflowSummary {
  args: unknown[];
  runId: string;
  pending: Array<{ position: number; kind: CommandKind; name: string }>;
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
  /** Default 100. */
  limit?: number;
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

export async function listWorkflowSummaries(
  storage: Storage,
  workflowName: string,
  options: ListWorkflowsOptions = {},
): Promise<WorkflowSummary[]> {
  const limit = options.limit ?? 100;
  let ids: string[];
  if (options.tag !== undefined) {
    ids = await storage.keySet.members(workflowTagKey(workflowName, options.tag));
  } else {
    if (!storage.keyValue.scan) return [];
    const prefix = workflowStatePrefix(workflowName);
    ids = (await storage.keyValue.scan(prefix, 10_000)).map((key) => key.slice(prefix.length));
  }
  const summaries: WorkflowSummary[] = [];
  for (let i = 0; i < ids.length && summaries.length < limit; i += 50) {
    const states = await Promise.all(ids.slice(i, i + 50).map((id) => load(storage, workflowName, id)));
    for (const state of states) {
      if (state && (options.status === undefined || state.status === options.status))
        summaries.push(summarize(state));
    }
  }
  return summaries.sort((a, b) => a.startedAt - b.startedAt).slice(0, limit);
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
    pending: Object.entries(state.pending).map(([p, c]) => ({
      position: Number(p),
      kind: c.kind,
      name: c.name,
    })),
    waiters: state.waiters.length,
    history: { commands, events: entries.length - commands, byKind, last: entries.slice(-lastEntries) },
  };
}
