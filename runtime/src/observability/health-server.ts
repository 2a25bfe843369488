/**
 * The worker's HTTP endpoints (node:http), the readiness contract every environment relies on
 * (dev stack, Dockerfile HEALTHCHECK, compose healthcheck, k8s probes):
 * - `GET /health`  200 while the process is alive;
 * - `GET /ready`   200 when the transport's consumers are connected and storage answers a ping
 *                  within `readyTimeoutMs`; else 503 with a JSON body naming what is not ready;
 * - `GET /metrics` Prometheus text from the worker's registry.
 */
import { createServer, type Server } from 'node:http';
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
      const path = (req.url ?? '/').split('?', 1)[0];
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(405, 'text/plain', 'method not allowed\n');
      if (path === '/health') return send(200, 'application/json', '{"status":"alive"}\n');
      if (path === '/ready') {
        readiness(this.#options).then(
          (report) => send(report.ready ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`),
          (error) =>
            send(503, 'application/json', `${JSON.stringify({ ready: false, error: String(error) })}\n`),
        );
        return;
      }
      if (path === (this.#options.metricsPath ?? '/metrics')) {
        const { registry } = this.#options;
        registry.metrics().then(
          (text) => send(200, registry.contentType, text),
          (error) => send(500, 'text/plain', `${String(error)}\n`),
        );
        return;
      }
      send(
        404,
        'text/plain',
        `not found: try /health, /ready or ${this.#options.metricsPath ?? '/metrics'}\n`,
      );
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
