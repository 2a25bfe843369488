/**
 * Runs one service's tasks: consumes its executor topic (Shared, `concurrency` handlers at once),
 * runs each attempt in a task context with a per-attempt timeout, then either re-publishes a
 * retry (delayed by the retry policy) or records the outcome in storage and publishes it to the
 * caller's `replyTo`. The message is acknowledged only after that, so a worker dying mid-task
 * loses nothing: the broker redelivers it. An outcome already recorded (a duplicate delivery, a
 * second retry chain) is re-published instead of running the task again. A storage outage holds
 * the message (unacked, in its slot) until the storage answers: it neither fails nor runs twice.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeJson, encodeJson } from '../codec/json-codec.ts';
import { InfiniticError } from '../errors.ts';
import type { WorkerMetrics } from '../observability/worker-metrics.ts';
import type { Storage } from '../storage/storage.ts';
import { StorageOutage } from '../storage/storage-outage.ts';
import { subscriptionFor, topics } from '../transport/topics.ts';
import type { ReceivedMessage, Subscription, Transport } from '../transport/transport.ts';
import { AttemptAbort } from './attempt-abort.ts';
import { AttemptSlots } from './attempt-slots.ts';
import { TaskNotFoundError, TimeoutError, toTaskFailure } from './errors.ts';
import {
  decodeMessage,
  type ExecuteTaskMessage,
  encodeMessage,
  type TaskOutcomeMessage,
  type TaskOutcomeRecord,
  taskOutcomeKey,
} from './messages.ts';
import { noRetry, type RetryPolicy } from './retry-policy.ts';
import { runInTaskContext, type TaskContext } from './task-context.ts';
import { taskNames } from './task-names.ts';

export interface TaskExecutorOptions {
  workerName: string;
  serviceName: string;
  /** The service implementation: each method is a task, called with `this` = the object. */
  implementation: object;
  transport: Transport;
  storage: Storage;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Attempts running at once in this process. Default 1. */
  concurrency?: number;
  /** Per-attempt timeout; none by default. */
  timeoutSeconds?: number;
  retryPolicy?: RetryPolicy;
  /** Broker redeliveries of a message whose handling keeps failing before it is dead-lettered. */
  maxRedeliverCount?: number;
  negativeAckRedeliveryDelayMs?: number;
  /** Waits out storage outages; share one per storage so an outage is logged once. Default: its own. */
  outage?: StorageOutage;
}

interface TaskLabels {
  service: { service: string };
  task: { service: string; task: string };
  success: { service: string; task: string; outcome: string };
  failure: { service: string; task: string; outcome: string };
}

/** Reason given to signals aborted when shutdown outlasts its grace period. */
class ShutdownAbort extends InfiniticError {
  constructor() {
    super('INF_WORKER_SHUTDOWN', 'worker shut down before the task finished; the message is released');
  }
}

export class TaskExecutor {
  readonly serviceName: string;
  readonly topic: string;
  readonly subscription: string;
  #options: TaskExecutorOptions;
  #tasks: Set<string>;
  #policy: RetryPolicy;
  #sub: Subscription | undefined;
  #inFlight = new Set<AttemptAbort>();
  #slots: AttemptSlots;
  #outage: StorageOutage;
  /** Aborted when shutdown outlasts its grace period: ends the waits for the storage. */
  #stopping = new AbortController();
  /** Metric label sets per task name, built once (prom-client hashes whatever it is given). */
  #labelSets = new Map<string, TaskLabels>();

  constructor(options: TaskExecutorOptions) {
    this.#options = options;
    this.serviceName = options.serviceName;
    this.topic = topics.taskExecutor(options.serviceName);
    this.subscription = subscriptionFor(this.topic);
    this.#tasks = new Set(taskNames(options.implementation));
    this.#policy = options.retryPolicy ?? noRetry;
    this.#slots = new AttemptSlots(options.concurrency ?? 1);
    this.#outage = options.outage ?? new StorageOutage(options.storage, options.logger);
    const { concurrency, timeoutSeconds } = options;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new InfiniticError(
        'INF_WORKER_OPTIONS',
        `service ${this.serviceName}: concurrency must be an integer >= 1, but was ${concurrency}`,
      );
    }
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) {
      throw new InfiniticError(
        'INF_WORKER_OPTIONS',
        `service ${this.serviceName}: timeoutSeconds must be > 0, but was ${timeoutSeconds}`,
      );
    }
  }

  /** Creates the subscription if missing and starts consuming. */
  async start(): Promise<void> {
    const { transport } = this.#options;
    this.#stopping = new AbortController();
    await transport.ensureSubscription(this.topic, this.subscription);
    this.#sub = await transport.subscribe(
      {
        topic: this.topic,
        subscription: this.subscription,
        type: 'Shared',
        // Twice the attempt limit: a message whose attempt is over stays in hand until its outcome
        // is recorded, its reply has a receipt and it is acked; the next attempt need not wait
        // for that (AttemptSlots keeps the attempts themselves to `concurrency`).
        concurrency: 2 * (this.#options.concurrency ?? 1),
        consumerName: this.#options.workerName,
        ...(this.#options.maxRedeliverCount !== undefined
          ? { maxRedeliverCount: this.#options.maxRedeliverCount }
          : {}),
        ...(this.#options.negativeAckRedeliveryDelayMs !== undefined
          ? { negativeAckRedeliveryDelayMs: this.#options.negativeAckRedeliveryDelayMs }
          : {}),
      },
      (message) => this.#handle(message),
    );
  }

  /** Stops receiving; in-flight attempts get `graceMs` to finish, then are aborted and released unacked. */
  async close(graceMs = 0): Promise<void> {
    const sub = this.#sub;
    this.#sub = undefined;
    if (!sub) return;
    // Messages waiting for an attempt slot do not start any more: released unacked at once.
    this.#slots.close(new ShutdownAbort());
    const timer = setTimeout(() => {
      for (const attempt of this.#inFlight) attempt.abort(new ShutdownAbort());
      this.#stopping.abort(new ShutdownAbort());
    }, graceMs);
    try {
      await sub.close(graceMs);
    } finally {
      clearTimeout(timer);
      // The subscription is closed: a message still waiting for the storage can no longer be acked.
      this.#stopping.abort(new ShutdownAbort());
    }
  }

  #labels(taskName: string): TaskLabels {
    let labels = this.#labelSets.get(taskName);
    if (!labels) {
      const service = { service: this.serviceName };
      const task = { ...service, task: taskName };
      labels = {
        service,
        task,
        success: { ...task, outcome: 'success' },
        failure: { ...task, outcome: 'failure' },
      };
      // Only the service's own task names are kept: a message naming anything else is not trusted.
      if (this.#tasks.has(taskName)) this.#labelSets.set(taskName, labels);
    }
    return labels;
  }

  async #handle(received: ReceivedMessage): Promise<void> {
    const message = decodeMessage(received.payload);
    if (message.type !== 'executeTask') {
      throw new InfiniticError('INF_CODEC', `unexpected ${message.type} message on ${this.topic}`);
    }
    try {
      // Duplicates (broker redelivery, retry chains, re-dispatch of a caller-chosen id) answer
      // with the recorded outcome instead of running again.
      const maybeDuplicate = !message.freshId || received.redeliveryCount > 0 || message.retryIndex > 0;
      const recorded = maybeDuplicate ? await this.#readOutcome(message.taskId) : undefined;
      if (recorded) {
        this.#options.logger.debug(
          { taskId: message.taskId },
          'task already has an outcome: re-publishing it',
        );
        await this.#publish(message, recorded);
        return;
      }
      await this.#execute(message, !maybeDuplicate);
    } catch (error) {
      // Last delivery before the dead-letter topic: tell the caller instead of leaving it waiting
      // (Infinitic does the same before DLQ-ing an ExecuteTask).
      const last = received.redeliveryCount >= (this.#options.maxRedeliverCount ?? 3);
      if (last && !(error instanceof ShutdownAbort)) await this.#deadLettered(message, error);
      throw error;
    }
  }

  async #deadLettered(message: ExecuteTaskMessage, error: unknown): Promise<void> {
    const failure = toTaskFailure(error, message.retryIndex, this.#options.workerName);
    const outcome: TaskOutcomeRecord = {
      status: 'failed',
      failure: { ...failure, message: `dead-lettered after repeated handling failures: ${failure.message}` },
      completedAt: Date.now(),
    };
    try {
      await this.#publish(message, outcome);
      this.#options.logger.error({ err: error, taskId: message.taskId }, 'task message dead-lettered');
    } catch {
      // the transport is failing too: the dead-letter topic keeps the message
    }
  }

  async #execute(message: ExecuteTaskMessage, fresh: boolean): Promise<void> {
    if (!this.#slots.tryAcquire()) await this.#slots.acquire();
    const { logger, metrics, workerName } = this.#options;
    const labels = this.#labels(message.taskName);
    const attempt = new AttemptAbort();
    const meta = { ...message.meta };
    const context: TaskContext = {
      taskId: message.taskId,
      serviceName: message.serviceName,
      taskName: message.taskName,
      retryIndex: message.retryIndex,
      workerName,
      meta,
      get signal() {
        return attempt.signal;
      },
      ...(message.workflowId !== undefined ? { workflowId: message.workflowId } : {}),
      ...(message.workflowName !== undefined ? { workflowName: message.workflowName } : {}),
    };
    this.#inFlight.add(attempt);
    metrics?.inFlight.inc(labels.service);
    const started = performance.now();
    let completed: TaskOutcomeRecord | undefined;
    let recordBytes: Uint8Array | undefined;
    let error: unknown;
    let failed = false;
    try {
      const result = await runInTaskContext(context, () => this.#attempt(message, attempt));
      completed = { status: 'completed', result, retryIndex: message.retryIndex, completedAt: Date.now() };
      recordBytes = encodeJson(completed); // a result that cannot travel fails the attempt, not the message
    } catch (caught) {
      failed = true;
      error = caught;
    } finally {
      this.#inFlight.delete(attempt);
      this.#slots.release();
      if (metrics) {
        metrics.inFlight.dec(labels.service);
        const seconds = (performance.now() - started) / 1000;
        metrics.duration.observe(failed ? labels.failure : labels.success, seconds);
      }
    }
    if (completed && recordBytes) {
      metrics?.successes.inc(labels.task);
      await this.#finish(message, completed, fresh, recordBytes);
      // Checked first: entering the context costs more than the (usually disabled) debug line.
      if (logger.isLevelEnabled('debug')) runInTaskContext(context, () => logger.debug('task completed'));
      return;
    }
    // Shutdown outlasted the grace period: release the message unacked, report nothing.
    if (attempt.reason instanceof ShutdownAbort) throw attempt.reason;
    const failure = toTaskFailure(error, message.retryIndex, workerName);
    const seconds = this.#policy.secondsBeforeRetry(message.retryIndex, error);
    if (seconds !== undefined) {
      metrics?.retries.inc(labels.task);
      const retry: ExecuteTaskMessage = {
        ...message,
        messageId: randomUUID(),
        retryIndex: message.retryIndex + 1,
        meta,
        lastError: { ...failure, secondsBeforeRetry: seconds },
      };
      await this.#options.transport.send(this.topic, {
        payload: encodeMessage(retry),
        deliverAfterMs: Math.max(0, Math.round(seconds * 1000)),
      });
      runInTaskContext(context, () =>
        logger.warn({ err: error, secondsBeforeRetry: seconds }, 'task attempt failed: retry scheduled'),
      );
      return;
    }
    metrics?.failures.inc(labels.task);
    await this.#finish(message, { status: 'failed', failure, completedAt: Date.now() }, fresh);
    runInTaskContext(context, () => logger.error({ err: error }, 'task failed'));
  }

  /** Runs the task method, racing it against the per-attempt timeout (and shutdown). */
  async #attempt(message: ExecuteTaskMessage, attempt: AttemptAbort): Promise<unknown> {
    if (!this.#tasks.has(message.taskName)) {
      throw new TaskNotFoundError(
        `service ${this.serviceName} has no task ${JSON.stringify(message.taskName)} (tasks: ${[...this.#tasks].join(', ') || 'none'})`,
      );
    }
    const impl = this.#options.implementation as Record<string, (...args: unknown[]) => unknown>;
    const { timeoutSeconds } = this.#options;
    const timer =
      timeoutSeconds === undefined
        ? undefined
        : setTimeout(
            () =>
              attempt.abort(
                new TimeoutError(
                  `task ${this.serviceName}.${message.taskName} timed out after ${timeoutSeconds} s`,
                ),
              ),
            timeoutSeconds * 1000,
          );
    try {
      // Called here, inside the task context; a synchronous throw rejects like an async one.
      const running = impl[message.taskName]?.apply(impl, message.args);
      const thenable = typeof (running as PromiseLike<unknown> | undefined)?.then === 'function';
      return await (thenable ? Promise.race([running, attempt.aborted]) : running);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /**
   * Records the outcome (first writer wins), then publishes the recorded one. A fresh task (first
   * delivery of a first attempt with a dispatcher-generated id) cannot race a duplicate, so its
   * record and reply go out together, saving one storage round trip on the critical path; the
   * message is still acked only after both. A storage outage makes the write wait and retry
   * (StorageOutage) rather than fail, so the task does not run again; only a shutdown during the
   * outage (past the grace period) or a logical write failure releases the message, and then the
   * redelivered message finds no record and runs again (the caller, already answered, ignores the
   * second reply).
   */
  async #finish(
    message: ExecuteTaskMessage,
    outcome: TaskOutcomeRecord,
    fresh: boolean,
    bytes: Uint8Array = encodeJson(outcome),
  ): Promise<void> {
    const key = taskOutcomeKey(message.taskId);
    const { keyValue } = this.#options.storage;
    let tries = 0;
    const record = () =>
      this.#outage.retry(() => {
        tries += 1;
        return keyValue.putWithVersion(key, bytes, 0);
      }, this.#stopping.signal);
    if (fresh) {
      const [written] = await Promise.all([record(), this.#publish(message, outcome)]);
      // After a retry, a refused write may be our own first one that went through before the outage.
      if (!written && tries === 1)
        this.#options.logger.warn({ taskId: message.taskId }, 'a fresh task already had an outcome');
      return;
    }
    const written = await record();
    const recorded = written ? outcome : ((await this.#readOutcome(message.taskId)) ?? outcome);
    await this.#publish(message, recorded);
  }

  async #readOutcome(taskId: string): Promise<TaskOutcomeRecord | undefined> {
    const { keyValue } = this.#options.storage;
    const key = taskOutcomeKey(taskId);
    const bytes = await this.#outage.retry(() => keyValue.get(key), this.#stopping.signal);
    return bytes ? decodeJson<TaskOutcomeRecord>(bytes) : undefined;
  }

  async #publish(message: ExecuteTaskMessage, outcome: TaskOutcomeRecord): Promise<void> {
    if (!message.replyTo) return;
    const base = {
      messageId: randomUUID(),
      taskId: message.taskId,
      serviceName: message.serviceName,
      taskName: message.taskName,
      emitterName: this.#options.workerName,
      ...(message.workflowId !== undefined ? { workflowId: message.workflowId } : {}),
      ...(message.workflowName !== undefined ? { workflowName: message.workflowName } : {}),
    };
    const reply: TaskOutcomeMessage =
      outcome.status === 'completed'
        ? { ...base, type: 'taskCompleted', result: outcome.result, retryIndex: outcome.retryIndex }
        : { ...base, type: 'taskFailed', failure: outcome.failure };
    await this.#options.transport.send(message.replyTo.topic, {
      payload: encodeMessage(reply),
      ...(message.replyTo.key !== undefined ? { key: message.replyTo.key } : {}),
    });
  }
}
