/**
 * Reading workflow instances for `infinitic workflows list|inspect`, whatever answers (the client
 * API on the dev stack's or a config's storage, or an embedded worker through its loopback dev
 * endpoint): the list options and their checks, the dev endpoint's routes for them, and listing
 * across several workflow names. The shapes on the wire are the runtime's own WorkflowSummary and
 * WorkflowInspection. Clients are typed structurally (the embedded worker's runtime copy may
 * differ from the kit's), as in dispatch-request.ts.
 */
import type {
  ListWorkflowsOptions,
  WorkflowInspection,
  WorkflowPage,
  WorkflowStatus,
  WorkflowSummary,
} from '@infinitic/runtime';
import { CliError, EXIT } from '../cli/run-cli.ts';

export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['running', 'completed', 'failed', 'canceled'];
export const DEFAULT_LIST_LIMIT = 50;
/** Instance ids a listing reads per workflow name: the runtime's LIST_SCAN_LIMIT (a copy, see newestFirst). */
export const LIST_SCAN_LIMIT = 10_000;
/** A larger limit could not show more: a listing reads at most LIST_SCAN_LIMIT instances per name. */
export const MAX_LIST_LIMIT = LIST_SCAN_LIMIT;

/** What reading workflows needs from a client: the methods of its `.workflows` side. */
export interface WorkflowReader {
  listWorkflows(workflowName: string, options: ListWorkflowsOptions): Promise<WorkflowSummary[]>;
  inspectWorkflow(workflowName: string, workflowId: string): Promise<WorkflowInspection | undefined>;
  /** The list with how many matched in all; readers without it are asked for every match (listPage). */
  listWorkflowPage?(workflowName: string, options: ListWorkflowsOptions): Promise<WorkflowPage>;
}

/** The reader of an InfiniticClient (of any runtime copy); undefined for runtimes without inspection. */
export function readerOf(client: unknown): WorkflowReader | undefined {
  let side: Partial<WorkflowReader> | undefined;
  try {
    side = (client as { workflows?: Partial<WorkflowReader> }).workflows;
  } catch {
    return undefined; // a closed client
  }
  if (typeof side?.listWorkflows !== 'function' || typeof side.inspectWorkflow !== 'function')
    return undefined;
  return side as WorkflowReader;
}

export const NO_INSPECTION =
  'this runtime version cannot list or inspect workflows: update @infinitic/runtime';

/** List options once checked: the limit is always set. */
export type ListOptions = ListWorkflowsOptions & { limit: number };

/** Checks list options (CLI flags or the endpoint's query string); bad ones are usage errors. */
export function listOptions(flags: { status?: unknown; tag?: unknown; limit?: unknown }): ListOptions {
  const { status, tag, limit } = flags;
  if (status !== undefined && !WORKFLOW_STATUSES.includes(status as WorkflowStatus)) {
    throw new CliError(
      `--status must be one of ${WORKFLOW_STATUSES.join(', ')}, got '${String(status)}'`,
      EXIT.usage,
      'INF_USAGE',
    );
  }
  if (tag !== undefined && (typeof tag !== 'string' || tag === '')) {
    throw new CliError('--tag needs a tag, e.g. --tag vip', EXIT.usage, 'INF_USAGE');
  }
  const n = limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIST_LIMIT) {
    throw new CliError(
      `--limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${String(limit)}`,
      EXIT.usage,
      'INF_USAGE',
    );
  }
  return {
    limit: n,
    ...(status !== undefined ? { status: status as WorkflowStatus } : {}),
    ...(tag !== undefined ? { tag: tag as string } : {}),
  };
}

/**
 * Newest first: startedAt descending, then workflowId, as the runtime's listings order them
 * (a copy: the CLI loads the runtime only once a command runs).
 */
function newestFirst(a: WorkflowSummary, b: WorkflowSummary): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  return a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : 0;
}

/**
 * One workflow's newest instances and how many matched. A reader without listWorkflowPage (an
 * embedded worker's client) is asked for every match, up to MAX_LIST_LIMIT, to count them; it
 * cannot say whether its scan cap cut the ids, unless the matches fill MAX_LIST_LIMIT.
 */
export async function listPage(
  reader: WorkflowReader,
  workflowName: string,
  options: ListOptions,
): Promise<WorkflowPage> {
  if (reader.listWorkflowPage) return reader.listWorkflowPage(workflowName, options);
  const all = await reader.listWorkflows(workflowName, { ...options, limit: MAX_LIST_LIMIT });
  return {
    instances: [...all].sort(newestFirst).slice(0, options.limit),
    matched: all.length,
    scanLimitReached: all.length >= MAX_LIST_LIMIT,
  };
}

/** A listing across workflow names: the newest instances of them all, and how many matched. */
export interface WorkflowList {
  /** At most `limit` instances, newest first. */
  instances: WorkflowSummary[];
  /** Matching instances of every name (a lower bound when a scan cap was reached). */
  matched: number;
  /** Names with more instances than a listing reads (LIST_SCAN_LIMIT): newer ones may be missing. */
  scanLimitReached: string[];
}

/** Instances of every named workflow, newest first, at most `options.limit` in all. */
export async function listAcross(
  reader: WorkflowReader,
  names: readonly string[],
  options: ListOptions,
): Promise<WorkflowList> {
  const pages = await Promise.all(names.map((name) => listPage(reader, name, options)));
  return {
    instances: pages
      .flatMap((page) => page.instances)
      .sort(newestFirst)
      .slice(0, options.limit),
    matched: pages.reduce((sum, page) => sum + page.matched, 0),
    scanLimitReached: names.filter((_, i) => pages[i]?.scanLimitReached),
  };
}

/** The one-line error for an id storage does not hold (exit 1). */
export function unknownInstance(workflowName: string, workflowId: string, where: string): CliError {
  return new CliError(
    `no instance '${workflowId}' of workflow ${workflowName} in ${where} (\`infinitic workflows list --name ${workflowName}\` lists them)`,
    EXIT.failure,
    'INF_WORKFLOW_UNKNOWN',
  );
}

// The dev endpoint's routes mirror the client API: listWorkflows(name, options), inspectWorkflow(name, id).
export const DEV_WORKFLOWS_PATH = '/dev/workflows';
/** Headers of a list answer: how many instances matched in all, and `reached` when the scan cap cut the ids. */
export const LIST_MATCHED_HEADER = 'x-infinitic-matched';
export const LIST_SCAN_LIMIT_HEADER = 'x-infinitic-scan-limit';

export function workflowListPath(workflowName: string, options: ListWorkflowsOptions): string {
  const query = new URLSearchParams();
  if (options.status !== undefined) query.set('status', options.status);
  if (options.tag !== undefined) query.set('tag', options.tag);
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  const search = query.size > 0 ? `?${query}` : '';
  return `${DEV_WORKFLOWS_PATH}/${encodeURIComponent(workflowName)}${search}`;
}

export function workflowInspectPath(workflowName: string, workflowId: string): string {
  return `${DEV_WORKFLOWS_PATH}/${encodeURIComponent(workflowName)}/${encodeURIComponent(workflowId)}`;
}

export type WorkflowRoute =
  | { kind: 'list'; workflowName: string; options: ListOptions }
  | { kind: 'inspect'; workflowName: string; workflowId: string };

/** The route of a request URL under DEV_WORKFLOWS_PATH; undefined for other paths; bad options throw. */
export function parseWorkflowRoute(url: string): WorkflowRoute | undefined {
  const { pathname, searchParams } = new URL(url, 'http://127.0.0.1');
  if (!pathname.startsWith(`${DEV_WORKFLOWS_PATH}/`)) return undefined;
  const parts = pathname.slice(DEV_WORKFLOWS_PATH.length + 1).split('/');
  if (parts.some((p) => p === '') || parts.length > 2) return undefined;
  let names: string[];
  try {
    names = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [workflowName = '', workflowId] = names;
  if (workflowId !== undefined) return { kind: 'inspect', workflowName, workflowId };
  const get = (key: string) => searchParams.get(key) ?? undefined;
  return {
    kind: 'list',
    workflowName,
    options: listOptions({ status: get('status'), tag: get('tag'), limit: get('limit') }),
  };
}
