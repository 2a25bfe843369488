/**
 * Errors of task execution. Two families, kept apart on purpose:
 * - errors task code throws on purpose (`NonRetryableError`) or the executor raises locally
 *   (`TimeoutError`, `TaskNotFoundError`);
 * - the wire-level failure the caller receives (`TaskFailure`, surfaced as `TaskFailedError`).
 */
import { InfiniticError } from '../errors.ts';

/**
 * Throw it from task code to fail the task at once, whatever the retry policy says.
 * @example
 * if (!order) throw new NonRetryableError(`order ${id} does not exist`);
 */
export class NonRetryableError extends InfiniticError {
  constructor(message: string, options?: ErrorOptions) {
    super('INF_TASK_NON_RETRYABLE', message, options);
  }
}

/** An attempt ran longer than the service's `timeoutSeconds`; it feeds the retry policy. */
export class TimeoutError extends InfiniticError {
  constructor(message: string) {
    super('INF_TASK_TIMEOUT', message);
  }
}

/** The worker has no such service or task method; never retried. */
export class TaskNotFoundError extends InfiniticError {
  constructor(message: string) {
    super('INF_TASK_NOT_FOUND', message);
  }
}

/** How a failed attempt travels on the wire and is recorded in storage. */
export interface TaskFailure {
  /** Error class name (`error.name`), e.g. 'TypeError', 'TimeoutError', or a user class. */
  name: string;
  message: string;
  /** Stable code when the error carried one (InfiniticError, Node system errors). */
  code?: string;
  stack?: string;
  /** 0-based automatic-retry index of the attempt that failed. */
  retryIndex: number;
  /** Name of the worker that ran the attempt. */
  workerName: string;
  /** Seconds before the next attempt; absent on the final failure. */
  secondsBeforeRetry?: number;
}

/** Builds the wire failure of an error thrown by an attempt. */
export function toTaskFailure(error: unknown, retryIndex: number, workerName: string): TaskFailure {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
      retryIndex,
      workerName,
    };
  }
  return { name: 'Error', message: String(error), retryIndex, workerName };
}

/**
 * The client rejects with this when a task failed for good: it carries the last attempt's
 * error name, message and retry index.
 * @example
 * try { await hello.sayHello('x'); }
 * catch (e) { if (e instanceof TaskFailedError) console.log(e.errorName, e.retryIndex); }
 */
export class TaskFailedError extends InfiniticError {
  readonly taskId: string;
  readonly serviceName: string;
  readonly taskName: string;
  /** `name` of the error thrown by the last attempt. */
  readonly errorName: string;
  /** `message` of the error thrown by the last attempt. */
  readonly errorMessage: string;
  /** 0-based index of the last attempt (= number of retries made). */
  readonly retryIndex: number;
  readonly failure: TaskFailure;
  constructor(info: { taskId: string; serviceName: string; taskName: string; failure: TaskFailure }) {
    const { failure } = info;
    super(
      'INF_TASK_FAILED',
      `task ${info.serviceName}.${info.taskName} (${info.taskId}) failed after attempt ${failure.retryIndex}: ${failure.name}: ${failure.message}`,
    );
    this.taskId = info.taskId;
    this.serviceName = info.serviceName;
    this.taskName = info.taskName;
    this.errorName = failure.name;
    this.errorMessage = failure.message;
    this.retryIndex = failure.retryIndex;
    this.failure = failure;
  }
}
