/**
 * What `infinitic dispatch` does once its flags are parsed (dispatch.ts declares the command and
 * imports this module only when it runs, so `--help` loads neither the runtime nor dockerode).
 */
import { resolve } from 'node:path';
import type { LogLevel } from '@infinitic/runtime';
import { dispatchViaEndpoint, findEmbeddedWorker } from '../../embedded/dev-endpoint-client.ts';
import { type DispatchOutcome, type DispatchRequest, runDispatch } from '../../embedded/dispatch-request.ts';
import { observabilityPort, startEmbeddedWorker } from '../../embedded/embedded-worker.ts';
import { projectName } from '../../embedded/load-project.ts';
import { CliError, EXIT } from '../run-cli.ts';
import type { DispatchArgs } from './dispatch.ts';
import { failureLine, formatOutcome, kindOf } from './dispatch-args.ts';
import { stackClient } from './dispatch-stack.ts';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function viaEmbeddedOnce(
  args: DispatchArgs,
  dir: string,
  parsed: DispatchRequest,
): Promise<DispatchOutcome> {
  // The outcome is printed by us: worker logs only when asked for (LOG_LEVEL=info ...), on stderr.
  const asked = process.env.LOG_LEVEL as LogLevel | undefined;
  const logLevel: LogLevel = asked && LOG_LEVELS.includes(asked) ? asked : 'silent';
  const embedded = await startEmbeddedWorker({ dir, env: args.env, logLevel, logTo: 'stderr' });
  try {
    const request = { ...parsed, kind: kindOf(args.target, Object.keys(embedded.known.workflow), args.kind) };
    if (!request.wait) {
      note(
        'note: the one-shot embedded worker stops on exit; `infinitic dev up --embedded` keeps one running',
      );
    }
    return await embedded.dispatch(request);
  } finally {
    await embedded.close();
  }
}

async function viaRunningWorker(
  args: DispatchArgs,
  dir: string,
  parsed: DispatchRequest,
): Promise<{ outcome: DispatchOutcome; via: string }> {
  projectName(dir); // outside a project: say so, rather than "its stack is not running"
  const port = await observabilityPort(dir, args.env).catch(() => undefined);
  const info = port === undefined ? undefined : await findEmbeddedWorker(port, dir);
  if (port !== undefined && info) {
    const request = { ...parsed, kind: kindOf(args.target, info.workflows, args.kind) };
    return { outcome: await dispatchViaEndpoint(port, request), via: `embedded worker on 127.0.0.1:${port}` };
  }
  const { client, close, stack, check, workflows } = await stackClient(dir, args.env);
  try {
    const request = { ...parsed, kind: kindOf(args.target, workflows, args.kind) };
    check(request);
    const outcome = await runDispatch(client, request);
    return { outcome, via: `dev stack ${stack.project} (${stack.workers} worker replica(s))` };
  } finally {
    await close().catch(() => {});
  }
}

/** Sends the parsed request where the flags say (the kind is settled there), prints the outcome. */
export async function dispatchFromCli(args: DispatchArgs, parsed: DispatchRequest): Promise<void> {
  const dir = resolve(args.dir);
  let outcome: DispatchOutcome;
  let via: string;
  if (args.embedded) {
    outcome = await viaEmbeddedOnce(args, dir, parsed);
    via = 'embedded (in-process, in-memory)';
  } else {
    ({ outcome, via } = await viaRunningWorker(args, dir, parsed));
  }
  process.stdout.write(formatOutcome(outcome, Boolean(args.json)));
  if (outcome.status === 'failed')
    throw new CliError(failureLine(outcome), EXIT.failure, 'INF_DISPATCH_FAILED');
  if (!args.json && outcome.status === 'completed') {
    note(`${outcome.target}.${outcome.method} ${outcome.status} in ${outcome.durationMs} ms via ${via}`);
  }
}
