/**
 * The context of the task attempt running now, kept in an AsyncLocalStorage so task code, logs
 * and nested calls see it without threading it through arguments.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InfiniticError } from '../errors.ts';

export interface TaskContext {
  readonly taskId: string;
  readonly serviceName: string;
  readonly taskName: string;
  /** 0 on the first attempt, +1 per automatic retry. */
  readonly retryIndex: number;
  /** Set when a workflow dispatched the task. */
  readonly workflowId?: string;
  readonly workflowName?: string;
  /** Name of the worker running the attempt. */
  readonly workerName: string;
  /** Caller-supplied metadata; mutations are kept across retries. */
  readonly meta: Record<string, string>;
  /** Aborted when the attempt times out or the worker shuts down past its grace period. */
  readonly signal: AbortSignal;
}

const storage = new AsyncLocalStorage<TaskContext>();

/** Runs `fn` with `context` as the current task context. */
export function runInTaskContext<T>(context: TaskContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current task context, or undefined outside a task. */
export function currentTaskContext(): TaskContext | undefined {
  return storage.getStore();
}

/**
 * The current task context; throws when called outside a task attempt.
 * @example
 * class HelloServiceImpl {
 *   async sayHello(name: string) {
 *     const { taskId, retryIndex, signal } = taskContext();
 *     const res = await fetch(`https://example.com/${name}`, { signal });
 *     return `${await res.text()} (${taskId}, attempt ${retryIndex})`;
 *   }
 * }
 */
export function taskContext(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new InfiniticError('INF_NO_TASK_CONTEXT', 'taskContext() was called outside a task');
  return context;
}
