/**
 * The embedded worker's dev routes (`infinitic dev up --embedded` only, never in containers or
 * production), mounted on the worker's HealthServer beside /health, /ready and /metrics, through
 * which `infinitic dispatch` and `infinitic workflows` in another terminal reach the in-memory worker:
 *   GET  /dev/info      → { embedded: true, project, dir, services, workflows }
 *   POST /dev/dispatch  → a DispatchRequest in, a DispatchOutcome out
 *   GET  /dev/workflows/NAME[?status=&tag=&limit=]  → WorkflowSummary[] (the client's listWorkflows),
 *        newest first; how many matched in headers (LIST_MATCHED_HEADER, LIST_SCAN_LIMIT_HEADER)
 *   GET  /dev/workflows/NAME/ID                      → WorkflowInspection, or 404 (inspectWorkflow)
 * The server binds 127.0.0.1; each route still refuses other peers, and answers only a loopback
 * Host without an Origin header (dispatch: JSON only), so a web page can neither drive it nor read
 * workflow data (even through DNS rebinding).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '@infinitic/runtime';
import type { DispatchOutcome, DispatchRequest } from './dispatch-request.ts';
import {
  DEV_WORKFLOWS_PATH,
  LIST_MATCHED_HEADER,
  LIST_SCAN_LIMIT_HEADER,
  listPage,
  NO_INSPECTION,
  parseWorkflowRoute,
  type WorkflowReader,
  type WorkflowRoute,
} from './workflows-request.ts';

export const DEV_INFO_PATH = '/dev/info';
export const DEV_DISPATCH_PATH = '/dev/dispatch';
const MAX_BODY = 1024 * 1024;

export interface DevInfo {
  embedded: true;
  project: string;
  dir: string;
  services: string[];
  workflows: string[];
}

export interface DevRoutesOptions {
  project: string;
  dir: string;
  known: Record<'service' | 'workflow', Record<string, unknown>>;
  dispatch(request: DispatchRequest): Promise<DispatchOutcome>;
  /** The worker's client's workflow side; absent when its runtime cannot inspect workflows. */
  workflows?: WorkflowReader;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** A request from a local program: a loopback peer and Host (not a rebound DNS name), no Origin. */
function fromLocalClient(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return (
    isLoopback(req.socket.remoteAddress) &&
    req.headers.origin === undefined &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(host)
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Checks the shape of a request read from the wire. */
export function parseDispatchRequest(value: unknown): DispatchRequest {
  const r = value as Partial<DispatchRequest> | null;
  if (
    !r ||
    (r.kind !== 'service' && r.kind !== 'workflow') ||
    typeof r.target !== 'string' ||
    typeof r.method !== 'string' ||
    !Array.isArray(r.args) ||
    typeof r.wait !== 'boolean' ||
    typeof r.timeoutMs !== 'number'
  ) {
    throw new Error('expected { kind, target, method, args[], wait, timeoutMs }');
  }
  return {
    kind: r.kind,
    target: r.target,
    method: r.method,
    args: r.args,
    wait: r.wait,
    timeoutMs: r.timeoutMs,
  };
}

/** Refuses what a web page could send; `handle` runs only for local programs, its errors as JSON. */
function localOnly(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): HttpRoute['handle'] {
  return async (req, res) => {
    if (!fromLocalClient(req)) return send(res, 403, { error: { message: 'local clients only' } });
    try {
      await handle(req, res);
    } catch (error) {
      if (res.headersSent) throw error; // the server ends that response
      send(res, 500, { error: { message: String(error) } });
    }
  };
}

/** The dev routes, to mount on the embedded worker's HealthServer. */
export function devRoutes(options: DevRoutesOptions): HttpRoute[] {
  const info: DevInfo = {
    embedded: true,
    project: options.project,
    dir: options.dir,
    services: Object.keys(options.known.service),
    workflows: Object.keys(options.known.workflow),
  };
  return [
    { method: 'GET', path: DEV_INFO_PATH, handle: localOnly(async (_req, res) => send(res, 200, info)) },
    {
      method: 'GET',
      path: `${DEV_WORKFLOWS_PATH}/`,
      handle: localOnly(async (req, res) => {
        let route: WorkflowRoute | undefined;
        try {
          route = parseWorkflowRoute(req.url ?? '/');
        } catch (error) {
          return sendError(res, 400, error);
        }
        if (!route)
          return send(res, 404, { error: { message: `not found: try ${DEV_WORKFLOWS_PATH}/NAME` } });
        return readWorkflows(options.workflows, res, route);
      }),
    },
    {
      method: 'POST',
      path: DEV_DISPATCH_PATH,
      handle: localOnly(async (req, res) => {
        // JSON only: a page cannot send it cross-origin without a preflight this server never grants
        if (!req.headers['content-type']?.startsWith('application/json')) {
          return send(res, 403, { error: { message: 'JSON from a local client only' } });
        }
        let request: DispatchRequest;
        try {
          request = parseDispatchRequest(JSON.parse(await readBody(req)));
        } catch (error) {
          return send(res, 400, { error: { code: 'INF_USAGE', message: (error as Error).message } });
        }
        try {
          return send(res, 200, await options.dispatch(request));
        } catch (error) {
          return sendError(res, 422, error, 'INF_DISPATCH');
        }
      }),
    },
  ];
}

async function readWorkflows(
  reader: WorkflowReader | undefined,
  res: ServerResponse,
  route: WorkflowRoute,
): Promise<void> {
  if (!reader) return send(res, 501, { error: { code: 'INF_NOT_YET', message: NO_INSPECTION } });
  try {
    if (route.kind === 'list') {
      // the body stays the client API's array; the counts the CLI's footer needs ride in headers
      const page = await listPage(reader, route.workflowName, route.options);
      return send(res, 200, page.instances, {
        [LIST_MATCHED_HEADER]: String(page.matched),
        ...(page.scanLimitReached ? { [LIST_SCAN_LIMIT_HEADER]: 'reached' } : {}),
      });
    }
    const inspection = await reader.inspectWorkflow(route.workflowName, route.workflowId);
    if (inspection) return send(res, 200, inspection);
    return send(res, 404, {
      error: { code: 'INF_WORKFLOW_UNKNOWN', message: `no instance '${route.workflowId}'` },
    });
  } catch (error) {
    return sendError(res, 500, error, 'INF_WORKFLOWS');
  }
}

/** An error as the CLI rethrows it (dev-endpoint-client.ts): its code, message and exit code. */
function sendError(res: ServerResponse, status: number, error: unknown, fallbackCode = 'INF_USAGE'): void {
  const e = error as { code?: string; message?: string; exitCode?: number };
  send(res, status, {
    error: { code: e.code ?? fallbackCode, message: e.message ?? String(error), exitCode: e.exitCode },
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}
