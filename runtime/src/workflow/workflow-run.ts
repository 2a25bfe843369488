/**
 * A live workflow instance: the user's workflow code running against its history. The engine
 * feeds it one event at a time and lets it run until it blocks (`settle`); the commands it emits
 * in between get consecutive positions. While replaying, each emitted command is checked against
 * the one recorded at its position (same kind and name), else the run stops with a
 * DeterminismError. Workflow code reaches its run through an AsyncLocalStorage, so the free
 * functions (`sleep`, `now`, `proxyService`, ...) work in classes and plain functions alike.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { TaskFailure } from '../engine/errors.ts';
import { TaskFailedError } from '../engine/errors.ts';
import { Deferred } from './deferred.ts';
import {
  DeterminismError,
  type ErrorInfo,
  NotInWorkflowError,
  toErrorInfo,
  WorkflowCanceledError,
  WorkflowFailedError,
} from './errors.ts';
import { type CommandEntry, describeCommand, type EventEntry } from './state.ts';

/**
 * How a replay compares the commands the code asks for with history: `simple` (Infinitic's
 * default) the same kind and name at each position, `strict` also the same arguments, `none` only
 * that there is a recorded command at each position (and no recorded one is left out).
 */
export type CheckMode = 'none' | 'simple' | 'strict';

export interface WorkflowInfo {
  readonly workflowId: string;
  readonly workflowName: string;
  readonly version: number;
  readonly method: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly runId: string;
}

type NewCommand = Omit<CommandEntry, 't' | 'p'>;

interface Receiver {
  done: boolean;
  resolve: (value: unknown) => void;
}

const runs = new AsyncLocalStorage<WorkflowRun>();

/** The run whose code is executing; throws NotInWorkflowError outside workflow code. */
export function currentRun(what: string): WorkflowRun {
  const run = runs.getStore();
  if (!run) throw new NotInWorkflowError(what);
  return run;
}

/** sfc32 seeded from the run id: `random()` replays the same sequence. */
function seededRandom(seed: string): () => number {
  const h = createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** Rebuilds the error a failed command's awaiter sees. */
export function errorFromInfo(info: ErrorInfo): Error {
  const d = (info.details ?? {}) as Record<string, unknown>;
  if (info.name === 'TaskFailedError' && d.failure) {
    return new TaskFailedError({
      taskId: String(d.taskId),
      serviceName: String(d.serviceName),
      taskName: String(d.taskName),
      failure: d.failure as TaskFailure,
    });
  }
  if (info.name === 'WorkflowCanceledError') {
    return new WorkflowCanceledError({
      workflowId: String(d.workflowId),
      workflowName: String(d.workflowName),
    });
  }
  if (info.name === 'WorkflowFailedError' && d.error) {
    return new WorkflowFailedError({
      workflowId: String(d.workflowId),
      workflowName: String(d.workflowName),
      error: d.error as ErrorInfo,
    });
  }
  return Object.assign(new Error(info.message), { name: info.name });
}

export class WorkflowRun {
  readonly info: WorkflowInfo;
  /** Set when the workflow method returned or threw. */
  outcome: { status: 'completed'; result: unknown } | { status: 'failed'; error: unknown } | undefined;
  /** Set when replay diverged from history; the run is then dead. */
  determinismError: DeterminismError | undefined;
  #recorded: CommandEntry[] = [];
  #replaying = false;
  #checkMode: CheckMode = 'simple';
  #position = 0;
  #emitted: CommandEntry[] = [];
  #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #channels = new Map<string, { queue: unknown[]; receivers: Receiver[] }>();
  #timeouts = new Map<number, Receiver>();
  #now: number;
  #random: () => number;

  constructor(info: WorkflowInfo, startedAt: number) {
    this.info = info;
    this.#now = startedAt;
    this.#random = seededRandom(info.runId);
  }

  /** Commands emitted so far. */
  get position(): number {
    return this.#position;
  }

  /** Starts replay mode: commands emitted must match `recorded` by position, as `checkMode` says. */
  expect(recorded: CommandEntry[], checkMode: CheckMode = 'simple'): void {
    this.#recorded = recorded;
    this.#replaying = true;
    this.#checkMode = checkMode;
  }

  /** Ends replay: every recorded command must have been asked for again. */
  endReplay(): void {
    this.#replaying = false;
    const missing = this.#recorded[this.#position];
    if (missing && !this.determinismError)
      this.#diverged(this.#position, describeCommand(missing), 'nothing');
    this.#recorded = [];
  }

  /** Calls the workflow method inside this run's context. */
  start(invoke: () => unknown): void {
    runs.run(this, () => {
      Promise.resolve()
        .then(invoke)
        .then(
          (result) => {
            this.outcome ??= { status: 'completed', result };
          },
          (error) => {
            this.outcome ??= { status: 'failed', error };
          },
        );
    });
  }

  /** Lets the workflow code run until it waits on something not in history yet. */
  settle(): Promise<void> {
    // Workflow code does no I/O, so once the microtask queue drains it is blocked on a deferred.
    return new Promise((resolve) => setImmediate(resolve));
  }

  setNow(at: number): void {
    this.#now = at;
  }

  /** Commands emitted since the last call (new ones, not replayed ones). */
  takeCommands(): CommandEntry[] {
    const emitted = this.#emitted;
    this.#emitted = [];
    return emitted;
  }

  /** Applies one event of history. */
  feed(event: EventEntry): void {
    if (event.t === 'sig') {
      const channel = this.#channel(event.ch);
      const receiver = channel.receivers.shift();
      if (receiver) {
        receiver.done = true;
        receiver.resolve(event.v);
      } else channel.queue.push(event.v);
      return;
    }
    const timeout = this.#timeouts.get(event.p);
    if (timeout) {
      this.#timeouts.delete(event.p);
      if (!timeout.done) {
        timeout.done = true;
        for (const channel of this.#channels.values()) {
          channel.receivers = channel.receivers.filter((r) => r !== timeout);
        }
        timeout.resolve(undefined);
      }
    }
    const waiting = this.#waiting.get(event.p);
    if (!waiting) return;
    this.#waiting.delete(event.p);
    if (event.t === 'ok') waiting.resolve(event.r);
    else waiting.reject(errorFromInfo(event.e));
  }

  // --- the API workflow code calls (through api.ts) ---

  now(): number {
    return this.#now;
  }

  random(): number {
    return this.#random();
  }

  /**
   * Runs `fn` once and records its value (or error); replays return the recorded one without
   * running it again.
   */
  inline<T>(fn: () => T): T {
    if (this.determinismError || this.outcome)
      throw new NotInWorkflowError('inline() after the workflow ended');
    const recorded = this.#replaying ? this.#recorded[this.#position] : undefined;
    let entry: NewCommand = { kind: 'inline', name: 'inline' };
    if (recorded?.kind === 'inline')
      entry = { ...entry, ...('e' in recorded ? { e: recorded.e } : { r: recorded.r }) };
    else if (!this.#replaying) {
      try {
        const value = fn();
        entry = { ...entry, r: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
      } catch (error) {
        entry = { ...entry, e: toErrorInfo(error) };
      }
    }
    if (this.#emit(entry) === undefined) throw new NotInWorkflowError('inline() in a diverged replay');
    if (entry.e) throw errorFromInfo(entry.e);
    return entry.r as T;
  }

  /** Emits a command; the deferred settles when its outcome is fed. */
  command<T>(command: NewCommand): Deferred<T> {
    const { deferred, resolve, reject } = Deferred.pending<T>();
    const position = this.#emit(command);
    if (position !== undefined)
      this.#waiting.set(position, { resolve: resolve as (v: unknown) => void, reject });
    return deferred;
  }

  /** Takes the next signal of `channel` (buffered ones first); undefined when `timeoutMs` passes first. */
  receive<T>(channelName: string, timeoutMs?: number): Deferred<T | undefined> {
    const { deferred, resolve } = Deferred.pending<T | undefined>();
    if (this.#emit({ kind: 'receive', name: channelName }) === undefined) return deferred;
    const channel = this.#channel(channelName);
    if (channel.queue.length > 0) {
      resolve(channel.queue.shift() as T);
      return deferred;
    }
    const receiver: Receiver = { done: false, resolve: resolve as (value: unknown) => void };
    channel.receivers.push(receiver);
    if (timeoutMs !== undefined) {
      const timer = this.#emit({ kind: 'timer', name: 'timer', until: this.#now + Math.max(0, timeoutMs) });
      if (timer !== undefined) this.#timeouts.set(timer, receiver);
    }
    return deferred;
  }

  #channel(name: string) {
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { queue: [], receivers: [] };
      this.#channels.set(name, channel);
    }
    return channel;
  }

  /** Position of the new command, or undefined when the run diverged (its deferred never settles). */
  #emit(command: NewCommand): number | undefined {
    if (this.determinismError || this.outcome) return undefined;
    const p = this.#position;
    const entry: CommandEntry = { t: 'cmd', p, ...command };
    if (this.#replaying) {
      const recorded = this.#recorded[p];
      const loose = this.#checkMode === 'none';
      if (!recorded || (!loose && (recorded.kind !== entry.kind || recorded.name !== entry.name))) {
        this.#diverged(p, recorded ? describeCommand(recorded) : 'nothing', describeCommand(entry));
        return undefined;
      }
      if (
        this.#checkMode === 'strict' &&
        JSON.stringify(recorded.args ?? []) !== JSON.stringify(entry.args ?? [])
      ) {
        const args = (c: CommandEntry) =>
          `${describeCommand(c)}(${JSON.stringify(c.args ?? []).slice(1, -1)})`;
        this.#diverged(p, args(recorded), args(entry));
        return undefined;
      }
    } else this.#emitted.push(entry);
    this.#position += 1;
    return p;
  }

  #diverged(position: number, expected: string, actual: string): void {
    this.determinismError = new DeterminismError({
      workflowId: this.info.workflowId,
      workflowName: this.info.workflowName,
      position,
      expected,
      actual,
    });
  }
}
