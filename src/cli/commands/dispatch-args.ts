/** Pure helpers of `infinitic dispatch`: flags → request, outcome → output (tested in dispatch-args.test.ts). */
import type { DispatchOutcome, DispatchRequest, TargetKind } from '../../embedded/dispatch-request.ts';
import { CliError, EXIT } from '../run-cli.ts';

export const DEFAULT_TIMEOUT_S = 60;

/** `'["world", 2]'` → ['world', 2]; anything but a JSON array is a usage error. */
export function parseArgsJson(text: string | undefined): unknown[] {
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `arguments must be a JSON array, e.g. '["world"]' (${(error as Error).message})`,
      EXIT.usage,
      'INF_USAGE',
    );
  }
  if (!Array.isArray(value)) {
    throw new CliError(
      `arguments must be a JSON array, e.g. '[${JSON.stringify(value)}]', got ${JSON.stringify(value)}`,
      EXIT.usage,
      'INF_USAGE',
    );
  }
  return value;
}

export function timeoutMs(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_TIMEOUT_S;
  if (!(Number.isFinite(s) && s > 0)) {
    throw new CliError(`--timeout must be a number of seconds > 0, got ${seconds}`, EXIT.usage, 'INF_USAGE');
  }
  return Math.round(s * 1000);
}

/** A name is a workflow when the worker or config knows it as one (or --kind says so); else a service. */
export function kindOf(target: string, workflows: readonly string[], forced?: string): TargetKind {
  if (forced === 'service' || forced === 'workflow') return forced;
  return workflows.includes(target) ? 'workflow' : 'service';
}

export function buildRequest(
  args: { target: string; method: string; args?: string; wait?: boolean; timeout?: number },
  kind: TargetKind,
): DispatchRequest {
  return {
    kind,
    target: args.target,
    method: args.method,
    args: parseArgsJson(args.args),
    wait: args.wait ?? true,
    timeoutMs: timeoutMs(args.timeout),
  };
}

/** What the user sees on stdout: the result (strings raw, the rest as JSON), or the id with --no-wait. */
export function formatOutcome(outcome: DispatchOutcome, json: boolean): string {
  if (json) return `${JSON.stringify(outcome, null, 2)}\n`;
  if (outcome.status === 'dispatched') return `${outcome.id}\n`;
  if (outcome.status === 'failed') return '';
  const { result } = outcome;
  if (result === undefined) return '';
  return `${typeof result === 'string' ? result : JSON.stringify(result, null, 2)}\n`;
}

/** The one-line error of a failed task or workflow: name, message and the attempt. */
export function failureLine(outcome: DispatchOutcome & { status: 'failed' }): string {
  const { kind, target, method, id, error } = outcome;
  const what =
    kind === 'workflow' ? `workflow ${target}.${method} (${id})` : `${target}.${method} (task ${id})`;
  const attempt = error.attempt !== undefined ? ` on attempt ${error.attempt}` : '';
  const worker = error.workerName ? ` in ${error.workerName}` : '';
  const message = error.message.split('\n')[0];
  return `${what} failed${attempt}${worker}: ${error.name}: ${message}`;
}
