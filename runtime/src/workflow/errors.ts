/**
 * Errors of durable workflows. Three families:
 * - what a client (or a parent workflow) receives when a workflow ends badly: WorkflowFailedError,
 *   WorkflowCanceledError, WorkflowUnknownError;
 * - DeterminismError: the workflow code asked for other commands than its recorded history holds;
 * - WorkflowDefinitionError: a workflow registered or called the wrong way (located at the call).
 * Inside a workflow, a task that failed for good surfaces as the task engine's TaskFailedError.
 */
import { InfiniticError } from '../errors.ts';

/** How an error travels in workflow state and messages. */
export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  /** Extra fields (DeterminismError: position, expected, actual; TaskFailedError: taskId, failure...). */
  details?: Record<string, unknown>;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  const details = (error as { details?: unknown }).details;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
    ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
  };
}

/**
 * The workflow code asked for a different command than the one its history recorded at that
 * position (code changed under a running instance, or non-deterministic code: Date.now(),
 * Math.random(), I/O). The instance fails with this error but keeps its history: fix the code
 * (or register the old one as a version) and `retryTasks` resumes it.
 */
export class DeterminismError extends InfiniticError {
  readonly workflowId: string;
  readonly workflowName: string;
  readonly position: number;
  readonly expected: string;
  readonly actual: string;
  readonly details: Record<string, unknown>;
  constructor(info: {
    workflowId: string;
    workflowName: string;
    position: number;
    expected: string;
    actual: string;
  }) {
    super(
      'INF_WORKFLOW_DETERMINISM',
      `workflow ${info.workflowName} (${info.workflowId}) is not deterministic at position ${info.position}: ` +
        `history recorded ${info.expected}, the code asked for ${info.actual}. ` +
        'Do not change the code of running workflows: add a new version instead (see versioning).',
    );
    this.workflowId = info.workflowId;
    this.workflowName = info.workflowName;
    this.position = info.position;
    this.expected = info.expected;
    this.actual = info.actual;
    this.details = { ...info };
  }
}

/** A workflow (or a child workflow) ended with an error; `error` is the error its code threw. */
export class WorkflowFailedError extends InfiniticError {
  readonly workflowId: string;
  readonly workflowName: string;
  /** `name` of the error that failed the workflow, e.g. 'TaskFailedError', 'DeterminismError'. */
  readonly errorName: string;
  readonly errorMessage: string;
  readonly error: ErrorInfo;
  constructor(info: { workflowId: string; workflowName: string; error: ErrorInfo }) {
    super(
      'INF_WORKFLOW_FAILED',
      `workflow ${info.workflowName} (${info.workflowId}) failed: ${info.error.name}: ${info.error.message}`,
    );
    this.workflowId = info.workflowId;
    this.workflowName = info.workflowName;
    this.errorName = info.error.name;
    this.errorMessage = info.error.message;
    this.error = info.error;
  }
}

export class WorkflowCanceledError extends InfiniticError {
  readonly workflowId: string;
  readonly workflowName: string;
  constructor(info: { workflowId: string; workflowName: string }) {
    super('INF_WORKFLOW_CANCELED', `workflow ${info.workflowName} (${info.workflowId}) was canceled`);
    this.workflowId = info.workflowId;
    this.workflowName = info.workflowName;
  }
}

/** No such workflow instance (never started, or its completion record expired). */
export class WorkflowUnknownError extends InfiniticError {
  readonly workflowId: string;
  readonly workflowName: string;
  constructor(info: { workflowId: string; workflowName: string }) {
    super('INF_WORKFLOW_UNKNOWN', `workflow ${info.workflowName} (${info.workflowId}) is unknown`);
    this.workflowId = info.workflowId;
    this.workflowName = info.workflowName;
  }
}

export class WorkflowDefinitionError extends InfiniticError {
  constructor(message: string) {
    super('INF_WORKFLOW_DEFINITION', message);
  }
}

/** A workflow API (`sleep`, `proxyService`, ...) was called outside workflow code. */
export class NotInWorkflowError extends InfiniticError {
  constructor(what: string) {
    super(
      'INF_WORKFLOW_CONTEXT',
      `${what} was called outside a workflow: call it from a workflow method run by a WorkflowEngine`,
    );
  }
}
