/**
 * `infinitic dispatch <Service|Workflow> <method> ['[args as JSON]']`: starts a task (or a
 * workflow) and prints its result. Where it goes, in order:
 *   --embedded                      an in-process worker on in-memory transport and storage, just for this call;
 *   an embedded worker of this project answering on the config's observability port (`dev up --embedded`);
 *   the project's dev stack (`dev up`), at the ports its containers publish.
 */
import { resolve } from 'node:path';
import type { LogLevel } from '@infinitic/runtime';
import type { Argv, CommandModule } from 'yargs';
import { dispatchViaEndpoint, findEmbeddedWorker } from '../../embedded/dev-endpoint-client.ts';
import type { DispatchOutcome } from '../../embedded/dispatch-request.ts';
import { runDispatch } from '../../embedded/dispatch-request.ts';
import { observabilityPort, startEmbeddedWorker } from '../../embedded/embedded-worker.ts';
import { projectName } from '../../embedded/load-project.ts';
import { CliError, EXIT } from '../run-cli.ts';
import { buildRequest, DEFAULT_TIMEOUT_S, failureLine, formatOutcome, kindOf } from './dispatch-args.ts';
import { stackClient } from './dispatch-stack.ts';

export interface DispatchArgs {
  target: string;
  method: string;
  args?: string;
  wait?: boolean;
  timeout?: number;
  env: string;
  dir: string;
  json?: boolean;
  embedded?: boolean;
  kind?: string;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

type Request = ReturnType<typeof buildRequest>;

async function viaEmbeddedOnce(args: DispatchArgs, dir: string, parsed: Request): Promise<DispatchOutcome> {
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
  parsed: Request,
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

export const dispatchCommand: CommandModule<object, DispatchArgs> = {
  command: 'dispatch <target> <method> [args]',
  describe:
    'Run a service task (or start a workflow) on the dev stack or the embedded worker; print its result',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('target', { type: 'string', describe: 'Service (or workflow) name, e.g. HelloService' })
      .positional('method', { type: 'string', describe: 'Method (task) name, e.g. sayHello' })
      .positional('args', { type: 'string', describe: `Arguments as a JSON array, e.g. '["world"]'` })
      .option('wait', {
        type: 'boolean',
        default: true,
        describe: 'Wait for the result (--no-wait prints the task id once dispatched)',
      })
      .option('timeout', {
        type: 'number',
        default: DEFAULT_TIMEOUT_S,
        describe: 'Seconds to wait for the result',
      })
      .option('env', {
        type: 'string',
        default: 'dev',
        describe: 'Config environment: config/base.yml + config/<env>.yml',
      })
      .option('dir', { type: 'string', default: '.', describe: 'Project directory' })
      .option('json', { type: 'boolean', describe: 'Print the outcome as JSON' })
      .option('embedded', {
        type: 'boolean',
        describe:
          'Run an in-process worker (in-memory transport and storage) for this call; needs `npm run build`',
      })
      .option('kind', {
        type: 'string',
        choices: ['service', 'workflow'],
        describe: 'What <target> is (default: a workflow when the project registers one by that name)',
      })
      .example('$0 dispatch HelloService sayHello \'["world"]\'', 'on the dev stack (infinitic dev up)')
      .example(
        '$0 dispatch HelloService sayHello \'["world"]\' --embedded',
        'without Docker',
      ) as Argv<DispatchArgs>,
  handler: async (args) => {
    const dir = resolve(args.dir);
    const parsed = buildRequest(args, 'service'); // bad arguments fail before anything starts; kind comes later
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
  },
};
