/**
 * Prometheus metrics of one worker, in a registry of its own (so several workers in one process,
 * as in tests, never collide): executions in flight, duration, successes, failures and retries per
 * service and task, and storage latency per operation.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BacklogProbe } from './backlog.ts';

const BACKLOG_TIMEOUT_MS = 1000;

export class WorkerMetrics {
  readonly registry: Registry;
  readonly inFlight: Gauge<'service'>;
  readonly duration: Histogram<'service' | 'task' | 'outcome'>;
  readonly successes: Counter<'service' | 'task'>;
  readonly failures: Counter<'service' | 'task'>;
  readonly retries: Counter<'service' | 'task'>;
  readonly storageLatency: Histogram<'operation' | 'backend'>;
  readonly backlog: Gauge<'service'>;
  /** Service → [topic, subscription] whose backlog the gauge reports at scrape time. */
  readonly #backlogSources = new Map<string, [string, string]>();
  #probe: BacklogProbe | undefined;

  constructor(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    this.registry = new Registry();
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.inFlight = new Gauge({
      name: 'infinitic_task_executions_in_flight',
      help: 'Task attempts running now',
      labelNames: ['service'],
      registers,
    });
    this.duration = new Histogram({
      name: 'infinitic_task_duration_seconds',
      help: 'Duration of task attempts',
      labelNames: ['service', 'task', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.successes = new Counter({
      name: 'infinitic_task_success_total',
      help: 'Tasks completed successfully',
      labelNames: ['service', 'task'],
      registers,
    });
    this.failures = new Counter({
      name: 'infinitic_task_failure_total',
      help: 'Tasks failed for good (retries exhausted or not retryable)',
      labelNames: ['service', 'task'],
      registers,
    });
    this.retries = new Counter({
      name: 'infinitic_task_retry_total',
      help: 'Failed attempts scheduled for a retry',
      labelNames: ['service', 'task'],
      registers,
    });
    this.storageLatency = new Histogram({
      name: 'infinitic_storage_latency_seconds',
      help: 'Latency of storage operations',
      labelNames: ['operation', 'backend'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const sources = this.#backlogSources;
    const metrics = this;
    this.backlog = new Gauge({
      name: 'infinitic_task_backlog',
      help: 'Messages waiting on the service executor subscription (read from the broker at scrape time)',
      labelNames: ['service'],
      registers,
      async collect() {
        const probe = metrics.#probe;
        if (!probe) return;
        await Promise.all(
          [...sources].map(async ([service, [topic, subscription]]) => {
            const timeout = new Promise<undefined>((resolve) =>
              setTimeout(() => resolve(undefined), BACKLOG_TIMEOUT_MS).unref(),
            );
            const value = await Promise.race([probe(topic, subscription).catch(() => undefined), timeout]);
            if (value !== undefined) this.set({ service }, value);
          }),
        );
      },
    });
  }

  /** Reports the backlog of `service`'s subscription through `probe`. */
  watchBacklog(probe: BacklogProbe | undefined, service: string, topic: string, subscription: string): void {
    this.#probe = probe;
    if (probe) this.#backlogSources.set(service, [topic, subscription]);
  }
}
