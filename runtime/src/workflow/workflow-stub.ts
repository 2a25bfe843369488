/** Client-side stubs and handles of workflows (typed over the workflow class: `import type` it). */
import { withTimeout } from '../client/task-handle.ts';
import { InfiniticError } from '../errors.ts';
import { WorkflowCanceledError, WorkflowFailedError, WorkflowUnknownError } from './errors.ts';
import type { WorkflowOutcomeMessage } from './messages.ts';

export interface WorkflowResultOptions {
  /** Reject with INF_WORKFLOW_RESULT_TIMEOUT after this many ms (the workflow keeps running). */
  timeoutMs?: number;
}

export interface WorkflowHandle<R = unknown> {
  readonly workflowName: string;
  readonly workflowId: string;
  /** The workflow's result; rejects with WorkflowFailedError / WorkflowCanceledError / WorkflowUnknownError. */
  result(options?: WorkflowResultOptions): Promise<R>;
}

// biome-ignore lint/suspicious/noExplicitAny: matches any method signature
type AnyFunction = (...args: any[]) => any;

/** Each method starts (or joins) the instance and resolves with its result. */
export type WorkflowStub<T> = {
  [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** Each method starts the instance and resolves with its handle once the broker has the start. */
export type WorkflowDispatchStub<T> = {
  [K in keyof T as T[K] extends AnyFunction ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<WorkflowHandle<Awaited<R>>>
    : never;
};

export function workflowStub<S>(call: (method: string, args: unknown[]) => Promise<unknown>): S {
  return new Proxy(Object.create(null) as object, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  }) as S;
}

/** A handle whose result() turns the outcome into the value or the matching error. */
export function workflowHandle<R>(
  workflowName: string,
  workflowId: string,
  outcome: Promise<WorkflowOutcomeMessage['outcome']>,
): WorkflowHandle<R> {
  return {
    workflowName,
    workflowId,
    result: async (options: WorkflowResultOptions = {}) => {
      const what = `workflow ${workflowName} (${workflowId})`;
      let settled: WorkflowOutcomeMessage['outcome'];
      try {
        settled = await withTimeout(outcome, options.timeoutMs, what);
      } catch (error) {
        if ((error as InfiniticError).code === 'INF_TASK_RESULT_TIMEOUT') {
          throw new InfiniticError(
            'INF_WORKFLOW_RESULT_TIMEOUT',
            `no result for ${what} after ${options.timeoutMs} ms`,
          );
        }
        throw error;
      }
      if (settled.status === 'completed') return settled.result as R;
      if (settled.status === 'failed')
        throw new WorkflowFailedError({ workflowName, workflowId, error: settled.error });
      if (settled.status === 'canceled') throw new WorkflowCanceledError({ workflowName, workflowId });
      throw new WorkflowUnknownError({ workflowName, workflowId });
    },
  };
}
