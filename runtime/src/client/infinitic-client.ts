/**
 * InfiniticClient: one front door for tasks (TaskClient: dispatch to services, await results on
 * the client's response topic or from storage) and workflows (WorkflowClient), sharing one
 * transport and storage.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { InfiniticConfigInput } from '../config/index.ts';
import { InfiniticError } from '../errors.ts';
import { createLogger } from '../observability/logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { Transport } from '../transport/transport.ts';
import type { ListWorkflowsOptions, WorkflowSummary } from '../workflow/inspection.ts';
import { type StartWorkflowOptions, WorkflowClient } from '../workflow/workflow-client.ts';
import type { WorkflowHandle, WorkflowResultOptions, WorkflowStub } from '../workflow/workflow-stub.ts';
import { type DispatchStub, makeStub, type ServiceStub } from './service-stub.ts';
import { type DispatchOptions, TaskClient } from './task-client.ts';
import type { ResultOptions, TaskHandle } from './task-handle.ts';

export type { DispatchOptions } from './task-client.ts';

export interface InfiniticClientOptions {
  /** Unique among running clients: it names the response topic. Default `client-<random>`. */
  name?: string;
  transport: Transport;
  /** Needed to await tasks through storage (`getTask`, `reply: false`) and to read workflows. */
  storage?: Storage;
  logger?: Logger;
  /** Close the transport and storage in `close()`. Default false: whoever created them closes them. */
  closeComponents?: boolean;
}

/**
 * @example
 * interface HelloService { sayHello(name: string): string }
 * const client = new InfiniticClient({ transport, storage });
 * const hello = client.service<HelloService>('HelloService');
 * console.log(await hello.sayHello('Ada'));                  // waits for the result
 * const handle = await client.dispatch<HelloService>('HelloService').sayHello('Bob');
 * console.log(handle.taskId, await handle.result());          // fire-and-forget, await later
 * await client.dispatch<HelloService>('HelloService', { reply: false }).sayHello('Eve'); // nobody waits
 * await client.close();
 */
export class InfiniticClient {
  readonly name: string;
  readonly responseTopic: string;
  #options: InfiniticClientOptions;
  #logger: Logger;
  #tasks: TaskClient;
  #closed = false;
  #workflowClient: WorkflowClient | undefined;

  constructor(options: InfiniticClientOptions) {
    this.#options = options;
    this.name = options.name ?? `client-${randomUUID().slice(0, 8)}`;
    this.#logger = options.logger ?? createLogger({ name: this.name });
    this.#tasks = new TaskClient({
      name: this.name,
      transport: options.transport,
      logger: this.#logger,
      ...(options.storage ? { storage: options.storage } : {}),
    });
    this.responseTopic = this.#tasks.responseTopic;
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
  dispatchTask<R = unknown>(
    serviceName: string,
    taskName: string,
    args: unknown[],
    options: DispatchOptions = {},
  ): Promise<TaskHandle<R>> {
    return this.#tasks.dispatchTask<R>(serviceName, taskName, args, options);
  }

  /** Dispatches and waits for the result. */
  async runTask<R = unknown>(
    serviceName: string,
    taskName: string,
    args: unknown[],
    options: DispatchOptions & ResultOptions = {},
  ): Promise<R> {
    const handle = await this.#tasks.dispatchTask<R>(serviceName, taskName, args, options);
    // Awaited, not returned: an async function returning a promise adopts it two microtasks later.
    return await handle.result(options);
  }

  /** A handle on any task by id (dispatched by this client or not): its result is read from storage. */
  getTask<R = unknown>(taskId: string, ids: { serviceName?: string; taskName?: string } = {}): TaskHandle<R> {
    return this.#tasks.getTask<R>(taskId, ids);
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
    await this.#tasks.close();
    if (this.#options.closeComponents) {
      await this.#options.transport.close(0);
      await this.#options.storage?.close();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} is closed`);
  }
}
