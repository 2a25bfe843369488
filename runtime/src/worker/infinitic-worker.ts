/**
 * InfiniticWorker: hosts service executors and a workflow engine on one transport and
 * storage, with health/readiness/metrics over HTTP, JSON logs and graceful shutdown.
 */
import type { Logger } from 'pino';
import { InfiniticClient } from '../client/infinitic-client.ts';
import type { InfiniticConfigInput } from '../config/index.ts';
import type { RetryPolicy, RetryPolicyOptions } from '../engine/retry-policy.ts';
import { retryPolicyFrom } from '../engine/retry-policy.ts';
import { TaskExecutor } from '../engine/task-executor.ts';
import { InfiniticError } from '../errors.ts';
import { backlogProbe } from '../observability/backlog.ts';
import { HealthServer } from '../observability/health-server.ts';
import { instrumentStorage } from '../observability/instrumented-storage.ts';
import { createLogger, type LogFormat, type LogLevel } from '../observability/logger.ts';
import { WorkerMetrics } from '../observability/worker-metrics.ts';
import type { Storage } from '../storage/storage.ts';
import { StorageOutage } from '../storage/storage-outage.ts';
import type { Transport } from '../transport/transport.ts';
import type { WorkflowDefinitions } from '../workflow/definitions.ts';
import { WorkflowEngine, type WorkflowEngineOptions } from '../workflow/workflow-engine.ts';
import type { FromConfigOptions } from './worker-from-config.ts';

/** Execution settings of one service (`services[].executor` in config). */
export interface ServiceOptions {
  /** Attempts running at once in this worker. Default 1. */
  concurrency?: number;
  /** Per-attempt timeout; none by default. A timed-out attempt fails with TimeoutError. */
  timeoutSeconds?: number;
  /** Automatic retries; none by default. `{}` = exponential back-off with Infinitic's defaults. */
  retry?: RetryPolicyOptions | RetryPolicy;
}

/**
 * Something else the worker hosts and stops with it (e.g. the workflow engine): started after the
 * service executors, closed with them within the grace period.
 */
export interface WorkerComponent {
  start(): Promise<void>;
  close(graceMs: number): Promise<void>;
}

export interface InfiniticWorkerOptions {
  /** Worker name: consumer name on the broker, `workerName` in failures, `name` in logs. */
  name: string;
  transport: Transport;
  storage: Storage;
  /** Service name → implementation object; each method is a task. */
  services: Record<string, object>;
  serviceOptions?: Record<string, ServiceOptions>;
  /** Serve /health, /ready and /metrics on this port (0 = any free port). No server when absent. */
  http?: { port: number; host?: string; metricsPath?: string };
  /** Time in-flight tasks get to finish on close(). Default 30 (Infinitic's Pulsar default). */
  shutdownGracePeriodSeconds?: number;
  logger?: Logger;
  /** Level of the default logger. Default 'info' (or env LOG_LEVEL). */
  logLevel?: LogLevel;
  /** Format of the default logger: `json` (default) or `pretty` (config `logging.format`). */
  logFormat?: LogFormat;
  /** Consumer settings: broker redeliveries before a poison message goes to the DLQ (default 3) and the nack delay. */
  maxRedeliverCount?: number;
  negativeAckRedeliveryDelayMs?: number;
  /** Close transport and storage in close(). Default false: whoever created them closes them. */
  closeComponents?: boolean;
  /** More components on the same transport and storage (e.g. a WorkflowEngine). */
  components?: WorkerComponent[];
  /**
   * Workflow name → implementation, or all its versions (newest runs new instances). The worker
   * runs their engine (see runtime/src/workflow/README.md).
   */
  workflows?: WorkflowDefinitions;
  /**
   * Engine settings of those workflows (concurrency, live-run cache, completion retention,
   * checkMode, per-workflow overrides). Engine consumers get at least 20 redeliveries whatever
   * `maxRedeliverCount` says (see WorkflowEngineOptions.maxRedeliverCount).
   */
  workflowOptions?: Pick<
    WorkflowEngineOptions,
    'concurrency' | 'cacheSize' | 'completionRetentionSeconds' | 'checkMode' | 'perWorkflow'
  >;
}

export type WorkerState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped';

/**
 * @example
 * class HelloServiceImpl { sayHello(name: string) { return `Hello ${name}`; } }
 * const worker = new InfiniticWorker({
 *   name: 'hello-worker',
 *   transport: new InMemoryTransport(),
 *   storage: new InMemoryStorage(),
 *   services: { HelloService: new HelloServiceImpl() },
 *   serviceOptions: { HelloService: { concurrency: 10, timeoutSeconds: 30, retry: { maximumRetries: 3 } } },
 *   http: { port: 8090 },
 * });
 * await worker.start();
 * // ... later
 * await worker.close();
 */
export class InfiniticWorker {
  readonly name: string;
  readonly logger: Logger;
  readonly metrics: WorkerMetrics;
  #options: InfiniticWorkerOptions;
  #storage: Storage;
  #executors: TaskExecutor[] = [];
  /** Components started after the executors: the workflow engine, then `options.components`. */
  #components: WorkerComponent[] = [];
  #workflowEngine: WorkflowEngine | undefined;
  #http: HealthServer | undefined;
  #state: WorkerState = 'created';
  #closing: Promise<void> | undefined;
  #markStopped!: () => void;
  readonly #stopped = new Promise<void>((resolve) => {
    this.#markStopped = resolve;
  });

  constructor(options: InfiniticWorkerOptions) {
    if (!options.name) throw new InfiniticError('INF_WORKER_OPTIONS', 'worker name is required');
    const grace = options.shutdownGracePeriodSeconds;
    if (grace !== undefined && !(grace >= 0)) {
      throw new InfiniticError(
        'INF_WORKER_OPTIONS',
        `shutdownGracePeriodSeconds must be >= 0, but was ${grace}`,
      );
    }
    for (const name of Object.keys(options.serviceOptions ?? {})) {
      if (!(name in options.services)) {
        throw new InfiniticError(
          'INF_WORKER_OPTIONS',
          `serviceOptions.${name}: no such service in services (${Object.keys(options.services).join(', ') || 'none'})`,
        );
      }
    }
    this.#options = options;
    this.name = options.name;
    this.logger =
      options.logger ??
      createLogger({
        name: options.name,
        ...(options.logLevel ? { level: options.logLevel } : {}),
        ...(options.logFormat ? { format: options.logFormat } : {}),
      });
    this.metrics = new WorkerMetrics({ defaultMetrics: true });
    this.#storage = instrumentStorage(options.storage, this.metrics);
    // One for the whole worker: an outage is pinged for, and logged, once, whoever waits for it.
    const outage = new StorageOutage(this.#storage, this.logger);
    for (const [serviceName, implementation] of Object.entries(options.services)) {
      const settings = options.serviceOptions?.[serviceName] ?? {};
      this.#executors.push(
        new TaskExecutor({
          workerName: options.name,
          serviceName,
          implementation,
          transport: options.transport,
          storage: this.#storage,
          logger: this.logger,
          metrics: this.metrics,
          outage,
          retryPolicy: retryPolicyFrom(settings.retry),
          ...(settings.concurrency !== undefined ? { concurrency: settings.concurrency } : {}),
          ...(settings.timeoutSeconds !== undefined ? { timeoutSeconds: settings.timeoutSeconds } : {}),
          ...(options.maxRedeliverCount !== undefined
            ? { maxRedeliverCount: options.maxRedeliverCount }
            : {}),
          ...(options.negativeAckRedeliveryDelayMs !== undefined
            ? { negativeAckRedeliveryDelayMs: options.negativeAckRedeliveryDelayMs }
            : {}),
        }),
      );
    }
    if (options.workflows && Object.keys(options.workflows).length > 0) {
      const settings = options.workflowOptions ?? {};
      this.#workflowEngine = new WorkflowEngine({
        transport: options.transport,
        storage: this.#storage,
        logger: this.logger,
        workerName: options.name,
        workflows: options.workflows,
        metricsRegistry: this.metrics.registry,
        outage,
        ...settings,
        ...(options.maxRedeliverCount !== undefined ? { maxRedeliverCount: options.maxRedeliverCount } : {}),
        ...(options.negativeAckRedeliveryDelayMs !== undefined
          ? { negativeAckRedeliveryDelayMs: options.negativeAckRedeliveryDelayMs }
          : {}),
      });
      this.#components.push(this.#workflowEngine);
    }
    this.#components.push(...(options.components ?? []));
  }

  /**
   * A worker from YAML files (merged left to right) or a config object, with the service
   * implementations. It owns the transport and storage it creates.
   * @example
   * const worker = await InfiniticWorker.fromConfig(['config/base.yml', 'config/dev.yml'], {
   *   services: { HelloService: new HelloServiceImpl() },
   * });
   * await worker.start();
   */
  static async fromConfig(
    source: string | string[] | InfiniticConfigInput,
    options: FromConfigOptions & { env?: Record<string, string | undefined> },
  ): Promise<InfiniticWorker> {
    // Loaded on demand: embedding a worker from components pulls in no config or Pulsar code.
    const { workerOptionsFromSource } = await import('./worker-from-config.ts');
    return new InfiniticWorker(await workerOptionsFromSource(source, options));
  }

  /**
   * A client on this worker's transport and storage (the way to call an in-memory worker).
   * Closing the client leaves them open.
   */
  newClient(options: { name?: string } = {}): InfiniticClient {
    return new InfiniticClient({
      transport: this.#options.transport,
      storage: this.#options.storage,
      logger: this.logger,
      ...(options.name ? { name: options.name } : {}),
    });
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Port of the HTTP server once started (resolves port 0), else undefined. */
  get httpPort(): number | undefined {
    return this.#http?.port;
  }

  get shutdownGracePeriodMs(): number {
    return (this.#options.shutdownGracePeriodSeconds ?? 30) * 1000;
  }

  /** Checks the storage answers, starts the HTTP server, then subscribes every service executor. */
  async start(): Promise<void> {
    if (this.#state !== 'created')
      throw new InfiniticError('INF_WORKER_STATE', `worker ${this.name} is ${this.#state}`);
    this.#state = 'starting';
    const { http, transport } = this.#options;
    try {
      // Checked before taking any message: a worker without its storage would hold every message it
      // takes. Later outages turn /ready to 503 and hold the messages being handled, unacked, until
      // the storage answers again (StorageOutage), so consumption pauses instead of failing.
      await this.#storage.ping();
      if (http) {
        this.#http = new HealthServer({
          port: http.port,
          ...(http.host ? { host: http.host } : {}),
          ...(http.metricsPath ? { metricsPath: http.metricsPath } : {}),
          transport,
          storage: this.#storage,
          registry: this.metrics.registry,
          state: () => this.#state,
        });
        await this.#http.start();
      }
      await Promise.all(this.#executors.map((executor) => executor.start()));
      for (const component of this.#components) await component.start();
      const probe = backlogProbe(transport);
      for (const e of this.#executors)
        this.metrics.watchBacklog(probe, e.serviceName, e.topic, e.subscription);
    } catch (error) {
      await this.close().catch(() => {});
      throw error;
    }
    this.#state = 'started';
    this.logger.info(
      {
        services: this.#executors.map((e) => e.serviceName),
        workflows: this.#workflowEngine?.names ?? [],
        transport: transport.kind,
        storage: this.#storage.kind,
        httpPort: this.httpPort,
      },
      'worker started',
    );
  }

  /**
   * Graceful shutdown: stops receiving, gives in-flight tasks the grace period to finish (then
   * releases them unacked for another worker), closes the HTTP server and, when owned, the
   * transport and storage. Idempotent.
   */
  /** Resolves once the worker has stopped, whoever closed it. */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#state = 'stopping';
    const graceMs = this.shutdownGracePeriodMs;
    this.logger.info({ graceMs }, 'worker stopping');
    const results = await Promise.allSettled(
      [...this.#executors, ...this.#components].map((part) => part.close(graceMs)),
    );
    await this.#http?.close();
    if (this.#options.closeComponents) {
      results.push(
        ...(await Promise.allSettled([this.#options.transport.close(0), this.#options.storage.close()])),
      );
    }
    this.#state = 'stopped';
    this.#markStopped();
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const failure of failed) this.logger.warn({ err: failure.reason }, 'error while stopping');
    this.logger.info('worker stopped');
  }
}
