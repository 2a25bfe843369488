/**
 * InfiniticClient: dispatches tasks to services and awaits their results. Results come back on
 * the client's own response topic (`response:<name>`); tasks dispatched elsewhere can be awaited
 * through storage (`task.result.<taskId>`).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeJson } from '../codec/json-codec.ts';
import type { InfiniticConfigInput } from '../config/index.ts';
import {
  decodeMessage,
  type ExecuteTaskMessage,
  encodeMessage,
  outcomeToRecord,
  type TaskOutcomeRecord,
  taskOutcomeKey,
} from '../engine/messages.ts';
import { InfiniticError } from '../errors.ts';
import { createLogger } from '../observability/logger.ts';
import type { Storage } from '../storage/storage.ts';
import { subscriptionFor, topics } from '../transport/topics.ts';
import type { ReceivedMessage, Subscription, Transport } from '../transport/transport.ts';
import type { ListWorkflowsOptions, WorkflowSummary } from '../workflow/inspection.ts';
import { type StartWorkflowOptions, WorkflowClient } from '../workflow/workflow-client.ts';
import type { WorkflowHandle, WorkflowResultOptions, WorkflowStub } from '../workflow/workflow-stub.ts';
import { type DispatchStub, makeStub, type ServiceStub } from './service-stub.ts';
import { outcomeValue, type ResultOptions, type TaskHandle, withTimeout } from './task-handle.ts';

export interface InfiniticClientOptions {
  /** Unique among running clients: it names the response topic. Default `client-<random>`. */
  name?: string;
  transport: Transport;
  /** Needed to await tasks this client did not dispatch (`getTask`). */
  storage?: Storage;
  logger?: Logger;
  /** Close the transport and storage in `close()`. Default false: whoever created them closes them. */
  closeComponents?: boolean;
}

export interface DispatchOptions {
  /** Idempotency key; default a random UUID. Dispatching an id that already has an outcome returns that outcome. */
  taskId?: string;
  meta?: Record<string, string>;
}

interface Waiter {
  promise: Promise<TaskOutcomeRecord>;
  resolve: (outcome: TaskOutcomeRecord) => void;
  reject: (error: Error) => void;
}

const POLL_MIN_MS = 100;
const POLL_MAX_MS = 1000;

/**
 * @example
 * interface HelloService { sayHello(name: string): string }
 * const client = new InfiniticClient({ transport, storage });
 * const hello = client.service<HelloService>('HelloService');
 * console.log(await hello.sayHello('Ada'));                  // waits for the result
 * const handle = await client.dispatch<HelloService>('HelloService').sayHello('Bob');
 * console.log(handle.taskId, await handle.result());          // fire-and-forget, await later
 * await client.close();
 */
export class InfiniticClient {
  readonly name: string;
  readonly responseTopic: string;
  #options: InfiniticClientOptions;
  #logger: Logger;
  #waiters = new Map<string, Waiter>();
  #started: Promise<Subscription> | undefined;
  #ensured = new Map<string, Promise<void>>();
  #closed = false;
  #workflowClient: WorkflowClient | undefined;

  constructor(options: InfiniticClientOptions) {
    this.#options = options;
    this.name = options.name ?? `client-${randomUUID().slice(0, 8)}`;
    this.responseTopic = topics.clientResponse(this.name);
    this.#logger = options.logger ?? createLogger({ name: this.name });
  }

  /**
   * A client from the workers' YAML files (merged left to right) or a config object; it owns
   * the transport and storage it creates.
   * @example
   * const client = await InfiniticClient.fromConfig(['config/base.yml', 'config/dev.yml']);
   * console.log(await client.service<HelloService>('HelloService').sayHello('Ada'));
   * await client.close();
   */
  static async fromConfig(
    source: string | string[] | InfiniticConfigInput,
    options: { name?: string; env?: Record<string, string | undefined>; logger?: Logger } = {},
  ): Promise<InfiniticClient> {
    // Loaded on demand: a client built from components pulls in no config or Pulsar code.
    const { clientOptionsFromSource } = await import('./client-from-config.ts');
    const clientOptions = await clientOptionsFromSource(source, options);
    return new InfiniticClient({ ...clientOptions, ...(options.logger ? { logger: options.logger } : {}) });
  }

  /** Typed stub: each call dispatches the task and resolves with its result. */
  service<T>(serviceName: string, options: Omit<DispatchOptions, 'taskId'> = {}): ServiceStub<T> {
    return makeStub<ServiceStub<T>>(async (taskName, args) =>
      (await this.dispatchTask(serviceName, taskName, args, options)).result(),
    );
  }

  /** Typed stub: each call dispatches the task and resolves with its handle at once. */
  dispatch<T>(serviceName: string, options: DispatchOptions = {}): DispatchStub<T> {
    return makeStub<DispatchStub<T>>((taskName, args) =>
      this.dispatchTask(serviceName, taskName, args, options),
    );
  }

  /** Dispatches `serviceName.taskName(...args)`; resolves once the broker has the message. */
  async dispatchTask<R = unknown>(
    serviceName: string,
    taskName: string,
    args: unknown[],
    options: DispatchOptions = {},
  ): Promise<TaskHandle<R>> {
    this.#checkOpen();
    const taskId = options.taskId ?? randomUUID();
    const message: ExecuteTaskMessage = {
      type: 'executeTask',
      messageId: randomUUID(),
      taskId,
      serviceName,
      taskName,
      args,
      retryIndex: 0,
      meta: options.meta ?? {},
      replyTo: { topic: this.responseTopic },
      ...(options.taskId === undefined ? { freshId: true } : {}),
      emitterName: this.name,
      dispatchedAt: Date.now(),
    };
    const payload = encodeMessage(message); // fails here, located, when args are not serializable
    const topic = topics.taskExecutor(serviceName);
    await Promise.all([this.#start(), this.#ensure(topic)]);
    const waiter = this.#waiter(taskId);
    try {
      await this.#options.transport.send(topic, { payload });
    } catch (error) {
      this.#waiters.delete(taskId);
      throw error;
    }
    return this.#handle<R>(taskId, serviceName, taskName, waiter.promise);
  }

  /** Dispatches and waits for the result. */
  async runTask<R = unknown>(
    serviceName: string,
    taskName: string,
    args: unknown[],
    options: DispatchOptions & ResultOptions = {},
  ): Promise<R> {
    return (await this.dispatchTask<R>(serviceName, taskName, args, options)).result(options);
  }

  /** A handle on any task by id (dispatched by this client or not): its result is read from storage. */
  getTask<R = unknown>(taskId: string, ids: { serviceName?: string; taskName?: string } = {}): TaskHandle<R> {
    const storage = this.#options.storage;
    if (!storage)
      throw new InfiniticError('INF_CLIENT_OPTIONS', 'getTask() needs the client to have a storage');
    const waiter = this.#waiter(taskId);
    const poll = async () => {
      let delay = POLL_MIN_MS;
      while (this.#waiters.get(taskId) === waiter && !this.#closed) {
        const bytes = await storage.keyValue.get(taskOutcomeKey(taskId)).catch(() => undefined);
        if (bytes) return this.#settle(taskId, decodeJson<TaskOutcomeRecord>(bytes));
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(POLL_MAX_MS, delay * 2);
      }
    };
    void poll();
    return this.#handle<R>(taskId, ids.serviceName ?? '?', ids.taskName ?? '?', waiter.promise);
  }

  /**
   * The workflow side of this client (its own response topic `response:{name}-workflows`):
   * everything below plus retryTasks, getWorkflowHandle, inspectWorkflow and dispatch stubs.
   */
  get workflows(): WorkflowClient {
    this.#checkOpen();
    this.#workflowClient ??= new WorkflowClient({
      transport: this.#options.transport,
      name: `${this.name}-workflows`,
      logger: this.#logger,
      ...(this.#options.storage ? { storage: this.#options.storage } : {}),
    });
    return this.#workflowClient;
  }

  /**
   * Typed workflow stub: each call starts (or, with a custom `id`, joins) an instance and resolves with its result.
   * @example
   * const text = await client.workflow<HelloWorkflow>('HelloWorkflow', { id: 'order-42' }).greet('Ada');
   */
  workflow<T>(workflowName: string, options: StartWorkflowOptions = {}): WorkflowStub<T> {
    return this.workflows.workflow<T>(workflowName, options);
  }

  /** Starts (or joins) an instance running `method(...args)` and awaits its result. */
  startWorkflow<R = unknown>(
    workflowName: string,
    method: string,
    args: unknown[],
    options: StartWorkflowOptions & WorkflowResultOptions = {},
  ): Promise<R> {
    return this.workflows.startWorkflow<R>(workflowName, method, args, options);
  }

  /** Starts an instance; resolves with its handle once the broker has the start. */
  dispatchWorkflow<R = unknown>(
    workflowName: string,
    method: string,
    args: unknown[],
    options: StartWorkflowOptions = {},
  ): Promise<WorkflowHandle<R>> {
    return this.workflows.dispatchWorkflow<R>(workflowName, method, args, options);
  }

  /** Sends `value` on channel `channel` of a running instance. */
  signal(workflowName: string, workflowId: string, channel: string, value: unknown): Promise<void> {
    return this.workflows.signal(workflowName, workflowId, channel, value);
  }

  /** Cancels an instance (and its running children); its awaiters get WorkflowCanceledError. */
  cancel(workflowName: string, workflowId: string): Promise<void> {
    return this.workflows.cancel(workflowName, workflowId);
  }

  /** An instance's summary, read from storage. */
  getWorkflow(workflowName: string, workflowId: string): Promise<WorkflowSummary | undefined> {
    return this.workflows.getWorkflow(workflowName, workflowId);
  }

  /** Instances of a workflow by status and tag, read from storage. */
  listWorkflows(workflowName: string, options: ListWorkflowsOptions = {}): Promise<WorkflowSummary[]> {
    return this.workflows.listWorkflows(workflowName, options);
  }

  /** Stops receiving results; pending awaits reject with INF_CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#workflowClient?.close();
    for (const [taskId, waiter] of this.#waiters) {
      waiter.reject(
        new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} closed while awaiting task ${taskId}`),
      );
    }
    this.#waiters.clear();
    const sub = await this.#started?.catch(() => undefined);
    await sub?.close(0);
    if (this.#options.closeComponents) {
      await this.#options.transport.close(0);
      await this.#options.storage?.close();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} is closed`);
  }

  #handle<R>(
    taskId: string,
    serviceName: string,
    taskName: string,
    outcome: Promise<TaskOutcomeRecord>,
  ): TaskHandle<R> {
    const ids = { taskId, serviceName, taskName };
    return {
      ...ids,
      result: async (options: ResultOptions = {}) =>
        outcomeValue<R>(
          await withTimeout(outcome, options.timeoutMs, `task ${serviceName}.${taskName} (${taskId})`),
          ids,
        ),
    };
  }

  #waiter(taskId: string): Waiter {
    const existing = this.#waiters.get(taskId);
    if (existing) return existing;
    let resolve!: (outcome: TaskOutcomeRecord) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<TaskOutcomeRecord>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // a fire-and-forget handle nobody awaits must not crash the process
    const waiter = { promise, resolve, reject };
    this.#waiters.set(taskId, waiter);
    return waiter;
  }

  #settle(taskId: string, outcome: TaskOutcomeRecord): void {
    const waiter = this.#waiters.get(taskId);
    if (!waiter) return; // a duplicate outcome, or one for a task nobody here awaits
    this.#waiters.delete(taskId);
    waiter.resolve(outcome);
  }

  #ensure(topic: string): Promise<void> {
    let ensured = this.#ensured.get(topic);
    if (!ensured) {
      ensured = this.#options.transport.ensureSubscription(topic, subscriptionFor(topic));
      ensured.catch(() => this.#ensured.delete(topic));
      this.#ensured.set(topic, ensured);
    }
    return ensured;
  }

  /** Subscribes to the response topic once, before the first dispatch, so no result is missed. */
  #start(): Promise<Subscription> {
    if (!this.#started) {
      const topic = this.responseTopic;
      const subscription = subscriptionFor(topic);
      const { transport } = this.#options;
      this.#started = (async () => {
        await transport.ensureSubscription(topic, subscription);
        return transport.subscribe(
          { topic, subscription, type: 'Shared', concurrency: 64, consumerName: this.name },
          async (message) => this.#onResponse(message),
        );
      })();
      this.#started.catch(() => {
        this.#started = undefined;
      });
    }
    return this.#started;
  }

  #onResponse(received: ReceivedMessage): void {
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(received.payload);
    } catch (error) {
      this.#logger.warn({ err: error, topic: received.topic }, 'dropping an undecodable response');
      return;
    }
    if (message.type === 'executeTask') return;
    this.#settle(message.taskId, outcomeToRecord(message));
  }
}
