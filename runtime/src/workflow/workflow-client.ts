/**
 * The client side of workflows: start (await the result or dispatch), signal, cancel, retry the
 * failed task, and read instances from storage. InfiniticClient delegates its workflow methods
 * here; it can also be used on its own.
 *
 * Idempotent start: with a custom `id`, a start for an instance that runs (or ran, within the
 * completion record's retention) creates nothing new, and an awaiting caller gets that
 * instance's result. (Infinitic 0.18.4 registers such a second caller under an id that never
 * exists, so its await fails with WorkflowUnknownException.)
 *
 * @example
 * const workflows = new WorkflowClient({ transport, storage });
 * const hello = workflows.workflow<HelloWorkflow>('HelloWorkflow', { id: `order-${orderId}` });
 * console.log(await hello.greet('Ada'));                    // starts (or joins) and awaits
 * const handle = await workflows.dispatchWorkflow('HelloWorkflow', 'greet', ['Bob']);
 * await workflows.signal('HelloWorkflow', handle.workflowId, 'confirm', true);
 * console.log(await handle.result({ timeoutMs: 60_000 }));
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ResponseSubscription } from '../client/response-subscription.ts';
import { Waiters } from '../client/waiters.ts';
import { InfiniticError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { ConsumedTopics } from '../transport/consumed-topics.ts';
import { topics } from '../transport/topics.ts';
import type { ReceivedMessage, Transport } from '../transport/transport.ts';
import {
  getWorkflowSummary,
  inspectWorkflowState,
  type ListWorkflowsOptions,
  listWorkflowSummaries,
  type WorkflowInspection,
  type WorkflowSummary,
} from './inspection.ts';
import {
  decodeOutcomeMessage,
  encodeWorkflowMessage,
  type WorkflowCommandMessage,
  type WorkflowOutcomeMessage,
  workflowTagKey,
} from './messages.ts';
import {
  type WorkflowDispatchStub,
  type WorkflowHandle,
  type WorkflowResultOptions,
  type WorkflowStub,
  workflowHandle,
  workflowStub,
} from './workflow-stub.ts';

export interface WorkflowClientOptions {
  transport: Transport;
  /** Needed by getWorkflow / listWorkflows / inspectWorkflow. */
  storage?: Storage;
  /** Names the response topic (`response:{name}`); unique among running clients. */
  name?: string;
  logger?: Logger;
}

export interface StartWorkflowOptions {
  /** Custom instance id: starting an id that exists joins that instance instead of creating one. */
  id?: string;
  tags?: string[];
  meta?: Record<string, string>;
  /**
   * `false`: start without asking to be told the outcome (fire-and-forget): this client does not
   * subscribe to its response topic for it, and the engine sends it nothing. `result()` on the
   * handle still works, later, by attaching to the instance (answered from its state or its
   * completion record). Default true.
   */
  reply?: boolean;
}

type Outcome = WorkflowOutcomeMessage['outcome'];

const waiterKey = (workflowName: string, workflowId: string) => `${workflowName}\u0000${workflowId}`;

export class WorkflowClient {
  readonly name: string;
  readonly responseTopic: string;
  #o: WorkflowClientOptions;
  #waiters = new Waiters<Outcome>();
  #responses: ResponseSubscription;
  #consumed: ConsumedTopics;
  #closed = false;

  constructor(options: WorkflowClientOptions) {
    this.#o = options;
    this.#consumed = new ConsumedTopics(options.transport);
    this.name = options.name ?? `workflow-client-${randomUUID().slice(0, 8)}`;
    this.responseTopic = topics.clientResponse(this.name);
    this.#responses = new ResponseSubscription(options.transport, this.responseTopic, this.name, async (m) =>
      this.#onResponse(m),
    );
  }

  /** Typed stub: `await client.workflow<HelloWorkflow>('HelloWorkflow').greet('Ada')`. */
  workflow<T>(workflowName: string, options: StartWorkflowOptions = {}): WorkflowStub<T> {
    return workflowStub((method, args) => this.startWorkflow(workflowName, method, args, options));
  }

  /** Typed stub resolving with handles: `(await client.dispatch<W>('W').greet('Ada')).workflowId`. */
  dispatch<T>(workflowName: string, options: StartWorkflowOptions = {}): WorkflowDispatchStub<T> {
    return workflowStub((method, args) => this.dispatchWorkflow(workflowName, method, args, options));
  }

  /** Starts (or joins, with a custom id) an instance running `method(...args)` and awaits its result. */
  async startWorkflow<R = unknown>(
    workflowName: string,
    method: string,
    args: unknown[],
    options: StartWorkflowOptions & WorkflowResultOptions = {},
  ): Promise<R> {
    return (await this.dispatchWorkflow<R>(workflowName, method, args, options)).result(options);
  }

  /** Starts an instance and resolves with its handle once the broker has the start message. */
  async dispatchWorkflow<R = unknown>(
    workflowName: string,
    method: string,
    args: unknown[],
    options: StartWorkflowOptions = {},
  ): Promise<WorkflowHandle<R>> {
    const workflowId = options.id ?? randomUUID();
    const reply = options.reply ?? true;
    if (reply) await this.#responses.start();
    const waiter = reply ? this.#waiter(workflowName, workflowId) : undefined;
    await this.#send({
      type: 'startWorkflow',
      messageId: randomUUID(),
      workflowName,
      workflowId,
      method,
      args,
      tags: options.tags ?? [],
      meta: options.meta ?? {},
      ...(waiter ? { waiter: { kind: 'client' as const, topic: this.responseTopic } } : {}),
      emitterName: this.name,
    });
    // Without a reply, result() attaches later: the await message follows the start on the same key.
    return waiter
      ? workflowHandle<R>(workflowName, workflowId, waiter.promise)
      : this.getWorkflowHandle<R>(workflowName, workflowId);
  }

  /** A handle on any instance by id (a late awaiter gets the completion record's answer). */
  getWorkflowHandle<R = unknown>(workflowName: string, workflowId: string): WorkflowHandle<R> {
    let attached: Promise<Outcome> | undefined;
    const attach = async () => {
      await this.#responses.start();
      const waiter = this.#waiter(workflowName, workflowId);
      await this.#send({
        type: 'awaitWorkflow',
        messageId: randomUUID(),
        workflowName,
        workflowId,
        waiter: { kind: 'client', topic: this.responseTopic },
        emitterName: this.name,
      });
      return waiter.promise;
    };
    return {
      workflowName,
      workflowId,
      result: async (options: WorkflowResultOptions = {}) => {
        attached ??= attach();
        return workflowHandle<R>(workflowName, workflowId, attached).result(options);
      },
    };
  }

  /** Sends `value` on channel `channel` of an instance (see `channel().receive()`). */
  async signal(workflowName: string, workflowId: string, channel: string, value: unknown): Promise<void> {
    const signalId = randomUUID();
    await this.#send({
      type: 'signal',
      messageId: signalId,
      signalId,
      workflowName,
      workflowId,
      channel,
      value,
      emitterName: this.name,
    });
  }

  /** Cancels an instance: its awaiters get WorkflowCanceledError, its running children are canceled. */
  async cancel(workflowName: string, workflowId: string): Promise<void> {
    await this.#send({
      type: 'cancelWorkflow',
      messageId: randomUUID(),
      workflowName,
      workflowId,
      emitterName: this.name,
    });
  }

  /** Signals every instance tagged `tag` (ended ones ignore it); resolves with how many were sent. */
  async signalByTag(workflowName: string, tag: string, channel: string, value: unknown): Promise<number> {
    const ids = await this.#storage('signalByTag').keySet.members(workflowTagKey(workflowName, tag));
    await Promise.all(ids.map((id) => this.signal(workflowName, id, channel, value)));
    return ids.length;
  }

  /** Cancels every instance tagged `tag`; resolves with how many cancels were sent. */
  async cancelByTag(workflowName: string, tag: string): Promise<number> {
    const ids = await this.#storage('cancelByTag').keySet.members(workflowTagKey(workflowName, tag));
    await Promise.all(ids.map((id) => this.cancel(workflowName, id)));
    return ids.length;
  }

  /**
   * Resumes a failed instance: re-dispatches the task whose failure failed it, or, after a
   * DeterminismError and a code fix, replays it again and goes on.
   */
  async retryTasks(workflowName: string, workflowId: string): Promise<void> {
    await this.#send({
      type: 'retryTasks',
      messageId: randomUUID(),
      workflowName,
      workflowId,
      emitterName: this.name,
    });
  }

  async getWorkflow(workflowName: string, workflowId: string): Promise<WorkflowSummary | undefined> {
    return getWorkflowSummary(this.#storage('getWorkflow'), workflowName, workflowId);
  }

  async listWorkflows(workflowName: string, options: ListWorkflowsOptions = {}): Promise<WorkflowSummary[]> {
    return listWorkflowSummaries(this.#storage('listWorkflows'), workflowName, options);
  }

  async inspectWorkflow(workflowName: string, workflowId: string): Promise<WorkflowInspection | undefined> {
    return inspectWorkflowState(this.#storage('inspectWorkflow'), workflowName, workflowId);
  }

  /** Stops receiving results; pending awaits reject with INF_CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.rejectAll((key) => {
      const [workflowName, workflowId] = key.split('\u0000');
      return new InfiniticError(
        'INF_CLIENT_CLOSED',
        `client ${this.name} closed while awaiting workflow ${workflowName} (${workflowId})`,
      );
    });
    await this.#responses.close();
  }

  #storage(what: string): Storage {
    if (!this.#o.storage)
      throw new InfiniticError('INF_CLIENT_OPTIONS', `${what}() needs the client to have a storage`);
    return this.#o.storage;
  }

  #waiter(workflowName: string, workflowId: string) {
    return this.#waiters.for(waiterKey(workflowName, workflowId));
  }

  async #send(message: WorkflowCommandMessage): Promise<void> {
    if (this.#closed) throw new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} is closed`);
    const topic = topics.workflowEngine(message.workflowName);
    const payload = encodeWorkflowMessage(message); // fails here, located, when args are not serializable
    await this.#consumed.ensure(topic);
    await this.#o.transport.send(topic, { payload, key: message.workflowId });
  }

  #onResponse(received: ReceivedMessage): void {
    let message: WorkflowOutcomeMessage | undefined;
    try {
      message = decodeOutcomeMessage(received.payload);
    } catch (error) {
      this.#o.logger?.warn({ err: error }, 'dropping an undecodable workflow response');
    }
    if (!message) return;
    this.#waiters.settle(waiterKey(message.workflowName, message.workflowId), message.outcome);
  }
}
