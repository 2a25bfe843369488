/**
 * @infinitic/runtime — Infinitic's model in TypeScript: services, durable workflows and clients
 * over Apache Pulsar with Redis, PostgreSQL or MySQL storage.
 *
 * Each area has its own front door (config, storage, transport); the worker, client, engine and
 * observability pieces a project uses are listed here explicitly.
 */

export {
  type DispatchOptions,
  InfiniticClient,
  type InfiniticClientOptions,
} from './client/infinitic-client.ts';
export type { DispatchStub, ServiceStub } from './client/service-stub.ts';
export type { ResultOptions, TaskHandle } from './client/task-handle.ts';
export * from './config/index.ts';
export {
  NonRetryableError,
  TaskFailedError,
  type TaskFailure,
  TaskNotFoundError,
  TimeoutError,
} from './engine/errors.ts';
export {
  type ExecuteTaskMessage,
  type ReplyTo,
  type TaskOutcomeMessage,
  type TaskOutcomeRecord,
  taskOutcomeKey,
} from './engine/messages.ts';
export {
  exponentialBackoffRetry,
  noRetry,
  type RetryPolicy,
  type RetryPolicyOptions,
  retryPolicyFrom,
} from './engine/retry-policy.ts';
export { currentTaskContext, type TaskContext, taskContext } from './engine/task-context.ts';
export { InfiniticError } from './errors.ts';
export {
  HealthServer,
  type HttpRoute,
  type ReadinessReport,
  readiness,
} from './observability/health-server.ts';
export {
  createLogger,
  type LogFormat,
  type Logger,
  type LogLevel,
  taskLogMixin,
} from './observability/logger.ts';
export { formatPretty, prettyDestination } from './observability/pretty-log.ts';
export { WorkerMetrics } from './observability/worker-metrics.ts';
export * from './storage/index.ts';
export * from './transport/index.ts';
export {
  InfiniticWorker,
  type InfiniticWorkerOptions,
  type ServiceOptions,
  type WorkerComponent,
  type WorkerState,
} from './worker/infinitic-worker.ts';
export { type RunWorkerMainOptions, runWorker, runWorkerMain } from './worker/run-worker-main.ts';
export * from './workflow/index.ts';

export const RUNTIME_VERSION = '0.1.0';
