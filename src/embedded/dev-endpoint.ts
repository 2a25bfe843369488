/**
 * The embedded worker's HTTP server (`infinitic dev up --embedded` only, never in containers or
 * production): the usual /health, /ready and /metrics, plus a loopback-only dev endpoint through
 * which `infinitic dispatch` in another terminal reaches the in-memory worker:
 *   GET  /dev/info      → { embedded: true, project, dir, services, workflows }
 *   POST /dev/dispatch  → a DispatchRequest in, a DispatchOutcome out
 *   GET  /dev/workflows/NAME[?status=&tag=&limit=]  → WorkflowSummary[] (the client's listWorkflows)
 *   GET  /dev/workflows/NAME/ID                      → WorkflowInspection, or 404 (inspectWorkflow)
 * It binds 127.0.0.1, refuses other peers, takes only JSON without an Origin header, and answers
 * the workflow routes only to a loopback Host without an Origin, so a web page cannot drive it
 * or read workflow data (even through DNS rebinding).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DispatchOutcome, DispatchRequest } from './dispatch-request.ts';
import {
  DEV_WORKFLOWS_PATH,
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

export interface DevEndpointOptions {
  port: number;
  project: string;
  dir: string;
  known: Record<'service' | 'workflow', Record<string, unknown>>;
  dispatch(request: DispatchRequest): Promise<DispatchOutcome>;
  /** The worker's client's workflow side; absent when its runtime cannot inspect workflows. */
  workflows?: WorkflowReader;
  readiness(): Promise<{ ready: boolean }>;
  metrics: { metrics(): Promise<string>; contentType: string };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** A request from a local program: a loopback Host (not a rebound DNS name) and no Origin. */
function fromLocalClient(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  return req.headers.origin === undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(host);
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

export class DevEndpoint {
  #options: DevEndpointOptions;
  #server: Server | undefined;

  constructor(options: DevEndpointOptions) {
    this.#options = options;
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? this.#options.port;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    const o = this.#options;
    if (!isLoopback(req.socket.remoteAddress)) return send(res, 403, { error: { message: 'loopback only' } });
    if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'alive' });
    if (req.method === 'GET' && path === '/ready') {
      const report = await o.readiness();
      return send(res, report.ready ? 200 : 503, report);
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': o.metrics.contentType });
      res.end(await o.metrics.metrics());
      return;
    }
    if (req.method === 'GET' && path === DEV_INFO_PATH) {
      const info: DevInfo = {
        embedded: true,
        project: o.project,
        dir: o.dir,
        services: Object.keys(o.known.service),
        workflows: Object.keys(o.known.workflow),
      };
      return send(res, 200, info);
    }
    if (req.method === 'GET' && path?.startsWith(`${DEV_WORKFLOWS_PATH}/`)) {
      if (!fromLocalClient(req)) return send(res, 403, { error: { message: 'local clients only' } });
      let route: WorkflowRoute | undefined;
      try {
        route = parseWorkflowRoute(req.url ?? '/');
      } catch (error) {
        return sendError(res, 400, error);
      }
      if (route) return this.#workflows(res, route);
    }
    if (req.method === 'POST' && path === DEV_DISPATCH_PATH) {
      if (req.headers.origin !== undefined || !req.headers['content-type']?.startsWith('application/json')) {
        return send(res, 403, { error: { message: 'JSON from a local client only' } });
      }
      let request: DispatchRequest;
      try {
        request = parseDispatchRequest(JSON.parse(await readBody(req)));
      } catch (error) {
        return send(res, 400, { error: { code: 'INF_USAGE', message: (error as Error).message } });
      }
      try {
        return send(res, 200, await o.dispatch(request));
      } catch (error) {
        return sendError(res, 422, error, 'INF_DISPATCH');
      }
    }
    send(res, 404, {
      error: {
        message: `not found: try /health, /ready, /metrics, ${DEV_INFO_PATH}, ${DEV_WORKFLOWS_PATH}/NAME`,
      },
    });
  }

  async #workflows(res: ServerResponse, route: WorkflowRoute): Promise<void> {
    const reader = this.#options.workflows;
    if (!reader) return send(res, 501, { error: { code: 'INF_NOT_YET', message: NO_INSPECTION } });
    try {
      if (route.kind === 'list') {
        return send(res, 200, await reader.listWorkflows(route.workflowName, route.options));
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
}

/** An error as the CLI rethrows it (dev-endpoint-client.ts): its code, message and exit code. */
function sendError(res: ServerResponse, status: number, error: unknown, fallbackCode = 'INF_USAGE'): void {
  const e = error as { code?: string; message?: string; exitCode?: number };
  send(res, status, {
    error: { code: e.code ?? fallbackCode, message: e.message ?? String(error), exitCode: e.exitCode },
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}
