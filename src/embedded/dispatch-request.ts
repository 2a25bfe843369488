/**
 * One dispatch, whatever carries it (a client on the dev stack's Pulsar, the in-process embedded
 * worker, or the embedded worker's loopback dev endpoint): the request, its outcome, and running
 * it on a client. Clients are typed structurally: the embedded worker may hand us a client of the
 * project's own runtime copy, so `instanceof` on runtime classes is not used.
 */
import { CliError, EXIT } from '../cli/run-cli.ts';

export type TargetKind = 'service' | 'workflow';

export interface DispatchRequest {
  kind: TargetKind;
  /** Service or workflow name. */
  target: string;
  /** Task (service method) or workflow method. */
  method: string;
  args: unknown[];
  /** Wait for the result (default) or return the id once dispatched. */
  wait: boolean;
  /** How long to wait for the result. */
  timeoutMs: number;
}

export interface FailureInfo {
  name: string;
  message: string;
  code?: string;
  /** 1-based attempt that failed last (tasks). */
  attempt?: number;
  workerName?: string;
}

interface OutcomeBase {
  kind: TargetKind;
  target: string;
  method: string;
  /** Task id or workflow id. */
  id: string;
  durationMs: number;
}

export type DispatchOutcome =
  | (OutcomeBase & { status: 'completed'; result: unknown })
  | (OutcomeBase & { status: 'failed'; error: FailureInfo })
  | (OutcomeBase & { status: 'dispatched' });

interface Handle {
  result(options?: { timeoutMs?: number }): Promise<unknown>;
}

/** What dispatching needs from an InfiniticClient (of any runtime copy). */
export interface DispatchClient {
  dispatchTask(
    service: string,
    task: string,
    args: unknown[],
    options?: { reply?: boolean },
  ): Promise<Handle & { taskId: string }>;
  dispatchWorkflow?: (
    workflow: string,
    method: string,
    args: unknown[],
    options?: { reply?: boolean },
  ) => Promise<Handle & { workflowId: string }>;
}

/** The client's workflow entry point, or a clear error while the runtime has none. */
function workflowDispatcher(client: DispatchClient) {
  const start = client.dispatchWorkflow;
  if (typeof start !== 'function') {
    throw new CliError(
      'workflows are not available in this runtime version yet: dispatch a service task instead (infinitic dispatch <Service> <method> ...)',
      EXIT.failure,
      'INF_NOT_YET',
    );
  }
  return start.bind(client);
}

function failureOf(error: unknown): FailureInfo | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & {
    code?: string;
    failure?: { name: string; message: string; code?: string; retryIndex: number; workerName?: string };
    errorName?: string;
    errorMessage?: string;
  };
  if (e.code === 'INF_TASK_FAILED' && e.failure) {
    const f = e.failure;
    return {
      name: f.name,
      message: f.message,
      ...(f.code ? { code: f.code } : {}),
      attempt: f.retryIndex + 1,
      ...(f.workerName ? { workerName: f.workerName } : {}),
    };
  }
  // Workflow outcomes: WorkflowFailedError carries the name and message of what failed it (for a
  // task failure, with that task's last attempt); canceled and unknown instances are outcomes too.
  if (
    e.code === 'INF_WORKFLOW_FAILED' ||
    e.code === 'INF_WORKFLOW_CANCELED' ||
    e.code === 'INF_WORKFLOW_UNKNOWN'
  ) {
    const details = (e as { error?: { details?: { failure?: { retryIndex?: unknown } } } }).error?.details;
    const retryIndex = details?.failure?.retryIndex;
    return {
      name: e.errorName ?? e.name,
      message: e.errorMessage ?? e.message,
      code: e.code,
      ...(typeof retryIndex === 'number' ? { attempt: retryIndex + 1 } : {}),
    };
  }
  return undefined;
}

/** Dispatches on `client` and, when asked, waits for the outcome. */
export async function runDispatch(
  client: DispatchClient,
  request: DispatchRequest,
): Promise<DispatchOutcome> {
  const started = performance.now();
  const { kind, target, method, args } = request;
  let handle: Handle;
  let id: string;
  // --no-wait asks for no reply: the worker then opens no producer towards this short-lived client
  const options = request.wait ? {} : { reply: false };
  if (kind === 'workflow') {
    const h = await workflowDispatcher(client)(target, method, args, options);
    handle = h;
    id = h.workflowId;
  } else {
    const h = await client.dispatchTask(target, method, args, options);
    handle = h;
    id = h.taskId;
  }
  const base = { kind, target, method, id };
  const elapsed = () => Math.round(performance.now() - started);
  if (!request.wait) return { ...base, status: 'dispatched', durationMs: elapsed() };
  try {
    const result = await handle.result({ timeoutMs: request.timeoutMs });
    return { ...base, status: 'completed', result, durationMs: elapsed() };
  } catch (error) {
    // a timeout is checked first: INF_WORKFLOW_RESULT_TIMEOUT is not a workflow outcome
    if (/_RESULT_TIMEOUT$/.test((error as { code?: string }).code ?? '')) {
      throw new CliError(
        `no result for ${target}.${method} (${id}) within ${request.timeoutMs / 1000} s: is a worker running ${target}? (infinitic dev status); --timeout waits longer`,
        EXIT.failure,
        'INF_DISPATCH_TIMEOUT',
      );
    }
    const failure = failureOf(error);
    if (failure) return { ...base, status: 'failed', error: failure, durationMs: elapsed() };
    throw error;
  }
}

/** Checks the target against what a worker registers; unknown ones are one-line errors. */
export function checkTarget(
  request: Pick<DispatchRequest, 'kind' | 'target' | 'method'>,
  known: Record<string, string[] | undefined>,
  where: string,
): void {
  const { kind, target, method } = request;
  const names = Object.keys(known);
  if (!(target in known)) {
    throw new CliError(
      `unknown ${kind} '${target}': ${where} registers ${names.length > 0 ? names.join(', ') : `no ${kind}`}`,
      EXIT.invalid,
      'INF_DISPATCH_UNKNOWN',
    );
  }
  const methods = known[target];
  if (methods && !methods.includes(method)) {
    throw new CliError(
      `unknown method '${method}' of ${kind} ${target} (methods: ${methods.join(', ') || 'none'})`,
      EXIT.invalid,
      'INF_DISPATCH_UNKNOWN',
    );
  }
}

/** A multi-line error text (a ConfigError: title, then one issue per line) as one line. */
export function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .reduce((all, line) => (all === '' ? line : `${all}${all.endsWith(':') ? ' ' : '; '}${line}`), '');
}
