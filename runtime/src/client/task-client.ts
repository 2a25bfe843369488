/**
 * The task side of a client: dispatch tasks to services and await their outcomes. Outcomes come
 * back on the client's own response topic (`response:<name>`), subscribed on the first dispatch
 * that asks for a reply; tasks dispatched elsewhere, or with `reply: false`, are awaited through
 * storage (`task.result.<taskId>`, which every executor writes). InfiniticClient delegates here.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeJson } from '../codec/json-codec.ts';
import {
  decodeMessage,
  type ExecuteTaskMessage,
  encodeMessage,
  outcomeToRecord,
  type TaskOutcomeRecord,
  taskOutcomeKey,
} from '../engine/messages.ts';
import { InfiniticError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { ConsumedTopics } from '../transport/consumed-topics.ts';
import { topics } from '../transport/topics.ts';
import type { ReceivedMessage, Transport } from '../transport/transport.ts';
import { ResponseSubscription } from './response-subscription.ts';
import { outcomeValue, type ResultOptions, type TaskHandle, withTimeout } from './task-handle.ts';
import { Waiters } from './waiters.ts';

export interface TaskClientOptions {
  /** Names the response topic (`response:{name}`); unique among running clients. */
  name: string;
  transport: Transport;
  /** Needed to await tasks through storage (`getTask`, `reply: false`). */
  storage?: Storage;
  logger: Logger;
}

export interface DispatchOptions {
  /** Idempotency key; default a random UUID. Dispatching an id that already has an outcome returns that outcome. */
  taskId?: string;
  meta?: Record<string, string>;
  /**
   * `false`: fire-and-forget. The worker sends no reply (so it opens no producer on this client's
   * response topic, and the client subscribes to none); `result()` on the handle, if ever called,
   * reads the outcome from storage, which needs the client to have one. Default true.
   */
  reply?: boolean;
}

const POLL_MIN_MS = 100;
const POLL_MAX_MS = 1000;

export class TaskClient {
  readonly name: string;
  readonly responseTopic: string;
  #o: TaskClientOptions;
  #waiters = new Waiters<TaskOutcomeRecord>();
  #responses: ResponseSubscription;
  #consumed: ConsumedTopics;
  #closed = false;

  constructor(options: TaskClientOptions) {
    this.#o = options;
    this.#consumed = new ConsumedTopics(options.transport);
    this.name = options.name;
    this.responseTopic = topics.clientResponse(options.name);
    this.#responses = new ResponseSubscription(
      options.transport,
      this.responseTopic,
      this.name,
      async (message) => this.#onResponse(message),
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
    const reply = options.reply ?? true;
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
      ...(reply ? { replyTo: { topic: this.responseTopic } } : {}),
      ...(options.taskId === undefined ? { freshId: true } : {}),
      emitterName: this.name,
      dispatchedAt: Date.now(),
    };
    const payload = encodeMessage(message); // fails here, located, when args are not serializable
    const topic = topics.taskExecutor(serviceName);
    if (!reply) {
      await this.#consumed.ensure(topic);
      await this.#o.transport.send(topic, { payload });
      // Polled only once someone asks for the result.
      let outcome: Promise<TaskOutcomeRecord> | undefined;
      const fromStorage = () => {
        outcome ??= this.#fromStorage(
          taskId,
          this.#storage('result() of a task dispatched with reply: false'),
        );
        return outcome;
      };
      return this.#handle<R>(taskId, serviceName, taskName, fromStorage);
    }
    // Both are done once per client (and topic): later dispatches skip the wait.
    if (!this.#responses.started || !this.#consumed.ensured(topic)) {
      await Promise.all([this.#responses.start(), this.#consumed.ensure(topic)]);
    }
    const waiter = this.#waiters.for(taskId);
    try {
      await this.#o.transport.send(topic, { payload });
    } catch (error) {
      this.#waiters.drop(taskId);
      throw error;
    }
    return this.#handle<R>(taskId, serviceName, taskName, () => waiter.promise);
  }

  /** A handle on any task by id (dispatched by this client or not): its result is read from storage. */
  getTask<R = unknown>(taskId: string, ids: { serviceName?: string; taskName?: string } = {}): TaskHandle<R> {
    const outcome = this.#fromStorage(taskId, this.#storage('getTask()'));
    return this.#handle<R>(taskId, ids.serviceName ?? '?', ids.taskName ?? '?', () => outcome);
  }

  /** Stops receiving outcomes; pending awaits reject with INF_CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#waiters.rejectAll(
      (taskId) =>
        new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} closed while awaiting task ${taskId}`),
    );
    await this.#responses.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new InfiniticError('INF_CLIENT_CLOSED', `client ${this.name} is closed`);
  }

  #handle<R>(
    taskId: string,
    serviceName: string,
    taskName: string,
    outcome: () => Promise<TaskOutcomeRecord>,
  ): TaskHandle<R> {
    const ids = { taskId, serviceName, taskName };
    return {
      ...ids,
      result: async (options: ResultOptions = {}) => {
        const { timeoutMs } = options;
        const settled =
          timeoutMs === undefined
            ? await outcome()
            : await withTimeout(outcome(), timeoutMs, `task ${serviceName}.${taskName} (${taskId})`);
        return outcomeValue<R>(settled, ids);
      },
    };
  }

  #storage(what: string): Storage {
    if (!this.#o.storage)
      throw new InfiniticError('INF_CLIENT_OPTIONS', `${what} needs the client to have a storage`);
    return this.#o.storage;
  }

  /** The outcome of `taskId` once storage has it (polled with back-off until then). */
  #fromStorage(taskId: string, storage: Storage): Promise<TaskOutcomeRecord> {
    this.#checkOpen(); // a closed client polls nothing: the wait would never end
    const waiter = this.#waiters.for(taskId);
    const poll = async () => {
      let delay = POLL_MIN_MS;
      while (this.#waiters.isPending(taskId, waiter) && !this.#closed) {
        const bytes = await storage.keyValue.get(taskOutcomeKey(taskId)).catch(() => undefined);
        if (bytes) return this.#waiters.settle(taskId, decodeJson<TaskOutcomeRecord>(bytes));
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(POLL_MAX_MS, delay * 2);
      }
    };
    void poll();
    return waiter.promise;
  }

  #onResponse(received: ReceivedMessage): void {
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(received.payload);
    } catch (error) {
      this.#o.logger.warn({ err: error, topic: received.topic }, 'dropping an undecodable response');
      return;
    }
    if (message.type === 'executeTask') return;
    this.#waiters.settle(message.taskId, outcomeToRecord(message));
  }
}
