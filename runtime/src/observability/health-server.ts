/**
 * The worker's HTTP endpoints (node:http), the readiness contract every environment relies on
 * (dev stack, Dockerfile HEALTHCHECK, compose healthcheck, k8s probes):
 * - `GET /health`  200 while the process is alive;
 * - `GET /ready`   200 when the transport's consumers are connected and storage answers a ping
 *                  within `readyTimeoutMs`; else 503 with a JSON body naming what is not ready;
 * - `GET /metrics` Prometheus text from the worker's registry.
 * An embedding program may mount its own routes beside these (`routes`): one server per process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Storage } from '../storage/storage.ts';
import type { Transport } from '../transport/transport.ts';

export interface ReadinessReport {
  ready: boolean;
  worker: { ready: boolean; state: string };
  transport: { ready: boolean; kind: string };
  storage: { ready: boolean; kind: string; error?: string; latencyMs?: number };
}

/**
 * A route mounted beside /health, /ready and /metrics (which it cannot shadow). `path` matches the
 * request's path exactly, or as a prefix when it ends with '/'. The handler answers, and guards,
 * its own requests; one that throws or rejects before answering gets a 500.
 */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface HealthServerOptions {
  port: number;
  /** Default '0.0.0.0' (reachable from the container network). */
  host?: string;
  transport: Transport;
  storage: Storage;
  registry: Registry;
  /** Worker lifecycle state; ready only when 'started'. */
  state: () => string;
  /** Path of the Prometheus text. Default '/metrics'. */
  metricsPath?: string;
  /** Storage ping deadline. Default 1000 ms. */
  readyTimeoutMs?: number;
  /** More routes, tried after the built-in ones (first match wins). */
  routes?: readonly HttpRoute[];
}

function onPath(route: HttpRoute, path: string): boolean {
  return route.path.endsWith('/') ? path.startsWith(route.path) : path === route.path;
}

/** Runs a mounted route; what it throws becomes a 500 if it has not answered yet. */
function serveRoute(route: HttpRoute, req: IncomingMessage, res: ServerResponse): void {
  const fail = (error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
    res.end(`${error instanceof Error ? error.message : String(error)}\n`);
  };
  Promise.resolve()
    .then(() => route.handle(req, res))
    .catch(fail);
}

async function pingWithin(storage: Storage, timeoutMs: number): Promise<ReadinessReport['storage']> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      storage.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to ping within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return {
      ready: true,
      kind: storage.kind,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
    };
  } catch (error) {
    return {
      ready: false,
      kind: storage.kind,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(
  options: Omit<HealthServerOptions, 'port' | 'registry'>,
): Promise<ReadinessReport> {
  const state = options.state();
  const transportReady = options.transport.ready();
  const storage = await pingWithin(options.storage, options.readyTimeoutMs ?? 1000);
  const worker = { ready: state === 'started', state };
  return {
    ready: worker.ready && transportReady && storage.ready,
    worker,
    transport: { ready: transportReady, kind: options.transport.kind },
    storage,
  };
}

export class HealthServer {
  #options: HealthServerOptions;
  #server: Server | undefined;

  constructor(options: HealthServerOptions) {
    this.#options = options;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? this.#options.port;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      const metricsPath = this.#options.metricsPath ?? '/metrics';
      const builtIn = path === '/health' || path === '/ready' || path === metricsPath;
      const routes = this.#options.routes ?? [];
      const mounted = builtIn ? [] : routes.filter((r) => onPath(r, path));
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const route = mounted.find((r) => r.method === method);
      if (route) return serveRoute(route, req, res);
      if (mounted.length > 0 || method !== 'GET') return send(405, 'text/plain', 'method not allowed\n');
      if (path === '/health') return send(200, 'application/json', '{"status":"alive"}\n');
      if (path === '/ready') {
        readiness(this.#options).then(
          (report) => send(report.ready ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`),
          (error) =>
            send(503, 'application/json', `${JSON.stringify({ ready: false, error: String(error) })}\n`),
        );
        return;
      }
      if (path === metricsPath) {
        const { registry } = this.#options;
        registry.metrics().then(
          (text) => send(200, registry.contentType, text),
          (error) => send(500, 'text/plain', `${String(error)}\n`),
        );
        return;
      }
      const paths = [...new Set(['/health', '/ready', metricsPath, ...routes.map((r) => r.path)])];
      send(404, 'text/plain', `not found: try ${paths.join(', ')}\n`);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host ?? '0.0.0.0', () => {
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
}
