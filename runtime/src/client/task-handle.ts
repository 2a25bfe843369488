/**
 * A dispatched task: its id, and `result()` resolving with its return value (or rejecting with a
 * TaskFailedError). Outcomes come from the client's response topic, or from storage for tasks
 * this client did not dispatch (late awaiters).
 */
import { TaskFailedError } from '../engine/errors.ts';
import type { TaskOutcomeRecord } from '../engine/messages.ts';
import { InfiniticError } from '../errors.ts';

export interface ResultOptions {
  /** Reject with INF_TASK_RESULT_TIMEOUT after this many ms (the task keeps running). Default: wait. */
  timeoutMs?: number;
}

export interface TaskHandle<R = unknown> {
  readonly taskId: string;
  readonly serviceName: string;
  readonly taskName: string;
  /** The task's return value; rejects with TaskFailedError when it failed for good. */
  result(options?: ResultOptions): Promise<R>;
}

/** Turns a recorded outcome into the value, or throws the TaskFailedError. */
export function outcomeValue<R>(
  outcome: TaskOutcomeRecord,
  ids: { taskId: string; serviceName: string; taskName: string },
): R {
  if (outcome.status === 'completed') return outcome.result as R;
  throw new TaskFailedError({ ...ids, failure: outcome.failure });
}

/** Waits for `outcome` at most `timeoutMs` (without a limit, `promise` itself: no wrapper per await). */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number | undefined, what: string): Promise<T> {
  return timeoutMs === undefined ? promise : raceTimeout(promise, timeoutMs, what);
}

async function raceTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new InfiniticError('INF_TASK_RESULT_TIMEOUT', `no result for ${what} after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
