/** The CLI's side (`infinitic dispatch`, `infinitic workflows`) of the embedded worker's loopback dev endpoint. */
import { realpathSync } from 'node:fs';
import type { ListWorkflowsOptions, WorkflowInspection, WorkflowSummary } from '@infinitic/runtime';
import { CliError, EXIT } from '../cli/run-cli.ts';
import { DEV_DISPATCH_PATH, DEV_INFO_PATH, type DevInfo } from './dev-endpoint.ts';
import type { DispatchOutcome, DispatchRequest } from './dispatch-request.ts';
import {
  DEV_WORKFLOWS_PATH,
  LIST_MATCHED_HEADER,
  LIST_SCAN_LIMIT_HEADER,
  type WorkflowReader,
  workflowInspectPath,
  workflowListPath,
} from './workflows-request.ts';

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return a === b;
  }
}

/** The embedded worker of the project in `dir` answering on the loopback `port`, if any. */
export async function findEmbeddedWorker(port: number, dir: string): Promise<DevInfo | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${DEV_INFO_PATH}`, {
      signal: AbortSignal.timeout(1500),
    });
    if (!response.ok) return undefined;
    const info = (await response.json()) as Partial<DevInfo>;
    return info.embedded === true && typeof info.dir === 'string' && same(info.dir, dir)
      ? (info as DevInfo)
      : undefined;
  } catch {
    return undefined; // nothing listening, or not an embedded worker
  }
}

type ErrorBody = { error?: { code?: string; message?: string; exitCode?: number } };

/** One call to the embedded worker's dev endpoint; its errors come back as the same one-line CLI errors. */
async function callEndpoint<T>(
  port: number,
  path: string,
  init: RequestInit & { timeoutMs: number },
  accept: (status: number) => boolean = (status) => status < 300,
): Promise<{ status: number; body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${path}`, {
      ...init,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (error) {
    throw new CliError(
      `the embedded worker on 127.0.0.1:${port} stopped answering (${(error as Error).message})`,
      EXIT.failure,
      'INF_DISPATCH_EMBEDDED',
    );
  }
  const body = (await response.json().catch(() => ({}))) as T & ErrorBody;
  if (accept(response.status)) return { status: response.status, body, headers: response.headers };
  throw new CliError(
    body.error?.message ?? `the embedded worker answered HTTP ${response.status}`,
    body.error?.exitCode ?? EXIT.failure,
    body.error?.code ?? 'INF_DISPATCH_EMBEDDED',
  );
}

/** Sends one dispatch to the embedded worker. */
export async function dispatchViaEndpoint(port: number, request: DispatchRequest): Promise<DispatchOutcome> {
  const { body } = await callEndpoint<DispatchOutcome>(port, DEV_DISPATCH_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    timeoutMs: request.timeoutMs + 5000,
  });
  return body;
}

const READ_TIMEOUT_MS = 30_000;

/** The embedded worker's workflow reader, over its dev endpoint (the client API, one call per route). */
export function endpointReader(port: number): WorkflowReader {
  const list = (workflowName: string, options: ListWorkflowsOptions) =>
    callEndpoint<WorkflowSummary[]>(port, workflowListPath(workflowName, options), {
      timeoutMs: READ_TIMEOUT_MS,
    });
  return {
    listWorkflows: async (workflowName, options) => (await list(workflowName, options)).body,
    listWorkflowPage: async (workflowName, options) => {
      const { body, headers } = await list(workflowName, options);
      const matched = Number(headers.get(LIST_MATCHED_HEADER));
      return {
        instances: body,
        // an endpoint without the header (an older kit) says nothing of what the limit cut
        matched: Number.isInteger(matched) && matched >= body.length ? matched : body.length,
        scanLimitReached: headers.get(LIST_SCAN_LIMIT_HEADER) === 'reached',
      };
    },
    inspectWorkflow: async (workflowName, workflowId) => {
      const { status, body } = await callEndpoint<WorkflowInspection & ErrorBody>(
        port,
        workflowInspectPath(workflowName, workflowId),
        { timeoutMs: READ_TIMEOUT_MS },
        (code) => code < 300 || code === 404,
      );
      if (status !== 404) return body;
      if (body.error?.code === 'INF_WORKFLOW_UNKNOWN') return undefined;
      throw new CliError(`the embedded worker has no ${DEV_WORKFLOWS_PATH} route: restart it`, EXIT.failure);
    },
  };
}
