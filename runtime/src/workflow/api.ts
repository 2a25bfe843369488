/**
 * What workflow code may call. Workflow code must be deterministic: no I/O, no Date.now(), no
 * Math.random(), no timers of its own. It reaches the outside world only through these functions,
 * which record what they do so a replay gives the same answers.
 *
 * @example
 * import { all, proxyService, sleep } from '@infinitic/runtime';
 * import type { HelloService } from '../services/hello-service.ts'; // import type: no I/O code in workflows
 *
 * export async function greet(name: string) {
 *   const hello = proxyService<HelloService>('HelloService');
 *   const text = await hello.sayHello(name);              // one task, awaited
 *   const [a, b] = await all([hello.sayHello('a'), hello.sayHello('b')]); // two tasks in parallel
 *   await sleep(60_000);                                   // durable timer
 *   return `${text} ${a} ${b}`;
 * }
 */
import type { Deferred } from './deferred.ts';
import { WorkflowDefinitionError } from './errors.ts';
import { currentRun, type WorkflowInfo } from './workflow-run.ts';

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature
type AnyFunction = (...args: any[]) => any;

/** A service seen from a workflow: each call dispatches the task and returns its Deferred result. */
export type WorkflowServiceStub<T> = {
  [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Deferred<Awaited<R>>
    : never;
};

/** A child workflow seen from its parent: each call starts a child instance and returns its Deferred result. */
export type ChildWorkflowStub<T> = WorkflowServiceStub<T>;

export interface ProxyServiceOptions {
  /** Metadata passed to every task (read in the task with `taskContext().meta`). */
  meta?: Record<string, string>;
}

export interface ProxyWorkflowOptions {
  tags?: string[];
  meta?: Record<string, string>;
}

function stub<S>(call: (method: string, args: unknown[]) => unknown): S {
  return new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  }) as S;
}

function checkName(kind: string, name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.$-]+$/.test(name)) {
    throw new WorkflowDefinitionError(`invalid ${kind} name ${JSON.stringify(name)}`);
  }
}

/**
 * A typed stub of a service for workflow code; needs only `import type` of the service.
 * @example
 * const hello = proxyService<HelloService>('HelloService');
 * const text = await hello.sayHello('Ada');
 */
export function proxyService<T>(
  serviceName: string,
  options: ProxyServiceOptions = {},
): WorkflowServiceStub<T> {
  checkName('service', serviceName);
  return stub((method, args) =>
    currentRun(`${serviceName}.${method}()`).command({
      kind: 'task',
      name: `${serviceName}.${method}`,
      args,
      ...(options.meta ? { meta: options.meta } : {}),
    }),
  );
}

/**
 * A typed stub of another workflow: each call starts a child instance (its id derives from the
 * parent's, so a replay never starts it twice) and resolves with its result.
 * @example
 * const child = proxyWorkflow<ShippingWorkflow>('ShippingWorkflow', { tags: ['eu'] });
 * const tracking = await child.ship(orderId);
 */
export function proxyWorkflow<T>(
  workflowName: string,
  options: ProxyWorkflowOptions = {},
): ChildWorkflowStub<T> {
  checkName('workflow', workflowName);
  return stub((method, args) =>
    currentRun(`${workflowName}.${method}()`).command({
      kind: 'child',
      name: `${workflowName}.${method}`,
      args,
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.meta ? { meta: options.meta } : {}),
    }),
  );
}

/**
 * A durable timer: resolves (with its due time, epoch ms) after `duration` ms, or at `until`.
 * Survives worker restarts; a past date fires at once.
 * @example
 * await sleep(24 * 3600_000);
 * await sleep(new Date('2030-01-01T00:00:00Z'));
 */
export function sleep(duration: number | Date): Deferred<number> {
  const run = currentRun('sleep()');
  const until = duration instanceof Date ? duration.getTime() : run.now() + Math.max(0, Number(duration));
  if (!Number.isFinite(until))
    throw new WorkflowDefinitionError(`sleep(): invalid duration ${String(duration)}`);
  return run.command({ kind: 'timer', name: 'timer', until });
}

/**
 * Runs a non-deterministic computation once and records its result (JSON): replays return the
 * recorded value without running it again (Infinitic's `inline`). No I/O: that belongs in tasks.
 * @example
 * const id = inline(() => crypto.randomUUID());
 */
export function inline<T>(fn: () => T): T {
  return currentRun('inline()').inline(fn);
}

/** Replay-safe current time (epoch ms): the time of the event being handled, the same on every replay. */
export function now(): number {
  return currentRun('now()').now();
}

/** Replay-safe random number in [0, 1): seeded by the instance, the same sequence on every replay. */
export function random(): number {
  return currentRun('random()').random();
}

/** Replay-safe UUID (from `random()`). */
export function uuid(): string {
  const run = currentRun('uuid()');
  const bytes = Array.from({ length: 16 }, () => Math.floor(run.random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Id, name, version, method, tags and meta of the running instance. */
export function workflowInfo(): WorkflowInfo {
  return currentRun('workflowInfo()').info;
}

export interface ReceiveOptions {
  /** Give up after this many ms (a durable timer): the deferred then resolves with undefined. */
  timeoutMs?: number;
}

export interface Channel<T> {
  readonly name: string;
  /**
   * The next signal sent to this channel. Signals that arrived before `receive()` are buffered
   * and returned first, in arrival order (Infinitic drops them; buffering removes the race).
   */
  receive(): Deferred<T>;
  receive(options: ReceiveOptions): Deferred<T | undefined>;
}

/**
 * A named channel of signals sent by clients (`client.signal(...)`) to this instance.
 * @example
 * const approval = await channel<{ ok: boolean }>('approval').receive({ timeoutMs: 3600_000 });
 * if (approval === undefined) return 'timed out';
 */
export function channel<T = unknown>(name: string): Channel<T> {
  checkName('channel', name);
  return {
    name,
    receive: ((options: ReceiveOptions = {}) =>
      currentRun(`channel('${name}').receive()`).receive<T>(
        name,
        options.timeoutMs,
      )) as Channel<T>['receive'],
  };
}
